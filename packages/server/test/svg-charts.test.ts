import { dailyPostingsChart, escapeXml, niceScale, pricePerM2Chart, shortNumber } from '../src/lib/svg-charts';

describe('niceScale', () => {
  it.each([
    [0, { max: 1, step: 0.25 }],
    [7, { max: 8, step: 2 }],
    [100, { max: 100, step: 20 }],
    [4321, { max: 5000, step: 1000 }],
    [23, { max: 25, step: 5 }],
  ])('scales %p to %p', (max, scale) => {
    expect(niceScale(max)).toEqual(scale);
  });
});

describe('shortNumber', () => {
  it.each([
    [0, '0'],
    [2.5, '2.5'],
    [1200, '1200'],
    [25000, '25k'],
    [2500000, '2.5M'],
  ])('writes %p as %s', (value, text) => {
    expect(shortNumber(value)).toBe(text);
  });
});

describe('dailyPostingsChart', () => {
  const days = [
    { day: '2021-02-01', postings: 4, change_pct: null },
    { day: '2021-02-02', postings: 1, change_pct: -75 },
    { day: '2021-02-03', postings: 4, change_pct: 300 },
  ];
  const svg = dailyPostingsChart(days, [{ day: '2021-02-02', kind: 'drop', change_pct: -75 }], 'Daily <postings>');

  it('draws one bar per day carrying its day and value', () => {
    const bars = [...svg.matchAll(/<rect class="bar[^"]*"[^>]*data-day="([^"]+)" data-value="(\d+)"/g)].map((m) => [m[1], Number(m[2])]);
    expect(bars).toEqual([
      ['2021-02-01', 4],
      ['2021-02-02', 1],
      ['2021-02-03', 4],
    ]);
  });

  it('scales bar heights to the values', () => {
    const heights = [...svg.matchAll(/<rect class="bar[^"]*"[^>]*height="([\d.]+)" data-day/g)].map((m) => Number(m[1]));
    expect(heights[0]).toBeCloseTo(heights[2]);
    expect(heights[0] / heights[1]).toBeCloseTo(4);
  });

  it('marks alert days by kind', () => {
    expect(svg).toContain('class="bar alert-drop"');
    expect(svg).toMatch(/<text class="marker alert-drop"[^>]*data-alert-day="2021-02-02" data-kind="drop">▼<\/text>/);
    expect(svg.match(/data-alert-day=/g)).toHaveLength(1);
  });

  it('escapes its title and uses no inline style or script', () => {
    expect(svg).toContain('Daily &#60;postings&#62;');
    expect(svg).not.toMatch(/style=|<script/);
  });

  it('draws an empty month without failing', () => {
    expect(dailyPostingsChart([], [], 'empty')).toContain('data-count="0"');
  });
});

describe('pricePerM2Chart', () => {
  const svg = pricePerM2Chart(
    [
      { category: 'APARTMENT_BUY', postings: 4, avg_price_per_m2: 3125, median_price_per_m2: 2750 },
      { category: 'HOUSE_BUY', postings: 0, avg_price_per_m2: null, median_price_per_m2: null },
      { category: '<script>1</script>', postings: 1, avg_price_per_m2: 10, median_price_per_m2: 10 },
    ],
    'Price',
    'EUR/m²',
  );

  it('draws a mean and a median bar per category with data', () => {
    const bars = [...svg.matchAll(/data-category="([^"]+)" data-series="(\w+)" data-value="([\d.]+)"/g)].map((m) => [
      m[1],
      m[2],
      Number(m[3]),
    ]);
    expect(bars).toEqual([
      ['APARTMENT_BUY', 'mean', 3125],
      ['APARTMENT_BUY', 'median', 2750],
      ['&#60;script&#62;1&#60;/script&#62;', 'mean', 10],
      ['&#60;script&#62;1&#60;/script&#62;', 'median', 10],
    ]);
  });

  it('says when a category has no usable posting', () => {
    expect(svg).toMatch(/<text class="no-data"[^>]*data-category="HOUSE_BUY" data-value="">no posting with price and area<\/text>/);
  });

  it('escapes category names', () => {
    expect(svg).not.toContain('<script>');
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe('&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;');
  });
});
