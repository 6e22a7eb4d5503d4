import { createHash } from 'node:crypto';
import type { Database } from 'loader';

interface PostingRow {
  uuid: string;
  category: string;
  zip_code: string | null;
  price: number | null;
  area: number | null;
  created_at: string;
  status: string;
}

export interface TableChecksum {
  rows: number;
  /** sha256 over every row in uuid order, each as a JSON array of its seven columns. */
  sha256: string;
}

const PAGE = 20_000;

/**
 * A checksum of the whole postings table that means the same on both
 * engines: rows are read in uuid order (keyset pages, so memory stays flat)
 * and hashed as JSON, numbers as JavaScript reads the DOUBLEs and timestamps
 * as the `YYYY-MM-DD HH:MM:SS` text both engines return. Two tables with the
 * same checksum hold the same rows, value for value.
 */
export async function postingsChecksum(db: Database): Promise<TableChecksum> {
  const hash = createHash('sha256');
  let rows = 0;
  let after: string | null = null;
  for (;;) {
    const query = db
      .knex<PostingRow>('postings')
      .select('uuid', 'category', 'zip_code', 'price', 'area', 'created_at', 'status')
      .orderBy('uuid')
      .limit(PAGE);
    if (after !== null) query.where('uuid', '>', after);
    const page = (await query) as PostingRow[];
    for (const r of page) {
      hash.update(JSON.stringify([r.uuid, r.category, r.zip_code, r.price, r.area, r.created_at, r.status]));
      hash.update('\n');
    }
    rows += page.length;
    if (page.length < PAGE) break;
    after = page[page.length - 1].uuid;
  }
  return { rows, sha256: hash.digest('hex') };
}

export async function countPostings(db: Database): Promise<number> {
  const [row] = await db.knex('postings').count<Array<{ n: number | string }>>({ n: '*' });
  return Number(row?.n ?? 0);
}
