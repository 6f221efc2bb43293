/**
 *  the legacy URL API under load, on loopback only.
 *
 * For MariaDB (TEST_MYSQL_URL, or a throw-away server from tests/support/start-mariadb.mjs) and
 * PGlite: seeds 10,000 records of a 5-column type and 50,000 records of a type referencing it
 * (seed.ts), boots the compiled server as its own process (`node dist/server/index.js`), and
 * measures each scenario with autocannon (32 connections, keep-alive, BENCH_DURATION seconds,
 * default 10), next to a bare node:http server answering "ok". Prints req/s, p50, p99, the
 * ratio to the bare server and the server's resident memory; writes
 * tests/artifacts/bench-results.json and the results section of docs/benchmarks.md.
 * `npm run bench -- --scale`: one and two instances behind nginx instead (scale.ts);
 * `npm run bench -- --data-size`: one type at 10k, 100k and 1M records (data-size.ts);
 * `npm run bench -- --php`: ours and the PHP engine on the same table (php.ts, ORACLE_DIR).
 *
 * Environment: BENCH_DURATION (s), BENCH_CONNECTIONS (32), BENCH_STORES ("mysql,pglite"),
 * BENCH_ITEMS (10000), BENCH_ORDERS (50000), BENCH_SKIP_BUILD=1 (use the existing dist/),
 * BENCH_LOG_LEVEL (server LOG_LEVEL, default: the product default), BENCH_SCENARIOS (comma list of
 * scenario names to run), BENCH_KEEP=1 (keep the seeded schema / data folder and say where),
 * BENCH_CPU_PROF=<dir> (the measured server runs with `node --cpu-prof`,
 * profiles land in <dir>), TEST_MYSQL_URL, BENCH_MYSQL_SOCKET (1 or a path: the measured server reaches
 * MariaDB through its unix socket instead of TCP; prepare.ts).
 */
import type autocannon from 'autocannon';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseMysqlUrl } from '../../server/storage/index.js';
import { LegacyClient } from '../support/bench-app.js';
import { prepareData } from './prepare.js';
import { ROOT, SERVER_ENTRY, coldStarts, cpuMs, median, rssMb, sampleRss, sleep, startBareServer, startPgliteAlone, startServer, type Child, type ColdStart } from './processes.js';
import { benchScenarios, cannon as cannonWith, drain, scenarioHeaders } from './scenarios.js';
import { runPhp } from './php.js';
import { runScale } from './scale.js';
import { runDataSize } from './data-size.js';
import { DOCS_FILE, fmt, hostText, loadAverage, writeDocsSection } from './report.js';
import { BENCH_DB, BENCH_LOGIN, BENCH_PASSWORD } from './seed.js';

const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const STORES = (process.env.BENCH_STORES ?? 'mysql,pglite').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
const COUNTS = { items: Number(process.env.BENCH_ITEMS ?? 10_000), orders: Number(process.env.BENCH_ORDERS ?? 50_000) };
const ONLY = process.env.BENCH_SCENARIOS ? new Set(process.env.BENCH_SCENARIOS.split(',').map((s) => s.trim())) : null;
const CPU_PROF_DIR = process.env.BENCH_CPU_PROF ? path.resolve(process.env.BENCH_CPU_PROF) : null;
const KEEP = process.env.BENCH_KEEP === '1';
const RESULTS_FILE = path.join(ROOT, 'tests/artifacts/bench-results.json');

/** the targets on MySQL (docs/benchmarks.md, "Targets") (2-core machine, bare server ~30,000 req/s); PHP engine figures for context */
const TARGETS: Record<string, { rps: number; ratio: number; p99?: number; php: number }> = {
  list: { rps: 2400, ratio: 0.08, p99: 40, php: 121 },
  filtered: { rps: 600, ratio: 0.02, php: 60 },
  dict: { rps: 5000, ratio: 0.17, php: 498 },
  metadata: { rps: 5000, ratio: 0.17, php: 657 },
  _m_new: { rps: 1400, ratio: 0.05, php: 287 },
  xsrf: { rps: 6000, ratio: 0.2, php: 538 },
};
const RSS_TARGET_MYSQL_IDLE = 120;
const RSS_TARGET_PGLITE_ABOVE_ALONE = 80;

