/**
 * Node 20 is out of support (better-sqlite3 13 crashes on it): every entry
 * point refuses it with one line naming the version it needs.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { unsupportedNodeMessage } from 'loader';

const ROOT = path.resolve(__dirname, '..', '..', '..');

describe('unsupportedNodeMessage', () => {
  it.each(['22.0.0', '22.12.1', '24.11.0', '26.0.0-pre', 'v24.1.0'])('accepts Node %s', (version) => {
    expect(unsupportedNodeMessage(version)).toBeNull();
  });

  it.each(['20.19.5', '21.7.3', '18.20.0', 'v20.20.2', 'nonsense'])('refuses Node %s, naming 22 and the version it saw', (version) => {
    expect(unsupportedNodeMessage(version)).toBe(
      `realxdeal needs Node.js 22 or newer (24 LTS recommended, see .nvmrc); this is Node.js ${version}`,
    );
  });

  it('agrees with engines in package.json and with .nvmrc', () => {
    const engines = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }).engines;
    expect(engines.node).toBe('>=22');
    expect(fs.readFileSync(path.join(ROOT, '.nvmrc'), 'utf8').trim()).toBe('24');
  });
});

/** The system Node of the machines here is 20; CI images may have none. */
const NODE_20 = ['/usr/bin/node', '/usr/local/bin/node'].find((bin) => {
  if (!fs.existsSync(bin)) return false;
  return /^v20\./.test(spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout ?? '');
});

// Printed, not silent, like the MySQL variants: say what was not tested.
if (!NODE_20) console.warn('no Node 20 binary here: the entry points were not started under Node 20.');
else describeUnderNode20(NODE_20);

function describeUnderNode20(node20: string): void {
  describe(`the built entry points under Node 20 (${node20})`, () => {
    it.each([
      ['the loader CLI', 'packages/loader/dist/cli.js', ['start', 'data/postings_february.csv']],
      ['the server', 'packages/server/dist/server.js', []],
    ])('%s exits 1 with one line naming Node 22', (_name, entry, args) => {
      const result = spawnSync(node20, [path.join(ROOT, entry), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 20_000 });
      expect({ status: result.status, stderr: result.stderr, stdout: result.stdout }).toEqual({
        status: 1,
        stderr: expect.stringMatching(
          /^realxdeal needs Node\.js 22 or newer \(24 LTS recommended, see \.nvmrc\); this is Node\.js 20\.\d+\.\d+\n$/,
        ),
        stdout: '',
      });
    });
  });
}
