import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runLoadCommand } from '../src/cli/load-command';
import { runTrainCommand } from '../src/cli/train-command';
import { predict } from '@realxdeal/model';
import { loadModel } from '@realxdeal/model/node';
import { ENGINES, createTestDatabase, fakeIo } from 'tools/testing';
import EVERY_REASON from './__fixtures__/every-reason.expected.json';

const FIXTURE = path.join(__dirname, '__fixtures__', 'every-reason.csv');
const HEADER = 'uuid,category,zip_code,price,area,created_at,status';

describe('realxdeal-loader start: errors a user sees', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rxd-cli-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('names a missing file and exits 1', async () => {
    const io = fakeIo({ INIT_CWD: dir });
    expect(await runLoadCommand(['nope.csv'], io)).toBe(1);
    expect(io.err()).toBe('error: no such file: nope.csv\n');
  });

  it('refuses a wrong header in one line, exit 1', async () => {
    fs.writeFileSync(path.join(dir, 'x.csv'), 'id,category\n1,A\n');
    const io = fakeIo({ INIT_CWD: dir, DATABASE_URL: `sqlite:${path.join(dir, 'db.sqlite')}` });
    expect(await runLoadCommand(['x.csv'], io)).toBe(1);
    expect(io.err()).toMatch(
      /^error: x\.csv line 1: the header must name the seven columns .*missing uuid, zip_code, price, area, created_at, status; unexpected "id"\. Nothing was loaded\.\n$/,
    );
  });

  it('rejects a bad database URL without echoing the password, exit 2', async () => {
    fs.copyFileSync(FIXTURE, path.join(dir, 'a.csv'));
    const io = fakeIo({ INIT_CWD: dir });
    expect(await runLoadCommand(['a.csv', '--database-url', 'postgres://u:s3cret@h/db'], io)).toBe(2);
    expect(io.err()).toBe('error: DATABASE_URL must start with mysql:// or sqlite: (got postgres://u:***@h/db)\n');
  });

  it('reports an unreachable server in one line without the password, exit 2', async () => {
    fs.copyFileSync(FIXTURE, path.join(dir, 'a.csv'));
    const io = fakeIo({ INIT_CWD: dir, DATABASE_URL: 'mysql://root:s3cret@127.0.0.1:1/nothing' });
    expect(await runLoadCommand(['a.csv'], io)).toBe(2);
    expect(io.err()).toMatch(/^error: cannot reach the database mysql:\/\/root:\*\*\*@127\.0\.0\.1:1\/nothing: ECONNREFUSED.*\n$/);
    expect(io.err()).not.toContain('s3cret');
    expect(io.err().trim().split('\n')).toHaveLength(1);
  });

  it.each([
    [['a.csv', '--batch-size', '0'], '--batch-size must be a positive whole number, got 0'],
    [['a.csv', '--max-record-bytes', '1MiB'], '--max-record-bytes must be a positive whole number, got 1MiB'],
    [['a.csv', '--drop', 'abc'], '--drop must be a number (percent), got abc'],
    [['a.csv', '--bogus'], "Unknown option '--bogus'"],
    [[], 'give at least one CSV file or folder to load'],
  ])('refuses bad flags %j', async (argv, message) => {
    fs.copyFileSync(FIXTURE, path.join(dir, 'a.csv'));
    const io = fakeIo({ INIT_CWD: dir, DATABASE_URL: `sqlite:${path.join(dir, 'db.sqlite')}` });
    expect(await runLoadCommand(argv, io)).toBe(1);
    expect(io.err()).toContain(message);
  });
});

describe.each(ENGINES)('realxdeal-loader start on %s', (engine) => {
  it('loads, prints the summary, writes the summary JSON, and the answers beside the input', async () => {
    const tdb = await createTestDatabase(engine);
    try {
      fs.copyFileSync(FIXTURE, path.join(tdb.dir, 'feb.csv'));
      const io = fakeIo({ INIT_CWD: tdb.dir, DATABASE_URL: tdb.url });
      const code = await runLoadCommand(['feb.csv', '--summary-json', 'summary.json', '--quiet', '--drop', '-70'], io);
      expect(io.err()).toBe('');
      expect(code).toBe(0);
      // Figures from __fixtures__/every-reason.expected.json.
      const { rowsRead, rowsLoaded, rowsReplaced, rowsRejected, rejectedByReason } = EVERY_REASON.summary;
      expect(io.out()).toMatch(
        new RegExp(`read\\s+${rowsRead}\\n\\s+loaded\\s+${rowsLoaded}\\n\\s+replaced\\s+${rowsReplaced}\\n\\s+rejected\\s+${rowsRejected}`),
      );
      for (const [reason, count] of Object.entries(rejectedByReason))
        expect(io.out()).toMatch(new RegExp(`\\n\\s+${reason}\\s+${count}\\n`));
      const summary = JSON.parse(fs.readFileSync(path.join(tdb.dir, 'summary.json'), 'utf8'));
      expect(summary).toMatchObject(EVERY_REASON.summary);
      expect(typeof summary.seconds).toBe('number');
      for (const name of [
        'q1_avg_price_per_m2.csv',
        'q2_online_per_category.csv',
        'q3_first_last_day.csv',
        'q4_daily_change.csv',
        'q5_alerts.csv',
        'weekday_pattern.csv',
      ]) {
        expect(fs.existsSync(path.join(tdb.dir, name))).toBe(true);
      }
      // Question 2 for the three loaded rows: APARTMENT_RENT 1 online; HOUSE_BUY 1 of 2.
      expect(fs.readFileSync(path.join(tdb.dir, 'q2_online_per_category.csv'), 'utf8')).toBe(
        'category,online_postings\nAPARTMENT_RENT,1\nHOUSE_BUY,1\n',
      );
    } finally {
      await tdb.drop();
    }
  });

  it('trains a model on the loaded postings and writes a loadable artifact', async () => {
    const tdb = await createTestDatabase(engine);
    try {
      // Price = 100 + 10 * area exactly, so the fit must recover it.
      const rows = Array.from({ length: 20 }, (_, i) => {
        const area = 20 + i * 5;
        return `00000000-0000-4000-8000-${String(i).padStart(12, '0')},FLAT,,${100 + 10 * area},${area},2021-02-01 00:00:00,ONLINE`;
      });
      fs.writeFileSync(path.join(tdb.dir, 'flats.csv'), `${HEADER}\n${rows.join('\n')}\n`);
      const env = { INIT_CWD: tdb.dir, DATABASE_URL: tdb.url };
      expect(await runLoadCommand(['flats.csv', '--no-analysis', '--quiet'], fakeIo(env))).toBe(0);
      const io = fakeIo(env);
      expect(await runTrainCommand(['--category', 'FLAT', '--out', 'model.json'], io)).toBe(0);
      const model = loadModel(path.join(tdb.dir, 'model.json'));
      expect(model.name).toBe('flat-price');
      expect(model.coefficients[0]).toBeCloseTo(100, 6);
      expect(model.coefficients[1]).toBeCloseTo(10, 8);
      expect(model.training).toMatchObject({ n: 20, n_train: 16, n_test: 4 });
      expect(predict(model, 50).prediction).toBeCloseTo(600, 6);
      expect(io.out()).toContain('Trained flat-price');

      const none = fakeIo(env);
      expect(await runTrainCommand(['--category', 'CASTLE'], none)).toBe(1);
      expect(none.err()).toMatch(/no postings of category CASTLE/);
    } finally {
      await tdb.drop();
    }
  });
});
