import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

import { LoaderError } from 'loader';
import {
  CATEGORIES,
  CATEGORY_NAMES,
  DIRTY_SPECIAL_ROWS,
  ODD_CATEGORY_VALUES,
  GENERATED_REASONS,
  REJECT_REASONS,
  generatePostings,
  generatePostingsText,
  postingsStream,
  writePostingsFile,
  type GenerationManifest,
  type RejectReason,
} from '../src/generator/generate-postings';
import {
  BAD_NUMBERS_AREA,
  BAD_NUMBERS_PRICE,
  STATUSES_AT_LIMIT,
  TOO_LONG_CATEGORIES,
  TOO_LONG_STATUSES,
  TOO_LONG_ZIPS,
} from '../src/generator/dirty-values';

// ---------------------------------------------------------------------------
// An independent reading of the contract, written from the spec rather than
// from the generator, so the manifest's by-construction counts are checked.
// ---------------------------------------------------------------------------

interface CsvRecord {
  /** Physical line where the record starts (header = 1). */
  line: number;
  fields: string[];
  /** The record's text without its line end. */
  raw: string;
  /** Line end that closed it: '\r\n', '\n' or '' at the end of the text. */
  eol: string;
  hasQuotedLineBreak: boolean;
}

interface ParsedCsv {
  bom: boolean;
  header: CsvRecord;
  rows: CsvRecord[];
  blankLines: number;
  physicalLines: number;
}

function parseCsv(input: string): ParsedCsv {
  const bom = input.startsWith('\uFEFF');
  const text = bom ? input.slice(1) : input;
  const records: CsvRecord[] = [];
  let blankLines = 0;
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const start = i;
    const startLine = line;
    const fields: string[] = [];
    let quotedBreak = false;
    let onlyUnquoted = true;
    for (;;) {
      let value = '';
      if (text[i] === '"') {
        onlyUnquoted = false;
        i++;
        for (;;) {
          const q = text.indexOf('"', i);
          if (q === -1) throw new Error(`unterminated quote from line ${startLine}`);
          const part = text.slice(i, q);
          for (const ch of part) {
            if (ch === '\n') {
              line++;
              quotedBreak = true;
            }
          }
          value += part;
          if (text[q + 1] === '"') {
            value += '"';
            i = q + 2;
          } else {
            i = q + 1;
            break;
          }
        }
      }
      while (i < text.length && text[i] !== ',' && text[i] !== '\n' && !(text[i] === '\r' && text[i + 1] === '\n')) {
        value += text[i];
        i++;
      }
      fields.push(value);
      if (text[i] === ',') {
        i++;
        continue;
      }
      break;
    }
    const raw = text.slice(start, i);
    let eol = '';
    if (text.startsWith('\r\n', i)) eol = '\r\n';
    else if (text[i] === '\n') eol = '\n';
    i += eol.length;
    if (eol !== '') line++;
    const record = { line: startLine, fields, raw, eol, hasQuotedLineBreak: quotedBreak };
    if (onlyUnquoted && fields.length === 1 && fields[0].trim() === '') blankLines++;
    else records.push(record);
  }
  const [header, ...rows] = records;
  if (header === undefined) throw new Error('no header');
  return { bom, header, rows, blankLines, physicalLines: line - 1 };
}

const trimCell = (v: string): string => v.replace(/^[ \t]+|[ \t]+$/g, '');
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const PLAIN_DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/;

function validNumber(v: string): boolean {
  if (!PLAIN_DECIMAL.test(v)) return false;
  const n = Number(v);
  return Number.isFinite(n) && n >= 0;
}

/** Epoch seconds in UTC, fraction dropped; null when not a valid timestamp. */
function parseTimestamp(v: string): number | null {
  const m = TIMESTAMP.exec(v);
  if (m === null) return null;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const daysInMonth = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth || h > 23 || mi > 59 || s > 59) return null;
  let offsetMinutes = 0;
  const zone = m[8];
  if (zone !== undefined && zone !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = Number(digits.slice(2));
    if (oh > 23 || om > 59) return null;
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (oh * 60 + om);
  }
  return Date.UTC(y, mo - 1, d, h, mi, s) / 1000 - offsetMinutes * 60;
}

