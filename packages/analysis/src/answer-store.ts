import type { Knex } from 'knex';
import { deriveAnswers } from './answer-all';
import { avgPricePerM2, onlinePerCategory } from './category-questions';
import { chooseMonth, fillMonths, monthTotals } from './daily-series';
import { compareText, toNullableNumber, toNumber, toText } from './dialect';
import { monthBounds } from './month';
import { dailyCounts } from './month-questions';
import { validateOptions } from './options';
import type { AnalysisOptions, AnswerSetInfo, CategoryOnline, CategoryPrice, ComputedAnswers, StoredAnswers } from './types';

/**
 * The stored answers. The loader's migrations create these tables (it owns
 * the schema); this module is the only code that writes or reads them.
 * Every child row names its set, and a new set replaces the old ones in
 * the same transaction, so a reader sees one whole set or the previous one.
 */
export const ANSWER_TABLES = {
  sets: 'answer_sets',
  categories: 'answer_category',
  months: 'answer_months',
  days: 'answer_daily_counts',
} as const;

export interface DbAnswerSetRow {
  id: number;
  load_run_id: number | null;
  computed_at: string;
}

export interface DbAnswerCategoryRow {
  answer_set_id: number;
  category: string;
  postings: number;
  avg_price_per_m2: number | null;
  median_price_per_m2: number | null;
  online_postings: number;
}

export interface DbAnswerMonthRow {
  answer_set_id: number;
  month: string;
  postings: number;
}

export interface DbAnswerDayRow {
  answer_set_id: number;
  day: string;
  postings: number;
}

/** Rows per INSERT: 4 columns × 250 stays far below every engine's bound-parameter limit. */
const INSERT_CHUNK = 250;

/** UTC `YYYY-MM-DD HH:MM:SS`, the form both engines store. */
function utcNow(): string {
  return new Date().toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * Everything the stored answers hold, computed from `postings`: questions
 * 1 and 2 over the whole table and the posting count of every day of every
 * month present. This is the work a page used to do per view.
 */
export async function computeAnswers(knex: Knex): Promise<ComputedAnswers> {
  const [q1, q2, counts] = await Promise.all([avgPricePerM2(knex), onlinePerCategory(knex), dailyCounts(knex)]);
  return { q1, q2, days: fillMonths(counts) };
}

function insertId(result: unknown): number {
  const first: unknown = Array.isArray(result) ? result[0] : result;
  const id = typeof first === 'object' && first !== null && 'id' in first ? first.id : first;
  return toNumber(id, 'answer_sets.id');
}

async function insertChunks(trx: Knex.Transaction, table: string, rows: readonly object[]): Promise<void> {
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) await trx(table).insert(rows.slice(i, i + INSERT_CHUNK));
}

/**
 * Stores `computed` as the answers of load run `loadRunId`, replacing every
 * earlier set in the same transaction.
 */
export async function saveAnswers(knex: Knex, computed: ComputedAnswers, loadRunId: number | null): Promise<AnswerSetInfo> {
  const computedAt = utcNow();
  const online = new Map(computed.q2.map((r) => [r.category, r.online_postings]));
  const id = await knex.transaction(async (trx) => {
    const setId = insertId(await trx(ANSWER_TABLES.sets).insert({ load_run_id: loadRunId, computed_at: computedAt }));
    const categories: DbAnswerCategoryRow[] = computed.q1.map((r) => ({
      answer_set_id: setId,
      category: r.category,
      postings: r.postings,
      avg_price_per_m2: r.avg_price_per_m2,
      median_price_per_m2: r.median_price_per_m2,
      online_postings: online.get(r.category) ?? 0,
    }));
    await insertChunks(trx, ANSWER_TABLES.categories, categories);
    const months: DbAnswerMonthRow[] = monthTotals(computed.days).map((m) => ({ answer_set_id: setId, ...m }));
    await insertChunks(trx, ANSWER_TABLES.months, months);
    const days: DbAnswerDayRow[] = computed.days.map((d) => ({ answer_set_id: setId, ...d }));
    await insertChunks(trx, ANSWER_TABLES.days, days);
    for (const table of [ANSWER_TABLES.categories, ANSWER_TABLES.months, ANSWER_TABLES.days]) {
      await trx(table).whereNot('answer_set_id', setId).delete();
    }
    await trx(ANSWER_TABLES.sets).whereNot('id', setId).delete();
    return setId;
  });
  return { id, loadRunId, computedAt, months: monthTotals(computed.days) };
}

