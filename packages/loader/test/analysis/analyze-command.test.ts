import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ANSWER_FILES } from 'analysis';
import { runAnalyzeCommand } from '../../src/cli/analyze-command';
import { joinNegativeValues } from '../../src/cli/run-command';
import { ENGINES, fakeIo, MARKET_CSV, MARKET_POSTINGS, seededDatabase, type SeededDatabase } from 'tools/testing';

describe.each(ENGINES)('realxdeal-loader analyze on %s', (engine) => {
  let seeded: SeededDatabase;
  beforeAll(async () => {
    seeded = await seededDatabase(engine, MARKET_POSTINGS);
  });
  afterAll(async () => {
    await seeded?.dispose();
  });

  it('writes the six files, prints the report and exits 0', async () => {
    const out = path.join(seeded.tdb.dir, 'answers');
    const io = fakeIo({ INIT_CWD: seeded.tdb.dir });
    const code = await runAnalyzeCommand(['--database-url', seeded.tdb.url, '--out', out], io);
    expect(io.err()).toBe('');
    expect(code).toBe(0);
    for (const name of Object.values(ANSWER_FILES)) expect(fs.existsSync(path.join(out, name))).toBe(true);
    expect(fs.readFileSync(path.join(out, ANSWER_FILES.q5), 'utf8')).toBe(MARKET_CSV.q5);
    expect(io.out()).toContain('Market analysis for 2024-02');
    expect(io.out()).toContain(`Answer files in ${out}:`);
  });

  it('takes the database from DATABASE_URL, the folder relative to where the user is, and negative thresholds', async () => {
    const io = fakeIo({ INIT_CWD: seeded.tdb.dir, DATABASE_URL: seeded.tdb.url });
    const code = await runAnalyzeCommand(['--out', 'rel', '--drop', '-80', '--spike', '300', '--month', '2024-02'], io);
    expect(io.err()).toBe('');
    expect(code).toBe(0);
    expect(fs.readFileSync(path.join(seeded.tdb.dir, 'rel', ANSWER_FILES.q5), 'utf8')).toBe(
      'day,postings,previous_day_postings,change_pct,kind\n2024-02-03,0,2,-100,drop\n2024-02-29,0,1,-100,drop\n',
    );
  });
});

describe.each(ENGINES)('realxdeal-loader analyze --exit-on-alert / --month latest on %s', (engine) => {
  let seeded: SeededDatabase;
  beforeAll(async () => {
    seeded = await seededDatabase(engine, MARKET_POSTINGS);
  });
  afterAll(async () => {
    await seeded?.dispose();
  });

  const run = async (argv: string[]): Promise<{ code: number; q5: string; out: string; err: string }> => {
    const out = fs.mkdtempSync(path.join(seeded.tdb.dir, 'alert-'));
    const io = fakeIo({ INIT_CWD: seeded.tdb.dir, DATABASE_URL: seeded.tdb.url });
    const code = await runAnalyzeCommand([...argv, '--out', out], io);
    return { code, q5: fs.readFileSync(path.join(out, ANSWER_FILES.q5), 'utf8'), out: io.out(), err: io.err() };
  };

  it('exits 4 when the month has an alert day, after writing the answer files', async () => {
    const result = await run(['--exit-on-alert', '--month', '2024-02']);
    expect({ code: result.code, err: result.err }).toEqual({ code: 4, err: '' });
    expect(result.q5).toBe(MARKET_CSV.q5);
    expect(result.out).toContain('Market analysis for 2024-02');
  });

  it('exits 0 when no day crosses the thresholds, and 0 without the flag whatever the alerts', async () => {
    // February's largest moves are -100% and +300%: neither is below -101 nor above 1000.
    const quiet = await run(['--exit-on-alert', '--month', '2024-02', '--drop', '-101', '--spike', '1000']);
    expect({ code: quiet.code, q5: quiet.q5, err: quiet.err }).toEqual({
      code: 0,
      q5: 'day,postings,previous_day_postings,change_pct,kind\n',
      err: '',
    });
    expect((await run(['--month', '2024-02'])).code).toBe(0);
  });

  it('--month latest answers the newest month with postings (March, not the busiest February)', async () => {
    // March: 1 posting on the 1st (the day before, Feb 29, had 0: no change), 1 on the 2nd, 0 on the 3rd.
    const result = await run(['--month', 'latest', '--exit-on-alert']);
    expect(result.code).toBe(4);
    expect(result.out).toContain('Market analysis for 2024-03');
    expect(result.q5).toBe('day,postings,previous_day_postings,change_pct,kind\n2024-03-03,0,1,-100,drop\n');
  });
});

