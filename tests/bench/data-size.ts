/**
 * `npm run bench -- --data-size`: does a page cost more when the table is larger? BenchOrder grows
 * from 10,000 to 100,000 to 1,000,000 records (BENCH_SIZES), seeded in the engine's own shape by
 * `insertMany`, on MariaDB and on PGlite. At each size the compiled server starts on the data and
 * one client sends requests one after another (latency, not throughput): the first page, a filtered
 * page and a create. Targets (the performance issue): first page ≤ 20 ms p50, a filtered page
 * ≤ 100 ms p50, and no growth with the table's size.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { LegacyClient } from '../support/bench-app.js';
import { prepareData } from './prepare.js';
import { ROOT, startServer } from './processes.js';
import { fmt, hostText, loadAverage, writeDocsSection } from './report.js';
import { cannon, mustAnswer, scenarioHeaders, type Scenario } from './scenarios.js';
import { BENCH_DB, BENCH_LOGIN, BENCH_PASSWORD, withStore, type BenchSchema } from './seed.js';

const RESULTS_FILE = path.join(ROOT, 'tests/artifacts/bench-data-size.json');
const ITEMS = 10_000;
const TARGET_P50 = { list: 20, filtered: 100 } as const;
/**
 * a page at the largest size may cost this much more than at the smallest before it counts as
 * growing, and at least GROWTH_FLOOR_MS more (latencies are whole milliseconds: 2 → 3 ms is no trend)
 */
const GROWTH_TOLERANCE = 1.5;
const GROWTH_FLOOR_MS = 3;

interface Measured { rps: number; p50: number; p99: number; failed: number; load: string }
interface SizeResult { store: 'mysql' | 'pglite'; orders: number; seedSeconds: number; rows: Record<string, Measured> }

function scenarios(schema: BenchSchema, xsrf: string): Scenario[] {
  const { item, itemCols, order, orderCols } = schema;
  return [
    { name: 'list', what: 'first page: object/{order}?JSON_KV&LIMIT=20', method: 'GET', path: `object/${order}?JSON_KV&LIMIT=20` },
    {
      name: 'filtered', what: 'filtered page: object/{order}?JSON_KV&LIMIT=0,100&F_{comment}=%abc% (1 in 10 match)', method: 'GET',
      path: `object/${order}?JSON_KV&LIMIT=0,100&F_${orderCols.comment}=%25abc%25`,
    },
    {
      name: '_m_new', what: 'a create: _m_new/{item}?JSON (2 cells)', method: 'POST', path: `_m_new/${item}?JSON`,
      body: new URLSearchParams({ _xsrf: xsrf, up: '1', [`t${item}`]: 'size new', [`t${itemCols.code}`]: 'size-code' }).toString(),
    },
  ];
}

export async function runDataSize(options: {
  stores: string[]; sizes: number[]; durationSeconds: number; keep: boolean; log: (message: string) => void;
}): Promise<void> {
  const { log } = options;
  const sizes = [...options.sizes].sort((a, b) => a - b);
  const results: SizeResult[] = [];
  for (const kind of options.stores) {
    if (kind !== 'mysql' && kind !== 'pglite') throw new Error(`unknown store ${kind} in BENCH_STORES (mysql, pglite)`);
    log(`\n== ${kind}: BenchOrder at ${sizes.map((n) => fmt(n)).join(', ')} records ==`);
    const first = sizes[0]!;
    const started = Date.now();
    const data = await prepareData(kind, { counts: { items: ITEMS, orders: first }, log, keep: options.keep });
    if (!data) continue;
    let seedSeconds = (Date.now() - started) / 1000;
    try {
      for (const size of sizes) {
        if (size > first) {
          const t0 = Date.now();
          const counts = await withStore(data.spec, (store) => data.seeder.grow(store, { items: ITEMS, orders: size }, log));
          seedSeconds = (Date.now() - t0) / 1000;
          log(`  seeded up to ${fmt(counts.orders)} orders in ${fmt(seedSeconds)} s`);
        }
        results.push({ store: kind, orders: size, seedSeconds, rows: await measure(data.env, data.schema, options.durationSeconds, log) });
      }
    } finally {
      await data.cleanup();
    }
  }
  report(results, sizes, options);
}

