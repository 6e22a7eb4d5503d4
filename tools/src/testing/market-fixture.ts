/**
 * A small hand-made market, with its answers worked out by hand (see the
 * comments) rather than produced by the code under test.
 *
 * 2024 was a leap year: February has 29 days and starts on a Thursday.
 * February holds 34 postings, January 3, March 2, so "the month" is 2024-02.
 */
import type { AlertDay, CategoryOnline, CategoryPrice, DailyChange, DayCount, WeekdayMean } from 'analysis';

export interface FixturePosting {
  uuid: string;
  category: string;
  zip_code: string | null;
  price: number | null;
  area: number | null;
  created_at: string;
  status: string;
}

/** uuids sort by `id`, so trainingPairs' order is known. */
function posting(
  id: number,
  category: string,
  price: number | null,
  area: number | null,
  created_at: string,
  status: string,
): FixturePosting {
  return {
    uuid: `00000000-0000-4000-8000-${id.toString(16).padStart(12, '0')}`,
    category,
    zip_code: id % 2 === 0 ? '01067' : null,
    price,
    area,
    created_at,
    status,
  };
}

export const MARKET_POSTINGS: FixturePosting[] = [
  // 2024-02-01 (Thu): 2, the first at the first second of the month.
  posting(1, 'APARTMENT_RENT', 1000, 50, '2024-02-01 00:00:00', 'ONLINE'), // 20 /m²
  posting(2, 'APARTMENT_RENT', 600, 40, '2024-02-01 13:30:00', 'ONLINE'), // 15 /m²
  // 2024-02-02: 2, one at the day's last second.
  posting(3, 'APARTMENT_RENT', 1300, 50, '2024-02-02 08:00:00', 'online'), // 26 /m²; lower-case status
  posting(4, 'APARTMENT_RENT', null, 30, '2024-02-02 23:59:59', 'ONLINE'), // no price
  // 2024-02-03: none.
  // 2024-02-04: 3, none usable for question 1.
  posting(5, 'APARTMENT_RENT', 800, 0, '2024-02-04 00:00:00', 'OFFLINE'), // zero area
  posting(6, 'APARTMENT_RENT', 0, 45, '2024-02-04 10:00:00', 'ONLINE'), // zero price
  posting(7, 'APARTMENT_RENT', 500, null, '2024-02-04 12:00:00', 'OFFLINE'), // no area
  // 2024-02-05: 1.
  posting(8, 'HOUSE_BUY', 300000, 100, '2024-02-05 09:00:00', 'OFFLINE'), // 3000 /m²
  // 2024-02-06: 4.
  posting(9, 'HOUSE_BUY', 500000, 125, '2024-02-06 00:00:01', 'online'), // 4000 /m²
  posting(10, 'HOUSE_BUY', 250000, 100, '2024-02-06 11:00:00', 'DRAFT'), // 2500 /m²
  posting(11, 'HOUSE_BUY', 700000, 140, '2024-02-06 15:00:00', 'OFFLINE'), // 5000 /m²
  posting(12, 'LAND_BUY', null, 800, '2024-02-06 23:59:59', 'ONLINE'),
  // 2024-02-07: 1.
  posting(13, 'LAND_BUY', 90000, null, '2024-02-07 07:00:00', 'OFFLINE'),
  // 2024-02-08 … 2024-02-27: one garage a day (ids 101-120), below.
  // 2024-02-28: 1, at the day's last second.
  posting(14, 'OFFICE_RENT', 1000, 3, '2024-02-28 23:59:59', 'ONLINE'), // 333.333… /m²
  // 2024-02-29: none.
  // January: 3 (two on the 31st, at its first and last second).
  posting(15, 'OFFICE_RENT', 100, 7, '2024-01-31 23:59:59', 'OFFLINE'), // 14.285714… /m²
  posting(16, 'studio', 400, 20, '2024-01-15 10:00:00', 'online'), // 20 /m²; lower-case category
  posting(17, 'GARAGE_RENT', 0, 12, '2024-01-31 00:00:00', 'ONLINE'), // zero price
  // March: 2.
  posting(18, 'GARAGE_RENT', 60, null, '2024-03-01 00:00:00', 'OFFLINE'),
  posting(19, 'APARTMENT_RENT', null, null, '2024-03-02 10:00:00', 'ONLINE'),
  // One garage a day from the 8th to the 27th: 50 EUR for 10 m² = 5 /m².
  ...Array.from({ length: 20 }, (_, i) =>
    posting(101 + i, 'GARAGE_RENT', 50, 10, `2024-02-${String(8 + i).padStart(2, '0')} 12:00:00`, 'ONLINE'),
  ),
];

export const MARKET_MONTH = '2024-02';

