/**
 * The deliberate mess of a dirty file: for each reject reason, ways of
 * breaking a valid row that trigger exactly that reason and no earlier one;
 * and benign oddities that the contract accepts (quoting, padding, other
 * number and timestamp spellings). Rare path only: arrays and joins are fine.
 *
 * Every value that contains a comma, a quote or a line break is written fully
 * quoted with quotes doubled, so no defect ever changes the field count unless
 * it is a `column_count` defect, and no defect leaves an unterminated quote
 * (which would swallow the rest of the file).
 */
import { clock, withOffset, type MonthCalendar } from './calendar';
import type { GeneratedReason } from './manifest';
import type { Prng } from '@realxdeal/model';

/** Column positions in the header order. */
export const COL = { uuid: 0, category: 1, zip: 2, price: 3, area: 4, createdAt: 5, status: 6 } as const;
export const HEADER_CELLS: readonly string[] = ['uuid', 'category', 'zip_code', 'price', 'area', 'created_at', 'status'];
export const HEADER = HEADER_CELLS.join(',');

/** A row as written: one rendered (possibly quoted) text per field. */
export type Cells = string[];

export interface DefectContext {
  readonly rng: Prng;
  readonly calendar: MonthCalendar;
  /** Day index and second of day of the row's created_at. */
  readonly day: number;
  readonly second: number;
}

/**
 * A way to break a row. `whole` defects replace the entire line, so nothing
 * else applied to the row survives; they are never combined with others.
 */
export interface Defect {
  readonly apply: (cells: Cells, ctx: DefectContext) => Cells;
  readonly whole?: boolean;
}

/** CSV-quotes a value (doubling embedded quotes). */
export function quote(value: string): string {
  return `"${value.split('"').join('""')}"`;
}

const setCell =
  (col: number, value: string): Defect['apply'] =>
  (cells) => {
    cells[col] = value;
    return cells;
  };

const setEach = (col: number, values: readonly string[]): Defect[] => values.map((v) => ({ apply: setCell(col, v) }));

const EMPTY_TEXTS: readonly string[] = ['', '   ', '\t', '""', quote(' \t ')];

/** Not plain decimals, negative, or overflowing to infinity. */
export const BAD_NUMBERS_PRICE: readonly string[] = [
  quote('1,200'),
  quote('1.200,50'),
  'NaN',
  'Infinity',
  '-Infinity',
  'inf',
  '-5',
  '-0.01',
  '1e999',
  '12 €',
  '850 EUR',
  '0x1F',
  'n/a',
  '12.5.3',
];
export const BAD_NUMBERS_AREA: readonly string[] = [quote('72,5'), 'NaN', 'Infinity', '-20', '-1e3', '1e400', '72 m²', 'ca. 80', '∞'];

/** Longer than 25 characters after unquoting and trimming (checked by the tests). */
export const TOO_LONG_CATEGORIES: readonly string[] = [
  'APARTMENT_RENT_FURNISHED_TEMPORARY',
  'HOUSE_BUY_WITH_GRANNY_FLAT_GARAGE',
  quote('APARTMENT_RENT\r\nfurnished, short term'),
];
export const TOO_LONG_STATUSES: readonly string[] = [
  'OFFLINE_EXPIRED_BY_SYSTEMS',
  'ONLINE_AWAITING_MODERATION',
  quote('OFFLINE\n(archived by the system)'),
];
export const TOO_LONG_ZIPS: readonly string[] = [
  quote('01067 Dresden-Altstadt, Saxony'),
  'D-01067 Dresden Innere Altstadt',
  '01067010670106701067010670',
];

/** Exactly 25 characters (the second one 28 bytes in UTF-8): accepted, not too long. */
export const STATUSES_AT_LIMIT: readonly string[] = [
  'OFFLINE_EXPIRED_BY_SYSTEM',
  'ENTWURF_ÜBERPRÜFUNG_LÄUFT',
  quote('  OFFLINE_EXPIRED_BY_SYSTEM\t'),
];

/** Accepted odd values: a status with a line break, a category with quotes and a comma. */
export const ODD_STATUS_MULTILINE = quote('OFFLINE\n(archived)');
export const ODD_CATEGORY_QUOTED = quote('HOUSE "deluxe", RENT');

interface DayParts {
  readonly y: string;
  readonly mm: string;
  readonly dd: string;
  /** `YYYY-MM-DD` of the row's day. */
  readonly date: string;
  readonly days: number;
}

