/**
 * Throughput of the two hot paths, as ratios against a floor that cannot be
 * beaten: predictMany vs a hand-written `b0 + b1 * x` loop, and fit on 1M
 * points against the one-second budget. Prints numbers; it asserts nothing.
 */
import { type ModelArtifact, createPrng, fit, predictMany, validateModel } from '@realxdeal/model';
import { benchResult, median } from './report';

const PREDICT_N = 10_000_000;
const FIT_N = 1_000_000;
const REPEATS = 5;

function seconds(run: () => void): number {
  const start = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function model(coefficients: number[]): ModelArtifact {
  return validateModel({
    name: 'bench',
    version: '0.0.0',
    feature: { name: 'area', unit: 'm2' },
    target: { name: 'price', unit: 'EUR' },
    kind: 'polynomial',
    coefficients,
    training: {
      n: 1,
      n_train: 1,
      n_test: 0,
      degree: coefficients.length - 1,
      robust: false,
      r2: 0,
      rmse: 0,
      mae: 0,
      x_min: 20,
      x_max: 300,
      trained_at: '2024-01-01T00:00:00.000Z',
      seed: 42,
      holdout: 0.2,
      source: { description: 'synthetic benchmark', sha256: null },
    },
  });
}

// Kept out of line and fed the same arrays, so V8 treats it like the library loop.
function baselineLoop(b0: number, b1: number, xs: Float64Array, out: Float64Array): void {
  for (let i = 0; i < xs.length; i++) out[i] = b0 + b1 * xs[i];
}

function syntheticAreas(n: number, seed: number): Float64Array {
  const random = createPrng(seed);
  const xs = new Float64Array(n);
  for (let i = 0; i < n; i++) xs[i] = random.between(20, 300);
  return xs;
}

interface Row {
  what: string;
  value: string;
  target: string;
}

function main(): void {
  const rows: Row[] = [];
  const xs = syntheticAreas(PREDICT_N, 1);
  const out = new Float64Array(PREDICT_N);
  const linear = model([48000, 3150]);
  const [b0, b1] = linear.coefficients as [number, number];

  // Interleaved after one warm-up each, so drift (turbo, GC) hits both alike.
  baselineLoop(b0, b1, xs, out);
  predictMany(linear, xs, out);
  const base: number[] = [];
  const lib: number[] = [];
  let checksum = 0;
  for (let r = 0; r < REPEATS; r++) {
    base.push(seconds(() => baselineLoop(b0, b1, xs, out)));
    checksum += out[r];
    lib.push(seconds(() => predictMany(linear, xs, out)));
    checksum += out[r];
  }
  const baseRate = PREDICT_N / median(base);
  const libRate = PREDICT_N / median(lib);
  rows.push({ what: 'plain loop b0 + b1*x (10M)', value: `${(baseRate / 1e6).toFixed(0)} M/s`, target: '' });
  rows.push({ what: 'predictMany degree 1 (10M)', value: `${(libRate / 1e6).toFixed(0)} M/s`, target: '' });
  rows.push({ what: 'ratio predictMany / loop', value: (libRate / baseRate).toFixed(2), target: '>= 0.80' });
  benchResult({
    figure: 'predictMany 10M values',
    value: libRate / 1e6,
    unit: 'M/s',
    reference: baseRate / 1e6,
    referenceLabel: 'M/s plain loop',
    ratio: libRate / baseRate,
    target: '>= 0.8',
    pass: libRate / baseRate >= 0.8,
  });

  const quadratic = model([60000, 2500, 1.5]);
  predictMany(quadratic, xs, out);
  const quad: number[] = [];
  for (let r = 0; r < REPEATS; r++) quad.push(seconds(() => predictMany(quadratic, xs, out)));
  rows.push({ what: 'predictMany degree 2 (10M)', value: `${(PREDICT_N / median(quad) / 1e6).toFixed(0)} M/s`, target: 'info' });

  const fx = syntheticAreas(FIT_N, 2);
  const noise = createPrng(3);
  const fy = new Float64Array(FIT_N);
  for (let i = 0; i < FIT_N; i++) fy[i] = 48000 + 3150 * fx[i] + 40000 * (noise.uniform() - 0.5);
  const cases: Array<{ label: string; degree: number; robust: boolean; target: string }> = [
    { label: 'fit degree 1 (1M points)', degree: 1, robust: false, target: '< 1 s' },
    { label: 'fit degree 2 (1M points)', degree: 2, robust: false, target: 'info' },
    { label: 'fit degree 1 robust (1M points)', degree: 1, robust: true, target: 'info' },
  ];
  for (const c of cases) {
    const times: number[] = [];
    for (let r = 0; r <= REPEATS; r++) {
      const t = seconds(() => {
        checksum += fit(fx, fy, { degree: c.degree, robust: c.robust }).coefficients[0];
      });
      if (r > 0) times.push(t);
    }
    rows.push({ what: c.label, value: `${median(times).toFixed(3)} s`, target: c.target });
    if (c.target !== 'info') benchResult({ figure: c.label, value: median(times), unit: 's', target: c.target, pass: median(times) < 1 });
  }

  const w0 = Math.max(...rows.map((r) => r.what.length), 'measure'.length);
  const w1 = Math.max(...rows.map((r) => r.value.length), 'median'.length);
  console.log(`${'measure'.padEnd(w0)} | ${'median'.padStart(w1)} | target`);
  console.log(`${'-'.repeat(w0)}-|-${'-'.repeat(w1)}-|-------`);
  for (const r of rows) console.log(`${r.what.padEnd(w0)} | ${r.value.padStart(w1)} | ${r.target}`);
  console.log(`\n${REPEATS} runs each, medians; node ${process.version}; checksum ${checksum.toExponential(3)}`);
  console.log('reproduce: npm run bench:model   (or: npx tsc -b tools && node tools/dist/bench/bench-model.js)');
}

main();
