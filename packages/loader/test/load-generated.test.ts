import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadCsv } from 'loader';
import { postingsStream, writePostingsFile, type GenerationManifest } from 'tools';
import { ENGINES, createTestDatabase } from 'tools/testing';

/**
 * The generator writes every bad value on purpose, so its manifest knows the
 * reject count per reason and the duplicates by construction: a load must
 * agree with it exactly.
 */
describe.each(ENGINES)('loading generated postings on %s', (engine) => {
  it('matches the manifest of a dirty file, and a reload replaces every row and inserts none', async () => {
    const tdb = await createTestDatabase(engine);
    const db = await tdb.open();
    try {
      const file = path.join(tdb.dir, 'generated.csv');
      const manifest: GenerationManifest = await writePostingsFile(file, { rows: 5000, seed: 7, dirty: true });
      const first = await loadCsv(db, file, { batchSize: 700 });
      expect(first.rowsRead).toBe(manifest.rows);
      expect(first.rejectedByReason).toEqual(manifest.expectedRejects);
      expect(first.rowsLoaded).toBe(manifest.expectedLoaded);
      expect(first.rowsReplaced).toBe(manifest.duplicateRows);
      expect(first.rowsRead).toBe(first.rowsLoaded + first.rowsRejected);
      const count = async (): Promise<number> => Number((await db.knex('postings').count({ n: '*' }))[0].n);
      expect(await count()).toBe(manifest.expectedDistinct);

      // The reject file has one line per rejected row, at the manifest's lines.
      const rejectLines = fs.readFileSync(`${file}.rejects.csv`, 'utf8');
      for (const [reason, lines] of Object.entries(manifest.rejectSamples)) {
        for (const line of lines) expect(rejectLines).toContain(`\n${line},${reason},`);
      }

      const checksum = async (): Promise<string> => JSON.stringify(await db.knex('postings').select('*').orderBy('uuid'));
      const before = await checksum();
      const second = await loadCsv(db, file, { batchSize: 3000 });
      expect(second.rowsReplaced).toBe(second.rowsLoaded);
      expect(await count()).toBe(manifest.expectedDistinct);
      expect(await checksum()).toBe(before);
    } finally {
      await db.close();
      await tdb.drop();
    }
  });

  it('loads a clean generated stream with no rejects', async () => {
    const tdb = await createTestDatabase(engine);
    const db = await tdb.open();
    try {
      const stream = postingsStream({ rows: 3000, seed: 11, dirty: false });
      const summary = await loadCsv(db, stream, { sourceName: 'generated' });
      expect(summary).toMatchObject({ rowsRead: 3000, rowsLoaded: 3000, rowsRejected: 0, rowsReplaced: 0 });
      expect(stream.manifest.expectedDistinct).toBe(3000);
    } finally {
      await db.close();
      await tdb.drop();
    }
  });
});
