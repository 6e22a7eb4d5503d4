import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { trainingPairs } from 'analysis';
import { trainModel, ModelArtifact } from '@realxdeal/model';
import type { Database } from '../db/open-database';
import { migrate } from '../db/migrate';
import { LoaderError, LoaderErrorCode } from '../errors';
import type { CliIo } from './cli-io';
import { resolveUserPath } from './cli-paths';
import { parseCommandArgs, withDatabase } from './run-command';

export const TRAIN_USAGE = `usage: realxdeal-loader train [options]

Fits price from area on the loaded postings of one category (price > 0 and
area > 0), holds out a seeded 20% for the metrics, and writes the model.

  --database-url URL   as for start (default: DATABASE_URL, else sqlite:data/realxdeal.sqlite)
  --category NAME      category to train on (default APARTMENT_RENT)
  --degree N           polynomial degree, 0-10 (default 1)
  --robust             Huber-weighted fit, for listings with gross outliers
  --seed N             seed of the held-out split (default 42)
  --out PATH           where the model JSON goes (default output/model.json)
  -h, --help           this text
`;

export async function runTrainCommand(argv: string[], io: CliIo): Promise<number> {
  const parsed = parseCommandArgs(
    argv,
    {
      'database-url': { type: 'string' },
      category: { type: 'string', default: 'APARTMENT_RENT' },
      degree: { type: 'string', default: '1' },
      robust: { type: 'boolean', default: false },
      seed: { type: 'string', default: '42' },
      out: { type: 'string', default: path.join('output', 'model.json') },
    },
    TRAIN_USAGE,
    io,
  );
  if (parsed.exit !== undefined) return parsed.exit;
  const values = parsed.values;
  return withDatabase(io, values['database-url'], async (db) => {
    const degree = wholeNumber('--degree', values.degree);
    const seed = wholeNumber('--seed', values.seed);
    const out = resolveUserPath(values.out, io.env);
    await migrate(db);
    const { xs, ys } = await trainingPairs(db.knex, { category: values.category });
    if (xs.length === 0) {
      throw new LoaderError(
        LoaderErrorCode.BAD_OPTION,
        `no postings of category ${values.category} with price > 0 and area > 0 in ${db.description}; load data first or pick another --category`,
      );
    }
    const model = trainModel(xs, ys, {
      name: `${values.category.toLowerCase().replace(/_/g, '-')}-price`,
      degree,
      robust: values.robust,
      seed,
      source: await describeSource(db, values.category, xs, ys),
    });
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, `${JSON.stringify(model, null, 2)}\n`);
    io.stdout.write(formatModel(model, out));
  });
}

function wholeNumber(flag: string, value: string): number {
  if (!/^\d+$/.test(value)) throw new LoaderError(LoaderErrorCode.BAD_OPTION, `${flag} must be a whole number, got ${value}`);
  return Number(value);
}

/**
 * Names the data without machine-specific paths, so training the same load
 * anywhere gives the same artifact except `trained_at`; the checksum covers
 * the exact pairs fitted.
 */
async function describeSource(
  db: Database,
  category: string,
  xs: Float64Array,
  ys: Float64Array,
): Promise<ModelArtifact['training']['source']> {
  const hash = createHash('sha256');
  hash.update(Buffer.from(xs.buffer, xs.byteOffset, xs.byteLength));
  hash.update(Buffer.from(ys.buffer, ys.byteOffset, ys.byteLength));
  const lastLoad = await db
    .knex('load_runs')
    .where({ outcome: 'finished' })
    .orderBy('id', 'desc')
    .first<{ file_name: string; file_sha256: string | null } | undefined>('file_name', 'file_sha256');
  const loaded = lastLoad ? `; last load ${path.basename(lastLoad.file_name)} (sha256 ${lastLoad.file_sha256})` : '';
  return {
    description: `postings with price > 0 and area > 0${loaded}; sha256 is of the fitted (area, price) pairs as float64`,
    sha256: hash.digest('hex'),
    filter: { category, min_price_exclusive: 0, min_area_exclusive: 0 },
  };
}

function formatModel(model: ModelArtifact, out: string): string {
  const t = model.training;
  const terms = model.coefficients.map((c, i) => (i === 0 ? c.toFixed(4) : `${c.toFixed(6)}·x${i > 1 ? `^${i}` : ''}`)).join(' + ');
  return [
    `Trained ${model.name} ${model.version}: ${model.target.name} (${model.target.unit}) = ${terms}, x = ${model.feature.name} (${model.feature.unit})`,
    `  ${t.n} postings (${t.n_train} train, ${t.n_test} held out), x range ${t.x_min}-${t.x_max}`,
    `  held-out median absolute error ${t.median_absolute_error?.toFixed(2)}, ${((t.within_25_percent ?? 0) * 100).toFixed(1)}% within ±25% of the prediction`,
    `  held-out r2 ${t.r2.toFixed(4)}, RMSE ${t.rmse.toFixed(2)}, MAE ${t.mae.toFixed(2)}${t.robust ? ' (robust fit)' : ''}`,
    `  written to ${out}`,
    '',
  ].join('\n');
}
