/**
 * Server-rendered SVG charts for the analysis page: they draw with
 * JavaScript off, need no CDN, and carry no inline style or script, so the
 * page keeps its `'self'`-only CSP (colours come from style.css classes).
 * Every mark carries its datum in data-* attributes so a browser test can
 * check the chart drew the data, and a <title> so a person can hover it.
 *
 * The output is inserted unescaped into the page, so every piece of text
 * from the data (category names) goes through `escapeXml` here.
 */

export interface DailyBar {
  day: string; // YYYY-MM-DD
  postings: number;
  change_pct: number | null;
}

export interface AlertMark {
  day: string;
  kind: 'drop' | 'spike';
  change_pct: number | null;
}

export interface CategoryBar {
  category: string;
  postings: number;
  avg_price_per_m2: number | null;
  median_price_per_m2: number | null;
}

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A step of 1, 2, 2.5 or 5 × 10^k giving about `ticks` intervals up to `max`. */
export function niceScale(max: number, ticks = 5): { max: number; step: number } {
  if (!(max > 0)) return { max: 1, step: 0.25 };
  const raw = max / ticks;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const normalized = raw / magnitude;
  const factor = normalized <= 1 ? 1 : normalized <= 2 ? 2 : normalized <= 2.5 ? 2.5 : normalized <= 5 ? 5 : 10;
  const step = factor * magnitude;
  return { max: Math.ceil(max / step - 1e-9) * step, step };
}

/** Short axis labels: 1200 → 1.2k, 2500000 → 2.5M. */
export function shortNumber(value: number): string {
  const abs = Math.abs(value);
  const trim = (n: number) => String(Number(n.toFixed(2)));
  if (abs >= 1e6) return `${trim(value / 1e6)}M`;
  if (abs >= 1e4) return `${trim(value / 1e3)}k`;
  return trim(value);
}

function fmt(n: number): string {
  // Coordinates with two decimals keep the markup small and stable.
  return String(Math.round(n * 100) / 100);
}

function percent(value: number | null): string {
  if (value === null) return 'no previous day';
  return `${value > 0 ? '+' : ''}${Number(value.toFixed(1))} %`;
}

const WIDTH = 760;

/**
 * Daily new postings over the month as columns; alert days are coloured by
 * kind and marked with ▼ (drop) or ▲ (spike) above the column.
 */
