import type { Knex } from 'knex';
import { toNumber } from './dialect';
import type { TrainingPairsOptions } from './types';

/**
 * Area → price pairs for fitting the price model: the postings question 1
 * counts as usable (price > 0 and area > 0), optionally one category (exact
 * match). Ordered by uuid, which is lower-case hex and so sorts the same on
 * every collation: the same table gives the same arrays on both engines.
 */
export async function trainingPairs(knex: Knex, options: TrainingPairsOptions = {}): Promise<{ xs: Float64Array; ys: Float64Array }> {
  const query = knex('postings').select('area', 'price').where('price', '>', 0).andWhere('area', '>', 0).orderBy('uuid');
  if (options.category !== undefined) query.andWhere('category', options.category);
  const rows = (await query) as Array<{ area: unknown; price: unknown }>;
  const xs = new Float64Array(rows.length);
  const ys = new Float64Array(rows.length);
  rows.forEach((row, i) => {
    xs[i] = toNumber(row.area, 'area');
    ys[i] = toNumber(row.price, 'price');
  });
  return { xs, ys };
}
