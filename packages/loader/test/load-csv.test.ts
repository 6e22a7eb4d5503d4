import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { loadCsv, LoaderError, Database } from 'loader';
import { ENGINES, createTestDatabase, TestDatabase } from 'tools/testing';
import EVERY_REASON from './__fixtures__/every-reason.expected.json';

const FIXTURES = path.join(__dirname, '__fixtures__');

/** A reject file field: quoted (RFC 4180) when it holds a quote, a comma or a line break. */
function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
const HEADER = 'uuid,category,zip_code,price,area,created_at,status';

interface PostingRow {
  uuid: string;
  category: string;
  zip_code: string | null;
  price: number | null;
  area: number | null;
  created_at: string;
  status: string;
}

async function allPostings(db: Database): Promise<PostingRow[]> {
  return db.knex<PostingRow>('postings').select('*').orderBy('uuid');
}

function writeCsv(dir: string, name: string, content: string | Buffer): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

function uuid(n: number): string {
  return `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
}

describe.each(ENGINES)('loadCsv on %s', (engine) => {
  let tdb: TestDatabase;
  let db: Database;

  beforeEach(async () => {
    tdb = await createTestDatabase(engine);
    db = await tdb.open();
  });

  afterEach(async () => {
    await db.close();
    await tdb.drop();
  });

  // jest.config.js runs every test in New York (the machines are on UTC,
  // which hides zone bugs); prove the zone is really in effect here.
  it('runs under a non-UTC zone', () => {
    expect(new Date(2021, 1, 10).getTimezoneOffset()).toBe(300);
  });

  it('rejects each bad row with the first reason in contract order, and loads the rest', async () => {
    const input = path.join(tdb.dir, 'every-reason.csv');
    fs.copyFileSync(path.join(FIXTURES, 'every-reason.csv'), input);
    const summary = await loadCsv(db, input);

    // The expectation is the fixture's own, worked out by hand: __fixtures__/every-reason.expected.json
    expect(summary).toMatchObject(EVERY_REASON.summary);
    expect(summary.rowsRead).toBe(summary.rowsLoaded + summary.rowsRejected);

    const rejects = fs.readFileSync(`${input}.rejects.csv`, 'utf8').trimEnd().split('\n');
    expect(rejects).toEqual([
      'line,reason,raw',
      ...EVERY_REASON.rejects.map(({ line, reason, raw }) => `${line},${reason},${csvField(raw)}`),
    ]);

    expect(await allPostings(db)).toEqual(
      EVERY_REASON.loaded.map(({ uuid, category, zip_code, price, area, created_at, status }) => ({
        uuid,
        category,
        zip_code,
        price,
        area,
        created_at,
        status,
      })),
    );
  });

  it('reads a BOM, CRLF endings, quoted commas, doubled quotes and newlines, and skips blank lines', async () => {
    const content =
      '\uFEFF' +
      HEADER +
      '\r\n' +
      `${uuid(1)},"HOUSE, ""deluxe""",01067,1200,100,2021-02-03 08:00:00,ONLINE\r\n` +
      '\r\n' +
      '   \t \r\n' +
      `${uuid(2)},"TWO\r\nLINES",,,,2021-02-04 09:00:00," OFFLINE "\r\n` +
      `${uuid(3)},GARAGE_RENT,99999,80,15,2021-02-05 10:00:00,bad\r\n` +
      `not-a-uuid,X,,,,2021-02-05 10:00:00,ONLINE\r\n`;
    const input = writeCsv(tdb.dir, 'dirty.csv', content);
    const summary = await loadCsv(db, input);
    expect(summary).toMatchObject({ rowsRead: 4, rowsLoaded: 3, rowsRejected: 1, rowsReplaced: 0 });
    const rows = await allPostings(db);
    expect(rows.map((r) => [r.category, r.status])).toEqual([
      ['HOUSE, "deluxe"', 'ONLINE'],
      ['TWO\r\nLINES', 'OFFLINE'],
      ['GARAGE_RENT', 'bad'],
    ]);
    // Line 1 header, 2 row, 3 and 4 blank, 5-6 the two-line row, 7 garage, 8 the bad one.
    expect(fs.readFileSync(`${input}.rejects.csv`, 'utf8')).toBe(
      'line,reason,raw\n8,bad_uuid,"not-a-uuid,X,,,,2021-02-05 10:00:00,ONLINE"\n',
    );
  });

  it('keeps zip codes as text and stores offsets as UTC, dropping the fraction', async () => {
    const input = writeCsv(
      tdb.dir,
      'zones.csv',
      `${HEADER}\n` +
        `${uuid(1)},A,01067,1,1,2021-02-10T09:15:00.750+01:00,ONLINE\n` +
        `${uuid(2)},A,00001,1,1,2021-02-28T23:30:00-0500,ONLINE\n` +
        `${uuid(3)},A,,1,1,2021-02-10T09:15:59.999Z,ONLINE\n` +
        `${uuid(4)},A,,1,1,2021-02-30 10:00:00,ONLINE\n` +
        `${uuid(5)},A,,1,1,2021-02-10 25:61:00,ONLINE\n`,
    );
    const summary = await loadCsv(db, input);
    expect(summary.rejectedByReason.bad_created_at).toBe(2);
    const rows = await allPostings(db);
    expect(rows.map((r) => [r.zip_code, r.created_at])).toEqual([
      ['01067', '2021-02-10 08:15:00'],
      ['00001', '2021-03-01 04:30:00'],
      [null, '2021-02-10 09:15:59'],
    ]);
  });

  it('treats upper- and lower-case uuids as one key, the later row winning', async () => {
    const upper = uuid(1).toUpperCase().replace('4000', 'ABCD');
    const input = writeCsv(
      tdb.dir,
      'dupes.csv',
      `${HEADER}\n` +
        `${upper},FIRST,,1,1,2021-02-01 00:00:00,ONLINE\n` +
        `${upper.toLowerCase()},SECOND,,2,2,2021-02-02 00:00:00,OFFLINE\n`,
    );
    const summary = await loadCsv(db, input);
    expect(summary).toMatchObject({ rowsRead: 2, rowsLoaded: 2, rowsReplaced: 1, rowsRejected: 0 });
    const rows = await allPostings(db);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ uuid: upper.toLowerCase(), category: 'SECOND', price: 2 });
  });

  it('gives the same table and counts whatever the transaction size, a repeated uuid in a later transaction included', async () => {
    const input = writeCsv(
      tdb.dir,
      'across.csv',
      `${HEADER}\n` +
        `${uuid(1)},FIRST,,1,1,2021-02-01 00:00:00,ONLINE\n` +
        `${uuid(2)},B,,2,2,2021-02-02 00:00:00,ONLINE\n` +
        `not-a-uuid,B,,2,2,2021-02-02 00:00:00,ONLINE\n` +
        `${uuid(3)},C,,3,3,2021-02-03 00:00:00,ONLINE\n` +
        `${uuid(1)},LAST,,4,4,2021-02-04 00:00:00,OFFLINE\n`,
    );
    // One row per batch and per transaction: the repeat of uuid 1 lands three commits after the first.
    const summary = await loadCsv(db, input, { batchSize: 1, rowsPerTransaction: 1 });
    expect(summary).toMatchObject({ rowsRead: 5, rowsLoaded: 4, rowsReplaced: 1, rowsRejected: 1 });
    expect((await allPostings(db)).map((r) => [r.uuid, r.category])).toEqual([
      [uuid(1), 'LAST'],
      [uuid(2), 'B'],
      [uuid(3), 'C'],
    ]);
    await expect(loadCsv(db, input, { rowsPerTransaction: 0 })).rejects.toMatchObject({
      code: 'LOADER_BAD_OPTION',
      message: 'rows per transaction must be a positive whole number, got 0',
    });
  });

  it('leaves the table identical when the same file is loaded twice, counting every row as replaced', async () => {
    const input = path.join(tdb.dir, 'every-reason.csv');
    fs.copyFileSync(path.join(FIXTURES, 'every-reason.csv'), input);
    const first = await loadCsv(db, input);
    const once = await allPostings(db);
    const second = await loadCsv(db, input);
    expect(await allPostings(db)).toEqual(once);
    expect(first.rowsReplaced).toBe(0);
    expect(second).toMatchObject({ rowsLoaded: 3, rowsReplaced: 3, rowsRejected: 15 });
    const runs = await db.knex('load_runs').select('*').orderBy('id');
    expect(runs).toHaveLength(2);
    expect(
      runs.map((r: { outcome: string; rows_read: number; rows_replaced: number }) => [r.outcome, r.rows_read, r.rows_replaced]),
    ).toEqual([
      ['finished', 18, 0],
      ['finished', 18, 3],
    ]);
    expect(runs[0].file_sha256).toBe(first.sha256);
    expect(runs[0].finished_at).not.toBeNull();
  });

  it('refuses a wrong header before writing anything', async () => {
    const input = writeCsv(
      tdb.dir,
      'header.csv',
      `uuid,category,zip,price,area,created_at,status,extra\n${uuid(1)},A,,1,1,2021-02-01 00:00:00,ONLINE\n`,
    );
    const failure = loadCsv(db, input);
    await expect(failure).rejects.toBeInstanceOf(LoaderError);
    await expect(loadCsv(db, input)).rejects.toMatchObject({
      code: 'LOADER_BAD_HEADER',
      message: expect.stringMatching(/header\.csv line 1: .*missing zip_code; unexpected "zip", "extra"/),
    });
    expect(await db.knex.schema.hasTable('postings')).toBe(false);
    expect(fs.existsSync(`${input}.rejects.csv`)).toBe(false);
  });

  it.each([
    ['a repeated column', 'uuid,category,zip_code,price,area,created_at,status,status', /repeated status/],
    ['a missing column', 'uuid,category,zip_code,price,area,created_at', /missing status/],
    ['an empty file', '', /empty/],
  ])('refuses a header with %s', async (_label, header, message) => {
    const input = writeCsv(tdb.dir, 'h.csv', header === '' ? '' : `${header}\n`);
    await expect(loadCsv(db, input)).rejects.toMatchObject({ code: 'LOADER_BAD_HEADER', message: expect.stringMatching(message) });
  });

  it('accepts the header in any order and any case, quoted and padded', async () => {
    const input = writeCsv(
      tdb.dir,
      'order.csv',
      ` STATUS ,"Created_At",area,price,zip_code,category,UUID\nONLINE,2021-02-01 00:00:00,10,100,01067,FLAT,${uuid(7)}\n`,
    );
    const summary = await loadCsv(db, input);
    expect(summary.rowsLoaded).toBe(1);
    expect(await allPostings(db)).toEqual([
      { uuid: uuid(7), category: 'FLAT', zip_code: '01067', price: 100, area: 10, created_at: '2021-02-01 00:00:00', status: 'ONLINE' },
    ]);
  });

  it('loads from a stream split at awkward places, with small batches', async () => {
    const text = `${HEADER}\r\n${uuid(1)},"A\r\nB",,1,1,2021-02-01 00:00:00,ONLINE\r\n${uuid(2)},C,,2,2,2021-02-02 00:00:00,ONLINE`;
    const bytes = Buffer.from(text);
    // One byte at a time: every boundary, including inside \r\n and quotes.
    const stream = Readable.from(
      (function* () {
        for (let i = 0; i < bytes.length; i++) yield bytes.subarray(i, i + 1);
      })(),
    );
    const summary = await loadCsv(db, stream, { batchSize: 1, sourceName: 'split' });
    expect(summary).toMatchObject({ rowsRead: 2, rowsLoaded: 2, rowsRejected: 0, rejectFile: null });
    expect((await allPostings(db)).map((r) => r.category)).toEqual(['A\r\nB', 'C']);
  });

  it('writes nothing on a dry run but still reports and writes rejects', async () => {
    const input = path.join(tdb.dir, 'every-reason.csv');
    fs.copyFileSync(path.join(FIXTURES, 'every-reason.csv'), input);
    const summary = await loadCsv(db, input, { dryRun: true });
    expect(summary).toMatchObject({ rowsRead: 18, rowsLoaded: 3, rowsRejected: 15, dryRun: true, runId: null });
    expect(await db.knex.schema.hasTable('postings')).toBe(false);
    // The header, 15 rejects, and the empty string after the last newline.
    expect(fs.readFileSync(`${input}.rejects.csv`, 'utf8').split('\n')).toHaveLength(17);
  });

  it('names a missing file', async () => {
    await expect(loadCsv(db, path.join(tdb.dir, 'nope.csv'))).rejects.toMatchObject({
      code: 'LOADER_FILE_NOT_FOUND',
      message: expect.stringContaining('nope.csv'),
    });
  });
});