interface Row {
  store: string;
  scenario: string;
  what: string;
  rps: number;
  p50: number;
  p99: number;
  ratio: number;
  requests: number;
  non2xx: number;
  errors: number;
  queriesPerRequest: number | null;
  /** the server process's CPU time (user + system) per answered request, ms */
  cpuMsPerRequest: number | null;
  load: string;
  target: { rps: number; ratio: number; p99?: number; php: number } | null;
  pass: { rps: boolean; ratio: boolean; p99: boolean } | null;
}

interface StoreResult {
  store: string;
  rows: Row[];
  records: { items: number; orders: number };
  rss: { idle: number; underLoad: number; pgliteAlone: number | null };
  rssPass: boolean | null;
  sample: Record<string, string>;
  /** medians of cold starts on the seeded data: plain node, and under the launcher npm start runs */
  start: { node: ColdStart; launcher: ColdStart; runs: number } | null;
}

const log = (message: string) => process.stdout.write(`${message}\n`);

function startText(start: NonNullable<StoreResult['start']>): string {
  return `cold start on the seeded data (median of ${start.runs}): node dist/server/index.js answers /health after ${fmt(start.node.healthMs)} ms, ` +
    `its store is open after ${fmt(start.node.connectedMs)} ms; under the launcher of npm start ${fmt(start.launcher.healthMs)} / ${fmt(start.launcher.connectedMs)} ms`;
}

const LOAD = { connections: CONNECTIONS, durationSeconds: DURATION };
const cannon = (url: string, scenario: { method: 'GET' | 'POST'; body?: string }, headers: Record<string, string>): Promise<autocannon.Result> =>
  cannonWith(url, scenario, headers, LOAD);

/** MariaDB's global Questions counter (statements the server ran), null without MySQL */
type QuestionCounter = () => Promise<number>;

async function questionCounter(databaseUrl: string): Promise<{ read: QuestionCounter; close(): Promise<void> }> {
  const mysql2 = await import('mysql2/promise');
  const o = parseMysqlUrl(databaseUrl);
  const conn = await mysql2.createConnection({ host: o.host, port: o.port, user: o.user, password: o.password });
  return {
    read: async () => {
      const [rows] = await conn.query("SHOW GLOBAL STATUS LIKE 'Questions'");
      return Number((rows as Array<{ Value: string }>)[0].Value);
    },
    close: () => conn.end(),
  };
}

