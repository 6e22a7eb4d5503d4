import { CsvRecordSplitter, findRecordEnd, splitRecords, DEFAULT_MAX_RECORD_BYTES, type CsvSplitOptions } from 'loader';

/**
 * The shared CSV record splitter: its named options (where the loader's and
 * the server's rules differ on purpose), the record-length limit and bad
 * encoding. The dialect itself is pinned by robustness/csv-spectrum.test.ts.
 * Expected values are worked out by hand from shared/spec/postings.md.
 */

type Out = [line: number, fieldsOrProblem: string[] | string, raw: string];

/**
 * Feeds `text` in pieces of `size` characters (0: at once), each with the
 * positions of `bad` (absolute, in `text`) that fall in it, and collects
 * what the sink is told.
 */
function split(text: string, options: CsvSplitOptions = {}, size = 0, bad: number[] = []): Out[] {
  const out: Out[] = [];
  const splitter = new CsvRecordSplitter(
    {
      record(fields, line, source, rawStart, rawEnd) {
        out.push([line, [...fields], source.slice(rawStart, rawEnd)]);
      },
      unreadable(line, raw, problem) {
        out.push([line, problem, raw]);
      },
    },
    options,
  );
  const step = size > 0 ? size : text.length;
  for (let at = 0; at < text.length; at += step) {
    const piece = text.slice(at, at + step);
    const badHere = bad.filter((p) => p >= at && p < at + step).map((p) => p - at);
    splitter.push(piece, badHere.length > 0 ? badHere : undefined);
  }
  splitter.end();
  return out;
}

const SIZES = [0, 1, 2, 3, 7];

function forEverySize(text: string, options: CsvSplitOptions, expected: Out[], bad: number[] = []): void {
  for (const size of SIZES) expect({ size, out: split(text, options, size, bad) }).toEqual({ size, out: expected });
}

describe('option trim', () => {
  it('trims spaces and tabs around fields by default (the contract trims cells)', () => {
    forEverySize(' a ,\t"b" ,c\n', {}, [[1, ['a', 'b', 'c'], ' a ,\t"b" ,c']]);
  });

  it('keeps fields as written with trim: false (the server echoes rows back), dropping only blanks before an opening quote', () => {
    forEverySize(' a ,\t"b" ,c \n', { trim: false }, [[1, [' a ', 'b ', 'c '], ' a ,\t"b" ,c ']]);
  });
});

describe('option maxRecordBytes (the record-length limit)', () => {
  it("defaults to the contract's 1 MiB", () => {
    expect(DEFAULT_MAX_RECORD_BYTES).toBe(1048576);
  });

  it('accepts a record of exactly the limit and drops one a byte longer at its first line, resuming on the next line', () => {
    // `"ab\ncde",1` is 10 bytes: 1 + 2 + 1 + 3 + 1 + 1 + 1.
    forEverySize('"ab\ncde",1\nz\n', { maxRecordBytes: 10 }, [
      [1, ['ab\ncde', '1'], '"ab\ncde",1'],
      [3, ['z'], 'z'],
    ]);
    // `"ab\ncdef",1` is 11: line 1 is dropped; line 2 is read as a record of its own,
    // where the quote is not at a field's start and so is an ordinary character.
    forEverySize('"ab\ncdef",1\nz\n', { maxRecordBytes: 10 }, [
      [1, 'over_limit', '"ab'],
      [2, ['cdef"', '1'], 'cdef",1'],
      [3, ['z'], 'z'],
    ]);
  });

  it('counts UTF-8 bytes, not characters, and not the line ending', () => {
    // é is 2 bytes: five of them are 10 bytes, six are 12.
    forEverySize('ééééé\r\nx\r\n', { maxRecordBytes: 10 }, [
      [1, ['ééééé'], 'ééééé'],
      [2, ['x'], 'x'],
    ]);
    forEverySize('éééééé\r\nx\r\n', { maxRecordBytes: 10 }, [
      [1, 'over_limit', 'ééééé'],
      [2, ['x'], 'x'],
    ]);
  });

  it('makes an opening quote that never closes cost one row, not the rest of the input', () => {
    const rows = Array.from({ length: 40 }, (_, i) => `r${i},v`);
    const text = `h,v\nbad,"open\n${rows.join('\n')}\n`;
    const expected: Out[] = [
      [1, ['h', 'v'], 'h,v'],
      [2, 'over_limit', 'bad,"open'],
      ...rows.map((row, i): Out => [i + 3, row.split(','), row]),
    ];
    forEverySize(text, { maxRecordBytes: 64 }, expected);
  });

  it('drops a single line longer than the limit as it arrives, reporting its start cut to the limit', () => {
    const long = `${'x'.repeat(30)}é${'y'.repeat(30)}`;
    forEverySize(`a,b\n${long}\nc,d\n`, { maxRecordBytes: 8 }, [
      [1, ['a', 'b'], 'a,b'],
      [2, 'over_limit', 'xxxxxxxx'],
      [3, ['c', 'd'], 'c,d'],
    ]);
    // A cut never splits a character: 31 bytes would end inside the é.
    forEverySize(`${long}`, { maxRecordBytes: 31 }, [[1, 'over_limit', 'x'.repeat(30)]]);
  });

  it('refuses a limit that is not a positive whole number', () => {
    expect(() => new CsvRecordSplitter({ record() {}, unreadable() {} }, { maxRecordBytes: 0 })).toThrow(/maxRecordBytes/);
  });
});

