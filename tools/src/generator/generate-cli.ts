/**
 * npm run generate -- --rows N [--seed S] [--month YYYY-MM] [--clean] [--out FILE]
 *
 * A relative FILE means the folder npm was run in (INIT_CWD), like every
 * loader command.
 *
 * Writes a postings CSV to FILE (or stdout) and the generation manifest as
 * JSON to stderr, so `> file` captures only the CSV. Exit codes: 0 done,
 * 2 bad arguments, 1 anything else (e.g. the output file cannot be written).
 */
import { LoaderError, isLoaderError, resolveUserPath } from 'loader';
import { GENERATE_DEFAULTS, writePostings, writePostingsFile, type GenerateOptions } from './generate-postings';

export const USAGE =
  'usage: generate-cli --rows N [--seed S] [--month YYYY-MM] [--clean] [--out FILE]\n' +
  `  --rows N         data rows to write (required; rejects and duplicates included)\n` +
  `  --seed S         PRNG seed, an integer (default ${GENERATE_DEFAULTS.seed})\n` +
  `  --month YYYY-MM  month the postings are created in (default ${GENERATE_DEFAULTS.month})\n` +
  '  --clean          no BOM, LF, no quoting, no rejects or duplicates (for bulk-load benchmarks)\n' +
  '  --out FILE       write to FILE instead of stdout\n';

export interface CliArgs {
  readonly options: GenerateOptions;
  readonly out: string | null;
}

const usageError = (message: string): LoaderError => new LoaderError('LOADER_BAD_OPTION', message);

/** Integers only, written plainly: `1e6` or `12abc` would hide a typo. */
function integerFlag(name: string, text: string, min: number): number {
  if (!/^-?\d+$/.test(text)) throw usageError(`${name} must be an integer, got ${JSON.stringify(text)}`);
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < min) {
    throw usageError(`${name} must be an integer >= ${min}, got ${text}`);
  }
  return n;
}

/** Parses argv (without node and script); `--help` is reported as null. */
export function parseCliArgs(argv: readonly string[]): CliArgs | null {
  let rows: number | undefined;
  let seed: number | undefined;
  let month: string | undefined;
  let dirty = true;
  let out: string | null = null;
  const seen = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const inline = arg.startsWith('--') && eq > 0 ? arg.slice(eq + 1) : undefined;
    if (flag === '--help' || flag === '-h') return null;
    if (seen.has(flag)) throw usageError(`${flag} given twice`);
    seen.add(flag);
    const value = (): string => {
      if (inline !== undefined) return inline;
      const next = argv[++i];
      if (next === undefined || next.startsWith('--')) throw usageError(`${flag} needs a value`);
      return next;
    };
    switch (flag) {
      case '--rows':
        rows = integerFlag('--rows', value(), 0);
        break;
      case '--seed':
        seed = integerFlag('--seed', value(), Number.MIN_SAFE_INTEGER);
        break;
      case '--month':
        month = value();
        if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw usageError(`--month must be YYYY-MM, got ${JSON.stringify(month)}`);
        break;
      case '--clean':
        if (inline !== undefined) throw usageError('--clean takes no value');
        dirty = false;
        break;
      case '--out':
        out = value();
        if (out === '') throw usageError('--out needs a file name');
        break;
      default:
        throw usageError(`unknown argument ${JSON.stringify(arg)}`);
    }
  }
  if (rows === undefined) throw usageError('--rows is required');
  return { options: { rows, seed, month, dirty }, out };
}

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let args: CliArgs | null;
  try {
    args = parseCliArgs(argv);
  } catch (err) {
    if (isLoaderError(err) && err.code === 'LOADER_BAD_OPTION') {
      process.stderr.write(`generate-cli: ${err.message}\n${USAGE}`);
      return 2;
    }
    throw err;
  }
  if (args === null) {
    process.stdout.write(USAGE);
    return 0;
  }
  const started = process.hrtime.bigint();
  const manifest =
    args.out === null
      ? await writePostings(process.stdout, args.options, { end: false })
      : await writePostingsFile(resolveUserPath(args.out, env), args.options);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  process.stderr.write(`${JSON.stringify({ ...manifest, seconds: Math.round(seconds * 1000) / 1000 }, null, 2)}\n`);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      // A closed pipe (`| head`) is the reader's choice, not a failure.
      if (err instanceof Error && 'code' in err && err.code === 'EPIPE') return;
      process.stderr.write(`generate-cli: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
