import * as fs from 'node:fs';
import * as path from 'node:path';
import { runAll, ANSWER_FILES, AnswerFileKey } from 'analysis';
import { loadCsv } from 'loader';
import { MYSQL_URL, createTestDatabase } from 'tools/testing';

const SAMPLE = path.join(__dirname, '..', '..', '..', '..', 'data', 'postings_february.csv');

/**
 * The same file loaded into SQLite and into MySQL/MariaDB must give the same
 * six answer files, byte for byte: one contract, two engines.
 */
const maybe = MYSQL_URL ? describe : describe.skip;
if (!MYSQL_URL) console.warn('MYSQL_URL is not set: the SQLite-versus-MySQL answer comparison is skipped.');

maybe('answers on SQLite and MySQL', () => {
  it('are byte-identical for the bundled sample', async () => {
    const outputs: Record<string, Record<AnswerFileKey, string>> = {};
    for (const engine of ['sqlite', 'mysql'] as const) {
      const tdb = await createTestDatabase(engine);
      const db = await tdb.open();
      try {
        await loadCsv(db, SAMPLE, { rejectFile: null });
        const { files } = await runAll(db.knex, path.join(tdb.dir, 'out'));
        outputs[engine] = Object.fromEntries(Object.entries(files).map(([key, file]) => [key, fs.readFileSync(file, 'utf8')])) as Record<
          AnswerFileKey,
          string
        >;
      } finally {
        await db.close();
        await tdb.drop();
      }
    }
    for (const key of Object.keys(ANSWER_FILES) as AnswerFileKey[]) {
      expect(outputs.mysql[key]).toBe(outputs.sqlite[key]);
      expect(outputs.sqlite[key].split('\n').length).toBeGreaterThan(2);
    }
  });
});
