import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { ModelArtifact } from '@realxdeal/model';
import type { Database } from 'loader';
import { buildApp } from 'server';
import type { ServerConfig } from 'server';

/**
 * coefficients [1, 2, 1]: prediction = 1 + 2x + x² = (x + 1)², so every
 * expected value in these tests can be checked by hand. Trained on x in [0, 10].
 */
export function testModel(overrides: Partial<ModelArtifact> = {}): ModelArtifact {
  return {
    name: 'price-by-area',
    version: '2021.02.1',
    feature: { name: 'area', unit: 'm²' },
    target: { name: 'price', unit: 'EUR' },
    kind: 'polynomial',
    coefficients: [1, 2, 1],
    training: {
      n: 100,
      n_train: 80,
      n_test: 20,
      degree: 2,
      robust: false,
      r2: 0.8123,
      rmse: 12.5,
      mae: 9.75,
      x_min: 0,
      x_max: 10,
      trained_at: '2021-03-01T12:00:00Z',
      seed: 42,
      holdout: 0.2,
      source: { description: 'hand-made test postings', sha256: null, filter: { category: 'APARTMENT_BUY' } },
    },
    ...overrides,
  };
}

export interface TestAppOptions {
  model?: ModelArtifact;
  database?: Database | null;
  config?: Partial<ServerConfig>;
}

export function buildTestApp(options: TestAppOptions = {}): Promise<FastifyInstance> {
  return buildApp({
    model: options.model ?? testModel(),
    database: options.database ?? null,
    config: { RATE_LIMIT_PER_MINUTE: 0, BATCH_RATE_LIMIT_PER_MINUTE: 0, ANALYSIS_RATE_LIMIT_PER_MINUTE: 0, ...options.config },
    logger: false,
  });
}

export const BOUNDARY = '----realxdeal-test-boundary';

/** A multipart/form-data body with one file part (and optional text fields before it). */
export function multipartBody(
  content: string | Buffer,
  options: { filename?: string; field?: string; fields?: Record<string, string> } = {},
): { payload: Buffer; headers: Record<string, string> } {
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(options.fields ?? {})) {
    parts.push(Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  parts.push(
    Buffer.from(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${options.field ?? 'file'}"; filename="${options.filename ?? 'values.csv'}"\r\nContent-Type: text/csv\r\n\r\n`,
    ),
  );
  parts.push(typeof content === 'string' ? Buffer.from(content) : content);
  parts.push(Buffer.from(`\r\n--${BOUNDARY}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` } };
}

/** A multipart body with text fields only (no file part). */
export function multipartFieldsOnly(fields: Record<string, string>): { payload: Buffer; headers: Record<string, string> } {
  const parts = Object.entries(fields).map(
    ([name, value]) => `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
  );
  return {
    payload: Buffer.from(`${parts.join('')}--${BOUNDARY}--\r\n`),
    headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
  };
}

/** The one collect-to-promise helper for streams: resolves with everything read, rejects on error. */
export function collect(stream: Readable): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer | string) => chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk));
    stream.on('error', reject);
    stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

/** The text between <main> and </main>, where the page content is. */
export function mainOf(html: string): string {
  const match = /<main>([\s\S]*)<\/main>/.exec(html);
  if (match === null) throw new Error('no <main> in the page');
  return match[1];
}
