/**
 * The table the analysis benchmarks measure: the seeded generator's month
 * (weekday seasonality, an outage day and its backfill, realistic categories
 * and prices), clean so every row lands, loaded the way the CLI loads it.
 */
import { loadCsv, type Database } from 'loader';
import { postingsStream } from '../generator/generate-postings';

export const GENERATED_MONTH = '2021-02';
const SEED = 20210201;

export async function fillGenerated(db: Database, rows: number): Promise<void> {
  await loadCsv(db, postingsStream({ rows, seed: SEED, month: GENERATED_MONTH, dirty: false }), {
    rejectFile: null,
    sourceName: 'generated.csv',
  });
  // Fresh statistics, as a table that has been in use would have.
  await db.knex.raw(db.dialect === 'sqlite' ? 'ANALYZE' : 'ANALYZE TABLE postings');
}

function rowsOf(result: unknown, mysql: boolean): Array<Record<string, unknown>> {
  const rows: unknown = mysql && Array.isArray(result) ? result[0] : result;
  return Array.isArray(rows) ? (rows as Array<Record<string, unknown>>) : [];
}

/** Context for timings: how the table compares with the engine's cache. */
export async function tableSizeNote(db: Database): Promise<string> {
  const mib = (bytes: unknown): string => `${Math.round(Number(bytes) / 1048576)} MiB`;
  if (db.dialect === 'sqlite') {
    const [pages] = rowsOf(await db.knex.raw('SELECT page_count * page_size AS bytes FROM pragma_page_count(), pragma_page_size()'), false);
    return `database file ${mib(pages?.bytes)}`;
  }
  const [row] = rowsOf(
    await db.knex.raw(
      `SELECT @@innodb_buffer_pool_size AS pool, data_length AS data, index_length AS idx
         FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'postings'`,
    ),
    true,
  );
  return `postings ${mib(row?.data)} + indexes ${mib(row?.idx)}, innodb_buffer_pool_size ${mib(row?.pool)}`;
}
