/**
 * listRecords + cellsOf (two round trips) against listPage (one), on the benchmark's tenant
 * table. Not a test (vitest ignores it): the measuring tool behind server/storage/README.md
 * "One statement per list page".
 *
 *   npx tsx tests/integration/storage/perf/list-page.ts mysql  mysql://user:pw@127.0.0.1:41801/bench_schema [--table bench] [--calls 2000] [--only 'page of 20 by id']
 *   npx tsx tests/integration/storage/perf/list-page.ts pglite mysql://user:pw@127.0.0.1:41801/bench_schema [--table bench] [--pglite-dir DIR]
 *
 * mysql: reads the given schema only (no store is opened on it, so no migration runs there).
 * Per call: wall time, MariaDB CPU (on-CPU time of every mariadbd thread from
 * /proc/<pid>/task/<tid>/schedstat; the server is found by its --port) and node CPU
 * (process.cpuUsage), each the median of interleaved rounds so that a neighbour's load
 * hits every variant alike. Variants: text protocol (mysql2 `query`, what the store sends)
 * and server-side prepared statements (mysql2 `execute`).
 * pglite: copies the table into a throw-away PGlite folder, then times the same calls
 * (PGlite runs in this process: its CPU is the node CPU).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql, { type Pool, type RowDataPacket } from 'mysql2/promise';
import { parseMysqlUrl } from '../../../../server/storage/index.js';
import { openPgliteStore } from '../../../../server/storage/pglite/index.js';
import { mysqlDialect } from '../../../../server/storage/sql/dialect.js';
import type { RunResult, SqlExecutor, SqlRow } from '../../../../server/storage/sql/executor.js';
import { rowFromSql, SqlTenantStore } from '../../../../server/storage/sql/tenant.js';
import type { ListQuery, Row, TenantStore } from '../../../../server/storage/types.js';

const args = process.argv.slice(2);
const driver = args[0] === 'pglite' ? 'pglite' : 'mysql';
const url = args[1];
if (!url) throw new Error('usage: list-page.ts mysql|pglite mysql://user:pw@host:port/schema [--table bench]');
const option = (name: string, fallback: string) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : fallback);
const TABLE = option('table', 'bench');
const ROUNDS = Number(option('rounds', '9'));
const CALLS = Number(option('calls', '2000'));
/** only the cases whose name contains this */
const ONLY = option('only', '');

/** mysql2 pool as the store's executor does it; `execute` = server-side prepared statements */
class PoolExecutor implements SqlExecutor {
  constructor(private readonly pool: Pool, private readonly prepared: boolean) {}
  async query(sql: string, params: readonly unknown[] = []): Promise<SqlRow[]> {
    const [rows] = this.prepared
      ? await this.pool.execute<RowDataPacket[]>(sql, [...params] as never[])
      : await this.pool.query<RowDataPacket[]>(sql, [...params]);
    return rows as SqlRow[];
  }
  async run(): Promise<RunResult> {
    throw new Error('read-only');
  }
  inTransaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return fn(this);
  }
}

function mariadbPid(port: number): string | null {
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'mariadbd') continue;
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(`--port=${port}`)) return pid;
    } catch { /* gone */ }
  }
  return null;
}

/** ms on CPU of every thread of a process (schedstat is in ns and exact, utime is tick-sampled) */
function processCpuMs(pid: string | null): number {
  if (pid === null) return 0;
  let ns = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try { ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]); } catch { /* thread gone */ }
  }
  return ns / 1e6;
}

interface Sample { wall: number; server: number; node: number }

/** interleaved rounds: every variant runs CALLS/ROUNDS calls per round; medians per call */
async function compare(variants: Record<string, () => Promise<unknown>>, serverPid: string | null, calls: number): Promise<Record<string, Sample>> {
  const perRound = Math.max(1, Math.round(calls / ROUNDS));
  const samples: Record<string, Sample[]> = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  for (const fn of Object.values(variants)) for (let i = 0; i < Math.min(50, perRound); i++) await fn();
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, fn] of Object.entries(variants)) {
      const server0 = processCpuMs(serverPid);
      const node0 = process.cpuUsage();
      const wall0 = performance.now();
      for (let i = 0; i < perRound; i++) await fn();
      const node = process.cpuUsage(node0);
      samples[name].push({
        wall: (performance.now() - wall0) / perRound,
        server: (processCpuMs(serverPid) - server0) / perRound,
        node: (node.user + node.system) / 1000 / perRound,
      });
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return Object.fromEntries(Object.entries(samples).map(([name, xs]) => [name, {
    wall: median(xs.map((x) => x.wall)), server: median(xs.map((x) => x.server)), node: median(xs.map((x) => x.node)),
  }]));
}

/** the benchmark's types, found by name: BenchOrder, its BenchComment column, BenchItem */
async function benchIds(t: TenantStore) {
  const type = async (name: string) => {
    const [row] = await t.find({ up: 0, val: name });
    if (!row) throw new Error(`no type ${name} in ${TABLE}`);
    return row.id;
  };
  const order = await type('BenchOrder');
  const commentType = await type('BenchComment');
  const [comment] = await t.find({ up: order, t: commentType });
  const [firstOrder] = await t.find({ t: order, up: 1 }, { limit: 1 });
  return { order, comment: comment.id, firstOrder: firstOrder.id };
}

