/**
 * Plans and timings of the list queries on a tenant of realistic size, on one driver.
 * Not a test (vitest ignores it): a measuring tool for server/storage/README.md.
 *
 *   npx tsx tests/integration/storage/perf/list-plans.ts pglite [--orders 50000] [--runs 15] [--no-plans] [--only 'NOT LIKE'] [--keep]
 *   TEST_MYSQL_URL=... npx tsx tests/integration/storage/perf/list-plans.ts mysql
 *
 * Seeds the shape of tests/bench (items with 5 cells, orders with 4 cells of which one is a
 * reference to an item, 1 in 10 comments containing "abc") through insertMany in chunks, as the
 * bench's bulk load does, then prints EXPLAIN ANALYZE (PGlite) / ANALYZE (MariaDB) of each
 * query and its warm median time through the store.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openMysqlStore } from '../../../../server/storage/mysql/index.js';
import { openPgliteStore } from '../../../../server/storage/pglite/index.js';
import { mysqlDialect, pgDialect } from '../../../../server/storage/sql/dialect.js';
import { SqlTenantStore } from '../../../../server/storage/sql/tenant.js';
import type { ListQuery, NewRow, Store } from '../../../../server/storage/types.js';
import { dropSchema, privateSchemaOptions, rawConnection } from '../../../support/stores.js';
import { RecordingExecutor } from '../recording-executor.js';

const args = process.argv.slice(2);
const driver = args[0] === 'mysql' ? 'mysql' : 'pglite';
const option = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const ORDERS = option('orders', 50_000);
const ITEMS = option('items', 10_000);
const RUNS = option('runs', 15);
const PLANS = !args.includes('--no-plans');
/** only the cases whose name contains this */
/** keep the seeded schema / data folder for hand-run EXPLAINs */
const KEEP = args.includes('--keep');
const ONLY = args.includes('--only') ? args[args.indexOf('--only') + 1] : '';
const DB = 'perf';

// metadata ids (up = 0 rows), as the engine lays them out
const ITEM = 100;
const ITEM_CODE = 101;
const ITEM_QTY = 102;
const ITEM_MADE = 103;
const ITEM_PRICE = 104;
const ITEM_NOTE = 105;
const ORDER = 200;
const ORDER_ITEM = 201; // reference requisite → ITEM
const ORDER_AMOUNT = 202;
const ORDER_COMMENT = 203;
const ORDER_DAY = 204;
const FIRST_DATA_ID = 1000;

function metadataRows(): NewRow[] {
  const m = (id: number, up: number, ord: number, t: number, val: string): NewRow => ({ id, up, ord, t, val });
  return [
    m(1, 1, 0, 1, 'root'), m(3, 0, 0, 3, 'SHORT'), m(8, 0, 0, 8, 'CHARS'), m(13, 0, 0, 13, 'NUMBER'), m(9, 0, 0, 9, 'DATE'),
    m(ITEM, 0, 0, 3, 'BenchItem'), m(ITEM_CODE, ITEM, 1, 3, ''), m(ITEM_QTY, ITEM, 2, 13, ''), m(ITEM_MADE, ITEM, 3, 9, ''),
    m(ITEM_PRICE, ITEM, 4, 13, ''), m(ITEM_NOTE, ITEM, 5, 8, ''),
    m(ORDER, 0, 0, 3, 'BenchOrder'), m(ORDER_ITEM, ORDER, 1, ITEM, ''), m(ORDER_AMOUNT, ORDER, 2, 13, ''),
    m(ORDER_COMMENT, ORDER, 3, 3, ''), m(ORDER_DAY, ORDER, 4, 9, ''),
  ];
}

