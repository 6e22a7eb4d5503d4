import { createPrng } from '@realxdeal/model';
import { avgPricePerM2, type CategoryPrice } from 'analysis';
import { ENGINES, type FixturePosting, seededDatabase, type SeededDatabase } from 'tools/testing';

let nextId = 1;
/** A posting whose price per m² is price/area. */
function priced(category: string, price: number, area: number): FixturePosting {
  return {
    uuid: `00000000-0000-4000-a000-${(nextId++).toString(16).padStart(12, '0')}`,
    category,
    zip_code: null,
    price,
    area,
    created_at: '2022-06-15 12:00:00',
    status: 'ONLINE',
  };
}

/** Hand-made: middle values far apart, in different bands, equal, tiny. */
const HAND_MADE: FixturePosting[] = [
  priced('TWO_FAR', 1, 1),
  priced('TWO_FAR', 100, 1), // median (1 + 100) / 2 = 50.5
  priced('FIVE_WIDE', 1000000, 1),
  priced('FIVE_WIDE', 3, 1),
  priced('FIVE_WIDE', 1, 1),
  priced('FIVE_WIDE', 1000, 1),
  priced('FIVE_WIDE', 2, 1), // 1, 2, 3, 1000, 1e6: median 3
  priced('FOUR_WIDE', 10, 1),
  priced('FOUR_WIDE', 1000, 1),
  priced('FOUR_WIDE', 1, 1),
  priced('FOUR_WIDE', 100, 1), // 1, 10, 100, 1000: median 55
  priced('SAME', 70, 10),
  priced('SAME', 35, 5),
  priced('SAME', 700, 100),
  priced('SAME', 7, 1), // all 7
  priced('TINY', 1e-6, 1e6), // 1e-12
  priced('TINY', 1, 2), // 0.5: median (1e-12 + 0.5) / 2
];

const HAND_MADE_Q1: Array<Pick<CategoryPrice, 'category' | 'postings' | 'median_price_per_m2'> & { mean: number }> = [
  { category: 'FIVE_WIDE', postings: 5, median_price_per_m2: 3, mean: 1001006 / 5 },
  { category: 'FOUR_WIDE', postings: 4, median_price_per_m2: 55, mean: 1111 / 4 },
  { category: 'SAME', postings: 4, median_price_per_m2: 7, mean: 7 },
  { category: 'TINY', postings: 2, median_price_per_m2: (1e-12 + 0.5) / 2, mean: (1e-12 + 0.5) / 2 },
  { category: 'TWO_FAR', postings: 2, median_price_per_m2: 50.5, mean: 50.5 },
];

/**
 * Many values bunched around one level (so the middle band is crowded and
 * the middle ranks often straddle a band edge), with repeats.
 */
function randomCategory(name: string, count: number, seed: number): FixturePosting[] {
  const random = createPrng(seed);
  const next = (): number => random.uniform();
  return Array.from({ length: count }, () => {
    const area = 20 + Math.floor(next() * 180);
    const price = next() < 0.2 ? area * 12 : Math.round(area * 12 * Math.exp((next() - 0.5) * 0.1) * 100) / 100;
    return priced(name, price, area);
  });
}

const RANDOM = [randomCategory('R_ODD', 301, 1), randomCategory('R_EVEN', 300, 2), randomCategory('R_EVEN_2', 64, 3)];

/** The reference: sort in JS. */
function medianOf(rows: FixturePosting[]): number {
  const values = rows.map((r) => (r.price as number) / (r.area as number)).sort((a, b) => a - b);
  const mid = values.length >> 1;
  return values.length % 2 === 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

describe.each(ENGINES)('question 1 medians on %s', (engine) => {
  let seeded: SeededDatabase;
  beforeAll(async () => {
    seeded = await seededDatabase(engine, [...HAND_MADE, ...RANDOM.flat()]);
  });
  afterAll(async () => {
    await seeded?.dispose();
  });

  it('finds the middle values wherever they lie', async () => {
    const rows = await avgPricePerM2(seeded.db.knex);
    for (const want of HAND_MADE_Q1) {
      const got = rows.find((r) => r.category === want.category);
      expect(got).toMatchObject({ category: want.category, postings: want.postings, median_price_per_m2: want.median_price_per_m2 });
      expect(got?.avg_price_per_m2).toBeCloseTo(want.mean, 9);
    }
  });

  it('agrees with sorting in JS on crowded, repetitive categories', async () => {
    const rows = await avgPricePerM2(seeded.db.knex);
    for (const category of RANDOM) {
      const name = category[0]?.category;
      const got = rows.find((r) => r.category === name);
      expect(got?.postings).toBe(category.length);
      expect(got?.median_price_per_m2).toBe(medianOf(category));
    }
  });
});

describe.each(ENGINES)('question 1 medians from a sample on %s', (engine) => {
  let seeded: SeededDatabase;
  beforeAll(async () => {
    seeded = await seededDatabase(engine, [...HAND_MADE, ...RANDOM.flat()]);
  });
  afterAll(async () => {
    await seeded?.dispose();
  });

  it('are the same whatever part of the table the sample sees', async () => {
    const whole = await avgPricePerM2(seeded.db.knex);
    for (const sampleRows of [1, 30, 150, 400]) {
      expect(await avgPricePerM2(seeded.db.knex, { sampleRows })).toEqual(whole);
    }
  });
});

describe.each(ENGINES)('a misleading sample on %s', (engine) => {
  // The first postings by uuid all cost 1000/m²; the middle ones 150 and 151.
  const SKEWED = [
    ...Array.from({ length: 100 }, () => priced('SKEWED', 1000, 1)),
    ...Array.from({ length: 200 }, (_, i) => priced('SKEWED', i + 1, 1)),
  ];
  let seeded: SeededDatabase;
  beforeAll(async () => {
    seeded = await seededDatabase(engine, SKEWED);
  });
  afterAll(async () => {
    await seeded?.dispose();
  });

  it('costs another statement, never a wrong median', async () => {
    const statements: string[] = [];
    const count = (query: { sql: string }): void => void statements.push(query.sql);
    seeded.db.knex.on('query', count);
    try {
      const rows = await avgPricePerM2(seeded.db.knex, { sampleRows: 100 });
      expect(rows).toEqual([
        { category: 'SKEWED', postings: 300, avg_price_per_m2: (100 * 1000 + 20100) / 300, median_price_per_m2: 150.5 },
      ]);
    } finally {
      seeded.db.knex.off('query', count);
    }
    // MariaDB: the sample, the one-scan statement, then the two-pass one.
    expect(statements).toHaveLength(engine === 'mysql' ? 3 : 1);
  });
});
