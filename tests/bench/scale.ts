/**
 * `npm run bench -- --scale`: what a second instance behind nginx buys, measured in one run on one
 * MariaDB (the way docs/deploy.md runs several instances). The seeded data of `npm run bench`,
 * two server processes on it (each its own data folder, the same AUTH_SALT and JWT_SECRET), and
 * Debian's nginx with deploy/nginx/integram.conf in front (tests/support/nginx.ts, TLS on
 * loopback). Every scenario is run three times: one instance directly, one instance through
 * nginx, two instances through nginx. Prints req/s, p50, p99 and the ratio two/one; writes
 * tests/artifacts/bench-scale.json and the scale section of docs/benchmarks.md.
 *
 * On one machine the instances, nginx, MariaDB and the load generator share the cores, so the
 * ratio says what a second process adds on this machine, not what a second machine would.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LegacyClient } from '../support/bench-app.js';
import { NGINX_BINARY, startNginx, type Nginx } from '../support/nginx.js';
import { prepareData } from './prepare.js';
import { ROOT, startServer, type Child } from './processes.js';
import { benchScenarios, cannon, drain, mustAnswer, scenarioHeaders } from './scenarios.js';
import { DOCS_FILE, fmt, hostText, loadAverage, writeDocsSection } from './report.js';
import { BENCH_DB, BENCH_LOGIN, BENCH_PASSWORD } from './seed.js';

export interface ScaleOptions {
  counts: { items: number; orders: number };
  connections: number;
  durationSeconds: number;
  only: Set<string> | null;
  keep: boolean;
  log: (message: string) => void;
}

const SETUPS = ['direct-1', 'nginx-1', 'nginx-2'] as const;
type Setup = (typeof SETUPS)[number];
const SETUP_TEXT: Record<Setup, string> = { 'direct-1': '1 instance, direct', 'nginx-1': '1 instance via nginx', 'nginx-2': '2 instances via nginx' };

interface Measured { rps: number; p50: number; p99: number; non2xx: number; errors: number; load: string }
interface ScaleRow { scenario: string; what: string; by: Record<Setup, Measured> }

const RESULTS_FILE = path.join(ROOT, 'tests/artifacts/bench-scale.json');

export async function runScale(options: ScaleOptions): Promise<void> {
  const { log } = options;
  if (!NGINX_BINARY) {
    log('--scale skipped: nginx is not installed (apt-get install nginx)');
    return;
  }
  const data = await prepareData('mysql', { counts: options.counts, log, keep: options.keep });
  if (!data) {
    log('--scale skipped: several instances share one MySQL/MariaDB, and there is none');
    return;
  }
  const shared = { ...data.env, JWT_SECRET: randomBytes(32).toString('hex'), LOG_LEVEL: 'warn' };
  const instances: Child[] = [];
  const dataDirs: string[] = [];
  let proxy: Nginx | null = null;
  try {
    for (let i = 0; i < 2; i++) {
      // each instance its own data folder (logs, backups), as on two machines; the data is in MariaDB
      const dataDir = mkdtempSync(path.join(os.tmpdir(), `integram-scale-${i}-`));
      dataDirs.push(dataDir);
      instances.push(await startServer({ ...shared, DATA_DIR: dataDir }, BENCH_DB));
    }
    const [first] = instances;
    const client = new LegacyClient(first!.url, BENCH_DB);
    await client.login(BENCH_LOGIN, BENCH_PASSWORD);
    const list = benchScenarios(data.schema, client.xsrf).filter((s) => !options.only || options.only.has(s.name));
    const load = { connections: options.connections, durationSeconds: options.durationSeconds };
    const ports = instances.map((c) => Number(new URL(c.url).port));

    const results = new Map<string, Partial<Record<Setup, Measured>>>();
    for (const setup of SETUPS) {
      await proxy?.stop();
      proxy = setup === 'direct-1' ? null : await startNginx(setup === 'nginx-1' ? ports.slice(0, 1) : ports, 'auto');
      const base = proxy ? `https://127.0.0.1:${proxy.httpsPort}` : first!.url;
      log(`\n-- ${SETUP_TEXT[setup]} (${base}) --`);
      for (const s of list) {
        await mustAnswer(base, s, client.token);
        const r = await cannon(`${base}/${BENCH_DB}/${s.path}`, s, scenarioHeaders(s, client.token), load);
        const m: Measured = { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors, load: loadAverage() };
        results.set(s.name, { ...results.get(s.name), [setup]: m });
        const bad = m.non2xx || m.errors ? `  (${m.non2xx} non-2xx, ${m.errors} errors)` : '';
        log(`  ${s.name.padEnd(15)} ${fmt(m.rps).padStart(7)} req/s  p50 ${fmt(m.p50, 1).padStart(6)} ms  p99 ${fmt(m.p99, 1).padStart(6)} ms${bad}  [load ${m.load}]`);
        await drain(client);
      }
    }
    const rows: ScaleRow[] = list.map((s) => ({ scenario: s.name, what: s.what, by: results.get(s.name) as Record<Setup, Measured> }));
    log('\n== scale-out: req/s (p99 ms) ==');
    log(`  ${'scenario'.padEnd(15)} ${SETUPS.map((k) => SETUP_TEXT[k].padStart(24)).join('')}   2 vs 1 via nginx`);
    for (const r of rows) {
      log(`  ${r.scenario.padEnd(15)} ${SETUPS.map((k) => `${fmt(r.by[k].rps)} (${fmt(r.by[k].p99, 0)})`.padStart(24)).join('')}   ${ratio(r).toFixed(2)}×`);
    }
    const host = hostText();
    const started = new Date().toISOString();
    mkdirSync(path.dirname(RESULTS_FILE), { recursive: true });
    writeFileSync(RESULTS_FILE, `${JSON.stringify({ started, host, ...load, records: data.records, rows }, null, 2)}\n`);
    const complete = !options.only && options.counts.items === 10_000 && options.counts.orders === 50_000 && options.durationSeconds >= 5;
    if (complete) writeDocsSection('scale', 'Several instances behind nginx (`npm run bench -- --scale`)', markdown(rows, { started, host, ...load }));
    log(`\nwritten: ${path.relative(ROOT, RESULTS_FILE)}${complete ? `, ${path.relative(ROOT, DOCS_FILE)} (scale section)` : ' (a partial run leaves docs/benchmarks.md alone)'}`);
  } finally {
    await proxy?.stop();
    await Promise.all(instances.map((c) => c.stop()));
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
    await data.cleanup();
  }
}

const ratio = (r: ScaleRow) => (r.by['nginx-1'].rps > 0 ? r.by['nginx-2'].rps / r.by['nginx-1'].rps : 0);

function markdown(rows: ScaleRow[], run: { started: string; host: string; connections: number; durationSeconds: number }): string {
  const lines = [
    `Run ${run.started} on ${run.host}; ${run.connections} connections, keep-alive, ${run.durationSeconds} s per cell; ` +
      'the instances, nginx (TLS, `worker_processes auto`), MariaDB and the load generator all on this machine.',
    '',
    `| scenario | ${SETUPS.map((k) => `${SETUP_TEXT[k]} req/s (p99 ms)`).join(' | ')} | 2 vs 1 via nginx |`,
    `|---|${SETUPS.map(() => '---:').join('|')}|---:|`,
    ...rows.map((r) => `| \`${r.what}\` | ${SETUPS.map((k) => `${fmt(r.by[k].rps)} (${fmt(r.by[k].p99, 0)})${r.by[k].non2xx || r.by[k].errors ? ` ⚠ ${r.by[k].non2xx + r.by[k].errors} failed` : ''}`).join(' | ')} | ${ratio(r).toFixed(2)}× |`),
  ];
  return lines.join('\n');
}
