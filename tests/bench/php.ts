/**
 * `npm run bench -- --php`: our server and the PHP engine side by side, in one run, on one table.
 *
 * The PHP engine runs as offices run it (nginx + php-fpm with OPcache) from the oracle kit named by
 * ORACLE_DIR (its README: setup.sh once, with the engine's mirror); its MariaDB (127.0.0.1:3307)
 * gets tenant `bench` seeded as `npm run bench` seeds it (the start state, the schema through our
 * API, the bulk records in the engine's own row shape), with the kit's salt, and our server is
 * pointed at the same schema. One login serves both engines (same table, same salt: the same token
 * and xsrf). Every scenario runs against ours, then against PHP, with the same load; the table gives
 * req/s, p50, p99 and ours/PHP against the targets of docs/benchmarks.md. Without the kit it says so
 * and does nothing. Starts the kit's php-fpm and nginx when they are not running and stops only what
 * it started (never the kit's MariaDB, which recordings may be using).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { LegacyClient } from '../support/bench-app.js';
import { prepareData } from './prepare.js';
import { ROOT, startServer, type Child } from './processes.js';
import { fmt, hostText, loadAverage, writeDocsSection } from './report.js';
import { benchScenarios, cannon, drain, mustAnswer, scenarioHeaders, type Scenario } from './scenarios.js';
import { BENCH_DB, BENCH_LOGIN, BENCH_PASSWORD } from './seed.js';

export interface PhpOptions {
  counts: { items: number; orders: number };
  connections: number;
  durationSeconds: number;
  only: Set<string> | null;
  /** BENCH_KEEP=1: leave tenant `bench` in the kit's schema (to EXPLAIN or profile its queries) */
  keep: boolean;
  log: (message: string) => void;
}

/** ours / PHP wanted per scenario (issue "Performance: 20× the PHP engine"); p99: ours at most this share of PHP's */
const TARGETS: Record<string, { ratio: number; p99Share?: number }> = {
  list: { ratio: 20, p99Share: 0.1 },
  'list-items': { ratio: 20, p99Share: 0.1 },
  filtered: { ratio: 10 },
  'filtered-items': { ratio: 10 },
  dict: { ratio: 10 },
  metadata: { ratio: 10 },
  _m_new: { ratio: 5 },
  xsrf: { ratio: 20 },
  report: { ratio: 10 },
};

interface Measured { rps: number; p50: number; p99: number; non2xx: number; errors: number; load: string }
interface PhpRow { scenario: string; what: string; ours: Measured; php: Measured; ratio: number; target: { ratio: number; p99Share?: number } | null; pass: boolean | null }

const RESULTS_FILE = path.join(ROOT, 'tests/artifacts/bench-php.json');
const PHP_BASE = 'http://127.0.0.1:8091';

