/**
 * `npm run soak`: the server under faults and load, on loopback only, as a command (not part of
 * `npm test`). Each scenario prints its figures; the table at the end goes into docs/reliability.md.
 *
 *   outage        MariaDB stopped and started again under load (a throw-away mariadbd): the time to
 *                 the first 503, 5xx other than 503, the time from MariaDB accepting connections to
 *                 the first answer again
 *   outage-mixed  the same under the mixed load (30 clients, reads and writes): first 503, 5xx other than
 *                 503 or no answer, reads and writes served again, acknowledged writes missing afterwards
 *   unique        50 parallel `_m_new` of one value into a unique table, 5 rounds: records stored
 *   embedded-100  a list page of 20 on PGlite at 100 connections: req/s, p99, the slowest answer,
 *                 answers over 2 s, fast 503 "busy" answers
 *   acknowledged  2,000 `_m_new` of distinct values, 100 at a time: acknowledged ids missing afterwards
 *   mixed         100 clients for SOAK_SECONDS mixing lists, cards, `_m_new`, `_m_save`/`_m_set`, `_m_del`:
 *                 answers by status, errors (5xx other than 503, no answer), 503 busy apart, p50/p99
 *   kill9         kill -9 of the server process at a random moment during 1,000 `_m_new`, restarted on the
 *                 same data folder / schema, SOAK_KILL_ROUNDS times (default 5): acknowledged writes
 *                 missing, restarts that did not open the store
 *   fuzz          SOAK_FUZZ_REQUESTS (default 100,000) requests of the fuzz generator
 *                 (tests/integration/fuzz/fuzz-requests.ts) against the server process: 5xx, no answer,
 *                 /health at the end
 *   sqli          ~40 SQL-injection payloads in every place a value flows (path id/type, F_/FR_/ORDER/LIMIT,
 *                 t* and val fields, JSON and multipart bodies, token header/cookie, report filters), read
 *                 endpoints and refused writes only: rows changed, SQL text in an answer, 5xx
 *
 * Environment: SOAK_SECONDS (load duration per scenario, default 20; 300 for the 5-minute mixed run
 * of issue 12), SOAK_STORES ("mysql,pglite"), SOAK_SCENARIOS (comma list), SOAK_KILL_ROUNDS,
 * SOAK_FUZZ_REQUESTS. MariaDB scenarios need mariadbd (apt-get install mariadb-server).
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
import fc from 'fast-check';
import { spawnServer, type ServerProcess } from '../support/server.js';
import type { IncomingHttpHeaders } from 'node:http';
import { describeRequest, requestArb, send, type FuzzRequest, type FuzzTargets } from '../integration/fuzz/fuzz-requests.js';

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
  const env: Record<string, string> = { DATA_DIR: dataDir, AUTH_SALT: SALT, NODE_ENV: 'production', LOG_LEVEL: 'warn', DB_PING_INTERVAL_MS: '5000', PGLITE_SYNC_COMMITS: 'true' };
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

const KILL_ROUNDS = Number(process.env.SOAK_KILL_ROUNDS ?? 5);
const FUZZ_REQUESTS = Number(process.env.SOAK_FUZZ_REQUESTS ?? 100_000);
const labelOf = (kind: 'mysql' | 'pglite') => (kind === 'mysql' ? 'MariaDB' : 'PGlite');
const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] : 0);
const statusList = (statuses: Map<number | string, number>) => [...statuses].sort(([a], [b]) => String(a).localeCompare(String(b))).map(([s, n]) => `${s === 0 ? 'no answer' : s}: ${n}`).join(', ');

/** One mixed request's answer: when it came, its status (0 = no answer), what kind of request it was. */
interface MixedAnswer { at: number; status: number | string; ms: number; write: boolean; sample: string }

/**
 * `connections` clients mixing lists, cards, `_m_new`, `_m_save`/`_m_set` and `_m_del` on one table
 * until stopped. Every acknowledged `_m_new` id is kept (deleted ones are forgotten), so a scenario can
 * check afterwards that each acknowledged write is still there.
 */
