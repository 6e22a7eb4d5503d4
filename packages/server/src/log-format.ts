import type { FastifyServerOptions } from 'fastify';
import pino from 'pino';
import type { LogLevel } from './config';

/**
 * Logs for people or for machines. A terminal means someone is watching
 * (`npm start` on a laptop): pino-pretty lines, and the first one says where
 * to open the app. Anything else (a pipe, a file, a container's log
 * collector) gets pino's JSON lines, one object each, as before.
 */
export type LogFormat = 'pretty' | 'json';

export function chooseLogFormat(stdout: { isTTY?: boolean }): LogFormat {
  return stdout.isTTY === true ? 'pretty' : 'json';
}

/**
 * Bytes of one write of the JSON log: PIPE_BUF on Linux. Cluster workers
 * share one stdout; a write up to this size to a pipe is atomic, and
 * sonic-boom never splits a line across writes, so lines from different
 * workers never interleave.
 */
export const LOG_WRITE_BYTES = 4096;
/** Lines are held until this many bytes are waiting… */
export const LOG_BATCH_BYTES = 3072;
/** …or for at most this long, so a quiet server's lines still appear promptly. */
export const LOG_FLUSH_MS = 100;

/**
 * Stdout for the JSON log, written in batches. A write is a system call of
 * several microseconds here, and the default (one write per line) cost a
 * prediction about a tenth of its CPU: the one access-log line per request
 * is written about ten lines to a write under load. Still synchronous, so
 * a slow reader slows the server rather than letting lines pile up in
 * memory; whatever is held is written when the process exits (a SIGKILL
 * loses at most LOG_FLUSH_MS of lines).
 */
export function batchedStdout(fd = 1): ReturnType<typeof pino.destination> {
  const stream = pino.destination({
    dest: fd,
    sync: true,
    minLength: LOG_BATCH_BYTES,
    maxWrite: LOG_WRITE_BYTES,
    periodicFlush: LOG_FLUSH_MS,
  });
  process.once('exit', () => {
    try {
      stream.flushSync();
    } catch {
      // Already closed, or stdout is gone: nothing more can be written.
    }
  });
  return stream;
}

/** Fastify's logger options for a format; pino-pretty is loaded only when used. */
export function loggerOptions(
  format: LogFormat,
  level: LogLevel,
  destination: NodeJS.WritableStream = process.stdout,
): FastifyServerOptions['logger'] {
  if (format === 'json') return { level, stream: destination === process.stdout ? batchedStdout() : destination };
  // A synchronous stream in this thread, not a transport worker: it is for a
  // person at a terminal, and it keeps the order of lines with process output.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pretty = require('pino-pretty') as typeof import('pino-pretty');
  return {
    level,
    stream: pretty({ destination, sync: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' }),
  };
}

/**
 * Fastify's "Server listening at …" text, per address it listens on. Pretty:
 * the first says where a person opens the app (localhost, whatever HOST
 * binds), the rest stay as they were.
 */
export function listeningText(format: LogFormat): (address: string) => string {
  let first = true;
  return (address) => {
    if (format === 'pretty' && first) {
      first = false;
      const url = new URL(address);
      return `realxdeal is ready: open ${url.protocol}//localhost:${url.port}`;
    }
    return `Server listening at ${address}`;
  };
}
