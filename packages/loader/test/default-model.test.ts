import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_MODEL_PATH, loadModel } from '@realxdeal/model/node';
import { runLoadCommand } from '../src/cli/load-command';
import { runTrainCommand } from '../src/cli/train-command';
import { createTestDatabase, fakeIo } from 'tools/testing';

const SAMPLE = path.join(__dirname, '..', '..', '..', 'data', 'postings_february.csv');

/**
 * The shipped model must be exactly what the README's two commands produce
 * from the bundled sample, apart from trained_at.
 */
describe('the default model artifact', () => {
  it('is reproduced byte for byte (except trained_at) by loading the sample and training with --robust', async () => {
    const shipped = loadModel(DEFAULT_MODEL_PATH);
    expect(shipped.training.robust).toBe(true);
    const tdb = await createTestDatabase('sqlite');
    try {
      const env = { INIT_CWD: tdb.dir, DATABASE_URL: tdb.url };
      expect(await runLoadCommand([SAMPLE, '--no-analysis', '--quiet', '--reject-file', 'rejects.csv'], fakeIo(env))).toBe(0);
      expect(await runTrainCommand(['--robust', '--out', 'model.json'], fakeIo(env))).toBe(0);
      const withoutTime = (text: string): string => text.replace(/"trained_at": "[^"]*"/, '"trained_at": ""');
      expect(withoutTime(fs.readFileSync(path.join(tdb.dir, 'model.json'), 'utf8'))).toBe(
        withoutTime(fs.readFileSync(DEFAULT_MODEL_PATH, 'utf8')),
      );
    } finally {
      await tdb.drop();
    }
  });
});
