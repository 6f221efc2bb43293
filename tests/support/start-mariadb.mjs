#!/usr/bin/env node
// The one MariaDB launcher of the test suites: a throw-away server with its own data folder under
// the OS temp directory, listening on 127.0.0.1 and on a unix socket in that folder (`socket`), with a
// test user that connects over either with its password.
//
//  - startMariadb(): the shared one for a whole run (tests/run-tests.mjs, the benchmark), on a
//    free port; `destroy()` stops it and removes its data folder.
//  - createMariadb({ port }): one a suite owns and may stop (`stop()`), crash (`kill()`, SIGKILL)
//    and start again (`start()`) on the same port and data folder, to show an outage; nothing runs
//    until the first `start()`, which also installs the data folder and creates the user.
//
// Run by hand it prints `TEST_MYSQL_URL=...` and keeps running until killed (SIGTERM/SIGINT):
//   node tests/support/start-mariadb.mjs
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { canConnect, freePort, sleep } from './net.mjs';

export const MARIADBD_CANDIDATES = ['/usr/sbin/mariadbd', '/usr/bin/mariadbd', '/usr/sbin/mysqld'];

export function findMariadbd() {
  return MARIADBD_CANDIDATES.find((p) => existsSync(p)) ?? null;
}

/** mariadbd and mariadb-install-db are both there. */
export function mariadbInstalled() {
  return findMariadbd() !== null && spawnSync('mariadb-install-db', ['--version'], { stdio: 'ignore' }).status === 0;
}

/**
 * A MariaDB that is not running yet; `start()` runs it (installing the data folder first).
 * Options: port (default: a free one), user / password of the test user, innodbBufferPoolSize,
 * log (a line sink), prefix of the temp folder.
 */
export async function createMariadb(options = {}) {
  const mariadbd = findMariadbd();
  if (!mariadbd) throw new Error('mariadbd is not installed (apt-get install mariadb-server)');
  const {
    user = 'integram_test', password = 'integram-test-pw', innodbBufferPoolSize = '256M',
    log = () => {}, prefix = 'integram-test-mariadb-',
  } = options;
  const port = options.port ?? (await freePort());
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  const dataDir = path.join(dir, 'data');
  const socket = path.join(dir, 'mysqld.sock');
  const errorLog = path.join(dir, 'error.log');
  const runAsRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const userArgs = runAsRoot ? ['--user=root'] : [];
  const client = existsSync('/usr/bin/mariadb') ? 'mariadb' : 'mysql';
  let installed = false;
  let child = null;

  /** runs SQL as root over the socket (CREATE DATABASE ...); throws on failure */
  const sql = (statement) => {
    const run = spawnSync(client, [`--socket=${socket}`, '-uroot', '-e', statement], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`SQL failed (${statement}): ${run.stderr}`);
  };

  const running = () => child !== null && child.exitCode === null && child.signalCode === null;

  /** ends the process with `signal` (SIGKILL after `killAfterMs` if it is still there) and waits for the exit */
  const end = async (signal, killAfterMs) => {
    const proc = child;
    child = null;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill(signal);
    const timer = setTimeout(() => proc.kill('SIGKILL'), killAfterMs);
    await exited;
    clearTimeout(timer);
  };
  /** a graceful stop (SIGTERM, SIGKILL after 20 s) */
  const stop = () => end('SIGTERM', 20_000);
  /** a crash: SIGKILL, and wait for the exit */
  const kill = () => end('SIGKILL', 0);

  const start = async () => {
    if (running()) return;
    if (!installed) {
      const install = spawnSync('mariadb-install-db', [
        `--datadir=${dataDir}`, '--auth-root-authentication-method=socket', '--skip-test-db', ...userArgs,
      ], { encoding: 'utf8' });
      if (install.status !== 0) throw new Error(`mariadb-install-db failed: ${install.stderr || install.stdout}`);
    }
    const proc = spawn(mariadbd, [
      '--no-defaults', `--datadir=${dataDir}`, `--socket=${socket}`, `--port=${port}`,
      '--bind-address=127.0.0.1', '--skip-name-resolve', '--max-allowed-packet=64M',
      `--innodb-buffer-pool-size=${innodbBufferPoolSize}`, '--innodb-flush-log-at-trx-commit=2', '--max-connections=500',
      `--pid-file=${path.join(dir, 'mysqld.pid')}`, `--log-error=${errorLog}`, ...userArgs,
    ], { stdio: 'ignore' });
    child = proc;
    const deadline = Date.now() + 60_000;
    while (!(await canConnect(port))) {
      if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`mariadbd exited during start; see ${errorLog}`);
      if (Date.now() > deadline) {
        await kill();
        throw new Error('mariadbd did not start within 60 s');
      }
      await sleep(100);
    }
    if (!installed) {
      // the test user connects with a password over TCP (@127.0.0.1) or through the socket (@localhost);
      // root only works through the socket
      try {
        sql(['127.0.0.1', 'localhost'].map((host) => `CREATE USER IF NOT EXISTS '${user}'@'${host}' IDENTIFIED BY '${password}';` +
          `GRANT ALL PRIVILEGES ON *.* TO '${user}'@'${host}' WITH GRANT OPTION;`).join('') + 'FLUSH PRIVILEGES;');
      } catch (err) {
        await stop();
        throw new Error(`creating the test user failed: ${err.message}`);
      }
      installed = true;
      log(`MariaDB for tests on 127.0.0.1:${port} (data ${dataDir})`);
    }
  };

  /** stops it and removes its data folder */
  const destroy = async () => {
    await stop();
    rmSync(dir, { recursive: true, force: true });
  };

  return {
    host: '127.0.0.1', port, user, password, dir, socket,
    url: `mysql://${user}:${password}@127.0.0.1:${port}`,
    running, sql, start, stop, kill, destroy,
  };
}

/** A running MariaDB (createMariadb + start); on a failed start its folder is removed. */
export async function startMariadb(options = {}) {
  const db = await createMariadb(options);
  try {
    await db.start();
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return db;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const db = await startMariadb({ log: (m) => console.error(m) });
  console.log(`TEST_MYSQL_URL=${db.url}`);
  console.log(`TEST_MYSQL_SOCKET=${db.socket}`);
  const shutdown = () => db.destroy().then(() => process.exit(0));
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  setInterval(() => {}, 1 << 30);
}