describe('realxdeal-loader analyze: what a user sees', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rxd-analyze-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const sqliteUrl = (): string => `sqlite:${path.join(dir, 'db.sqlite')}`;

  it('reports an empty database as empty, with header-only files', async () => {
    const io = fakeIo({ INIT_CWD: dir });
    expect(await runAnalyzeCommand(['--database-url', sqliteUrl()], io)).toBe(0);
    expect(io.out()).toContain('The postings table is empty');
    expect(fs.readFileSync(path.join(dir, 'output', ANSWER_FILES.q3), 'utf8')).toBe('day,postings\n');
  });

  it.each([
    [['--month', '2021-13'], 'error: --month must be a month as YYYY-MM with MM from 01 to 12, got 2021-13\n'],
    [['--month', 'feb'], 'error: --month must be a month as YYYY-MM (e.g. 2021-02), got feb\n'],
    [['--drop', 'abc'], 'error: --drop must be a number (percent), got abc\n'],
    [['--spike', ''], 'error: --spike must be a number (percent), got \n'],
    [['--drop', '300'], 'error: --drop must not be above the spike threshold (200), got 300\n'],
  ])('refuses %j with one line naming the flag, exit 1, before opening the database', async (argv, message) => {
    // An unreachable server proves the flags are checked first.
    const io = fakeIo({ INIT_CWD: dir, DATABASE_URL: 'mysql://root@127.0.0.1:1/x' });
    expect(await runAnalyzeCommand(argv, io)).toBe(1);
    expect(io.err()).toBe(message);
    expect(io.out()).toBe('');
  });

  it.each([[['--bogus']], [['extra']], [['--month']]])('refuses %j with usage, exit 1', async (argv) => {
    const io = fakeIo({ INIT_CWD: dir });
    expect(await runAnalyzeCommand(argv, io)).toBe(1);
    expect(io.err()).toMatch(/^error: .+\n\nusage: realxdeal-loader analyze/);
  });

  it('prints its usage for --help', async () => {
    const io = fakeIo({ INIT_CWD: dir });
    expect(await runAnalyzeCommand(['--help'], io)).toBe(0);
    expect(io.out()).toContain('--spike N');
  });

  it('reports an unreachable server in one line without the password or a stack, exit 2', async () => {
    const io = fakeIo({ INIT_CWD: dir });
    expect(await runAnalyzeCommand(['--database-url', 'mysql://root:s3cret@127.0.0.1:1/x'], io)).toBe(2);
    expect(io.err()).toMatch(/^error: cannot reach the database mysql:\/\/root:\*\*\*@127\.0\.0\.1:1\/x: .*\n$/);
    expect(io.err().trim().split('\n')).toHaveLength(1);
    expect(io.err()).not.toContain('s3cret');
    expect(io.err()).not.toMatch(/\bat .+:\d+:\d+/);
  });

  it('reports an answer folder it cannot create, exit 1', async () => {
    fs.writeFileSync(path.join(dir, 'blocker'), 'a file, not a folder');
    const io = fakeIo({ INIT_CWD: dir });
    expect(await runAnalyzeCommand(['--database-url', sqliteUrl(), '--out', 'blocker/answers'], io)).toBe(1);
    expect(io.err()).toMatch(/^error: cannot write the answer files into .*blocker[/\\]answers: .*\n$/);
  });
});

describe('joinNegativeValues', () => {
  it('joins a threshold flag with a negative number, nothing else', () => {
    expect(joinNegativeValues(['--drop', '-70', '--spike', '-.5', '--out', '-x'], ['--drop', '--spike'])).toEqual([
      '--drop=-70',
      '--spike=-.5',
      '--out',
      '-x',
    ]);
    expect(joinNegativeValues(['--drop', '--spike', '5'], ['--drop', '--spike'])).toEqual(['--drop', '--spike', '5']);
  });
});