async function mixedLoad(server: Child, client: LegacyClient, connections: number) {
  const type = await client.type(`SoakMix${randomBytes(2).toString('hex')}`, 3);
  const amount = await client.column(type, `SoakAmount${randomBytes(2).toString('hex')}`, 13);
  const ids: number[] = [];
  for (let i = 0; i < 100; i++) ids.push(await client.record(type, { [`t${type}`]: `seed ${i}`, [`t${amount}`]: String(i) }));
  const answers: MixedAnswer[] = [];
  const base = `${server.url}/${DB}`;
  const auth = { 'X-Authorization': client.token };
  const form = (values: Record<string, string>) => ({ method: 'POST', headers: { ...auth, 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _xsrf: client.xsrf, ...values }).toString() });
  const pick = () => ids[Math.floor(Math.random() * ids.length)] ?? ids[0] ?? 1;
  let running = true;
  let n = 0;
  const worker = async () => {
    while (running) {
      n++;
      const dice = Math.random();
      let url: string;
      let init: RequestInit = { headers: auth };
      let created = false;
      if (dice < 0.3) url = `${base}/object/${type}?JSON_OBJ&LIMIT=${Math.floor(Math.random() * 5) * 20},20`;
      else if (dice < 0.5) url = `${base}/edit_obj/${pick()}?JSON`;
      else if (dice < 0.65) {
        url = `${base}/_m_new/${type}?JSON`;
        init = form({ up: '1', [`t${type}`]: `mixed ${n}`, [`t${amount}`]: String(n) });
        created = true;
      } else if (dice < 0.77) {
        url = `${base}/_m_save/${pick()}?JSON`;
        init = form({ [`t${type}`]: `saved ${n}`, [`t${amount}`]: String(n) });
      } else if (dice < 0.9) {
        url = `${base}/_m_set/${pick()}?JSON`;
        init = form({ [`t${amount}`]: String(n) });
      } else if (ids.length > 50) {
        // forgotten before it is sent: a delete without an answer may or may not have happened
        const deleted = ids.splice(Math.floor(Math.random() * ids.length), 1)[0];
        url = `${base}/_m_del/${deleted}?JSON`;
        init = form({});
      } else url = `${base}/object/${type}?JSON_OBJ&LIMIT=20`;
      const started = performance.now();
      let status = 0;
      let text = '';
      try {
        const res = await fetch(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(30_000) });
        text = await res.text();
        status = res.status;
      } catch {
        status = 0;
      }
      const sample = `${init.method ?? 'GET'} ${url.slice(base.length)} -> ${text.slice(0, 160)}`;
      let key: number | string = status;
      if (status === 503 && /busy/i.test(text)) key = '503 busy';
      else if (status === 200 && /"error"/.test(text.slice(0, 200))) key = '200 refused';
      answers.push({ at: Date.now(), status: key, ms: performance.now() - started, write: init.method === 'POST', sample });
      if (created && status === 200) {
        const id = Number((parseJsonSafe(text) as { id?: unknown } | undefined)?.id);
        if (Number.isFinite(id) && id > 0) ids.push(id);
      }
      if (status === 503 || status === 0) await sleep(50);
    }
  };
  const workers = Array.from({ length: connections }, worker);
  return {
    answers,
    async stop() {
      running = false;
      await Promise.all(workers);
    },
    /** acknowledged records (created and not deleted by the load) missing from the table now */
    async missing(): Promise<number> {
      const list = await client.get(`object/${type}?JSON_OBJ&LIMIT=100000`);
      const present = new Set((list.json as Array<{ i: number }>).map((r) => r.i));
      return ids.filter((id) => !present.has(id)).length;
    },
  };
}

/** answers counted by status, with the first answer of each status as its sample */
function byStatus(answers: readonly MixedAnswer[]): { statuses: Map<number | string, number>; samples: Map<number | string, string> } {
  const statuses = new Map<number | string, number>();
  const samples = new Map<number | string, string>();
  for (const a of answers) {
    statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
    if (!samples.has(a.status)) samples.set(a.status, a.sample);
  }
  return { statuses, samples };
}

const isError = (status: number | string) => status === 0 || (typeof status === 'number' && status >= 500 && status !== 503);

