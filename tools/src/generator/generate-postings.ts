/**
 * A seeded, deterministic, streaming generator of monthly postings CSVs that
 * follow (and, in dirty mode, deliberately break) the data contract in
 * docs/data-contract.md. The manifest it fills in is known by
 * construction, so loader tests can assert their load summary against it.
 *
 * Output is byte-identical for the same options on every platform: all
 * randomness comes from one sfc32 stream, consumed in a fixed order, and the
 * chunk size only decides where the text is cut, never what it says.
 *
 * Dirty mode (the default) always writes a BOM before the header and `\r\n`
 * line endings (line breaks inside quoted fields are a bare `\n`, as in an
 * Excel export, plus one deliberate `\r\n` inside a rejected row's quotes),
 * and ends with one blank line. Clean mode writes none of the mess: no BOM,
 * `\n` endings, no quoting, no rejects or duplicates, upper-case statuses,
 * lower-case uuids, only `YYYY-MM-DD HH:MM:SS` timestamps and plain numbers;
 * NULL and zero prices and areas and the outliers stay, being data, not mess.
 *
 * Fresh uuids are 122 bits from the PRNG and are never checked against each
 * other (no per-row set, so memory stays constant): the chance of any
 * collision among 5,000,000 of them is about n²/2^123 ≈ 3e-24. Duplicates are
 * made on purpose by re-emitting a uuid from a small ring of recently
 * accepted rows, which is what makes duplicateRows exact.
 */
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import { LoaderError, LoaderErrorCode } from 'loader';
import { buildCalendar, clock, parseMonth, sampleCdf, sampleHour, withOffset, type MonthCalendar } from './calendar';
import { CATEGORIES, CATEGORY_NAMES, ONLINE_SHARE, STATUSES, ZIP_REGION_FACTORS, ZIP_REGION_SHARES } from './categories';
import {
  COL,
  DEFECTS,
  EDITS,
  HEADER,
  HEADER_CELLS,
  ODD_CATEGORY_QUOTED,
  ODD_STATUS_MULTILINE,
  SEVEN_EMPTY_CELLS,
  STATUSES_AT_LIMIT,
  numberVariant,
  type Cells,
  type Defect,
  type DefectContext,
  type Edit,
} from './dirty-values';
import {
  GENERATED_REASONS,
  REJECT_REASONS,
  REJECT_SAMPLES_PER_REASON,
  emptyReasonCounts,
  emptyReasonSamples,
  type GenerationManifest,
  type GeneratedReason,
  type RejectReason,
} from './manifest';
import { createPrng, type Prng } from '@realxdeal/model';
import { POWERS_OF_TEN, ascii, putBytes, putScaled, putTimestamp, putUuid, putZip, scaledText, uuidText, zipText } from './row-format';

export { GENERATED_REASONS, REJECT_REASONS, type GenerationManifest, type RejectReason } from './manifest';
export { CATEGORIES, CATEGORY_NAMES, ODD_CATEGORY_VALUES, type CategoryProfile, type PriceUnit } from './categories';

export interface GenerateOptions {
  /** Data rows to write (rejected rows and duplicates included, blank lines not). */
  readonly rows: number;
  /** Default 2021. Any safe integer. */
  readonly seed?: number;
  /** `YYYY-MM`, default `2021-02`: created_at instants (in UTC) all fall in it. */
  readonly month?: string;
  /** Default true: include the dirty cases (see the module comment). */
  readonly dirty?: boolean;
}

export const GENERATE_DEFAULTS = { seed: 2021, month: '2021-02', dirty: true } as const;

/** Options the generator cannot honour: a LoaderError coded LOADER_BAD_OPTION, thrown before anything is written. */
function badOption(message: string): LoaderError {
  return new LoaderError(LoaderErrorCode.BAD_OPTION, message);
}

/**
 * Per-row probabilities in dirty mode, on top of the fixed "special" rows (one
 * per defect variant and per edge case, spread evenly through the file so
 * that even a few hundred rows contain every reject reason).
 */
export const DIRTY_RATES = {
  reject: 0.003,
  duplicate: 0.002,
  reuseRejectedUuid: 0.0003,
  blankLine: 0.001,
  odd: 0.05,
} as const;

/** Share of random rejects that also carry a defect of a later reason. */
const SECONDARY_DEFECT_SHARE = 0.4;
/** Share of random rejects (of reasons after missing_status) that reuse an accepted row's uuid. */
const REJECT_REUSES_ACCEPTED_UUID_SHARE = 0.1;

