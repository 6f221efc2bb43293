/**
 * The benchmark's database: the golden start state as tenant `bench` (its user `tester` with a
 * password hashed for this database and salt), a schema created through the legacy API by the
 * server itself, and then 10,000 records of a 5-column type and 50,000 records of a type that
 * references it, bulk-inserted through the store in exactly the shape the engine writes — the
 * shape is copied from sample records the engine created through `_m_new` (record row `up=1`,
 * cells `(up=record, t=requisite)`, reference cells `(up=record, t=target, val=requisite)`).
 */
import { createHash } from 'node:crypto';
import { openStore, type OpenStoreOptions, type Store } from '../../server/storage/index.js';
import type { NewRow, Row } from '../../server/storage/types.js';
import { loadRows, reportMetadataRows } from '../golden/replay.js';
import { LegacyClient } from '../support/bench-app.js';

export const BENCH_DB = 'bench';
export const BENCH_LOGIN = 'tester';
export const BENCH_PASSWORD = 'bench-pass-1';

export type StoreSpec = OpenStoreOptions;

export async function withStore<T>(spec: StoreSpec, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(spec);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/**
 * the golden start rows as database `bench` with the report tables' metadata (as the reports
 * recording has them), the tester's password re-hashed for it (sha512(SALT + db + pwd))
 */
export function startRows(salt: string): Row[] {
  const hash = createHash('sha512').update(salt + BENCH_DB + BENCH_PASSWORD).digest('hex');
  const user = loadRows('start-rows.json').find((r) => r.t === 18 && r.val === BENCH_LOGIN);
  if (!user) throw new Error('start-rows.json has no tester user');
  return [...loadRows('start-rows.json').map((r) => (r.up === user.id && r.t === 20 ? { ...r, val: hash } : r)), ...reportMetadataRows()];
}

export interface BenchSchema {
  item: number;
  itemCols: { code: number; qty: number; made: number; price: number; note: number };
  order: number;
  orderCols: { item: number; amount: number; comment: number; day: number };
  /** a report: each BenchItem (through the orders' reference) with the SUM of its orders' amounts */
  report: number;
}

/** the function record SUM in the report tables' metadata (table 63) */
const SUM_FUNCTION = 73;

/** the two types, through the API (as a user would create them), plus two sample records of each */
export async function createSchema(c: LegacyClient): Promise<{ schema: BenchSchema; samples: { items: number[]; orders: number[] } }> {
  const item = await c.type('BenchItem', 3);
  const itemCols = {
    code: await c.column(item, 'BenchCode', 3),
    qty: await c.column(item, 'BenchQty', 13),
    made: await c.column(item, 'BenchMade', 9),
    price: await c.column(item, 'BenchPrice', 14),
    note: await c.column(item, 'BenchNote', 12),
  };
  const order = await c.type('BenchOrder', 3);
  const orderCols = {
    item: await c.reference(order, item),
    amount: await c.column(order, 'BenchAmount', 13),
    comment: await c.column(order, 'BenchComment', 3),
    day: await c.column(order, 'BenchDay', 9),
  };
  const report = await c.record(22, { t22: 'BenchTotals' });
  const itemColumn = await c.record(28, { t28: String(orderCols.item) }, report);
  const totalColumn = await c.record(28, { t28: String(orderCols.amount) }, report);
  await c.command(`_m_set/${itemColumn}?JSON`, { t100: 'item' });
  await c.command(`_m_set/${totalColumn}?JSON`, { t100: 'total', t104: String(SUM_FUNCTION) });
  const schema = { item, itemCols, order, orderCols, report };
  const items: number[] = [];
  const orders: number[] = [];
  for (let i = 0; i < 2; i++) {
    const v = itemValues(i);
    items.push(await c.record(item, {
      [`t${item}`]: v.name, [`t${itemCols.code}`]: v.code, [`t${itemCols.qty}`]: v.qty, [`t${itemCols.made}`]: v.made,
      [`t${itemCols.price}`]: v.price, [`t${itemCols.note}`]: v.note,
    }));
  }
  for (let j = 0; j < 2; j++) {
    const v = orderValues(j);
    orders.push(await c.record(order, {
      [`t${order}`]: v.name, [`t${orderCols.item}`]: String(items[j % items.length]), [`t${orderCols.amount}`]: v.amount,
      [`t${orderCols.comment}`]: v.comment, [`t${orderCols.day}`]: v.day,
    }));
  }
  return { schema, samples: { items, orders } };
}

/** values as the engine stores them (DATE as YYYYMMDD, NUMBER as an integer, SIGNED with a dot); 1 in 10 codes/comments contain "abc" */
function itemValues(i: number) {
  const day = String((i % 28) + 1).padStart(2, '0');
  const month = String((i % 12) + 1).padStart(2, '0');
  return {
    name: `Item ${i}`,
    code: i % 10 === 0 ? `abc-${i}` : `code-${i}`,
    qty: String(i % 1000),
    made: `2025${month}${day}`,
    price: `${(i % 500) + 1}.5`,
    note: `Note for item ${i}: some longer text so the cell is not trivially short`,
  };
}

function orderValues(j: number) {
  return {
    name: `Order ${j}`,
    amount: String((j % 97) + 1),
    comment: j % 10 === 0 ? `urgent abc ${j}` : `regular ${j}`,
    day: `2026${String((j % 12) + 1).padStart(2, '0')}${String((j % 28) + 1).padStart(2, '0')}`,
  };
}

/** how the engine laid out a sample record: its row and its cells keyed by requisite (t, or val for references) */
interface Shape {
  record: Row;
  cells: Map<number, Row>;
  /** ord of the next record of the type relative to the previous one (0: constant, 1: counting) */
  ordStep: number;
}

function shapeOf(rows: Row[], samples: number[], refReqs: Set<number>): Shape {
  const [first, second] = samples.map((id) => rows.find((r) => r.id === id));
  if (!first || !second) throw new Error('sample records not found');
  const cells = new Map<number, Row>();
  for (const r of rows) {
    if (r.up !== first.id) continue;
    const req = refReqs.has(Number(r.val)) ? Number(r.val) : r.t;
    cells.set(req, r);
  }
  return { record: first, cells, ordStep: second.ord - first.ord };
}

function cell(shape: Shape, req: number, up: number, id: number, val: string, t = req): NewRow {
  const sample = shape.cells.get(req);
  if (!sample) throw new Error(`the engine wrote no cell for requisite ${req}`);
  return { id, up, ord: sample.ord, t, val };
}

/**
 * Grows the two types to the given record counts, in the engine's shape, after the samples (and
 * after whatever an earlier `grow` added): the data-size bench calls it again for each size.
 */
export interface RecordSeeder {
  grow(store: Store, counts: { items: number; orders: number }, log: (message: string) => void): Promise<{ items: number; orders: number }>;
}

export async function recordSeeder(store: Store, schema: BenchSchema, samples: { items: number[]; orders: number[] }): Promise<RecordSeeder> {
  const rows = await store.exportRows(BENCH_DB);
  const itemShape = shapeOf(rows, samples.items, new Set());
  const orderShape = shapeOf(rows, samples.orders, new Set([schema.orderCols.item]));
  const itemIds: number[] = [...samples.items];
  let orderCount = samples.orders.length;
  const { item, itemCols, order, orderCols } = schema;
  return {
    async grow(target, counts, log) {
      const t = target.tenant(BENCH_DB);
      let nextId = (await t.maxId()) + 1;
      const chunk: NewRow[] = [];
      const flush = async () => {
        if (chunk.length) await t.insertMany(chunk.splice(0));
      };
      const itemsBefore = itemIds.length;
      for (let i = itemIds.length; i < counts.items; i++) {
        const id = nextId;
        const v = itemValues(i);
        const ord = itemShape.record.ord + itemShape.ordStep * i;
        chunk.push({ id, up: itemShape.record.up, ord, t: item, val: v.name });
        chunk.push(cell(itemShape, itemCols.code, id, id + 1, v.code));
        chunk.push(cell(itemShape, itemCols.qty, id, id + 2, v.qty));
        chunk.push(cell(itemShape, itemCols.made, id, id + 3, v.made));
        chunk.push(cell(itemShape, itemCols.price, id, id + 4, v.price));
        chunk.push(cell(itemShape, itemCols.note, id, id + 5, v.note));
        itemIds.push(id);
        nextId += 6;
        if (chunk.length >= 6000) await flush();
      }
      await flush();
      if (itemIds.length > itemsBefore) log(`  ${itemIds.length} records of BenchItem`);
      const ordersBefore = orderCount;
      for (let j = orderCount; j < counts.orders; j++) {
        const id = nextId;
        const v = orderValues(j);
        const ord = orderShape.record.ord + orderShape.ordStep * j;
        chunk.push({ id, up: orderShape.record.up, ord, t: order, val: v.name });
        chunk.push(cell(orderShape, orderCols.item, id, id + 1, String(orderCols.item), itemIds[j % itemIds.length]));
        chunk.push(cell(orderShape, orderCols.amount, id, id + 2, v.amount));
        chunk.push(cell(orderShape, orderCols.comment, id, id + 3, v.comment));
        chunk.push(cell(orderShape, orderCols.day, id, id + 4, v.day));
        nextId += 5;
        orderCount = j + 1;
        if (chunk.length >= 6000) await flush();
      }
      await flush();
      if (orderCount > ordersBefore) log(`  ${orderCount} records of BenchOrder (each referencing a BenchItem)`);
      return {
        items: await t.count({ up: 1, t: item }),
        orders: await t.count({ up: 1, t: order }),
      };
    },
  };
}
