/**
 * The repository's one seeded PRNG: the model's holdout split uses it at run
 * time, and the tools workspace (postings generator, benchmarks) imports it
 * from here, the bottom package, rather than carrying a copy.
 *
 * sfc32 rather than mulberry32: mulberry32 has only 32 bits of state, so the
 * four consecutive outputs that make a uuid could take at most 2^32 values and
 * a 5,000,000-row generated file would contain thousands of colliding
 * "random" uuids. sfc32 carries 128 bits of state (with a counter that
 * guarantees a period of at least 2^32). Math.random cannot be seeded, and the
 * holdout split must be reproducible from the seed recorded in the artifact.
 *
 * Not cryptographic; its only contract is "same seed, same sequence" on every
 * platform, which holds because everything is 32-bit integer arithmetic.
 */
export interface Prng {
  /** A uniform integer in [0, 2^32). */
  uint32(): number;
  /** A uniform float in [0, 1). */
  uniform(): number;
  /** A uniform float in [min, max). */
  between(min: number, max: number): number;
  /** A uniform integer in [0, n). */
  int(n: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  /** A normal deviate (Box–Muller). */
  normal(mean?: number, sd?: number): number;
  /**
   * A log-normal deviate parametrised by its median (exp of the underlying
   * mean) and the underlying sigma, because "typical value ± spread" is how
   * the category profiles are written down.
   */
  logNormal(median: number, sigma: number): number;
  /** One element of a non-empty list, uniformly. */
  pick<T>(items: readonly T[]): T;
}

const TWO_POW_32 = 4294967296;

export function createPrng(seed: number): Prng {
  if (!Number.isSafeInteger(seed)) {
    throw new RangeError(`PRNG seed must be a safe integer, got ${String(seed)}`);
  }
  // Seeds above 2^32 still differ from their low 32 bits.
  let a = 0x9e3779b9 | 0;
  let b = 0x243f6a88 | 0;
  let c = (0xb7e15162 ^ Math.floor(Math.abs(seed) / TWO_POW_32) ^ (seed < 0 ? 0x55555555 : 0)) | 0;
  let d = seed | 0;
  let spare = 0;
  let hasSpare = false;

  const uint32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  // The first outputs of sfc32 still echo the seed; discard them.
  for (let i = 0; i < 20; i++) uint32();

  const uniform = (): number => uint32() / TWO_POW_32;

  const standardNormal = (): number => {
    if (hasSpare) {
      hasSpare = false;
      return spare;
    }
    // 1 - u lies in (0, 1], so the logarithm is finite.
    const r = Math.sqrt(-2 * Math.log(1 - uniform()));
    const theta = 2 * Math.PI * uniform();
    spare = r * Math.sin(theta);
    hasSpare = true;
    return r * Math.cos(theta);
  };

  return {
    uint32,
    uniform,
    between: (min, max) => min + (max - min) * uniform(),
    int: (n) => Math.floor(uniform() * n),
    chance: (p) => uniform() < p,
    normal: (mean = 0, sd = 1) => mean + sd * standardNormal(),
    logNormal: (median, sigma) => median * Math.exp(sigma * standardNormal()),
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new RangeError('pick() needs a non-empty list');
      return items[Math.floor(uniform() * items.length)];
    },
  };
}

/** 0…n−1 in a Fisher–Yates order fixed by `seed`. */
export function shuffledIndices(n: number, seed: number): Uint32Array {
  const random = createPrng(seed);
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = random.int(i + 1);
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}
