import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildLoader, startLoader } from './loader-process';

/**
 * The database is unreachable when the loader starts: the real CLI process
 * must stop with exit 2 and one line that says so (never the password),
 * and write nothing at all: no reject file, no summary, no answers.
 */

const FIXTURE = path.join(__dirname, '..', '__fixtures__', 'every-reason.csv');
const PASSWORD = 's3cret-pw';

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let dir: string;

beforeAll(async () => {
  await buildLoader();
}, 240_000);

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rxd-outage-cli-'));
  fs.copyFileSync(FIXTURE, path.join(dir, 'postings.csv'));
});

afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Runs `start` on the fixture against `url`, asking for every output a load can write. */
async function startAgainst(url: string) {
  const started = Date.now();
  const run = await startLoader(
    [
      'start',
      path.join(dir, 'postings.csv'),
      '--database-url',
      url,
      '--summary-json',
      path.join(dir, 'summary.json'),
      '--out',
      path.join(dir, 'answers'),
      '--quiet',
    ],
    dir,
  ).done;
  return { ...run, seconds: (Date.now() - started) / 1000 };
}

function expectNothingWritten(): void {
  // Only the input: no postings.csv.rejects.csv, summary.json or answers/.
  expect(fs.readdirSync(dir)).toEqual(['postings.csv']);
}

describe('realxdeal-loader start with the database unreachable', () => {
  it('exits 2 with one line when nothing listens on the port, and writes nothing', async () => {
    const port = await closedPort();
    const run = await startAgainst(`mysql://loader:${PASSWORD}@127.0.0.1:${port}/realxdeal`);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(
      new RegExp(`^error: cannot reach the database mysql://loader:\\*\\*\\*@127\\.0\\.0\\.1:${port}/realxdeal: ECONNREFUSED[^\\n]*\\n$`),
    );
    expect(run.stderr).not.toContain(PASSWORD);
    expectNothingWritten();
  });

  it('gives up on a server that accepts but never answers, in one line, and writes nothing', async () => {
    // A black hole: TCP connects, the MySQL handshake never comes.
    const sockets = new Set<net.Socket>();
    const hole = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => hole.listen(0, '127.0.0.1', resolve));
    const { port } = hole.address() as net.AddressInfo;
    try {
      const run = await startAgainst(`mysql://loader:${PASSWORD}@127.0.0.1:${port}/realxdeal`);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(
        new RegExp(`^error: cannot reach the database mysql://loader:\\*\\*\\*@127\\.0\\.0\\.1:${port}/realxdeal: [^\\n]*\\n$`),
      );
      expect(run.stderr).not.toContain(PASSWORD);
      // The driver's connect timeout (5 s), not a hang.
      expect(run.seconds).toBeLessThan(30);
      expectNothingWritten();
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => hole.close(() => resolve()));
    }
  }, 60_000);

  it('exits 2 with one line for a host that does not resolve, and writes nothing', async () => {
    const run = await startAgainst(`mysql://loader:${PASSWORD}@rxd-no-such-host.invalid:3306/realxdeal`);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(
      /^error: cannot reach the database mysql:\/\/loader:\*\*\*@rxd-no-such-host\.invalid:3306\/realxdeal: [^\n]*\n$/,
    );
    expect(run.stderr).not.toContain(PASSWORD);
    expectNothingWritten();
  }, 60_000);
});