/**
 * Question 1, whole table. APARTMENT_RENT: 15, 20, 26 → mean 61/3, median 20.
 * GARAGE_RENT: twenty times 5. HOUSE_BUY: 2500, 3000, 4000, 5000 → mean
 * 3625, median (3000 + 4000) / 2. LAND_BUY: nothing usable. OFFICE_RENT:
 * 1000/3 and 100/7 → mean = median = 7300/42 = 173.8095238…. studio: 20.
 * Binary order: lower-case 'studio' sorts after every upper-case name.
 */
export const MARKET_Q1: CategoryPrice[] = [
  { category: 'APARTMENT_RENT', postings: 3, avg_price_per_m2: 61 / 3, median_price_per_m2: 20 },
  { category: 'GARAGE_RENT', postings: 20, avg_price_per_m2: 5, median_price_per_m2: 5 },
  { category: 'HOUSE_BUY', postings: 4, avg_price_per_m2: 3625, median_price_per_m2: 3500 },
  { category: 'LAND_BUY', postings: 0, avg_price_per_m2: null, median_price_per_m2: null },
  { category: 'OFFICE_RENT', postings: 2, avg_price_per_m2: 7300 / 42, median_price_per_m2: 7300 / 42 },
  { category: 'studio', postings: 1, avg_price_per_m2: 20, median_price_per_m2: 20 },
];

/**
 * Question 2: exact 'ONLINE' only. APARTMENT_RENT ids 1, 2, 4, 6, 19;
 * GARAGE_RENT the twenty garages and id 17; HOUSE_BUY none (id 9 is
 * 'online'); LAND_BUY id 12; OFFICE_RENT id 14; studio none ('online').
 */
export const MARKET_Q2: CategoryOnline[] = [
  { category: 'APARTMENT_RENT', online_postings: 5 },
  { category: 'GARAGE_RENT', online_postings: 21 },
  { category: 'HOUSE_BUY', online_postings: 0 },
  { category: 'LAND_BUY', online_postings: 1 },
  { category: 'OFFICE_RENT', online_postings: 1 },
  { category: 'studio', online_postings: 0 },
];

export const MARKET_Q3: DayCount[] = [
  { day: '2024-02-01', postings: 2 },
  { day: '2024-02-29', postings: 0 },
];

const steady = (day: number): DailyChange => ({
  day: `2024-02-${String(day).padStart(2, '0')}`,
  postings: 1,
  previous_day_postings: 1,
  change_pct: 0,
});

/**
 * Question 4. The 1st has no previous day although January 31st has two
 * postings; the 4th follows an empty day (previous 0 → change NULL);
 * the 5th is 100 * (1 - 3) / 3 = -66.666…%.
 */
export const MARKET_Q4: DailyChange[] = [
  { day: '2024-02-01', postings: 2, previous_day_postings: null, change_pct: null },
  { day: '2024-02-02', postings: 2, previous_day_postings: 2, change_pct: 0 },
  { day: '2024-02-03', postings: 0, previous_day_postings: 2, change_pct: -100 },
  { day: '2024-02-04', postings: 3, previous_day_postings: 0, change_pct: null },
  { day: '2024-02-05', postings: 1, previous_day_postings: 3, change_pct: -200 / 3 },
  { day: '2024-02-06', postings: 4, previous_day_postings: 1, change_pct: 300 },
  { day: '2024-02-07', postings: 1, previous_day_postings: 4, change_pct: -75 },
  ...[8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28].map(steady),
  { day: '2024-02-29', postings: 0, previous_day_postings: 1, change_pct: -100 },
];

/** Question 5 with the default thresholds: below -70 or above 200. */
export const MARKET_Q5: AlertDay[] = [
  { day: '2024-02-03', postings: 0, previous_day_postings: 2, change_pct: -100, kind: 'drop' },
  { day: '2024-02-06', postings: 4, previous_day_postings: 1, change_pct: 300, kind: 'spike' },
  { day: '2024-02-07', postings: 1, previous_day_postings: 4, change_pct: -75, kind: 'drop' },
  { day: '2024-02-29', postings: 0, previous_day_postings: 1, change_pct: -100, kind: 'drop' },
];

/** drop -60, spike 250: the 5th (-66.7%) now alerts too. */
export const MARKET_Q5_LOOSE: AlertDay[] = [
  { day: '2024-02-03', postings: 0, previous_day_postings: 2, change_pct: -100, kind: 'drop' },
  { day: '2024-02-05', postings: 1, previous_day_postings: 3, change_pct: -200 / 3, kind: 'drop' },
  { day: '2024-02-06', postings: 4, previous_day_postings: 1, change_pct: 300, kind: 'spike' },
  { day: '2024-02-07', postings: 1, previous_day_postings: 4, change_pct: -75, kind: 'drop' },
  { day: '2024-02-29', postings: 0, previous_day_postings: 1, change_pct: -100, kind: 'drop' },
];