/** Impossible dates and times, other formats, empty; relative to the generated month. */
const BAD_TIMESTAMPS: readonly ((d: DayParts) => string)[] = [
  (d) => `${d.y}-${d.mm}-${d.days + 1} 10:15:00`,
  (d) => `${d.y}-${d.mm}-${d.days + 2}T08:00:00Z`,
  (d) => `${d.y}-${d.mm}-00 12:00:00`,
  (d) => `${d.y}-13-01 00:00:00`,
  (d) => `${d.date} 25:61:00`,
  (d) => `${d.date} 24:30:00`,
  (d) => `${d.date}T10:75:00Z`,
  (d) => d.date,
  (d) => `${d.date} 10:15`,
  (d) => `${d.date} 10:15:00 UTC`,
  (d) => `${d.dd}.${d.mm}.${d.y} 10:15`,
  (d) => `${d.y}/${d.mm}/${d.dd} 10:15:00`,
  () => 'yesterday',
  () => '',
  () => '  ',
];

function dayParts(cal: MonthCalendar, day: number): DayParts {
  const date = cal.dayPrefixes[day];
  return { y: date.slice(0, 4), mm: date.slice(5, 7), dd: date.slice(8, 10), date, days: cal.days };
}

const badUuid = (make: (uuid: string) => string): Defect => ({
  apply: (cells) => {
    cells[COL.uuid] = make(cells[COL.uuid].trim().toLowerCase());
    return cells;
  },
});

/**
 * For each reason, the defects that produce it. A defect only touches its own
 * field(s) with a value that breaks only its own rule, so combining a primary
 * defect with defects of later reasons keeps the primary reason.
 */
export const DEFECTS: Readonly<Record<GeneratedReason, readonly Defect[]>> = {
  column_count: [
    { apply: setCell(COL.price, '1,200') },
    { apply: setCell(COL.area, '72,5') },
    { apply: (cells) => cells.slice(0, 6) },
    { apply: (cells) => [...cells, ''] },
    { apply: (cells) => [...cells, 'ONLINE'] },
    {
      apply: (cells) => {
        cells[COL.category] = quote('APARTMENT_RENT\nbright, quiet');
        return cells.slice(0, 6);
      },
    },
    { whole: true, apply: () => ['Total: 1234 postings'] },
    { whole: true, apply: () => ['#N/A'] },
    { whole: true, apply: () => [',,,,,,,'] },
    { whole: true, apply: (cells) => [cells.join(';')] },
  ],
  bad_uuid: [
    badUuid(() => ''),
    badUuid(() => '   '),
    badUuid((u) => `{${u}}`),
    badUuid((u) => `urn:uuid:${u}`),
    badUuid((u) => u.split('-').join('')),
    badUuid((u) => u.slice(0, 35)),
    badUuid((u) => `${u.slice(0, 35)}g`),
    badUuid((u) => `${u}a`),
    badUuid((u) => `${u.slice(0, 8)}${u.slice(9, 10)}-${u.slice(10)}`),
    badUuid(() => 'not-a-uuid'),
  ],
  missing_category: setEach(COL.category, EMPTY_TEXTS),
  missing_status: setEach(COL.status, EMPTY_TEXTS),
  bad_price: setEach(COL.price, BAD_NUMBERS_PRICE),
  bad_area: setEach(COL.area, BAD_NUMBERS_AREA),
  bad_created_at: BAD_TIMESTAMPS.map((spell) => ({
    apply: (cells: Cells, ctx: DefectContext) => {
      cells[COL.createdAt] = spell(dayParts(ctx.calendar, ctx.day));
      return cells;
    },
  })),
  too_long: [...setEach(COL.category, TOO_LONG_CATEGORIES), ...setEach(COL.status, TOO_LONG_STATUSES), ...setEach(COL.zip, TOO_LONG_ZIPS)],
};

/** `,,,,,,`: not a blank line but a row of seven empty cells (so bad_uuid). */
export const SEVEN_EMPTY_CELLS: readonly string[] = ['', '', '', '', '', '', ''];

/** A benign edit: the row stays valid (a value may change, e.g. `online`, or become NULL), no rule breaks. */
export type Edit = (cells: Cells, ctx: DefectContext) => void;

const OFFSETS_MINUTES: readonly number[] = [60, 120, -300, 330, -480, 0];

