/**
 * The repository is self-contained: every link in every tracked Markdown
 * file either leaves for the web (http, https, mailto) or resolves inside the
 * repository, to a file or folder that exists and, for `#anchor`, to a
 * heading that exists. A link to `../shared/...` or to a machine path is
 * dead on GitHub and in a clone.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import MarkdownIt from 'markdown-it';
import { REPO_ROOT } from './deploy-files';

const markdown = new MarkdownIt({ html: true });

interface Link {
  file: string;
  target: string;
}

function trackedMarkdownFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '*.md'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  return out
    .split('\0')
    .filter((f) => f !== '' && fs.existsSync(path.join(REPO_ROOT, f)))
    .sort();
}

type Token = MarkdownIt.Token;

function walk(tokens: Token[], visit: (token: Token) => void): void {
  for (const token of tokens) {
    visit(token);
    if (token.children) walk(token.children, visit);
  }
}

/** Links as markdown-it reads them: inline and reference links, images; never code. */
function linksOf(file: string): Link[] {
  const links: Link[] = [];
  walk(markdown.parse(fs.readFileSync(path.join(REPO_ROOT, file), 'utf8'), {}), (token) => {
    const target = token.type === 'link_open' ? token.attrGet('href') : token.type === 'image' ? token.attrGet('src') : null;
    if (target !== null) links.push({ file, target: String(target) });
  });
  return links;
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchorsOf(file: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  const tokens = markdown.parse(fs.readFileSync(file, 'utf8'), {});
  tokens.forEach((token, i) => {
    if (token.type !== 'heading_open') return;
    const text = (tokens[i + 1]?.children ?? [])
      .filter((t) => t.type === 'text' || t.type === 'code_inline')
      .map((t) => t.content)
      .join('');
    const base = text
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  });
  return anchors;
}

/** What is wrong with a link, or null when it resolves. */
function problemOf({ file, target }: Link): string | null {
  if (/^(https?:|mailto:)/i.test(target)) return null;
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return 'a link to a machine or a scheme other than http(s)/mailto';
  const [rawPath, anchor] = target.split('#', 2) as [string, string | undefined];
  const linkPath = decodeURIComponent(rawPath);
  if (linkPath.startsWith('/')) return 'an absolute path (a machine path on GitHub and in a clone)';
  const resolved = linkPath === '' ? path.join(REPO_ROOT, file) : path.resolve(REPO_ROOT, path.dirname(file), linkPath);
  const relative = path.relative(REPO_ROOT, resolved);
  if (relative.startsWith('..') || path.isAbsolute(relative)) return 'points outside the repository';
  if (!fs.existsSync(resolved)) return `${relative} does not exist`;
  if (anchor !== undefined && anchor !== '' && resolved.endsWith('.md') && !anchorsOf(resolved).has(anchor.toLowerCase())) {
    return `${relative} has no heading #${anchor}`;
  }
  return null;
}

const files = trackedMarkdownFiles();
const links = files.flatMap(linksOf);

describe('Markdown links', () => {
  it('finds the Markdown files and their links (the checker really reads them)', () => {
    expect(files).toEqual(
      expect.arrayContaining(['README.md', 'docs/data-contract.md', 'docs/data-rules.md', 'packages/loader/README.md']),
    );
    expect(links.length).toBeGreaterThan(20);
  });

  it('resolve inside the repository: files, folders and #headings', () => {
    const broken = links.flatMap((link) => {
      const problem = problemOf(link);
      return problem === null ? [] : [`${link.file}: (${link.target}) ${problem}`];
    });
    expect(broken).toEqual([]);
  });

  it('catches a dead file, a missing heading, a path outside the repository and a machine path', () => {
    expect(problemOf({ file: 'README.md', target: 'docs/nope.md' })).toBe('docs/nope.md does not exist');
    expect(problemOf({ file: 'README.md', target: 'docs/data-contract.md#no-such-heading' })).toBe(
      'docs/data-contract.md has no heading #no-such-heading',
    );
    expect(problemOf({ file: 'README.md', target: 'docs/data-contract.md#bad-rows' })).toBeNull();
    expect(problemOf({ file: 'docs/data-rules.md', target: '../../shared/spec/postings.md' })).toBe('points outside the repository');
    expect(problemOf({ file: 'packages/analysis/README.md', target: '/work/shared/spec/postings.md' })).toBe(
      'an absolute path (a machine path on GitHub and in a clone)',
    );
    expect(problemOf({ file: 'README.md', target: 'file:///home/me/postings.md' })).toBe(
      'a link to a machine or a scheme other than http(s)/mailto',
    );
    expect(problemOf({ file: 'README.md', target: 'https://example.com/x' })).toBeNull();
  });
});