const ZIP_NULL_SHARE = 0.015;
const PRICE_NULL_SHARE = 0.02;
const ZERO_SHARE = 0.005;
const ONE_M2_OUTLIER_SHARE = 0.002;
const CENTS_OUTLIER_SHARE = 0.003;

const RING_SIZE = 1024;
const REJECTED_UUIDS_KEPT = 64;
/** About 1 MB per chunk: large writes, bounded memory. */
const CHUNK_BYTES = 1 << 20;
/** Room past CHUNK_BYTES for the line that crosses it; no line comes near this long. */
const CHUNK_SLACK_BYTES = 1 << 16;
const MAX_ROWS = 1_000_000_000;
/**
 * Stream buffers of a few chunks, so the next chunk is generated while the
 * last one is still being written instead of taking turns with the disk.
 */
const STREAM_BUFFER_BYTES = 4 * CHUNK_BYTES;

const CATEGORY_CDF = cumulativeOf(CATEGORIES.map((c) => c.share));
const ZIP_REGION_CDF = cumulativeOf(ZIP_REGION_SHARES);
const EDIT_CDF = cumulativeOf(EDITS.map(([w]) => w));
const cellDefects = (r: GeneratedReason): readonly Defect[] => DEFECTS[r].filter((d) => d.whole !== true);
/** Defects that leave the rest of the line alone, so other defects on the same row survive them. */
const CELL_DEFECTS: Readonly<Record<GeneratedReason, readonly Defect[]>> = {
  column_count: cellDefects('column_count'),
  bad_uuid: cellDefects('bad_uuid'),
  missing_category: cellDefects('missing_category'),
  missing_status: cellDefects('missing_status'),
  bad_price: cellDefects('bad_price'),
  bad_area: cellDefects('bad_area'),
  bad_created_at: cellDefects('bad_created_at'),
  too_long: cellDefects('too_long'),
};

/** Rounding steps as (decimal scale, step in units of that scale): 0.01 → (2, 1), 500 → (0, 500). */
const scaleOf = (step: number): number => (step >= 1 ? 0 : Math.round(-Math.log10(step)));
const unitsOf = (step: number): number => (step >= 1 ? step : 1);
const AREA_SCALE = CATEGORIES.map((c) => scaleOf(c.areaStep));
const PRICE_SCALE = CATEGORIES.map((c) => scaleOf(c.priceStep));
const PRICE_STEP_UNITS = CATEGORIES.map((c) => unitsOf(c.priceStep));
/** `,NAME,` per category and `,STATUS` + line end, pre-encoded for the byte path. */
const CATEGORY_FIELD = CATEGORY_NAMES.map((name) => ascii(`,${name},`));
const STATUS_LINE_END = {
  lf: [ascii(`,${STATUSES.online}\n`), ascii(`,${STATUSES.offline}\n`)],
  crlf: [ascii(`,${STATUSES.online}\r\n`), ascii(`,${STATUSES.offline}\r\n`)],
} as const;
const COMMA = 0x2c;

function cumulativeOf(weights: readonly number[]): Float64Array {
  const total = weights.reduce((s, w) => s + w, 0);
  const cdf = new Float64Array(weights.length);
  let acc = 0;
  weights.forEach((w, i) => {
    acc += w / total;
    cdf[i] = acc;
  });
  cdf[weights.length - 1] = 1;
  return cdf;
}

/** The four words of a uuid written by uuidText (rare path: duplicates and reuses). */
function uuidWords(uuid: string): [number, number, number, number] {
  return [
    parseInt(uuid.slice(0, 8), 16),
    parseInt(uuid.slice(9, 13) + uuid.slice(14, 18), 16),
    parseInt(uuid.slice(19, 23) + uuid.slice(24, 28), 16),
    parseInt(uuid.slice(28, 36), 16),
  ];
}

