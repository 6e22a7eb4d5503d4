#!/usr/bin/env node
// First: on an unsupported Node, one clear line instead of a native crash.
import './require-supported-node';
import { runLoadCommand } from './cli/load-command';
import { runAnalyzeCommand } from './cli/analyze-command';
import { runTrainCommand } from './cli/train-command';
import { runMigrateCommand } from './cli/migrate-command';
import type { CliIo } from './cli/cli-io';

const USAGE = `usage: realxdeal-loader <command> [options]

commands:
  start <file.csv>   load a postings CSV, then write the answers (see start --help)
  analyze            answer the five questions for the loaded database (see analyze --help)
  train              fit the price model on the loaded postings (see train --help)
  migrate            bring the database schema up to date

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

async function main(): Promise<number> {
  const [name, ...rest] = process.argv.slice(2);
  const io: CliIo = { stdout: process.stdout, stderr: process.stderr, env: process.env, isTTY: Boolean(process.stderr.isTTY) };
  if (!name || name === '--help' || name === '-h') {
    (name ? process.stdout : process.stderr).write(USAGE);
    return name ? 0 : 1;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`error: unknown command "${name}"\n\n${USAGE}`);
    return 1;
  }
  return command(rest, io);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 3;
  },
);
