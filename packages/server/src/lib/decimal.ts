/**
 * The one rule for a number typed by a person (query string, form field, CSV
 * cell), shared with the data contract: optional sign, digits with an
 * optional fraction, optional exponent. No hex, no thousands separators, no
 * `NaN`/`Infinity`, and a value that overflows to infinity is refused.
 */
const PLAIN_DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

export type DecimalProblem = 'empty' | 'not_a_decimal' | 'overflow';

export type DecimalResult = { ok: true; value: number } | { ok: false; problem: DecimalProblem };

/** Surrounding spaces and tabs are ignored, as in the CSV contract. */
export function parseDecimal(text: string): DecimalResult {
  const trimmed = trimCell(text);
  if (trimmed === '') return { ok: false, problem: 'empty' };
  if (!PLAIN_DECIMAL.test(trimmed)) return { ok: false, problem: 'not_a_decimal' };
  const value = Number(trimmed);
  if (!Number.isFinite(value)) return { ok: false, problem: 'overflow' };
  return { ok: true, value };
}

export function trimCell(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isBlank(text.charCodeAt(start))) start++;
  while (end > start && isBlank(text.charCodeAt(end - 1))) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

function isBlank(code: number): boolean {
  return code === 32 || code === 9;
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
