import { answerAll, firstLastDay, isAnalysisError, resolveMonth, weekdayPattern } from 'analysis';
import { ENGINES, MARKET_POSTINGS, type FixturePosting, seededDatabase, type SeededDatabase } from 'tools/testing';

function tiePosting(id: number, created_at: string): FixturePosting {
  return {
    uuid: `00000000-0000-4000-9000-${String(id).padStart(12, '0')}`,
    category: 'APARTMENT_RENT',
    zip_code: null,
    price: 500,
    area: 50,
    created_at,
    status: 'ONLINE',
  };
}

/** Two postings in March (inserted first), two in January, one in February. */
const TIE_POSTINGS: FixturePosting[] = [
  tiePosting(1, '2021-03-10 10:00:00'),
  tiePosting(2, '2021-03-31 23:59:59'),
  tiePosting(3, '2021-02-14 12:00:00'),
  tiePosting(4, '2021-01-01 00:00:00'),
  tiePosting(5, '2021-01-20 08:00:00'),
];

describe.each(ENGINES)('the month on %s', (engine) => {
  describe('with the market fixture', () => {
    let seeded: SeededDatabase;
    beforeAll(async () => {
      seeded = await seededDatabase(engine, MARKET_POSTINGS);
    });
    afterAll(async () => {
      await seeded?.dispose();
    });

    it('answers a named month of 31 days, its last second included', async () => {
      // January: the 15th (1), the 31st at 00:00:00 and at 23:59:59 (2).
      const answers = await answerAll(seeded.db.knex, { month: '2024-01' });
      expect(answers.month).toBe('2024-01');
      expect(answers.q3).toEqual([
        { day: '2024-01-01', postings: 0 },
        { day: '2024-01-31', postings: 2 },
      ]);
      expect(answers.q4).toHaveLength(31);
      expect(answers.q4[0]).toEqual({ day: '2024-01-01', postings: 0, previous_day_postings: null, change_pct: null });
      expect(answers.q4.slice(14, 16)).toEqual([
        { day: '2024-01-15', postings: 1, previous_day_postings: 0, change_pct: null },
        { day: '2024-01-16', postings: 0, previous_day_postings: 1, change_pct: -100 },
      ]);
      expect(answers.q4[30]).toEqual({ day: '2024-01-31', postings: 2, previous_day_postings: 0, change_pct: null });
      expect(answers.q5).toEqual([{ day: '2024-01-16', postings: 0, previous_day_postings: 1, change_pct: -100, kind: 'drop' }]);
      // Questions 1 and 2 still cover the whole table.
      expect(answers.q1).toHaveLength(6);
    });

    it('counts a posting at 00:00:00 on the 1st in that month, not the one before', async () => {
      expect(await firstLastDay(seeded.db.knex, { month: '2024-03' })).toEqual([
        { day: '2024-03-01', postings: 1 },
        { day: '2024-03-31', postings: 0 },
      ]);
    });

    it('answers an empty month of 30 days with zeros', async () => {
      const answers = await answerAll(seeded.db.knex, { month: '2024-04' });
      expect(answers.q3).toEqual([
        { day: '2024-04-01', postings: 0 },
        { day: '2024-04-30', postings: 0 },
      ]);
      expect(answers.q4).toHaveLength(30);
      expect(answers.q4.every((d) => d.postings === 0 && d.change_pct === null)).toBe(true);
      expect(answers.q4[1]).toEqual({ day: '2024-04-02', postings: 0, previous_day_postings: 0, change_pct: null });
      expect(answers.q5).toEqual([]);
      // 2024-04-01 is a Monday: Monday and Tuesday occur five times.
      expect(answers.weekday).toEqual([
        { weekday: 'Monday', days: 5, mean_postings: 0 },
        { weekday: 'Tuesday', days: 5, mean_postings: 0 },
        { weekday: 'Wednesday', days: 4, mean_postings: 0 },
        { weekday: 'Thursday', days: 4, mean_postings: 0 },
        { weekday: 'Friday', days: 4, mean_postings: 0 },
        { weekday: 'Saturday', days: 4, mean_postings: 0 },
        { weekday: 'Sunday', days: 4, mean_postings: 0 },
      ]);
    });

    it('knows February 2023 has 28 days', async () => {
      const answers = await answerAll(seeded.db.knex, { month: '2023-02' });
      expect(answers.q4).toHaveLength(28);
      expect(answers.q3.map((d) => d.day)).toEqual(['2023-02-01', '2023-02-28']);
      expect(answers.weekday.map((w) => w.days)).toEqual([4, 4, 4, 4, 4, 4, 4]);
    });

    it('rejects a malformed month with ANALYSIS_BAD_MONTH before querying', async () => {
      for (const month of ['2021-13', '2021-00', '2021-2', '21-02', '2021-02-01', '', 'February']) {
        const error: unknown = await resolveMonth(seeded.db.knex, month).catch((e: unknown) => e);
        expect(isAnalysisError(error) && error.code).toBe('ANALYSIS_BAD_MONTH');
        expect(isAnalysisError(error) && error.field).toBe('month');
      }
      await expect(answerAll(seeded.db.knex, { month: '2021-13' })).rejects.toThrow(
        'month must be a month as YYYY-MM with MM from 01 to 12, got 2021-13',
      );
    });

    it('rejects thresholds that are not finite or that overlap', async () => {
      for (const options of [{ dropThreshold: Number.NaN }, { spikeThreshold: Infinity }, { dropThreshold: 10, spikeThreshold: 5 }]) {
        const error: unknown = await answerAll(seeded.db.knex, options).catch((e: unknown) => e);
        expect(isAnalysisError(error) && error.code).toBe('ANALYSIS_BAD_THRESHOLD');
      }
    });
  });

  describe('with a tie', () => {
    let seeded: SeededDatabase;
    beforeAll(async () => {
      seeded = await seededDatabase(engine, TIE_POSTINGS);
    });
    afterAll(async () => {
      await seeded?.dispose();
    });

    it('takes the earlier of two months with the most postings', async () => {
      expect(await resolveMonth(seeded.db.knex)).toBe('2021-01');
      // January 2021 starts on a Friday: the 1st and the 20th (a Wednesday).
      expect(await weekdayPattern(seeded.db.knex)).toEqual([
        { weekday: 'Monday', days: 4, mean_postings: 0 },
        { weekday: 'Tuesday', days: 4, mean_postings: 0 },
        { weekday: 'Wednesday', days: 4, mean_postings: 0.25 },
        { weekday: 'Thursday', days: 4, mean_postings: 0 },
        { weekday: 'Friday', days: 5, mean_postings: 0.2 },
        { weekday: 'Saturday', days: 5, mean_postings: 0 },
        { weekday: 'Sunday', days: 5, mean_postings: 0 },
      ]);
    });
  });

  describe('with an empty table', () => {
    let seeded: SeededDatabase;
    beforeAll(async () => {
      seeded = await seededDatabase(engine, []);
    });
    afterAll(async () => {
      await seeded?.dispose();
    });

    it('has no month and no answers', async () => {
      expect(await resolveMonth(seeded.db.knex)).toBeNull();
      expect(await answerAll(seeded.db.knex)).toEqual({ month: null, q1: [], q2: [], q3: [], q4: [], q5: [], weekday: [] });
    });
  });
});