/** 100 clients mixing reads and writes on one table for SECONDS. */
async function mixed(kind: 'mysql' | 'pglite', mariadb: Mariadb | null): Promise<void> {
  const label = labelOf(kind);
  log(`\n== mixed (${label}) ==`);
  const { server, client, cleanup } = await serverOn(kind, mariadb);
  try {
    const load = await mixedLoad(server, client, 100);
    await sleep(SECONDS * 1000);
    await load.stop();
    const { statuses, samples } = byStatus(load.answers);
    const latencies = load.answers.map((a) => a.ms).sort((a, b) => a - b);
    const total = latencies.length;
    const errors = [...statuses].filter(([s]) => s === 0 || (typeof s === 'number' && s >= 500)).reduce((a, [, c]) => a + c, 0);
    const health = await fetch(`${server.url}/health`).then((r) => r.status, () => 0);
    for (const [key, sample] of samples) if (key !== 200) log(`  a ${key === 0 ? 'request without an answer' : `${key} answer`}: ${sample}`);
    record('mixed', label, `answers in ${SECONDS} s from 100 clients (${(total / SECONDS).toFixed(0)}/s)`, String(total));
    record('mixed', label, 'answers by status', statusList(statuses));
    record('mixed', label, 'errors (5xx other than 503 busy, no answer)', String(errors), errors === 0);
    record('mixed', label, '503 busy (admission queue, not an error)', String(statuses.get('503 busy') ?? 0));
    record('mixed', label, 'p50 / p99 / slowest', `${percentile(latencies, 50).toFixed(0)} / ${percentile(latencies, 99).toFixed(0)} / ${(latencies[total - 1] ?? 0).toFixed(0)} ms`);
    record('mixed', label, '/health afterwards', String(health), health === 200);
  } finally {
    await cleanup();
  }
}

/**
 * MariaDB killed and started again while 30 clients run the mixed load (reads and writes): the first
 * 503 after the kill, answers that are neither a data answer nor a 503 (no 500, no dropped connection),
 * the service back after MariaDB accepts connections, and no acknowledged write lost.
 */
async function outageMixed(mariadb: Mariadb): Promise<void> {
  log('\n== outage-mixed (MariaDB) ==');
  const { server, client, cleanup } = await serverOn('mysql', mariadb);
  try {
    const load = await mixedLoad(server, client, 30);
    await sleep(3000);
    const stoppedAt = Date.now();
    await mariadb.kill();
    await sleep(Math.max(3000, SECONDS * 250));
    const restartAt = Date.now();
    await mariadb.start();
    const acceptingAt = Date.now();
    const deadline = Date.now() + 30_000;
    const servedAfter = (at: number, write: boolean) => load.answers.find((a) => a.at > at && a.write === write && a.status === 200);
    while (Date.now() < deadline && !(servedAfter(acceptingAt, true) && servedAfter(acceptingAt, false))) await sleep(50);
    await sleep(2000);
    await load.stop();
    const missing = await load.missing();
    const first503 = load.answers.find((a) => a.at >= stoppedAt && a.status === 503);
    const backRead = servedAfter(acceptingAt, false);
    const backWrite = servedAfter(acceptingAt, true);
    const { statuses, samples } = byStatus(load.answers);
    const errors = load.answers.filter((a) => isError(a.status)).length;
    for (const [key, sample] of samples) if (isError(key)) log(`  a ${key === 0 ? 'request without an answer' : `${key} answer`}: ${sample}`);
    const health = await fetch(`${server.url}/health`).then((r) => r.status, () => 0);
    record('outage-mixed', 'MariaDB', 'first 503 after MariaDB was killed (30 clients, reads and writes)', first503 ? `${first503.at - stoppedAt} ms` : 'none', first503 ? first503.at - stoppedAt <= 1000 : false);
    record('outage-mixed', 'MariaDB', 'answers by status', statusList(statuses));
    record('outage-mixed', 'MariaDB', '5xx other than 503, answers without a status', String(errors), errors === 0);
    record('outage-mixed', 'MariaDB', 'MariaDB start took', `${acceptingAt - restartAt} ms`);
    record('outage-mixed', 'MariaDB', 'reads / writes served again after MariaDB accepted connections',
      `${backRead ? `${backRead.at - acceptingAt} ms` : 'not within 30 s'} / ${backWrite ? `${backWrite.at - acceptingAt} ms` : 'not within 30 s'}`,
      !!backRead && !!backWrite && backRead.at - acceptingAt <= 5000 && backWrite.at - acceptingAt <= 5000);
    record('outage-mixed', 'MariaDB', 'acknowledged writes missing afterwards', String(missing), missing === 0);
    record('outage-mixed', 'MariaDB', '/health afterwards', String(health), health === 200);
  } finally {
    await cleanup();
  }
}

