/**
 * `npm run soak`: the server under faults and load, on loopback only, as a command (not part of
 * `npm test`). Each scenario prints its figures; the table at the end goes into docs/reliability.md.
 *
 *   outage        MariaDB stopped and started again under load (a throw-away mariadbd): the time to
 *                 the first 503, 5xx other than 503, the time from MariaDB accepting connections to
 *                 the first answer again
 *   unique        50 parallel `_m_new` of one value into a unique table, 5 rounds: records stored
 *   embedded-100  a list page of 20 on PGlite at 100 connections: req/s, p99, the slowest answer,
 *                 answers over 2 s, fast 503 "busy" answers
 *   acknowledged  2,000 `_m_new` of distinct values, 100 at a time: acknowledged ids missing afterwards
 *
 * Environment: SOAK_SECONDS (load duration per scenario, default 20), SOAK_STORES ("mysql,pglite"),
 * SOAK_SCENARIOS (comma list). MariaDB scenarios need mariadbd (apt-get install mariadb-server).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { loadRows } from '../golden/replay.js';
import { LegacyClient } from '../support/bench-app.js';
import { sleep } from '../support/net.mjs';
import { createMariadb, findMariadbd, type Mariadb } from '../support/start-mariadb.mjs';
import { withStore } from '../bench/seed.js';
import { startServer, type Child } from '../bench/processes.js';
import { parseMysqlUrl } from '../../server/storage/index.js';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 20);
const STORES = (process.env.SOAK_STORES ?? 'mysql,pglite').split(',').map((s) => s.trim());
const ONLY = process.env.SOAK_SCENARIOS ? new Set(process.env.SOAK_SCENARIOS.split(',').map((s) => s.trim())) : null;
const SALT = 'oracle-salt';
const DB = 'my';

interface Figure { scenario: string; store: string; figure: string; value: string; pass: boolean | null }
const figures: Figure[] = [];
const log = (message: string) => process.stdout.write(`${message}\n`);
const record = (scenario: string, store: string, figure: string, value: string, pass: boolean | null = null) => {
  figures.push({ scenario, store, figure, value, pass });
  log(`  ${figure}: ${value}${pass === null ? '' : pass ? '  (pass)' : '  (FAIL)'}`);
};

/** A server on a fresh store with the golden start rows (login tester / tester-pass-1). */
async function serverOn(kind: 'mysql' | 'pglite', mariadb: Mariadb | null): Promise<{ server: Child; client: LegacyClient; cleanup(): Promise<void> }> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `integram-soak-${kind}-`));
  const env: Record<string, string> = { DATA_DIR: dataDir, AUTH_SALT: SALT, NODE_ENV: 'production', LOG_LEVEL: 'warn', DB_PING_INTERVAL_MS: '5000' };
  let spec: Parameters<typeof withStore>[0] = { pgliteDir: path.join(dataDir, 'pglite') };
  if (kind === 'mysql' && mariadb) {
    env.DATABASE_URL = `${mariadb.url}/soak_${randomBytes(4).toString('hex')}`;
    spec = { mysql: parseMysqlUrl(env.DATABASE_URL) };
  }
  await withStore(spec, (store) => store.importRows(DB, loadRows('start-rows.json')));
  const server = await startServer(env, DB);
  const client = new LegacyClient(server.url, DB);
  await client.login('tester', 'tester-pass-1');
  return {
    server, client,
    async cleanup() {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Requests in a loop from `connections` clients until stopped; answers counted by status. */
function loadLoop(url: string, headers: Record<string, string>, connections: number) {
  const statuses = new Map<number, number>();
  const events: Array<{ at: number; status: number }> = [];
  let running = true;
  const worker = async () => {
    while (running) {
      let status = 0;
      try {
        const res = await fetch(url, { headers, signal: AbortSignal.timeout(10_000) });
        await res.arrayBuffer();
        status = res.status;
      } catch {
        status = 0; // no answer (refused, reset, timed out)
      }
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      events.push({ at: Date.now(), status });
      if (status !== 200) await sleep(20);
    }
  };
  const workers = Array.from({ length: connections }, worker);
  return {
    statuses, events,
    async stop() {
      running = false;
      await Promise.all(workers);
    },
  };
}

async function outage(mariadb: Mariadb): Promise<void> {
  log('\n== outage (MariaDB) ==');
  const { server, client, cleanup } = await serverOn('mysql', mariadb);
  try {
    const load = loadLoop(`${server.url}/${DB}/object/18?JSON_KV`, { 'X-Authorization': client.token }, 10);
    await sleep(2000);
    const stoppedAt = Date.now();
    await mariadb.kill();
    await sleep(Math.max(3000, SECONDS * 250));
    const restartAt = Date.now();
    await mariadb.start();
    const acceptingAt = Date.now();
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && !load.events.some((e) => e.at > acceptingAt && e.status === 200)) await sleep(50);
    await sleep(1000);
    await load.stop();
    const first503 = load.events.find((e) => e.at >= stoppedAt && e.status === 503);
    const back = load.events.find((e) => e.at > acceptingAt && e.status === 200);
    const other5xx = [...load.statuses].filter(([s]) => s >= 500 && s !== 503).reduce((n, [, c]) => n + c, 0);
    const noAnswer = load.statuses.get(0) ?? 0;
    record('outage', 'MariaDB', 'first 503 after MariaDB was killed', first503 ? `${first503.at - stoppedAt} ms` : 'none', first503 ? first503.at - stoppedAt <= 1000 : false);
    record('outage', 'MariaDB', 'answers other than 200/503 during the run', `${other5xx} 5xx, ${noAnswer} without an answer`, other5xx === 0 && noAnswer === 0);
    record('outage', 'MariaDB', 'MariaDB start took', `${acceptingAt - restartAt} ms`);
    record('outage', 'MariaDB', 'service back after MariaDB accepted connections', back ? `${back.at - acceptingAt} ms` : 'not within 30 s', back ? back.at - acceptingAt <= 1000 : false);
    record('outage', 'MariaDB', 'requests answered', String([...load.statuses.values()].reduce((a, b) => a + b, 0)));
  } finally {
    await cleanup();
  }
}

async function unique(kind: 'mysql' | 'pglite', mariadb: Mariadb | null): Promise<void> {
  const label = kind === 'mysql' ? 'MariaDB' : 'PGlite';
  log(`\n== unique (${label}) ==`);
  const { client, cleanup } = await serverOn(kind, mariadb);
  try {
    const type = await client.type('SoakCode', 3, true);
    let stored = 0;
    for (let round = 0; round < 5; round++) {
      const value = `CODE-${round}`;
      await Promise.all(Array.from({ length: 50 }, () => client.post(`_m_new/${type}?JSON`, { up: '1', [`t${type}`]: value })));
      const list = await client.get(`object/${type}?JSON_OBJ&LIMIT=1000`);
      stored += (list.json as Array<{ r: unknown[] }>).filter((r) => r.r[0] === value).length;
    }
    record('unique', label, 'records stored for 5 values sent 50 times each at once', String(stored), stored === 5);
  } finally {
    await cleanup();
  }
}

async function embedded100(): Promise<void> {
  log('\n== embedded-100 (PGlite) ==');
  const { server, client, cleanup } = await serverOn('pglite', null);
  try {
    const type = await client.type('SoakRow', 3);
    for (let i = 0; i < 200; i++) await client.record(type, { [`t${type}`]: `row ${i}` });
    const result = await autocannon({
      url: `${server.url}/${DB}/object/${type}?JSON_KV&LIMIT=20`, connections: 100, duration: SECONDS, timeout: 30,
      headers: { 'X-Authorization': client.token },
    });
    const over2s = result.latency.max > 2000;
    record('embedded-100', 'PGlite', 'requests per second', result.requests.average.toFixed(0));
    record('embedded-100', 'PGlite', 'p99 latency', `${result.latency.p99} ms`, result.latency.p99 <= 500);
    record('embedded-100', 'PGlite', 'slowest answer', `${result.latency.max} ms`, !over2s);
    record('embedded-100', 'PGlite', 'answers that were not 200 (503 busy)', `${result.non2xx} of ${result.requests.total}`);
    record('embedded-100', 'PGlite', 'errors and timeouts', `${result.errors} / ${result.timeouts}`, result.errors === 0 && result.timeouts === 0);
  } finally {
    await cleanup();
  }
}

async function acknowledged(kind: 'mysql' | 'pglite', mariadb: Mariadb | null): Promise<void> {
  const label = kind === 'mysql' ? 'MariaDB' : 'PGlite';
  log(`\n== acknowledged (${label}) ==`);
  const { client, cleanup } = await serverOn(kind, mariadb);
  try {
    const type = await client.type('SoakNote', 3);
    const acked: number[] = [];
    let refused = 0;
    for (let round = 0; round < 20; round++) {
      const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => client.post(`_m_new/${type}?JSON`, { up: '1', [`t${type}`]: `note ${round}-${i}` })));
      for (const a of answers) {
        if (a.status === 200 && typeof (a.json as { id?: unknown }).id !== 'undefined') acked.push(Number((a.json as { id: number }).id));
        else refused++;
      }
    }
    const list = await client.get(`object/${type}?JSON_OBJ&LIMIT=5000`);
    const present = new Set((list.json as Array<{ i: number }>).map((r) => r.i));
    const missing = acked.filter((id) => !present.has(id)).length;
    record('acknowledged', label, 'acknowledged writes (100 at a time)', `${acked.length} (${refused} refused)`);
    record('acknowledged', label, 'acknowledged writes missing afterwards', String(missing), missing === 0);
  } finally {
    await cleanup();
  }
}

