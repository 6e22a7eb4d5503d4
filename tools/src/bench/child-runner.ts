import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import type { LoadRunResult } from './load-runner';

/**
 * Runs benchmark children one at a time, and stops the one running (and
 * refuses further ones) on `interrupt`, so a benchmark stopped with Ctrl-C
 * still gets to restore what it changed on the server.
 */
export class ChildRunner {
  private current: ChildProcess | null = null;
  private interrupted = false;

  /** Runs a child to completion; resolves with its stdout, rejects with its stderr. */
  run(command: string, args: string[], stdin?: string): Promise<string> {
    return new Promise((resolve, reject) => {
      if (this.interrupted) return reject(new Error('interrupted'));
      const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
      this.current = child;
      let out = '';
      let err = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
      child.on('error', reject);
      child.on('close', (code, signal) => {
        this.current = null;
        if (code === 0) resolve(out);
        else
          reject(
            new Error(
              `${path.basename(command)} ${args[0] ?? ''} failed (${signal ?? `exit ${code}`}): ${err.trim().split('\n').slice(0, 5).join(' | ')}`,
            ),
          );
      });
      child.stdin.end(stdin ?? '');
    });
  }

  /** One load-runner.js child (`prefix`: e.g. `nice -n 19`); its last stdout line is the result. */
  async load(args: string[], prefix: string[] = []): Promise<LoadRunResult> {
    const runner = [process.execPath, path.join(__dirname, 'load-runner.js'), ...args];
    const out = prefix.length > 0 ? await this.run(prefix[0], [...prefix.slice(1), ...runner]) : await this.run(runner[0], runner.slice(1));
    return JSON.parse(out.trim().split('\n').pop()!) as LoadRunResult;
  }

  interrupt(): void {
    this.interrupted = true;
    this.current?.kill('SIGKILL');
  }

  get stopped(): boolean {
    return this.interrupted;
  }
}
