import type { PostingValue } from './validate-posting';

/**
 * Where validated rows go. A writer receives flat batches (seven values per
 * row, in POSTING_COLUMNS order) and makes each batch durable before its
 * promise resolves, so a crash loses at most the batch in flight and a
 * reload repairs it (every write is an upsert on uuid).
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
