import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  ANSWER_FILES,
  answerAll,
  answerCsv,
  describeWeekdayPattern,
  isAnalysisError,
  type AnalysisAnswers,
  type AnalysisErrorField,
  type AnalysisOptions,
  type AnswerFileKey,
} from 'analysis';
import { ServerError, ServerErrorCode } from '../errors';
import { describeDecimalProblem, parseDecimal } from '../lib/decimal';
import { formatNumber } from '../lib/format';
import { dailyPostingsChart, pricePerM2Chart } from '../lib/svg-charts';
import { errorBody, type HttpError } from '../plugins/app/error-handler';
import { analysisCsvSchema, analysisPageSchema, type AnalysisQuery } from '../schemas/analysis';

const FILES: ReadonlyArray<{ key: AnswerFileKey; path: string; label: string }> = [
  { key: 'q1', path: '/analysis/q1.csv', label: 'Average and median price per m² per category' },
  { key: 'q2', path: '/analysis/q2.csv', label: 'Postings online per category' },
  { key: 'q3', path: '/analysis/q3.csv', label: 'Postings on the first and last day of the month' },
  { key: 'q4', path: '/analysis/q4.csv', label: 'Day-over-day change' },
  { key: 'q5', path: '/analysis/q5.csv', label: 'Alert days' },
  { key: 'weekday', path: '/analysis/weekday.csv', label: 'Mean daily postings per weekday' },
];

const QUERY_NAMES: Record<AnalysisErrorField, string> = { month: 'month', dropThreshold: 'drop', spikeThreshold: 'spike' };

/** The loader's table (data contract); only its existence is checked here. */
const POSTINGS_TABLE = 'postings';
const NO_ANSWERS: AnalysisAnswers = { month: null, q1: [], q2: [], q3: [], q4: [], q5: [], weekday: [] };

/** The command that loads the bundled month, as the repository README gives it. */
const LOAD_HINT = 'npm start';
const LOAD_COMMAND = 'node packages/loader/dist/cli.js start data/postings_february.csv --out output';

const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function monthLabel(month: string): string {
  const [year, m] = month.split('-');
  return `${MONTH_NAMES[Number(m) - 1] ?? m} ${year}`;
}

/** Day-over-day change for the tables: one decimal, as in the chart's tooltips; the CSV files keep full precision. */
function changeCell(pct: number | null): string {
  return pct === null ? '' : formatNumber(Number(pct.toFixed(1)));
}

function threshold(name: 'drop' | 'spike', text: string | undefined): number | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const parsed = parseDecimal(text);
  if (!parsed.ok) throw new ServerError(ServerErrorCode.VALIDATION, describeDecimalProblem(name, text, parsed.problem));
  return parsed.value;
}

function optionsFrom(query: AnalysisQuery): AnalysisOptions {
  const options: AnalysisOptions = {};
  if (query.month !== undefined && query.month.trim() !== '') options.month = query.month.trim();
  const drop = threshold('drop', query.drop);
  const spike = threshold('spike', query.spike);
  if (drop !== undefined) options.dropThreshold = drop;
  if (spike !== undefined) options.spikeThreshold = spike;
  return options;
}