interface State {
  readonly rng: Prng;
  readonly cal: MonthCalendar;
  readonly dirty: boolean;
  readonly eol: string;
  readonly rows: number;
  readonly manifest: GenerationManifest;
  /** Testing hook: spell plain rows through the string path too. */
  readonly plainRowsAsText: boolean;
  readonly dayBytes: readonly Uint8Array[];
  readonly statusLineEnd: readonly Uint8Array[];
  /** Index of the next data row. */
  next: number;
  /** Physical line (header = 1) the next line of output starts on. */
  line: number;
  /**
   * The chunk being built. Lines go straight into it: one long `+=` rope, or
   * an array joined per chunk, spends most of its time in the garbage
   * collector.
   */
  buf: Buffer;
  pos: number;
  // The current row's draft, as numbers, overwritten by drawRow (no allocation per row).
  u0: number;
  u1: number;
  u2: number;
  u3: number;
  cat: number;
  /** -1 for NULL */
  zip: number;
  /** Value × 10^scale; -1 for NULL. */
  priceUnits: number;
  priceScale: number;
  areaUnits: number;
  areaScale: number;
  day: number;
  second: number;
  online: boolean;
  // Recently accepted uuids (as words) and their category, for duplicates.
  readonly ring: Uint32Array;
  readonly ringCat: Uint8Array;
  ringFill: number;
  ringPos: number;
  /** Fresh uuids seen only on rejected rows so far, to reuse once on an accepted row. */
  readonly rejectedUuids: string[];
  readonly specialRows: Int32Array;
  specialIndex: number;
}

/** Draws a valid row into the state; `cat` < 0 picks a category by share. */
function drawRow(st: State, cat: number): void {
  const rng = st.rng;
  // 122 random bits: version nibble 4, variant bits 10.
  st.u0 = rng.uint32();
  st.u1 = ((rng.uint32() & 0xffff0fff) | 0x4000) >>> 0;
  st.u2 = ((rng.uint32() & 0x3fffffff) | 0x80000000) >>> 0;
  st.u3 = rng.uint32();
  const c = cat >= 0 ? cat : sampleCdf(CATEGORY_CDF, rng.uniform());
  st.cat = c;
  const profile = CATEGORIES[c];

  const region = sampleCdf(ZIP_REGION_CDF, rng.uniform());
  if (rng.uniform() < ZIP_NULL_SHARE) st.zip = -1;
  // Region 0 starts at 01067 (Dresden), the lowest German zip in use.
  else st.zip = region === 0 ? 1067 + rng.int(8600) : region * 10000 + rng.int(10000);

  // The price follows the true area even when the written area is NULL, 0 or a 1 m² typo.
  const trueArea = Math.max(profile.areaMin, rng.logNormal(profile.areaMedian, profile.areaSigma));
  const areaRoll = rng.uniform();
  if (areaRoll < profile.areaNullShare) {
    st.areaUnits = -1;
    st.areaScale = 0;
  } else if (areaRoll < profile.areaNullShare + ZERO_SHARE) {
    st.areaUnits = 0;
    st.areaScale = 0;
  } else if (areaRoll < profile.areaNullShare + ZERO_SHARE + ONE_M2_OUTLIER_SHARE) {
    st.areaUnits = 1;
    st.areaScale = 0;
  } else {
    const scale = AREA_SCALE[c];
    st.areaUnits = Math.round(trueArea * POWERS_OF_TEN[scale]);
    st.areaScale = scale;
  }

  st.priceScale = 0;
  if (profile.priceLevel === null) {
    st.priceUnits = -1;
  } else {
    const priceRoll = rng.uniform();
    if (priceRoll < PRICE_NULL_SHARE) {
      st.priceUnits = -1;
    } else if (priceRoll < PRICE_NULL_SHARE + ZERO_SHARE) {
      st.priceUnits = 0;
    } else {
      const base = profile.priceUnit === 'EUR' ? profile.priceLevel : trueArea * profile.priceLevel;
      const value = rng.logNormal(base * ZIP_REGION_FACTORS[region], profile.priceSigma);
      const scale = PRICE_SCALE[c];
      const step = PRICE_STEP_UNITS[c];
      const units = Math.round((value * POWERS_OF_TEN[scale]) / step) * step;
      // Prices typed in cents: the outliers a robust median has to survive.
      if (priceRoll >= 1 - CENTS_OUTLIER_SHARE) {
        st.priceUnits = units * POWERS_OF_TEN[2 - scale];
      } else {
        st.priceUnits = units;
        st.priceScale = scale;
      }
    }
  }

  st.day = sampleCdf(st.cal.dayCdf, rng.uniform());
  st.second = sampleHour(rng.uniform()) * 3600 + (rng.uint32() % 3600);
  st.online = rng.uniform() < ONLINE_SHARE;
}

function draftUuid(st: State): string {
  return uuidText(st.u0, st.u1, st.u2, st.u3);
}

/** The draft as text cells (the string spelling; putDraft is the byte one). */
function cellsOf(st: State): Cells {
  return [
    draftUuid(st),
    CATEGORY_NAMES[st.cat],
    st.zip < 0 ? '' : zipText(st.zip),
    st.priceUnits < 0 ? '' : scaledText(st.priceUnits, st.priceScale),
    st.areaUnits < 0 ? '' : scaledText(st.areaUnits, st.areaScale),
    st.cal.dayPrefixes[st.day] + ' ' + clock(st.second),
    st.online ? STATUSES.online : STATUSES.offline,
  ];
}

