// A throw-away MariaDB the test can stop and start again on the same port and data folder, to show
// the console an outage and a recovery. (tests/support/start-mariadb.mjs starts the shared one for
// the suites; this one is private to a test because stopping a shared server would break others.)
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { canConnect, freePort, sleep } from '../../support/net.js';

const CANDIDATES = ['/usr/sbin/mariadbd', '/usr/bin/mariadbd', '/usr/sbin/mysqld'];
export const MARIADBD = CANDIDATES.find((p) => existsSync(p)) ?? null;
if (!MARIADBD) console.warn('[e2e] MariaDB outage test SKIPPED: mariadbd is not installed (apt-get install mariadb-server)');

const USER = 'integram_e2e';
const PASSWORD = 'integram-e2e-pw';

export interface PrivateMariadb {
  host: string;
  port: number;
  user: string;
  password: string;
  /** mysql://user:pw@127.0.0.1:port (no database part) */
  url: string;
  /** runs SQL as root over the socket (e.g. CREATE DATABASE) */
  sql(statement: string): void;
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

export async function startPrivateMariadb(): Promise<PrivateMariadb> {
  if (!MARIADBD) throw new Error('mariadbd is not installed');
  const mariadbd = MARIADBD;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'integram-e2e-mariadb-'));
  const dataDir = path.join(dir, 'data');
  const socket = path.join(dir, 'mysqld.sock');
  const port = await freePort();
  const userArgs = process.getuid?.() === 0 ? ['--user=root'] : [];

  const install = spawnSync('mariadb-install-db', [
    `--datadir=${dataDir}`, '--auth-root-authentication-method=socket', '--skip-test-db', ...userArgs,
  ], { encoding: 'utf8' });
  if (install.status !== 0) throw new Error(`mariadb-install-db failed: ${install.stderr || install.stdout}`);

  let child: ChildProcess | null = null;
  const start = async (): Promise<void> => {
    const proc = spawn(mariadbd, [
      '--no-defaults', `--datadir=${dataDir}`, `--socket=${socket}`, `--port=${port}`,
      '--bind-address=127.0.0.1', '--skip-name-resolve', '--innodb-buffer-pool-size=64M',
      '--innodb-flush-log-at-trx-commit=2', `--pid-file=${path.join(dir, 'mysqld.pid')}`,
      `--log-error=${path.join(dir, 'error.log')}`, ...userArgs,
    ], { stdio: 'ignore' });
    child = proc;
    const deadline = Date.now() + 60_000;
    while (!(await canConnect(port))) {
      if (proc.exitCode !== null) throw new Error(`mariadbd exited during start; see ${path.join(dir, 'error.log')}`);
      if (Date.now() > deadline) throw new Error('mariadbd did not start within 60 s');
      await sleep(150);
    }
  };
  const stop = async (): Promise<void> => {
    const proc: ChildProcess | null = child;
    child = null;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  };

  await start();
  const client = existsSync('/usr/bin/mariadb') ? 'mariadb' : 'mysql';
  const sql = (statement: string): void => {
    const run = spawnSync(client, [`--socket=${socket}`, '-uroot', '-e', statement], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`SQL failed (${statement}): ${run.stderr}`);
  };
  try {
    sql(`CREATE USER IF NOT EXISTS '${USER}'@'127.0.0.1' IDENTIFIED BY '${PASSWORD}';` +
      `GRANT ALL PRIVILEGES ON *.* TO '${USER}'@'127.0.0.1'; FLUSH PRIVILEGES;`);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    host: '127.0.0.1', port, user: USER, password: PASSWORD,
    url: `mysql://${USER}:${PASSWORD}@127.0.0.1:${port}`,
    sql,
    stop,
    start,
    destroy: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
