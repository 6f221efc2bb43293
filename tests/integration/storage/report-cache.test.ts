/**
 * The report cache (server/storage/report-cache.ts) on the real stores: a result is reused until
 * a write through the store, whatever kind of write; a statement running while a write lands is
 * not kept; identical reports asked together share one statement; on MySQL another process's
 * write is seen within the bound (1.5 s).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type ReportQuery, type Row, type Store, type TenantStore } from '../../../server/storage/index.js';
import { withReportCache } from '../../../server/storage/report-cache.js';
import { spyStore } from '../../support/store-spy.js';
import { openTestMysql, privateSchemaOptions, TEST_STORES, type TestStore } from '../../support/stores.js';

const DB = 'rcache';
const ITEM = 1000;
const AMOUNT = 1001;

/** type Item with a NUMBER column Amount (as the engine stores them), and `n` items of amount 10 */
function rows(n: number): Row[] {
  const out: Row[] = [
    { id: 1, up: 0, ord: 0, t: 1, val: 'root' },
    { id: ITEM, up: 0, ord: 0, t: 3, val: 'Item' },
    { id: AMOUNT, up: 0, ord: 0, t: 13, val: 'Amount' },
    { id: 1002, up: ITEM, ord: 1, t: AMOUNT, val: '' },
  ];
  for (let i = 0; i < n; i++) {
    const id = 2000 + i * 2;
    out.push({ id, up: 1, ord: i + 1, t: ITEM, val: `item ${i}` }, { id: id + 1, up: id, ord: 1, t: AMOUNT, val: '10' });
  }
  return out;
}

/** the sum of every item's amount, and the count of items */
const TOTAL: ReportQuery = {
  tables: [{ typeId: ITEM }],
  select: [{ kind: 'call', fn: 'SUM', args: [{ kind: 'cell', table: 0, reqId: AMOUNT }] }, { kind: 'call', fn: 'COUNT', args: [{ kind: 'record', table: 0, part: 'id' }] }],
  where: [], having: [], order: [], tieTables: [0],
};

async function total(t: TenantStore): Promise<[number, number]> {
  const [[sum, count]] = await t.reportRows(TOTAL);
  return [Number(sum), Number(count)];
}

/** the store under the cache, counting its report statements and optionally holding them at a gate */
function instrumented(store: Store, options: { ttlMs: number; maxCells?: number } = { ttlMs: Infinity }) {
  const counter = { statements: 0, gate: null as Promise<void> | null };
  const inner = spyStore(store, {
    tenant: (method, call) => {
      if (method !== 'reportRows') return call();
      counter.statements++;
      return (async () => {
        const result = await call();
        if (counter.gate) await counter.gate;
        return result;
      })();
    },
  });
  return { cached: withReportCache(inner, options), counter };
}

