import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ANSWER_FILES } from 'analysis';
import { runLoadCommand } from '../src/cli/load-command';
import { ENGINES, createTestDatabase, type TestDatabase, fakeIo } from 'tools/testing';

const HEADER = 'uuid,category,zip_code,price,area,created_at,status';
const U1 = '00000000-0000-4000-8000-000000000001';
const U2 = '00000000-0000-4000-8000-000000000002';
const U3 = '00000000-0000-4000-8000-000000000003';

/** January's export: two postings. */
const JANUARY = `${HEADER}\n${U1},APARTMENT_RENT,01067,500,50,2021-01-10 10:00:00,ONLINE\n${U2},HOUSE_BUY,,300000,120,2021-01-11 10:00:00,ONLINE\n`;
/** February's: U1 again (now offline, new price), a new U3, and one bad price (line 4). */
const FEBRUARY = `${HEADER}\n${U1},APARTMENT_RENT,01067,550,50,2021-02-01 09:00:00,OFFLINE\n${U3},APARTMENT_RENT,,700,70,2021-02-02 09:00:00,ONLINE\n00000000-0000-4000-8000-000000000004,APARTMENT_RENT,,cheap,70,2021-02-03 09:00:00,ONLINE\n`;

describe.each(ENGINES)('realxdeal-loader start with several files on %s', (engine) => {
  let tdb: TestDatabase;
  beforeEach(async () => {
    tdb = await createTestDatabase(engine);
  });
  afterEach(async () => {
    await tdb.drop();
  });

  async function state(): Promise<{
    postings: Array<{ uuid: string; price: number; status: string }>;
    runs: Array<Record<string, unknown>>;
  }> {
    const db = await tdb.open();
    try {
      const postings = (await db.knex('postings').select('uuid', 'price', 'status').orderBy('uuid')).map((r) => ({
        ...r,
        price: Number(r.price),
      }));
      const runs = (
        await db
          .knex('load_runs')
          .select('file_name', 'outcome', 'rows_read', 'rows_loaded', 'rows_replaced', 'rows_rejected')
          .orderBy('id')
      ).map((r) => ({
        ...r,
        file_name: path.basename(String(r.file_name)),
        rows_read: Number(r.rows_read),
        rows_loaded: Number(r.rows_loaded),
        rows_replaced: Number(r.rows_replaced),
        rows_rejected: Number(r.rows_rejected),
      }));
      return { postings, runs };
    } finally {
      await db.close();
    }
  }

  it('loads two files in the order given, one load_runs row and reject file each, later file winning, answers once', async () => {
    fs.writeFileSync(path.join(tdb.dir, 'jan.csv'), JANUARY);
    fs.writeFileSync(path.join(tdb.dir, 'feb.csv'), FEBRUARY);
    const io = fakeIo({ INIT_CWD: tdb.dir, DATABASE_URL: tdb.url });
    const code = await runLoadCommand(['jan.csv', 'feb.csv', '--quiet', '--summary-json', 'summary.json'], io);
    expect(io.err()).toBe('');
    expect(code).toBe(0);
    expect(await state()).toEqual({
      postings: [
        { uuid: U1, price: 550, status: 'OFFLINE' },
        { uuid: U2, price: 300000, status: 'ONLINE' },
        { uuid: U3, price: 700, status: 'ONLINE' },
      ],
      runs: [
        { file_name: 'jan.csv', outcome: 'finished', rows_read: 2, rows_loaded: 2, rows_replaced: 0, rows_rejected: 0 },
        { file_name: 'feb.csv', outcome: 'finished', rows_read: 3, rows_loaded: 2, rows_replaced: 1, rows_rejected: 1 },
      ],
    });
    expect(fs.readFileSync(path.join(tdb.dir, 'jan.csv.rejects.csv'), 'utf8')).toBe('line,reason,raw\n');
    expect(fs.readFileSync(path.join(tdb.dir, 'feb.csv.rejects.csv'), 'utf8')).toBe(
      'line,reason,raw\n4,bad_price,"00000000-0000-4000-8000-000000000004,APARTMENT_RENT,,cheap,70,2021-02-03 09:00:00,ONLINE"\n',
    );
    // One summary per file, then one report after the last.
    expect(io.out().match(/^Loaded /gm)).toHaveLength(2);
    expect(io.out().match(/Market analysis for/g)).toHaveLength(1);
    expect(io.out().indexOf('Loaded feb.csv')).toBeLessThan(io.out().indexOf('Market analysis for'));
    // Question 2 over both files: APARTMENT_RENT has U3 online (U1 went offline), HOUSE_BUY has U2.
    expect(fs.readFileSync(path.join(tdb.dir, ANSWER_FILES.q2), 'utf8')).toBe('category,online_postings\nAPARTMENT_RENT,1\nHOUSE_BUY,1\n');
    const summary = JSON.parse(fs.readFileSync(path.join(tdb.dir, 'summary.json'), 'utf8')) as Array<{ rowsRead: number; source: string }>;
    expect(summary.map((s) => [path.basename(s.source), s.rowsRead])).toEqual([
      ['jan.csv', 2],
      ['feb.csv', 3],
    ]);
  });

  it('loads a folder: its *.csv in name order, not reject or answer files; a refused file is reported, the others load, exit 1', async () => {
    const folder = path.join(tdb.dir, 'exports');
    fs.mkdirSync(folder);
    // Name order puts February (2021-02) after January (2021-01), so February wins on U1.
    fs.writeFileSync(path.join(folder, '2021-02.csv'), FEBRUARY);
    fs.writeFileSync(path.join(folder, '2021-01.csv'), JANUARY);
    fs.writeFileSync(path.join(folder, '2021-03.csv'), 'id,category\n1,A\n');
    fs.writeFileSync(path.join(folder, '2021-01.csv.rejects.csv'), 'line,reason,raw\n');
    fs.writeFileSync(path.join(folder, ANSWER_FILES.q1), 'category,postings,avg_price_per_m2,median_price_per_m2\n');
    fs.writeFileSync(path.join(folder, 'notes.txt'), 'not a csv');
    const io = fakeIo({ INIT_CWD: tdb.dir, DATABASE_URL: tdb.url });
    const code = await runLoadCommand(['exports', '--quiet'], io);
    expect(code).toBe(1);
    expect(io.err()).toMatch(/^error: 2021-03\.csv line 1: the header must name the seven columns .*Nothing was loaded\.\n$/);
    const { postings, runs } = await state();
    expect(postings.find((p) => p.uuid === U1)).toEqual({ uuid: U1, price: 550, status: 'OFFLINE' });
    expect(runs.map((r) => [r.file_name, r.outcome])).toEqual([
      ['2021-01.csv', 'finished'],
      ['2021-02.csv', 'finished'],
    ]);
    // The answers go into the folder, and the next run of the same folder skips them.
    expect(fs.existsSync(path.join(folder, ANSWER_FILES.q5))).toBe(true);
    expect(fs.readFileSync(path.join(folder, ANSWER_FILES.q1), 'utf8')).toContain('APARTMENT_RENT,');
  });

  it('goes on past a missing file and exits with the worst code', async () => {
    fs.writeFileSync(path.join(tdb.dir, 'jan.csv'), JANUARY);
    fs.writeFileSync(path.join(tdb.dir, 'feb.csv'), FEBRUARY);
    const io = fakeIo({ INIT_CWD: tdb.dir, DATABASE_URL: tdb.url });
    expect(await runLoadCommand(['jan.csv', 'mar.csv', 'feb.csv', '--quiet', '--no-analysis'], io)).toBe(1);
    expect(io.err()).toBe('error: no such file: mar.csv\n');
    expect((await state()).runs.map((r) => r.file_name)).toEqual(['jan.csv', 'feb.csv']);
  });
});

describe('realxdeal-loader start with several files: flags', () => {
  it('refuses --reject-file with more than one file, before loading anything', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rxd-many-'));
    try {
      fs.writeFileSync(path.join(dir, 'a.csv'), JANUARY);
      fs.writeFileSync(path.join(dir, 'b.csv'), FEBRUARY);
      const io = fakeIo({ INIT_CWD: dir, DATABASE_URL: `sqlite:${path.join(dir, 'db.sqlite')}` });
      expect(await runLoadCommand(['a.csv', 'b.csv', '--reject-file', 'r.csv'], io)).toBe(1);
      expect(io.err()).toMatch(/^error: --reject-file names one reject file, but 2 files are to be loaded/);
      expect(fs.existsSync(path.join(dir, 'db.sqlite'))).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