/** drop -80, spike 300: -75 is not below -80 and 300 is not above 300. */
export const MARKET_Q5_STRICT: AlertDay[] = [
  { day: '2024-02-03', postings: 0, previous_day_postings: 2, change_pct: -100, kind: 'drop' },
  { day: '2024-02-29', postings: 0, previous_day_postings: 1, change_pct: -100, kind: 'drop' },
];

/**
 * Mon 5,12,19,26: 1,1,1,1. Tue 6,13,20,27: 4,1,1,1. Wed 7,14,21,28: 1,1,1,1.
 * Thu 1,8,15,22,29: 2,1,1,1,0. Fri 2,9,16,23: 2,1,1,1. Sat 3,10,17,24:
 * 0,1,1,1. Sun 4,11,18,25: 3,1,1,1.
 */
export const MARKET_WEEKDAY: WeekdayMean[] = [
  { weekday: 'Monday', days: 4, mean_postings: 1 },
  { weekday: 'Tuesday', days: 4, mean_postings: 1.75 },
  { weekday: 'Wednesday', days: 4, mean_postings: 1 },
  { weekday: 'Thursday', days: 5, mean_postings: 1 },
  { weekday: 'Friday', days: 4, mean_postings: 1.25 },
  { weekday: 'Saturday', days: 4, mean_postings: 0.75 },
  { weekday: 'Sunday', days: 4, mean_postings: 1.5 },
];

/** The six answer files for the fixture, byte for byte. */
export const MARKET_CSV = {
  q1:
    'category,postings,avg_price_per_m2,median_price_per_m2\n' +
    'APARTMENT_RENT,3,20.333333,20\n' +
    'GARAGE_RENT,20,5,5\n' +
    'HOUSE_BUY,4,3625,3500\n' +
    'LAND_BUY,0,,\n' +
    'OFFICE_RENT,2,173.809524,173.809524\n' +
    'studio,1,20,20\n',
  q2:
    'category,online_postings\n' +
    'APARTMENT_RENT,5\n' +
    'GARAGE_RENT,21\n' +
    'HOUSE_BUY,0\n' +
    'LAND_BUY,1\n' +
    'OFFICE_RENT,1\n' +
    'studio,0\n',
  q3: 'day,postings\n' + '2024-02-01,2\n' + '2024-02-29,0\n',
  q4:
    'day,postings,previous_day_postings,change_pct\n' +
    '2024-02-01,2,,\n' +
    '2024-02-02,2,2,0\n' +
    '2024-02-03,0,2,-100\n' +
    '2024-02-04,3,0,\n' +
    '2024-02-05,1,3,-66.666667\n' +
    '2024-02-06,4,1,300\n' +
    '2024-02-07,1,4,-75\n' +
    '2024-02-08,1,1,0\n' +
    '2024-02-09,1,1,0\n' +
    '2024-02-10,1,1,0\n' +
    '2024-02-11,1,1,0\n' +
    '2024-02-12,1,1,0\n' +
    '2024-02-13,1,1,0\n' +
    '2024-02-14,1,1,0\n' +
    '2024-02-15,1,1,0\n' +
    '2024-02-16,1,1,0\n' +
    '2024-02-17,1,1,0\n' +
    '2024-02-18,1,1,0\n' +
    '2024-02-19,1,1,0\n' +
    '2024-02-20,1,1,0\n' +
    '2024-02-21,1,1,0\n' +
    '2024-02-22,1,1,0\n' +
    '2024-02-23,1,1,0\n' +
    '2024-02-24,1,1,0\n' +
    '2024-02-25,1,1,0\n' +
    '2024-02-26,1,1,0\n' +
    '2024-02-27,1,1,0\n' +
    '2024-02-28,1,1,0\n' +
    '2024-02-29,0,1,-100\n',
  q5:
    'day,postings,previous_day_postings,change_pct,kind\n' +
    '2024-02-03,0,2,-100,drop\n' +
    '2024-02-06,4,1,300,spike\n' +
    '2024-02-07,1,4,-75,drop\n' +
    '2024-02-29,0,1,-100,drop\n',
  weekday:
    'weekday,days,mean_postings\n' +
    'Monday,4,1\n' +
    'Tuesday,4,1.75\n' +
    'Wednesday,4,1\n' +
    'Thursday,5,1\n' +
    'Friday,4,1.25\n' +
    'Saturday,4,0.75\n' +
    'Sunday,4,1.5\n',
} as const;

/** Headers alone: the files for an empty table. */
export const EMPTY_CSV = {
  q1: 'category,postings,avg_price_per_m2,median_price_per_m2\n',
  q2: 'category,online_postings\n',
  q3: 'day,postings\n',
  q4: 'day,postings,previous_day_postings,change_pct\n',
  q5: 'day,postings,previous_day_postings,change_pct,kind\n',
  weekday: 'weekday,days,mean_postings\n',
} as const;