async function benchStore(kind: 'mysql' | 'pglite', bareRps: number): Promise<StoreResult | null> {
  const label = kind === 'mysql' ? 'MariaDB' : 'PGlite';
  log(`\n== ${label} ==`);
  const data = await prepareData(kind, { counts: COUNTS, log, keep: KEEP, logLevel: process.env.BENCH_LOG_LEVEL });
  if (!data) return null;
  const { env, dataDir, databaseUrl, schema, records } = data;
  let server: Child | null = null;
  try {
    // cold starts on the seeded data (60,000 records by default), before anything warms a cache
    let start: StoreResult['start'] = null;
    if (!ONLY || ONLY.has('start')) {
      const runs = 5;
      const node = await coldStarts(env, runs);
      const launcher = await coldStarts(env, runs, path.join(ROOT, 'dist', 'server', 'launch.js'));
      const med = (list: ColdStart[]): ColdStart => ({ healthMs: median(list.map((r) => r.healthMs)), connectedMs: median(list.map((r) => r.connectedMs)) });
      start = { node: med(node), launcher: med(launcher), runs };
      log(`cold start, median of ${runs}: node dist/server/index.js /health ${fmt(start.node.healthMs)} ms, connected ${fmt(start.node.connectedMs)} ms; ` +
        `under the launcher (npm start) /health ${fmt(start.launcher.healthMs)} ms, connected ${fmt(start.launcher.connectedMs)} ms  [load ${loadAverage()}]`);
    }

    let pgliteAlone: number | null = null;
    if (kind === 'pglite') {
      const alone = await startPgliteAlone(path.join(dataDir, 'pglite'), BENCH_DB);
      await sleep(3000);
      pgliteAlone = rssMb(alone.pid);
      await alone.stop();
      log(`PGlite alone (a process that only opens the store): ${pgliteAlone?.toFixed(0)} MB`);
    }

    server = await startServer(env, BENCH_DB, CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF_DIR}`] : []);
    const c = new LegacyClient(server.url, BENCH_DB);
    await c.login(BENCH_LOGIN, BENCH_PASSWORD);
    const list = benchScenarios(schema, c.xsrf).filter((s) => !ONLY || ONLY.has(s.name));
    const sample: Record<string, string> = {};
    // SQL statements per request, counted on sequential requests after a warm-up (under load the
    // periodic work — session and metadata cache refreshes, pings — would blur a per-request figure)
    const questions = databaseUrl ? await questionCounter(databaseUrl) : null;
    const sqlPerRequest = new Map<string, number>();
    for (const s of list) {
      const send = () => c.request(s.method, `/${BENCH_DB}/${s.path}`, {
        headers: scenarioHeaders(s, c.token), rawBody: s.body,
      });
      for (let i = 0; i < 10; i++) {
        const a = await send();
        if (i === 0) sample[s.name] = `${a.status} ${a.text.slice(0, 300)}`;
        // a benchmark of error answers would be worthless
        if (a.status !== 200) throw new Error(`${s.name}: ${a.status} ${a.text.slice(0, 300)}`);
      }
      if (questions) {
        const before = await questions.read();
        for (let i = 0; i < 10; i++) await send();
        sqlPerRequest.set(s.name, (await questions.read() - before - 1) / 10);
      }
    }
    await sleep(3000);
    const idle = rssMb(server.pid) ?? 0;
    log(`server idle: ${idle.toFixed(0)} MB resident`);

    const sampler = sampleRss(server.pid);
    const rows: Row[] = [];
    for (const s of list) {
      const cpuBefore = cpuMs(server.pid);
      const result = await cannon(`${server.url}/${BENCH_DB}/${s.path}`, s, scenarioHeaders(s, c.token));
      const cpuAfter = cpuMs(server.pid);
      const requests = result.requests.total;
      const target = kind === 'mysql' ? (TARGETS[s.name] ?? null) : null;
      const rps = result.requests.average;
      const ratio = bareRps > 0 ? rps / bareRps : 0;
      const row: Row = {
        store: label, scenario: s.name, what: s.what, rps, p50: result.latency.p50, p99: result.latency.p99, ratio, requests,
        non2xx: result.non2xx, errors: result.errors,
        queriesPerRequest: sqlPerRequest.get(s.name) ?? null,
        cpuMsPerRequest: cpuBefore !== null && cpuAfter !== null && requests > 0 ? (cpuAfter - cpuBefore) / requests : null,
        load: loadAverage(), target,
        pass: target ? { rps: rps >= target.rps, ratio: ratio >= target.ratio, p99: target.p99 === undefined || result.latency.p99 <= target.p99 } : null,
      };
      rows.push(row);
      log(formatRow(row));
      await drain(c);
    }
    const underLoad = sampler.stop();
    await questions?.close();
    log(`server under load: up to ${underLoad.toFixed(0)} MB resident`);
    const rssPass = kind === 'mysql' ? idle <= RSS_TARGET_MYSQL_IDLE : pgliteAlone !== null ? idle - pgliteAlone <= RSS_TARGET_PGLITE_ABOVE_ALONE : null;
    return { store: label, rows, records, rss: { idle, underLoad, pgliteAlone }, rssPass, sample, start };
  } finally {
    await server?.stop();
    await data.cleanup();
  }
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
const mark = (ok: boolean) => (ok ? 'pass' : 'FAIL');

function formatRow(r: Row): string {
  const q = r.queriesPerRequest === null ? '' : `  ${r.queriesPerRequest.toFixed(2)} q/req`;
  const cpu = r.cpuMsPerRequest === null ? '' : `  cpu ${r.cpuMsPerRequest.toFixed(3)} ms/req`;
  const bad = r.non2xx || r.errors ? `  (${r.non2xx} non-2xx, ${r.errors} errors)` : '';
  return `  ${r.scenario.padEnd(15)} ${fmt(r.rps).padStart(7)} req/s  p50 ${fmt(r.p50, 1).padStart(6)} ms  p99 ${fmt(r.p99, 1).padStart(6)} ms  ${pct(r.ratio).padStart(7)} of bare${q}${cpu}${bad}  [load ${r.load}]`;
}

function targetText(r: Row): string {
  if (!r.target) return '—';
  return `≥ ${fmt(r.target.rps)} (≥ ${Math.round(r.target.ratio * 100)} %)${r.target.p99 !== undefined ? `, p99 ≤ ${r.target.p99} ms` : ''}`;
}

function verdict(r: Row): string {
  if (!r.pass) return '—';
  const parts = [`abs ${mark(r.pass.rps)}`, `ratio ${mark(r.pass.ratio)}`];
  if (r.target?.p99 !== undefined) parts.push(`p99 ${mark(r.pass.p99)}`);
  return parts.join(', ');
}

function markdown(bare: { rps: number[]; p99: number }, stores: StoreResult[], started: Date, host: string): string {
  const lines: string[] = [];
  lines.push(`Run ${started.toISOString()} on ${host}; ${CONNECTIONS} connections, keep-alive, ${DURATION} s per row; ` +
    `load average (1/5/15 min) is recorded per row — this machine was shared with other test runs.`);
  lines.push('');
  lines.push(`Bare node:http server ("ok"): ${bare.rps.map((x) => fmt(x)).join(' / ')} req/s (before / after the stores; the ratios use the mean), p99 ${fmt(bare.p99, 1)} ms.`);
  for (const s of stores) {
    lines.push('');
    lines.push(`### ${s.store}`);
    lines.push('');
    lines.push(`${fmt(s.records.items)} BenchItem records (5 columns), ${fmt(s.records.orders)} BenchOrder records (reference to BenchItem + 3 columns).`);
    lines.push('');
    const withQueries = s.rows.some((r) => r.queriesPerRequest !== null);
    lines.push(`| scenario | req/s | p50 ms | p99 ms | of bare | ${withQueries ? 'SQL/req | ' : ''}target (MySQL) | PHP req/s | verdict | load avg |`);
    lines.push(`|---|---:|---:|---:|---:|${withQueries ? '---:|' : ''}---|---:|---|---|`);
    for (const r of s.rows) {
      const errors = r.non2xx || r.errors ? ` (${r.non2xx} non-2xx, ${r.errors} errors)` : '';
      lines.push(`| \`${r.what}\`${errors} | ${fmt(r.rps)} | ${fmt(r.p50, 1)} | ${fmt(r.p99, 1)} | ${pct(r.ratio)} | ` +
        `${withQueries ? `${r.queriesPerRequest === null ? '' : r.queriesPerRequest.toFixed(2)} | ` : ''}${targetText(r)} | ${r.target ? fmt(r.target.php) : '—'} | ${verdict(r)} | ${r.load} |`);
    }
    lines.push('');
    const rssTarget = s.rss.pgliteAlone !== null
      ? `PGlite alone ${fmt(s.rss.pgliteAlone)} MB, so the server adds ${fmt(s.rss.idle - s.rss.pgliteAlone)} MB (target ≤ ${RSS_TARGET_PGLITE_ABOVE_ALONE} MB above PGlite alone)`
      : `target ≤ ${RSS_TARGET_MYSQL_IDLE} MB idle`;
    lines.push(`Resident memory of the server process: ${fmt(s.rss.idle)} MB idle, up to ${fmt(s.rss.underLoad)} MB under load; ${rssTarget}: ` +
      `${s.rssPass === null ? 'n/a' : mark(s.rssPass)}.`);
    if (s.start) lines.push('', `${startText(s.start)}.`);
  }
  return lines.join('\n');
}

