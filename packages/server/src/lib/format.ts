/** Display formatting for pages; data files and JSON keep full precision. */

export function formatNumber(value: number | null | undefined, digits = 6): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '';
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1e-4 && abs < 1e15) {
    // toPrecision, then drop trailing zeros: 12.5000 → 12.5, 1.20000e+3 never happens in this range.
    return String(Number(value.toPrecision(digits)));
  }
  return value.toExponential(digits - 1);
}

/**
 * A prediction for a person: every integer digit (a price of 1234567.89 must
 * not read 1234570) and at most two decimals; small values keep 6 digits.
 */
export function formatReadable(value: number): string {
  if (!Number.isFinite(value)) return '';
  if (Math.abs(value) >= 1 && Math.abs(value) < 1e15) return String(Number(value.toFixed(2)));
  return formatNumber(value);
}

/** `price = 12.5 + 3.2·area − 0.01·area²`, rounded for reading. */
export function formatPolynomial(coefficients: readonly number[], feature: string, target: string): string {
  const terms: string[] = [];
  coefficients.forEach((c, k) => {
    if (c === 0 && coefficients.length > 1) return;
    const magnitude = formatNumber(Math.abs(c));
    const power = k === 0 ? '' : k === 1 ? `·${feature}` : `·${feature}${superscript(k)}`;
    const sign = c < 0 ? '−' : '+';
    terms.push(terms.length === 0 ? `${c < 0 ? '−' : ''}${magnitude}${power}` : `${sign} ${magnitude}${power}`);
  });
  return `${target} = ${terms.length === 0 ? '0' : terms.join(' ')}`;
}

const SUPERSCRIPTS = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];

function superscript(n: number): string {
  return String(n)
    .split('')
    .map((d) => SUPERSCRIPTS[Number(d)] ?? d)
    .join('');
}

export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1 && value % 1024 === 0) {
    value /= 1024;
    unit++;
  }
  if (unit === 0 && bytes >= 1024 * 1024) return `${formatNumber(bytes / 1024 / 1024, 3)} MiB`;
  return `${value} ${units[unit]}`;
}
