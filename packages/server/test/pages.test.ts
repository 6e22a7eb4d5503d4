import { buildTestApp, mainOf } from './helpers';
import type { FastifyInstance } from 'fastify';

let app: FastifyInstance;
beforeAll(async () => {
  app = await buildTestApp();
});
afterAll(() => app.close());

const form = (body: string) =>
  app.inject({
    method: 'POST',
    url: '/single_prediction',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: body,
  });

describe('GET /', () => {
  it('shows the model card: what it predicts, coefficients, metrics, range and links', async () => {
    const res = await app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    const main = mainOf(res.body);
    expect(main).toContain('price-by-area <small>version 2021.02.1</small>');
    expect(main).toMatch(/Predicts <strong>price<\/strong> \(EUR\)[\s\S]*<strong>area<\/strong> \(m²\)/);
    expect(main).toContain('price = 1 + 2·area + 1·area²');
    expect(main).toMatch(/0 – 10 <span class="unit">m²<\/span>/);
    expect(main).toContain('<td class="num">0.8123</td>');
    expect(main).toContain('80 for training, 20 held out (20 %)');
    expect(main).toContain('<code>category = APARTMENT_BUY</code>');
    for (const href of ['/single_prediction', '/batch_prediction', '/predict?x=5', '/v2/models/price-by-area', '/analysis', '/docs']) {
      expect(main).toContain(`href="${href}"`);
    }
  });

  it('works without JavaScript and with the strict CSP: no script, no inline style', async () => {
    const res = await app.inject({ method: 'GET', url: '/' });
    expect(res.body).not.toMatch(/<script|style=|<style/);
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
  });
});

describe('GET /single_prediction', () => {
  it('shows an empty form that posts to itself', async () => {
    const res = await app.inject({ method: 'GET', url: '/single_prediction' });
    expect(res.statusCode).toBe(200);
    expect(mainOf(res.body)).toMatch(/<form method="post" action="\/single_prediction"[\s\S]*name="x"[\s\S]*value=""/);
    expect(res.body).not.toContain('role="alert"');
  });
});

describe('POST /single_prediction', () => {
  it('shows the prediction', async () => {
    const res = await form('x=2');
    expect(res.statusCode).toBe(200);
    const main = mainOf(res.body);
    expect(main).toContain('<output id="prediction">9</output>');
    expect(main).toContain('value="2"');
    expect(main).not.toContain('Warning');
  });

  it('warns when x is outside the training range', async () => {
    const res = await form('x=12.5');
    expect(res.statusCode).toBe(200);
    const main = mainOf(res.body);
    expect(main).toContain('<output id="prediction">182.25</output>');
    expect(main).toMatch(/Warning: 12.5 is outside the training range\s+0 – 10 m²/);
  });

  it.each([
    ['text', 'x=abc', /x must be a plain decimal number.*&quot;abc&quot;/],
    ['an empty x', 'x=', /x is empty/],
    ['an overflowing x', 'x=1e999', /overflows a double/],
    ['no x', 'y=2', /x is required/],
    ['a repeated x', 'x=1&x=2', /x was given 2 times/],
    ['a 201-character x', `x=${'9'.repeat(201)}`, /x must NOT have more than 200 characters/],
  ])('re-shows the form with 400 and a clear message for %s', async (_name, body, message) => {
    const res = await form(body);
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    const main = mainOf(res.body);
    expect(main).toMatch(/<p class="message error" role="alert" id="error">/);
    expect(main).toMatch(message);
    expect(main).toContain('<form method="post" action="/single_prediction"');
    expect(main).toContain('aria-invalid="true"');
  });

  it('escapes a script in the form value, in the field and in the message', async () => {
    const res = await form(`x=${encodeURIComponent('"><script>alert(1)</script>')}`);
    expect(res.statusCode).toBe(400);
    expect(res.body).not.toContain('<script>');
    expect(res.body).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(res.body).toContain('got &quot;\\&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&quot;');
  });
});

describe('GET /batch_prediction', () => {
  it('shows an upload form that works without JavaScript', async () => {
    const res = await app.inject({ method: 'GET', url: '/batch_prediction' });
    expect(res.statusCode).toBe(200);
    const main = mainOf(res.body);
    expect(main).toContain('<form method="post" action="/batch_prediction" enctype="multipart/form-data"');
    expect(main).toContain('<input id="file" name="file" type="file"');
    expect(main).toContain('Up to 100 MiB.');
  });
});

describe('pages and unknown routes', () => {
  it('serves the stylesheet from /public', async () => {
    const res = await app.inject({ method: 'GET', url: '/public/style.css' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/css/);
  });

  it('answers a browser on an unknown page with an HTML 404', async () => {
    const res = await app.inject({ method: 'GET', url: '/nope', headers: { accept: 'text/html' } });
    expect(res.statusCode).toBe(404);
    expect(mainOf(res.body)).toContain('no route GET /nope');
  });

  it('answers an API client on an unknown route with JSON', async () => {
    const res = await app.inject({ method: 'GET', url: '/nope?<script>' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: 'SERVER_NOT_FOUND', message: 'no route GET /nope; see /docs for the API' });
  });
});
