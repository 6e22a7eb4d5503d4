/**
 * The pages in a real browser: Debian's Chromium driven by playwright-core,
 * against the real server (startServer on a free 127.0.0.1 port) with the
 * hand-checkable test model, prediction = (x + 1)² (test/helpers.ts), and a
 * SQLite database loaded with a generated month. Each test checks what a
 * person would see, not only that a page loaded: the number in the result,
 * the bytes of the downloaded file, the bars the chart drew and their
 * colours. Screenshots land in test-artifacts/server-browser/ (git-ignored).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { loadCsv, migrate, openDatabase } from 'loader';
import { postingsStream, type GenerationManifest } from 'tools';
import { startServer, type RunningServer } from 'server';
import { ARTIFACTS_DIR, describeWithChromium, launchChromium, screenshot, watchProblems } from './chromium';
import { testModel } from './helpers';

/** The generated month: 28 days, ~100 postings a day, one outage day and the backfill after it. */
const MONTH = '2021-02';
const DAYS_IN_MONTH = 28;
const ROWS = 3000;
const SEED = 11;

/**
 * The browser globals the page functions below use: those functions run in
 * Chromium, and the test tsconfig has no DOM library (nor should the rest).
 */
declare const window: { innerWidth: number; getComputedStyle(element: unknown): { fill: string; backgroundColor: string } };
declare const document: { documentElement: { scrollWidth: number } };

/** The test model with the robust metrics and a calibration table around its curve, (x + 1)². */
const CALIBRATED_MODEL = testModel({
  training: {
    ...testModel().training,
    median_absolute_error: 1.25,
    within_25_percent: 0.9,
    calibration: [
      { x_from: 0, x_to: 2, n: 7, median_actual: 4.5, median_predicted: 4 },
      { x_from: 2.5, x_to: 5, n: 7, median_actual: 20, median_predicted: 19.5 },
      { x_from: 5.5, x_to: 10, n: 6, median_actual: 55, median_predicted: 60 },
    ],
  },
});

/** style.css: --bar, --alert-drop, --alert-spike. */
const FILL = { bar: 'rgb(35, 100, 170)', drop: 'rgb(192, 57, 43)', spike: 'rgb(214, 137, 16)' } as const;

