import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { loadCsv, type Database } from 'loader';
import { ENGINES, createTestDatabase, type TestDatabase } from 'tools/testing';

/**
 * The loader's bounds (shared/spec/postings.md, "Bad rows"): the
 * record-length limit, so an opening quote that never closes costs one row,
 * and `bad_encoding`, checked before every other reason. Expected values
 * are worked out by hand from the contract.
 */

const HEADER = 'uuid,category,zip_code,price,area,created_at,status';

function uuid(n: number): string {
  return `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
}

function row(n: number, category = 'HOUSE_BUY'): string {
  return `${uuid(n)},${category},01067,850,70.5,2021-02-01 10:00:00,ONLINE`;
}

async function storedUuids(db: Database): Promise<string[]> {
  return (await db.knex('postings').select('uuid').orderBy('uuid')).map((r: { uuid: string }) => r.uuid);
}

describe.each(ENGINES)('loader bounds on %s', (engine) => {
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

  it('an unclosed quote at line 10 of a 300,000-row file costs that one row', async () => {
    const input = path.join(tdb.dir, 'unclosed.csv');
    const unclosed = `${uuid(9)},"HOUSE_BUY,01067,850,70.5,2021-02-01 10:00:00,ONLINE`;
    const fd = fs.openSync(input, 'w');
    try {
      fs.writeSync(fd, `${HEADER}\n`);
      const lines: string[] = [];
      // Data row n is on line n + 1: row 9 is line 10.
      for (let n = 1; n <= 300_000; n++) {
        lines.push(n === 9 ? unclosed : row(n));
        if (lines.length === 10_000) {
          fs.writeSync(fd, `${lines.join('\n')}\n`);
          lines.length = 0;
        }
      }
    } finally {
      fs.closeSync(fd);
    }

    const summary = await loadCsv(db, input);
    expect(summary).toMatchObject({ rowsRead: 300_000, rowsLoaded: 299_999, rowsRejected: 1 });
    expect(summary.rejectedByReason.column_count).toBe(1);
    expect(fs.readFileSync(`${input}.rejects.csv`, 'utf8')).toBe(`line,reason,raw\n10,column_count,"${unclosed.replace(/"/g, '""')}"\n`);
    const [{ n }] = await db.knex('postings').count({ n: '*' });
    expect(Number(n)).toBe(299_999);
    expect(
      await db
        .knex('postings')
        .where({ uuid: uuid(9) })
        .first(),
    ).toBeUndefined();
    expect(
      await db
        .knex('postings')
        .where({ uuid: uuid(10) })
        .first(),
    ).toMatchObject({ category: 'HOUSE_BUY' });
  });

  it('loads a record of exactly the limit and rejects one a byte longer, counting bytes without the line ending', async () => {
    // é is 2 bytes: the limit counts bytes, not characters.
    const exact = row(1, 'HÉUSE');
    const limit = Buffer.byteLength(exact);
    const over = row(2, 'HÉUSEX');
    expect(Buffer.byteLength(over)).toBe(limit + 1);
    const input = path.join(tdb.dir, 'limit.csv');
    fs.writeFileSync(input, `${HEADER}\r\n${exact}\r\n${over}\r\n${row(3, 'HOUSE')}\r\n`);

    const summary = await loadCsv(db, input, { maxRecordBytes: limit });
    expect(summary).toMatchObject({ rowsRead: 3, rowsLoaded: 2, rowsRejected: 1 });
    expect(summary.rejectedByReason.column_count).toBe(1);
    expect(await storedUuids(db)).toEqual([uuid(1), uuid(3)]);
    // A line longer than the limit is reported cut to the limit, at a character boundary.
    const raw = over.slice(0, -1);
    expect(fs.readFileSync(`${input}.rejects.csv`, 'utf8')).toBe(`line,reason,raw\n3,column_count,"${raw}"\n`);
  });

  it('rejects invalid UTF-8 as bad_encoding before any other reason, U+FFFD per bad byte, whatever the chunking', async () => {
    const bytes = Buffer.concat([
      Buffer.from(`\uFEFF${HEADER}\n`),
      Buffer.from(`${row(1, 'MAISON_À_VENDRE')}\n`), // valid: multi-byte characters
      Buffer.from(`${row(2, 'GENUINE_\uFFFD')}\n`), // valid: U+FFFD written as its UTF-8 bytes
      Buffer.from(`${uuid(3)},HOUSE`),
      Buffer.from([0xff]),
      Buffer.from(`,01067,850,70.5,2021-02-01 10:00:00,ONLINE\n`),
      // Also a bad uuid, 6 fields and a bad price: bad_encoding still comes first.
      Buffer.from('not-a-uuid,'),
      Buffer.from([0xed, 0xa0, 0x80]),
      Buffer.from(',01067,-5,70.5\n'),
      // An overlong encoding of "/" inside a quoted, two-line record: the whole record.
      Buffer.from(`${uuid(5)},"TWO\nLINES`),
      Buffer.from([0xc0, 0xaf]),
      Buffer.from(`",01067,850,70.5,2021-02-01 10:00:00,ONLINE\n`),
      Buffer.from(`${row(6)}\n`),
      // A character cut off by the end of the file.
      Buffer.from(`${row(7)}`),
      Buffer.from([0xe2, 0x82]),
    ]);
    const expectedRejects =
      'line,reason,raw\n' +
      `4,bad_encoding,"${uuid(3)},HOUSE\uFFFD,01067,850,70.5,2021-02-01 10:00:00,ONLINE"\n` +
      '5,bad_encoding,"not-a-uuid,\uFFFD\uFFFD\uFFFD,01067,-5,70.5"\n' +
      `6,bad_encoding,"${uuid(5)},""TWO\nLINES\uFFFD\uFFFD"",01067,850,70.5,2021-02-01 10:00:00,ONLINE"\n` +
      `9,bad_encoding,"${row(7)}\uFFFD\uFFFD"\n`;

    const input = path.join(tdb.dir, 'encoding.csv');
    fs.writeFileSync(input, bytes);
    const summary = await loadCsv(db, input);
    expect(summary).toMatchObject({ rowsRead: 7, rowsLoaded: 3, rowsRejected: 4 });
    expect(summary.rejectedByReason).toMatchObject({ bad_encoding: 4, column_count: 0, bad_uuid: 0 });
    expect(fs.readFileSync(`${input}.rejects.csv`, 'utf8')).toBe(expectedRejects);
    const stored = await db.knex('postings').select('uuid', 'category').orderBy('uuid');
    expect(stored).toEqual([
      { uuid: uuid(1), category: 'MAISON_À_VENDRE' },
      { uuid: uuid(2), category: 'GENUINE_\uFFFD' },
      { uuid: uuid(6), category: 'HOUSE_BUY' },
    ]);

    // The same bytes one at a time: a bad or multi-byte character split across reads changes nothing.
    const again = await createTestDatabase(engine);
    const db2 = await again.open();
    try {
      const rejectFile = path.join(again.dir, 'rejects.csv');
      const stream = Readable.from(
        (function* () {
          for (let i = 0; i < bytes.length; i++) yield bytes.subarray(i, i + 1);
        })(),
      );
      const split = await loadCsv(db2, stream, { rejectFile, sourceName: 'split' });
      expect(split).toMatchObject({ rowsRead: 7, rowsLoaded: 3, rowsRejected: 4 });
      expect(fs.readFileSync(rejectFile, 'utf8')).toBe(expectedRejects);
      expect(await storedUuids(db2)).toEqual([uuid(1), uuid(2), uuid(6)]);
    } finally {
      await db2.close();
      await again.drop();
    }
  });

  it('refuses a header that is not valid UTF-8, writing nothing', async () => {
    const input = path.join(tdb.dir, 'bad-header.csv');
    fs.writeFileSync(
      input,
      Buffer.concat([
        Buffer.from('uuid,categ'),
        Buffer.from([0xff]),
        Buffer.from(`ory,zip_code,price,area,created_at,status\n${row(1)}\n`),
      ]),
    );
    await expect(loadCsv(db, input)).rejects.toMatchObject({
      code: 'LOADER_BAD_HEADER',
      message: expect.stringContaining('line 1) is not valid UTF-8'),
    });
    expect(fs.existsSync(`${input}.rejects.csv`)).toBe(false);
    expect(await db.knex.schema.hasTable('postings')).toBe(false);
  });

  it('refuses a record-length limit that is not a positive whole number', async () => {
    const input = path.join(tdb.dir, 'x.csv');
    fs.writeFileSync(input, `${HEADER}\n`);
    await expect(loadCsv(db, input, { maxRecordBytes: 0 })).rejects.toMatchObject({
      code: 'LOADER_BAD_OPTION',
      message: expect.stringContaining('got 0'),
    });
  });
});
