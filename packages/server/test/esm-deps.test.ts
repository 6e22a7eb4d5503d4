/**
 * cookie 2 and content-disposition 3 are ESM-only; the root jest.config.js
 * (ESM_ONLY) compiles them to CommonJS for jest. These check the real
 * libraries run here, not stand-ins: app.inject needs cookie
 * (light-my-request), @fastify/static needs content-disposition.
 */
// require, as the dependants do; an import statement would not type-check
// here (a CommonJS file importing an ES module under module Node16).
/* eslint-disable @typescript-eslint/no-require-imports */
const { parseCookie, stringifySetCookie } = require('cookie') as typeof import('cookie', { with: { 'resolution-mode': 'import' } });
const { create, parse } = require('content-disposition') as typeof import('content-disposition', { with: { 'resolution-mode': 'import' } });
/* eslint-enable @typescript-eslint/no-require-imports */

describe('ESM-only dependencies under jest', () => {
  it('runs the real cookie', () => {
    expect(stringifySetCookie({ name: 'id', value: 'a;b', path: '/', httpOnly: true })).toBe('id=a%3Bb; Path=/; HttpOnly');
    expect({ ...parseCookie('a=1; b=%20') }).toEqual({ a: '1', b: ' ' });
  });

  it('runs the real content-disposition', () => {
    expect(create('résumé.csv')).toBe(`attachment; filename="r?sum?.csv"; filename*=UTF-8''r%C3%A9sum%C3%A9.csv`);
    expect(parse('attachment; filename="x.csv"')).toEqual({ type: 'attachment', parameters: { filename: 'x.csv' } });
  });
});
