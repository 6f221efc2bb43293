#!/usr/bin/env node
// `npm test`: builds the project, starts a throw-away MariaDB when one is installed (so the MySQL
// suites run), runs every vitest suite, and prints one closing line "tests: N passed, N failed, N skipped".
// In CI (CI=true) the MySQL suites must not be skipped: a missing MariaDB fails the run.
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findMariadbd, startMariadb } from './support/start-mariadb.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const inCi = process.env.CI === 'true' || process.env.CI === '1';
const extraArgs = process.argv.slice(2);

function run(cmd, args, env = process.env) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env });
  return r.status ?? 1;
}

console.log('> building (npm run build)');
if (run('npm', ['run', 'build']) !== 0) {
  console.error('build failed');
  process.exit(1);
}

const env = { ...process.env };
let mariadb = null;
if (!env.TEST_MYSQL_URL) {
  if (findMariadbd()) {
    try {
      mariadb = await startMariadb({ log: (m) => console.log(`> ${m}`) });
      env.TEST_MYSQL_URL = mariadb.url;
      // the same server through its unix socket (the test user may connect there too)
      env.TEST_MYSQL_SOCKET = mariadb.socket;
    } catch (err) {
      console.error(`> could not start MariaDB: ${err.message}`);
      if (inCi) process.exit(1);
    }
  }
}
if (!env.TEST_MYSQL_URL) {
  const why = 'MySQL suites SKIPPED: mariadbd is not installed (apt-get install mariadb-server) and TEST_MYSQL_URL is not set';
  console.log(`> ${why}`);
  if (inCi) {
    console.error('> in CI the MySQL suites must run');
    process.exit(1);
  }
}
if (!env.CHROMIUM_PATH && existsSync('/usr/bin/chromium')) env.CHROMIUM_PATH = '/usr/bin/chromium';
if (!env.CHROMIUM_PATH) console.log('> browser suites SKIPPED: /usr/bin/chromium is not installed (apt-get install chromium)');

const artifacts = path.join(root, 'tests', 'artifacts');
mkdirSync(artifacts, { recursive: true });
const resultsFile = path.join(artifacts, 'vitest-results.json');
const vitest = spawn(process.execPath, [
  path.join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run',
  '--reporter=default', '--reporter=json', `--outputFile.json=${resultsFile}`, ...extraArgs,
], { cwd: root, stdio: 'inherit', env });
const code = await new Promise((resolve) => vitest.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0))));
if (mariadb) await mariadb.destroy();

let passed = 0, failed = 0, skipped = 0;
const skippedMysqlFiles = [];
if (existsSync(resultsFile)) {
  const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
  for (const file of results.testResults ?? []) {
    const statuses = (file.assertionResults ?? []).map((a) => a.status);
    passed += statuses.filter((s) => s === 'passed').length;
    failed += statuses.filter((s) => s === 'failed').length;
    skipped += statuses.filter((s) => s !== 'passed' && s !== 'failed').length;
    // a suite that failed without a failing test: it did not load, or a hook (beforeAll ...) threw,
    // which leaves its tests "skipped"
    if (file.status === 'failed' && !statuses.includes('failed')) failed += 1;
    const isMysqlSuite = /mysql|mariadb/i.test(path.basename(file.name));
    if (isMysqlSuite && statuses.length > 0 && statuses.every((s) => s === 'skipped' || s === 'pending' || s === 'todo')) {
      skippedMysqlFiles.push(path.relative(root, file.name));
    }
  }
}
let exitCode = code;
if (inCi && skippedMysqlFiles.length > 0) {
  console.error(`> in CI the MySQL suites must run, but these were skipped: ${skippedMysqlFiles.join(', ')}`);
  exitCode = 1;
}
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(exitCode);
