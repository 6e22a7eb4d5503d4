/**
 * Rate limits that stay per client when a replica runs several workers.
 *
 * Each worker counts in its own memory, so on its own a client spreading
 * connections over N workers would get N times its limit. Here the primary
 * holds every client's budget for the window (a RateLimitLedger) and deals
 * it out in leases: a worker asks for a few requests' worth at a time and
 * spends them locally, so a prediction costs a message to the primary only
 * once per lease, not once per request.
 *
 * A client can never get more than its limit in a window: every request a
 * worker lets through spends a token the primary granted from that one
 * budget. It can be refused a little early: tokens leased to a worker the
 * client no longer reaches stay unspent until the window ends, at most
 * LEASE_SHARE of the limit per worker. A client on one connection only
 * ever meets one worker, which then holds the whole budget.
 */

/** The most one lease takes of a limit, per worker: a client spread over workers loses at most this share per worker. */
export const LEASE_SHARE = 1 / 64;
/** The primary forgets clients whose window has ended once it holds this many. */
const LEDGER_SWEEP_SIZE = 10_000;
/** A worker waits this long for the primary before it lets the request through (the primary is busy or gone). */
const LEASE_TIMEOUT_MS = 2000;

const LEASE_REQUEST = 'realxdeal:rate-limit-lease';
const LEASE_GRANT = 'realxdeal:rate-limit-grant';

export interface LeaseRequest {
  type: typeof LEASE_REQUEST;
  id: number;
  key: string;
  want: number;
  max: number;
  windowMs: number;
}

export interface LeaseGrant {
  /** Requests the worker may let through for this key until resetAt. */
  grant: number;
  /** The budget given out so far in this window, this grant included. */
  granted: number;
  /** When the window ends (ms since the epoch). */
  resetAt: number;
}

interface LeaseGrantMessage extends LeaseGrant {
  type: typeof LEASE_GRANT;
  id: number;
}

/** The primary's book: per key, what has been given out in its current window. */
export class RateLimitLedger {
  private readonly windows = new Map<string, { resetAt: number; granted: number }>();

  grant(key: string, want: number, max: number, windowMs: number, now = Date.now()): LeaseGrant {
    let window = this.windows.get(key);
    if (window === undefined || window.resetAt <= now) {
      if (window === undefined && this.windows.size >= LEDGER_SWEEP_SIZE) this.sweep(now);
      window = { resetAt: now + windowMs, granted: 0 };
      this.windows.set(key, window);
    }
    const grant = Math.max(0, Math.min(want, max - window.granted));
    window.granted += grant;
    return { grant, granted: window.granted, resetAt: window.resetAt };
  }

  /** Keys whose window is still open. */
  get size(): number {
    return this.windows.size;
  }

  private sweep(now: number): void {
    for (const [key, window] of this.windows) if (window.resetAt <= now) this.windows.delete(key);
  }
}

export function isLeaseRequest(message: unknown): message is LeaseRequest {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === LEASE_REQUEST;
}

/** The primary's answer to a worker's lease request. */
export function answerLease(ledger: RateLimitLedger, request: LeaseRequest): LeaseGrantMessage {
  return { type: LEASE_GRANT, id: request.id, ...ledger.grant(request.key, request.want, request.max, request.windowMs) };
}

/** How a worker asks the primary for tokens. */
export type AskForLease = (key: string, want: number, max: number, windowMs: number) => Promise<LeaseGrant>;

/** Over the cluster IPC channel, in a worker. */
export function askPrimary(): AskForLease {
  let nextId = 0;
  const pending = new Map<number, (grant: LeaseGrant) => void>();
  process.on('message', (message: unknown) => {
    if (typeof message !== 'object' || message === null || (message as { type?: unknown }).type !== LEASE_GRANT) return;
    const grant = message as LeaseGrantMessage;
    pending.get(grant.id)?.(grant);
    pending.delete(grant.id);
  });
  return (key, want, max, windowMs) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`the cluster primary did not answer a rate-limit lease within ${LEASE_TIMEOUT_MS} ms`));
      }, LEASE_TIMEOUT_MS);
      pending.set(id, (grant) => {
        clearTimeout(timer);
        resolve(grant);
      });
      const request: LeaseRequest = { type: LEASE_REQUEST, id, key, want, max, windowMs };
      process.send!(request);
    });
}

interface Lease {
  tokens: number;
  /** The client's spend in this window as this worker knows it: the ledger's total minus our unspent tokens. */
  granted: number;
  resetAt: number;
}

/** What @fastify/rate-limit's store callback takes. */
type StoreCallback = (error: Error | null, result?: { current: number; ttl: number }) => void;

/**
 * A @fastify/rate-limit store (the LocalStore's `incr`/`child` contract)
 * that spends leased tokens. One instance per limiter; limiters keep their
 * budgets apart by their keys (see the rate-limit plugin's key prefixes).
 */
export class LeasedRateLimitStore {
  private readonly leases = new Map<string, Lease>();
  private readonly waiting = new Map<string, Promise<void>>();

  constructor(private readonly ask: AskForLease) {}

  incr(key: string, callback: StoreCallback, windowMs: number, max: number): void {
    const now = Date.now();
    const lease = this.leases.get(key);
    if (lease !== undefined && lease.resetAt > now && lease.tokens > 0) {
      callback(null, this.spend(lease, now));
      return;
    }
    if (lease !== undefined && lease.resetAt > now && lease.granted >= max) {
      // The whole budget is out; no point asking until the window ends.
      callback(null, { current: max + 1, ttl: lease.resetAt - now });
      return;
    }
    // One lease request per key at a time: requests that arrive meanwhile
    // wait for it, then try again: they spend from it, or, if it ran out
    // before their turn, ask for the next. Each round either spends a token
    // or learns the budget is gone, so this ends.
    let waiting = this.waiting.get(key);
    if (waiting === undefined) {
      waiting = this.renew(key, max, windowMs).finally(() => this.waiting.delete(key));
      this.waiting.set(key, waiting);
    }
    waiting.then(
      () => this.incr(key, callback, windowMs, max),
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
    );
  }

  /** The plugin's per-route stores: the same leases (each limiter's keys are its own). */
  child(): LeasedRateLimitStore {
    return this;
  }

  private spend(lease: Lease, now: number): { current: number; ttl: number } {
    lease.tokens--;
    return { current: lease.granted - lease.tokens, ttl: lease.resetAt - now };
  }

  private async renew(key: string, max: number, windowMs: number): Promise<void> {
    const want = Math.max(1, Math.floor(max * LEASE_SHARE));
    const grant = await this.ask(key, want, max, windowMs);
    const now = Date.now();
    const previous = this.leases.get(key);
    // Unspent tokens of the same window stay ours; a new window starts clean.
    const carried = previous !== undefined && previous.resetAt === grant.resetAt ? previous.tokens : 0;
    if (previous === undefined && this.leases.size >= LEDGER_SWEEP_SIZE) {
      for (const [k, lease] of this.leases) if (lease.resetAt <= now) this.leases.delete(k);
    }
    // Nothing granted means the budget is spent, whatever the count says: never ask again in this window.
    const granted = grant.grant === 0 ? Math.max(grant.granted, max) : grant.granted;
    this.leases.set(key, { tokens: carried + grant.grant, granted, resetAt: grant.resetAt });
  }
}
