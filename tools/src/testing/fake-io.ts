import { PassThrough } from 'node:stream';
import type { CliIo } from 'loader';

/** A CliIo whose output is collected, for running commands in-process. */
export function fakeIo(env: NodeJS.ProcessEnv = {}, isTTY = false): CliIo & { out(): string; err(): string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  return { stdout, stderr, env: { ...env }, isTTY, out: () => out, err: () => err };
}