function parseJsonSafe(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** kill -9 during acknowledged writes, restart on the same data, every acknowledged write still there. */
async function kill9(kind: 'mysql' | 'pglite', mariadb: Mariadb | null): Promise<void> {
  const label = labelOf(kind);
  log(`\n== kill9 (${label}) ==`);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `integram-soak-kill-${kind}-`));
  const env: Record<string, string> = { DATA_DIR: dataDir, AUTH_SALT: SALT, NODE_ENV: 'production', LOG_LEVEL: 'warn', DB_PING_INTERVAL_MS: '5000', PGLITE_SYNC_COMMITS: 'true' };
  let spec: Parameters<typeof withStore>[0] = { pgliteDir: path.join(dataDir, 'pglite') };
  if (kind === 'mysql' && mariadb) {
    env.DATABASE_URL = `${mariadb.url}/soak_${randomBytes(4).toString('hex')}`;
    spec = { mysql: parseMysqlUrl(env.DATABASE_URL) };
  }
  await withStore(spec, (store) => store.importRows(DB, loadRows('start-rows.json')));
  const start = async (): Promise<{ proc: ServerProcess; openMs: number }> => {
    const begun = Date.now();
    const proc = await spawnServer({ entry: 'built', env, dataDir, cwd: dataDir, killAfterMs: 60_000 });
    await proc.waitFor(async () => (await fetch(`${proc.url}/${DB}/xsrf?JSON`)).status !== 503, 'the server ready', 180_000, 100);
    return { proc, openMs: Date.now() - begun };
  };
  let { proc } = await start();
  const acked = new Set<number>();
  let missingTotal = 0;
  let badOpens = 0;
  let sentTotal = 0;
  const opens: number[] = [];
  try {
    let client = new LegacyClient(proc.url, DB);
    await client.login('tester', 'tester-pass-1');
    const type = await client.type('SoakKill', 3);
    for (let round = 0; round < KILL_ROUNDS; round++) {
      // a random moment: after 50–950 of the round's 1,000 writes were sent
      const killAfter = 50 + Math.floor(Math.random() * 900);
      let sent = 0;
      let killed = false;
      const writer = async () => {
        while (sent < 1000 && !killed) {
          const i = sent++;
          if (i === killAfter) {
            killed = true;
            proc.child.kill('SIGKILL');
            return;
          }
          try {
            const a = await client.post(`_m_new/${type}?JSON`, { up: '1', [`t${type}`]: `kill ${round}-${i}` });
            const id = Number((a.json as { id?: unknown } | undefined)?.id);
            if (a.status === 200 && Number.isFinite(id) && id > 0) acked.add(id);
          } catch {
            // the process is gone: no answer, not acknowledged
          }
        }
      };
      await Promise.all(Array.from({ length: 20 }, writer));
      sentTotal += sent;
      await proc.exited;
      proc.cleanup();
      try {
        const restarted = await start();
        proc = restarted.proc;
        opens.push(restarted.openMs);
      } catch (error) {
        badOpens++;
        log(`  round ${round + 1}: the store did not open again: ${String(error).slice(0, 500)}`);
        break;
      }
      client = new LegacyClient(proc.url, DB);
      await client.login('tester', 'tester-pass-1');
      const list = await client.get(`object/${type}?JSON_OBJ&LIMIT=0,10000`);
      const ready = await fetch(`${proc.url}/health/ready`).then((r) => r.status, () => 0);
      if (list.status !== 200 || ready !== 200) badOpens++;
      const present = new Set(Array.isArray(list.json) ? (list.json as Array<{ i: number }>).map((r) => Number(r.i)) : []);
      const missing = [...acked].filter((id) => !present.has(id)).length;
      missingTotal += missing;
      log(`  round ${round + 1}: killed after ${killAfter} sent, ${acked.size} acknowledged so far, ${missing} missing, reopened in ${opens.at(-1) ?? '?'} ms`);
    }
    record('kill9', label, `acknowledged _m_new over ${KILL_ROUNDS} kill -9 rounds (20 at a time)`, `${acked.size} of ${sentTotal} sent`);
    record('kill9', label, 'acknowledged writes missing after the restarts', String(missingTotal), missingTotal === 0);
    record('kill9', label, 'restarts where the store did not open cleanly', String(badOpens), badOpens === 0);
    record('kill9', label, 'restart to ready (slowest)', `${Math.max(0, ...opens)} ms`);
  } finally {
    await proc.stop().catch(() => undefined);
    proc.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * The admission queue's fast `503 busy` (server/http/app.ts): its body says so, and it alone among the
 * server's 503s carries `Retry-After: 1` — which is all a HEAD request gets, having no body (the first
 * 100,000-request run on PGlite counted 9 such HEAD answers as errors).
 */