/** The draft as bytes, line end included: the hot path. */
function putDraft(st: State): void {
  const buf = st.buf;
  let pos = putUuid(buf, st.pos, st.u0, st.u1, st.u2, st.u3);
  pos = putBytes(buf, pos, CATEGORY_FIELD[st.cat]);
  if (st.zip >= 0) pos = putZip(buf, pos, st.zip);
  buf[pos++] = COMMA;
  if (st.priceUnits >= 0) pos = putScaled(buf, pos, st.priceUnits, st.priceScale);
  buf[pos++] = COMMA;
  if (st.areaUnits >= 0) pos = putScaled(buf, pos, st.areaUnits, st.areaScale);
  buf[pos++] = COMMA;
  pos = putTimestamp(buf, pos, st.dayBytes[st.day], st.second);
  st.pos = putBytes(buf, pos, st.statusLineEnd[st.online ? 0 : 1]);
}

function contextOf(st: State): DefectContext {
  return { rng: st.rng, calendar: st.cal, day: st.day, second: st.second };
}

function rememberWords(st: State, a: number, b: number, c: number, d: number, cat: number): void {
  const at = st.ringPos * 4;
  st.ring[at] = a;
  st.ring[at + 1] = b;
  st.ring[at + 2] = c;
  st.ring[at + 3] = d;
  st.ringCat[st.ringPos] = cat;
  st.ringPos = (st.ringPos + 1) & (RING_SIZE - 1);
  if (st.ringFill < RING_SIZE) st.ringFill++;
}

function remember(st: State, uuid: string, cat: number): void {
  const [a, b, c, d] = uuidWords(uuid);
  rememberWords(st, a, b, c, d, cat);
}

function countLineBreaks(raw: string): number {
  let n = 0;
  for (let i = raw.indexOf('\n'); i !== -1; i = raw.indexOf('\n', i + 1)) n++;
  return n;
}

/** Writes one accepted row; `uuid` is its canonical (lower-case) uuid. */
function emitAccepted(st: State, cells: Cells, uuid: string, cat: number, duplicate: boolean): void {
  const raw = cells.join(',');
  write(st, raw + st.eol);
  st.line += 1 + countLineBreaks(raw);
  st.manifest.rows++;
  if (duplicate) st.manifest.duplicateRows++;
  remember(st, uuid, cat);
}

/**
 * Writes one rejected row. `freshUuid` is the row's own never-accepted uuid
 * when it survived the defects intact, so a later accepted row may reuse it
 * (which is then a first load, not a replacement).
 */
function emitRejected(st: State, cells: Cells, reason: RejectReason, freshUuid: string | null): void {
  const raw = cells.join(',');
  const m = st.manifest;
  write(st, raw + st.eol);
  m.rows++;
  m.expectedRejects[reason]++;
  const samples = m.rejectSamples[reason];
  if (samples.length < REJECT_SAMPLES_PER_REASON) samples.push(st.line);
  st.line += 1 + countLineBreaks(raw);
  if (freshUuid !== null && st.rejectedUuids.length < REJECTED_UUIDS_KEPT) st.rejectedUuids.push(freshUuid);
}

function emitBlank(st: State, text: string): void {
  write(st, text + st.eol);
  st.line++;
  st.manifest.blankLines++;
}

function emitNormal(st: State): void {
  drawRow(st, -1);
  if (st.plainRowsAsText) write(st, cellsOf(st).join(',') + st.eol);
  else putDraft(st);
  st.line++;
  st.manifest.rows++;
  if (st.dirty) rememberWords(st, st.u0, st.u1, st.u2, st.u3, st.cat);
}

interface RejectPlan {
  readonly reason: GeneratedReason;
  /** The primary defect; picked at random from the reason's list when absent. */
  readonly defect?: Defect;
  /** Defects of strictly later reasons, applied first (the primary overwrites a shared field). */
  readonly also?: readonly GeneratedReason[];
  /** Write this uuid instead of a fresh one (an accepted row's, to prove a reject never touches it). */
  readonly uuid?: string;
}

