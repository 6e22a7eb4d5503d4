/**
 * Writing CSV cells. Reading them (record splitting, fields, the quote
 * rule) is the loader's one implementation (`loader`'s csv-records).
 */

const NEEDS_QUOTES = /[",\r\n]/;

/** One CSV cell: quoted only when it has to be. */
export function csvCell(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
