import { parseDecimal } from 'server';
import { addRecord } from '../src/lib/batch/add-record';
import { detectLayout } from '../src/lib/batch/layout';
import { RecordEnds, newlinesIn, recordText } from '../src/lib/batch/records';
import { RowBatch } from '../src/lib/batch/row-batch';
import { PlainNumberScanner, ScanOutcome } from '../src/lib/batch/scan-decimal';
import { RowWriter } from '../src/lib/batch/write-rows';

const bytes = (text: string): Buffer => Buffer.from(text, 'utf8');

describe('batch layout limits', () => {
  it('refuses a header wider than the column limit, naming the line', () => {
    expect(() => detectLayout('x,a,b', 'area', 2, 4)).toThrow(
      expect.objectContaining({
        code: 'SERVER_TOO_MANY_COLUMNS',
        message: expect.stringMatching(/^line 4 has 3 columns, more than the limit of 2/),
      }),
    );
    expect(detectLayout('x,a', 'area', 2)).toEqual({ headerless: false, column: 0, columns: 2 });
  });
});

describe('batch record splitting', () => {
  it('ends a record at the first newline outside quotes, a quote opening a field only at its start', () => {
    const ends = new RecordEnds();
    const quoted = bytes('1,"a\nb",c\n2\n');
    ends.reset(quoted);
    expect(ends.after(0)).toBe(9);
    expect(newlinesIn(quoted, 0, 9)).toBe(1);
    const midField = bytes('1,a"b\n2,"c\n');
    ends.reset(midField);
    expect(ends.after(0)).toBe(5);
    expect(ends.after(6)).toBe(-1);
  });

  it('uses plain newlines until a quote appears, then honours it', () => {
    const buf = bytes('1\n2\n"3\n4"\n5');
    const ends = new RecordEnds();
    ends.reset(buf);
    expect(ends.after(0)).toBe(1);
    expect(ends.after(2)).toBe(3);
    expect(ends.after(4)).toBe(9);
    expect(ends.after(10)).toBe(-1);
  });

  it('gives a record its text without the CR, and without the BOM on the first line', () => {
    const buf = bytes('\uFEFFx,é\r\n');
    expect(recordText(buf, 0, buf.length - 1, true)).toBe('x,é');
    expect(recordText(buf, 0, buf.length - 1)).toBe('\uFEFFx,é');
  });
});

describe('batch fast-path decimal scanner', () => {
  const scanner = new PlainNumberScanner(64);

  it.each([
    ['12.5\n', 12.5, 4],
    [' -3 \r\n', -3, 4],
    ['+.5\n', 0.5, 3],
    ['007\n', 7, 3],
    ['123456789012345\n', 123456789012345, 15],
  ])('reads %j as %p, keeping the text up to byte %p', (line, x, valueEnd) => {
    expect(scanner.scan(bytes(line), 0, false)).toBe(ScanOutcome.Plain);
    expect(scanner.x).toBe(x);
    expect(scanner.valueEnd).toBe(valueEnd);
    expect(scanner.next).toBe(line.length);
  });

  it.each(['1e5\n', '"1"\n', '1,2\n', '\n', '-\n', '1234567890123456\n', '0x10\n', `${' '.repeat(70)}1\n`])(
    'leaves %j to the general path',
    (line) => {
      expect(scanner.scan(bytes(line), 0, false)).toBe(ScanOutcome.Other);
    },
  );

  it('waits for more bytes when the line may continue', () => {
    expect(scanner.scan(bytes('12'), 0, false)).toBe(ScanOutcome.Incomplete);
    expect(scanner.scan(bytes('12\r'), 0, false)).toBe(ScanOutcome.Incomplete);
    expect(scanner.scan(bytes('12'), 0, true)).toBe(ScanOutcome.Plain);
  });

  it('agrees with parseDecimal on every line it accepts', () => {
    const disagreeing: string[] = [];
    let seed = 7;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const alphabet = '0123456789.-+ \t';
    for (let i = 0; i < 20000; i++) {
      let text = '';
      const length = 1 + Math.floor(random() * 18);
      for (let j = 0; j < length; j++) text += alphabet[Math.floor(random() * alphabet.length)];
      if (scanner.scan(bytes(`${text}\n`), 0, false) !== ScanOutcome.Plain) continue;
      const parsed = parseDecimal(text);
      if (!parsed.ok || !Object.is(parsed.value, scanner.x)) disagreeing.push(text);
    }
    expect(disagreeing).toEqual([]);
  });
});

describe('batch general row path', () => {
  const layout = { headerless: false, column: 1, columns: 3 };

  it('keeps a good row as read with its x', () => {
    const rows = new RowBatch();
    addRecord(rows, 'a, 2 ,"c"', layout);
    expect([rows.n, rows.xs[0], rows.text[0], rows.problem[0]]).toEqual([1, 2, 'a, 2 ,"c"', undefined]);
  });

  it('writes a short row as read and drops the extra fields of a long one', () => {
    const rows = new RowBatch();
    addRecord(rows, 'a', layout);
    addRecord(rows, 'a,1,b,c,d', layout);
    expect(rows.text.slice(0, 2)).toEqual(['a', 'a,1,b']);
    expect(rows.problem.slice(0, 2)).toEqual([
      'row has 1 fields but the header has 3; written as read',
      'row has 5 fields but the header has 3; extra fields dropped',
    ]);
  });
});

describe('batch row batching and output', () => {
  it('is full at 4096 rows', () => {
    const rows = new RowBatch();
    for (let i = 0; i < 4095; i++) rows.addRange(0, 1, 1);
    expect(rows.full).toBe(false);
    rows.addRange(0, 1, 1);
    expect(rows.full).toBe(true);
  });

  it('is full at 256 KiB of pass-through text', () => {
    const rows = new RowBatch();
    rows.addText('a'.repeat(256 * 1024 - 1), 1);
    expect(rows.full).toBe(false);
    rows.addText('a', 1);
    expect(rows.full).toBe(true);
  });

  it('writes each row, then its prediction or its error', () => {
    const source = bytes('7\n');
    const rows = new RowBatch();
    rows.addRange(0, 1, 7);
    rows.addText('"q,1"', 1);
    rows.addProblem('z', 'x is bad, "really"');
    rows.addText('big', 1);
    const out = new RowWriter().write(rows, Float64Array.from([64, 1.2100000000000002, 0, Infinity]), source);
    expect(out.toString()).toBe(
      '7,64,\n"q,1",1.21,\nz,,"x is bad, ""really"""\nbig,,prediction overflows: x is too far outside the training range\n',
    );
  });
});