function emitReject(st: State, plan: RejectPlan): void {
  const rank = GENERATED_REASONS.indexOf(plan.reason);
  drawRow(st, -1);
  const fresh = draftUuid(st);
  let cells = cellsOf(st);
  if (plan.uuid !== undefined) cells[COL.uuid] = plan.uuid;
  const ctx = contextOf(st);
  const primary = plan.defect ?? st.rng.pick(DEFECTS[plan.reason]);
  if (primary.whole !== true) {
    for (const later of plan.also ?? []) {
      if (GENERATED_REASONS.indexOf(later) <= rank) {
        throw new Error(`generator bug: ${later} cannot accompany ${plan.reason}`);
      }
      cells = st.rng.pick(CELL_DEFECTS[later]).apply(cells, ctx);
    }
  }
  cells = primary.apply(cells, ctx);
  emitRejected(st, cells, plan.reason, cells[COL.uuid] === fresh ? fresh : null);
}

function emitRandomReject(st: State): void {
  const rank = st.rng.int(GENERATED_REASONS.length);
  const reason = GENERATED_REASONS[rank];
  const also: GeneratedReason[] = [];
  if (rank < GENERATED_REASONS.length - 1 && st.rng.chance(SECONDARY_DEFECT_SHARE)) {
    also.push(GENERATED_REASONS[rank + 1 + st.rng.int(GENERATED_REASONS.length - rank - 1)]);
  }
  const reuse = rank > GENERATED_REASONS.indexOf('missing_status') && st.ringFill > 0 && st.rng.chance(REJECT_REUSES_ACCEPTED_UUID_SHARE);
  emitReject(st, { reason, also, uuid: reuse ? caseVariant(pickRemembered(st).uuid, st.rng) : undefined });
}

function pickRemembered(st: State): { uuid: string; cat: number } {
  const i = st.rng.int(st.ringFill);
  const r = st.ring;
  return { uuid: uuidText(r[i * 4], r[i * 4 + 1], r[i * 4 + 2], r[i * 4 + 3]), cat: st.ringCat[i] };
}

/** The same uuid in different case, mostly: all upper, or only its first group. */
function caseVariant(uuid: string, rng: Prng): string {
  const roll = rng.uniform();
  if (roll < 0.5) return uuid.toUpperCase();
  if (roll < 0.8) return uuid.slice(0, 8).toUpperCase() + uuid.slice(8);
  return uuid;
}

/** An accepted update of a recently accepted posting: same uuid (other case) and category. */
function emitDuplicate(st: State, spelling?: (uuid: string) => string): void {
  if (st.ringFill === 0) {
    emitNormal(st);
    return;
  }
  const { uuid, cat } = pickRemembered(st);
  drawRow(st, cat);
  const cells = cellsOf(st);
  cells[COL.uuid] = spelling === undefined ? caseVariant(uuid, st.rng) : spelling(uuid);
  emitAccepted(st, cells, uuid, cat, true);
}

/** An accepted row carrying a uuid so far seen only on rejected rows: a first load. */
function emitReuseOfRejected(st: State): void {
  const uuid = st.rejectedUuids.pop();
  if (uuid === undefined) {
    emitNormal(st);
    return;
  }
  drawRow(st, -1);
  const cells = cellsOf(st);
  cells[COL.uuid] = uuid;
  emitAccepted(st, cells, uuid, st.cat, false);
}

/** An accepted row with benign oddities: given edits, or one or two random ones on distinct columns. */
function emitOdd(st: State, edits?: readonly Edit[], cat = -1): void {
  drawRow(st, cat);
  const cells = cellsOf(st);
  const ctx = contextOf(st);
  if (edits !== undefined) {
    for (const edit of edits) edit(cells, ctx);
  } else {
    const count = st.rng.chance(0.3) ? 2 : 1;
    let usedColumn = -1;
    for (let k = 0; k < count; k++) {
      const [, column, edit] = EDITS[sampleCdf(EDIT_CDF, st.rng.uniform())];
      if (column === usedColumn) continue;
      usedColumn = column;
      edit(cells, ctx);
    }
  }
  emitAccepted(st, cells, draftUuid(st), st.cat, false);
}

const APARTMENT_BUY = CATEGORY_NAMES.indexOf('APARTMENT_BUY');

/** `289500` as `2895e2`: still a plain decimal by the contract. */
function exponentSpelling(value: string): string {
  if (value === '') return value;
  const n = Number(value);
  if (Number.isInteger(n) && n !== 0 && n % 1000 === 0) return `${n / 1000}e3`;
  if (Number.isInteger(n) && n !== 0 && n % 100 === 0) return `${n / 100}e2`;
  return `${value}e0`;
}