const want = (name: string) => !ONLY || ONLY.has(name);
log(`npm run soak: ${SECONDS} s of load per scenario, stores ${STORES.join(', ')}; load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
let mariadb: Mariadb | null = null;
if (STORES.includes('mysql')) {
  if (findMariadbd()) {
    mariadb = await createMariadb({ log });
    await mariadb.start();
  } else log('MariaDB scenarios skipped: mariadbd is not installed (apt-get install mariadb-server)');
}
try {
  if (mariadb && want('outage')) await outage(mariadb);
  for (const kind of ['mysql', 'pglite'] as const) {
    if (!STORES.includes(kind) || (kind === 'mysql' && !mariadb)) continue;
    if (want('unique')) await unique(kind, mariadb);
    if (want('acknowledged')) await acknowledged(kind, mariadb);
  }
  if (STORES.includes('pglite') && want('embedded-100')) await embedded100();
} finally {
  await mariadb?.destroy();
}

log('\n== results ==');
log('| scenario | store | figure | value | verdict |');
log('|---|---|---|---|---|');
for (const f of figures) log(`| ${f.scenario} | ${f.store} | ${f.figure} | ${f.value} | ${f.pass === null ? '' : f.pass ? 'pass' : 'FAIL'} |`);
process.exitCode = figures.some((f) => f.pass === false) ? 1 : 0;
