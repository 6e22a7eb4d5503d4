/**
 * What a generated file is known to contain, by construction: every bad value
 * is written on purpose, so its reject reason, and every duplicate, is counted
 * as it is written. Loader tests assert their load summary against this.
 */

import { REJECT_REASONS, type RejectReason } from 'loader';

// One list of reject codes (and their counts) for the loader and the generator.
export { REJECT_REASONS, emptyReasonCounts, type RejectReason } from 'loader';

/** The generator writes text, never bad bytes: it makes rows for every reason but `bad_encoding`. */
export type GeneratedReason = Exclude<RejectReason, 'bad_encoding'>;
export const GENERATED_REASONS: readonly GeneratedReason[] = REJECT_REASONS.filter(
  (reason): reason is GeneratedReason => reason !== 'bad_encoding',
);

/** How many reject lines per reason the manifest keeps as samples. */
export const REJECT_SAMPLES_PER_REASON = 10;

export interface GenerationManifest {
  /** Data rows written, rejected rows and duplicates included, blank lines not; the header is not a row. */
  rows: number;
  expectedRejects: Record<RejectReason, number>;
  /** rows − Σ expectedRejects: the load summary's rowsLoaded (replaced rows included). */
  expectedLoaded: number;
  /**
   * Accepted rows whose lower-cased uuid already appeared on an earlier
   * accepted row of the file: the load summary's rowsReplaced on an empty table.
   */
  duplicateRows: number;
  /** expectedLoaded − duplicateRows: rows in the table after loading into an empty one. */
  expectedDistinct: number;
  /** Empty and whitespace-only lines, which the loader skips without counting. */
  blankLines: number;
  /** Physical lines in the file: header, rows, blank lines and line breaks inside quotes. */
  physicalLines: number;
  /** A UTF-8 byte-order mark precedes the header. */
  bom: boolean;
  /** Every line ends in `\r\n` (line breaks inside quoted fields are a bare `\n`). */
  crlf: boolean;
  /**
   * For each reason, the physical line (header = 1) where each of its first
   * few rejected rows starts: what the reject CSV's `line` column must say.
   */
  rejectSamples: Record<RejectReason, number[]>;
  seed: number;
  /** `YYYY-MM` */
  month: string;
  dirty: boolean;
  /** `YYYY-MM-DD` (UTC) of the outage day (~5 % of normal volume) and the backfill day (~3×) after it. */
  outageDay: string;
  backfillDay: string;
  /** False until the chunks have been consumed to the end. */
  complete: boolean;
}

export function emptyReasonSamples(): Record<RejectReason, number[]> {
  const samples = {} as Record<RejectReason, number[]>;
  for (const reason of REJECT_REASONS) samples[reason] = [];
  return samples;
}