describe('bad encoding (positions passed with the text)', () => {
  it('reports a record holding a replaced byte, with its text, and reads the records around it', () => {
    const text = 'a,b\nx\uFFFDy,1\nz,2\n';
    forEverySize(
      text,
      {},
      [
        [1, ['a', 'b'], 'a,b'],
        [2, 'bad_encoding', 'x\uFFFDy,1'],
        [3, ['z', '2'], 'z,2'],
      ],
      [text.indexOf('\uFFFD')],
    );
  });

  it('keeps a genuine U+FFFD, which is valid UTF-8', () => {
    forEverySize('x\uFFFDy,1\n', {}, [[1, ['x\uFFFDy', '1'], 'x\uFFFDy,1']]);
  });

  it('reports the whole quoted record at its first line, wherever the bad byte is', () => {
    const text = 'a\n"p\nq\uFFFD",1\nz\n';
    forEverySize(
      text,
      {},
      [
        [1, ['a'], 'a'],
        [2, 'bad_encoding', '"p\nq\uFFFD",1'],
        [4, ['z'], 'z'],
      ],
      [text.indexOf('\uFFFD')],
    );
  });

  it('over the limit, judges the first line only: the lines after it are read again', () => {
    const badFirst = '"\uFFFDopen\nb\nc\n';
    forEverySize(
      badFirst,
      { maxRecordBytes: 8 },
      [
        [1, 'bad_encoding', '"\uFFFDopen'],
        [2, ['b'], 'b'],
        [3, ['c'], 'c'],
      ],
      [1],
    );
    const badLater = '"open\nb\uFFFD\nc\n';
    forEverySize(
      badLater,
      { maxRecordBytes: 8 },
      [
        [1, 'over_limit', '"open'],
        [2, 'bad_encoding', 'b\uFFFD'],
        [3, ['c'], 'c'],
      ],
      [badLater.indexOf('\uFFFD')],
    );
  });

  it('positions count from the first character pushed, a BOM included', () => {
    const text = '\uFEFFh\nx\uFFFD\n';
    forEverySize(
      text,
      {},
      [
        [1, ['h'], 'h'],
        [2, 'bad_encoding', 'x\uFFFD'],
      ],
      [text.indexOf('\uFFFD')],
    );
  });
});

describe('splitRecords', () => {
  it('splits a whole string with the same rules', () => {
    expect(splitRecords('\uFEFFa,"b,c"\n\n 1 ,2\n', { trim: false })).toEqual([
      { fields: ['a', 'b,c'], line: 1, raw: 'a,"b,c"' },
      { fields: [' 1 ', '2'], line: 3, raw: ' 1 ,2' },
    ]);
    expect(splitRecords('"open\nb\n', { maxRecordBytes: 4 })).toEqual([
      { fields: [], line: 1, raw: '"ope', problem: 'over_limit' },
      { fields: ['b'], line: 2, raw: 'b' },
    ]);
  });
});

describe('findRecordEnd', () => {
  // [input, index of the `\n` ending the record that starts at 0, or -1]
  const cases: Array<[string, string, number]> = [
    ['a plain line', 'a,b\nc', 3],
    ['a quoted newline', '"a\nb",c\nd', 7],
    ['a doubled quote inside quotes', '"a""\n",c\nd', 8],
    ['a quote inside an unquoted field is an ordinary character', 'a,b"c\nd"\n', 5],
    ['blanks before an opening quote', ' \t"a\nb"\nc', 7],
    ['text after a closing quote', '"a"b\nc', 4],
    ['an unclosed quote: not complete yet', '"a\nb', -1],
    ['no line ending yet', 'a,b', -1],
    ['a closing quote at the very end may still be doubled', '"a"', -1],
  ];

  it.each(cases)('%s', (_name, text, end) => {
    expect(findRecordEnd(text, 0)).toBe(end);
    // On bytes, at the same index (every case is ASCII up to the end).
    expect(findRecordEnd(Buffer.from(text), 0)).toBe(end);
  });

  it('agrees with the splitter on where each record ends', () => {
    for (const [, text, end] of cases) {
      if (end === -1) continue;
      const first = splitRecords(text)[0];
      expect(first?.raw).toBe(text.slice(0, end));
    }
  });

  it('works on bytes of multi-byte text and from an offset', () => {
    const bytes = Buffer.from('é,"ü\n",1\nx\n');
    // é is 2 bytes, ü is 2: the record ends at byte 2+1+1+2+1+1+1+1 = 10.
    expect(findRecordEnd(bytes, 0)).toBe(10);
    expect(findRecordEnd(bytes, 11)).toBe(12);
  });
});
