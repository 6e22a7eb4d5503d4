import * as fs from 'node:fs';
import type { ModelArtifact } from '@realxdeal/model';
import { DEFAULT_MODEL_PATH, loadModel } from '@realxdeal/model/node';
import type { FastifyInstance } from 'fastify';
import { calibrationChart } from '../src/lib/svg-charts';
import { buildTestApp, mainOf, testModel } from './helpers';

/** The test model (price = (area + 1)²) with the figures training now records. */
function modelWithCalibration(): ModelArtifact {
  const base = testModel();
  return {
    ...base,
    training: {
      ...base.training,
      median_absolute_error: 3.5,
      within_25_percent: 0.85,
      calibration: [
        { x_from: 0, x_to: 4.5, n: 10, median_actual: 12, median_predicted: 10.5 },
        { x_from: 5, x_to: 10, n: 10, median_actual: 60, median_predicted: 64 },
      ],
    },
  };
}

describe('GET /model.json', () => {
  it('serves the artifact the server predicts with, linked from the card', async () => {
    const model = modelWithCalibration();
    const app = await buildTestApp({ model });
    try {
      const res = await app.inject({ method: 'GET', url: '/model.json' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toContain('application/json');
      expect(res.json()).toEqual(model);
      expect(mainOf((await app.inject({ method: 'GET', url: '/' })).body)).toContain('href="/model.json"');
    } finally {
      await app.close();
    }
  });

  it('is the shipped default.json, field for field, when that is the model', async () => {
    const app = await buildTestApp({ model: loadModel(DEFAULT_MODEL_PATH) });
    try {
      const res = await app.inject({ method: 'GET', url: '/model.json' });
      expect(res.json()).toEqual(JSON.parse(fs.readFileSync(DEFAULT_MODEL_PATH, 'utf8')));
    } finally {
      await app.close();
    }
  });

  it('is in the OpenAPI document with the artifact schema', async () => {
    const app = await buildTestApp();
    try {
      const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json();
      const schema = doc.paths['/model.json'].get.responses['200'].content['application/json'].schema;
      expect(Object.keys(schema.properties.training.properties)).toEqual(
        expect.arrayContaining(['median_absolute_error', 'within_25_percent', 'calibration', 'r2']),
      );
    } finally {
      await app.close();
    }
  });
});

describe('the model card', () => {
  let app: FastifyInstance;
  afterEach(async () => {
    await app?.close();
  });

  it('puts the robust metrics first, then the calibration chart and table, then plain R² with why it is low', async () => {
    app = await buildTestApp({ model: modelWithCalibration() });
    const main = mainOf((await app.inject({ method: 'GET', url: '/' })).body);
    const robust = main.indexOf('id="robust-metrics"');
    const chart = main.indexOf('id="calibration-chart"');
    const plain = main.indexOf('<td class="num">0.8123</td>');
    expect(robust).toBeGreaterThan(0);
    expect(robust).toBeLessThan(chart);
    expect(chart).toBeLessThan(plain);
    expect(main).toMatch(/median absolute error<\/th><td class="num">3.5<\/td><td>EUR: half the 20 held-out rows are off by less/);
    expect(main).toMatch(/within ±25 %<\/th><td class="num">85 %<\/td>/);
    expect(main).toMatch(
      /<p id="r2-note">R² and RMSE weigh every held-out row by its squared error, .*cents.*not moved by such rows\.<\/p>/,
    );
    const bins = [
      ...main.matchAll(
        /data-bin="(\d+)" data-x-from="([^"]+)" data-x-to="([^"]+)" data-n="(\d+)" data-median-actual="([^"]+)" data-median-predicted="([^"]+)"/g,
      ),
    ].map((m) => m.slice(1).map(Number));
    expect(bins).toEqual([
      [0, 0, 4.5, 10, 12, 10.5],
      [1, 5, 10, 10, 60, 64],
    ]);
    expect(main).toContain('data-x-min="0" data-x-max="10"');
    expect(main).toMatch(
      /<td class="num">5<\/td><td class="num">10<\/td><td class="num">10<\/td><td class="num">60<\/td><td class="num">64<\/td>/,
    );
  });

  it('says the new figures are missing for an artifact trained before them, and still shows the rest', async () => {
    app = await buildTestApp({ model: testModel() });
    const res = await app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    const main = mainOf(res.body);
    expect(
      main.match(
        /<tr class="missing"><th scope="row">[^<]+<\/th><td class="num">—<\/td><td>not recorded: this artifact was trained before this figure existed/g,
      ),
    ).toHaveLength(2);
    expect(main).toContain('id="no-calibration"');
    expect(main).not.toContain('id="calibration-chart"');
    expect(main).toContain('<td class="num">0.8123</td>');
  });
});

describe('calibrationChart', () => {
  it('places each median on the scales (hand-computed)', () => {
    // x axis 0-10 (step 2) over 684 px from x = 60; y axis 0-50 (step 10) over 246 px from y = 30.
    const svg = calibrationChart([{ x_from: 0, x_to: 10, n: 5, median_actual: 50, median_predicted: 40 }], {
      title: 't',
      xLabel: 'area',
      yLabel: 'price',
      xMin: 0,
      xMax: 10,
      curve: (x) => 4 * x,
    });
    // The bin's middle is x = 5 → 60 + 342 = 402; 50 is the top (y 30); 40 is 30 + 246 · 0.2 = 79.2.
    expect(svg).toContain('<circle class="point actual" cx="402" cy="30" r="4.5" data-series="actual"/>');
    expect(svg).toContain('<rect class="point predicted" x="398" y="75.2" width="8" height="8" data-series="predicted"/>');
    expect(svg).toContain('<rect class="valid-range" x="60" y="30" width="684" height="246" data-x-min="0" data-x-max="10">');
    // The curve runs from (0, 0) at the bottom left to (10, 40) at 79.2.
    expect(svg).toMatch(/<polyline class="curve" points="60,276 [^"]* 744,79.2">/);
  });
});
