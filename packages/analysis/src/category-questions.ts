import type { Knex } from 'knex';
import { compareText, Dialect, dialectOf, selectRows, toNullableNumber, toNumber, toText } from './dialect';
import type { CategoryOnline, CategoryPrice } from './types';

/**
 * Question 1 over the whole table, in one statement.
 *
 * Median. Numbering every usable posting with ROW_NUMBER() makes MariaDB
 * and SQLite sort and materialise the whole table (seconds at a million
 * rows), so the window runs over the few rows near the middle only:
 * - `buckets`: one pass groups the postings into narrow bands of price per
 *   m² (1/64 of an e-fold, about 1.6% wide) per category. LN is monotonic,
 *   so bands are ordered like the values they hold.
 * - `placed`: running sums over the bands give each band's first rank.
 * - `middle`: the band(s) holding the middle rank(s), i.e. the ranks r with
 *   n <= 2r <= n + 2 (one for odd n, two for even n). This is written
 *   without integer division, which `/` is on SQLite but not on MySQL.
 * - `candidates`: a second pass keeps only the postings in those bands and
 *   numbers them; adding the first band's start gives their rank in the
 *   whole category (the middle bands are adjacent in rank, so nothing lies
 *   between them).
 * The middle rows' MIN and MAX are the same row for odd n, so
 * (low + high) / 2 is the median either way. A band is computed by the
 * same expression in both passes of the same engine, so the two agree;
 * COALESCE keeps a price per m² that underflows to 0 (LN NULL) in the
 * lowest band instead of losing it in the join.
 *
 * Mean. SUM over doubles depends on the order of the additions (and SQLite
 * compensates rounding where MySQL does not), which could flip the 6th
 * decimal of the answer files between engines. So each price/area v is
 * split into integers that sum exactly in any order: its whole part, then
 * its fraction in units of 1e-9, then the rest in units of 1e-18 (each
 * truncated; every sum stays far below 2^53 for millions of rows). The
 * recombination is the same IEEE operations in the same order on both
 * engines, and is within 1e-16 of each posting's double.
 */
function avgPricePerM2Sql(d: Dialect): string {
  const band = 'COALESCE(FLOOR(LN(ppm2) * 64), -1e9)';
  return `
WITH usable AS (
  SELECT category, price / area AS ppm2
    FROM ${d.postingsScan}
   WHERE price > 0 AND area > 0
),
buckets AS (
  SELECT category, ${band} AS band, COUNT(*) AS postings,
         SUM(FLOOR(ppm2)) AS whole_sum,
         SUM(FLOOR((ppm2 - FLOOR(ppm2)) * 1e9)) AS nano_sum,
         SUM(FLOOR(((ppm2 - FLOOR(ppm2)) * 1e9 - FLOOR((ppm2 - FLOOR(ppm2)) * 1e9)) * 1e9)) AS atto_sum
    FROM usable
   GROUP BY category, ${band}
),
placed AS (
  SELECT category, band, postings,
         SUM(postings) OVER (PARTITION BY category ORDER BY band ROWS UNBOUNDED PRECEDING) - postings AS below,
         SUM(postings) OVER (PARTITION BY category) AS n,
         SUM(whole_sum) OVER (PARTITION BY category) AS whole_sum,
         SUM(nano_sum) OVER (PARTITION BY category) AS nano_sum,
         SUM(atto_sum) OVER (PARTITION BY category) AS atto_sum
    FROM buckets
),
middle AS (
  SELECT category, band, n, whole_sum, nano_sum, atto_sum,
         MIN(below) OVER (PARTITION BY category) AS start
    FROM placed
   WHERE 2 * (below + postings) >= n AND 2 * (below + 1) <= n + 2
),
candidates AS (
  SELECT u.category, u.ppm2, m.n, m.whole_sum, m.nano_sum, m.atto_sum,
         m.start + ROW_NUMBER() OVER (PARTITION BY u.category ORDER BY u.ppm2) AS rn
    FROM usable u
    JOIN middle m ON m.category = u.category AND m.band = ${band.replace('ppm2', 'u.ppm2')}
),
figures AS (
  SELECT category, MAX(n) AS postings,
         MAX(whole_sum) AS whole_sum, MAX(nano_sum) AS nano_sum, MAX(atto_sum) AS atto_sum,
         MIN(ppm2) AS median_low, MAX(ppm2) AS median_high
    FROM candidates
   WHERE 2 * rn BETWEEN n AND n + 2
   GROUP BY category
)
SELECT c.category,
       COALESCE(f.postings, 0) AS postings,
       (f.whole_sum + f.nano_sum / 1e9 + f.atto_sum / 1e18) / f.postings AS avg_price_per_m2,
       (f.median_low + f.median_high) / 2 AS median_price_per_m2
  FROM (SELECT DISTINCT category FROM postings) c
  LEFT JOIN figures f ON f.category = c.category`;
}

/**
 * Question 2: a count per category through the (category, status) index,
 * so only the ONLINE entries are read; every category appears, 0 if none.
 * Status compares exactly (binary collation): `online` is not `ONLINE`.
 */
const ONLINE_PER_CATEGORY_SQL = `
SELECT c.category,
       (SELECT COUNT(*) FROM postings p
         WHERE p.category = c.category AND p.status = ?) AS online_postings
  FROM (SELECT DISTINCT category FROM postings) c`;

export const ONLINE_STATUS = 'ONLINE';

export async function avgPricePerM2(knex: Knex): Promise<CategoryPrice[]> {
  const dialect = dialectOf(knex);
  const rows = await selectRows(knex, dialect, avgPricePerM2Sql(dialect));
  return rows
    .map((row) => ({
      category: toText(row.category, 'category'),
      postings: toNumber(row.postings, 'postings'),
      avg_price_per_m2: toNullableNumber(row.avg_price_per_m2, 'avg_price_per_m2'),
      median_price_per_m2: toNullableNumber(row.median_price_per_m2, 'median_price_per_m2'),
    }))
    .sort((a, b) => compareText(a.category, b.category));
}

export async function onlinePerCategory(knex: Knex): Promise<CategoryOnline[]> {
  const dialect = dialectOf(knex);
  const rows = await selectRows(knex, dialect, ONLINE_PER_CATEGORY_SQL, [ONLINE_STATUS]);
  return rows
    .map((row) => ({
      category: toText(row.category, 'category'),
      online_postings: toNumber(row.online_postings, 'online_postings'),
    }))
    .sort((a, b) => compareText(a.category, b.category));
}
