import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { loadCsv, type Database } from 'loader';
import { ENGINES, createTestDatabase, type TestDatabase } from 'tools/testing';

/**
 * loadCsv decodes and parses whatever the stream delivers in pieces of at
 * most 64 KiB (see PIECE_BYTES in load-csv.ts). A multi-byte character cut
 * by a piece boundary must come out whole, and the line numbers of rejects
 * must not notice the pieces.
 */

const PIECE = 64 * 1024;
const HEADER = 'uuid,category,zip_code,price,area,created_at,status\n';

function uuid(n: number): string {
  return `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
}

/** A file of ~300 KB whose byte at PIECE sits inside a 4-byte character. */
function fileCuttingACharacter(): { bytes: Buffer; rows: number; category: string } {
  const category = 'WOHNUNG_😀_MIETE';
  for (let pad = 0; pad < 60; pad++) {
    const lines = [HEADER, `${uuid(0)},${'X'.repeat(1 + (pad % 25))},${'1'.repeat(Math.floor(pad / 25))},1,1,2021-02-01 00:00:00,ONLINE\n`];
    let size = Buffer.byteLength(lines.join(''));
    let rows = 1;
    while (size < 300_000) {
      // Row r is on line r + 2; every 1000th row is bad (its price), to check reject lines.
      const line = `${uuid(rows)},${category},01067,${rows % 1000 === 0 ? 'abc' : rows},50,2021-02-01 00:00:00,ONLINE\n`;
      lines.push(line);
      size += Buffer.byteLength(line);
      rows++;
    }
    const bytes = Buffer.from(lines.join(''));
    const continuation = (b: number | undefined): boolean => b !== undefined && (b & 0xc0) === 0x80;
    if (continuation(bytes[PIECE])) return { bytes, rows, category };
  }
  throw new Error('no padding puts a piece boundary inside a character');
}

describe.each(ENGINES)('loadCsv reading a stream that delivers big chunks, on %s', (engine) => {
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

  it('keeps a character cut by a 64 KiB piece boundary whole, and reject lines exact', async () => {
    const { bytes, rows, category } = fileCuttingACharacter();
    const rejectFile = path.join(tdb.dir, 'rejects.csv');
    const summary = await loadCsv(db, Readable.from([bytes]), { sourceName: 'one-chunk', rejectFile });
    const bad = Math.floor((rows - 1) / 1000);
    expect(summary).toMatchObject({ rowsRead: rows, rowsRejected: bad, rowsLoaded: rows - bad, bytes: bytes.length });
    const categories = await db.knex('postings').whereNot('uuid', uuid(0)).distinct('category');
    expect(categories).toEqual([{ category }]);
    expect(summary.rejectedByReason.bad_price).toBe(bad);
    // Row r of the loop is on line r + 2 (header, then the padding row).
    const lines = fs
      .readFileSync(rejectFile, 'utf8')
      .trimEnd()
      .split('\n')
      .slice(1)
      .map((l) => l.split(',').slice(0, 2).join(','));
    expect(lines).toEqual(Array.from({ length: bad }, (_, i) => `${(i + 1) * 1000 + 2},bad_price`));
  });
});
