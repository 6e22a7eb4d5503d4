import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadCsv, upsertSyntaxFor, LoaderError, type Database, type LoadSummary } from 'loader';
import { writePostingsFile } from 'tools';
import { ENGINES, createTestDatabase, fakeIo, type TestDatabase } from 'tools/testing';
import { postingsChecksum } from './robustness/table-checksum';
import { runLoadCommand } from '../src/cli/load-command';

const HEADER = 'uuid,category,zip_code,price,area,created_at,status';

/**
 * Text an INSERT statement must carry unchanged: quotes, backslashes (which
 * LOAD DATA escapes differently), a NUL, non-ASCII, tiny and huge numbers;
 * and a uuid given twice with different values, so the second replaces the
 * first with a real change.
 */
const AWKWARD = [
  HEADER,
  `aaaaaaaa-0000-4000-8000-000000000001,O'BRIEN_FLAT,"01'067",1e-7,1e21,2021-02-01 00:00:00,ONLINE`,
  `aaaaaaaa-0000-4000-8000-000000000002,BACK\\SLASH,\\N,0.1,123456789.123,2021-02-02T10:00:00+01:00,"a,""b"""`,
  `aaaaaaaa-0000-4000-8000-000000000003,MÜNCHEN_WOHNUNG,80331,850,45.5,2021-02-03 12:34:56,online`,
  `aaaaaaaa-0000-4000-8000-000000000005,MÜNCHEN_WOHNUNG,80331,850,45.5,2021-02-03 12:34:56,online`,
  `aaaaaaaa-0000-4000-8000-000000000004,NUL\u0000BYTE,,,,2021-02-04 00:00:00,😀`,
  `AAAAAAAA-0000-4000-8000-000000000003,HOUSE_BUY,,+5,.5,2021-02-05 00:00:00,OFFLINE`,
  '',
].join('\n');

/** What two loads of the same file must agree on, whichever path ran. */
function comparable(summary: LoadSummary): Partial<LoadSummary> {
  const { rowsRead, rowsLoaded, rowsReplaced, rowsRejected, rejectedByReason, bytes, sha256 } = summary;
  return { rowsRead, rowsLoaded, rowsReplaced, rowsRejected, rejectedByReason, bytes, sha256 };
}

describe('upsert syntax by server version', () => {
  it.each([
    ['10.11.19-MariaDB-0+deb12u1', 'values-function'],
    ['5.5.5-10.6.12-MariaDB', 'values-function'],
    ['8.0.19', 'values-function'],
    ['8.0.20', 'row-alias'],
    ['8.4.3', 'row-alias'],
    ['9.1.0', 'row-alias'],
    ['5.7.44-log', 'values-function'],
    ['not a version', 'values-function'],
  ])('%s takes %s', (version, syntax) => {
    expect(upsertSyntaxFor(version)).toBe(syntax);
  });
});