function signedSpelling(value: string): string {
  return value === '' ? value : `+${value}`;
}

const setCell =
  (col: number, value: string): Edit =>
  (cells) => {
    cells[col] = value;
  };

/** A valid row whose created_at is written as given, at a chosen instant. */
function emitAtInstant(st: State, day: number, second: number, render: (epoch: number, prefix: string) => string): void {
  drawRow(st, -1);
  st.day = day;
  st.second = second;
  const cells = cellsOf(st);
  cells[COL.createdAt] = render(st.cal.startSeconds + day * 86_400 + second, st.cal.dayPrefixes[day]);
  emitAccepted(st, cells, draftUuid(st), st.cat, false);
}

type Special = (st: State) => void;

/**
 * Rows every dirty file contains at least once (given enough rows): every
 * defect variant of every reason, the precedence combinations, every odd
 * value, the duplicate and reuse cases and the month's boundary instants.
 */
function specials(): Special[] {
  const list: Special[] = [];
  const last = (st: State): number => st.cal.days - 1;
  // Accepted oddities.
  list.push((st) => emitOdd(st, [setCell(COL.category, ODD_CATEGORY_QUOTED)]));
  list.push((st) => emitOdd(st, [setCell(COL.status, ODD_STATUS_MULTILINE)]));
  for (const status of STATUSES_AT_LIMIT) list.push((st) => emitOdd(st, [setCell(COL.status, status)]));
  list.push((st) => emitOdd(st, [setCell(COL.status, 'online')]));
  list.push((st) => emitOdd(st, [setCell(COL.status, '" ONLINE "')]));
  list.push((st) => emitOdd(st, [setCell(COL.zip, '"01067"')]));
  // Plain-decimal spellings beyond the obvious, on a category whose prices are round.
  const spellPrice: Edit = (cells) => {
    cells[COL.price] = exponentSpelling(cells[COL.price]);
  };
  const spellArea: Edit = (cells) => {
    cells[COL.area] = signedSpelling(cells[COL.area]);
  };
  list.push((st) => emitOdd(st, [spellPrice, spellArea], APARTMENT_BUY));
  list.push((st) =>
    emitOdd(st, [
      (cells) => {
        cells[COL.price] = numberVariant(cells[COL.price], st.rng);
      },
    ]),
  );
  // Month boundaries: the first and last UTC second, and local times in the
  // neighbouring months whose UTC instant still falls in this one.
  list.push((st) => emitAtInstant(st, 0, 0, (_, prefix) => `${prefix} 00:00:00`));
  list.push((st) => emitAtInstant(st, last(st), 86_399, (_, prefix) => `${prefix}T23:59:59.999Z`));
  list.push((st) => emitAtInstant(st, 0, 1800, (epoch) => withOffset(epoch, -60, 'T', false)));
  list.push((st) => emitAtInstant(st, last(st), 84_600, (epoch) => withOffset(epoch, 60, ' ', true)));
  list.push((st) => emitAtInstant(st, 0, 3600 * 3, (epoch) => withOffset(epoch, -300, 'T', true)));
  // Skipped lines (each followed by a normal row, so the special still writes one row).
  for (const blank of ['', '   ', '\t', ' \t ']) {
    list.push((st) => {
      emitBlank(st, blank);
      emitNormal(st);
    });
  }
  // Every defect variant once, as the only problem of its row.
  for (const reason of GENERATED_REASONS) {
    for (const defect of DEFECTS[reason]) list.push((st) => emitReject(st, { reason, defect }));
  }
  // Precedence: several problems, the first code wins.
  const multi =
    (reason: GeneratedReason, also: GeneratedReason[]): Special =>
    (st) =>
      emitReject(st, { reason, also, defect: st.rng.pick(CELL_DEFECTS[reason]) });
  list.push(multi('column_count', ['bad_uuid', 'bad_price', 'too_long']));
  list.push(multi('bad_uuid', ['missing_category', 'bad_price', 'too_long']));
  list.push(multi('missing_category', ['missing_status', 'bad_created_at']));
  list.push(multi('missing_status', ['bad_price']));
  list.push(multi('bad_price', ['bad_area', 'bad_created_at', 'too_long']));
  list.push(multi('bad_area', ['too_long']));
  list.push(multi('bad_created_at', ['too_long']));
  list.push((st) => emitRejected(st, [...SEVEN_EMPTY_CELLS], 'bad_uuid', null));
  list.push((st) => emitRejected(st, [...HEADER_CELLS], 'bad_uuid', null));
  // Duplicates and their look-alikes.
  list.push((st) => emitDuplicate(st, (u) => u.toUpperCase()));
  list.push((st) => emitDuplicate(st, (u) => u.slice(0, 8).toUpperCase() + u.slice(8)));
  list.push((st) => emitDuplicate(st, (u) => u));
  list.push((st) =>
    st.ringFill > 0 ? emitReject(st, { reason: 'bad_price', uuid: pickRemembered(st).uuid.toUpperCase() }) : emitNormal(st),
  );
  list.push(emitReuseOfRejected);
  list.push((st) => emitDuplicate(st, (u) => ` ${u.toUpperCase()} `));
  return list;
}

