import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  ANSWER_FILES,
  ANSWER_TABLES,
  answerCsv,
  describeWeekdayPattern,
  isAnalysisError,
  readAnswers,
  latestAnswerSetKey,
  answerSetKey,
  validateOptions,
  AnalysisErrorCode,
  type AnalysisAnswers,
  type AnalysisOptions,
  type AnswerFileKey,
  type MonthTotal,
  type StoredAnswers,
} from 'analysis';
import type { Database } from 'loader';
import { ServerError, ServerErrorCode } from '../errors';
import { describeDecimalProblem, parseDecimal } from '../lib/decimal';
import { formatNumber } from '../lib/format';
import { dailyPostingsChart, pricePerM2Chart } from '../lib/svg-charts';
import { DatabaseSlot } from '../plugins/app/database';
import { sendError, type ErrorPage } from '../plugins/app/error-handler';
import { API_ROUTE } from '../plugins/external/helmet';
import { analysisCsvSchema, analysisJsonSchema, analysisPageSchema, type AnalysisJson, type AnalysisQuery } from '../schemas/analysis';

const FILES: ReadonlyArray<{ key: AnswerFileKey; path: string; label: string }> = [
  { key: 'q1', path: '/analysis/q1.csv', label: 'Average and median price per m² per category' },
  { key: 'q2', path: '/analysis/q2.csv', label: 'Postings online per category' },
  { key: 'q3', path: '/analysis/q3.csv', label: 'Postings on the first and last day of the month' },
  { key: 'q4', path: '/analysis/q4.csv', label: 'Day-over-day change' },
  { key: 'q5', path: '/analysis/q5.csv', label: 'Alert days' },
  { key: 'weekday', path: '/analysis/weekday.csv', label: 'Mean daily postings per weekday' },
];

/** The loader's table (data contract); probed for one row only when no answers are stored. */
const POSTINGS_TABLE = 'postings';

/** The command that loads the bundled month, as the repository README gives it. */
const LOAD_HINT = 'npm start';
const LOAD_COMMAND = 'node packages/loader/dist/cli.js start data/postings_february.csv --out output';
/** The command that computes and stores the answers for the postings already loaded. */
export const ANALYZE_COMMAND = 'npm -w loader run analyze';

const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

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

