import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { LoaderError } from 'loader';
import { main, parseCliArgs } from '../src/generator/generate-cli';
import { generatePostingsText } from '../src/generator/generate-postings';

describe('generate-cli arguments', () => {
  it('reads rows, seed, month, clean and out, as separate or inline values', () => {
    expect(parseCliArgs(['--rows', '10'])).toEqual({
      options: { rows: 10, seed: undefined, month: undefined, dirty: true },
      out: null,
    });
    expect(parseCliArgs(['--rows=5', '--seed', '-3', '--month=2020-02', '--clean', '--out', 'x.csv'])).toEqual({
      options: { rows: 5, seed: -3, month: '2020-02', dirty: false },
      out: 'x.csv',
    });
  });

  it('reports --help as null', () => {
    expect(parseCliArgs(['--rows', '1', '--help'])).toBeNull();
  });

  it.each([
    [[], '--rows is required'],
    [['--rows'], '--rows needs a value'],
    [['--rows', '--clean'], '--rows needs a value'],
    [['--rows', '1e6'], '--rows must be an integer'],
    [['--rows', '-1'], '--rows must be an integer >= 0'],
    [['--rows', '12abc'], '--rows must be an integer'],
    [['--rows', '1', '--seed', '1.5'], '--seed must be an integer'],
    [['--rows', '1', '--month', '2021-2'], '--month must be YYYY-MM'],
    [['--rows', '1', '--rows', '2'], '--rows given twice'],
    [['--rows', '1', '--clean=yes'], '--clean takes no value'],
    [['--rows', '1', '--out='], '--out needs a file name'],
    [['--rows', '1', '--dirty'], 'unknown argument "--dirty"'],
    [['--rows', '1', 'extra'], 'unknown argument "extra"'],
  ])('rejects %j with a clear message', (argv, message) => {
    expect(() => parseCliArgs(argv)).toThrow(LoaderError);
    expect(() => parseCliArgs(argv)).toThrow(expect.objectContaining({ code: 'LOADER_BAD_OPTION' }));
    expect(() => parseCliArgs(argv)).toThrow(message);
  });
});

describe('generate-cli main', () => {
  let stderr: jest.SpyInstance;
  beforeEach(() => {
    stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterEach(() => stderr.mockRestore());

  it('writes the file and prints the manifest as JSON on stderr', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'postings-cli-'));
    try {
      const out = join(dir, 'p.csv');
      await expect(main(['--rows', '500', '--seed', '9', '--out', out])).resolves.toBe(0);
      const expected = generatePostingsText({ rows: 500, seed: 9 });
      expect(readFileSync(out, 'utf8')).toBe(expected.text);
      const printed = JSON.parse(String(stderr.mock.calls.at(-1)?.[0])) as Record<string, unknown>;
      expect(printed).toMatchObject({ ...expected.manifest });
      expect(typeof printed['seconds']).toBe('number');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('resolves a relative --out from the folder npm was run in (INIT_CWD)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'postings-cli-'));
    try {
      await expect(main(['--rows', '10', '--out', 'rel.csv'], { INIT_CWD: dir })).resolves.toBe(0);
      expect(readFileSync(join(dir, 'rel.csv'), 'utf8')).toBe(generatePostingsText({ rows: 10 }).text);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exits 2 with the usage on bad arguments, writing nothing', async () => {
    await expect(main(['--rows', 'many'])).resolves.toBe(2);
    expect(String(stderr.mock.calls[0]?.[0])).toMatch(/--rows must be an integer.*\nusage: generate-cli --rows N/s);
  });
});
