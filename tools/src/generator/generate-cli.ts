/**
 * npm run generate -- --rows N [--seed S] [--month YYYY-MM] [--clean] [--out FILE]
 *
 * Writes a postings CSV to FILE (or stdout) and the generation manifest as
 * JSON to stderr, so `> file` captures only the CSV. A relative FILE means
 * the folder npm was run in (INIT_CWD). Flags, `--help` and exit codes are
 * the loader's (one parser, one table): 0 done, 1 bad arguments, 3 a bug.
 */
import {
  EXIT_INTERNAL,
  EXIT_OK,
  EXIT_USAGE,
  LoaderError,
  parseCommandArgs,
  resolveUserPath,
  runJob,
  type CliIo,
  LoaderErrorCode,
} from 'loader';
import { GENERATE_DEFAULTS, writePostings, writePostingsFile, type GenerateOptions } from './generate-postings';

export const USAGE =
  'usage: npm run generate -- --rows N [--seed S] [--month YYYY-MM] [--clean] [--out FILE]\n' +
  `  --rows N         data rows to write (required; rejects and duplicates included)\n` +
  `  --seed S         PRNG seed, an integer (default ${GENERATE_DEFAULTS.seed})\n` +
  `  --month YYYY-MM  month the postings are created in (default ${GENERATE_DEFAULTS.month})\n` +
  '  --clean          no BOM, LF, no quoting, no rejects or duplicates (for bulk-load benchmarks)\n' +
  '  --out FILE       write to FILE instead of stdout (relative: the folder npm was run in)\n' +
  '  -h, --help       this text\n';

const FLAGS = {
  rows: { type: 'string' },
  seed: { type: 'string' },
  month: { type: 'string' },
  clean: { type: 'boolean', default: false },
  out: { type: 'string' },
} as const;

export interface CliArgs {
  readonly options: GenerateOptions;
  readonly out: string | null;
}

const usageError = (message: string): LoaderError => new LoaderError(LoaderErrorCode.BAD_OPTION, message);

/** Integers only, written plainly: `1e6` or `12abc` would hide a typo. */
function integerFlag(name: string, text: string, min: number): number {
  if (!/^-?\d+$/.test(text)) throw usageError(`${name} must be an integer, got ${JSON.stringify(text)}`);
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < min) {
    throw usageError(`${name} must be an integer >= ${min}, got ${text}`);
  }
  return n;
}

/** The parsed flags' meaning; throws LOADER_BAD_OPTION naming the flag. */
export function generateArgs(values: { rows?: string; seed?: string; month?: string; clean?: boolean; out?: string }): CliArgs {
  if (values.rows === undefined) throw usageError('--rows is required');
  const rows = integerFlag('--rows', values.rows, 0);
  const seed = values.seed === undefined ? undefined : integerFlag('--seed', values.seed, Number.MIN_SAFE_INTEGER);
  const month = values.month;
  if (month !== undefined && !/^\d{4}-(0[1-9]|1[0-2])$/.test(month))
    throw usageError(`--month must be YYYY-MM, got ${JSON.stringify(month)}`);
  if (values.out === '') throw usageError('--out needs a file name');
  return { options: { rows, seed, month, dirty: !values.clean }, out: values.out ?? null };
}

const processIo = (): CliIo => ({ stdout: process.stdout, stderr: process.stderr, env: process.env, isTTY: Boolean(process.stderr.isTTY) });

export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const parsed = parseCommandArgs(argv, FLAGS, USAGE, io, { negativeValues: ['--seed'] });
  if (parsed.exit !== undefined) return parsed.exit;
  if (parsed.values.rows === undefined) {
    io.stderr.write(`error: --rows is required\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  return runJob(io, async () => {
    const args = generateArgs(parsed.values);
    const started = process.hrtime.bigint();
    let manifest;
    try {
      manifest =
        args.out === null
          ? await writePostings(io.stdout, args.options, { end: false })
          : await writePostingsFile(resolveUserPath(args.out, io.env), args.options);
    } catch (error) {
      // A closed pipe (`| head`) is the reader's choice, not a failure.
      if (args.out === null && (error as { code?: unknown }).code === 'EPIPE') return EXIT_OK;
      throw error;
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    io.stderr.write(`${JSON.stringify({ ...manifest, seconds: Math.round(seconds * 1000) / 1000 }, null, 2)}\n`);
  });
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`internal error: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = EXIT_INTERNAL;
    },
  );
}