function isBusyAnswer(status: number, text: string, headers: IncomingHttpHeaders): boolean {
  return status === 503 && (/busy/i.test(text) || (text === '' && headers['retry-after'] === '1'));
}

/** The fuzz test's schema in small: every base type, a reference, a multi-reference, a subordinate table, a read-only user. */
async function seedTargets(client: LegacyClient, url: string): Promise<FuzzTargets> {
  const c = client;
  const city = await c.type('City', 3);
  const tag = await c.type('Tag', 3);
  const cl = await c.type('Client', 3, true);
  const phone = await c.column(cl, 'Phone', 3);
  const age = await c.column(cl, 'Age', 13);
  const birthday = await c.column(cl, 'Birthday', 9);
  const active = await c.column(cl, 'Active', 11);
  const notes = await c.column(cl, 'Notes', 12);
  const balance = await c.column(cl, 'Balance', 14);
  const scan = await c.column(cl, 'Scan', 10);
  const cityRef = await c.reference(cl, city);
  const tagsRef = await c.reference(cl, tag, true);
  const contact = await c.type('Contact', 3);
  const email = await c.column(contact, 'ContactMail', 3);
  const contacts = await c.attach(cl, contact);
  const moscow = await c.record(city, { [`t${city}`]: 'Moscow' });
  const paris = await c.record(city, { [`t${city}`]: 'Paris' });
  const vip = await c.record(tag, { [`t${tag}`]: 'vip' });
  const alice = await c.record(cl, { [`t${cl}`]: 'Alice', [`t${phone}`]: '+7 900', [`t${age}`]: '31', [`t${cityRef}`]: String(moscow), [`t${tagsRef}`]: String(vip) });
  const bob = await c.record(cl, { [`t${cl}`]: 'Bob', [`t${age}`]: '40', [`t${cityRef}`]: String(paris) });
  const aliceContact = await c.record(contact, { [`t${contact}`]: 'home', [`t${email}`]: 'a@example.test' }, alice);
  const reader = await c.record(18, { t18: 'reader', t20: 'reader-pass', t115: '164' });
  const r = new LegacyClient(url, DB);
  await r.login('reader', 'reader-pass');
  return {
    token: c.token, xsrf: c.xsrf, readerToken: r.token, readerXsrf: r.xsrf, login: 'tester', password: 'tester-pass-1',
    types: [city, tag, cl, contact],
    reqs: [phone, age, birthday, active, notes, balance, scan, cityRef, tagsRef, contacts, email],
    records: [moscow, paris, vip, alice, bob, aliceContact, reader],
    system: [0, 1, 3, 9, 13, 17, 18, 20, 22, 42, 115, 124, 125, 145, 164, 1012],
    reports: ['1', 'nosuchreport', '%27', 'Запрос'],
  };
}