/** The query string to carry the chosen month and thresholds into the CSV links. */
function carriedQuery(query: AnalysisQuery): string {
  const params = new URLSearchParams();
  for (const key of ['month', 'drop', 'spike'] as const) {
    const value = query[key];
    if (value !== undefined && value.trim() !== '') params.set(key, value.trim());
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

const analysisRoutes: FastifyPluginAsyncTypebox = async (app) => {
  /**
   * The answers, or the HttpError to show: 400 for a bad option, 503 when the
   * database is missing or not answering. A failure with a database that
   * still answers `select 1` is a bug, and is rethrown as one (500).
   */
  async function answers(request: FastifyRequest, query: AnalysisQuery): Promise<AnalysisAnswers | HttpError> {
    let options: AnalysisOptions;
    try {
      options = optionsFrom(query);
    } catch (error) {
      if (!(error instanceof ServerError)) throw error;
      return { statusCode: error.statusCode, code: error.code, message: error.message };
    }
    const db = app.database.current;
    if (db === null) {
      return {
        statusCode: 503,
        code: ServerErrorCode.DATABASE_UNAVAILABLE,
        message: app.database.configured
          ? 'the database is unavailable: it did not answer when the server started; the server keeps trying'
          : 'no database is configured: start the server with DATABASE_URL set (e.g. sqlite:data/realxdeal.sqlite) after loading data',
      };
    }
    try {
      return await answerAll(db.knex, options);
    } catch (error) {
      if (isAnalysisError(error) && error.code !== 'ANALYSIS_UNSUPPORTED_DATABASE') {
        // Restated with the names of this page's query parameters.
        const name = error.field === undefined ? undefined : QUERY_NAMES[error.field];
        const message = name !== undefined && error.reason !== undefined ? `${name} ${error.reason}` : error.message;
        return { statusCode: 400, code: ServerErrorCode.VALIDATION, message };
      }
      const health = await app.database.check();
      // A database nobody has loaded yet may not even have the table: that is
      // "empty", and the page says how to load data.
      if (health.status === 'ok' && !(await db.knex.schema.hasTable(POSTINGS_TABLE))) return NO_ANSWERS;
      if (health.status === 'ok') throw error;
      request.log.warn({ err: error }, 'analysis: database unavailable');
      return { statusCode: 503, code: ServerErrorCode.DATABASE_UNAVAILABLE, message: 'the database is unavailable: it does not answer right now' };
    }
  }

  function isHttpError(value: AnalysisAnswers | HttpError): value is HttpError {
    return 'statusCode' in value;
  }

  async function renderPage(reply: FastifyReply, query: AnalysisQuery, result: AnalysisAnswers | HttpError): Promise<FastifyReply> {
    const carried = carriedQuery(query);
    const files = FILES.map((f) => ({ ...f, href: `${f.path}${carried}`, filename: ANSWER_FILES[f.key] }));
    const form = { month: query.month ?? '', drop: query.drop ?? '', spike: query.spike ?? '' };
    if (isHttpError(result)) {
      const html = await reply.viewAsync('analysis.eta', { title: 'Analysis', state: 'error', error: result, form, files, loadHint: LOAD_HINT, loadCommand: LOAD_COMMAND });
      return reply.status(result.statusCode).type('text/html; charset=utf-8').send(html);
    }
    if (result.month === null) {
      const html = await reply.viewAsync('analysis.eta', { title: 'Analysis', state: 'empty', error: null, form, files, loadHint: LOAD_HINT, loadCommand: LOAD_COMMAND });
      return reply.type('text/html; charset=utf-8').send(html);
    }
    const label = monthLabel(result.month);
    const view = {
      title: `Analysis, ${label}`,
      state: 'ready',
      error: null,
      form,
      files,
      month: result.month,
      monthLabel: label,
      dailyChart: dailyPostingsChart(result.q4, result.q5, `New postings per day, ${label}`),
      priceChart: pricePerM2Chart(result.q1, 'Price per m² by category', 'EUR/m²'),
      weekdaySentence: describeWeekdayPattern(result.weekday),
      q1: result.q1.map((r) => ({
        category: r.category,
        postings: r.postings,
        avg: formatNumber(r.avg_price_per_m2),
        median: formatNumber(r.median_price_per_m2),
      })),
      q2: result.q2,
      q3: result.q3,
      q4: result.q4.map((r) => ({
        ...r,
        previous: r.previous_day_postings === null ? '' : String(r.previous_day_postings),
        change: changeCell(r.change_pct),
        alert: result.q5.find((a) => a.day === r.day)?.kind ?? null,
      })),
      q5: result.q5.map((r) => ({
        ...r,
        previous: r.previous_day_postings === null ? '' : String(r.previous_day_postings),
        change: changeCell(r.change_pct),
      })),
      weekday: result.weekday.map((r) => ({ ...r, mean: formatNumber(r.mean_postings, 4) })),
    };
    const html = await reply.viewAsync('analysis.eta', view);
    return reply.type('text/html; charset=utf-8').send(html);
  }

  /** Untyped reply: the status comes from the HttpError, which the schema types cannot follow. */
  async function sendAnswerFile(reply: FastifyReply, key: AnswerFileKey, result: AnalysisAnswers | HttpError): Promise<FastifyReply> {
    if (isHttpError(result)) return reply.status(result.statusCode).send(errorBody(new ServerError(result.code, result.message)));
    const csv = await answerCsv(key, result);
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${ANSWER_FILES[key]}"`)
      .send(csv);
  }

  app.get('/analysis', {
    schema: analysisPageSchema,
    config: { html: true },
    handler: async (request, reply) => renderPage(reply, request.query, await answers(request, request.query)),
  });

  for (const file of FILES) {
    app.get(file.path, {
      schema: analysisCsvSchema(ANSWER_FILES[file.key], file.label),
      handler: async (request, reply) => sendAnswerFile(reply, file.key, await answers(request, request.query)),
    });
  }
};

export default analysisRoutes;
