/**
 * The dashboard must not cost predictions anything (issue 10): at 1,000,000
 * postings, on SQLite and on MariaDB, the server answers `/analysis` from
 * the stored answers (target p99 < 50 ms), and `GET /predict` keeps its p99
 * while `/analysis` is requested in a loop (target: no worse than
 * max(2 × its p99 alone, 10 ms)). Part of `npm run bench:server`.
 *
 * The databases are built once by the loader from the seeded generator and
 * kept: SQLite in the temp folder (the file the 1M robustness test uses),
 * MariaDB in a database named after the row count; a rerun reuses them.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { readAnswers } from 'analysis';
import { loadCsv, openDatabase } from 'loader';
import { postingsStream } from '../generator/generate-postings';
import { HOST, cannon, startChild, stopChild, type AutocannonResult, type Server } from './server-children';
import { makeLog } from './report';

const log = makeLog('bench-server');

export const ANALYSIS_P99_TARGET_MS = 50;
export const PREDICT_FLOOR_MS = 10;
const SEED = 2021;

export interface AnalysisFigures {
  engine: 'sqlite' | 'mysql';
  rows: number;
  analysisP99: number;
  analysisRps: number;
  predictAloneP99: number;
  predictLoadedP99: number;
  /** /analysis requests answered while /predict was measured. */
  analysisDuringLoad: number;
}

/** The database URL for `engine` holding `rows` generated postings with stored answers; built if missing. */
async function benchDatabase(engine: 'sqlite' | 'mysql', rows: number, mysqlUrl: string): Promise<string> {
  let url: string;
  if (engine === 'sqlite') {
    url = `sqlite:${path.join(os.tmpdir(), `realxdeal-robustness-${rows}-seed${SEED}-v2.sqlite`)}`;
  } else {
    const name = `rxd_bench_answers_${rows}`;
    const admin = await openDatabase(mysqlUrl);
    try {
      await admin.knex.raw(`CREATE DATABASE IF NOT EXISTS \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
    } finally {
      await admin.close();
    }
    const base = new URL(mysqlUrl);
    base.pathname = `/${name}`;
    url = base.toString();
  }
  const db = await openDatabase(url);
  try {
    const ready = (await db.knex.schema.hasTable('answer_sets')) && (await readAnswers(db.knex)) !== null;
    if (!ready) {
      log(`${engine}: loading ${rows.toLocaleString('en-US')} generated postings (once; later runs reuse them)`);
      await loadCsv(db, postingsStream({ rows, seed: SEED }), { rejectFile: null });
    }
  } finally {
    await db.close();
  }
  return url;
}

function p99Of(label: string, result: AutocannonResult): number {
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
    throw new Error(`${label}: ${result.non2xx} non-2xx answers, ${result.errors} errors, ${result.timeouts} timeouts`);
  }
  return result.latency.p99;
}

/**
 * Three runs of `duration` seconds against one server: /analysis alone
 * (4 connections), /predict alone (16), then /predict (16) while one
 * connection requests /analysis back to back.
 */
export async function measureAnalysis(
  script: string,
  engine: 'sqlite' | 'mysql',
  rows: number,
  duration: number,
  mysqlUrl: string,
): Promise<AnalysisFigures> {
  const url = await benchDatabase(engine, rows, mysqlUrl);
  let server: Server | null = null;
  try {
    server = await startChild(script, 'app', ['--database', url]);
    const base = `http://${HOST}:${server.port}`;
    await cannon(`${base}/analysis`, 1, 1);
    await cannon(`${base}/predict?x=2`, 4, 1);
    const analysis = await cannon(`${base}/analysis`, 4, duration);
    const analysisP99 = p99Of('/analysis', analysis);
    log(`${engine}: /analysis alone ${Math.round(analysis.requests.average)} requests/s, p99 ${analysisP99} ms`);
    const predictAloneP99 = p99Of('/predict alone', await cannon(`${base}/predict?x=2`, 16, duration));
    log(`${engine}: /predict alone p99 ${predictAloneP99} ms`);
    const [loaded, loop] = await Promise.all([cannon(`${base}/predict?x=2`, 16, duration), cannon(`${base}/analysis`, 1, duration)]);
    const predictLoadedP99 = p99Of('/predict under /analysis', loaded);
    p99Of('/analysis loop', loop);
    log(`${engine}: /predict while /analysis loops p99 ${predictLoadedP99} ms (${loop.requests.total} /analysis answered meanwhile)`);
    return {
      engine,
      rows,
      analysisP99,
      analysisRps: analysis.requests.average,
      predictAloneP99,
      predictLoadedP99,
      analysisDuringLoad: loop.requests.total,
    };
  } finally {
    if (server !== null) await stopChild(server);
  }
}

export function predictTargetMs(aloneP99: number): number {
  return Math.max(2 * aloneP99, PREDICT_FLOOR_MS);
}
