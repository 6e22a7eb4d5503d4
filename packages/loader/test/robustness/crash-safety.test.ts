import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { setTimeout as sleep } from 'node:timers/promises';
import { CsvRecordSplitter, loadHistory, type Database } from 'loader';
import { writePostingsFile, type GenerationManifest } from 'tools';
import { ENGINES, createTestDatabase, type TestDatabase } from 'tools/testing';
import { buildLoader, startLoader, type Finished, type LoaderProcess } from './loader-process';
import { countPostings, postingsChecksum } from './table-checksum';

/**
 * Crash safety, end to end: a real loader process is SIGKILLed part-way
 * through a 300,000-row dirty file, then the same file is loaded again.
 * The contract promises the result is the table one clean load gives
 * (every write is an upsert on uuid, and a killed run loses at most its
 * open transaction), and load_runs keeps the killed run visible as one that
 * never finished.
 */

const ROWS = 300_000;
/**
 * Kill once the rows from this share of the file on are committed, which
 * puts at least KILL_AT of the distinct rows in the table. Rows become
 * visible only when a transaction commits, and both writers commit every
 * 250,000 rows today, so on this file the kill lands after the first commit
 * (~83 % of the rows) with the rest still to be written; smaller
 * transactions would move it earlier.
 */
const MARKER_AT = 0.45;
const KILL_AT = 0.4;

let dir: string;
let file: string;
let manifest: GenerationManifest;
let markers: string[];

beforeAll(async () => {
  await buildLoader();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rxd-crash-'));
  file = path.join(dir, 'postings.csv');
  // Dirty: BOM, CRLF, quoted newlines, duplicates and every reject reason.
  manifest = await writePostingsFile(file, { rows: ROWS, seed: 4242 });
  markers = await markerUuids(file, Math.floor(MARKER_AT * ROWS), 50);
  expect(markers.length).toBeGreaterThanOrEqual(40);
}, 240_000);

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function loadArgs(db: TestDatabase, tag: string): string[] {
  return [
    'start',
    file,
    '--database-url',
    db.url,
    '--no-analysis',
    '--quiet',
    '--reject-file',
    path.join(db.dir, `${tag}.rejects.csv`),
    '--summary-json',
    path.join(db.dir, `${tag}.summary.json`),
  ];
}

function describeRun(what: string, run: Finished): string {
  return `${what}: exit ${run.code} signal ${run.signal}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`;
}

/**
 * SIGKILLs the loader as soon as any of `markers` is committed. The writers
 * commit whole prefixes of the file's rows, so a visible marker means every
 * row before it is in, and the rest is still to come or in an open
 * transaction: the kill leaves a committed prefix and loses the open
 * transaction, the case a reload has to repair.
 *
 * Why markers and not COUNT(*): on InnoDB a count has to step over every
 * uncommitted row of the open LOAD DATA, which took seconds here (longer
 * than the last transaction lasts); a primary-key lookup of a few uuids is
 * cheap on both engines and sees only committed rows.
 */
async function killAfterCommit(loader: LoaderProcess, observer: Database, markers: string[]): Promise<void> {
  let exited: Finished | null = null;
  void loader.done.then((f) => (exited = f));
  for (;;) {
    if (exited !== null) {
      throw new Error(
        `${describeRun('the loader finished before it could be killed', exited)}\n` +
          '(no marker row was seen committed before the end: does the writer commit before it finishes?)',
      );
    }
    const visible = await observer
      .knex('postings')
      .whereIn('uuid', markers)
      .count({ n: '*' })
      .then((rows) => Number((rows[0] as { n: number | string }).n))
      .catch(() => 0); // no table yet
    if (visible > 0) break;
    await sleep(20);
  }
  loader.child.kill('SIGKILL');
  const end = await loader.done;
  if (end.signal !== 'SIGKILL') throw new Error(describeRun('the loader finished before the kill landed', end));
}

const CANONICAL_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Up to `count` uuids of the rows from data row `from` on that occur exactly
 * once in the file (so no earlier row can make them visible), as stored.
 */
async function markerUuids(csv: string, from: number, count: number): Promise<string[]> {
  const seen = new Map<string, number>();
  const candidates: string[] = [];
  let index = -1; // the header
  const reader = new CsvRecordSplitter({
    unreadable() {}, // generated files hold no over-long or badly encoded record
    record(fields) {
      const uuid = (fields[0] ?? '').toLowerCase();
      if (index >= 0) seen.set(uuid, (seen.get(uuid) ?? 0) + 1);
      if (index >= from && candidates.length < count * 4 && fields.length === 7 && CANONICAL_UUID.test(uuid)) candidates.push(uuid);
      index++;
    },
  });
  const decoder = new StringDecoder('utf8');
  for await (const chunk of fs.createReadStream(csv)) reader.push(decoder.write(chunk as Buffer));
  reader.push(decoder.end());
  reader.end();
  return candidates.filter((uuid) => seen.get(uuid) === 1).slice(0, count);
}