for (const kind of TEST_STORES) {
  describe.skipIf(!kind.enabled)(`report cache on ${kind.name}`, () => {
    let opened: TestStore;

    beforeAll(async () => {
      opened = await kind.open();
      await opened.store.createDatabase(DB, rows(5));
    }, 120_000);
    afterAll(async () => {
      await opened?.cleanup();
    });

    it('reuses a result until a write through the store, for every kind of write', async () => {
      const { cached, counter } = instrumented(opened.store);
      const t = cached.tenant(DB);
      expect(await total(t)).toEqual([50, 5]);
      expect(await total(cached.tenant(DB.toUpperCase()))).toEqual([50, 5]);
      expect(counter.statements).toBe(1);

      const writes: Array<[string, () => Promise<unknown>, [number, number]]> = [
        ['insert', async () => { const id = await t.insert({ up: 1, ord: 6, t: ITEM, val: 'item 5' }); await t.insert({ up: id, ord: 1, t: AMOUNT, val: '10' }); }, [60, 6]],
        ['update', () => t.update(2001, { val: '20' }), [70, 6]],
        ['updateWhere', () => t.updateWhere({ t: AMOUNT, up: 2002 }, { val: '30' }), [90, 6]],
        ['deleteTree', () => t.deleteTree(2004), [80, 5]],
        ['transaction', () => cached.transaction(DB, async (tx) => { await tx.update(2001, { val: '0' }); }), [60, 5]],
        ['importRows', () => cached.importRows(DB, rows(3), { replace: true }), [30, 3]],
      ];
      for (const [name, write, expected] of writes) {
        const before = counter.statements;
        await write();
        expect(await total(t), name).toEqual(expected);
        expect(await total(t), name).toEqual(expected);
        expect(counter.statements - before, name).toBe(1);
      }
    });

    it('does not keep a result whose statement ran while a write landed', async () => {
      const { cached, counter } = instrumented(opened.store);
      const t = cached.tenant(DB);
      await opened.store.importRows(DB, rows(3), { replace: true });
      let open!: () => void;
      counter.gate = new Promise<void>((resolve) => { open = resolve; });
      const running = total(t);
      // the statement has answered (held at the gate) when the write lands
      await new Promise((resolve) => setTimeout(resolve, 200));
      await t.update(2001, { val: '40' });
      open();
      counter.gate = null;
      expect(await running).toEqual([30, 3]);
      expect(await total(t)).toEqual([60, 3]);
      expect(counter.statements).toBe(2);
    });

    it('keeps results within its cell budget (least recently used out) and its time bound', async () => {
      const { cached, counter } = instrumented(opened.store, { ttlMs: 300, maxCells: 3 });
      const t = cached.tenant(DB);
      await opened.store.importRows(DB, rows(2), { replace: true });
      const limited = (limit: number): ReportQuery => ({ ...TOTAL, limit });
      await t.reportRows(limited(10)); // 2 cells
      await t.reportRows(limited(10));
      expect(counter.statements).toBe(1);
      await t.reportRows(limited(11)); // 2 more: over 3, the first goes
      await t.reportRows(limited(11));
      expect(counter.statements).toBe(2);
      await t.reportRows(limited(10));
      expect(counter.statements).toBe(3);
      await new Promise((resolve) => setTimeout(resolve, 400));
      await t.reportRows(limited(10));
      expect(counter.statements).toBe(4);
    });

    it('identical reports asked together share one statement; a failing one is not kept', async () => {
      const { cached, counter } = instrumented(opened.store);
      const t = cached.tenant(DB);
      await cached.importRows(DB, rows(4), { replace: true });
      const answers = await Promise.all(Array.from({ length: 8 }, () => total(t)));
      expect(answers).toEqual(Array.from({ length: 8 }, () => [40, 4]));
      expect(counter.statements).toBe(1);
      // a report on a table that does not exist fails every time, and is asked again each time
      const missing = cached.tenant('nosuchtable');
      await expect(missing.reportRows(TOTAL)).rejects.toThrow();
      await expect(missing.reportRows(TOTAL)).rejects.toThrow();
      expect(counter.statements).toBe(3);
    });
  });
}

describe.skipIf(!TEST_STORES[1].enabled)('report cache on MariaDB with another writer', () => {
  let opened: TestStore;
  let other: Store;

  beforeAll(async () => {
    const mysql = await openTestMysql();
    opened = mysql;
    await opened.store.createDatabase(DB, rows(2));
    // a second process on the same schema: another instance, or the PHP engine
    other = await openStore({ mysql: { ...privateSchemaOptions(), database: mysql.schema } });
  }, 120_000);
  afterAll(async () => {
    await other?.close();
    await opened?.cleanup();
  });

  it('sees another process\'s write within 1.5 s, and at once after a write of its own', async () => {
    const t = opened.store.tenant(DB);
    expect(await total(t)).toEqual([20, 2]);
    await other.tenant(DB).update(2001, { val: '50' });
    const changedAt = Date.now();
    let seenAfter = -1;
    while (Date.now() - changedAt < 5000) {
      const [sum] = await total(t);
      if (sum === 60) {
        seenAfter = Date.now() - changedAt;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(seenAfter).toBeGreaterThanOrEqual(0);
    expect(seenAfter).toBeLessThanOrEqual(1500 + 500);
    await other.tenant(DB).update(2003, { val: '70' });
    await t.update(2001, { val: '10' });
    expect(await total(t)).toEqual([80, 2]);
  });
});
