#!/usr/bin/env node
// Starts a throw-away MariaDB server for the test suites: its own data folder under the OS temp
// directory, listening on 127.0.0.1 only, on a free port. Prints `TEST_MYSQL_URL=...` and keeps
// running until killed (SIGTERM/SIGINT), then removes its data folder.
// Used by tests/run-tests.mjs; can also be run by hand:  node tests/support/start-mariadb.mjs
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const MARIADBD_CANDIDATES = ['/usr/sbin/mariadbd', '/usr/bin/mariadbd', '/usr/sbin/mysqld'];

export function findMariadbd() {
  return MARIADBD_CANDIDATES.find((p) => existsSync(p)) ?? null;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function canConnect(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

/** Starts the server; resolves to { url, stop() }. */
export async function startMariadb({ log = () => {} } = {}) {
  const mariadbd = findMariadbd();
  if (!mariadbd) throw new Error('mariadbd is not installed (apt-get install mariadb-server)');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'integram-test-mariadb-'));
  const dataDir = path.join(dir, 'data');
  const socket = path.join(dir, 'mysqld.sock');
  const port = await freePort();
  const runAsRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const userArgs = runAsRoot ? ['--user=root'] : [];

  const install = spawnSync('mariadb-install-db', [
    `--datadir=${dataDir}`, '--auth-root-authentication-method=socket', '--skip-test-db', ...userArgs,
  ], { encoding: 'utf8' });
  if (install.status !== 0) throw new Error(`mariadb-install-db failed: ${install.stderr || install.stdout}`);

  const child = spawn(mariadbd, [
    '--no-defaults', `--datadir=${dataDir}`, `--socket=${socket}`, `--port=${port}`,
    '--bind-address=127.0.0.1', '--skip-name-resolve', '--max-allowed-packet=64M',
    '--innodb-buffer-pool-size=256M', '--innodb-flush-log-at-trx-commit=2', '--max-connections=500',
    `--pid-file=${path.join(dir, 'mysqld.pid')}`, `--log-error=${path.join(dir, 'error.log')}`, ...userArgs,
  ], { stdio: 'ignore' });
  let exited = false;
  child.on('exit', () => { exited = true; });

  const deadline = Date.now() + 60_000;
  while (!(await canConnect(port))) {
    if (exited) throw new Error(`mariadbd exited during start; see ${path.join(dir, 'error.log')}`);
    if (Date.now() > deadline) { child.kill('SIGKILL'); throw new Error('mariadbd did not start within 60 s'); }
    await new Promise((r) => setTimeout(r, 200));
  }
  // The test user connects over TCP with a password (root only works through the socket).
  const password = 'integram-test-pw';
  const sql = `CREATE USER IF NOT EXISTS 'integram_test'@'127.0.0.1' IDENTIFIED BY '${password}';` +
    `GRANT ALL PRIVILEGES ON *.* TO 'integram_test'@'127.0.0.1' WITH GRANT OPTION; FLUSH PRIVILEGES;`;
  const client = existsSync('/usr/bin/mariadb') ? 'mariadb' : 'mysql';
  const grant = spawnSync(client, [`--socket=${socket}`, '-uroot', '-e', sql], { encoding: 'utf8' });
  if (grant.status !== 0) throw new Error(`creating the test user failed: ${grant.stderr}`);

  const url = `mysql://integram_test:${password}@127.0.0.1:${port}`;
  log(`MariaDB for tests on 127.0.0.1:${port} (data ${dataDir})`);
  const stop = async () => {
    if (!exited) {
      child.kill('SIGTERM');
      const until = Date.now() + 20_000;
      while (!exited && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
      if (!exited) child.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  return { url, port, stop };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const db = await startMariadb({ log: (m) => console.error(m) });
  console.log(`TEST_MYSQL_URL=${db.url}`);
  const shutdown = () => db.stop().then(() => process.exit(0));
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  setInterval(() => {}, 1 << 30);
}
