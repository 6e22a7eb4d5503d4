import * as fs from 'node:fs';
import * as path from 'node:path';
import { ANSWER_FILES } from 'analysis';
import { resolveUserPath } from './cli-paths';

/** One thing to load, in the order given: a file, or an argument that names nothing loadable. */
export type InputEntry = { kind: 'file'; file: string } | { kind: 'missing'; given: string; message: string };

export interface ExpandedInputs {
  entries: InputEntry[];
  /** Where the answers go by default: beside the first file, or in the first folder. */
  answerDir: string;
}

const ANSWER_NAMES = new Set(Object.values(ANSWER_FILES));

/**
 * What a folder contributes: its `*.csv` files in name order, without the
 * loader's own output (reject files, and the answer files a previous run
 * wrote beside its input), so loading the same folder again loads the same
 * files. Subfolders are not entered.
 */
export function csvFilesIn(folder: string): string[] {
  return (
    fs
      .readdirSync(folder, { withFileTypes: true })
      .filter((e) => e.isFile() && e.name.toLowerCase().endsWith('.csv'))
      .map((e) => e.name)
      .filter((name) => !name.toLowerCase().endsWith('.rejects.csv') && !ANSWER_NAMES.has(name))
      // Code-unit order, not the locale's: the same on every machine.
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
      .map((name) => path.join(folder, name))
  );
}

/** Turns `start`'s arguments into the files to load, in order. */
export function expandInputs(given: readonly string[], env: NodeJS.ProcessEnv): ExpandedInputs {
  const entries: InputEntry[] = [];
  let answerDir: string | null = null;
  for (const arg of given) {
    const resolved = resolveUserPath(arg, env);
    let stat: fs.Stats | null;
    try {
      stat = fs.statSync(resolved);
    } catch {
      stat = null;
    }
    if (stat?.isDirectory()) {
      answerDir ??= resolved;
      const files = csvFilesIn(resolved);
      if (files.length === 0) entries.push({ kind: 'missing', given: arg, message: `no *.csv file to load in the folder ${arg}` });
      for (const file of files) entries.push({ kind: 'file', file });
    } else if (stat?.isFile()) {
      answerDir ??= path.dirname(resolved);
      entries.push({ kind: 'file', file: resolved });
    } else {
      entries.push({ kind: 'missing', given: arg, message: `no such file: ${arg}` });
    }
  }
  return { entries, answerDir: answerDir ?? resolveUserPath('.', env) };
}
