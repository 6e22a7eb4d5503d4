import * as path from 'node:path';
import { ANSWER_FILES, describeWeekdayPattern, type AnalysisAnswers, type AnswerFileKey } from 'analysis';

/** Rows shown per table; the answer files always hold every row. */
const TOP_ROWS = 10;
const FILE_ORDER: readonly AnswerFileKey[] = ['q1', 'q2', 'q3', 'q4', 'q5', 'weekday'];

type Align = 'left' | 'right';

/** Aligned columns, two spaces apart, indented under a question's title. */
function table(headers: readonly string[], rows: readonly string[][], align: readonly Align[]): string[] {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    `  ${cells
      .map((c, i) => (align[i] === 'right' ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd()}`;
  return [line(headers), ...rows.map(line)];
}

/** Shows the first TOP_ROWS rows and says where the rest are. */
function top<T>(rows: readonly T[], key: AnswerFileKey): { shown: readonly T[]; note: string[] } {
  if (rows.length <= TOP_ROWS) return { shown: rows, note: [] };
  return {
    shown: rows.slice(0, TOP_ROWS),
    note: [`  … ${rows.length - TOP_ROWS} more in ${ANSWER_FILES[key]}`],
  };
}

const fixed = (n: number | null, digits: number): string => (n === null ? '-' : n.toFixed(digits));
const count = (n: number): string => String(n);
const pct = (n: number | null): string => (n === null ? '-' : `${n > 0 ? '+' : ''}${n.toFixed(1)}%`);

function priceSection(answers: AnalysisAnswers): string[] {
  const { shown, note } = top(answers.q1, 'q1');
  return [
    'Q1  Average price per m² by category (postings with price > 0 and area > 0; whole table)',
    ...table(
      ['category', 'postings', 'mean EUR/m²', 'median EUR/m²'],
      shown.map((r) => [r.category, count(r.postings), fixed(r.avg_price_per_m2, 2), fixed(r.median_price_per_m2, 2)]),
      ['left', 'right', 'right', 'right'],
    ),
    ...note,
  ];
}

function onlineSection(answers: AnalysisAnswers): string[] {
  const { shown, note } = top(answers.q2, 'q2');
  return [
    'Q2  Postings with status ONLINE by category (whole table)',
    ...table(
      ['category', 'online'],
      shown.map((r) => [r.category, count(r.online_postings)]),
      ['left', 'right'],
    ),
    ...note,
  ];
}

function firstLastSection(answers: AnalysisAnswers): string[] {
  return [
    `Q3  Postings created on the first and last day of ${answers.month}`,
    ...table(
      ['day', 'postings'],
      answers.q3.map((r) => [r.day, count(r.postings)]),
      ['left', 'right'],
    ),
  ];
}

function changeSection(answers: AnalysisAnswers): string[] {
  const { shown, note } = top(answers.q4, 'q4');
  return [
    `Q4  Day-over-day change (${answers.q4.length} days)`,
    ...table(
      ['day', 'postings', 'previous', 'change'],
      shown.map((r) => [
        r.day,
        count(r.postings),
        r.previous_day_postings === null ? '-' : count(r.previous_day_postings),
        pct(r.change_pct),
      ]),
      ['left', 'right', 'right', 'right'],
    ),
    ...note,
  ];
}

function alertSection(answers: AnalysisAnswers): string[] {
  if (answers.q5.length === 0) return ['Q5  Alert days: none (no day-over-day change crossed the thresholds)'];
  const { shown, note } = top(answers.q5, 'q5');
  return [
    `Q5  Alert days (${answers.q5.length})`,
    ...table(
      ['day', 'kind', 'postings', 'previous', 'change'],
      shown.map((r) => [
        r.day,
        r.kind,
        count(r.postings),
        r.previous_day_postings === null ? '-' : count(r.previous_day_postings),
        pct(r.change_pct),
      ]),
      ['left', 'left', 'right', 'right', 'right'],
    ),
    ...note,
  ];
}

function weekdaySection(answers: AnalysisAnswers): string[] {
  return [
    `Weekday pattern: ${describeWeekdayPattern(answers.weekday)}`,
    ...table(
      answers.weekday.map((w) => w.weekday.slice(0, 3)),
      [answers.weekday.map((w) => fixed(w.mean_postings, 1))],
      answers.weekday.map((): Align => 'right'),
    ),
  ];
}

function filesSection(files: Record<AnswerFileKey, string>): string[] {
  const dirs = new Set(FILE_ORDER.map((k) => path.dirname(files[k])));
  if (dirs.size === 1) {
    return [`Answer files in ${[...dirs][0]}:`, ...FILE_ORDER.map((k) => `  ${path.basename(files[k])}`)];
  }
  return ['Answer files:', ...FILE_ORDER.map((k) => `  ${files[k]}`)];
}

/**
 * The answers as a short terminal report: each question's table (its first
 * rows), the alert days, the weekday pattern in one sentence and where the
 * answer files are. An empty table says so and how to fill it.
 */
export function formatReport(answers: AnalysisAnswers, files: Record<AnswerFileKey, string>): string {
  if (answers.month === null) {
    return [
      'The postings table is empty: there is nothing to analyse yet.',
      'Load a month of postings first, for example:',
      '  npm start                                   (loads data/postings_february.csv)',
      '  realxdeal-loader start postings.csv --database-url <same database>',
      '',
      ...filesSection(files).map((line, i) => (i === 0 ? line.replace(/:$/, ' (headers only):') : line)),
      '',
    ].join('\n');
  }
  const sections = [
    [`Market analysis for ${answers.month} (questions 3-5; questions 1-2 cover the whole table)`],
    priceSection(answers),
    onlineSection(answers),
    firstLastSection(answers),
    changeSection(answers),
    alertSection(answers),
    weekdaySection(answers),
    filesSection(files),
  ];
  return `${sections.map((s) => s.join('\n')).join('\n\n')}\n`;
}
