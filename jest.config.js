// Every test runs under a zone with an offset (and DST): the machines run in
// UTC, which would hide any code that lets the local zone touch a timestamp.
process.env.TZ = 'America/New_York';

/**
 * Dependencies published as ESM only. Node 22 and 24 load them with
 * require(esm), so the built server runs, but jest's module runtime cannot
 * before Node 24.9, and CI still tests Node 22; ts-jest compiles just these
 * files to CommonJS (transpile only, no type check). Add a package here when a suite fails with "Must use import
 * to load ES Module: node_modules/<name>/...".
 *   cookie 2               light-my-request, behind app.inject
 *   content-disposition 3  @fastify/static (also serves Swagger UI)
 */
const ESM_ONLY = ['cookie', 'content-disposition'];
const esmOnly = `/node_modules/(${ESM_ONLY.join('|')})/`;

/**
 * The browser suites need Debian's Chromium (CHROMIUM_PATH in
 * packages/server/test/chromium.ts). Without it they are left out of the
 * run, with the reason printed, as the MySQL variants are without
 * MYSQL_URL; with env CI set they stay in and fail, saying what is missing.
 */
const CHROMIUM_PATH = '/usr/bin/chromium';
const BROWSER_SUITES = ['/packages/server/test/browser\\.test\\.ts$'];
const ci = (process.env.CI ?? '').trim().toLowerCase();
const inCi = ci !== '' && ci !== '0' && ci !== 'false';
const withoutChromium = !require('node:fs').existsSync(CHROMIUM_PATH) && !inCi;
if (withoutChromium) {
  console.warn(
    `Chromium is not installed at ${CHROMIUM_PATH}: the browser suites are left out (apt-get install -y chromium, as .ci/run does; with CI set they fail instead).`,
  );
}

/**
 * One jest run for every workspace. Workspace imports resolve to `src` so
 * tests never depend on a stale build; the build itself is checked by
 * `tsc -b` in `npm test` and by the CLI tests that spawn `dist/`.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/packages', '<rootDir>/tools'],
  testMatch: ['**/test/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', ...(withoutChromium ? BROWSER_SUITES : [])],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.test.json' }],
    [`${esmOnly}.+\\.js$`]: [
      'ts-jest',
      {
        tsconfig: {
          allowJs: true,
          module: 'commonjs',
          moduleResolution: 'node10',
          target: 'ES2022',
          isolatedModules: true,
          sourceMap: true,
        },
      },
    ],
  },
  // Everything else in node_modules stays untransformed; the second lookahead
  // lets a nested copy (…/node_modules/x/node_modules/cookie/) through too.
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_ONLY.join('|')})/)(?!.*/node_modules/)`],
  moduleNameMapper: {
    '^@realxdeal/model$': '<rootDir>/packages/model/src/index.ts',
    '^(analysis|loader|server)$': '<rootDir>/packages/$1/src/index.ts',
    // Subpath exports (`loader/require-supported-node`) name a file in dist; jest takes its source.
    '^@realxdeal/model/(\\w[\\w-]*)$': '<rootDir>/packages/model/src/$1.ts',
    '^(analysis|loader|server)/(\\w[\\w-]*)$': '<rootDir>/packages/$1/src/$2.ts',
    '^tools$': '<rootDir>/tools/src/index.ts',
    '^tools/testing$': '<rootDir>/tools/src/testing/index.ts',
  },
  // Database suites create their own schemas; running files in parallel on a
  // 2-core machine only adds contention, so keep it modest.
  maxWorkers: 2,
  testTimeout: 60000,
};