const SPECIALS: readonly Special[] = specials();

/** Rows where the specials go: evenly spread, so a file of DIRTY_SPECIAL_ROWS rows or more holds them all. */
function specialPositions(rows: number): Int32Array {
  const n = SPECIALS.length;
  const positions = new Int32Array(n);
  for (let k = 0; k < n; k++) positions[k] = Math.floor(((k + 0.5) * rows) / n);
  return positions;
}

function fillChunk(st: State): void {
  const { rng, dirty } = st;
  const rejectEnd = DIRTY_RATES.reject;
  const duplicateEnd = rejectEnd + DIRTY_RATES.duplicate;
  const reuseEnd = duplicateEnd + DIRTY_RATES.reuseRejectedUuid;
  const oddEnd = reuseEnd + DIRTY_RATES.odd;
  const blankEnd = oddEnd + DIRTY_RATES.blankLine;
  while (st.next < st.rows && st.pos < CHUNK_BYTES) {
    const i = st.next++;
    if (dirty) {
      if (i === st.specialRows[st.specialIndex]) {
        SPECIALS[st.specialIndex](st);
        // With fewer rows than specials several share a row; only the first is written.
        do st.specialIndex++;
        while (st.specialIndex < st.specialRows.length && st.specialRows[st.specialIndex] <= i);
        continue;
      }
      const u = rng.uniform();
      if (u < blankEnd) {
        if (u < rejectEnd) emitRandomReject(st);
        else if (u < duplicateEnd) emitDuplicate(st);
        else if (u < reuseEnd) emitReuseOfRejected(st);
        else if (u < oddEnd) emitOdd(st);
        else {
          emitBlank(st, rng.pick(['', '  ', '\t']));
          emitNormal(st);
        }
        continue;
      }
    }
    emitNormal(st);
  }
}

function finishManifest(m: GenerationManifest, st: State): void {
  const rejected = REJECT_REASONS.reduce((s, r) => s + m.expectedRejects[r], 0);
  m.expectedLoaded = m.rows - rejected;
  m.expectedDistinct = m.expectedLoaded - m.duplicateRows;
  m.physicalLines = st.line - 1;
}

function write(st: State, text: string): void {
  st.pos += st.buf.write(text, st.pos, 'utf8');
}

/** Hands the filled part of the buffer to the consumer, who now owns it. */
function takeChunk(st: State): Buffer {
  const chunk = st.buf.subarray(0, st.pos);
  st.buf = Buffer.allocUnsafe(CHUNK_BYTES + CHUNK_SLACK_BYTES);
  st.pos = 0;
  return chunk;
}

function* chunks(st: State): Generator<Buffer, void, undefined> {
  while (st.next < st.rows) {
    fillChunk(st);
    finishManifest(st.manifest, st);
    yield takeChunk(st);
  }
  // A trailing blank line: the loader must not count it as a row.
  if (st.dirty) emitBlank(st, '');
  finishManifest(st.manifest, st);
  if (st.manifest.rows !== st.rows) {
    throw new Error(`generator bug: wrote ${st.manifest.rows} rows, meant ${st.rows}`);
  }
  st.manifest.complete = true;
  if (st.pos > 0) yield takeChunk(st);
}

function validate(options: GenerateOptions): Required<GenerateOptions> {
  const { rows } = options;
  const seed = options.seed ?? GENERATE_DEFAULTS.seed;
  const month = options.month ?? GENERATE_DEFAULTS.month;
  const dirty = options.dirty ?? GENERATE_DEFAULTS.dirty;
  if (!Number.isSafeInteger(rows) || rows < 0 || rows > MAX_ROWS) {
    throw badOption(`rows must be an integer from 0 to ${MAX_ROWS}, got ${String(rows)}`);
  }
  if (!Number.isSafeInteger(seed)) {
    throw badOption(`seed must be a safe integer, got ${String(seed)}`);
  }
  if (parseMonth(month) === null) {
    throw badOption(`month must be YYYY-MM, got ${JSON.stringify(month)}`);
  }
  return { rows, seed, month, dirty };
}

