/**
 * Budgets held by the cluster primary and leased to workers: a client gets
 * its limit however many workers its connections reach, never more.
 * Two stores sharing one ledger stand for two workers and their primary.
 */
import { PassThrough } from 'node:stream';
import { buildApp } from '../src/app';
import { LEASE_SHARE, LeasedRateLimitStore, RateLimitLedger, type AskForLease } from '../src/lib/cluster-rate-limit';
import { testModel } from './helpers';

const MINUTE = 60_000;

function sharedLedger(): { ledger: RateLimitLedger; ask: AskForLease; asked: () => number } {
  const ledger = new RateLimitLedger();
  let asked = 0;
  return {
    ledger,
    ask: async (key, want, max, windowMs) => {
      asked++;
      return ledger.grant(key, want, max, windowMs);
    },
    asked: () => asked,
  };
}

/** One request through a store, as @fastify/rate-limit makes it: allowed when current <= max. */
function request(store: LeasedRateLimitStore, key: string, max: number, windowMs = MINUTE): Promise<boolean> {
  return new Promise((resolve, reject) => {
    store.incr(key, (error, result) => (error ? reject(error) : resolve(result!.current <= max)), windowMs, max);
  });
}

async function allowedOf(stores: LeasedRateLimitStore[], key: string, max: number, requests: number, windowMs = MINUTE): Promise<number> {
  let allowed = 0;
  for (let i = 0; i < requests; i++) if (await request(stores[i % stores.length], key, max, windowMs)) allowed++;
  return allowed;
}

describe('RateLimitLedger (the primary)', () => {
  it('gives out at most the limit in a window, then nothing until the window ends', () => {
    const ledger = new RateLimitLedger();
    expect(ledger.grant('a', 4, 10, MINUTE, 0)).toEqual({ grant: 4, granted: 4, resetAt: MINUTE });
    expect(ledger.grant('a', 4, 10, MINUTE, 1000)).toEqual({ grant: 4, granted: 8, resetAt: MINUTE });
    expect(ledger.grant('a', 4, 10, MINUTE, 2000)).toEqual({ grant: 2, granted: 10, resetAt: MINUTE });
    expect(ledger.grant('a', 4, 10, MINUTE, 3000).grant).toBe(0);
    expect(ledger.grant('a', 4, 10, MINUTE, MINUTE)).toEqual({ grant: 4, granted: 4, resetAt: 2 * MINUTE });
  });

  it('keeps each client (key) apart', () => {
    const ledger = new RateLimitLedger();
    expect(ledger.grant('a', 10, 10, MINUTE, 0).grant).toBe(10);
    expect(ledger.grant('b', 10, 10, MINUTE, 0).grant).toBe(10);
  });
});

describe('LeasedRateLimitStore (the workers)', () => {
  it('lets a client spreading requests over two workers through exactly its limit, not twice it', async () => {
    const { ask } = sharedLedger();
    const workers = [new LeasedRateLimitStore(ask), new LeasedRateLimitStore(ask)];
    expect(await allowedOf(workers, '10.0.0.1', 10, 40)).toBe(10);
  });

  it('gives a client that reaches one worker its whole limit', async () => {
    const { ask } = sharedLedger();
    const one = new LeasedRateLimitStore(ask);
    new LeasedRateLimitStore(ask); // the other worker, never reached
    expect(await allowedOf([one], '10.0.0.1', 6000, 6100)).toBe(6000);
  });

  it('refuses a client spread over two workers at most a lease per worker early, and asks the primary once per lease', async () => {
    const { ask, asked } = sharedLedger();
    const workers = [new LeasedRateLimitStore(ask), new LeasedRateLimitStore(ask)];
    const allowed = await allowedOf(workers, '10.0.0.1', 6000, 6100);
    expect(allowed).toBeLessThanOrEqual(6000);
    expect(allowed).toBeGreaterThanOrEqual(6000 * (1 - 2 * LEASE_SHARE));
    // A lease is 6000 / 64 = 93 tokens: about 65 asks for 6,000 requests, not 6,100.
    expect(asked()).toBeLessThan(6100 / 50);
  });

  it('shares one lease request among requests that arrive while it is pending', async () => {
    const { ask, asked } = sharedLedger();
    const store = new LeasedRateLimitStore(ask);
    const outcomes = await Promise.all(Array.from({ length: 25 }, () => request(store, 'k', 10)));
    expect(outcomes.filter(Boolean)).toHaveLength(10);
    expect(asked()).toBeLessThanOrEqual(11);
  });

  it("keeps budgets apart per key: another client, or another limiter's prefixed key", async () => {
    const { ask } = sharedLedger();
    const store = new LeasedRateLimitStore(ask);
    expect(await allowedOf([store], '10.0.0.1', 3, 5)).toBe(3);
    expect(await allowedOf([store], '10.0.0.2', 3, 5)).toBe(3);
    expect(await allowedOf([store], 'POST /batch_prediction 10.0.0.1', 3, 5)).toBe(3);
  });

  it('opens a new budget when the window ends', async () => {
    const { ask } = sharedLedger();
    const workers = [new LeasedRateLimitStore(ask), new LeasedRateLimitStore(ask)];
    expect(await allowedOf(workers, 'k', 5, 8, 100)).toBe(5);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(await allowedOf(workers, 'k', 5, 8, 100)).toBe(5);
  });

  it('reports an unanswered lease as an error (which the plugin lets through: skipOnError)', async () => {
    const store = new LeasedRateLimitStore(() => Promise.reject(new Error('the cluster primary did not answer')));
    await expect(request(store, 'k', 10)).rejects.toThrow('did not answer');
  });
});

describe('a worker whose primary does not answer a lease', () => {
  it('serves the request, and logs a warning that says the limit was not applied and why', async () => {
    const stream = new PassThrough();
    let logged = '';
    stream.on('data', (chunk: Buffer) => (logged += chunk.toString('utf8')));
    const app = await buildApp({
      model: testModel(),
      logger: { stream },
      rateLimitLeases: () => Promise.reject(new Error('the cluster primary did not answer a rate-limit lease within 2000 ms')),
    });
    try {
      const res = await app.inject({ method: 'GET', url: '/predict?x=2' });
      expect(res.statusCode).toBe(200);
      const warning = logged
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as { level: number; msg: string; err?: { message: string } })
        .find((line) => line.level === 40);
      expect(warning).toMatchObject({
        msg: 'rate limit not applied to a request: its budget could not be leased from the cluster primary',
        err: { message: 'the cluster primary did not answer a rate-limit lease within 2000 ms' },
      });
    } finally {
      await app.close();
    }
  });
});
