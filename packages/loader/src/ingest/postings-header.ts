import { LoaderError, LoaderErrorCode } from '../errors';

/** The contract's columns, in the order the database and writers use. */
export const POSTING_COLUMNS = ['uuid', 'category', 'zip_code', 'price', 'area', 'created_at', 'status'] as const;
export type PostingColumn = (typeof POSTING_COLUMNS)[number];

/**
 * Maps the file's header onto the contract's columns. Returns, for each
 * contract column, the index of that column in the file. Any missing, extra
 * or repeated name refuses the whole file.
 */
export function resolveHeader(fields: readonly string[], source: string): number[] {
  const names = fields.map((f) => f.toLowerCase());
  const positions: number[] = [];
  const missing: string[] = [];
  for (const column of POSTING_COLUMNS) {
    const at = names.indexOf(column);
    if (at === -1) missing.push(column);
    positions.push(at);
  }
  const repeated = [...new Set(names.filter((n, i) => names.indexOf(n) !== i))];
  const known = new Set<string>(POSTING_COLUMNS);
  const unexpected = fields.filter((f) => !known.has(f.toLowerCase()));
  if (missing.length > 0 || repeated.length > 0 || unexpected.length > 0) {
    const problems: string[] = [];
    if (missing.length > 0) problems.push(`missing ${missing.join(', ')}`);
    if (unexpected.length > 0) problems.push(`unexpected ${unexpected.map((u) => JSON.stringify(u)).join(', ')}`);
    if (repeated.length > 0) problems.push(`repeated ${repeated.join(', ')}`);
    throw new LoaderError(
      LoaderErrorCode.BAD_HEADER,
      `${source} line 1: the header must name the seven columns ${POSTING_COLUMNS.join(',')} (any order): ${problems.join('; ')}. Nothing was loaded.`,
    );
  }
  return positions;
}
