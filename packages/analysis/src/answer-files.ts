import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { writeToString } from 'fast-csv';
import type { Knex } from 'knex';
import { answerAll } from './answer-all';
import { AnalysisError, AnalysisErrorCode } from './errors';
import { formatDecimal, formatNullable } from './format-decimal';
import type { AnalysisAnswers, AnalysisOptions, AnswerFileKey } from './types';

/** File names from the data contract, "The answer files". */
export const ANSWER_FILES: Record<AnswerFileKey, string> = {
  q1: 'q1_avg_price_per_m2.csv',
  q2: 'q2_online_per_category.csv',
  q3: 'q3_first_last_day.csv',
  q4: 'q4_daily_change.csv',
  q5: 'q5_alerts.csv',
  weekday: 'weekday_pattern.csv',
};

/** Header of each file, in the contract's order. */
export const ANSWER_COLUMNS: Record<AnswerFileKey, readonly string[]> = {
  q1: ['category', 'postings', 'avg_price_per_m2', 'median_price_per_m2'],
  q2: ['category', 'online_postings'],
  q3: ['day', 'postings'],
  q4: ['day', 'postings', 'previous_day_postings', 'change_pct'],
  q5: ['day', 'postings', 'previous_day_postings', 'change_pct', 'kind'],
  weekday: ['weekday', 'days', 'mean_postings'],
};

export const ANSWER_FILE_KEYS: readonly AnswerFileKey[] = ['q1', 'q2', 'q3', 'q4', 'q5', 'weekday'];

/** The cells of one file, already as text, in ANSWER_COLUMNS order. */
export function answerRows(key: AnswerFileKey, answers: AnalysisAnswers): string[][] {
  switch (key) {
    case 'q1':
      return answers.q1.map((r) => [
        r.category,
        formatDecimal(r.postings),
        formatNullable(r.avg_price_per_m2),
        formatNullable(r.median_price_per_m2),
      ]);
    case 'q2':
      return answers.q2.map((r) => [r.category, formatDecimal(r.online_postings)]);
    case 'q3':
      return answers.q3.map((r) => [r.day, formatDecimal(r.postings)]);
    case 'q4':
      return answers.q4.map((r) => [
        r.day,
        formatDecimal(r.postings),
        formatNullable(r.previous_day_postings),
        formatNullable(r.change_pct),
      ]);
    case 'q5':
      return answers.q5.map((r) => [
        r.day,
        formatDecimal(r.postings),
        formatNullable(r.previous_day_postings),
        formatNullable(r.change_pct),
        r.kind,
      ]);
    case 'weekday':
      return answers.weekday.map((r) => [r.weekday, formatDecimal(r.days), formatDecimal(r.mean_postings)]);
  }
}

/**
 * The exact text of one answer file: header, one line per row, '\n' after
 * every line; the header is written even when there are no rows.
 */
export function answerCsv(key: AnswerFileKey, answers: AnalysisAnswers): Promise<string> {
  return writeToString(answerRows(key, answers), {
    headers: [...ANSWER_COLUMNS[key]],
    alwaysWriteHeaders: true,
    includeEndRowDelimiter: true,
  });
}

/**
 * Writes the six files for `answers` into outDir (created if missing). Each
 * file is written to a temporary name first and all six are renamed only
 * once all six are written, so a reader never sees a half-written file and
 * a failure leaves the previous set in place.
 */
export async function writeAnswerFiles(answers: AnalysisAnswers, outDir: string): Promise<Record<AnswerFileKey, string>> {
  const dir = path.resolve(outDir);
  const texts = await Promise.all(ANSWER_FILE_KEYS.map((key) => answerCsv(key, answers)));
  const files = {} as Record<AnswerFileKey, string>;
  const pending: Array<{ tmp: string; final: string }> = [];
  try {
    await fs.mkdir(dir, { recursive: true });
    const suffix = `.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    for (const [index, key] of ANSWER_FILE_KEYS.entries()) {
      const final = path.join(dir, ANSWER_FILES[key]);
      const tmp = final + suffix;
      pending.push({ tmp, final });
      await fs.writeFile(tmp, texts[index] ?? '', 'utf8');
      files[key] = final;
    }
    for (const { tmp, final } of pending) await fs.rename(tmp, final);
  } catch (error) {
    await Promise.all(pending.map(({ tmp }) => fs.rm(tmp, { force: true })));
    throw new AnalysisError(AnalysisErrorCode.WRITE_FAILED, `cannot write the answer files into ${dir}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return files;
}

/** Answers every question from `postings` and writes the six files (see `writeAnswerFiles`). */
export async function runAll(
  knex: Knex,
  outDir: string,
  options: AnalysisOptions = {},
): Promise<{ answers: AnalysisAnswers; files: Record<AnswerFileKey, string> }> {
  const answers = await answerAll(knex, options);
  return { answers, files: await writeAnswerFiles(answers, outDir) };
}