/** SOAK_FUZZ_REQUESTS generated requests, 8 at a time, against the server process. */
async function fuzz(kind: 'mysql' | 'pglite', mariadb: Mariadb | null): Promise<void> {
  const label = labelOf(kind);
  log(`\n== fuzz (${label}) ==`);
  const { server, client, cleanup } = await serverOn(kind, mariadb);
  try {
    const targets = await seedTargets(client, server.url);
    const seed = Number(process.env.SOAK_FUZZ_SEED ?? Date.now() % 2_147_483_647);
    const arb = requestArb(targets);
    const statuses = new Map<number | string, number>();
    const failures: string[] = [];
    const count = (key: number | string) => statuses.set(key, (statuses.get(key) ?? 0) + 1);
    let done = 0;
    const began = Date.now();
    for (let batch = 0; done < FUZZ_REQUESTS; batch++) {
      const requests = fc.sample(arb, { numRuns: Math.min(1000, FUZZ_REQUESTS - done), seed: seed + batch });
      let next = 0;
      const worker = async () => {
        while (next < requests.length) {
          const r = requests[next++];
          if (!r) break;
          let status = 0;
          let text = '';
          let busy = false;
          try {
            const a = await send(r, server.url, 60_000);
            status = a.status;
            text = a.text;
            busy = isBusyAnswer(a.status, a.text, a.headers);
          } catch (error) {
            status = 0;
            text = String(error);
          }
          // node answers a request head over its 16 KB limit with 431 and closes the socket at once; a
          // client still sending its body may see the reset before it reads the 431 (not the server's fault)
          const head = r.path.length + r.query.length + Object.entries(r.headers).reduce((n, [k, v]) => n + k.length + v.length + 4, 0);
          if (status === 0 && head > 16_000) count('reset after 431 (head > 16 KB)');
          else if (busy) count('503 busy');
          else count(status >= 500 || status === 0 ? status : `${Math.floor(status / 100)}xx`);
          if ((status >= 500 && !busy) || (status === 0 && head <= 16_000)) {
            if (failures.length < 10) failures.push(`${status} ${describeRequest(r).slice(0, 400)} -> ${text.slice(0, 200)}`);
          }
        }
      };
      await Promise.all(Array.from({ length: 8 }, worker));
      done += requests.length;
      if (batch % 10 === 9) log(`  ${done} sent (${statusList(statuses)})`);
    }
    const seconds = (Date.now() - began) / 1000;
    const errors = [...statuses].filter(([s]) => typeof s === 'number' && (s >= 500 || s === 0)).reduce((a, [, c]) => a + c, 0);
    const health = await fetch(`${server.url}/health`).then((r) => r.status, () => 0);
    for (const f of failures) log(`  FAILED: ${f}`);
    record('fuzz', label, `fuzzed requests (seed ${seed}, 8 at a time, ${(done / seconds).toFixed(0)}/s)`, String(done));
    record('fuzz', label, 'answers by status', statusList(statuses));
    record('fuzz', label, '5xx (other than 503 busy) and no answer', String(errors), errors === 0);
    record('fuzz', label, 'process alive, /health at the end', String(health), health === 200);
  } finally {
    await cleanup();
  }
}

const SQLI = [
  "'", '"', '`', "''", "' OR '1'='1", "' OR 1=1 --", "' OR 1=1#", '" OR "1"="1', "') OR ('1'='1", '1 OR 1=1', '1) OR (1=1',
  "admin'--", "'/*", '*/', '1/**/OR/**/1=1', "' UNION SELECT 1,2,3 --", '1 UNION SELECT id,val,t,up,ord FROM my --',
  "' UNION ALL SELECT NULL,NULL,NULL#", "1; DROP TABLE my; --", "'; DELETE FROM my; --", "1; UPDATE my SET val='x' --",
  "'; INSERT INTO my (val) VALUES ('pwn'); --", '1 AND SLEEP(5)', "' AND SLEEP(5)='", '1 AND BENCHMARK(50000000,MD5(1))',
  "'; SELECT pg_sleep(5); --", '1 AND (SELECT 1 FROM (SELECT SLEEP(5))x)', "\\'", "\\' OR 1=1 -- ", '\\', '\\\\\'', '%27', '%5c%27',
  "a\u0000' OR 1=1 --", '\u0000', "\u2019 OR 1=1 --", '\u02bc OR \u02bc1\u02bc=\u02bc1', '\uff07 OR 1=1', "1' AND extractvalue(1,concat(0x7e,version()))--",
  "' AND 1=CAST((SELECT version()) AS int)--", "'||(SELECT '')||'", '$$; SELECT 1; $$', '1e1000', "-1' ORDER BY 99--", "1 LIMIT 1,1",
];
const SQL_TEXT = [/\bSELECT\b/, /\bFROM\b/, /\bWHERE\b/, /syntax error/i, /mysql/i, /mariadb/i, /pglite/i, /postgres/i, /\bER_[A-Z_]+/, /SQLSTATE/i];

