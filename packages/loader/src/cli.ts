#!/usr/bin/env node
// First: on an unsupported Node, one clear line instead of a native crash.
import './require-supported-node';
import { runLoadCommand } from './cli/load-command';
import { runAnalyzeCommand } from './cli/analyze-command';
import { runTrainCommand } from './cli/train-command';
import { runMigrateCommand } from './cli/migrate-command';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CliIo } from './cli/cli-io';
import { EXIT_INTERNAL, EXIT_OK, EXIT_USAGE } from './cli/exit-codes';

const USAGE = `usage: realxdeal-loader <command> [options]

commands:
  start <file.csv>   load a postings CSV, then write the answers (see start --help)
  analyze            answer the five questions for the loaded database (see analyze --help)
  train              fit the price model on the loaded postings (see train --help)
  migrate            bring the database schema up to date (see migrate --help)

  -h, --help         this text
  --version          the loader's version

Exit status (every command): 0 done, 1 bad input (flags, file, header),
2 database problem, 3 a bug; analyze --exit-on-alert adds 4.

Configuration: DATABASE_URL (mysql://user:pass@host:3306/db or sqlite:path;
default sqlite:data/realxdeal.sqlite).
`;

type Command = (argv: string[], io: CliIo) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  start: runLoadCommand,
  load: runLoadCommand,
  analyze: runAnalyzeCommand,
  train: runTrainCommand,
  migrate: runMigrateCommand,
};

/** The package's version, read at run time: dist/cli.js and src/cli.ts both sit one folder below package.json. */
function version(): string {
  return (JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }).version;
}

/** The loader's entry point: picks the command; exported so tests run it in-process. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    (name ? io.stdout : io.stderr).write(USAGE);
    return name ? EXIT_OK : EXIT_USAGE;
  }
  if (name === '--version') {
    io.stdout.write(`${version()}\n`);
    return EXIT_OK;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr.write(`error: unknown command "${name}"\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  return command(rest, io);
}

if (require.main === module) {
  const io: CliIo = { stdout: process.stdout, stderr: process.stderr, env: process.env, isTTY: Boolean(process.stderr.isTTY) };
  runCli(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`internal error: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = EXIT_INTERNAL;
    },
  );
}
