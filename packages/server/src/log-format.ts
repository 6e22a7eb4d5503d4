import type { FastifyServerOptions } from 'fastify';
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

/** Fastify's logger options for a format; pino-pretty is loaded only when used. */
export function loggerOptions(
  format: LogFormat,
  level: LogLevel,
  destination: NodeJS.WritableStream = process.stdout,
): FastifyServerOptions['logger'] {
  if (format === 'json') return { level };
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