function* dataRows(): Generator<NewRow> {
  let id = FIRST_DATA_ID;
  const itemIds: number[] = [];
  for (let i = 0; i < ITEMS; i++) {
    const rec = id++;
    itemIds.push(rec);
    yield { id: rec, up: 1, ord: 1, t: ITEM, val: `Item ${i}` };
    yield { id: id++, up: rec, ord: 1, t: ITEM_CODE, val: i % 10 === 0 ? `abc-${i}` : `code-${i}` };
    yield { id: id++, up: rec, ord: 2, t: ITEM_QTY, val: String(i % 1000) };
    yield { id: id++, up: rec, ord: 3, t: ITEM_MADE, val: `2025${String((i % 12) + 1).padStart(2, '0')}${String((i % 28) + 1).padStart(2, '0')}` };
    yield { id: id++, up: rec, ord: 4, t: ITEM_PRICE, val: `${(i % 500) + 1}.5` };
    yield { id: id++, up: rec, ord: 5, t: ITEM_NOTE, val: `Note for item ${i}: some longer text so the cell is not trivially short` };
  }
  for (let j = 0; j < ORDERS; j++) {
    const rec = id++;
    yield { id: rec, up: 1, ord: 1, t: ORDER, val: `Order ${j}` };
    // a reference cell: t = the target record, val = the requisite id
    yield { id: id++, up: rec, ord: 1, t: itemIds[j % itemIds.length], val: String(ORDER_ITEM) };
    yield { id: id++, up: rec, ord: 2, t: ORDER_AMOUNT, val: String((j % 97) + 1) };
    yield { id: id++, up: rec, ord: 3, t: ORDER_COMMENT, val: j % 10 === 0 ? `urgent abc ${j}` : `regular ${j}` };
    yield { id: id++, up: rec, ord: 4, t: ORDER_DAY, val: `2026${String((j % 12) + 1).padStart(2, '0')}${String((j % 28) + 1).padStart(2, '0')}` };
  }
}

/** the SQL a tenant store would send, without sending it */
interface Raw {
  explain(sql: string, params: readonly unknown[]): Promise<string>;
  run(sql: string): Promise<void>;
  close(): Promise<void>;
}

