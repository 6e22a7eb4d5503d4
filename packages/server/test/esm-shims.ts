/**
 * Two dependencies of the server are ESM-only: content-disposition 3 (from
 * @fastify/static, which Swagger UI also uses) and cookie 2 (from
 * light-my-request, behind `app.inject`). Node 20 loads both through
 * require(esm), so the built server runs, but jest's module runtime cannot
 * before Node 24.9. The tests never serve a static file as an attachment nor
 * inject cookies, so small CommonJS stand-ins are enough. Import this module
 * before anything that loads the app (test/helpers.ts does).
 */
jest.mock('content-disposition', () => ({
  create: (filename: string) => `attachment; filename="${filename.replace(/["\\\r\n]/g, '_')}"`,
  parse: () => ({ type: 'attachment', parameters: {} }),
}));

jest.mock('cookie', () => ({
  stringifySetCookie: (cookie: { name: string; value: string }) =>
    `${encodeURIComponent(cookie.name)}=${encodeURIComponent(cookie.value)}`,
}));

export {};
