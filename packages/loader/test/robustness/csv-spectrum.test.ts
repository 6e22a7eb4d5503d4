import { CsvRecordSplitter, type CsvSplitOptions } from 'loader';
import { lineEndings, spectrumCases } from 'tools/testing';

/**
 * The loader's parsing layer (CsvRecordSplitter, what loadCsv feeds) against the
 * csv-spectrum acid test, then against the places where the data contract
 * deliberately parts from RFC 4180.
 */

interface ReadRow {
  fields: string[];
  line: number;
  raw: string;
}

/** Feeds `text` in pieces of `chunkSize` characters (0: all at once) and collects every row. */
function readRows(text: string, chunkSize = 0, options: CsvSplitOptions = {}): ReadRow[] {
  const rows: ReadRow[] = [];
  const reader = new CsvRecordSplitter(
    {
      record(fields, line, chunk, rawStart, rawEnd) {
        rows.push({ fields: [...fields], line, raw: chunk.slice(rawStart, rawEnd) });
      },
      unreadable(line, raw, problem) {
        throw new Error(`unexpected ${problem} at line ${line}: ${raw}`);
      },
    },
    options,
  );
  if (chunkSize <= 0) reader.push(text);
  else for (let i = 0; i < text.length; i += chunkSize) reader.push(text.slice(i, i + chunkSize));
  reader.end();
  return rows;
}

/** Rows after the header as objects keyed by it; every row must have the header's width. */
function asObjects(rows: ReadRow[]): Array<Record<string, string>> {
  const [header, ...data] = rows;
  if (header === undefined) return [];
  return data.map((row) => {
    expect(row.fields).toHaveLength(header.fields.length);
    return Object.fromEntries(header.fields.map((name, i) => [name, row.fields[i]]));
  });
}

const CASES = spectrumCases();
/** Whole text, then sizes that cut CRLFs, doubled quotes and multi-byte characters in every possible place. */
const CHUNK_SIZES = [0, 1, 2, 3, 5, 7];

describe('csv-spectrum through the loader parsing layer (CsvRecordSplitter)', () => {
  it('has the fixtures it is supposed to have', () => {
    expect(CASES.map((c) => c.name)).toEqual(
      expect.arrayContaining([
        'comma_in_quotes',
        'empty',
        'empty_crlf',
        'escaped_quotes',
        'newlines',
        'newlines_crlf',
        'quotes_and_newlines',
        'simple_crlf',
        'utf8',
      ]),
    );
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s: line endings in the bytes match the name', (name, c) => {
    const endings = lineEndings(c.csv);
    if (name.endsWith('_crlf')) {
      expect(endings.crlf).toBeGreaterThan(0);
      expect(endings.lf).toBe(0);
    } else {
      expect(endings.crlf).toBe(0);
    }
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s: rows equal the JSON, whatever the chunking', (_name, c) => {
    const text = c.csv.toString('utf8');
    for (const size of CHUNK_SIZES) {
      expect({ size, rows: asObjects(readRows(text, size)) }).toEqual({ size, rows: c.expected });
    }
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s: each row reports the physical line it starts on and its raw text', (_name, c) => {
    // What the reject CSV relies on: `raw` is the file's text from the row's
    // start up to (not including) its line ending, and `line` counts every
    // newline before it, including those inside quotes.
    const text = c.csv.toString('utf8');
    let cursor = 0;
    for (const row of readRows(text)) {
      const at = text.indexOf(row.raw, cursor);
      expect(at).toBeGreaterThanOrEqual(cursor);
      expect(text.slice(cursor, at).trim()).toBe('');
      expect(row.line).toBe(1 + (text.slice(0, at).match(/\n/g)?.length ?? 0));
      const after = text.slice(at + row.raw.length, at + row.raw.length + 2);
      expect(['', '\n', '\r\n'].some((ending) => ending === after || (ending !== '' && after.startsWith(ending)))).toBe(true);
      cursor = at + row.raw.length;
    }
  });
});

/**
 * Where the contract (docs/data-contract.md, "The file") differs from
 * RFC 4180 on purpose, the reader must do what the contract says. Each case
 * says why; expected rows are written by hand.
 */
describe('the contract where it differs from RFC 4180', () => {
  const cases: Array<[string, string, string[][]]> = [
    // Exports pad cells ("  ONLINE "); the contract trims spaces and tabs
    // after unquoting, so a padded status is the same status.
    [
      'spaces and tabs around cells are trimmed, quoted or not',
      ' a ,\tb\t\n  1 , " 2 " \n',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    // Only spaces and tabs: other whitespace is data.
    [
      'only spaces and tabs are trimmed',
      'a,b\n\u00a01\u00a0,\v2\n',
      [
        ['a', 'b'],
        ['\u00a01\u00a0', '\v2'],
      ],
    ],
    // A blank or whitespace-only line is not a row (RFC 4180 would make it a one-field record).
    [
      'blank and whitespace-only lines are skipped',
      'a,b\n\n \t \r\n1,2\n\n',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    // ...but a line of commas is a row of empty cells, which the validator then judges.
    [
      'a line of only commas is a row of empty cells',
      'a,b,c\n,,\n , ,\t\n',
      [
        ['a', 'b', 'c'],
        ['', '', ''],
        ['', '', ''],
      ],
    ],
    // Spreadsheets put a UTF-8 BOM before the header.
    [
      'a UTF-8 BOM before the header is dropped',
      '\ufeffa,b\r\n1,2\r\n',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    // Lenient where RFC 4180 says "invalid": the data came from other programs.
    [
      'a quote inside an unquoted cell is kept literally',
      'a,b\n5" pipe,x"y"z\n',
      [
        ['a', 'b'],
        ['5" pipe', 'x"y"z'],
      ],
    ],
    [
      'text after a closing quote is kept',
      'a,b\n"ab"cd,"e" f\n',
      [
        ['a', 'b'],
        ['abcd', 'e f'],
      ],
    ],
    // Within the record-length limit, an unterminated quote swallows the rest
    // of the input into one row, which validation rejects (column_count)
    // instead of guessing; past the limit, see csv-records.test.ts.
    [
      'an unterminated quote within the limit runs to the end of the input',
      'a,b\n1,"2\n3,4\n',
      [
        ['a', 'b'],
        ['1', '2\n3,4\n'],
      ],
    ],
    // A bare CR is not a line ending (only LF and CRLF are).
    ['a bare CR is data, not a line break', 'a,b\r1,2\n', [['a', 'b\r1', '2']]],
    [
      'the last row needs no line ending',
      'a,b\n1,2',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    [
      'a CRLF inside quotes is kept',
      'a,b\r\n"x\r\ny",2\r\n',
      [
        ['a', 'b'],
        ['x\r\ny', '2'],
      ],
    ],
  ];

  it.each(cases)('%s', (_name, text, expected) => {
    for (const size of CHUNK_SIZES) {
      expect({ size, rows: readRows(text, size).map((r) => r.fields) }).toEqual({ size, rows: expected });
    }
  });

  it('counts skipped blank lines and newlines inside quotes in the line numbers', () => {
    const rows = readRows('a,b\r\n\r\n"1\n1",2\r\n  \r\n3,4\r\n');
    expect(rows.map((r) => [r.line, r.raw])).toEqual([
      [1, 'a,b'],
      [3, '"1\n1",2'],
      [6, '3,4'],
    ]);
  });
});