async function median(fn: () => Promise<unknown>): Promise<number> {
  await fn(); // warm
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    await fn();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

async function main() {
  let store: Store;
  let raw: Raw;
  let cleanup: () => Promise<void>;
  // results are thrown away; { n: 0 } is enough for countRecords to return
  const recorder = new RecordingExecutor([{ n: 0 }]);
  const noIds = { insertBatch: async () => [] };
  let sqlOf: SqlTenantStore;
  if (driver === 'pglite') {
    const dir = mkdtempSync(join(tmpdir(), 'integram-perf-'));
    // the store's own PGlite worker, only to EXPLAIN (one process holds the folder)
    const pglite = await openPgliteStore(join(dir, 'pglite'));
    store = pglite;
    sqlOf = new SqlTenantStore(recorder, pgDialect('und-x-icu'), noIds, DB);
    raw = {
      explain: async (sql, params) => {
        const rows = await pglite.inspect(`EXPLAIN (ANALYZE, COSTS OFF, BUFFERS OFF) ${sql}`, [...params]);
        return rows.map((r) => r['QUERY PLAN']).join('\n');
      },
      run: async (sql) => { await pglite.inspect(sql); },
      close: async () => undefined,
    };
    cleanup = async () => {
      await store.close();
      if (KEEP) console.log(`# kept data folder ${join(dir, 'pglite')}`);
      else rmSync(dir, { recursive: true, force: true });
    };
  } else {
    const options = privateSchemaOptions('perf');
    store = await openMysqlStore(options);
    const conn = await rawConnection(options);
    sqlOf = new SqlTenantStore(recorder, mysqlDialect, noIds, DB);
    raw = {
      explain: async (sql, params) => {
        const [rows] = await conn.query(`ANALYZE ${sql}`, [...params]);
        return (rows as Record<string, unknown>[]).map((r) =>
          ['id', 'select_type', 'table', 'type', 'key', 'rows', 'r_rows', 'filtered', 'r_filtered', 'Extra'].map((k) => `${k}=${String(r[k])}`).join(' ')).join('\n');
      },
      run: async (sql) => { await conn.query(sql); },
      close: () => conn.end(),
    };
    cleanup = async () => {
      await conn.end().catch(() => undefined);
      await store.close();
      if (KEEP) console.log(`# kept schema ${options.database}`);
      else await dropSchema(options);
    };
  }

  try {
    const seedStarted = performance.now();
    await store.createDatabase(DB, metadataRows().map((r) => ({ ...r, id: r.id as number })));
    const t = store.tenant(DB);
    let chunk: NewRow[] = [];
    for (const row of dataRows()) {
      chunk.push(row);
      if (chunk.length >= 10_000) { await t.insertMany(chunk); chunk = []; }
    }
    if (chunk.length > 0) await t.insertMany(chunk);
    const settle = (store as unknown as { statisticsSettled?: () => Promise<void> }).statisticsSettled;
    if (settle) await settle.call(store);
    console.log(`# ${driver}: seeded ${ITEMS} items and ${ORDERS} orders (${await t.maxId()} max id) in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`);

    const query = (extra: Partial<ListQuery>): ListQuery => ({ typeId: ORDER, parent: { kind: 'root' }, filters: [], order: { by: 'id' }, limit: 20, ...extra });
    const comment = { kind: 'cell', reqId: ORDER_COMMENT } as const;
    const item = { kind: 'ref', reqId: ORDER_ITEM } as const;
    const cases: { name: string; q: ListQuery; count?: boolean }[] = [
      { name: 'page 1 (20)', q: query({}) },
      { name: 'page 2000 (offset 39,980)', q: query({ offset: 39_980 }) },
      { name: 'comment LIKE %abc% (100)', q: query({ limit: 100, filters: [{ column: comment, predicate: { op: 'like', pattern: '%abc%' } }] }), count: true },
      { name: 'comment NOT LIKE %abc% (100)', q: query({ limit: 100, filters: [{ column: comment, predicate: { op: 'notLike', pattern: '%abc%' } }] }), count: true },
      { name: 'comment = one value (selective)', q: query({ limit: 100, filters: [{ column: comment, predicate: { op: 'eq', value: 'urgent abc 49990' } }] }), count: true },
      { name: 'item ref = Item 7 (5 hits)', q: query({ limit: 100, filters: [{ column: item, predicate: { op: 'eq', value: 'Item 7' } }] }), count: true },
      { name: 'item ref LIKE Item 1% (11 %)', q: query({ limit: 100, filters: [{ column: item, predicate: { op: 'like', pattern: 'Item 1%' } }] }), count: true },
      { name: 'item ref idIn', q: query({ limit: 100, filters: [{ column: item, predicate: { op: 'idIn', ids: [FIRST_DATA_ID + 6 * 7] } }] }), count: true },
    ];

    const results: string[] = [];
    for (const c of cases.filter((x) => x.name.includes(ONLY))) {
      const records = await t.listRecords(c.q);
      const list = await median(() => t.listRecords(c.q));
      const ids = records.map((r) => r.id);
      const cells = ids.length > 0 ? await median(() => t.cellsOf(ids)) : 0;
      const count = c.count ? await median(() => t.countRecords(c.q)) : null;
      const line = `${c.name.padEnd(36)} rows ${String(records.length).padStart(3)}  listRecords ${list.toFixed(2).padStart(8)} ms` +
        `  cellsOf ${cells.toFixed(2).padStart(6)} ms${count === null ? '' : `  countRecords ${count.toFixed(2).padStart(8)} ms`}`;
      results.push(line);
      console.log(line);
      if (PLANS) {
        await sqlOf.listRecords(c.q);
        if (recorder.last) console.log(`  -- listRecords plan\n${indent(await raw.explain(recorder.last.sql, recorder.last.params))}`);
        if (c.name.startsWith('page 1')) {
          await sqlOf.cellsOf(ids);
          if (recorder.last) console.log(`  -- cellsOf plan\n${indent(await raw.explain(recorder.last.sql, recorder.last.params))}`);
        }
        if (c.count) {
          await sqlOf.countRecords(c.q);
          if (recorder.last) console.log(`  -- countRecords plan\n${indent(await raw.explain(recorder.last.sql, recorder.last.params))}`);
        }
      }
    }
    console.log(`\n# summary (${driver}, median of ${RUNS} warm runs)\n${results.join('\n')}`);
  } finally {
    await raw.close();
    await cleanup();
  }
}

function indent(text: string): string {
  return text.split('\n').map((l) => `    ${l}`).join('\n');
}

await main();