describeWithChromium('the pages in Chromium', () => {
  let dir: string;
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  let base: string;
  let manifest: GenerationManifest;
  /** Postings per UTC day of the month, counted straight from the table. */
  let perDay: Map<string, number>;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'realxdeal-browser-'));
    const modelPath = path.join(dir, 'model.json');
    writeFileSync(modelPath, JSON.stringify(CALIBRATED_MODEL));
    const databaseUrl = `sqlite:${path.join(dir, 'postings.sqlite')}`;

    const db = await openDatabase(databaseUrl);
    try {
      await migrate(db);
      const source = postingsStream({ rows: ROWS, seed: SEED, month: MONTH });
      const summary = await loadCsv(db, source, { rejectFile: null, sourceName: 'generated.csv' });
      manifest = source.manifest;
      expect(summary.rowsLoaded).toBe(manifest.expectedLoaded);
      const rows = await db.knex.raw<Array<{ day: string; n: number }>>(
        'SELECT substr(created_at, 1, 10) AS day, COUNT(*) AS n FROM postings GROUP BY substr(created_at, 1, 10)',
      );
      perDay = new Map(rows.map((r) => [r.day, Number(r.n)]));
    } finally {
      await db.close();
    }

    server = await startServer({
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      MODEL_PATH: modelPath,
      DATABASE_URL: databaseUrl,
      RATE_LIMIT_PER_MINUTE: '0',
    });
    base = `http://127.0.0.1:${(server.app.server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  let context: BrowserContext;
  let page: Page;
  let problems: string[];
  beforeEach(async () => {
    context = await browser!.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    problems = watchProblems(page).problems;
  });
  afterEach(async () => {
    await context.close();
  });

  it('shows the model card with the stylesheet applied', async () => {
    const res = await page.goto(`${base}/`);
    expect(res?.status()).toBe(200);
    expect(await page.locator('.formula code').textContent()).toBe('price = 1 + 2·area + 1·area²');
    // The CSP allows only 'self': the stylesheet must still have loaded.
    expect(await page.locator('body').evaluate((el) => window.getComputedStyle(el).backgroundColor)).toBe('rgb(247, 248, 250)');
    await screenshot(page, 'home');
    expect(problems).toEqual([]);
  });

  it('predicts (x + 1)² from the single-prediction form', async () => {
    await page.goto(`${base}/single_prediction`);
    await page.fill('#x', '3.5');
    await Promise.all([page.waitForURL(`${base}/single_prediction`, { waitUntil: 'load' }), page.click('form button[type=submit]')]);
    // 1 + 2·3.5 + 3.5² = 20.25
    expect(await page.locator('output#prediction').textContent()).toBe('20.25');
    expect(await page.locator('section.result').textContent()).toContain('for area = 3.5 m²');
    expect(await page.locator('.message.warning').count()).toBe(0);
    await screenshot(page, 'single-prediction');

    // Outside the training range [0, 10]: still predicted, with a warning. 13² = 169.
    await page.fill('#x', '12');
    await Promise.all([page.waitForURL(`${base}/single_prediction`, { waitUntil: 'load' }), page.click('form button[type=submit]')]);
    expect(await page.locator('output#prediction').textContent()).toBe('169');
    expect(await page.locator('.message.warning').textContent()).toContain('12 is outside the training range');
    await screenshot(page, 'single-prediction-extrapolated');
    expect(problems).toEqual([]);
  });

  it('shows a bad value on the form itself, keeping what was typed', async () => {
    await page.goto(`${base}/single_prediction`);
    await page.fill('#x', '0x10');
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url() === `${base}/single_prediction` && r.request().method() === 'POST'),
      page.click('form button[type=submit]'),
    ]);
    expect(response.status()).toBe(400);
    await page.waitForLoadState('load');
    expect(await page.locator('#error').textContent()).toMatch(/^x must be a plain decimal number/);
    expect(await page.inputValue('#x')).toBe('0x10');
    expect(await page.getAttribute('#x', 'aria-invalid')).toBe('true');
    await screenshot(page, 'single-prediction-error');
    expect(problems.filter((p) => !p.includes('status of 400'))).toEqual([]);
  });

  it('downloads the batch predictions of an uploaded CSV', async () => {
    await page.goto(`${base}/batch_prediction`);
    // The example keeps its line breaks (Eta trims a newline after a tag).
    expect(await page.locator('.card pre').allTextContents()).toEqual([
      'id,area\na,0\nb,oops',
      'id,area,prediction,error\na,0,…,\nb,oops,,"x must be a plain decimal number …"',
    ]);
    const upload = 'id,area\na,0\nb,2.5\nc,oops\nd,12\n';
    await page.setInputFiles('#file', { name: 'flats.csv', mimeType: 'text/csv', buffer: Buffer.from(upload) });
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('form button[type=submit]')]);
    expect(download.suggestedFilename()).toBe('flats-predictions.csv');
    const saved = path.join(ARTIFACTS_DIR, download.suggestedFilename());
    await download.saveAs(saved);
    // (0+1)² = 1, (2.5+1)² = 12.25, (12+1)² = 169 (extrapolated, still predicted); "oops" keeps its row.
    expect(readFileSync(saved, 'utf8')).toBe(
      'id,area,prediction,error\n' +
        'a,0,1,\n' +
        'b,2.5,12.25,\n' +
        'c,oops,,"x must be a plain decimal number such as 2 or 85.5 (no hex, units, separators, NaN or Infinity); got ""oops"""\n' +
        'd,12,169,\n',
    );
    await screenshot(page, 'batch-prediction');
    expect(problems).toEqual([]);
  });

  it('answers an upload without an x column on the page, not with a reset connection', async () => {
    await page.goto(`${base}/batch_prediction`);
    // Big enough that the server answers before the browser has sent it all.
    const upload = `id,size\n${'a,1\n'.repeat(200_000)}`;
    await page.setInputFiles('#file', { name: 'wrong.csv', mimeType: 'text/csv', buffer: Buffer.from(upload) });
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url() === `${base}/batch_prediction` && r.request().method() === 'POST'),
      page.click('form button[type=submit]'),
    ]);
    expect(response.status()).toBe(400);
    await page.waitForLoadState('load');
    expect(await page.locator('#error').textContent()).toBe(
      'the file has no usable column: its first line is "id", "size"; expected a header with a column named "x" or "area", or a single column of numbers without a header',
    );
    await screenshot(page, 'batch-prediction-error');
    expect(problems.filter((p) => !p.includes('status of 400'))).toEqual([]);
  });

  it('draws one bar per day of the month, matching the table and the database, with alert days marked', async () => {
    const res = await page.goto(`${base}/analysis`);
    expect(res?.status()).toBe(200);
    expect(await page.locator('h1').textContent()).toBe('Postings analysis February 2021');

    const bars = await page.locator('#daily-chart rect[data-day]').evaluateAll((els) =>
      els.map((el) => ({
        day: el.getAttribute('data-day') ?? '',
        value: Number(el.getAttribute('data-value')),
        alert: el.getAttribute('data-alert'),
        height: el.getBoundingClientRect().height,
        fill: window.getComputedStyle(el).fill,
      })),
    );
    expect(bars).toHaveLength(DAYS_IN_MONTH);
    expect(bars.map((b) => b.day)).toEqual(Array.from({ length: DAYS_IN_MONTH }, (_, i) => `${MONTH}-${String(i + 1).padStart(2, '0')}`));

    // The values are the database's own counts, and every loaded posting is in one bar.
    expect(new Map(bars.map((b) => [b.day, b.value]))).toEqual(perDay);
    expect(bars.reduce((sum, b) => sum + b.value, 0)).toBe(manifest.expectedDistinct);

    // ... and the q4 table on the same page says the same.
    const tableDays = await page.locator('#q4-table tbody tr td:nth-child(1)').allTextContents();
    const tablePostings = await page.locator('#q4-table tbody tr td:nth-child(2)').allTextContents();
    expect(tableDays.map((day, i) => [day, Number(tablePostings[i])])).toEqual(bars.map((b) => [b.day, b.value]));

    // Drawn to scale: every column's rendered height is its value times one factor.
    const tallest = bars.reduce((a, b) => (b.value > a.value ? b : a));
    const pxPerPosting = tallest.height / tallest.value;
    expect(tallest.height).toBeGreaterThan(100);
    for (const bar of bars) expect(Math.abs(bar.height - bar.value * pxPerPosting)).toBeLessThan(0.5);

    // Alert days: the generator's outage (a drop) and backfill (a spike) at least,
    // the same days in the chart's colours, its markers, the q5 table and the q4 rows.
    const alerts = bars.filter((b) => b.alert !== null).map((b) => [b.day, b.alert]);
    expect(alerts).toEqual(
      expect.arrayContaining([
        [manifest.outageDay, 'drop'],
        [manifest.backfillDay, 'spike'],
      ]),
    );
    for (const bar of bars) expect(bar.fill).toBe(bar.alert === 'drop' ? FILL.drop : bar.alert === 'spike' ? FILL.spike : FILL.bar);
    const markers = await page
      .locator('#daily-chart text[data-alert-day]')
      .evaluateAll((els) => els.map((el) => [el.getAttribute('data-alert-day'), el.getAttribute('data-kind'), el.textContent]));
    expect(markers).toEqual(alerts.map(([day, kind]) => [day, kind, kind === 'drop' ? '▼' : '▲']));
    const q5Days = await page.locator('#q5 tbody tr td:nth-child(1)').allTextContents();
    const q5Kinds = await page.locator('#q5 tbody tr td:nth-child(5)').allTextContents();
    expect(q5Days.map((day, i) => [day, q5Kinds[i]])).toEqual(alerts);
    const flagged = await page
      .locator('#q4-table tbody tr[class^="alert-"]')
      .evaluateAll((rows) => rows.map((row) => [row.querySelector('td')?.textContent, row.className.replace('alert-', '')]));
    expect(flagged).toEqual(alerts);

    await page.click('#q4-table summary');
    await screenshot(page, 'analysis');
    expect(problems).toEqual([]);
  });

  it('draws the mean and median price per m² of every category as in its table', async () => {
    await page.goto(`${base}/analysis`);
    const rows = await page
      .locator('#q1 tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td: { textContent: string | null }) => td.textContent ?? '')),
      );
    const bars = await page.locator('#price-chart rect[data-series]').evaluateAll((els) =>
      els.map((el) => ({
        category: el.getAttribute('data-category') ?? '',
        series: el.getAttribute('data-series') ?? '',
        value: Number(el.getAttribute('data-value')),
        width: el.getBoundingClientRect().width,
      })),
    );
    const priced = rows.filter(([, , mean]) => mean !== '');
    expect(priced.length).toBeGreaterThanOrEqual(4);
    expect(bars).toHaveLength(2 * priced.length);
    // The table shows 6 significant digits; the bars carry the full value.
    const shown = (v: number) => String(Number(v.toPrecision(6)));
    expect(bars.map((b) => [b.category, b.series, shown(b.value)])).toEqual(
      priced.flatMap(([category, , mean, median]) => [
        [category, 'mean', mean],
        [category, 'median', median],
      ]),
    );
    const widest = bars.reduce((a, b) => (b.value > a.value ? b : a));
    for (const bar of bars) expect(Math.abs(bar.width - (bar.value / widest.value) * widest.width)).toBeLessThan(0.5);
    expect(problems).toEqual([]);
  });

  it("draws the model card's calibration chart from the artifact /model.json serves, robust metrics first", async () => {
    await page.goto(`${base}/`);
    const artifact = (await (await page.request.get(`${base}/model.json`)).json()) as typeof CALIBRATED_MODEL;
    expect(artifact).toEqual(CALIBRATED_MODEL);
    const order = await page
      .locator('#robust-metrics, #calibration-chart, #r2-note')
      .evaluateAll((els) => els.map((el) => el.getAttribute('id')));
    expect(order).toEqual(['robust-metrics', 'calibration-chart', 'r2-note']);
    expect(await page.locator('#robust-metrics tr').allTextContents()).toEqual([
      expect.stringMatching(/^median absolute error\s*1\.25\s*EUR/),
      expect.stringMatching(/^within ±25 %\s*90 %/),
    ]);

    const bins = await page.locator('#calibration-chart g.bin').evaluateAll((groups) =>
      groups.map((g) => {
        const box = (selector: string) => g.querySelector(selector)!.getBoundingClientRect();
        const dot = box('circle.point.actual');
        const square = box('rect.point.predicted');
        const span = box('line.span.actual');
        return {
          x_from: Number(g.getAttribute('data-x-from')),
          x_to: Number(g.getAttribute('data-x-to')),
          n: Number(g.getAttribute('data-n')),
          median_actual: Number(g.getAttribute('data-median-actual')),
          median_predicted: Number(g.getAttribute('data-median-predicted')),
          dotX: dot.left + dot.width / 2,
          dotY: dot.top + dot.height / 2,
          squareY: square.top + square.height / 2,
          spanLeft: span.left,
          spanRight: span.right,
        };
      }),
    );
    // The points are the artifact's bins, in order ...
    expect(
      bins.map(({ x_from, x_to, n, median_actual, median_predicted }) => ({ x_from, x_to, n, median_actual, median_predicted })),
    ).toEqual(artifact.training.calibration);
    // ... drawn to one scale from the plot's bottom (the valid-range band spans the plot), each in the middle of its bin.
    const band = await page.locator('#calibration-chart rect.valid-range[data-x-min]').evaluate((el) => ({
      xMin: Number(el.getAttribute('data-x-min')),
      xMax: Number(el.getAttribute('data-x-max')),
      bottom: el.getBoundingClientRect().bottom,
    }));
    expect([band.xMin, band.xMax]).toEqual([artifact.training.x_min, artifact.training.x_max]);
    const pxPerEur = (band.bottom - bins[2].squareY) / bins[2].median_predicted;
    expect(pxPerEur).toBeGreaterThan(2);
    for (const b of bins) {
      expect(Math.abs(band.bottom - b.dotY - b.median_actual * pxPerEur)).toBeLessThan(0.75);
      expect(Math.abs(band.bottom - b.squareY - b.median_predicted * pxPerEur)).toBeLessThan(0.75);
      expect(Math.abs(b.dotX - (b.spanLeft + b.spanRight) / 2)).toBeLessThan(1);
    }
    await page.locator('#calibration').screenshot({ path: path.join(ARTIFACTS_DIR, 'model-calibration.png') });
    expect(problems).toEqual([]);
  });

  it('lists the load from the navigation on /loads, with its counts and rejects by reason', async () => {
    await page.goto(`${base}/`);
    await Promise.all([page.waitForURL(`${base}/loads`), page.click('nav a[href="/loads"]')]);
    expect(await page.locator('h1').textContent()).toBe('Load history');
    const rows = await page
      .locator('#loads tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td: { textContent: string | null }) => (td.textContent ?? '').trim())),
      );
    expect(rows).toHaveLength(1);
    const [file, started, , outcome, read, loaded, replaced, rejected, reasons] = rows[0];
    const rejectedRows = ROWS - manifest.expectedLoaded;
    expect({ file, outcome, read, loaded, replaced, rejected }).toEqual({
      file: 'generated.csv',
      outcome: 'finished',
      read: String(ROWS),
      loaded: String(manifest.expectedLoaded),
      replaced: String(manifest.duplicateRows),
      rejected: String(rejectedRows),
    });
    expect(started).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    const expectedReasons = Object.entries(manifest.expectedRejects)
      .filter(([, n]) => n > 0)
      .map(([reason, n]) => `${reason} ${n}`);
    expect((reasons ?? '').split(', ').sort()).toEqual(expectedReasons.sort());
    await screenshot(page, 'loads');
    expect(problems).toEqual([]);
  });

  it.each(['/', '/single_prediction', '/batch_prediction', '/analysis', '/loads'])('fits %s on a phone screen', async (url) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${base}${url}`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    await screenshot(page, `phone${url === '/' ? '-home' : url.replace(/\//g, '-')}`);
    expect(overflow).toBeLessThanOrEqual(0);
    expect(problems).toEqual([]);
  });
});
