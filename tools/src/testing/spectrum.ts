import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The csv-spectrum acid test (a root devDependency): every `csvs/NAME.csv`
 * with its expected rows, `json/NAME.json`, as objects keyed by header.
 */
export interface SpectrumCase {
  name: string;
  csv: Buffer;
  expected: Array<Record<string, string>>;
}

/**
 * Where the upstream JSON disagrees with its own CSV, the CSV's bytes win:
 * `location_coordinates.json` is a bare object (not an array of rows) and
 * gives the phone number as `1234567890` while the CSV says `2095257564`
 * (the JSON was anonymised, the CSV was not). These are errors in the
 * fixture, not differences of dialect.
 */
const FIXTURE_ERRATA: Record<string, Array<Record<string, string>>> = {
  location_coordinates: [{ 'Contact Phone Number': '2095257564' }],
};

export const SPECTRUM_DIR = path.dirname(require.resolve('csv-spectrum/package.json'));

export function spectrumCases(): SpectrumCase[] {
  const names = fs
    .readdirSync(path.join(SPECTRUM_DIR, 'csvs'))
    .filter((f) => f.endsWith('.csv'))
    .map((f) => f.slice(0, -4))
    .sort();
  return names.map((name) => {
    const csv = fs.readFileSync(path.join(SPECTRUM_DIR, 'csvs', `${name}.csv`));
    const json = JSON.parse(fs.readFileSync(path.join(SPECTRUM_DIR, 'json', `${name}.json`), 'utf8')) as unknown;
    const rows = (Array.isArray(json) ? json : [json]) as Array<Record<string, string>>;
    const errata = FIXTURE_ERRATA[name];
    const expected = rows.map((row, i) => ({ ...row, ...(errata?.[i] ?? {}) }));
    return { name, csv, expected };
  });
}

/** Line endings as the bytes have them: a file named `_crlf` must really be CRLF (a checkout may have converted it). */
export function lineEndings(csv: Buffer): { lf: number; crlf: number } {
  let lf = 0;
  let crlf = 0;
  for (let i = 0; i < csv.length; i++) {
    if (csv[i] !== 10) continue;
    if (i > 0 && csv[i - 1] === 13) crlf++;
    else lf++;
  }
  return { lf, crlf };
}
