import * as fs from 'node:fs';
import * as path from 'node:path';
import { ANSWER_FILES, answerAll, answerCsv, runAll, type AnswerFileKey } from 'analysis';
import { ENGINES, EMPTY_CSV, MARKET_CSV, MARKET_POSTINGS, seededDatabase, type SeededDatabase } from 'tools/testing';

const KEYS: AnswerFileKey[] = ['q1', 'q2', 'q3', 'q4', 'q5', 'weekday'];

describe.each(ENGINES)('the answer files on %s', (engine) => {
  describe('for the market fixture', () => {
    let seeded: SeededDatabase;
    beforeAll(async () => {
      seeded = await seededDatabase(engine, MARKET_POSTINGS);
    });
    afterAll(async () => {
      await seeded?.dispose();
    });

    it.each(KEYS)('writes %s exactly as worked out by hand', async (key) => {
      const answers = await answerAll(seeded.db.knex);
      expect(await answerCsv(key, answers)).toBe(MARKET_CSV[key]);
    });

    it('writes all six files into a new folder and returns their absolute paths', async () => {
      const outDir = path.join(seeded.tdb.dir, 'nested', 'answers');
      const { answers, files } = await runAll(seeded.db.knex, outDir);
      expect(answers.month).toBe('2024-02');
      for (const key of KEYS) {
        expect(files[key]).toBe(path.join(path.resolve(outDir), ANSWER_FILES[key]));
        expect(fs.readFileSync(files[key], 'utf8')).toBe(MARKET_CSV[key]);
      }
      // Only the six files: no temporary file is left behind.
      expect(fs.readdirSync(outDir).sort()).toEqual(Object.values(ANSWER_FILES).sort());
    });

    it('replaces the files of an earlier run', async () => {
      const outDir = path.join(seeded.tdb.dir, 'again');
      await runAll(seeded.db.knex, outDir, { month: '2024-04' });
      const { files } = await runAll(seeded.db.knex, outDir);
      expect(fs.readFileSync(files.q3, 'utf8')).toBe(MARKET_CSV.q3);
    });
  });

  describe('for an empty table', () => {
    let seeded: SeededDatabase;
    beforeAll(async () => {
      seeded = await seededDatabase(engine, []);
    });
    afterAll(async () => {
      await seeded?.dispose();
    });

    it('writes the headers alone', async () => {
      const { answers, files } = await runAll(seeded.db.knex, path.join(seeded.tdb.dir, 'out'));
      expect(answers.month).toBeNull();
      for (const key of KEYS) expect(fs.readFileSync(files[key], 'utf8')).toBe(EMPTY_CSV[key]);
    });
  });
});