interface LoadRunRow {
  id: number;
  outcome: string;
  finished_at: string | null;
  rows_read: number | null;
  rows_loaded: number | null;
  rows_rejected: number | null;
}

async function loadRuns(db: Database): Promise<LoadRunRow[]> {
  const rows = (await db
    .knex('load_runs')
    .select('id', 'outcome', 'finished_at', 'rows_read', 'rows_loaded', 'rows_rejected')
    .orderBy('id')) as LoadRunRow[];
  return rows.map((r) => ({ ...r, rows_read: r.rows_read === null ? null : Number(r.rows_read) }));
}

describe.each(ENGINES)('a load SIGKILLed part-way, on %s', (engine) => {
  let crashed: TestDatabase;
  let clean: TestDatabase;
  let observer: Database | null = null;
  let cleanObserver: Database | null = null;
  const running: LoaderProcess[] = [];

  beforeEach(async () => {
    crashed = await createTestDatabase(engine);
    clean = await createTestDatabase(engine);
    // Opened before any loader starts, so the SQLite file exists (in WAL
    // mode) before two processes could race to create it.
    observer = await crashed.open();
    cleanObserver = await clean.open();
  });

  afterEach(async () => {
    for (const p of running.splice(0)) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await observer?.close();
    await cleanObserver?.close();
    await crashed.drop();
    await clean.drop();
  });

  it('is repaired by loading the file again: the table equals one clean load; load_runs shows the killed run interrupted', async () => {
    const rejected = Object.values(manifest.expectedRejects).reduce((a, b) => a + b, 0);
    const threshold = Math.ceil(KILL_AT * manifest.expectedDistinct);

    // The reference, a single load into a fresh database, runs alongside.
    const reference = startLoader(loadArgs(clean, 'reference'));
    running.push(reference);

    const killed = startLoader(loadArgs(crashed, 'killed'));
    running.push(killed);
    await killAfterCommit(killed, observer!, markers);

    // What survived is whole transactions: at least the threshold, never the whole file.
    const committed = await countPostings(observer!);
    expect(committed).toBeGreaterThanOrEqual(threshold);
    expect(committed).toBeLessThan(manifest.expectedDistinct);
    expect(await loadRuns(observer!)).toEqual([expect.objectContaining({ outcome: 'running', finished_at: null })]);
    // Still `running` in the table, but its process is gone: the history says so at once.
    const [shown] = await loadHistory(observer!.knex);
    expect(shown).toMatchObject({
      outcome: 'interrupted',
      message: `the loader process (pid ${killed.child.pid} on ${os.hostname()}) stopped before the load finished`,
      finishedAt: null,
      seconds: null,
      rowsRead: null,
    });

    const again = startLoader(loadArgs(crashed, 'again'));
    running.push(again);
    const second = await again.done;
    if (second.code !== 0) throw new Error(describeRun('the second load failed', second));
    const first = await reference.done;
    if (first.code !== 0) throw new Error(describeRun('the reference load failed', first));

    const [repaired, expected] = await Promise.all([postingsChecksum(observer!), postingsChecksum(cleanObserver!)]);
    expect(expected.rows).toBe(manifest.expectedDistinct);
    expect(repaired).toEqual(expected);

    const runs = await loadRuns(observer!);
    // The next load on this host marks the killed run for good.
    expect(runs).toEqual([
      expect.objectContaining({ outcome: 'interrupted', finished_at: null, rows_read: null }),
      expect.objectContaining({ outcome: 'finished', finished_at: expect.any(String), rows_read: ROWS }),
    ]);
    expect(runs[0].id).toBeLessThan(runs[1].id);

    // The second load's own account: every committed row of the killed run
    // comes back as "replaced", on top of the file's own duplicates.
    const summary = JSON.parse(fs.readFileSync(path.join(crashed.dir, 'again.summary.json'), 'utf8')) as Record<string, number>;
    expect(summary).toMatchObject({
      rowsRead: ROWS,
      rowsLoaded: manifest.expectedLoaded,
      rowsRejected: rejected,
      rowsReplaced: manifest.duplicateRows + committed,
    });
    // Rejects are a function of the file alone.
    expect(fs.readFileSync(path.join(crashed.dir, 'again.rejects.csv'), 'utf8')).toBe(
      fs.readFileSync(path.join(clean.dir, 'reference.rejects.csv'), 'utf8'),
    );
  }, 180_000);
});
