import { DECIMAL_PATTERN, trimCell } from 'loader';

/**
 * A number typed by a person (query string, form field, CSV cell) follows
 * the data contract's decimal grammar, which the loader owns
 * (`DECIMAL_PATTERN`, `trimCell`): optional sign, digits with an optional
 * fraction, optional exponent; no hex, no thousands separators, no
 * `NaN`/`Infinity`. It differs from the loader's `parseAmount` on purpose:
 * an x may be negative (a price or area may not), and the caller is told
 * why a value was refused, so a value that overflows to infinity is named.
 */

export { trimCell };

export type DecimalProblem = 'empty' | 'not_a_decimal' | 'overflow';

export type DecimalResult = { ok: true; value: number } | { ok: false; problem: DecimalProblem };

/** Surrounding spaces and tabs are ignored, as in the CSV contract. */
export function parseDecimal(text: string): DecimalResult {
  const trimmed = trimCell(text);
  if (trimmed === '') return { ok: false, problem: 'empty' };
  if (!DECIMAL_PATTERN.test(trimmed)) return { ok: false, problem: 'not_a_decimal' };
  const value = Number(trimmed);
  if (!Number.isFinite(value)) return { ok: false, problem: 'overflow' };
  return { ok: true, value };
}

/** Longest echo of a bad value in a message, so a huge cell cannot bloat a response. */
const ECHO_LIMIT = 40;

export function echoValue(text: string): string {
  const shown = text.length > ECHO_LIMIT ? `${text.slice(0, ECHO_LIMIT)}…` : text;
  return JSON.stringify(shown);
}

/** A message naming the problem, e.g. `x must be a plain decimal number; got "0x10"`. */
export function describeDecimalProblem(name: string, text: string, problem: DecimalProblem): string {
  switch (problem) {
    case 'empty':
      return `${name} is empty; expected a plain decimal number such as 2 or 85.5`;
    case 'not_a_decimal':
      return `${name} must be a plain decimal number such as 2 or 85.5 (no hex, units, separators, NaN or Infinity); got ${echoValue(text)}`;
    case 'overflow':
      return `${name} is too large: ${echoValue(text)} overflows a double`;
  }
}
