import { storeAnswers, validateOptions, type AnalysisOptions } from 'analysis';
import { migrate } from '../db/migrate';
import type { CliIo } from './cli-io';
import { ANALYSIS_FLAG_OPTIONS, parseAnalysisFlags, writeStoredAnswers } from './answers-step';
import { latestFinishedRunId } from '../ingest/load-run-log';
import { resolveUserPath } from './cli-paths';
import { EXIT_ALERT, EXIT_OK, reportError } from './exit-codes';
import { formatReport } from './report';
import { parseCommandArgs, withDatabase } from './run-command';

export const ANALYZE_USAGE = `usage: realxdeal-loader analyze [options]

Answers the five market questions for the postings already in the database,
stores the answers there (replacing the stored ones; the server's /analysis
reads them), writes one CSV per question and prints a short report.

  --database-url URL    mysql://user:pass@host:3306/db or sqlite:path (default: DATABASE_URL, else sqlite:data/realxdeal.sqlite)
  --out DIR             folder for the answer CSVs (default: output)
  --month YYYY-MM       month for questions 3-5 (default: the month holding most postings;
                        latest: the newest month with postings)
  --drop N              alert when a day's change is below N percent (default -70)
  --spike N             alert when a day's change is above N percent (default 200)
  --exit-on-alert       exit 4 when question 5 has an alert day (the files are written first)
  -h, --help            this text

Exit status: 0 done, 1 bad flags or answer folder, 2 database problem, 3 a bug,
4 an alert day with --exit-on-alert.
`;

/** `analyze`: answer the questions for the database as it is. */
export async function runAnalyzeCommand(argv: string[], io: CliIo): Promise<number> {
  const parsed = parseCommandArgs(
    argv,
    { 'database-url': { type: 'string' }, 'exit-on-alert': { type: 'boolean', default: false }, ...ANALYSIS_FLAG_OPTIONS },
    ANALYZE_USAGE,
    io,
    { negativeValues: ['--drop', '--spike'] },
  );
  if (parsed.exit !== undefined) return parsed.exit;
  const { values } = parsed;
  // Every flag is checked before the database is touched, so a typo
  // costs no connection and is reported as the user's mistake.
  let options: AnalysisOptions;
  try {
    options = parseAnalysisFlags(values);
    validateOptions(options);
  } catch (error) {
    return reportError(error, io);
  }
  const outDir = resolveUserPath(values.out ?? 'output', io.env);
  return withDatabase(io, values['database-url'], async (db) => {
    // A fresh database gets its (empty) tables, so it reports "no postings
    // yet" instead of failing on a missing table.
    await migrate(db);
    // Stored first, so the server shows what these files hold.
    await storeAnswers(db.knex, { loadRunId: await latestFinishedRunId(db) });
    const { answers, files } = await writeStoredAnswers(db, outDir, options);
    io.stdout.write(formatReport(answers, files));
    // A distinct code, not 1, so a scheduler tells "the alert fired" from "the job is broken".
    return values['exit-on-alert'] && answers.q5.length > 0 ? EXIT_ALERT : EXIT_OK;
  });
}
