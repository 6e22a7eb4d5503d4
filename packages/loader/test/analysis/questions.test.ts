import {
  alertDays,
  answerAll,
  avgPricePerM2,
  dailyChange,
  firstLastDay,
  onlinePerCategory,
  resolveMonth,
  trainingPairs,
  weekdayPattern,
  type CategoryPrice,
} from 'analysis';
import {
  ENGINES,
  MARKET_MONTH,
  MARKET_POSTINGS,
  MARKET_Q1,
  MARKET_Q2,
  MARKET_Q3,
  MARKET_Q4,
  MARKET_Q5,
  MARKET_Q5_LOOSE,
  MARKET_Q5_STRICT,
  MARKET_WEEKDAY,
  seededDatabase,
  type SeededDatabase,
} from 'tools/testing';

/**
 * Means are compared to 12 decimals: the library sums exact integer parts
 * of each price/area (so both engines agree), which may differ from JS
 * arithmetic on the same numbers in the last bit.
 */
function expectPrices(actual: CategoryPrice[], expected: CategoryPrice[]): void {
  expect(actual.map((r) => [r.category, r.postings])).toEqual(expected.map((r) => [r.category, r.postings]));
  actual.forEach((row, i) => {
    const want = expected[i];
    for (const key of ['avg_price_per_m2', 'median_price_per_m2'] as const) {
      const wanted = want[key];
      if (wanted === null) expect(row[key]).toBeNull();
      else expect(row[key]).toBeCloseTo(wanted, 12);
    }
  });
}

describe.each(ENGINES)('the five questions on %s', (engine) => {
  let seeded: SeededDatabase;

  beforeAll(async () => {
    seeded = await seededDatabase(engine, MARKET_POSTINGS);
  });

  afterAll(async () => {
    await seeded?.dispose();
  });

  it('picks the month holding the most postings', async () => {
    expect(await resolveMonth(seeded.db.knex)).toBe(MARKET_MONTH);
  });

  it('averages price per m² over usable postings only, with odd and even medians', async () => {
    expectPrices(await avgPricePerM2(seeded.db.knex), MARKET_Q1);
  });

  it('counts exact ONLINE postings for every category, 0 where none', async () => {
    expect(await onlinePerCategory(seeded.db.knex)).toEqual(MARKET_Q2);
  });

  it('counts the first and the (empty) last day of the month', async () => {
    expect(await firstLastDay(seeded.db.knex)).toEqual(MARKET_Q3);
  });

  it('lists every day of the month with its change from the day before', async () => {
    const rows = await dailyChange(seeded.db.knex);
    expect(rows).toHaveLength(29);
    expect(rows.map(({ change_pct: _change, ...rest }) => rest)).toEqual(MARKET_Q4.map(({ change_pct: _change, ...rest }) => rest));
    rows.forEach((row, i) => {
      const wanted = MARKET_Q4[i]?.change_pct;
      if (wanted === null || wanted === undefined) expect(row.change_pct).toBeNull();
      else expect(row.change_pct).toBeCloseTo(wanted, 12);
    });
  });

  it('alerts on drops below -70% and spikes above 200% by default', async () => {
    expect(await alertDays(seeded.db.knex)).toEqual(MARKET_Q5);
  });

  it('takes the thresholds as parameters', async () => {
    const loose = await alertDays(seeded.db.knex, { dropThreshold: -60, spikeThreshold: 250 });
    expect(loose.map((r) => [r.day, r.kind])).toEqual(MARKET_Q5_LOOSE.map((r) => [r.day, r.kind]));
    expect(loose[1]?.change_pct).toBeCloseTo(-200 / 3, 12);
    expect(await alertDays(seeded.db.knex, { dropThreshold: -80, spikeThreshold: 300 })).toEqual(MARKET_Q5_STRICT);
  });

  it('averages postings per weekday over every day of the month, Monday first', async () => {
    expect(await weekdayPattern(seeded.db.knex)).toEqual(MARKET_WEEKDAY);
  });

  it('answers everything at once, the same as one question at a time', async () => {
    const answers = await answerAll(seeded.db.knex);
    expect(answers.month).toBe(MARKET_MONTH);
    expectPrices(answers.q1, MARKET_Q1);
    expect(answers.q2).toEqual(MARKET_Q2);
    expect(answers.q3).toEqual(MARKET_Q3);
    expect(answers.q4).toEqual(await dailyChange(seeded.db.knex));
    expect(answers.q5).toEqual(MARKET_Q5);
    expect(answers.weekday).toEqual(MARKET_WEEKDAY);
  });

  it('applies thresholds in answerAll too', async () => {
    const answers = await answerAll(seeded.db.knex, { dropThreshold: -80, spikeThreshold: 300 });
    expect(answers.q5).toEqual(MARKET_Q5_STRICT);
  });

  it('gives area → price training pairs in uuid order, optionally for one category', async () => {
    const all = await trainingPairs(seeded.db.knex);
    // ids 1, 2, 3, 8, 9, 10, 11, 14, 15, 16, then the twenty garages.
    expect(Array.from(all.xs)).toEqual([50, 40, 50, 100, 125, 100, 140, 3, 7, 20, ...Array(20).fill(10)]);
    expect(Array.from(all.ys)).toEqual([1000, 600, 1300, 300000, 500000, 250000, 700000, 1000, 100, 400, ...Array(20).fill(50)]);
    const houses = await trainingPairs(seeded.db.knex, { category: 'HOUSE_BUY' });
    expect(Array.from(houses.xs)).toEqual([100, 125, 100, 140]);
    expect(Array.from(houses.ys)).toEqual([300000, 500000, 250000, 700000]);
    expect((await trainingPairs(seeded.db.knex, { category: 'house_buy' })).xs).toHaveLength(0);
  });
});