/** The query string carrying the chosen thresholds (and `month`, unless overridden) into links. */
function carriedQuery(query: AnalysisQuery, month?: string): string {
  const params = new URLSearchParams();
  for (const key of ['month', 'drop', 'spike'] as const) {
    const value = key === 'month' && month !== undefined ? month : query[key];
    if (value !== undefined && value.trim() !== '') params.set(key, value.trim());
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

export interface MonthNavigation {
  /** The `<select name="month">` options, newest first. */
  options: Array<{ value: string; label: string; selected: boolean }>;
  /** The nearest month with postings before / after the shown one. */
  previous: string | null;
  next: string | null;
}

/**
 * The months a user can step through: those with postings, plus the shown
 * month when it has none (a month named in the URL), so the select always
 * shows what the page shows.
 */
export function monthNavigation(months: readonly MonthTotal[], shown: string): MonthNavigation {
  const withData = months.map((m) => m.month);
  const listed = withData.includes(shown) ? withData : [...withData, shown].sort();
  const options = [...listed].reverse().map((value) => ({
    value,
    label: withData.includes(value) ? monthLabel(value) : `${monthLabel(value)} (no postings)`,
    selected: value === shown,
  }));
  const previous = withData.filter((m) => m < shown).pop() ?? null;
  const next = withData.find((m) => m > shown) ?? null;
  return { options, previous, next };
}

/**
 * The stored answers (month null: no postings when they were computed),
 * null when no answers are stored and there are no postings ("load data"),
 * or the error to show.
 */
interface AnswersOutcome {
  answers: StoredAnswers | null;
  options: AnalysisOptions;
}

const EMPTY_ANSWERS: AnalysisAnswers = { month: null, q1: [], q2: [], q3: [], q4: [], q5: [], weekday: [] };
const EMPTY_JSON: Omit<AnalysisJson, 'thresholds' | 'weekday_pattern'> = {
  ...EMPTY_ANSWERS,
  months: [],
  computed_at: null,
  load_run_id: null,
};

const NOT_COMPUTED_MESSAGE = `the database has postings but no stored answers (loaded by an older version, or with --no-analysis): run ${ANALYZE_COMMAND} to compute them`;

/** The JSON form of the answers: the files' rows at full precision, plus where they came from. */
export function answersJson(answers: StoredAnswers | null, options: AnalysisOptions): AnalysisJson {
  if (answers === null) {
    const { drop, spike } = validateOptions(options);
    return { ...EMPTY_JSON, thresholds: { drop, spike }, weekday_pattern: describeWeekdayPattern([]) };
  }
  return {
    month: answers.month,
    months: answers.set.months,
    thresholds: answers.thresholds,
    computed_at: `${answers.set.computedAt.replace(' ', 'T')}Z`,
    load_run_id: answers.set.loadRunId,
    q1: answers.q1,
    q2: answers.q2,
    q3: answers.q3,
    q4: answers.q4,
    q5: answers.q5,
    weekday: answers.weekday,
    weekday_pattern: describeWeekdayPattern(answers.weekday),
  };
}

const HTML = 'text/html; charset=utf-8';

/** Pages, CSVs and JSON kept per stored set and query; the oldest goes first. */
const RECENT_VIEWS = 64;

/**
 * The last few answers served, keyed by the stored set they came from and
 * the query: a new set (a load, analyze) changes every key, so nothing
 * stale is ever served, and the size bound keeps memory flat whatever
 * queries strangers send.
 */
class RecentViews {
  private readonly entries = new Map<string, string | AnalysisJson>();

  get size(): number {
    return this.entries.size;
  }

  get(key: string): string | AnalysisJson | undefined {
    return this.entries.get(key);
  }

  remember(key: string, value: string | AnalysisJson): void {
    this.entries.delete(key);
    if (this.entries.size >= RECENT_VIEWS) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
    this.entries.set(key, value);
  }
}

function viewKey(answers: StoredAnswers, kind: string, query: AnalysisQuery): string {
  return `${answerSetKey(answers.set.id, answers.set.computedAt)}|${kind}|${carriedQuery(query)}`;
}

const analysisRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const views = new RecentViews();

  /** Without stored answers: is there anything to analyse? One row at most is read. */
  async function withoutAnswers(db: Database, options: AnalysisOptions): Promise<AnswersOutcome> {
    if (!(await db.knex.schema.hasTable(POSTINGS_TABLE))) return { answers: null, options };
    const row: unknown = await db.knex(POSTINGS_TABLE).select(db.knex.raw('1 AS one')).limit(1).first();
    if (row === undefined) return { answers: null, options };
    throw new ServerError(ServerErrorCode.ANSWERS_NOT_COMPUTED, NOT_COMPUTED_MESSAGE);
  }

  /**
   * The stored answers of the latest finished load for this request's month
   * and thresholds. Throws what the error handler maps: a bad option (400,
   * checked before any query), DATABASE_UNAVAILABLE when the database is
   * missing or not answering, ANSWERS_NOT_COMPUTED when it has postings but
   * no stored answers (503). A failure with a database that still answers
   * `select 1` is a bug, and is rethrown as one (500).
   */
  async function storedAnswers(request: FastifyRequest, query: AnalysisQuery): Promise<AnswersOutcome> {
    const options = optionsFrom(query);
    const db = app.database.require(' after loading data');
    try {
      const stored = await readAnswers(db.knex, options);
      return stored === null ? await withoutAnswers(db, options) : { answers: stored, options };
    } catch (error) {
      // A bad option: the error handler answers 400, naming the query parameter.
      if (isAnalysisError(error) && error.code !== AnalysisErrorCode.UNSUPPORTED_DATABASE) throw error;
      const health = await app.database.refresh();
      // A schema older than the answer tables (migrations not applied, e.g.
      // no DDL rights): the answers are simply not there yet.
      if (health === 'ok' && !(await db.knex.schema.hasTable(ANSWER_TABLES.sets))) return await withoutAnswers(db, options);
      if (health === 'ok') throw error;
      request.log.warn({ err: error }, 'analysis: database unavailable');
      throw DatabaseSlot.notAnswering(error);
    }
  }

  async function renderPage(request: FastifyRequest, reply: FastifyReply, query: AnalysisQuery): Promise<FastifyReply> {
    const carried = carriedQuery(query);
    const files = FILES.map((f) => ({ ...f, href: `${f.path}${carried}`, filename: ANSWER_FILES[f.key] }));
    const form = { month: query.month ?? '', drop: query.drop ?? '', spike: query.spike ?? '' };
    const common = {
      files,
      jsonHref: `/analysis.json${carried}`,
      form,
      loadHint: LOAD_HINT,
      loadCommand: LOAD_COMMAND,
      analyzeCommand: ANALYZE_COMMAND,
      nav: null,
    };
    let result: AnswersOutcome;
    try {
      result = await storedAnswers(request, query);
    } catch (error) {
      // The page itself shows the error, with the form to try again.
      const page: ErrorPage = (http) => reply.viewAsync('analysis.eta', { ...common, title: 'Analysis', state: 'error', error: http });
      return sendError(request, reply, error, { page });
    }
    const answers = result.answers;
    if (answers === null || answers.month === null) {
      const html = await reply.viewAsync('analysis.eta', { ...common, title: 'Analysis', state: 'empty', error: null });
      return reply.type(HTML).send(html);
    }
    const month = answers.month;
    const label = monthLabel(month);
    const nav = monthNavigation(answers.set.months, month);
    const view = {
      ...common,
      title: `Analysis, ${label}`,
      state: 'ready',
      error: null,
      month,
      monthLabel: label,
      nav: {
        ...nav,
        previousHref: nav.previous === null ? null : `/analysis${carriedQuery(query, nav.previous)}`,
        previousLabel: nav.previous === null ? null : monthLabel(nav.previous),
        nextHref: nav.next === null ? null : `/analysis${carriedQuery(query, nav.next)}`,
        nextLabel: nav.next === null ? null : monthLabel(nav.next),
      },
      computedAt: answers.set.computedAt,
      loadRunId: answers.set.loadRunId,
      dailyChart: dailyPostingsChart(answers.q4, answers.q5, `New postings per day, ${label}`),
      priceChart: pricePerM2Chart(answers.q1, 'Price per m² by category', 'EUR/m²'),
      weekdaySentence: describeWeekdayPattern(answers.weekday),
      q1: answers.q1.map((r) => ({
        category: r.category,
        postings: r.postings,
        avg: formatNumber(r.avg_price_per_m2),
        median: formatNumber(r.median_price_per_m2),
      })),
      q2: answers.q2,
      q3: answers.q3,
      q4: answers.q4.map((r) => ({
        ...r,
        previous: r.previous_day_postings === null ? '' : String(r.previous_day_postings),
        change: changeCell(r.change_pct),
        alert: answers.q5.find((a) => a.day === r.day)?.kind ?? null,
      })),
      q5: answers.q5.map((r) => ({
        ...r,
        previous: r.previous_day_postings === null ? '' : String(r.previous_day_postings),
        change: changeCell(r.change_pct),
      })),
      weekday: answers.weekday.map((r) => ({ ...r, mean: formatNumber(r.mean_postings, 4) })),
    };
    const html = await reply.viewAsync('analysis.eta', view);
    views.remember(viewKey(answers, 'page', query), html);
    return reply.type(HTML).send(html);
  }

  function sendCsv(reply: FastifyReply, key: AnswerFileKey, csv: string): FastifyReply {
    return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${ANSWER_FILES[key]}"`).send(csv);
  }

  async function sendAnswerFile(
    reply: FastifyReply,
    key: AnswerFileKey,
    query: AnalysisQuery,
    result: AnswersOutcome,
  ): Promise<FastifyReply> {
    const csv = await answerCsv(key, result.answers ?? EMPTY_ANSWERS);
    if (result.answers !== null) views.remember(viewKey(result.answers, key, query), csv);
    return sendCsv(reply, key, csv);
  }

  /**
   * What an earlier request built for the latest stored set and this query,
   * if any: one indexed read of answer_sets instead of reading and deriving
   * the answers and rendering them again. Bad options and database trouble
   * fall through to the full path, which reports them.
   */
  async function recentView(query: AnalysisQuery, kind: string): Promise<string | AnalysisJson | undefined> {
    const db = app.database.current;
    if (db === null || views.size === 0) return undefined;
    try {
      optionsFrom(query);
      const setKey = await latestAnswerSetKey(db.knex);
      return setKey === null ? undefined : views.get(`${setKey}|${kind}|${carriedQuery(query)}`);
    } catch {
      return undefined;
    }
  }

  app.get('/analysis', {
    schema: analysisPageSchema,
    config: { html: true },
    handler: async (request, reply) => {
      const recent = await recentView(request.query, 'page');
      if (typeof recent === 'string') return reply.type(HTML).send(recent);
      return renderPage(request, reply, request.query);
    },
  });

  app.get('/analysis.json', {
    schema: analysisJsonSchema,
    config: API_ROUTE,
    handler: async (request, reply) => {
      const recent = await recentView(request.query, 'json');
      if (recent !== undefined && typeof recent !== 'string') return reply.send(recent);
      // Errors go to the error handler (JSON).
      const result = await storedAnswers(request, request.query);
      const json = answersJson(result.answers, result.options);
      if (result.answers !== null) views.remember(viewKey(result.answers, 'json', request.query), json);
      return reply.send(json);
    },
  });

  for (const file of FILES) {
    app.get(file.path, {
      schema: analysisCsvSchema(ANSWER_FILES[file.key], file.label),
      handler: async (request, reply) => {
        const recent = await recentView(request.query, file.key);
        if (typeof recent === 'string') return sendCsv(reply, file.key, recent);
        return sendAnswerFile(reply, file.key, request.query, await storedAnswers(request, request.query));
      },
    });
  }
};

export default analysisRoutes;