export function dailyPostingsChart(days: readonly DailyBar[], alerts: readonly AlertMark[], title: string): string {
  const height = 280;
  const margin = { top: 28, right: 12, bottom: 40, left: 52 };
  const plotW = WIDTH - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const alertByDay = new Map(alerts.map((a) => [a.day, a]));
  const scale = niceScale(Math.max(0, ...days.map((d) => d.postings)));
  const band = days.length === 0 ? plotW : plotW / days.length;
  const barW = Math.max(1, band * 0.72);
  const y = (v: number) => margin.top + plotH - (v / scale.max) * plotH;

  const parts: string[] = [];
  parts.push(
    `<svg class="chart" id="daily-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-labelledby="daily-chart-title daily-chart-desc" data-chart="daily-postings" data-count="${days.length}">`,
    `<title id="daily-chart-title">${escapeXml(title)}</title>`,
    `<desc id="daily-chart-desc">One column per day; ${alerts.length} alert day${alerts.length === 1 ? '' : 's'} marked.</desc>`,
  );
  parts.push('<g class="grid">');
  for (let v = 0; v <= scale.max + 1e-9; v += scale.step) {
    parts.push(`<line x1="${margin.left}" x2="${WIDTH - margin.right}" y1="${fmt(y(v))}" y2="${fmt(y(v))}"/>`);
  }
  parts.push('</g><g class="axis y">');
  for (let v = 0; v <= scale.max + 1e-9; v += scale.step) {
    parts.push(`<text x="${margin.left - 6}" y="${fmt(y(v) + 4)}" text-anchor="end">${shortNumber(v)}</text>`);
  }
  parts.push(`<line x1="${margin.left}" x2="${margin.left}" y1="${margin.top}" y2="${margin.top + plotH}"/>`);
  parts.push('</g><g class="bars">');
  days.forEach((d, i) => {
    const alert = alertByDay.get(d.day);
    const x = margin.left + i * band + (band - barW) / 2;
    const top = y(d.postings);
    const kind = alert === undefined ? '' : ` alert-${alert.kind}`;
    const alertAttr = alert === undefined ? '' : ` data-alert="${alert.kind}"`;
    const label = `${d.day}: ${d.postings} new posting${d.postings === 1 ? '' : 's'} (${percent(d.change_pct)})${alert === undefined ? '' : `, ${alert.kind} alert`}`;
    parts.push(
      `<rect class="bar${kind}" x="${fmt(x)}" y="${fmt(top)}" width="${fmt(barW)}" height="${fmt(margin.top + plotH - top)}" data-day="${d.day}" data-value="${d.postings}"${alertAttr}><title>${escapeXml(label)}</title></rect>`,
    );
  });
  parts.push('</g><g class="markers">');
  days.forEach((d, i) => {
    const alert = alertByDay.get(d.day);
    if (alert === undefined) return;
    const cx = margin.left + i * band + band / 2;
    parts.push(
      `<text class="marker alert-${alert.kind}" x="${fmt(cx)}" y="${fmt(y(d.postings) - 6)}" text-anchor="middle" data-alert-day="${d.day}" data-kind="${alert.kind}">${alert.kind === 'drop' ? '▼' : '▲'}</text>`,
    );
  });
  parts.push('</g><g class="axis x">');
  const every = days.length > 20 && band < 22 ? 2 : 1;
  days.forEach((d, i) => {
    if (i % every !== 0) return;
    const cx = margin.left + i * band + band / 2;
    parts.push(`<text x="${fmt(cx)}" y="${margin.top + plotH + 16}" text-anchor="middle">${Number(d.day.slice(8, 10))}</text>`);
  });
  parts.push(`<text x="${fmt(margin.left + plotW / 2)}" y="${height - 6}" text-anchor="middle">day of month</text>`);
  parts.push('</g>');
  parts.push(
    '<g class="legend">',
    `<rect class="mean" x="${margin.left}" y="6" width="10" height="10"/><text x="${margin.left + 14}" y="15">new postings</text>`,
    `<rect class="alert-drop" x="${margin.left + 110}" y="6" width="10" height="10"/><text x="${margin.left + 124}" y="15">drop alert ▼</text>`,
    `<rect class="alert-spike" x="${margin.left + 220}" y="6" width="10" height="10"/><text x="${margin.left + 234}" y="15">spike alert ▲</text>`,
    '</g>',
  );
  parts.push('</svg>');
  return parts.join('');
}

/**
 * Mean and median price per m² for each category as paired horizontal bars;
 * a category without usable postings says so instead of drawing nothing.
 */
export function pricePerM2Chart(rows: readonly CategoryBar[], title: string, unit: string): string {
  const rowH = 36;
  const margin = { top: 30, right: 90, bottom: 30, left: 190 };
  const height = margin.top + margin.bottom + Math.max(1, rows.length) * rowH;
  const plotW = WIDTH - margin.left - margin.right;
  const values = rows.flatMap((r) => [r.avg_price_per_m2 ?? 0, r.median_price_per_m2 ?? 0]);
  const scale = niceScale(Math.max(0, ...values), 4);
  const x = (v: number) => margin.left + (Math.max(0, v) / scale.max) * plotW;
  const barH = 12;

  const parts: string[] = [];
  parts.push(
    `<svg class="chart" id="price-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-labelledby="price-chart-title price-chart-desc" data-chart="price-per-m2" data-count="${rows.length}">`,
    `<title id="price-chart-title">${escapeXml(title)}</title>`,
    `<desc id="price-chart-desc">Mean and median ${escapeXml(unit)} for each of ${rows.length} categories.</desc>`,
  );
  parts.push('<g class="grid">');
  for (let v = 0; v <= scale.max + 1e-9; v += scale.step) {
    parts.push(`<line x1="${fmt(x(v))}" x2="${fmt(x(v))}" y1="${margin.top}" y2="${height - margin.bottom}"/>`);
  }
  parts.push('</g><g class="axis x">');
  for (let v = 0; v <= scale.max + 1e-9; v += scale.step) {
    parts.push(`<text x="${fmt(x(v))}" y="${height - margin.bottom + 16}" text-anchor="middle">${shortNumber(v)}</text>`);
  }
  parts.push('</g><g class="bars">');
  rows.forEach((r, i) => {
    const top = margin.top + i * rowH + 4;
    const name = escapeXml(r.category);
    parts.push(`<text class="category" x="${margin.left - 8}" y="${fmt(top + barH + 3)}" text-anchor="end">${name}</text>`);
    if (r.avg_price_per_m2 === null || r.median_price_per_m2 === null) {
      parts.push(
        `<text class="no-data" x="${margin.left + 4}" y="${fmt(top + barH + 3)}" data-category="${name}" data-value="">no posting with price and area</text>`,
      );
      return;
    }
    const series: Array<['mean' | 'median', number, number]> = [
      ['mean', r.avg_price_per_m2, top],
      ['median', r.median_price_per_m2, top + barH + 2],
    ];
    for (const [kind, value, barTop] of series) {
      const label = `${r.category}: ${kind} ${Number(value.toFixed(2))} ${unit} over ${r.postings} posting${r.postings === 1 ? '' : 's'}`;
      parts.push(
        `<rect class="bar ${kind === 'median' ? 'median' : 'mean'}" x="${margin.left}" y="${fmt(barTop)}" width="${fmt(x(value) - margin.left)}" height="${barH}" data-category="${name}" data-series="${kind}" data-value="${value}"><title>${escapeXml(label)}</title></rect>`,
        `<text class="value" x="${fmt(x(value) + 4)}" y="${fmt(barTop + barH - 2)}">${shortNumber(Number(value.toFixed(2)))}</text>`,
      );
    }
  });
  parts.push('</g>');
  parts.push(
    '<g class="legend">',
    `<rect class="mean" x="${margin.left}" y="8" width="10" height="10"/><text x="${margin.left + 14}" y="17">mean</text>`,
    `<rect class="median" x="${margin.left + 70}" y="8" width="10" height="10"/><text x="${margin.left + 84}" y="17">median</text>`,
    '</g>',
  );
  parts.push('</svg>');
  return parts.join('');
}

