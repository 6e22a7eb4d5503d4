import {
  readAnswers,
  writeAnswerFiles,
  type AnalysisAnswers,
  type AnalysisErrorField,
  type AnalysisOptions,
  type AnswerFileKey,
} from 'analysis';
import type { Database } from '../db/open-database';
import { LoaderError, LoaderErrorCode } from '../errors';
import type { CliIo } from './cli-io';
import { formatReport } from './report';

/** The analysis flags shared by `start` and `analyze`. */
export const ANALYSIS_FLAG_OPTIONS = {
  out: { type: 'string' },
  month: { type: 'string' },
  drop: { type: 'string' },
  spike: { type: 'string' },
} as const;

/** The flag that sets each analysis option, to name it in an error. */
export const FLAG_FOR_FIELD: Record<AnalysisErrorField, string> = {
  month: '--month',
  dropThreshold: '--drop',
  spikeThreshold: '--spike',
};

export interface AnalysisFlagValues {
  month?: string;
  drop?: string;
  spike?: string;
}

function percent(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) {
    throw new LoaderError(LoaderErrorCode.BAD_OPTION, `--${flag} must be a number (percent), got ${value}`);
  }
  return n;
}

export function parseAnalysisFlags(values: AnalysisFlagValues): AnalysisOptions {
  return {
    month: values.month,
    dropThreshold: percent('drop', values.drop),
    spikeThreshold: percent('spike', values.spike),
  };
}

/**
 * Writes the six answer files from the stored answers, the same rows the
 * server's pages and downloads read, so the files and the downloads are
 * byte-identical.
 */
export async function writeStoredAnswers(
  db: Database,
  outDir: string,
  options: AnalysisOptions,
): Promise<{ answers: AnalysisAnswers; files: Record<AnswerFileKey, string> }> {
  const answers = await readAnswers(db.knex, options);
  if (answers === null) {
    // Only another job clearing them between our store and this read gets here.
    throw new LoaderError(
      LoaderErrorCode.WRITE_FAILED,
      'the stored answers were removed by another job before the files were written; run analyze again',
    );
  }
  return { answers, files: await writeAnswerFiles(answers, outDir) };
}

/** Writes the six answer files and prints the report. */
export async function writeAnswers(db: Database, outDir: string, options: AnalysisOptions, io: CliIo): Promise<void> {
  const { answers, files } = await writeStoredAnswers(db, outDir, options);
  io.stdout.write(`\n${formatReport(answers, files)}`);
}
