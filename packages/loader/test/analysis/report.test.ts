import * as path from 'node:path';
import type { AnalysisAnswers, AnswerFileKey } from 'analysis';
import { formatReport } from '../../src/cli/report';

const OUT = path.resolve('/data/out');

const FILES: Record<AnswerFileKey, string> = {
  q1: path.join(OUT, 'q1_avg_price_per_m2.csv'),
  q2: path.join(OUT, 'q2_online_per_category.csv'),
  q3: path.join(OUT, 'q3_first_last_day.csv'),
  q4: path.join(OUT, 'q4_daily_change.csv'),
  q5: path.join(OUT, 'q5_alerts.csv'),
  weekday: path.join(OUT, 'weekday_pattern.csv'),
};

const ANSWERS: AnalysisAnswers = {
  month: '2021-02',
  q1: [
    { category: 'APARTMENT_BUY', postings: 1200, avg_price_per_m2: 4012.3456, median_price_per_m2: 3950 },
    { category: 'LAND_BUY', postings: 0, avg_price_per_m2: null, median_price_per_m2: null },
  ],
  q2: [
    { category: 'APARTMENT_BUY', online_postings: 700 },
    { category: 'LAND_BUY', online_postings: 0 },
  ],
  q3: [
    { day: '2021-02-01', postings: 40 },
    { day: '2021-02-28', postings: 0 },
  ],
  q4: Array.from({ length: 12 }, (_, i) => ({
    day: `2021-02-${String(i + 1).padStart(2, '0')}`,
    postings: i === 2 ? 5 : 40,
    previous_day_postings: i === 0 ? null : i === 3 ? 5 : 40,
    change_pct: i === 0 ? null : i === 2 ? -87.5 : i === 3 ? 700 : 0,
  })),
  q5: [
    { day: '2021-02-03', postings: 5, previous_day_postings: 40, change_pct: -87.5, kind: 'drop' },
    { day: '2021-02-04', postings: 40, previous_day_postings: 5, change_pct: 700, kind: 'spike' },
  ],
  weekday: [
    { weekday: 'Monday', days: 4, mean_postings: 100 },
    { weekday: 'Tuesday', days: 4, mean_postings: 100 },
    { weekday: 'Wednesday', days: 4, mean_postings: 100 },
    { weekday: 'Thursday', days: 4, mean_postings: 100 },
    { weekday: 'Friday', days: 4, mean_postings: 100 },
    { weekday: 'Saturday', days: 4, mean_postings: 59 },
    { weekday: 'Sunday', days: 4, mean_postings: 59 },
  ],
};

describe('formatReport', () => {
  it('prints every question as an aligned table, the alerts, the pattern and the files', () => {
    expect(formatReport(ANSWERS, FILES)).toBe(
      [
        'Market analysis for 2021-02 (questions 3-5; questions 1-2 cover the whole table)',
        '',
        'Q1  Average price per m² by category (postings with price > 0 and area > 0; whole table)',
        '  category       postings  mean EUR/m²  median EUR/m²',
        '  APARTMENT_BUY      1200      4012.35        3950.00',
        '  LAND_BUY              0            -              -',
        '',
        'Q2  Postings with status ONLINE by category (whole table)',
        '  category       online',
        '  APARTMENT_BUY     700',
        '  LAND_BUY            0',
        '',
        'Q3  Postings created on the first and last day of 2021-02',
        '  day         postings',
        '  2021-02-01        40',
        '  2021-02-28         0',
        '',
        'Q4  Day-over-day change (12 days)',
        '  day         postings  previous   change',
        '  2021-02-01        40         -        -',
        '  2021-02-02        40        40     0.0%',
        '  2021-02-03         5        40   -87.5%',
        '  2021-02-04        40         5  +700.0%',
        '  2021-02-05        40        40     0.0%',
        '  2021-02-06        40        40     0.0%',
        '  2021-02-07        40        40     0.0%',
        '  2021-02-08        40        40     0.0%',
        '  2021-02-09        40        40     0.0%',
        '  2021-02-10        40        40     0.0%',
        '  … 2 more in q4_daily_change.csv',
        '',
        'Q5  Alert days (2)',
        '  day         kind   postings  previous   change',
        '  2021-02-03  drop          5        40   -87.5%',
        '  2021-02-04  spike        40         5  +700.0%',
        '',
        'Weekday pattern: weekend days average 41% fewer new postings than weekdays (busiest: Monday, 100 a day; quietest: Saturday, 59 a day)',
        '    Mon    Tue    Wed    Thu    Fri   Sat   Sun',
        '  100.0  100.0  100.0  100.0  100.0  59.0  59.0',
        '',
        `Answer files in ${OUT}:`,
        '  q1_avg_price_per_m2.csv',
        '  q2_online_per_category.csv',
        '  q3_first_last_day.csv',
        '  q4_daily_change.csv',
        '  q5_alerts.csv',
        '  weekday_pattern.csv',
        '',
      ].join('\n'),
    );
  });

  it('says when no day alerted', () => {
    expect(formatReport({ ...ANSWERS, q5: [] }, FILES)).toContain('Q5  Alert days: none (no day-over-day change crossed the thresholds)');
  });

  it('says an empty table is empty and how to load data', () => {
    const report = formatReport({ month: null, q1: [], q2: [], q3: [], q4: [], q5: [], weekday: [] }, FILES);
    expect(report).toContain('The postings table is empty');
    expect(report).toContain('npm start');
    expect(report).toContain(`Answer files in ${OUT} (headers only):`);
    expect(report).not.toContain('Q1');
  });
});