async function measure(env: Record<string, string>, schema: BenchSchema, durationSeconds: number, log: (message: string) => void): Promise<Record<string, Measured>> {
  const server = await startServer(env, BENCH_DB);
  try {
    const client = new LegacyClient(server.url, BENCH_DB);
    await client.login(BENCH_LOGIN, BENCH_PASSWORD);
    const rows: Record<string, Measured> = {};
    for (const s of scenarios(schema, client.xsrf)) {
      // warm: the first answers read the pages from disk
      for (let i = 0; i < 20; i++) await mustAnswer(server.url, s, client.token);
      const r = await cannon(`${server.url}/${BENCH_DB}/${s.path}`, s, scenarioHeaders(s, client.token), { connections: 1, durationSeconds });
      rows[s.name] = { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, failed: r.non2xx + r.errors, load: loadAverage() };
      const m = rows[s.name]!;
      log(`  ${s.name.padEnd(9)} p50 ${fmt(m.p50, 1).padStart(6)} ms  p99 ${fmt(m.p99, 1).padStart(6)} ms  ${fmt(m.rps).padStart(6)} req/s${m.failed ? `  (${m.failed} failed)` : ''}  [load ${m.load}]`);
    }
    return rows;
  } finally {
    await server.stop();
  }
}

function verdicts(results: SizeResult[], store: string, name: string): string {
  const mine = results.filter((r) => r.store === store);
  const smallest = mine[0]?.rows[name];
  const largest = mine[mine.length - 1]?.rows[name];
  if (!smallest || !largest) return '—';
  const target = (TARGET_P50 as Record<string, number | undefined>)[name];
  const within = target === undefined ? '' : mine.every((r) => (r.rows[name]?.p50 ?? Infinity) <= target) ? `p50 ≤ ${target} ms: pass` : `p50 ≤ ${target} ms: FAIL`;
  const growth = largest.p50 / Math.max(smallest.p50, 1);
  const grows = growth > GROWTH_TOLERANCE && largest.p50 - smallest.p50 >= GROWTH_FLOOR_MS;
  const flat = `largest / smallest ${growth.toFixed(2)}×: ${grows ? 'GROWS' : 'flat'}`;
  return [within, flat].filter(Boolean).join('; ');
}

function report(results: SizeResult[], sizes: number[], options: { durationSeconds: number; log: (message: string) => void }): void {
  const { log } = options;
  if (!results.length) return;
  const names = Object.keys(results[0]!.rows);
  const stores = [...new Set(results.map((r) => r.store))];
  const storeName = (s: string) => (s === 'mysql' ? 'MariaDB' : 'PGlite');
  const cell = (m: Measured | undefined) => (m ? `${fmt(m.p50, 1)} / ${fmt(m.p99, 1)}${m.failed ? ` ⚠ ${m.failed} failed` : ''}` : '—');
  const started = new Date().toISOString();
  const lines = [
    `Run ${started} on ${hostText()}; one client, requests one after another, ${options.durationSeconds} s per cell; ` +
      `${fmt(ITEMS)} BenchItem records, BenchOrder at each size (5 rows per record). Cells: p50 / p99 in ms.`,
    '',
    `| store | scenario | ${sizes.map((n) => `${fmt(n)} orders`).join(' | ')} | verdict |`,
    `|---|---|${sizes.map(() => '---:').join('|')}|---|`,
  ];
  for (const store of stores) {
    for (const name of names) {
      const bySize = sizes.map((n) => results.find((r) => r.store === store && r.orders === n)?.rows[name]);
      lines.push(`| ${storeName(store)} | ${name} | ${bySize.map(cell).join(' | ')} | ${verdicts(results, store, name)} |`);
    }
  }
  const seeding = stores.map((s) => `${storeName(s)} ${results.filter((r) => r.store === s).map((r) => `${fmt(r.seedSeconds)} s`).join(' / ')}`).join('; ');
  lines.push('', `Seeding time per step (the first includes starting the store and the schema): ${seeding}.`);
  const markdown = lines.join('\n');
  log(`\n${markdown}`);
  mkdirSync(path.dirname(RESULTS_FILE), { recursive: true });
  writeFileSync(RESULTS_FILE, `${JSON.stringify({ started, host: hostText(), sizes, results }, null, 2)}\n`);
  const complete = sizes.includes(1_000_000) && sizes.length >= 3 && stores.length === 2 && options.durationSeconds >= 5;
  if (complete) writeDocsSection('data-size', 'A page and the size of the table (`npm run bench -- --data-size`)', markdown);
  log(`\nwritten: ${path.relative(ROOT, RESULTS_FILE)}${complete ? ', docs/benchmarks.md (data-size section)' : ' (a partial run leaves docs/benchmarks.md alone)'}`);
}
