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
const MEAN_SUMS = `SUM(FLOOR(ppm2)) AS whole_sum,
         SUM(FLOOR((ppm2 - FLOOR(ppm2)) * 1e9)) AS nano_sum,
         SUM(FLOOR(((ppm2 - FLOOR(ppm2)) * 1e9 - FLOOR((ppm2 - FLOOR(ppm2)) * 1e9)) * 1e9)) AS atto_sum`;

const CATEGORY_TOTALS = `SUM(postings) OVER (PARTITION BY category) AS n,
         SUM(whole_sum) OVER (PARTITION BY category) AS whole_sum,
         SUM(nano_sum) OVER (PARTITION BY category) AS nano_sum,
         SUM(atto_sum) OVER (PARTITION BY category) AS atto_sum`;

const ANSWER_COLUMNS = `c.category,
       COALESCE(f.postings, 0) AS postings,
       (f.whole_sum + f.nano_sum / 1e9 + f.atto_sum / 1e18) / f.postings AS avg_price_per_m2,
       (f.median_low + f.median_high) / 2 AS median_price_per_m2`;

function avgPricePerM2Sql(d: Dialect): string {
  const band = bandOf('ppm2');
  return `
WITH usable AS (
  SELECT category, price / area AS ppm2
    FROM ${d.postingsScan}
   WHERE price > 0 AND area > 0
),
buckets AS (
  SELECT category, ${band} AS band, COUNT(*) AS postings,
         ${MEAN_SUMS}
    FROM usable
   GROUP BY category, ${band}
),
placed AS (
  SELECT category, band, postings,
         SUM(postings) OVER (PARTITION BY category ORDER BY band ROWS UNBOUNDED PRECEDING) - postings AS below,
         ${CATEGORY_TOTALS}
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
    JOIN middle m ON m.category = u.category AND m.band = ${bandOf('u.ppm2')}
),
figures AS (
  SELECT category, MAX(n) AS postings,
         MAX(whole_sum) AS whole_sum, MAX(nano_sum) AS nano_sum, MAX(atto_sum) AS atto_sum,
         MIN(ppm2) AS median_low, MAX(ppm2) AS median_high
    FROM candidates
   WHERE 2 * rn BETWEEN n AND n + 2
   GROUP BY category
)
SELECT ${ANSWER_COLUMNS}
  FROM (SELECT DISTINCT category FROM postings) c
  LEFT JOIN figures f ON f.category = c.category`;
}

/** A posting's band: 1/64 of an e-fold of price per m² (see `avgPricePerM2Sql`). */
function bandOf(ppm2: string): string {
  return `COALESCE(FLOOR(LN(${ppm2}) * 64), -1e9)`;
}

/**
 * Question 1 in one read of `postings`, given a guess of each category's
 * middle bands (see `guessMiddleBands`). The second pass of
 * `avgPricePerM2Sql` is a second full scan, and on MariaDB with a table
 * larger than the buffer pool each scan reads every page from disk again.
 * Here the single pass groups postings by band as before, except that in
 * the guessed bands of their category they are grouped by their exact price
 * per m² instead: those groups, in (band, value) order, carry each value's
 * rank, so when the middle ranks land in them the median is exact without
 * reading the table again. A category the sample did not see is grouped by
 * exact value throughout (it is rare). `unresolved` counts middle groups
 * that are whole bands: the guess missed, and the caller falls back to the
 * two-pass statement. The mean is summed exactly as there.
 */
function avgPricePerM2OneScanSql(d: Dialect, guesses: readonly MiddleBands[]): { sql: string; bindings: Knex.Value[] } {
  // No guesses: the sample found no usable posting, nor will the scan.
  const whens = guesses.map(() => 'WHEN ? THEN band BETWEEN ? AND ?').join(' ');
  const exact = guesses.length === 0 ? 'ppm2' : `CASE WHEN CASE category ${whens} ELSE 1 END THEN ppm2 END`;
  const bindings = guesses.flatMap((g): Knex.Value[] => [g.category, g.low, g.high]);
  const sql = `
WITH usable AS (
  SELECT category, price / area AS ppm2, ${bandOf('price / area')} AS band
    FROM ${d.postingsScan}
   WHERE price > 0 AND area > 0
),
buckets AS (
  SELECT category, band,
         ${exact} AS exact,
         COUNT(*) AS postings,
         ${MEAN_SUMS}
    FROM usable
   GROUP BY category, band, exact
),
placed AS (
  SELECT category, exact, postings,
         SUM(postings) OVER (PARTITION BY category ORDER BY band, exact ROWS UNBOUNDED PRECEDING) - postings AS below,
         ${CATEGORY_TOTALS}
    FROM buckets
),
figures AS (
  SELECT category, MAX(n) AS postings,
         MAX(whole_sum) AS whole_sum, MAX(nano_sum) AS nano_sum, MAX(atto_sum) AS atto_sum,
         MIN(exact) AS median_low, MAX(exact) AS median_high,
         COUNT(*) - COUNT(exact) AS unresolved
    FROM placed
   WHERE 2 * (below + postings) >= n AND 2 * (below + 1) <= n + 2
   GROUP BY category
)
SELECT ${ANSWER_COLUMNS},
       COALESCE(f.unresolved, 0) AS unresolved
  FROM (SELECT DISTINCT category FROM postings) c
  LEFT JOIN figures f ON f.category = c.category`;
  return { sql, bindings };
}