/** One bin of the model's calibration table (held-out rows). */
export interface CalibrationPoint {
  x_from: number;
  x_to: number;
  n: number;
  median_actual: number;
  median_predicted: number;
}

export interface CalibrationChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  /** The x range the model was trained on: shaded, as predictions outside it are extrapolations. */
  xMin: number;
  xMax: number;
  /** The fitted curve, drawn across the whole axis. */
  curve: (x: number) => number;
}

/**
 * The calibration table as a chart: for each x bin of held-out rows, the
 * median actual value (dot) and the median prediction (square), each drawn
 * as a short line across the bin's x range, over the fitted curve and the
 * shaded valid x range. Where dots leave the squares, the model is biased
 * there; a few wild prices cannot move a median.
 */
export function calibrationChart(bins: readonly CalibrationPoint[], options: CalibrationChartOptions): string {
  const height = 320;
  const margin = { top: 30, right: 16, bottom: 44, left: 60 };
  const plotW = WIDTH - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const lows = [options.xMin, ...bins.map((b) => b.x_from)];
  const highs = [options.xMax, ...bins.map((b) => b.x_to)];
  const lo = Math.min(0, ...lows);
  const xScale = niceScale(Math.max(...highs) - lo, 6);
  const xAt = (v: number) => margin.left + ((v - lo) / xScale.max) * plotW;
  const samples = Array.from({ length: 61 }, (_, i) => lo + (i / 60) * xScale.max);
  const curveValues = samples.map((v) => options.curve(v));
  const yScale = niceScale(
    Math.max(0, ...bins.flatMap((b) => [b.median_actual, b.median_predicted]), ...curveValues.filter(Number.isFinite)),
  );
  // Values below 0 sit on the axis rather than leave the plot.
  const yAt = (v: number) => margin.top + plotH - (Math.max(0, Math.min(v, yScale.max)) / yScale.max) * plotH;
  const n = (v: number) => Number(v.toFixed(2));

  const parts: string[] = [];
  parts.push(
    `<svg class="chart" id="calibration-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-labelledby="calibration-chart-title calibration-chart-desc" data-chart="calibration" data-count="${bins.length}">`,
    `<title id="calibration-chart-title">${escapeXml(options.title)}</title>`,
    `<desc id="calibration-chart-desc">Median actual and median predicted ${escapeXml(options.yLabel)} in ${bins.length} bins of held-out rows by ${escapeXml(options.xLabel)}, over the fitted curve; the valid range ${n(options.xMin)} to ${n(options.xMax)} is shaded.</desc>`,
  );
  parts.push(
    `<rect class="valid-range" x="${fmt(xAt(options.xMin))}" y="${margin.top}" width="${fmt(Math.max(1, xAt(options.xMax) - xAt(options.xMin)))}" height="${plotH}" data-x-min="${options.xMin}" data-x-max="${options.xMax}"><title>${escapeXml(`valid range: ${n(options.xMin)} to ${n(options.xMax)} ${options.xLabel}`)}</title></rect>`,
  );
  parts.push('<g class="grid">');
  for (let v = 0; v <= yScale.max + 1e-9; v += yScale.step)
    parts.push(`<line x1="${margin.left}" x2="${WIDTH - margin.right}" y1="${fmt(yAt(v))}" y2="${fmt(yAt(v))}"/>`);
  parts.push('</g><g class="axis y">');
  for (let v = 0; v <= yScale.max + 1e-9; v += yScale.step)
    parts.push(`<text x="${margin.left - 6}" y="${fmt(yAt(v) + 4)}" text-anchor="end">${shortNumber(v)}</text>`);
  parts.push(`<line x1="${margin.left}" x2="${margin.left}" y1="${margin.top}" y2="${margin.top + plotH}"/>`);
  parts.push(
    `<text x="12" y="${fmt(margin.top + plotH / 2)}" text-anchor="middle" transform="rotate(-90 12 ${fmt(margin.top + plotH / 2)})">${escapeXml(options.yLabel)}</text>`,
  );
  parts.push('</g><g class="axis x">');
  for (let v = 0; v <= xScale.max + 1e-9; v += xScale.step)
    parts.push(`<text x="${fmt(xAt(lo + v))}" y="${margin.top + plotH + 16}" text-anchor="middle">${shortNumber(lo + v)}</text>`);
  parts.push(`<line x1="${margin.left}" x2="${WIDTH - margin.right}" y1="${margin.top + plotH}" y2="${margin.top + plotH}"/>`);
  parts.push(`<text x="${fmt(margin.left + plotW / 2)}" y="${height - 6}" text-anchor="middle">${escapeXml(options.xLabel)}</text>`);
  parts.push('</g>');
  const points = samples.map((v, i) => `${fmt(xAt(v))},${fmt(yAt(curveValues[i]))}`).join(' ');
  parts.push(`<polyline class="curve" points="${points}"><title>fitted curve</title></polyline>`);
  parts.push('<g class="bins">');
  bins.forEach((b, i) => {
    const x1 = xAt(b.x_from);
    const x2 = xAt(b.x_to);
    const cx = (x1 + x2) / 2;
    const ya = yAt(b.median_actual);
    const yp = yAt(b.median_predicted);
    const label = `${options.xLabel} ${n(b.x_from)} to ${n(b.x_to)}, ${b.n} held-out rows: median actual ${n(b.median_actual)}, median predicted ${n(b.median_predicted)}`;
    parts.push(
      `<g class="bin" data-bin="${i}" data-x-from="${b.x_from}" data-x-to="${b.x_to}" data-n="${b.n}" data-median-actual="${b.median_actual}" data-median-predicted="${b.median_predicted}"><title>${escapeXml(label)}</title>`,
      `<line class="span predicted" x1="${fmt(x1)}" x2="${fmt(x2)}" y1="${fmt(yp)}" y2="${fmt(yp)}"/>`,
      `<rect class="point predicted" x="${fmt(cx - 4)}" y="${fmt(yp - 4)}" width="8" height="8" data-series="predicted"/>`,
      `<line class="span actual" x1="${fmt(x1)}" x2="${fmt(x2)}" y1="${fmt(ya)}" y2="${fmt(ya)}"/>`,
      `<circle class="point actual" cx="${fmt(cx)}" cy="${fmt(ya)}" r="4.5" data-series="actual"/>`,
      '</g>',
    );
  });
  parts.push('</g>');
  const lx = margin.left;
  parts.push(
    '<g class="legend">',
    `<circle class="point actual" cx="${lx + 5}" cy="12" r="4.5"/><text x="${lx + 14}" y="16">median actual</text>`,
    `<rect class="point predicted" x="${lx + 111}" y="8" width="8" height="8"/><text x="${lx + 124}" y="16">median predicted</text>`,
    `<line class="curve" x1="${lx + 236}" x2="${lx + 256}" y1="12" y2="12"/><text x="${lx + 262}" y="16">fitted curve</text>`,
    `<rect class="valid-range" x="${lx + 346}" y="6" width="14" height="12"/><text x="${lx + 366}" y="16">valid range</text>`,
    '</g>',
  );
  parts.push('</svg>');
  return parts.join('');
}