/** Computes the answers from `postings` and stores them (see `saveAnswers`). */
export async function storeAnswers(knex: Knex, options: { loadRunId?: number | null } = {}): Promise<AnswerSetInfo> {
  return saveAnswers(knex, await computeAnswers(knex), options.loadRunId ?? null);
}

/**
 * Removes every stored set: what a load that did not compute answers
 * leaves, so nothing shows answers that no longer match `postings`.
 */
export async function clearAnswers(knex: Knex): Promise<void> {
  await knex.transaction(async (trx) => {
    for (const table of [ANSWER_TABLES.categories, ANSWER_TABLES.months, ANSWER_TABLES.days, ANSWER_TABLES.sets]) {
      await trx(table).delete();
    }
  });
}

/**
 * Identifies the latest stored set in one indexed read (null when none):
 * `id:computed_at`, which no later set can repeat even where an engine
 * reuses an id after every set was cleared. A caller may keep what it
 * derived from a set under this key until it changes.
 */
export async function latestAnswerSetKey(knex: Knex): Promise<string | null> {
  const row = (await knex(ANSWER_TABLES.sets).select('id', 'computed_at').orderBy('id', 'desc').first()) as
    Record<string, unknown> | undefined;
  return row === undefined ? null : answerSetKey(toNumber(row.id, 'answer_sets.id'), toText(row.computed_at, 'computed_at'));
}

/** The key `latestAnswerSetKey` gives for a set. */
export function answerSetKey(id: number, computedAt: string): string {
  return `${id}:${computedAt}`;
}

/**
 * The answers for one month and thresholds from the latest stored set, or
 * null when none is stored. Never reads `postings`: a handful of indexed
 * reads of small tables (the categories, the months, one month of days),
 * in one transaction so they all come from the same set. Options are
 * validated before any query.
 */
export async function readAnswers(knex: Knex, options: AnalysisOptions = {}): Promise<StoredAnswers | null> {
  const thresholds = validateOptions(options);
  return knex.transaction(async (trx) => {
    const set = (await trx(ANSWER_TABLES.sets).select('id', 'load_run_id', 'computed_at').orderBy('id', 'desc').first()) as
      Record<string, unknown> | undefined;
    if (set === undefined) return null;
    const setId = toNumber(set.id, 'answer_sets.id');
    const monthRows = (await trx(ANSWER_TABLES.months).select('month', 'postings').where('answer_set_id', setId).orderBy('month')) as Array<
      Record<string, unknown>
    >;
    const months = monthRows.map((r) => ({ month: toText(r.month, 'month'), postings: toNumber(r.postings, 'postings') }));
    const month = chooseMonth(options.month, months);
    const categoryRows = (await trx(ANSWER_TABLES.categories).select('*').where('answer_set_id', setId)) as Array<Record<string, unknown>>;
    const q1: CategoryPrice[] = [];
    const q2: CategoryOnline[] = [];
    categoryRows.sort((a, b) => compareText(toText(a.category, 'category'), toText(b.category, 'category')));
    for (const row of categoryRows) {
      const category = toText(row.category, 'category');
      q1.push({
        category,
        postings: toNumber(row.postings, 'postings'),
        avg_price_per_m2: toNullableNumber(row.avg_price_per_m2, 'avg_price_per_m2'),
        median_price_per_m2: toNullableNumber(row.median_price_per_m2, 'median_price_per_m2'),
      });
      q2.push({ category, online_postings: toNumber(row.online_postings, 'online_postings') });
    }
    let days: Array<{ day: string; postings: number }> = [];
    if (month !== null) {
      const bounds = monthBounds(month);
      const dayRows = (await trx(ANSWER_TABLES.days)
        .select('day', 'postings')
        .where('answer_set_id', setId)
        .andWhere('day', '>=', bounds.firstDay)
        .andWhere('day', '<=', bounds.lastDay)) as Array<Record<string, unknown>>;
      days = dayRows.map((r) => ({ day: toText(r.day, 'day'), postings: toNumber(r.postings, 'postings') }));
    }
    const info: AnswerSetInfo = {
      id: setId,
      loadRunId: toNullableNumber(set.load_run_id, 'load_run_id'),
      computedAt: toText(set.computed_at, 'computed_at'),
      months,
    };
    return { ...deriveAnswers(q1, q2, month, days, thresholds), set: info, thresholds };
  });
}
