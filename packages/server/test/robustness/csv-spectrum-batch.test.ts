import { BatchPredictStream } from 'server';
import { describeDecimalProblem, parseDecimal } from '../../src/lib/decimal';
import { collect, testModel } from '../helpers';
import { parseCsv } from './rfc4180';
// The csv-spectrum case reader is the loader's test helper; the server depends on
// the loader, so sharing it follows the one-way dependency.
import { lineEndings, spectrumCases } from 'tools/testing';

/**
 * The batch endpoint's parsing layer (BatchPredictStream) against the
 * csv-spectrum acid test. The stream does not hand out parsed rows: it
 * echoes each input record and appends `prediction,error` for the one
 * column it reads. So each file is run once per column, with a model whose
 * feature is that column and whose prediction is x itself; the cell the
 * stream read then shows as the prediction (a number) or inside the error
 * (which quotes the cell). The echoed records, read back with an
 * independent RFC 4180 reader, must be the JSON's rows.
 */

/** prediction = x, with the feature named after the column under test. */
function identityModel(feature: string) {
  return testModel({ feature: { name: feature, unit: '' }, coefficients: [0, 1] });
}

async function runBatch(input: Buffer, feature: string, chunkSize: number): Promise<string[][]> {
  const stream = new BatchPredictStream({ model: identityModel(feature) });
  const output = collect(stream);
  for (let i = 0; i < input.length; i += chunkSize) stream.write(input.subarray(i, i + chunkSize));
  stream.end();
  await stream.ready;
  return parseCsv(await output);
}

/** What the stream must append for a cell it read as `cell`. */
function expectedTail(cell: string): [string, string] {
  const parsed = parseDecimal(cell);
  if (parsed.ok) return [String(parsed.value), ''];
  return ['', describeDecimalProblem('x', cell, parsed.problem)];
}

const CASES = spectrumCases();
/** Whole file, then cuts through CRLFs, doubled quotes and multi-byte characters. */
const CHUNK_SIZES = [1 << 16, 1, 2, 3, 7];

describe('csv-spectrum through the batch endpoint parsing layer (BatchPredictStream)', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s: line endings in the bytes match the name', (name, c) => {
    const endings = lineEndings(c.csv);
    if (name.endsWith('_crlf')) expect(endings).toEqual({ lf: 0, crlf: expect.any(Number) });
    else expect(endings.crlf).toBe(0);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s: every cell is read as the JSON says, whatever the chunking', async (_name, c) => {
    const header = Object.keys(c.expected[0]);
    for (const column of header) {
      for (const size of CHUNK_SIZES) {
        const out = await runBatch(c.csv, column, size);
        const [outHeader, ...rows] = out;
        expect(outHeader).toEqual([...header, 'prediction', 'error']);
        const echoed = rows.map((r) => Object.fromEntries(header.map((name, i) => [name, r[i]])));
        const tails = rows.map((r) => r.slice(header.length));
        expect({ column, size, echoed }).toEqual({ column, size, echoed: c.expected });
        expect({ column, size, tails }).toEqual({ column, size, tails: c.expected.map((row) => expectedTail(row[column])) });
      }
    }
  });
});

/**
 * The batch endpoint follows the loader's contract where it differs from
 * RFC 4180, so one CSV means the same to both: cells trimmed of spaces and
 * tabs, blank lines skipped, a BOM ignored. Expected output written by hand.
 */
describe('the batch endpoint where the contract differs from RFC 4180', () => {
  const cases: Array<[string, string, string]> = [
    // Trimmed for reading only: the echo keeps the row as the user wrote it.
    ['reads a padded x cell as its number', 'id,x\na, 2\t\n', 'id,x,prediction,error\na, 2\t,2,\n'],
    ['skips blank and whitespace-only lines', 'id,x\n\na,1\n \t\r\nb,2\n\n', 'id,x,prediction,error\na,1,1,\nb,2,2,\n'],
    ['ignores a UTF-8 BOM and reads CRLF', '\ufeffid,x\r\na,3\r\n', 'id,x,prediction,error\na,3,3,\n'],
    ['finds x in a quoted, padded header cell', 'id, "x" \na,4\n', 'id, "x" ,prediction,error\na,4,4,\n'],
    ['reads a quoted x cell with surrounding blanks', 'id,x\na, "5" \n', 'id,x,prediction,error\na, "5" ,5,\n'],
  ];

  it.each(cases)('%s', async (_name, input, expected) => {
    for (const size of [1 << 16, 1, 2, 5]) {
      const stream = new BatchPredictStream({ model: identityModel('area') });
      const output = collect(stream);
      const bytes = Buffer.from(input);
      for (let i = 0; i < bytes.length; i += size) stream.write(bytes.subarray(i, i + size));
      stream.end();
      expect({ size, out: await output }).toEqual({ size, out: expected });
    }
  });
});
