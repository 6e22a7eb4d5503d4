import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildTestApp, testModel } from '../helpers';
import { Prng, batchUploads, inferRequests, predictBodies, predictQueries, type JsonRequest } from './fuzz-inputs';

/**
 * Seeded fuzzing of every input surface through `app.inject`: query strings
 * for GET /predict, JSON bodies for POST /predict and the v2 infer
 * endpoints, uploads to POST /batch_prediction. The promises: never a 5xx,
 * always an answer with a body (a JSON error names its `error`, and outside
 * v2 says why in `message`), a success is a correct answer, and the heap
 * comes back to where it was once the storm is over.
 *
 * Reproduce a failure with the seed it prints: RXD_FUZZ_SEED=<seed>.
 */

const SEED = Number(process.env.RXD_FUZZ_SEED ?? 20210228);
const PER_SURFACE = 2000;
const MODEL = testModel();

/**
 * The heap is compared after full collections. Jest does not start Node
 * with --expose-gc, so the flag is set at run time and `gc` taken from a
 * fresh context, where V8 installs it.
 */
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

function settledHeap(): { heapUsed: number; arrayBuffers: number } {
  for (let i = 0; i < 3; i++) gc();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return { heapUsed, arrayBuffers };
}

interface Failure {
  surface: string;
  index: number;
  input: string;
  status: number;
  problem: string;
  body: string;
}

/** A short, printable description of an input, for failure reports. */
function show(input: string | Buffer): string {
  const text = typeof input === 'string' ? input : `<${input.length} bytes> ${input.subarray(0, 80).toString('latin1')}`;
  return JSON.stringify(text.length > 160 ? `${text.slice(0, 160)}… (${text.length} chars)` : text);
}

/** The promises every answer keeps, whatever the input; `v2` errors are `{error}` only. */
function problemWith(res: LightMyRequestResponse, v2: boolean): string | null {
  if (res.statusCode >= 500) return `answered ${res.statusCode}`;
  if (res.rawPayload.length === 0) return 'empty body';
  const type = String(res.headers['content-type'] ?? '');
  if (res.statusCode >= 400) {
    if (!type.startsWith('application/json')) return `error answered as ${type || 'no content type'}`;
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(res.body) as Record<string, unknown>;
    } catch {
      return 'error body is not JSON';
    }
    if (typeof body.error !== 'string' || body.error === '') return 'error body has no `error`';
    if (!v2 && (typeof body.message !== 'string' || body.message === '')) return 'error body has no `message`';
  }
  return null;
}

/** The test model, 1 + 2x + x², evaluated as the model does (Horner), so equal means equal. */
const expected = (x: number): number => (x + 2) * x + 1;

let app: FastifyInstance;
const failures: Failure[] = [];
let baseline: { heapUsed: number; arrayBuffers: number };
const rng = new Prng(SEED);
const corpus = {
  queries: predictQueries(rng, PER_SURFACE),
  bodies: predictBodies(rng, PER_SURFACE),
  infers: inferRequests(rng, { name: MODEL.name, version: MODEL.version, feature: MODEL.feature.name }, PER_SURFACE),
  uploads: batchUploads(rng, PER_SURFACE),
};

/** Answers per surface by status, to show the corpus reaches both the accepting and the refusing paths. */
const statuses = new Map<string, Map<number, number>>();

function tally(surface: string, res: LightMyRequestResponse): void {
  const counts = statuses.get(surface) ?? new Map<number, number>();
  counts.set(res.statusCode, (counts.get(res.statusCode) ?? 0) + 1);
  statuses.set(surface, counts);
}

function record(surface: string, index: number, input: string | Buffer, res: LightMyRequestResponse, problem: string): void {
  failures.push({ surface, index, input: show(input), status: res.statusCode, problem, body: res.body.slice(0, 200) });
}

function jsonHeaders(request: JsonRequest): Record<string, string> {
  return request.contentType === null ? {} : { 'content-type': request.contentType };
}

async function fuzzQueries(queries: readonly string[]): Promise<void> {
  for (const [i, query] of queries.entries()) {
    const res = await app.inject({ method: 'GET', url: `/predict?${query}` });
    tally('GET /predict', res);
    const problem = problemWith(res, false);
    if (problem !== null) record('GET /predict', i, query, res, problem);
    else if (res.statusCode === 200) {
      const body = res.json<{ x: number; prediction: number }>();
      if (!Number.isFinite(body.prediction) || body.prediction !== expected(body.x))
        record('GET /predict', i, query, res, 'wrong prediction');
    }
  }
}

async function fuzzBodies(bodies: readonly JsonRequest[]): Promise<void> {
  for (const [i, request] of bodies.entries()) {
    const res = await app.inject({ method: 'POST', url: '/predict', headers: jsonHeaders(request), payload: request.body });
    tally('POST /predict', res);
    const problem = problemWith(res, false);
    if (problem !== null) record('POST /predict', i, request.body, res, problem);
    else if (res.statusCode === 200) {
      const { results } = res.json<{ results: Array<{ x?: number; prediction?: number; error?: string }> }>();
      for (const r of results) {
        const ok = r.error !== undefined ? r.error !== '' : Number.isFinite(r.prediction) && r.prediction === expected(r.x as number);
        if (!ok) record('POST /predict', i, request.body, res, `bad result ${JSON.stringify(r)}`);
      }
    }
  }
}

