import { describeWeekdayPattern, type WeekdayMean } from 'analysis';

const NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

function week(means: number[], days: number[] = [4, 4, 4, 4, 4, 4, 4]): WeekdayMean[] {
  return NAMES.map((weekday, i) => ({ weekday, days: days[i] ?? 4, mean_postings: means[i] ?? 0 }));
}

describe('describeWeekdayPattern', () => {
  it('compares weekend days with weekdays in percent', () => {
    // Weekdays 100 a day, weekend days 59: 41% fewer.
    expect(describeWeekdayPattern(week([100, 100, 100, 100, 100, 59, 59]))).toBe(
      'weekend days average 41% fewer new postings than weekdays (busiest: Monday, 100 a day; quietest: Saturday, 59 a day)',
    );
  });

  it('weights each weekday by how many of it the month has', () => {
    // Weekdays (4·10 + 5·20 + 4·10·3) / 21 = 260/21; weekend 13 → 5% more.
    expect(describeWeekdayPattern(week([10, 20, 10, 10, 10, 13, 13], [4, 5, 4, 4, 4, 4, 4]))).toBe(
      'weekend days average 5% more new postings than weekdays (busiest: Tuesday, 20 a day; quietest: Monday, 10 a day)',
    );
  });

  it('says when weekends and weekdays are alike', () => {
    expect(describeWeekdayPattern(week([2, 2, 2, 2, 2, 2, 2]))).toBe(
      'weekend days average about as many new postings as weekdays (busiest: Monday, 2 a day; quietest: Monday, 2 a day)',
    );
  });

  it('says when there is nothing to compare', () => {
    expect(describeWeekdayPattern([])).toBe('no new postings in the month, so no weekday pattern');
    expect(describeWeekdayPattern(week([0, 0, 0, 0, 0, 0, 0]))).toBe('no new postings in the month, so no weekday pattern');
    expect(describeWeekdayPattern(week([0, 0, 0, 0, 0, 3, 1]))).toBe(
      'new postings arrive only on weekend days (busiest: Saturday, 3 a day; quietest: Monday, 0 a day)',
    );
  });
});
