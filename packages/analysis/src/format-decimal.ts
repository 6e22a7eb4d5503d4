/**
 * Numbers as the answer files write them: a plain decimal rounded to 6
 * places, trailing zeros and a bare '.' dropped, never an exponent or a
 * thousands separator; -0 is written 0. toFixed rounds the exact binary
 * value, so the same double always gives the same text on every machine.
 * A non-finite value has no plain-decimal form and is written empty.
 */
export function formatDecimal(value: number): string {
  if (!Number.isFinite(value)) return '';
  // toFixed switches to exponent notation from 1e21 on; doubles that large
  // are whole numbers, which BigInt prints in full.
  const fixed = Math.abs(value) >= 1e21 ? BigInt(value).toString() : value.toFixed(6);
  const trimmed = fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
  return trimmed === '-0' ? '0' : trimmed;
}

/** NULL is an empty cell. */
export function formatNullable(value: number | null): string {
  return value === null ? '' : formatDecimal(value);
}
