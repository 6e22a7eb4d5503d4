/**
 * Reject codes in the contract's precedence order: a row with several
 * problems is reported under the first that applies.
 */
export const REJECT_REASONS = [
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

export function emptyReasonCounts(): Record<RejectReason, number> {
  const counts = {} as Record<RejectReason, number>;
  for (const reason of REJECT_REASONS) counts[reason] = 0;
  return counts;
}