/** The bands of one category that the sample says hold its middle ranks. */
interface MiddleBands {
  category: string;
  low: number;
  high: number;
}

/**
 * Postings read for the guess: through the primary key, a few hundred pages
 * of a million-row table. UUIDs carry no meaning, so the first ones by uuid
 * are a fair sample; if they are not, the answer is still exact, only slower.
 */
export const MEDIAN_SAMPLE_ROWS = 20_000;
/**
 * Beyond this many categories the CASE per posting costs more than the
 * second scan it saves.
 */
const MAX_GUESSED_CATEGORIES = 64;
/**
 * Standard deviations of the sample's middle rank kept on each side. The
 * rank of the population median among m sampled values is binomial around
 * m/2 with deviation sqrt(m)/2, so 4 misses about once in 16,000 categories.
 */
const GUESS_DEVIATIONS = 4;

function sampleBandsSql(): string {
  return `
SELECT category, band, COUNT(*) AS postings
  FROM (SELECT category, ${bandOf('price / area')} AS band
          FROM postings
         WHERE price > 0 AND area > 0
         ORDER BY uuid
         LIMIT ?) s
 GROUP BY category, band`;
}

/**
 * Per category, the bands between the sample's ranks m/2 ± 4·sqrt(m)/2.
 * Null when there are too many categories for a one-scan statement.
 */
async function guessMiddleBands(knex: Knex, d: Dialect, sampleRows: number): Promise<MiddleBands[] | null> {
  const rows = await selectRows(knex, d, sampleBandsSql(), [sampleRows]);
  const bands = new Map<string, Array<{ band: number; postings: number }>>();
  for (const row of rows) {
    const category = toText(row.category, 'category');
    const list = bands.get(category) ?? [];
    list.push({ band: toNumber(row.band, 'band'), postings: toNumber(row.postings, 'postings') });
    bands.set(category, list);
  }
  if (bands.size > MAX_GUESSED_CATEGORIES) return null;
  const guesses: MiddleBands[] = [];
  for (const [category, list] of bands) {
    list.sort((a, b) => a.band - b.band);
    const m = list.reduce((sum, b) => sum + b.postings, 0);
    const spread = (GUESS_DEVIATIONS * Math.sqrt(m)) / 2;
    const lowRank = Math.max(1, Math.floor(m / 2 - spread));
    const highRank = Math.min(m, Math.ceil(m / 2 + 1 + spread));
    let seen = 0;
    let low: number | null = null;
    let high: number | null = null;
    for (const { band, postings } of list) {
      seen += postings;
      if (low === null && seen >= lowRank) low = band;
      if (high === null && seen >= highRank) high = band;
    }
    if (low !== null && high !== null) guesses.push({ category, low, high });
  }
  return guesses;
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

/**
 * Question 1: postings, mean and median price per m² per category. On
 * MariaDB/MySQL a sample of `sampleRows` postings guesses where each median
 * lies so that one read of the table usually suffices; the answer is the
 * same whatever the sample (tests shrink it to reach the fallback), and
 * `sampleRows: 0` reads the table twice without guessing (the benchmark's
 * reference).
 */
export async function avgPricePerM2(knex: Knex, options: { sampleRows?: number } = {}): Promise<CategoryPrice[]> {
  const dialect = dialectOf(knex);
  let rows: Array<Record<string, unknown>> | null = null;
  const sampleRows = options.sampleRows ?? MEDIAN_SAMPLE_ROWS;
  if (dialect.medianInOneScan && sampleRows > 0) {
    const guesses = await guessMiddleBands(knex, dialect, sampleRows);
    if (guesses !== null) {
      const { sql, bindings } = avgPricePerM2OneScanSql(dialect, guesses);
      rows = await selectRows(knex, dialect, sql, bindings);
      if (rows.some((row) => toNumber(row.unresolved, 'unresolved') > 0)) rows = null;
    }
  }
  rows ??= await selectRows(knex, dialect, avgPricePerM2Sql(dialect));
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