/** every place a value flows, with the payload; read endpoints and refused writes only */
function sqliRequests(p: string, t: FuzzTargets): FuzzRequest[] {
  const [city = 1, , client = 1] = t.types;
  const [phone = 1, age = 1] = t.reqs;
  const record = t.records[3] ?? 1;
  const enc = encodeURIComponent(p);
  const auth = { 'X-Authorization': t.token };
  const get = (pathName: string, query: string, headers: Record<string, string> = auth, action = 'object'): FuzzRequest => ({ method: 'GET', path: pathName, query, body: { kind: 'none' }, headers, action, credential: 'valid' });
  const post = (action: string, pathName: string, body: FuzzRequest['body'], headers: Record<string, string> = auth): FuzzRequest => ({ method: 'POST', path: pathName, query: 'JSON', body, headers, action, credential: 'valid' });
  const reader = { 'X-Authorization': t.readerToken };
  return [
    get(`/${DB}/edit_obj/${enc}`, 'JSON', auth, 'edit_obj'),
    get(`/${DB}/object/${enc}`, 'JSON_OBJ'),
    get(`/${DB}/get_record/${enc}`, 'JSON', auth, 'get_record'),
    get(`/${DB}/obj_meta/${enc}`, 'JSON', auth, 'obj_meta'),
    get(`/${DB}/object/${client}`, `JSON_OBJ&F_${client}=${enc}`),
    get(`/${DB}/object/${client}`, `JSON_OBJ&F_${phone}=${enc}&F_${age}=${enc}`),
    get(`/${DB}/object/${client}`, `JSON_OBJ&FR_${age}=${enc}&TO_${age}=${enc}`),
    get(`/${DB}/object/${client}`, `JSON_OBJ&F_I=${enc}&F_U=${enc}`),
    get(`/${DB}/object/${client}`, `JSON_OBJ&ORDER=${enc}&order_val=${enc}`),
    get(`/${DB}/object/${client}`, `JSON_OBJ&LIMIT=${enc}&pg=${enc}`),
    get(`/${DB}/object/${city}`, `JSON_KV&F_${city}=${enc}%25`),
    get(`/${DB}/report/${enc}`, 'JSON', auth, 'report'),
    get(`/${DB}/report/1`, `JSON&FR_${enc}=${enc}&TO_1=${enc}&ORDER=${enc}&LIMIT=${enc}`, auth, 'report'),
    get(`/${DB}/dict`, `JSON&q=${enc}`, auth, 'dict'),
    get(`/${DB}/object/${client}`, 'JSON_OBJ', { 'X-Authorization': [...p].map((ch) => (ch >= ' ' && ch <= '~' ? ch : '?')).join('') }),
    get(`/${DB}/object/${client}`, 'JSON_OBJ', { Cookie: `${DB}=${enc}; default_limit=${enc}` }),
    get(`/${enc}/object/${client}`, 'JSON_OBJ'),
    // writes that must be refused: no _xsrf, a read-only user, an unknown record
    post('_m_new', `/${DB}/_m_new/${client}`, { kind: 'form', pairs: [['up', '1'], [`t${client}`, p], [`t${phone}`, p]] }),
    post('_m_save', `/${DB}/_m_save/${record}`, { kind: 'form', pairs: [['_xsrf', t.readerXsrf], [`t${client}`, p], [`t${age}`, p]] }, reader),
    post('_m_set', `/${DB}/_m_set/${enc}`, { kind: 'form', pairs: [[`t${phone}`, p]] }),
    post('_d_new', `/${DB}/_d_new`, { kind: 'form', pairs: [['val', p], ['t', p]] }),
    post('_d_save', `/${DB}/_d_save/${client}`, { kind: 'form', pairs: [['_xsrf', t.readerXsrf], ['val', p]] }, reader),
    post('_m_save', `/${DB}/_m_save/${record}`, { kind: 'json', value: { [`t${client}`]: p, [`t${age}`]: p } }),
    post('_m_new', `/${DB}/_m_new/${client}`, { kind: 'json', value: { _xsrf: t.readerXsrf, up: p, [`t${client}`]: p } }, reader),
    post('_m_save', `/${DB}/_m_save/${record}`, { kind: 'multipart', parts: [{ name: `t${client}`, value: p }, { name: `t${phone}`, value: p }, { name: 'x', filename: `${p}.txt`, content: p, contentType: 'text/plain' }] }),
    post('_m_del', `/${DB}/_m_del/${enc}`, { kind: 'form', pairs: [['_xsrf', p]] }),
    post('auth', `/${DB}/auth`, { kind: 'form', pairs: [['login', p], ['pwd', p]] }, {}),
  ];
}