interface Posting {
  uuid: string;
  category: string;
  zip: string;
  price: number | null;
  area: number | null;
  createdAt: number;
  status: string;
}

function classify(fields: string[]): RejectReason | Posting {
  if (fields.length !== 7) return 'column_count';
  const [uuid, category, zip, price, area, createdAt, status] = fields.map(trimCell) as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (!UUID.test(uuid)) return 'bad_uuid';
  if (category === '') return 'missing_category';
  if (status === '') return 'missing_status';
  if (price !== '' && !validNumber(price)) return 'bad_price';
  if (area !== '' && !validNumber(area)) return 'bad_area';
  const instant = parseTimestamp(createdAt);
  if (instant === null) return 'bad_created_at';
  if ([category, status, zip].some((v) => [...v].length > 25)) return 'too_long';
  return {
    uuid: uuid.toLowerCase(),
    category,
    zip,
    price: price === '' ? null : Number(price),
    area: area === '' ? null : Number(area),
    createdAt: instant,
    status,
  };
}

interface LoadOutcome {
  parsed: ParsedCsv;
  rejects: Record<RejectReason, number>;
  rejectLines: Record<RejectReason, number[]>;
  accepted: Posting[];
  duplicates: number;
  distinct: Set<string>;
  /** Uuids of rejected rows, lower-cased. */
  rejectedUuids: Map<string, number>;
  acceptedRecords: CsvRecord[];
}

function load(text: string): LoadOutcome {
  const parsed = parseCsv(text);
  const rejects = Object.fromEntries(REJECT_REASONS.map((r) => [r, 0])) as Record<RejectReason, number>;
  const rejectLines = Object.fromEntries(REJECT_REASONS.map((r) => [r, [] as number[]])) as Record<RejectReason, number[]>;
  const accepted: Posting[] = [];
  const acceptedRecords: CsvRecord[] = [];
  const distinct = new Set<string>();
  const rejectedUuids = new Map<string, number>();
  let duplicates = 0;
  for (const record of parsed.rows) {
    const outcome = classify(record.fields);
    if (typeof outcome === 'string') {
      rejects[outcome]++;
      rejectLines[outcome].push(record.line);
      const uuid = trimCell(record.fields[0] ?? '');
      if (UUID.test(uuid)) rejectedUuids.set(uuid.toLowerCase(), record.line);
      continue;
    }
    if (distinct.has(outcome.uuid)) duplicates++;
    distinct.add(outcome.uuid);
    accepted.push(outcome);
    acceptedRecords.push(record);
  }
  return { parsed, rejects, rejectLines, accepted, duplicates, distinct, rejectedUuids, acceptedRecords };
}

function monthBounds(month: string): [number, number] {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return [Date.UTC(y, m - 1, 1) / 1000, Date.UTC(y, m, 1) / 1000];
}

function expectManifestMatches(outcome: LoadOutcome, manifest: GenerationManifest): void {
  const { parsed } = outcome;
  expect(manifest.complete).toBe(true);
  expect(parsed.rows).toHaveLength(manifest.rows);
  expect(parsed.blankLines).toBe(manifest.blankLines);
  expect(parsed.physicalLines).toBe(manifest.physicalLines);
  expect(outcome.rejects).toEqual(manifest.expectedRejects);
  const rejected = REJECT_REASONS.reduce((s, r) => s + manifest.expectedRejects[r], 0);
  expect(manifest.expectedLoaded).toBe(manifest.rows - rejected);
  expect(outcome.accepted).toHaveLength(manifest.expectedLoaded);
  expect(outcome.duplicates).toBe(manifest.duplicateRows);
  expect(outcome.distinct.size).toBe(manifest.expectedDistinct);
  for (const reason of REJECT_REASONS) {
    expect(manifest.rejectSamples[reason]).toEqual(outcome.rejectLines[reason].slice(0, manifest.rejectSamples[reason].length));
    expect(manifest.rejectSamples[reason].length).toBe(Math.min(10, manifest.expectedRejects[reason]));
  }
}