async function fuzzInfer(requests: ReturnType<typeof inferRequests>): Promise<void> {
  for (const [i, request] of requests.entries()) {
    const res = await app.inject({ method: 'POST', url: request.path, headers: jsonHeaders(request), payload: request.body });
    tally('POST /v2', res);
    const problem = problemWith(res, true);
    if (problem !== null) record(`POST ${request.path}`, i, request.body, res, problem);
    else if (res.statusCode === 200) {
      const { outputs } = res.json<{ outputs: Array<{ data: number[] }> }>();
      if (!outputs[0]?.data.every((y) => Number.isFinite(y))) record(`POST ${request.path}`, i, request.body, res, 'non-finite output');
    }
  }
}

async function fuzzUploads(uploads: ReturnType<typeof batchUploads>): Promise<void> {
  for (const [i, upload] of uploads.entries()) {
    const res = await app.inject({ method: 'POST', url: '/batch_prediction', headers: upload.headers, payload: upload.payload });
    tally('POST /batch_prediction', res);
    const problem = problemWith(res, false);
    const input = `${upload.label}: ${show(upload.payload)}`;
    if (problem !== null) record('POST /batch_prediction', i, input, res, problem);
    else if (res.statusCode === 200) {
      if (!String(res.headers['content-type']).startsWith('text/csv'))
        record('POST /batch_prediction', i, input, res, 'a 200 that is not CSV');
      else if (!/,prediction,error\n/.test(res.body.slice(0, 200_000)))
        record('POST /batch_prediction', i, input, res, 'CSV without its header');
    }
  }
}

/** Failures on one surface, grouped by problem with the first few inputs, so a report stays readable. */
function report(surface: string): string[] {
  const groups = new Map<string, Failure[]>();
  for (const f of failures.filter((x) => x.surface.startsWith(surface))) {
    const key = `${f.surface}: ${f.problem}`;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  return [...groups].map(
    ([key, list]) =>
      `${key} (${list.length}×, seed ${SEED}), e.g.\n` +
      list
        .slice(0, 3)
        .map((f) => `  #${f.index} ${f.input} -> ${f.status} ${JSON.stringify(f.body)}`)
        .join('\n'),
  );
}

/** A corpus that only ever hits the door (or only succeeds) proves little: demand plenty of both. */
function expectBothPaths(surface: string): void {
  const counts = [...(statuses.get(surface) ?? new Map<number, number>())];
  const ok = counts.filter(([status]) => status === 200).reduce((n, [, c]) => n + c, 0);
  const refused = counts.filter(([status]) => status >= 400 && status < 500).reduce((n, [, c]) => n + c, 0);
  expect({ surface, enoughAccepted: ok >= 100, enoughRefused: refused >= 100 }).toEqual({
    surface,
    enoughAccepted: true,
    enoughRefused: true,
  });
}

beforeAll(async () => {
  app = await buildTestApp();
  // Warm up every path (schemas compiled, views cached, pools filled) before the baseline.
  await fuzzQueries(corpus.queries.slice(0, 100));
  await fuzzBodies(corpus.bodies.slice(0, 100));
  await fuzzInfer(corpus.infers.slice(0, 100));
  await fuzzUploads(corpus.uploads.slice(0, 100));
  failures.length = 0;
  statuses.clear();
  baseline = settledHeap();
}, 120_000);

afterAll(async () => {
  if (process.env.RXD_FUZZ_VERBOSE)
    console.log(JSON.stringify([...statuses].map(([k, v]) => [k, Object.fromEntries(v)])), baseline, settledHeap());
  await app?.close();
});

describe(`fuzzing the server's inputs (seed ${SEED})`, () => {
  it(`GET /predict: ${PER_SURFACE} hostile query strings, never a 5xx, always a message`, async () => {
    expect(corpus.queries.length).toBeGreaterThanOrEqual(PER_SURFACE);
    await fuzzQueries(corpus.queries);
    expect(report('GET /predict')).toEqual([]);
    expectBothPaths('GET /predict');
  }, 120_000);

  it(`POST /predict: ${PER_SURFACE} hostile JSON bodies, never a 5xx, always a message`, async () => {
    expect(corpus.bodies.length).toBeGreaterThanOrEqual(PER_SURFACE);
    await fuzzBodies(corpus.bodies);
    expect(report('POST /predict')).toEqual([]);
    expectBothPaths('POST /predict');
  }, 120_000);

  it(`POST /v2/models/{name}/infer: ${PER_SURFACE} hostile requests, never a 5xx, always an error`, async () => {
    expect(corpus.infers.length).toBeGreaterThanOrEqual(PER_SURFACE);
    await fuzzInfer(corpus.infers);
    expect(report('POST /v2')).toEqual([]);
    expectBothPaths('POST /v2');
  }, 120_000);

  it(`POST /batch_prediction: ${PER_SURFACE} hostile uploads, never a 5xx, always a message`, async () => {
    expect(corpus.uploads.length).toBeGreaterThanOrEqual(PER_SURFACE);
    await fuzzUploads(corpus.uploads);
    expect(report('POST /batch_prediction')).toEqual([]);
    expectBothPaths('POST /batch_prediction');
  }, 120_000);

  it('gives the memory back: the heap after the storm is within a few MB of the warmed-up baseline', () => {
    const after = settledHeap();
    const mb = (n: number): number => Math.round((n / 1048576) * 10) / 10;
    // Generous: the bound is for leaks that grow with requests (8,000+ of
    // them here, several of them megabytes), not for caches that settle.
    expect(mb(after.heapUsed - baseline.heapUsed)).toBeLessThan(16);
    expect(mb(after.arrayBuffers - baseline.arrayBuffers)).toBeLessThan(16);
  });
});
