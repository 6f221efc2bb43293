/**
 * A private, throw-away MariaDB for the outage tests: own data folder and port on 127.0.0.1,
 * which a test may kill (SIGKILL, like a crash) and start again on the same port and data.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const MARIADBD = ['/usr/sbin/mariadbd', '/usr/bin/mariadbd', '/usr/sbin/mysqld'].find((file) => existsSync(file)) ?? null;

export function mariadbInstalled(): boolean {
  return MARIADBD !== null && spawnSync('mariadb-install-db', ['--version'], { stdio: 'ignore' }).status === 0;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export const OWN_USER = 'integram_outage';
export const OWN_PASSWORD = 'outage-test-pw';

export class OwnMariadb {
  readonly dir = mkdtempSync(path.join(os.tmpdir(), 'integram-outage-mariadb-'));
  private readonly dataDir = path.join(this.dir, 'data');
  private readonly socket = path.join(this.dir, 'mysqld.sock');
  private child: ChildProcess | null = null;
  private installed = false;

  constructor(readonly port: number) {}

  private userArgs(): string[] {
    return typeof process.getuid === 'function' && process.getuid() === 0 ? ['--user=root'] : [];
  }

  async start(): Promise<void> {
    if (!MARIADBD) throw new Error('mariadbd is not installed');
    if (!this.installed) {
      const install = spawnSync('mariadb-install-db', [`--datadir=${this.dataDir}`, '--auth-root-authentication-method=socket', '--skip-test-db', ...this.userArgs()], { encoding: 'utf8' });
      if (install.status !== 0) throw new Error(`mariadb-install-db failed: ${install.stderr || install.stdout}`);
    }
    const child = spawn(MARIADBD, [
      '--no-defaults', `--datadir=${this.dataDir}`, `--socket=${this.socket}`, `--port=${this.port}`,
      '--bind-address=127.0.0.1', '--skip-name-resolve', '--innodb-buffer-pool-size=64M',
      `--pid-file=${path.join(this.dir, 'mysqld.pid')}`, `--log-error=${path.join(this.dir, 'error.log')}`, ...this.userArgs(),
    ], { stdio: 'ignore' });
    this.child = child;
    let exited = false;
    child.once('exit', () => {
      exited = true;
    });
    const deadline = Date.now() + 60_000;
    while (!(await canConnect(this.port))) {
      if (exited) throw new Error(`mariadbd exited during start; see ${path.join(this.dir, 'error.log')}`);
      if (Date.now() > deadline) throw new Error('mariadbd did not start within 60 s');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    if (!this.installed) {
      const sql = `CREATE USER IF NOT EXISTS '${OWN_USER}'@'127.0.0.1' IDENTIFIED BY '${OWN_PASSWORD}'; GRANT ALL PRIVILEGES ON *.* TO '${OWN_USER}'@'127.0.0.1'; FLUSH PRIVILEGES;`;
      const grant = spawnSync('mariadb', [`--socket=${this.socket}`, '-uroot', '-e', sql], { encoding: 'utf8' });
      if (grant.status !== 0) throw new Error(`creating the test user failed: ${grant.stderr}`);
      this.installed = true;
    }
  }

  /** a crash: SIGKILL, and wait until the port is closed */
  async kill(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  async destroy(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
