// Every test runs under a zone with an offset (and DST): the machines run in
// UTC, which would hide any code that lets the local zone touch a timestamp.
process.env.TZ = 'America/New_York';

/**
 * One jest run for every workspace. Workspace imports resolve to `src` so
 * tests never depend on a stale build; the build itself is checked by
 * `tsc -b` in `npm test` and by the CLI tests that spawn `dist/`.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/packages'],
  testMatch: ['**/test/**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.test.json' }],
  },
  moduleNameMapper: {
    '^@realxdeal/(model|analysis|loader|server)$': '<rootDir>/packages/$1/src/index.ts',
  },
  // Database suites create their own schemas; running files in parallel on a
  // 2-core machine only adds contention, so keep it modest.
  maxWorkers: 2,
  testTimeout: 60000,
};