const DIRTY_ROWS = 20_000;
const dirty = generatePostingsText({ rows: DIRTY_ROWS });
const clean = generatePostingsText({ rows: DIRTY_ROWS, dirty: false });

describe('generatePostings', () => {
  it('is deterministic: the same seed gives the same bytes, another seed other bytes', () => {
    expect(generatePostingsText({ rows: DIRTY_ROWS }).text).toBe(dirty.text);
    expect(generatePostingsText({ rows: DIRTY_ROWS, dirty: false }).text).toBe(clean.text);
    const other = generatePostingsText({ rows: DIRTY_ROWS, seed: 7 });
    expect(other.text).not.toBe(dirty.text);
    expect(other.manifest.rows).toBe(DIRTY_ROWS);
  });

  it('spells plain rows identically on its byte path and its string path', () => {
    for (const options of [{ rows: 30_000 }, { rows: 30_000, dirty: false }, { rows: 3000, seed: 99, month: '2020-02' }]) {
      expect(generatePostingsText(options, { plainRowsAsText: true }).text).toBe(generatePostingsText(options).text);
    }
  });

  it('writes the same bytes to a file and to a stream, with the same manifest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'postings-gen-'));
    try {
      const path = join(dir, 'postings.csv');
      const manifest = await writePostingsFile(path, { rows: DIRTY_ROWS });
      expect(readFileSync(path, 'utf8')).toBe(dirty.text);
      expect(manifest).toEqual(dirty.manifest);

      const stream = postingsStream({ rows: DIRTY_ROWS });
      expect(stream.manifest.complete).toBe(false);
      expect(await collect(stream)).toBe(dirty.text);
      expect(stream.manifest).toEqual(dirty.manifest);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('cuts chunks at line ends, so each chunk decodes on its own', () => {
    const { chunks } = generatePostings({ rows: 30_000 });
    const parts = [...chunks];
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(part.subarray(-2).toString('latin1')).toBe('\r\n');
    expect(parts.map((p) => p.toString('utf8')).join('')).toBe(generatePostingsText({ rows: 30_000 }).text);
  });

  it('refuses bad options with a coded error', () => {
    const bad = [
      { rows: -1 },
      { rows: 1.5 },
      { rows: Number.NaN },
      { rows: 10, month: '2021-2' },
      { rows: 10, month: '2021-13' },
      { rows: 10, seed: 0.5 },
    ];
    for (const options of bad) {
      expect(() => generatePostings(options)).toThrow(LoaderError);
    }
    expect(() => generatePostings({ rows: -1 })).toThrow(expect.objectContaining({ code: 'LOADER_BAD_OPTION' }));
  });
});

describe('clean mode', () => {
  const { text, manifest } = clean;
  const lines = text.split('\n');

  it('writes LF lines of seven plain fields after a bare header', () => {
    expect(text.startsWith('uuid,category,zip_code,price,area,created_at,status\n')).toBe(true);
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(DIRTY_ROWS + 1);
    expect(text).not.toMatch(/["\r\uFEFF]/);
    expect(lines.filter((line) => line.split(',').length !== 7)).toEqual([]);
  });

  it('has canonical, unique, lower-case uuids and only YYYY-MM-DD HH:MM:SS inside the month', () => {
    const [from, to] = monthBounds('2021-02');
    const uuids = new Set<string>();
    const weekdays = new Set<number>();
    const wrong: string[] = [];
    for (const line of lines.slice(1)) {
      const [uuid, , , , , createdAt] = line.split(',') as [string, string, string, string, string, string, string];
      const instant = parseTimestamp(createdAt);
      const ok =
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(uuid) &&
        /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(createdAt) &&
        instant !== null &&
        instant >= from &&
        instant < to;
      if (!ok) wrong.push(line);
      uuids.add(uuid);
      if (instant !== null) weekdays.add(new Date(instant * 1000).getUTCDay());
    }
    expect(wrong).toEqual([]);
    expect(uuids.size).toBe(DIRTY_ROWS);
    expect([...weekdays].sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('has a manifest with no rejects, duplicates, blank lines, BOM or CRLF', () => {
    expect(manifest).toMatchObject({
      rows: DIRTY_ROWS,
      expectedLoaded: DIRTY_ROWS,
      expectedDistinct: DIRTY_ROWS,
      duplicateRows: 0,
      blankLines: 0,
      physicalLines: DIRTY_ROWS + 1,
      bom: false,
      crlf: false,
      dirty: false,
      complete: true,
    });
    expect(Object.values(manifest.expectedRejects).every((n) => n === 0)).toBe(true);
    expectManifestMatches(load(text), manifest);
  });
});

describe('dirty mode', () => {
  const { text, manifest } = dirty;
  const outcome = load(text);

  it('has a BOM before the header and CRLF after every line', () => {
    expect(text.startsWith('\uFEFFuuid,category,zip_code,price,area,created_at,status\r\n')).toBe(true);
    expect(outcome.parsed.bom).toBe(true);
    expect(outcome.parsed.header.fields).toEqual(['uuid', 'category', 'zip_code', 'price', 'area', 'created_at', 'status']);
    expect(outcome.parsed.rows.every((r) => r.eol === '\r\n')).toBe(true);
    expect(text.endsWith('\r\n\r\n')).toBe(true);
    expect(manifest).toMatchObject({ bom: true, crlf: true, dirty: true });
  });

  it('contains quoted fields with commas, doubled quotes and line breaks', () => {
    expect(text).toContain('"HOUSE ""deluxe"", RENT"');
    expect(outcome.acceptedRecords.some((r) => r.hasQuotedLineBreak)).toBe(true);
    expect(outcome.parsed.rows.some((r) => r.hasQuotedLineBreak && classify(r.fields) === 'too_long')).toBe(true);
    expect(outcome.parsed.rows.some((r) => r.raw === ',,,,,,')).toBe(true);
  });

  it('has every reject reason and a reject rate of 0.2–1 %', () => {
    for (const reason of GENERATED_REASONS) expect(manifest.expectedRejects[reason]).toBeGreaterThanOrEqual(3);
    const rate = (manifest.rows - manifest.expectedLoaded) / manifest.rows;
    expect(rate).toBeGreaterThan(0.002);
    expect(rate).toBeLessThan(0.01);
    expect(manifest.duplicateRows).toBeGreaterThan(0);
    expect(manifest.blankLines).toBeGreaterThan(0);
  });

  it('counts exactly what an independent reading of the contract finds', () => {
    expectManifestMatches(outcome, manifest);
  });

  it('keeps rejected rows apart from duplicates', () => {
    const acceptedBefore = new Map<string, number>();
    outcome.acceptedRecords.forEach((r, k) => {
      const uuid = outcome.accepted[k].uuid;
      if (!acceptedBefore.has(uuid)) acceptedBefore.set(uuid, r.line);
    });
    // A rejected row repeating an accepted uuid: the contract says it must not touch that row.
    const rejectOfAccepted = [...outcome.rejectedUuids].some(([u, line]) => (acceptedBefore.get(u) ?? Infinity) < line);
    // An accepted row whose uuid so far appeared only on a rejected row: a first load, not a replacement.
    const firstAfterReject = [...outcome.rejectedUuids].some(([u, line]) => (acceptedBefore.get(u) ?? -1) > line);
    expect(rejectOfAccepted).toBe(true);
    expect(firstAfterReject).toBe(true);
    // Duplicates mostly differ in case from the row they replace.
    const seen = new Set<string>();
    let otherCase = 0;
    for (const r of outcome.acceptedRecords) {
      const written = trimCell(r.fields[0]);
      if (seen.has(written.toLowerCase()) && written !== written.toLowerCase()) otherCase++;
      seen.add(written.toLowerCase());
    }
    expect(otherCase).toBeGreaterThan(0);
  });

  it('puts every accepted created_at inside the month in UTC, whatever its spelling', () => {
    const [from, to] = monthBounds('2021-02');
    expect(outcome.accepted.filter((p) => p.createdAt < from || p.createdAt >= to)).toEqual([]);
    const spellings = outcome.acceptedRecords.map((r) => trimCell(r.fields[5]));
    expect(spellings.some((s) => s.endsWith('Z'))).toBe(true);
    expect(spellings.some((s) => /\.\d+/.test(s))).toBe(true);
    expect(spellings.some((s) => /[+-]\d{2}:\d{2}$/.test(s))).toBe(true);
    expect(spellings.some((s) => /[+-]\d{4}$/.test(s))).toBe(true);
    // Local times in the neighbouring months whose UTC instant is in February.
    expect(spellings.some((s) => s.startsWith('2021-01-31'))).toBe(true);
    expect(spellings.some((s) => s.startsWith('2021-03-01'))).toBe(true);
  });

  it('keeps accepted values within the contract: known categories, 5-digit zips, ≤ 25 characters', () => {
    const categories = new Set([...CATEGORY_NAMES, ...ODD_CATEGORY_VALUES]);
    const wrong = outcome.accepted.filter(
      (p) => !categories.has(p.category) || !/^(\d{5})?$/.test(p.zip) || (p.category === 'NEW_BUILD_PROJECT' && p.price !== null),
    );
    expect(wrong).toEqual([]);
    const statuses = new Set(outcome.accepted.map((p) => p.status));
    expect(statuses.has('ONLINE') && statuses.has('OFFLINE') && statuses.has('online')).toBe(true);
    expect(statuses.has('ENTWURF_ÜBERPRÜFUNG_LÄUFT')).toBe(true);
  });

  it('holds every reason even in a file of DIRTY_SPECIAL_ROWS rows', () => {
    const small = generatePostingsText({ rows: DIRTY_SPECIAL_ROWS, seed: 5 });
    for (const reason of GENERATED_REASONS) expect(small.manifest.expectedRejects[reason]).toBeGreaterThanOrEqual(1);
    expectManifestMatches(load(small.text), small.manifest);
  });

  it.each([
    ['a leap February', '2020-02'],
    ['a 31-day month', '2021-01'],
    ['a 30-day month', '2021-04'],
  ])('matches the contract in %s', (_, month) => {
    const other = generatePostingsText({ rows: 5000, seed: 11, month });
    const result = load(other.text);
    expectManifestMatches(result, other.manifest);
    const [from, to] = monthBounds(month);
    expect(result.accepted.filter((p) => p.createdAt < from || p.createdAt >= to)).toEqual([]);
  });

  it('writes just the header (and the trailing blank line) for zero rows', () => {
    const empty = generatePostingsText({ rows: 0 });
    expect(empty.text).toBe('\uFEFFuuid,category,zip_code,price,area,created_at,status\r\n\r\n');
    expect(empty.manifest).toMatchObject({ rows: 0, expectedLoaded: 0, blankLines: 1, physicalLines: 2, complete: true });
  });
});

describe('the committed sample', () => {
  it('is data/postings_february.csv as generated with 20,000 rows, seed 2021, dirty', () => {
    // Regenerate with: npm run generate -- --rows 20000 --out data/postings_february.csv
    const sample = readFileSync(join(__dirname, '../../data/postings_february.csv'), 'utf8');
    expect(DIRTY_ROWS).toBe(20_000);
    expect(sample === dirty.text).toBe(true);
  });
});

describe('the dirty value tables', () => {
  it('holds values that break exactly their own rule', () => {
    const unquote = (v: string): string => (v.startsWith('"') ? v.slice(1, -1).split('""').join('"') : v);
    const tooLong = [...TOO_LONG_CATEGORIES, ...TOO_LONG_STATUSES, ...TOO_LONG_ZIPS].map(unquote).map(trimCell);
    for (const v of tooLong) expect([...v].length).toBeGreaterThan(25);
    for (const v of STATUSES_AT_LIMIT.map(unquote).map(trimCell)) expect([...v]).toHaveLength(25);
    for (const v of [...BAD_NUMBERS_PRICE, ...BAD_NUMBERS_AREA].map(unquote)) expect(validNumber(trimCell(v))).toBe(false);
  });
});

describe('realism', () => {
  const big = generatePostingsText({ rows: 60_000, dirty: false, seed: 3 });
  const { accepted } = load(big.text);

  it('gives each category its own price level per m², and one category none', () => {
    const medians = new Map<string, number>();
    for (const c of CATEGORIES) {
      const ratios = accepted
        .filter((p) => p.category === c.name && (p.price ?? 0) > 0 && (p.area ?? 0) > 0)
        .map((p) => p.price! / p.area!)
        .sort((a, b) => a - b);
      if (c.pricePerM2 === null) {
        expect(ratios).toHaveLength(0);
        continue;
      }
      const median = ratios[Math.floor(ratios.length / 2)];
      medians.set(c.name, median);
      expect(median / c.pricePerM2).toBeGreaterThan(0.75);
      expect(median / c.pricePerM2).toBeLessThan(1.35);
    }
    const order = [...medians].sort((a, b) => b[1] - a[1]).map(([name]) => name);
    expect(order).toEqual(['APARTMENT_BUY', 'HOUSE_BUY', 'LAND_BUY', 'OFFICE_RENT', 'APARTMENT_RENT', 'HOUSE_RENT', 'GARAGE_RENT']);
  });

  it('has NULL and zero prices and areas, cent-typed prices, 1 m² areas and zips with a leading zero', () => {
    expect(accepted.some((p) => p.price === null && p.category !== 'NEW_BUILD_PROJECT')).toBe(true);
    expect(accepted.some((p) => p.price === 0)).toBe(true);
    expect(accepted.some((p) => p.area === null)).toBe(true);
    expect(accepted.some((p) => p.area === 0)).toBe(true);
    expect(accepted.some((p) => p.area === 1)).toBe(true);
    expect(accepted.some((p) => p.category === 'APARTMENT_RENT' && (p.price ?? 0) > 20_000)).toBe(true);
    expect(accepted.some((p) => p.zip.startsWith('0'))).toBe(true);
    expect(accepted.some((p) => p.zip === '')).toBe(true);
  });

  it('has fewer postings at weekends, an outage day and a backfill spike', () => {
    const perDay = new Map<string, number>();
    for (const p of accepted) {
      const day = new Date(p.createdAt * 1000).toISOString().slice(0, 10);
      perDay.set(day, (perDay.get(day) ?? 0) + 1);
    }
    const days = [...perDay.keys()].sort();
    expect(days).toHaveLength(28);
    const { outageDay, backfillDay } = big.manifest;
    const before = days[days.indexOf(outageDay) - 1];
    expect(perDay.get(outageDay)! / perDay.get(before)!).toBeLessThan(0.1);
    expect(perDay.get(backfillDay)! / perDay.get(outageDay)!).toBeGreaterThan(3);
    const normal = days.filter((d) => d !== outageDay && d !== backfillDay);
    const isWeekend = (d: string): boolean => [0, 6].includes(new Date(`${d}T00:00:00Z`).getUTCDay());
    const mean = (ds: string[]): number => ds.reduce((s, d) => s + perDay.get(d)!, 0) / ds.length;
    const weekendShare = mean(normal.filter(isWeekend)) / mean(normal.filter((d) => !isWeekend(d)));
    expect(weekendShare).toBeGreaterThan(0.5);
    expect(weekendShare).toBeLessThan(0.7);
  });
});

/** Collects a byte stream as UTF-8 text (data, error, end). */
function collect(stream: Readable): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => parts.push(chunk));
    stream.on('error', reject);
    stream.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
  });
}
