/**
 * docs/data-contract.md is the contract in the repository; the code must use
 * the names it gives. If this fails, either the code drifted or the contract
 * changed: change the other to match, never this test.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ANSWER_COLUMNS, ANSWER_FILES } from 'analysis';
import { POSTING_COLUMNS, REJECT_REASONS } from 'loader';

const contract = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'docs', 'data-contract.md'), 'utf8');

/** The rows of the Markdown table that follows `heading` (until the next heading). */
function tableAfter(heading: string): string[][] {
  const start = contract.indexOf(heading);
  if (start === -1) throw new Error(`docs/data-contract.md has no "${heading}"`);
  const section = contract.slice(start + heading.length).split(/\n#{1,6} /)[0];
  return section
    .split('\n')
    .filter((line) => line.startsWith('|') && !/^\|\s*-/.test(line))
    .slice(1)
    .map((line) =>
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim()),
    );
}

const unquote = (cell: string): string => cell.replace(/`/g, '');

describe('docs/data-contract.md and the code', () => {
  it('has the header line the loader expects, in the same order', () => {
    const header = /First line is a header:\s*```\s*\n([^\n]+)\n```/.exec(contract)?.[1];
    expect(header?.split(',')).toEqual([...POSTING_COLUMNS]);
  });

  it('lists the reject codes the loader writes, in the same precedence', () => {
    const codes = tableAfter('### Bad rows').map((row) => unquote(row[0] ?? ''));
    expect(codes).toEqual([...REJECT_REASONS]);
  });

  it('names the six answer files and their first columns as the analysis writes them', () => {
    const files = tableAfter('## The answer files').map(([file, columns]) => [
      unquote(file ?? ''),
      unquote(columns ?? '')
        .replace(/\(.*\)/, '')
        .split(',')
        .map((c) => c.trim()),
    ]);
    const keys = Object.keys(ANSWER_FILES) as Array<keyof typeof ANSWER_FILES>;
    expect(files).toEqual(keys.map((key) => [ANSWER_FILES[key], [...ANSWER_COLUMNS[key]]]));
  });
});