/** Rows a client can see: every seeded table, the users, the roles and every seeded card; the same before and after. */
async function visibleRows(client: LegacyClient, t: FuzzTargets): Promise<string> {
  const parts: string[] = [];
  for (const type of [...t.types, 18, 42]) parts.push((await client.get(`object/${type}?JSON_OBJ&LIMIT=0,10000`)).text);
  for (const id of t.records) parts.push((await client.get(`edit_obj/${id}?JSON`)).text);
  // the users' activity time (requisite 124, docs/compatibility.md "Rejected requests change nothing") moves with every request
  return parts.join('\n').replace(/\b\d{10}\.\d{1,3}\b/g, '<activity>');
}

async function sqli(kind: 'mysql' | 'pglite', mariadb: Mariadb | null): Promise<void> {
  const label = labelOf(kind);
  log(`\n== sqli (${label}) ==`);
  const { server, client, cleanup } = await serverOn(kind, mariadb);
  try {
    const targets = await seedTargets(client, server.url);
    let before = await visibleRows(client, targets);
    let sent = 0;
    let fivexx = 0;
    let leaks = 0;
    let changed = 0;
    let slow = 0;
    const statuses = new Map<number | string, number>();
    const failures: string[] = [];
    for (const payload of SQLI) {
      for (const r of sqliRequests(payload, targets)) {
        sent++;
        const started = Date.now();
        let status = 0;
        let text = '';
        try {
          const a = await send(r, server.url, 30_000);
          status = a.status;
          text = a.text;
        } catch {
          status = 0;
        }
        if (Date.now() - started > 3000) slow++;
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        // what the request itself carried may be echoed back (a value not found): not a leak
        const echoes = [payload, encodeURIComponent(payload), JSON.stringify(payload).slice(1, -1)];
        let body = text;
        for (const e of echoes) body = body.split(e).join('');
        const leak = SQL_TEXT.find((re) => re.test(body));
        if (status >= 500 || status === 0) {
          fivexx++;
          if (failures.length < 10) failures.push(`${status} ${describeRequest(r).slice(0, 300)} -> ${text.slice(0, 200)}`);
        }
        if (leak) {
          leaks++;
          if (failures.length < 10) failures.push(`SQL text ${leak}: ${describeRequest(r).slice(0, 300)} -> ${text.slice(0, 300)}`);
        }
      }
      const after = await visibleRows(client, targets);
      if (after !== before) {
        changed++;
        if (failures.length < 10) {
          const was = before.split('\n');
          const diff = after.split('\n').map((line, i) => (line === was[i] ? null : `${(was[i] ?? '').slice(0, 300)} => ${line.slice(0, 300)}`)).filter((x) => x !== null);
          failures.push(`rows changed after payload ${JSON.stringify(payload)}: ${diff.join(' | ')}`);
        }
        before = after;
      }
    }
    for (const f of failures) log(`  FAILED: ${f}`);
    record('sqli', label, `requests (${SQLI.length} payloads × ${sent / SQLI.length} places)`, String(sent));
    record('sqli', label, 'answers by status', statusList(statuses));
    record('sqli', label, 'payloads after which visible rows changed', String(changed), changed === 0);
    record('sqli', label, 'answers with SQL text (SELECT/FROM/WHERE, syntax error, mysql, pglite, postgres)', String(leaks), leaks === 0);
    record('sqli', label, '5xx and no answer', String(fivexx), fivexx === 0);
    record('sqli', label, 'answers slower than 3 s (sleep/benchmark payloads)', String(slow), slow === 0);
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
  if (mariadb && want('outage-mixed')) await outageMixed(mariadb);
  for (const kind of ['mysql', 'pglite'] as const) {
    if (!STORES.includes(kind) || (kind === 'mysql' && !mariadb)) continue;
    if (want('unique')) await unique(kind, mariadb);
    if (want('acknowledged')) await acknowledged(kind, mariadb);
    if (want('mixed')) await mixed(kind, mariadb);
    if (want('kill9')) await kill9(kind, mariadb);
    if (want('fuzz')) await fuzz(kind, mariadb);
    if (want('sqli')) await sqli(kind, mariadb);
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
