/**
 * Test helpers shared by the packages' suites (imported as `tools/testing`,
 * never by a path into another package's test folder): the engine loop of
 * every database test, a collecting CliIo, the csv-spectrum cases, and the
 * hand-worked market of the analysis suites (loader and server).
 */
export { ENGINES, MYSQL_URL, createTestDatabase, type EngineName, type TestDatabase } from './engines';
export { fakeIo } from './fake-io';
export { SPECTRUM_DIR, lineEndings, spectrumCases, type SpectrumCase } from './spectrum';
export * from './market-fixture';
export { seededDatabase, type SeededDatabase } from './seeded-database';
