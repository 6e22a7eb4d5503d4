/**
 * The contract's reject codes, in its precedence order: a row with several
 * problems is reported under the first that applies. The one list: the
 * summary, the report, `--summary-json` and the generator's manifest all
 * iterate it, so a new code needs only this line and its check.
 */
export const REJECT_REASONS = [
  'bad_encoding',
  'column_count',
  'bad_uuid',
  'missing_category',
  'missing_status',
  'bad_price',
  'bad_area',
  'bad_created_at',
  'too_long',
] as const;

export type RejectReason = (typeof REJECT_REASONS)[number];

/** A count of 0 for every reason, in the list's order. */
export function emptyReasonCounts(): Record<RejectReason, number> {
  const counts = {} as Record<RejectReason, number>;
  for (const reason of REJECT_REASONS) counts[reason] = 0;
  return counts;
}
