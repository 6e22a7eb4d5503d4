/**
 * Logs for people at a terminal, JSON for everything else; on a terminal the
 * first line says where to open the app.
 */
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