/** the kit's settings (env.sh), as its scripts see them */
function kitSettings(oracleDir: string): Record<string, string> {
  const out = execFileSync('bash', ['-c', `. ${JSON.stringify(path.join(oracleDir, 'env.sh'))} && env`], { encoding: 'utf8' });
  return Object.fromEntries(out.split('\n').filter((l) => /^(INTEGRAM|ORACLE)_/.test(l)).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

function alive(pidFile: string): boolean {
  try {
    process.kill(Number(readFileSync(pidFile, 'utf8').trim()), 0);
    return true;
  } catch {
    return false;
  }
}

export async function runPhp(options: PhpOptions): Promise<void> {
  const { log } = options;
  const oracleDir = process.env.ORACLE_DIR ? path.resolve(process.env.ORACLE_DIR) : null;
  if (!oracleDir || !existsSync(path.join(oracleDir, 'bench', 'start.sh'))) {
    log('--php skipped: set ORACLE_DIR to the PHP oracle kit (the folder with setup.sh and bench/), set up as its README says');
    return;
  }
  const kit = kitSettings(oracleDir);
  if (!existsSync(kit.ORACLE_WWW ?? '')) {
    log(`--php skipped: the engine is not set up in ${kit.ORACLE_WWW} (run the kit's setup.sh with ORACLE_MIRROR)`);
    return;
  }
  const runDir = path.join(kit.ORACLE_ROOT, 'bench-run');
  const wasRunning = alive(path.join(runDir, 'php-fpm.pid')) && alive(path.join(runDir, 'nginx.pid'));
  log(wasRunning ? 'the PHP stack is running already' : 'starting the PHP stack (nginx + php-fpm, the kit\'s bench/start.sh)');
  try {
    execFileSync('bash', [path.join(oracleDir, 'bench', 'start.sh')], { stdio: ['ignore', 'ignore', 'inherit'] });
  } catch {
    throw new Error('the kit\'s bench/start.sh failed (see above; it needs nginx and php-fpm: apt-get install nginx php-fpm)');
  }

  // the engine writes a log file into the tenant's custom template folder on every report run (500 without it)
  const templates = path.join(kit.ORACLE_WWW, 'templates', 'custom', BENCH_DB);
  mkdirSync(templates, { recursive: true });
  execFileSync('chown', ['www-data:www-data', templates]);
  const databaseUrl = `mysql://${encodeURIComponent(kit.INTEGRAM_DB_USER)}:${encodeURIComponent(kit.INTEGRAM_DB_PASSWORD)}@127.0.0.1:${kit.INTEGRAM_DB_PORT}/${kit.INTEGRAM_DB_NAME}`;
  let ours: Child | null = null;
  const data = await prepareData('mysql', { counts: options.counts, log, keep: options.keep, shared: { databaseUrl, salt: kit.INTEGRAM_SALT, socket: kit.ORACLE_SOCK ?? null } });
  try {
    if (!data) throw new Error('the kit\'s MariaDB did not open');
    ours = await startServer(data.env, BENCH_DB);
    const client = new LegacyClient(ours.url, BENCH_DB);
    await client.login(BENCH_LOGIN, BENCH_PASSWORD);
    const list = benchScenarios(data.schema, client.xsrf).filter((s) => !options.only || options.only.has(s.name));
    const load = { connections: options.connections, durationSeconds: options.durationSeconds };
    const phpClient = new LegacyClient(PHP_BASE, BENCH_DB);
    phpClient.token = client.token;
    phpClient.xsrf = client.xsrf;

    const rows: PhpRow[] = [];
    for (const s of list) {
      if (s.method === 'GET') await compareAnswers(client, phpClient, s, log);
      const measured: Partial<Record<'ours' | 'php', Measured>> = {};
      for (const [side, base, c] of [['ours', ours.url, client], ['php', PHP_BASE, phpClient]] as const) {
        await mustAnswer(base, s, client.token);
        const r = await cannon(`${base}/${BENCH_DB}/${s.path}`, s, scenarioHeaders(s, client.token), load);
        measured[side] = { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors, load: loadAverage() };
        await drain(c);
      }
      const o = measured.ours!;
      const p = measured.php!;
      const target = TARGETS[s.name] ?? null;
      const ratio = p.rps > 0 ? o.rps / p.rps : 0;
      const pass = target ? ratio >= target.ratio && (target.p99Share === undefined || o.p99 <= p.p99 * target.p99Share) : null;
      const row: PhpRow = { scenario: s.name, what: s.what, ours: o, php: p, ratio, target, pass };
      rows.push(row);
      log(`  ${s.name.padEnd(15)} ours ${fmt(o.rps).padStart(7)} req/s p99 ${fmt(o.p99).padStart(5)} ms | PHP ${fmt(p.rps).padStart(6)} req/s p99 ${fmt(p.p99).padStart(5)} ms | ` +
        `${ratio.toFixed(1)}×${target ? ` (target ${target.ratio}×${target.p99Share ? `, p99 ≤ ${target.p99Share * 100} % of PHP` : ''}: ${pass ? 'pass' : 'FAIL'})` : ''}${failures(o, p)}  [load ${o.load}]`);
    }
    const started = new Date().toISOString();
    mkdirSync(path.dirname(RESULTS_FILE), { recursive: true });
    writeFileSync(RESULTS_FILE, `${JSON.stringify({ started, host: hostText(), ...load, records: data.records, rows }, null, 2)}\n`);
    const complete = !options.only && options.counts.items === 10_000 && options.counts.orders === 50_000 && options.durationSeconds >= 5;
    if (complete) writeDocsSection('php', 'Side by side with the PHP engine (`npm run bench -- --php`)', markdown(rows, { started, ...load }));
    log(`\nwritten: ${path.relative(ROOT, RESULTS_FILE)}${complete ? ', docs/benchmarks.md (PHP section)' : ' (a partial run leaves docs/benchmarks.md alone)'}`);
  } finally {
    await ours?.stop();
    await data?.cleanup();
    if (!wasRunning) {
      execFileSync('bash', [path.join(oracleDir, 'bench', 'stop.sh')], { env: { ...process.env, STOP_DB: '0' }, stdio: 'ignore' });
      log('stopped the PHP stack (its MariaDB keeps running)');
    }
  }
}

function failures(o: Measured, p: Measured): string {
  const bad = [o.non2xx + o.errors ? `ours ${o.non2xx} non-2xx, ${o.errors} errors` : '', p.non2xx + p.errors ? `PHP ${p.non2xx} non-2xx, ${p.errors} errors` : ''].filter(Boolean);
  return bad.length ? `  (${bad.join('; ')}: not a valid measurement)` : '';
}

/** the same GET to both engines: the answers should be equal (a difference is printed, not fatal: the figures still mean something) */
async function compareAnswers(ours: LegacyClient, php: LegacyClient, s: Scenario, log: (message: string) => void): Promise<void> {
  const [a, b] = await Promise.all([ours, php].map((c) => c.request('GET', `/${BENCH_DB}/${s.path}`, { headers: scenarioHeaders(s, c.token) })));
  // equal as JSON (key order and spacing do not matter: docs/compatibility.md)
  if (a.text === b.text || (a.json !== undefined && isDeepStrictEqual(a.json, b.json))) return;
  let at = 0;
  while (at < a.text.length && a.text[at] === b.text[at]) at++;
  log(`  ${s.name}: the answers differ from character ${at}: ours …${a.text.slice(Math.max(0, at - 40), at + 80)}… PHP …${b.text.slice(Math.max(0, at - 40), at + 80)}…`);
}

function markdown(rows: PhpRow[], run: { started: string; connections: number; durationSeconds: number }): string {
  return [
    `Run ${run.started} on ${hostText()}; ${run.connections} connections, keep-alive, ${run.durationSeconds} s per cell, ` +
      'ours then PHP per scenario on the same MariaDB table; PHP as offices run it (nginx + php-fpm, OPcache).',
    '',
    '| scenario | ours req/s | ours p50 / p99 ms | PHP req/s | PHP p50 / p99 ms | ours / PHP | target | verdict |',
    '|---|---:|---:|---:|---:|---:|---|---|',
    ...rows.map((r) => `| \`${r.what}\`${failures(r.ours, r.php)} | ${fmt(r.ours.rps)} | ${fmt(r.ours.p50, 1)} / ${fmt(r.ours.p99, 1)} | ${fmt(r.php.rps)} | ` +
      `${fmt(r.php.p50, 1)} / ${fmt(r.php.p99, 1)} | ${r.ratio.toFixed(1)}× | ${r.target ? `≥ ${r.target.ratio}×${r.target.p99Share ? `, p99 ≤ ${r.target.p99Share * 100} % of PHP` : ''}` : '—'} | ` +
      `${r.pass === null ? '—' : r.pass ? 'pass' : 'FAIL'} |`),
  ].join('\n');
}
