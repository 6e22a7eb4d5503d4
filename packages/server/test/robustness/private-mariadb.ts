import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { openDatabase } from 'loader';

/**
 * A MariaDB server of the test's own, in a temporary datadir on a free
 * port, so a test can stop and restart a database without touching the
 * shared instance other suites use. Small InnoDB sizes keep the datadir
 * ~20 MB and `mariadb-install-db` a few seconds.
 */

const SEARCH = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin'];

function which(names: string[]): string | null {
  for (const name of names) {
    for (const dir of SEARCH) {
      const file = path.join(dir, name);
      try {
        fs.accessSync(file, fs.constants.X_OK);
        return file;
      } catch {
        // not here
      }
    }
  }
  return null;
}

export interface MariadbBinaries {
  installDb: string;
  server: string;
}

/** The MariaDB install script and server, or why they cannot be used here. */
export function findMariadb(): MariadbBinaries | string {
  const installDb = which(['mariadb-install-db', 'mysql_install_db']);
  const server = which(['mariadbd', 'mysqld']);
  if (installDb === null || server === null) return 'mariadb-install-db and mariadbd are not installed';
  const version = spawnSync(server, ['--version'], { encoding: 'utf8' });
  if (!/MariaDB/i.test(`${version.stdout}${version.stderr}`)) return `${server} is not MariaDB (${version.stdout.trim()})`;
  return { installDb, server };
}

async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

const INNODB_SMALL = ['--innodb-log-file-size=4M', '--innodb-buffer-pool-size=16M'];

export class PrivateMariadb {
  private child: ChildProcess | null = null;
  private readonly killOnExit = (): void => {
    this.child?.kill('SIGKILL');
  };

  private constructor(
    private readonly binaries: MariadbBinaries,
    readonly dir: string,
    readonly port: number,
  ) {}

  /** Initialises a fresh datadir (not started yet). */
  static async create(binaries: MariadbBinaries): Promise<PrivateMariadb> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rxd-mariadb-'));
    const db = new PrivateMariadb(binaries, dir, await freePort());
    const install = spawnSync(
      binaries.installDb,
      [
        '--no-defaults',
        `--datadir=${db.datadir}`,
        '--auth-root-authentication-method=normal',
        '--skip-test-db',
        '--skip-name-resolve',
        `--user=${os.userInfo().username}`,
        ...INNODB_SMALL,
      ],
      { encoding: 'utf8', timeout: 120_000 },
    );
    if (install.status !== 0) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw new Error(`${binaries.installDb} failed (exit ${install.status}): ${install.stderr || install.stdout}`);
    }
    return db;
  }

  get datadir(): string {
    return path.join(this.dir, 'data');
  }

  /** A URL for database `name` as the root user (no password: this server is the test's alone). */
  url(name: string): string {
    return `mysql://root@127.0.0.1:${this.port}/${name}`;
  }

  get running(): boolean {
    return this.child !== null;
  }

  /** Starts the server on the datadir and port (again, after a stop) and waits until it answers. */
  async start(timeoutMs = 60_000): Promise<void> {
    if (this.child !== null) throw new Error('already running');
    const child = spawn(
      this.binaries.server,
      [
        '--no-defaults',
        `--datadir=${this.datadir}`,
        `--port=${this.port}`,
        `--socket=${path.join(this.dir, 'mysqld.sock')}`,
        '--bind-address=127.0.0.1',
        `--user=${os.userInfo().username}`,
        '--skip-name-resolve',
        `--pid-file=${path.join(this.dir, 'mysqld.pid')}`,
        `--log-error=${path.join(this.dir, 'error.log')}`,
        ...INNODB_SMALL,
      ],
      { stdio: 'ignore' },
    );
    this.child = child;
    process.once('exit', this.killOnExit);
    let exited = false;
    child.once('exit', () => {
      exited = true;
    });
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (exited) {
        this.child = null;
        throw new Error(`mariadbd exited at start:\n${this.errorLogTail()}`);
      }
      try {
        const db = await openDatabase(this.url('mysql'));
        await db.close();
        return;
      } catch {
        if (Date.now() > deadline) {
          await this.kill();
          throw new Error(`mariadbd did not answer within ${timeoutMs} ms:\n${this.errorLogTail()}`);
        }
        await sleep(100);
      }
    }
  }

  /** A clean shutdown: SIGTERM, then wait for the process to exit. */
  async stop(timeoutMs = 30_000): Promise<void> {
    const child = this.child;
    if (child === null) return;
    const gone = new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once('exit', () => resolve());
    });
    child.kill('SIGTERM');
    const timer = sleep(timeoutMs, undefined, { ref: false }).then(() => 'late' as const);
    if ((await Promise.race([gone, timer])) === 'late') {
      child.kill('SIGKILL');
      await gone;
    }
    this.child = null;
    process.removeListener('exit', this.killOnExit);
  }

  /** Stops the server however it can. */
  async kill(): Promise<void> {
    const child = this.child;
    if (child === null) return;
    const gone = new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once('exit', () => resolve());
    });
    child.kill('SIGKILL');
    await gone;
    this.child = null;
    process.removeListener('exit', this.killOnExit);
  }

  /** Kills the server and deletes the datadir. */
  async destroy(): Promise<void> {
    await this.kill();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private errorLogTail(): string {
    try {
      return fs.readFileSync(path.join(this.dir, 'error.log'), 'utf8').split('\n').slice(-15).join('\n');
    } catch {
      return '(no error log)';
    }
  }
}
