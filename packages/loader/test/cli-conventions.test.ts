/**
 * One CLI convention for every loader command: `-h`/`--help` prints the
 * command's usage and exits 0; a bad or repeated flag prints the problem and
 * the usage and exits 1 (the exit-code table: 0 done, 1 input, 2 database,
 * 3 a bug); `--version` prints the package's version.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli } from '../src/cli';
import { buildLoader, LOADER_CLI } from './robustness/loader-process';
import { fakeIo } from 'tools/testing';

const PACKAGE_VERSION = (JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }).version;

const COMMANDS = [
  ['start', /^usage: realxdeal-loader start <file\.csv\|folder>/],
  ['analyze', /^usage: realxdeal-loader analyze/],
  ['train', /^usage: realxdeal-loader train/],
  ['migrate', /^usage: realxdeal-loader migrate/],
] as const;

describe('realxdeal-loader --help and --version', () => {
  it.each(COMMANDS)('%s --help prints its usage on stdout and exits 0', async (command, usage) => {
    for (const flag of ['--help', '-h']) {
      const io = fakeIo({ DATABASE_URL: 'mysql://nobody@127.0.0.1:1/never-opened' });
      expect(await runCli([command, flag], io)).toBe(0);
      expect(io.out()).toMatch(usage);
      expect(io.out()).toMatch(/-h, --help/);
      expect(io.err()).toBe('');
    }
  });

  it('--help without a command lists every command', async () => {
    const io = fakeIo();
    expect(await runCli(['--help'], io)).toBe(0);
    for (const [command] of COMMANDS) expect(io.out()).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
  });

  it('--version prints the version of package.json', async () => {
    const io = fakeIo();
    expect(await runCli(['--version'], io)).toBe(0);
    expect(io.out()).toBe(`${PACKAGE_VERSION}\n`);
  });

  it('the built binary prints the same version', async () => {
    await buildLoader();
    const run = spawnSync(process.execPath, [LOADER_CLI, '--version'], { encoding: 'utf8', timeout: 30_000 });
    expect({ status: run.status, stdout: run.stdout }).toEqual({ status: 0, stdout: `${PACKAGE_VERSION}\n` });
  }, 240_000);
});

describe('realxdeal-loader flags', () => {
  it.each(COMMANDS)('%s refuses an unknown flag with its usage, exit 1', async (command, usage) => {
    const io = fakeIo({ DATABASE_URL: 'mysql://nobody@127.0.0.1:1/never-opened' });
    expect(
      await runCli(
        [command, 'x.csv', '--bogus'].filter((a) => command === 'start' || a !== 'x.csv'),
        io,
      ),
    ).toBe(1);
    expect(io.err()).toMatch(/^error: Unknown option '--bogus'/);
    expect(io.err().split('\n\n')[1]).toMatch(usage);
  });

  it.each(COMMANDS)('%s refuses a flag given twice, exit 1', async (command) => {
    const io = fakeIo({ DATABASE_URL: 'mysql://nobody@127.0.0.1:1/never-opened' });
    const argv = [command, '--database-url', 'sqlite:a.sqlite', '--database-url', 'sqlite:b.sqlite'];
    expect(await runCli(command === 'start' ? [...argv, 'x.csv'] : argv, io)).toBe(1);
    expect(io.err()).toMatch(/^error: --database-url given twice/);
  });

  it('names an unknown command, exit 1', async () => {
    const io = fakeIo();
    expect(await runCli(['lod'], io)).toBe(1);
    expect(io.err()).toMatch(/^error: unknown command "lod"/);
  });
});