function cases(ids: Awaited<ReturnType<typeof benchIds>>): { name: string; q: ListQuery; calls: number }[] {
  const base = (extra: Partial<ListQuery>): ListQuery => ({ typeId: ids.order, parent: { kind: 'root' }, filters: [], order: { by: 'id' }, limit: 20, offset: 0, ...extra });
  const comment = { kind: 'cell', reqId: ids.comment } as const;
  return [
    { name: 'page of 20 by id', q: base({}), calls: CALLS },
    { name: `comment LIKE %abc%, LIMIT 0,100`, q: base({ limit: 100, filters: [{ column: comment, predicate: { op: 'like', pattern: '%abc%' } }] }), calls: Math.ceil(CALLS / 10) },
    { name: 'page of 20 by comment (text sort)', q: base({ order: { by: comment } }), calls: Math.ceil(CALLS / 40) },
  ];
}

const fmt = (s: Sample, server: boolean) =>
  `wall ${s.wall.toFixed(3)}  ${server ? `mariadb ${s.server.toFixed(3)}  ` : ''}node ${s.node.toFixed(3)}`;

async function checkSame(t: TenantStore, q: ListQuery) {
  const page = await t.listPage(q);
  const records = await t.listRecords(q);
  const cells = await t.cellsOf(records.map((r) => r.id));
  if (JSON.stringify(page) !== JSON.stringify({ records, cells })) throw new Error('listPage differs from listRecords + cellsOf');
  return { records: records.length, cells: cells.length };
}

async function main() {
  const options = parseMysqlUrl(url);
  const pool = mysql.createPool({ host: options.host, port: options.port, user: options.user, password: options.password, database: options.database,
    charset: 'UTF8MB4_UNICODE_CI', supportBigNumbers: true, connectionLimit: 1, maxPreparedStatements: 64 });
  const noIds = { insertBatch: async () => [] };
  try {
    const viaQuery = new SqlTenantStore(new PoolExecutor(pool, false), mysqlDialect, noIds, TABLE);
    const ids = await benchIds(viaQuery);
    if (driver === 'mysql') {
      const viaExecute = new SqlTenantStore(new PoolExecutor(pool, true), mysqlDialect, noIds, TABLE);
      const pid = mariadbPid(options.port);
      if (pid === null) console.log('# no local mariadbd with that port: MariaDB CPU is not measured');
      for (const c of cases(ids).filter((x) => x.name.includes(ONLY))) {
        const shape = await checkSame(viaQuery, c.q);
        await checkSame(viaExecute, c.q);
        const two = (t: TenantStore) => async () => { const records = await t.listRecords(c.q); await t.cellsOf(records.map((r) => r.id)); };
        const result = await compare({
          'two statements (query)': two(viaQuery),
          'listPage (query)': () => viaQuery.listPage(c.q),
          'two statements (execute)': two(viaExecute),
          'listPage (execute)': () => viaExecute.listPage(c.q),
        }, pid, c.calls);
        console.log(`\n## ${c.name}: ${shape.records} records, ${shape.cells} cells; ms per call, median of ${ROUNDS} rounds of ${Math.round(c.calls / ROUNDS)}`);
        for (const [name, s] of Object.entries(result)) console.log(`${name.padEnd(26)} ${fmt(s, pid !== null)}`);
      }
      return;
    }
    // --pglite-dir keeps the copy for the next run (it is made when the folder has no such table)
    const keptDir = option('pglite-dir', '');
    const dir = keptDir || mkdtempSync(join(tmpdir(), 'integram-list-page-'));
    const store = await openPgliteStore(keptDir || join(dir, 'pglite'));
    try {
      if (!(await store.databaseExists(TABLE))) {
        const [rows] = await pool.query<RowDataPacket[]>(`SELECT id, up, ord, t, val FROM \`${TABLE.replace(/`/g, '')}\` ORDER BY id`);
        const started = performance.now();
        await store.createDatabase(TABLE, rows.map((r) => rowFromSql(r) as Row));
        await store.statisticsSettled();
        console.log(`# pglite: copied ${rows.length} rows in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      }
      const t = store.tenant(TABLE);
      for (const c of cases(ids).filter((x) => x.name.includes(ONLY))) {
        const shape = await checkSame(t, c.q);
        const result = await compare({
          'two statements': async () => { const records = await t.listRecords(c.q); await t.cellsOf(records.map((r) => r.id)); },
          listPage: () => t.listPage(c.q),
        }, null, Math.ceil(c.calls / 2));
        console.log(`\n## ${c.name}: ${shape.records} records, ${shape.cells} cells; ms per call, median of ${ROUNDS} rounds of ${Math.round(c.calls / 2 / ROUNDS)}`);
        for (const [name, s] of Object.entries(result)) console.log(`${name.padEnd(26)} ${fmt(s, false)}`);
      }
    } finally {
      await store.close();
      if (!keptDir) rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    await pool.end();
  }
}

await main();
