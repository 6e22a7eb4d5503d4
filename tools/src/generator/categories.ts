/**
 * What the generated market looks like. Loader and analysis tests refer to
 * these figures (e.g. "APARTMENT_BUY has the highest price per m²"), so they
 * are exported and documented rather than buried in the generator.
 */

/**
 * `EUR/m2`: price = area × level × zip-region factor × noise.
 * `EUR`: a flat price independent of the area (garages).
 * `none`: the category never carries a price (price is always NULL), so it
 * has no usable price per m² and shows up in question 1 with 0 postings.
 */
export type PriceUnit = 'EUR/m2' | 'EUR' | 'none';

export interface CategoryProfile {
  readonly name: string;
  /** Fraction of generated postings in this category (the shares sum to 1). */
  readonly share: number;
  readonly priceUnit: PriceUnit;
  /** Median price: per m² for `EUR/m2`, flat for `EUR`, null for `none`. */
  readonly priceLevel: number | null;
  /**
   * Nominal median price per m² before outliers (flat level / median area for
   * `EUR`), for docs and ordering checks; the generated mean is higher because
   * of the log-normal noise and the ×100 "typed in cents" outliers.
   */
  readonly pricePerM2: number | null;
  readonly areaMedian: number;
  /** Sigma of the underlying normal of the log-normal area. */
  readonly areaSigma: number;
  readonly areaMin: number;
  /** Areas are written rounded to this step (1 or 0.1 m²). */
  readonly areaStep: number;
  /** Share of postings whose area is left empty (NULL). */
  readonly areaNullShare: number;
  /** Sigma of the log-normal price noise around area × level. */
  readonly priceSigma: number;
  /** Prices are written rounded to this step in EUR (0.01 means cents). */
  readonly priceStep: number;
}

function profile(p: Omit<CategoryProfile, 'pricePerM2'>): CategoryProfile {
  const pricePerM2 = p.priceLevel === null ? null : p.priceUnit === 'EUR' ? p.priceLevel / p.areaMedian : p.priceLevel;
  return { ...p, pricePerM2 };
}

export const CATEGORIES: readonly CategoryProfile[] = [
  profile({
    name: 'APARTMENT_RENT',
    share: 0.34,
    priceUnit: 'EUR/m2',
    priceLevel: 12,
    areaMedian: 68,
    areaSigma: 0.38,
    areaMin: 14,
    areaStep: 0.1,
    areaNullShare: 0.03,
    priceSigma: 0.16,
    priceStep: 1,
  }),
  profile({
    name: 'HOUSE_RENT',
    share: 0.07,
    priceUnit: 'EUR/m2',
    priceLevel: 10,
    areaMedian: 125,
    areaSigma: 0.3,
    areaMin: 45,
    areaStep: 1,
    areaNullShare: 0.03,
    priceSigma: 0.18,
    priceStep: 10,
  }),
  profile({
    name: 'APARTMENT_BUY',
    share: 0.22,
    priceUnit: 'EUR/m2',
    priceLevel: 4000,
    areaMedian: 75,
    areaSigma: 0.4,
    areaMin: 18,
    areaStep: 0.1,
    areaNullShare: 0.03,
    priceSigma: 0.22,
    priceStep: 500,
  }),
  profile({
    name: 'HOUSE_BUY',
    share: 0.14,
    priceUnit: 'EUR/m2',
    priceLevel: 3000,
    areaMedian: 140,
    areaSigma: 0.3,
    areaMin: 50,
    areaStep: 1,
    areaNullShare: 0.03,
    priceSigma: 0.24,
    priceStep: 1000,
  }),
  profile({
    name: 'LAND_BUY',
    share: 0.06,
    priceUnit: 'EUR/m2',
    priceLevel: 180,
    areaMedian: 700,
    areaSigma: 0.6,
    areaMin: 120,
    areaStep: 1,
    areaNullShare: 0.05,
    priceSigma: 0.35,
    priceStep: 100,
  }),
  profile({
    name: 'GARAGE_RENT',
    share: 0.06,
    priceUnit: 'EUR',
    priceLevel: 90,
    areaMedian: 17,
    areaSigma: 0.15,
    areaMin: 10,
    areaStep: 1,
    areaNullShare: 0.2,
    priceSigma: 0.18,
    priceStep: 5,
  }),
  profile({
    name: 'OFFICE_RENT',
    share: 0.06,
    priceUnit: 'EUR/m2',
    priceLevel: 16,
    areaMedian: 180,
    areaSigma: 0.7,
    areaMin: 20,
    areaStep: 1,
    areaNullShare: 0.04,
    priceSigma: 0.2,
    priceStep: 0.01,
  }),
  profile({
    name: 'NEW_BUILD_PROJECT',
    share: 0.05,
    priceUnit: 'none',
    priceLevel: null,
    areaMedian: 2500,
    areaSigma: 0.8,
    areaMin: 200,
    areaStep: 1,
    areaNullShare: 0.6,
    priceSigma: 0,
    priceStep: 1,
  }),
];

export const CATEGORY_NAMES: readonly string[] = CATEGORIES.map((c) => c.name);

/**
 * Category values that dirty files also contain on accepted rows, so a loaded
 * dirty file has these categories beside CATEGORY_NAMES. Written in the file
 * as `"HOUSE ""deluxe"", RENT"`: quoting, a doubled quote and a comma in one.
 */
export const ODD_CATEGORY_VALUES: readonly string[] = ['HOUSE "deluxe", RENT'];

/**
 * Price factor by the first digit of the zip code (0 = Saxony … 8 = Munich),
 * so zip and price correlate the way a price model would expect.
 */
export const ZIP_REGION_FACTORS: readonly number[] = [0.75, 1.15, 1.2, 0.85, 0.9, 0.95, 1.2, 1.1, 1.5, 0.85];
export const ZIP_REGION_SHARES: readonly number[] = [0.08, 0.14, 0.1, 0.1, 0.14, 0.12, 0.1, 0.1, 0.12, 0.1];

/** Statuses of clean rows; dirty files add `online`, padded and odd values. */
export const STATUSES = { online: 'ONLINE', offline: 'OFFLINE' } as const;
export const ONLINE_SHARE = 0.7;
