/**
 * A package is used only through its name (`loader`, `tools/testing`…):
 * no source or test file reaches into another package's folder by a
 * relative path, so each suite lives with its package and moves with it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const REPO_ROOT = path.join(__dirname, '..', '..');
const PACKAGES = ['packages/model', 'packages/analysis', 'packages/loader', 'packages/server', 'tools'];
const SPECIFIER = /(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*|\bjest\.mock\s*\(\s*)'(\.{1,2}\/[^']*)'/g;

function typescriptFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.ts') && !f.split(path.sep).includes('node_modules') && !f.split(path.sep).includes('dist'))
    .map((f) => path.join(dir, f));
}

describe('package boundaries', () => {
  it.each(PACKAGES)('%s imports other packages by name only', (pkg) => {
    const root = path.join(REPO_ROOT, pkg);
    const crossings: string[] = [];
    for (const file of [...typescriptFiles(path.join(root, 'src')), ...typescriptFiles(path.join(root, 'test'))]) {
      for (const match of fs.readFileSync(file, 'utf8').matchAll(SPECIFIER)) {
        const target = path.resolve(path.dirname(file), match[1]);
        if (path.relative(root, target).startsWith('..')) crossings.push(`${path.relative(REPO_ROOT, file)}: '${match[1]}'`);
      }
    }
    expect(crossings).toEqual([]);
  });
});