export interface GeneratedPostings {
  /**
   * The file as UTF-8 bytes in chunks of about 1 MB, each ending at a line
   * end (so each decodes on its own); iterate once.
   */
  readonly chunks: Iterable<Buffer>;
  /** Filled in as the chunks are consumed; final when `complete` is true. */
  readonly manifest: GenerationManifest;
}

/** Knobs for the generator's own tests; not part of the file's definition. */
export interface GeneratorTestHooks {
  /** Spell plain rows through the string path instead of the byte path (the output must not change). */
  readonly plainRowsAsText?: boolean;
}

export function generatePostings(options: GenerateOptions, hooks: GeneratorTestHooks = {}): GeneratedPostings {
  const { rows, seed, month, dirty } = validate(options);
  const rng = createPrng(seed);
  const cal = buildCalendar(month, rng);
  const manifest: GenerationManifest = {
    rows: 0,
    expectedRejects: emptyReasonCounts(),
    expectedLoaded: 0,
    duplicateRows: 0,
    expectedDistinct: 0,
    blankLines: 0,
    physicalLines: 1,
    bom: dirty,
    crlf: dirty,
    rejectSamples: emptyReasonSamples(),
    seed,
    month,
    dirty,
    outageDay: cal.dayPrefixes[cal.outageDay],
    backfillDay: cal.dayPrefixes[cal.backfillDay],
    complete: false,
  };
  const eol = dirty ? '\r\n' : '\n';
  const st: State = {
    rng,
    cal,
    dirty,
    eol,
    rows,
    manifest,
    plainRowsAsText: hooks.plainRowsAsText === true,
    dayBytes: cal.dayPrefixes.map(ascii),
    statusLineEnd: dirty ? STATUS_LINE_END.crlf : STATUS_LINE_END.lf,
    next: 0,
    line: 2,
    buf: Buffer.allocUnsafe(CHUNK_BYTES + CHUNK_SLACK_BYTES),
    pos: 0,
    u0: 0,
    u1: 0,
    u2: 0,
    u3: 0,
    cat: 0,
    zip: -1,
    priceUnits: -1,
    priceScale: 0,
    areaUnits: -1,
    areaScale: 0,
    day: 0,
    second: 0,
    online: true,
    ring: new Uint32Array(RING_SIZE * 4),
    ringCat: new Uint8Array(RING_SIZE),
    ringFill: 0,
    ringPos: 0,
    rejectedUuids: [],
    specialRows: dirty ? specialPositions(rows) : new Int32Array(0),
    specialIndex: 0,
  };
  write(st, (dirty ? '\uFEFF' : '') + HEADER + eol);
  return { chunks: chunks(st), manifest };
}

/** The whole file as one string: for tests and small samples, not for millions of rows. */
export function generatePostingsText(
  options: GenerateOptions,
  hooks: GeneratorTestHooks = {},
): { text: string; manifest: GenerationManifest } {
  const { chunks: parts, manifest } = generatePostings(options, hooks);
  const text = Buffer.concat([...parts]).toString('utf8');
  return { text, manifest };
}

export type PostingsStream = Readable & { readonly manifest: GenerationManifest };

/** A byte stream of the file (UTF-8), generated on demand; the manifest is complete at 'end'. */
export function postingsStream(options: GenerateOptions): PostingsStream {
  const { chunks: parts, manifest } = generatePostings(options);
  return Object.assign(Readable.from(parts, { objectMode: false, highWaterMark: STREAM_BUFFER_BYTES }), { manifest });
}

/** Writes the file to a stream, honouring backpressure. `end` (default true) ends the destination. */
export async function writePostings(
  destination: NodeJS.WritableStream,
  options: GenerateOptions,
  { end = true }: { end?: boolean } = {},
): Promise<GenerationManifest> {
  const source = postingsStream(options);
  await pipeline(source, destination, { end });
  return source.manifest;
}

export async function writePostingsFile(path: string, options: GenerateOptions): Promise<GenerationManifest> {
  validate(options);
  return writePostings(createWriteStream(path, { highWaterMark: STREAM_BUFFER_BYTES }), options);
}

/**
 * Dirty files of at least this many rows contain every special row: every
 * reject reason and defect variant, every odd value, the duplicate cases.
 */
export const DIRTY_SPECIAL_ROWS = SPECIALS.length;