function buildIfNeeded(): void {
  if (process.env.BENCH_SKIP_BUILD !== '1' || !existsSync(SERVER_ENTRY)) {
    log('building the server (npm run build:ts) ...');
    execFileSync('npm', ['run', 'build:ts'], { cwd: ROOT, stdio: 'inherit' });
  }
}

async function main(): Promise<void> {
  const started = new Date();
  if (process.argv.includes('--scale')) {
    log(`npm run bench -- --scale: one and two instances behind nginx on one MariaDB; ${CONNECTIONS} connections, ${DURATION} s per cell; load average ${loadAverage()}`);
    buildIfNeeded();
    await runScale({ counts: COUNTS, connections: CONNECTIONS, durationSeconds: DURATION, only: ONLY, keep: KEEP, log });
    return;
  }
  if (process.argv.includes('--data-size')) {
    const sizes = (process.env.BENCH_SIZES ?? '10000,100000,1000000').split(',').map(Number);
    if (sizes.some((n) => !Number.isInteger(n) || n < 2)) throw new Error('BENCH_SIZES: a comma list of record counts, each at least 2');
    log(`npm run bench -- --data-size: BenchOrder at ${sizes.join(', ')} records, stores ${STORES.join(', ')}; load average ${loadAverage()}`);
    buildIfNeeded();
    await runDataSize({ stores: STORES, sizes, durationSeconds: DURATION, keep: KEEP, log });
    return;
  }
  if (process.argv.includes('--php')) {
    log(`npm run bench -- --php: ours and the PHP engine on one MariaDB table; ${CONNECTIONS} connections, ${DURATION} s per cell; load average ${loadAverage()}`);
    buildIfNeeded();
    await runPhp({ counts: COUNTS, connections: CONNECTIONS, durationSeconds: DURATION, only: ONLY, keep: KEEP, log });
    return;
  }
  log(`npm run bench: ${CONNECTIONS} connections, ${DURATION} s per scenario, stores ${STORES.join(', ')}; load average ${loadAverage()}`);
  buildIfNeeded();

  const bare = await startBareServer();
  const bareBefore = await cannon(bare.url, { method: 'GET' }, {});
  log(`bare node:http "ok": ${fmt(bareBefore.requests.average)} req/s, p99 ${bareBefore.latency.p99} ms [load ${loadAverage()}]`);
  const results: StoreResult[] = [];
  for (const kind of STORES) {
    if (kind !== 'mysql' && kind !== 'pglite') throw new Error(`unknown store ${kind} in BENCH_STORES (mysql, pglite)`);
    const result = await benchStore(kind, bareBefore.requests.average);
    if (result) results.push(result);
  }
  const bareAfter = await cannon(bare.url, { method: 'GET' }, {});
  await bare.stop();
  const bareMean = (bareBefore.requests.average + bareAfter.requests.average) / 2;
  log(`bare node:http "ok" again: ${fmt(bareAfter.requests.average)} req/s [load ${loadAverage()}]; ratios use the mean ${fmt(bareMean)}`);
  for (const s of results) for (const r of s.rows) {
    r.ratio = r.rps / bareMean;
    if (r.pass && r.target) r.pass.ratio = r.ratio >= r.target.ratio;
  }

  log('\n== results ==');
  for (const s of results) {
    log(`${s.store}: idle ${fmt(s.rss.idle)} MB, under load ${fmt(s.rss.underLoad)} MB${s.rss.pgliteAlone !== null ? `, PGlite alone ${fmt(s.rss.pgliteAlone)} MB` : ''}`);
    if (s.start) log(`  ${startText(s.start)}`);
    log('  scenario           req/s      p50      p99   of bare  target                           verdict');
    for (const r of s.rows) {
      log(`  ${r.scenario.padEnd(15)} ${fmt(r.rps).padStart(8)} ${fmt(r.p50, 1).padStart(8)} ${fmt(r.p99, 1).padStart(8)} ${pct(r.ratio).padStart(9)}  ${targetText(r).padEnd(32)} ${verdict(r)}`);
    }
  }
  mkdirSync(path.dirname(RESULTS_FILE), { recursive: true });
  const host = hostText();
  writeFileSync(RESULTS_FILE, `${JSON.stringify({
    started: started.toISOString(), host, connections: CONNECTIONS, durationSeconds: DURATION,
    bare: { rps: [bareBefore.requests.average, bareAfter.requests.average], mean: bareMean, p99: bareBefore.latency.p99 }, stores: results,
  }, null, 2)}\n`);
  // only a complete run (both stores, every scenario, the issue's data sizes) replaces the published figures
  const complete = !ONLY && results.length === 2 && !CPU_PROF_DIR && COUNTS.items === 10_000 && COUNTS.orders === 50_000 && DURATION >= 5;
  if (complete) writeDocsSection('results', 'Latest results', markdown({ rps: [bareBefore.requests.average, bareAfter.requests.average], p99: bareBefore.latency.p99 }, results, started, host));
  log(`\nwritten: ${path.relative(ROOT, RESULTS_FILE)}${complete ? `, ${path.relative(ROOT, DOCS_FILE)} (results section)` : ' (a partial run leaves docs/benchmarks.md alone)'}`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
