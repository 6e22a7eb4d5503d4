import type { PostingValue } from './validate-posting';

/**
 * Where validated rows go. A writer receives flat batches (seven values per
 * row, in POSTING_COLUMNS order). It may keep rows of several batches in one
 * open transaction (commits are what a bulk load pays for); everything is
 * durable once `finish` resolves. A crash loses at most the open
 * transaction, and a reload repairs it (every write is an upsert on uuid).
 */
export interface PostingWriter {
  /** Called once, after the header is accepted and before the first batch. */
  begin(): Promise<void>;
  write(values: PostingValue[], rows: number): Promise<void>;
  /** Rows that replaced an existing row with the same uuid, once all are written. */
  finish(): Promise<{ replaced: number }>;
  /** Releases resources after a failure; must not throw. */
  abort(): Promise<void>;
}
