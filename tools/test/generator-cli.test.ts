import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { LoaderError } from 'loader';
import { generateArgs, main } from '../src/generator/generate-cli';
import { generatePostingsText } from '../src/generator/generate-postings';
import { fakeIo as collectingIo } from '../src/testing/fake-io';

describe('generate-cli arguments', () => {
  it('reads rows, seed, month, clean and out', () => {
    expect(generateArgs({ rows: '10' })).toEqual({
      options: { rows: 10, seed: undefined, month: undefined, dirty: true },
      out: null,
    });
    expect(generateArgs({ rows: '5', seed: '-3', month: '2020-02', clean: true, out: 'x.csv' })).toEqual({
      options: { rows: 5, seed: -3, month: '2020-02', dirty: false },
      out: 'x.csv',
    });
  });

  it.each([
    [{}, '--rows is required'],
    [{ rows: '1e6' }, '--rows must be an integer'],
    [{ rows: '-1' }, '--rows must be an integer >= 0'],
    [{ rows: '12abc' }, '--rows must be an integer'],
    [{ rows: '1', seed: '1.5' }, '--seed must be an integer'],
    [{ rows: '1', month: '2021-2' }, '--month must be YYYY-MM'],
    [{ rows: '1', out: '' }, '--out needs a file name'],
  ])('rejects %j with a clear message', (values, message) => {
    expect(() => generateArgs(values)).toThrow(LoaderError);
    expect(() => generateArgs(values)).toThrow(expect.objectContaining({ code: 'LOADER_BAD_OPTION' }));
    expect(() => generateArgs(values)).toThrow(message);
  });
});

describe('generate-cli main', () => {
  it('writes the file and prints the manifest as JSON on stderr', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'postings-cli-'));
    try {
      const out = join(dir, 'p.csv');
      const io = collectingIo();
      await expect(main(['--rows', '500', '--seed', '9', '--out', out], io)).resolves.toBe(0);
      const expected = generatePostingsText({ rows: 500, seed: 9 });
      expect(readFileSync(out, 'utf8')).toBe(expected.text);
      const printed = JSON.parse(io.err()) as Record<string, unknown>;
      expect(printed).toMatchObject({ ...expected.manifest });
      expect(typeof printed['seconds']).toBe('number');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes a negative seed and inline values', async () => {
    const io = collectingIo();
    await expect(main(['--rows=20', '--seed', '-3', '--month=2020-02', '--clean'], io)).resolves.toBe(0);
    expect(io.out()).toBe(generatePostingsText({ rows: 20, seed: -3, month: '2020-02', dirty: false }).text);
  });

  it('resolves a relative --out from the folder npm was run in (INIT_CWD)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'postings-cli-'));
    try {
      await expect(main(['--rows', '10', '--out', 'rel.csv'], collectingIo({ INIT_CWD: dir }))).resolves.toBe(0);
      expect(readFileSync(join(dir, 'rel.csv'), 'utf8')).toBe(generatePostingsText({ rows: 10 }).text);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prints its usage on --help and exits 0', async () => {
    const io = collectingIo();
    await expect(main(['--help'], io)).resolves.toBe(0);
    expect(io.out()).toMatch(/^usage: npm run generate -- --rows N/);
    expect(io.err()).toBe('');
  });

  // The loader's exit-code table: 1 is the user's input, as for every loader command.
  it.each([
    [['--rows', 'many'], '--rows must be an integer'],
    [[], '--rows is required'],
    [['--rows'], "Option '--rows <value>' argument missing"],
    [['--rows', '1', '--rows', '2'], '--rows given twice'],
    [['--rows', '1', '--clean=yes'], "Option '--clean' does not take an argument"],
    [['--rows', '1', '--dirty'], "Unknown option '--dirty'"],
    [['--rows', '1', 'extra'], "Unexpected argument 'extra'"],
  ])('exits 1 on %j, naming the problem and writing no CSV', async (argv, message) => {
    const io = collectingIo();
    await expect(main(argv, io)).resolves.toBe(1);
    expect(io.err()).toMatch(/^error: /);
    expect(io.err()).toContain(message);
    expect(io.out()).toBe('');
  });
});