/** The same UTC second in another accepted spelling. */
export function timestampVariant(ctx: DefectContext): string {
  const { rng, calendar, day, second } = ctx;
  const prefix = calendar.dayPrefixes[day];
  const time = clock(second);
  const epoch = calendar.startSeconds + day * 86_400 + second;
  // Fractions are dropped by the loader, never rounded: .999 must not move the second.
  const fraction = rng.pick(['.5', '.25', '.999', '.123456', '.000']);
  switch (rng.int(6)) {
    case 0:
      return `${prefix}T${time}Z`;
    case 1:
      return `${prefix}T${time}`;
    case 2:
      return `${prefix}T${time}${fraction}Z`;
    case 3:
      return `${prefix} ${time}${fraction}`;
    case 4:
      return withOffset(epoch, rng.pick(OFFSETS_MINUTES), 'T', false);
    default:
      return withOffset(epoch, rng.pick(OFFSETS_MINUTES), rng.chance(0.5) ? 'T' : ' ', true);
  }
}

/** The same number in another accepted spelling, or another NULL spelling. */
export function numberVariant(value: string, rng: Prng): string {
  if (value === '') return rng.pick(['  ', '""', '\t']);
  const n = Number(value);
  switch (rng.int(6)) {
    case 0:
      return Number.isInteger(n) && n >= 1000 && n % 1000 === 0 ? `${n / 1000}e3` : `${value}E0`;
    case 1:
      return `+${value}`;
    case 2:
      return Number.isInteger(n) ? `${value}.00` : `${value}0`;
    case 3:
      return ` ${value} `;
    case 4:
      return quote(value);
    default:
      return `00${value}`;
  }
}

const pad = (value: string, rng: Prng): string => rng.pick([` ${value}`, `${value} `, `\t${value}`, `  ${value}\t`]);

/**
 * Weighted benign edits for the "odd" accepted rows of a dirty file, with the
 * column each one rewrites: a row gets at most one edit per column, because
 * stacking them (padding around a quoted value) would make a malformed field.
 */
export const EDITS: readonly (readonly [weight: number, column: number, edit: Edit])[] = [
  [
    40,
    COL.createdAt,
    (cells, ctx) => {
      cells[COL.createdAt] = timestampVariant(ctx);
    },
  ],
  [
    8,
    COL.uuid,
    (cells) => {
      cells[COL.uuid] = cells[COL.uuid].toUpperCase();
    },
  ],
  [
    3,
    COL.uuid,
    (cells, ctx) => {
      cells[COL.uuid] = pad(cells[COL.uuid], ctx.rng);
    },
  ],
  [
    3,
    COL.uuid,
    (cells) => {
      cells[COL.uuid] = quote(cells[COL.uuid]);
    },
  ],
  [
    5,
    COL.category,
    (cells) => {
      cells[COL.category] = quote(cells[COL.category]);
    },
  ],
  [
    3,
    COL.category,
    (cells, ctx) => {
      cells[COL.category] = pad(cells[COL.category], ctx.rng);
    },
  ],
  [
    3,
    COL.zip,
    (cells) => {
      cells[COL.zip] = quote(cells[COL.zip]);
    },
  ],
  // Whitespace-only zip: NULL, like an empty one.
  [
    2,
    COL.zip,
    (cells, ctx) => {
      cells[COL.zip] = ctx.rng.pick(['  ', '\t']);
    },
  ],
  [
    2,
    COL.zip,
    (cells, ctx) => {
      if (cells[COL.zip] !== '') cells[COL.zip] = pad(cells[COL.zip], ctx.rng);
    },
  ],
  [
    8,
    COL.price,
    (cells, ctx) => {
      cells[COL.price] = numberVariant(cells[COL.price], ctx.rng);
    },
  ],
  [
    6,
    COL.area,
    (cells, ctx) => {
      cells[COL.area] = numberVariant(cells[COL.area], ctx.rng);
    },
  ],
  // `online` is a different status from `ONLINE` (the contract compares exactly).
  [
    8,
    COL.status,
    (cells) => {
      if (cells[COL.status] === 'ONLINE') cells[COL.status] = 'online';
    },
  ],
  [
    4,
    COL.status,
    (cells, ctx) => {
      cells[COL.status] = pad(cells[COL.status], ctx.rng);
    },
  ],
  [
    3,
    COL.status,
    (cells) => {
      cells[COL.status] = quote(` ${cells[COL.status]} `);
    },
  ],
  [
    2,
    COL.status,
    (cells, ctx) => {
      cells[COL.status] = ctx.rng.pick(STATUSES_AT_LIMIT);
    },
  ],
  [
    1,
    COL.status,
    (cells) => {
      cells[COL.status] = ODD_STATUS_MULTILINE;
    },
  ],
  [
    1,
    COL.category,
    (cells) => {
      cells[COL.category] = ODD_CATEGORY_QUOTED;
    },
  ],
];
