/**
 * Logs for people at a terminal, JSON for everything else; on a terminal the
 * first line says where to open the app.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import Fastify from 'fastify';
import { chooseLogFormat, listeningText, loggerOptions } from '../src/log-format';

describe('chooseLogFormat', () => {
  it('pretty-prints for a terminal', () => {
    expect(chooseLogFormat({ isTTY: true })).toBe('pretty');
  });

  it.each([{ isTTY: false }, {}])('keeps JSON for a pipe, a file or a collector (%o)', (stdout) => {
    expect(chooseLogFormat(stdout)).toBe('json');
  });
});

describe('the server log on a terminal', () => {
  async function listenWith(format: 'pretty' | 'json'): Promise<string[]> {
    const out = new PassThrough();
    const chunks: string[] = [];
    out.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
    const options = loggerOptions(format, 'info', out);
    const app = Fastify({ logger: format === 'json' ? { ...(options as object), stream: out } : options });
    try {
      await app.listen({ port: 0, host: '127.0.0.1', listenTextResolver: listeningText(format) });
      app.log.info({ model: 'm@1' }, 'model loaded');
      return chunks
        .join('')
        .split('\n')
        .filter((l) => l !== '');
    } finally {
      await app.close();
    }
  }

  it('starts with where to open the app, in plain words, not JSON', async () => {
    const lines = await listenWith('pretty');
    expect(lines[0]).toMatch(/^\[\d\d:\d\d:\d\d\] INFO: realxdeal is ready: open http:\/\/localhost:\d+$/);
    expect(lines[1]).toMatch(/INFO: model loaded/);
    expect(lines.every((l) => !l.startsWith('{'))).toBe(true);
  });

  it("stays one JSON object per line otherwise, with Fastify's usual listening message", async () => {
    const lines = await listenWith('json');
    const records = lines.map((l) => JSON.parse(l) as { msg: string; level: number });
    expect(records[0]).toMatchObject({ level: 30, msg: expect.stringMatching(/^Server listening at http:\/\/127\.0\.0\.1:\d+$/) });
    expect(records[1]).toMatchObject({ level: 30, msg: 'model loaded', model: 'm@1' });
  });
});

describe('the batched JSON log on stdout', () => {
  // The built module, in a process of its own: what happens at exit is the point.
  const LOG_FORMAT_JS = path.resolve(__dirname, '../dist/log-format.js');

  function run(script: string): { stdout: string; status: number | null } {
    const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 30_000 });
    return { stdout: result.stdout, status: result.status };
  }

  it('writes a line held in the batch when the process exits at once', () => {
    // One short line is far below LOG_BATCH_BYTES and exit comes before
    // LOG_FLUSH_MS: only the flush at exit can write it.
    const { stdout, status } = run(
      `const { batchedStdout } = require(${JSON.stringify(LOG_FORMAT_JS)}); ` +
        `batchedStdout().write('{"msg":"last words"}\\n'); process.exit(3);`,
    );
    expect(status).toBe(3);
    expect(stdout).toBe('{"msg":"last words"}\n');
  });

  it('writes a held line within LOG_FLUSH_MS on a quiet process, without exiting', () => {
    const { stdout } = run(
      `const { batchedStdout, LOG_FLUSH_MS } = require(${JSON.stringify(LOG_FORMAT_JS)}); ` +
        `const s = batchedStdout(); s.write('{"msg":"quiet"}\\n'); ` +
        // Seen on stdout by a reader before a kill that skips every exit handler.
        `setTimeout(() => process.kill(process.pid, 'SIGKILL'), LOG_FLUSH_MS * 5); setInterval(() => {}, 1000);`,
    );
    expect(stdout).toBe('{"msg":"quiet"}\n');
  });
});