describe.each(ENGINES)('--write-path on %s', (engine) => {
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

  if (engine === 'sqlite') {
    it('reports the insert path, and refuses load-data by name', async () => {
      const file = path.join(tdb.dir, 'awkward.csv');
      fs.writeFileSync(file, AWKWARD);
      const summary = await loadCsv(db, file);
      expect(summary.writePath).toBe('insert');
      await expect(loadCsv(db, file, { writePath: 'load-data' })).rejects.toThrow(LoaderError);
      await expect(loadCsv(db, file, { writePath: 'load-data' })).rejects.toThrow(/load-data needs MySQL or MariaDB/);
    });
    return;
  }

  it('takes LOAD DATA by default where the server allows LOCAL INFILE', async () => {
    const file = path.join(tdb.dir, 'awkward.csv');
    fs.writeFileSync(file, AWKWARD);
    const [[row]] = (await db.knex.raw('SELECT @@local_infile AS v')) as [Array<{ v: number }>];
    const summary = await loadCsv(db, file);
    expect(summary.writePath).toBe(Number(row.v) === 1 ? 'load-data' : 'insert');
  });

  it('loads the same table as load-data, byte for byte, with the same rejects, replacements and reloads', async () => {
    // 40,000 rows are ~4 MB of statements: several INSERTs and more than one
    // in flight, with every kind of bad row the generator writes.
    const generated = path.join(tdb.dir, 'generated.csv');
    await writePostingsFile(generated, { rows: 40_000, seed: 12, dirty: true });
    const awkward = path.join(tdb.dir, 'awkward.csv');
    fs.writeFileSync(awkward, AWKWARD);

    const other = await createTestDatabase(engine);
    const otherDb = await other.open();
    try {
      const byPath = { 'load-data': db, insert: otherDb } as const;
      const loads: Record<string, LoadSummary> = {};
      for (const [writePath, target] of Object.entries(byPath)) {
        for (const [name, file] of [
          ['generated', generated],
          ['awkward', awkward],
          ['generated again', generated],
        ]) {
          const summary = await loadCsv(target, file, {
            writePath: writePath as 'load-data' | 'insert',
            rejectFile: `${file}.${writePath}.rejects.csv`,
          });
          expect(summary.writePath).toBe(writePath);
          loads[`${writePath} ${name}`] = summary;
        }
      }
      for (const name of ['generated', 'awkward', 'generated again']) {
        expect(comparable(loads[`insert ${name}`])).toEqual(comparable(loads[`load-data ${name}`]));
      }
      // Hand-counted: the awkward file repeats one uuid (in upper case);
      // a reload replaces every loaded row.
      expect(loads['insert awkward'].rowsReplaced).toBe(1);
      expect(loads['insert generated again'].rowsReplaced).toBe(loads['insert generated again'].rowsLoaded);
      for (const file of [generated, awkward]) {
        expect(fs.readFileSync(`${file}.insert.rejects.csv`)).toEqual(fs.readFileSync(`${file}.load-data.rejects.csv`));
      }

      const viaLoadData = await postingsChecksum(db);
      const viaInsert = await postingsChecksum(otherDb);
      expect(viaInsert).toEqual(viaLoadData);

      // The awkward values arrived as written (the contract's trimming and
      // uuid folding aside), not as each path's escaping would alter them.
      const stored = await otherDb
        .knex('postings')
        .where('uuid', '>=', 'aaaaaaaa-')
        .andWhere('uuid', '<', 'aaaaaaab')
        .orderBy('uuid')
        .select('*');
      expect(stored).toEqual([
        {
          uuid: 'aaaaaaaa-0000-4000-8000-000000000001',
          category: "O'BRIEN_FLAT",
          zip_code: "01'067",
          price: 1e-7,
          area: 1e21,
          created_at: '2021-02-01 00:00:00',
          status: 'ONLINE',
        },
        {
          uuid: 'aaaaaaaa-0000-4000-8000-000000000002',
          category: 'BACK\\SLASH',
          zip_code: '\\N',
          price: 0.1,
          area: 123456789.123,
          created_at: '2021-02-02 09:00:00',
          status: 'a,"b"',
        },
        {
          uuid: 'aaaaaaaa-0000-4000-8000-000000000003',
          category: 'HOUSE_BUY',
          zip_code: null,
          price: 5,
          area: 0.5,
          created_at: '2021-02-05 00:00:00',
          status: 'OFFLINE',
        },
        {
          uuid: 'aaaaaaaa-0000-4000-8000-000000000004',
          category: 'NUL\u0000BYTE',
          zip_code: null,
          price: null,
          area: null,
          created_at: '2021-02-04 00:00:00',
          status: '😀',
        },
        {
          uuid: 'aaaaaaaa-0000-4000-8000-000000000005',
          category: 'MÜNCHEN_WOHNUNG',
          zip_code: '80331',
          price: 850,
          area: 45.5,
          created_at: '2021-02-03 12:34:56',
          status: 'online',
        },
      ]);
    } finally {
      await otherDb.close();
      await other.drop();
    }
  });
});

describe('realxdeal-loader start --write-path', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rxd-write-path-'));
    fs.writeFileSync(path.join(dir, 'a.csv'), AWKWARD);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('refuses an unknown path by name before touching the database, exit 1', async () => {
    const io = fakeIo({ INIT_CWD: dir, DATABASE_URL: `sqlite:${path.join(dir, 'db.sqlite')}` });
    expect(await runLoadCommand(['a.csv', '--write-path', 'bulk'], io)).toBe(1);
    expect(io.err()).toContain('--write-path must be one of auto, load-data, insert, got bulk');
    expect(fs.existsSync(path.join(dir, 'db.sqlite'))).toBe(false);
  });

  it('says in the summary, text and JSON, which path ran', async () => {
    const io = fakeIo({ INIT_CWD: dir, DATABASE_URL: `sqlite:${path.join(dir, 'db.sqlite')}` });
    expect(await runLoadCommand(['a.csv', '--write-path', 'insert', '--summary-json', 's.json', '--quiet', '--no-analysis'], io)).toBe(0);
    expect(io.out()).toMatch(/^Loaded a\.csv into .* via insert\n/);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 's.json'), 'utf8'))).toMatchObject({ writePath: 'insert', rowsLoaded: 6 });
  });
});
