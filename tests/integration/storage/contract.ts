/**
 * The storage contract suite: every driver runs exactly these tests
 * (pglite.test.ts, mysql.test.ts). A harness opens the same backing store again
 * after close (for the reopen/migration tests) and removes it at the end.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isStoreError } from '../../../server/storage/errors.js';
import type { ListFilter, ListQuery, Row, Store, ValuePredicate, ListColumn } from '../../../server/storage/types.js';
import { listPageContract } from './list-page-contract.js';

export interface StoreHarness {
  /** opens the store (again, after close, on the same data) */
  open(): Promise<Store>;
  /** removes everything the harness created */
  destroy(): Promise<void>;
}

const CLIENT = 500; // table
const PHONE = 501; // scalar column (requisite id)
const CITY_REF = 502; // reference column (requisite id) → CITY
const CITY = 600; // target table
const SUB = 700; // subordinate table under CLIENT

/** A small tenant: a table with a scalar and a reference column, a target table, subordinate rows. */
export function fixtureRows(): Row[] {
  const r = (id: number, up: number, ord: number, t: number, val: string): Row => ({ id, up, ord, t, val });
  return [
    r(1, 1, 0, 1, 'root'),
    r(3, 0, 0, 3, 'SHORT'),
    r(CLIENT, 0, 0, 3, 'Client'),
    r(PHONE, CLIENT, 1, 3, ''),
    r(CITY_REF, CLIENT, 2, 510, ''),
    r(510, 0, 0, CITY, ''),
    r(CITY, 0, 0, 3, 'City'),
    r(601, 1, 1, CITY, 'Москва'),
    r(602, 1, 1, CITY, 'berlin'),
    r(603, 1, 1, CITY, 'Amsterdam'),
    r(1001, 1, 1, CLIENT, 'Alpha'),
    r(1002, 1, 1, CLIENT, 'beta'),
    r(1003, 1, 1, CLIENT, 'ALPHA'),
    r(1004, 1, 1, CLIENT, 'Гамма'),
    r(1005, 1, 1, CLIENT, 'гамма 😀'),
    r(1101, 1001, 1, PHONE, '12abc'),
    r(1102, 1002, 1, PHONE, '7'),
    r(1104, 1004, 1, PHONE, 'abc'),
    r(1105, 1005, 1, PHONE, '100'),
    r(1201, 1001, 1, 601, String(CITY_REF)),
    r(1202, 1002, 1, 602, String(CITY_REF)),
    r(1204, 1004, 1, 603, String(CITY_REF)),
    r(1301, 1001, 2, SUB, 'second'),
    r(1302, 1001, 1, SUB, 'first'),
    r(1303, 1002, 1, SUB, 'other parent'),
  ];
}

const ids = (rows: Row[]) => rows.map((r) => r.id);

export function storeContract(label: string, makeHarness: () => Promise<StoreHarness>, options: { skip?: boolean } = {}): void {
  describe.skipIf(!!options.skip)(`storage contract: ${label}`, () => {
    let harness: StoreHarness;
    let store: Store;

    beforeAll(async () => {
      harness = await makeHarness();
      store = await harness.open();
      await store.createDatabase('fx', fixtureRows());
    }, 180_000); // a new PGlite folder runs initdb: slow on a busy machine

    afterAll(async () => {
      await store?.close();
      await harness?.destroy();
    });

    // ---- databases ------------------------------------------------------

    describe('databases', () => {
      it('creates, lists, finds and drops a database', async () => {
        await store.createDatabase('lifecycle');
        expect(await store.databaseExists('lifecycle')).toBe(true);
        expect(await store.databaseExists('LIFECYCLE')).toBe(true);
        expect(await store.listDatabases()).toContain('lifecycle');
        expect(await store.tenant('lifecycle').maxId()).toBe(0);
        await store.dropDatabase('lifecycle');
        expect(await store.databaseExists('lifecycle')).toBe(false);
        expect(await store.listDatabases()).not.toContain('lifecycle');
      });

      it('lists tenants only, never appliance tables', async () => {
        const dbs = await store.listDatabases();
        expect(dbs).toContain('fx');
        expect(dbs.some((d) => d.startsWith('integram_appliance'))).toBe(false);
      });

      it('reports the size on disk of every tenant table, and of no appliance table', async () => {
        const sizes = await store.databaseSizes();
        expect(Object.keys(sizes).sort()).toEqual((await store.listDatabases()).sort());
        // a table with rows takes at least a page of data and its indexes
        expect(sizes.fx).toBeGreaterThanOrEqual(8192);
      });

      it('refuses an existing database, a missing one and a bad name with StoreError codes', async () => {
        await expect(store.createDatabase('fx')).rejects.toSatisfy((e) => isStoreError(e, 'exists'));
        await expect(store.dropDatabase('nosuchdb')).rejects.toSatisfy((e) => isStoreError(e, 'not_found'));
        expect(() => store.tenant('bad-name')).toThrow(/invalid database name/);
        await expect(store.createDatabase('x; drop table fx')).rejects.toSatisfy((e) => isStoreError(e, 'invalid_name'));
        expect(await store.databaseExists('fx')).toBe(true);
      });

      it('creating with rows keeps the ids, and the next insert gets max id + 1', async () => {
        const rows = fixtureRows();
        await store.createDatabase('withrows', rows);
        expect(await store.exportRows('withrows')).toEqual([...rows].sort((a, b) => a.id - b.id));
        expect(await store.tenant('withrows').insert({ up: 1, ord: 1, t: CLIENT, val: 'next' })).toBe(1303 + 1);
        await store.dropDatabase('withrows');
      });
    });

    // ---- import / export ------------------------------------------------

    describe('import and export', () => {
      it('import keeps ids, next insert gets max + 1; replace swaps all rows; without replace it is refused', async () => {
        const rows: Row[] = [
          { id: 1, up: 0, ord: 0, t: 1, val: 'a' },
          { id: 5, up: 1, ord: 2, t: 3, val: 'b' },
          { id: 1014, up: 1, ord: 1, t: 18, val: 'c' },
        ];
        await store.importRows('imp', rows);
        expect(await store.exportRows('imp')).toEqual(rows);
        expect(await store.tenant('imp').insert({ up: 1, ord: 0, t: 18, val: 'new' })).toBe(1015);

        await expect(store.importRows('imp', rows)).rejects.toSatisfy((e) => isStoreError(e, 'exists'));

        const replacement: Row[] = [{ id: 7, up: 1, ord: 0, t: 3, val: 'only' }];
        await store.importRows('imp', replacement, { replace: true });
        expect(await store.exportRows('imp')).toEqual(replacement);
        // a replaced table starts counting after its own highest id, like a fresh PHP table
        expect(await store.tenant('imp').insert({ up: 1, ord: 0, t: 3, val: 'after' })).toBe(8);
        await store.dropDatabase('imp');
      });

      it('a failed import (duplicate id) leaves the database unchanged', async () => {
        const original: Row[] = [{ id: 1, up: 0, ord: 0, t: 1, val: 'keep me' }];
        await store.importRows('impfail', original);
        const bad: Row[] = [{ id: 2, up: 1, ord: 0, t: 3, val: 'x' }, { id: 2, up: 1, ord: 0, t: 3, val: 'y' }];
        await expect(store.importRows('impfail', bad, { replace: true })).rejects.toSatisfy(
          (e) => isStoreError(e, 'invalid_rows') && /duplicate id 2/.test((e as Error).message));
        expect(await store.exportRows('impfail')).toEqual(original);
        await store.dropDatabase('impfail');
        await expect(store.importRows('impnew', bad)).rejects.toThrow(/duplicate id 2/);
        expect(await store.databaseExists('impnew')).toBe(false);
      });
    });

    // ---- rows -----------------------------------------------------------

    describe('row operations', () => {
      it('get / find / count / maxOrd / maxId', async () => {
        const t = store.tenant('fx');
        expect(await t.get(1001)).toEqual({ id: 1001, up: 1, ord: 1, t: CLIENT, val: 'Alpha' });
        expect(await t.get(999999)).toBeNull();
        expect(ids(await t.find({ t: CLIENT, up: 1 }))).toEqual([1001, 1002, 1003, 1004, 1005]);
        expect(ids(await t.find({ t: [CLIENT, CITY], val: 'ALPHA' }))).toEqual([1001, 1003]);
        expect(ids(await t.find({ val: ['BETA', 'москва'] }))).toEqual([601, 1002]);
        expect(ids(await t.find({ t: CLIENT, valLike: 'гам%' }))).toEqual([1004, 1005]);
        expect(ids(await t.find({ up: 1001, tGreaterThan: 650 }))).toEqual([1301, 1302]);
        expect(ids(await t.find({ t: SUB, upGreaterThan: 1001 }))).toEqual([1303]);
        expect(ids(await t.find({ id: [] }))).toEqual([]);
        expect(ids(await t.find({ up: 1001, t: SUB }, { orderBy: 'ord,id' }))).toEqual([1302, 1301]);
        expect(ids(await t.find({ t: CLIENT }, { orderBy: 'val,id' }))).toEqual([1001, 1003, 1002, 1004, 1005]);
        expect(ids(await t.find({ t: CLIENT }, { orderBy: 'id', desc: true, limit: 2, offset: 1 }))).toEqual([1004, 1003]);
        expect(await t.count({ t: CLIENT })).toBe(5);
        expect(await t.count({ t: CLIENT, val: 'alpha' })).toBe(2);
        expect(await t.maxOrd({ up: 1001, t: SUB })).toBe(2);
        expect(await t.maxOrd({ up: 424242 })).toBe(0);
        expect(await t.maxId()).toBe(1303);
      });

      it('ids no column can hold (from URLs) match nothing instead of failing', async () => {
        const t = store.tenant('fx');
        for (const bad of [3_000_000_000, 99_999_999_999, 1e30, 1.5, -1e12, Number.NaN]) {
          expect(await t.get(bad)).toBeNull();
          expect(await t.find({ id: bad })).toEqual([]);
          expect(await t.count({ up: [bad, 1001], t: bad })).toBe(0);
          expect(await t.cellsOf([bad])).toEqual([]);
          expect(await t.descendants([bad])).toEqual([]);
          expect(await t.deleteIds([bad])).toBe(0);
          expect(await t.deleteTree(bad)).toBe(0);
          expect(await t.listRecords({ typeId: bad, parent: { kind: 'of', up: bad }, recordId: bad, filters: [
            { column: { kind: 'cell', reqId: bad }, predicate: { op: 'absent' } },
            { column: { kind: 'first' }, predicate: { op: 'idIn', ids: [bad] } },
          ], order: { by: { kind: 'cell', reqId: bad } } })).toEqual([]);
          expect(await t.listPage({ typeId: bad, parent: { kind: 'of', up: bad }, recordId: bad, filters: [
            { column: { kind: 'ref', reqId: bad }, predicate: { op: 'idIn', ids: [bad] } },
          ], order: { by: { kind: 'ref', reqId: bad } } })).toEqual({ records: [], cells: [] });
        }
        expect(ids(await t.find({ id: [1001, 5e9], tGreaterThan: -1e12 }))).toEqual([1001]);
        expect(await t.count({ t: CLIENT, upGreaterThan: 1e12 })).toBe(0);
        expect(await t.shiftOrd({ up: 424242, ordFrom: -1e12, ordTo: 1e12 }, 1)).toBe(0);
      });

      it('insert / update / updateWhere / shiftOrd / deleteIds', async () => {
        await store.createDatabase('rowops');
        const t = store.tenant('rowops');
        const a = await t.insert({ up: 1, ord: 1, t: 3, val: 'a' });
        const b = await t.insert({ up: 1, ord: 2, t: 3, val: 'b' });
        const c = await t.insert({ up: 1, ord: 3, t: 3, val: 'c' });
        expect([b - a, c - b]).toEqual([1, 1]);
        await t.update(a, { val: 'A!', ord: 9 });
        expect(await t.get(a)).toMatchObject({ val: 'A!', ord: 9, up: 1, t: 3 });
        await t.update(a, {});
        expect(await t.updateWhere({ up: 1, val: ['B', 'C'] }, { t: 4 })).toBe(2);
        expect(await t.count({ t: 4 })).toBe(2);
        expect(await t.shiftOrd({ up: 1, ordFrom: 2, ordTo: 3 }, -1)).toBe(2);
        expect((await t.find({ up: 1 })).map((r) => r.ord)).toEqual([9, 1, 2]);
        const many = await t.insertMany([{ up: 2, ord: 0, t: 3, val: 'x' }, { up: 2, ord: 0, t: 3, val: 'y' }]);
        expect(many).toHaveLength(2);
        expect((await t.get(many[1]))?.val).toBe('y');
        // what MySQL strict mode refuses (INT UNSIGNED), both stores refuse
        await expect(t.insert({ up: -1, ord: 0, t: 3, val: 'negative parent' })).rejects.toThrow();
        expect(await t.deleteIds([a, b, 424242])).toBe(2);
        expect(ids(await t.find({}))).toEqual([c, ...many]);
        await store.dropDatabase('rowops');
      });

      it('deleteTree removes the row and everything below it; descendants lists the subtree', async () => {
        await store.createDatabase('tree', [
          { id: 1, up: 1, ord: 0, t: 1, val: 'root with up = itself' },
          { id: 10, up: 1, ord: 1, t: 3, val: 'top' },
          { id: 11, up: 10, ord: 1, t: 3, val: 'child' },
          { id: 12, up: 11, ord: 1, t: 3, val: 'grandchild' },
          { id: 13, up: 12, ord: 1, t: 3, val: 'great-grandchild' },
          { id: 20, up: 1, ord: 2, t: 3, val: 'sibling' },
          { id: 21, up: 20, ord: 1, t: 3, val: 'sibling child' },
        ]);
        const t = store.tenant('tree');
        expect(ids(await t.descendants([10]))).toEqual([11, 12, 13]);
        expect(ids(await t.descendants([10, 20]))).toEqual([11, 12, 13, 21]);
        // row 1 is its own parent: the recursion must still end, and 1 is not its own descendant
        expect(ids(await t.descendants([1]))).toEqual([10, 11, 12, 13, 20, 21]);
        expect(await t.descendants([])).toEqual([]);
        expect(await t.deleteTree(10)).toBe(4);
        expect(ids(await t.find({}))).toEqual([1, 20, 21]);
        await store.dropDatabase('tree');
      });

      it('ids are not reused after deletes', async () => {
        await store.createDatabase('noreuse');
        const t = store.tenant('noreuse');
        const first = await t.insert({ up: 1, ord: 0, t: 3, val: '1' });
        const second = await t.insert({ up: 1, ord: 0, t: 3, val: '2' });
        await t.deleteIds([second]);
        const third = await t.insert({ up: 1, ord: 0, t: 3, val: '3' });
        expect(third).toBe(second + 1);
        await t.deleteIds([first, third]);
        expect(await t.insert({ up: 1, ord: 0, t: 3, val: '4' })).toBe(third + 1);
        // an explicit id above the counter moves it on, like InnoDB
        await t.insert({ id: 500, up: 1, ord: 0, t: 3, val: 'explicit' });
        expect(await t.insert({ up: 1, ord: 0, t: 3, val: 'after explicit' })).toBe(501);
        await store.dropDatabase('noreuse');
      });

      it('stores Cyrillic and emoji, and matches them case-insensitively', async () => {
        await store.createDatabase('unicode');
        const t = store.tenant('unicode');
        const id = await t.insert({ up: 1, ord: 0, t: 3, val: 'тест' });
        const emoji = await t.insert({ up: 1, ord: 0, t: 3, val: 'Привет 😀 мир' });
        expect((await t.get(emoji))?.val).toBe('Привет 😀 мир');
        expect(ids(await t.find({ val: 'ТЕСТ' }))).toEqual([id]);
        expect(ids(await t.find({ val: 'ПРИВЕТ 😀 МИР' }))).toEqual([emoji]);
        expect(ids(await t.find({ valLike: '%😀%' }))).toEqual([emoji]);
        expect(ids(await t.find({ valLike: 'прив%' }))).toEqual([emoji]);
        expect(ids(await t.find({ val: 'Test' }))).toEqual([]);
        // NUL bytes (which Postgres text cannot hold) and U+FFFF round-trip and compare exactly
        const odd = 'a\u0000b\uFFFFc\uFFFF0\u0000';
        const oddId = await t.insert({ up: 1, ord: 0, t: 3, val: odd });
        expect((await t.get(oddId))?.val).toBe(odd);
        expect(ids(await t.find({ val: odd }))).toEqual([oddId]);
        expect(ids(await t.find({ val: 'a\u0000b' }))).toEqual([]);
        expect(ids(await t.find({ valLike: 'a\u0000%' }))).toEqual([oddId]);
        await store.appliance.put('odd', 'x\u0000', { v: odd });
        expect((await store.appliance.get<{ v: string }>('odd', 'x\u0000'))?.body.v).toBe(odd);
        await store.dropDatabase('unicode');
      });

      it('round-trips a value of several MB', async () => {
        await store.createDatabase('bigval');
        const t = store.tenant('bigval');
        const big = 'Ж😀x'.repeat(400_000) + 'z'.repeat(3_000_000); // ~5.4 MB of UTF-8
        const id = await t.insert({ up: 1, ord: 0, t: 3, val: big });
        const back = await t.get(id);
        expect(back?.val.length).toBe(big.length);
        expect(back?.val === big).toBe(true);
        expect(await t.count({ val: big })).toBe(1);
        await store.dropDatabase('bigval');
      }, 60_000);

      it('200 concurrent inserts get 200 distinct ids', async () => {
        await store.createDatabase('concur');
        const t = store.tenant('concur');
        const got = await Promise.all(
          Array.from({ length: 200 }, (_, i) => t.insert({ up: 1, ord: i, t: 3, val: `row ${i}` })));
        expect(new Set(got).size).toBe(200);
        expect(await t.count({})).toBe(200);
        await store.dropDatabase('concur');
      }, 60_000);
    });

    // ---- transactions -----------------------------------------------------

    describe('transactions', () => {
      it('commits on success and rolls back everything when fn throws', async () => {
        await store.createDatabase('txdb', [{ id: 1, up: 0, ord: 0, t: 1, val: 'start' }]);
        const id = await store.transaction('txdb', async (tx) => {
          const n = await tx.insert({ up: 1, ord: 0, t: 3, val: 'committed' });
          await tx.update(1, { val: 'changed' });
          return n;
        });
        expect((await store.tenant('txdb').get(id))?.val).toBe('committed');
        await expect(store.transaction('txdb', async (tx) => {
          await tx.insert({ up: 1, ord: 0, t: 3, val: 'rolled back' });
          await tx.update(1, { val: 'also rolled back' });
          await tx.deleteTree(id);
          throw new Error('boom');
        })).rejects.toThrow('boom');
        const rows = await store.exportRows('txdb');
        expect(rows.map((r) => r.val)).toEqual(['changed', 'committed']);
        await store.dropDatabase('txdb');
      });
    });

    // ---- set-based lists ------------------------------------------------

    describe('listRecords / countRecords / cellsOf', () => {
      const base = (filters: ListFilter[], extra: Partial<ListQuery> = {}): ListQuery => ({
        typeId: CLIENT, parent: { kind: 'root' }, filters, order: { by: 'id' }, ...extra,
      });
      const first: ListColumn = { kind: 'first' };
      const phone: ListColumn = { kind: 'cell', reqId: PHONE };
      const city: ListColumn = { kind: 'ref', reqId: CITY_REF };
      const list = async (column: ListColumn, predicate: ValuePredicate) => {
        const query = base([{ column, predicate }]);
        const rows = ids(await store.tenant('fx').listRecords(query));
        expect(await store.tenant('fx').countRecords(query)).toBe(rows.length);
        return rows;
      };

      it('first column: every predicate, case-insensitive', async () => {
        expect(await list(first, { op: 'eq', value: 'alpha' })).toEqual([1001, 1003]);
        expect(await list(first, { op: 'ne', value: 'alpha' })).toEqual([1002, 1004, 1005]);
        expect(await list(first, { op: 'lt', value: 'b' })).toEqual([1001, 1003]);
        expect(await list(first, { op: 'le', value: 'BETA' })).toEqual([1001, 1002, 1003]);
        expect(await list(first, { op: 'gt', value: 'beta' })).toEqual([1004, 1005]);
        expect(await list(first, { op: 'ge', value: 'ГАММА' })).toEqual([1004, 1005]);
        expect(await list(first, { op: 'like', pattern: 'гам%' })).toEqual([1004, 1005]);
        expect(await list(first, { op: 'notLike', pattern: 'ГАМ%' })).toEqual([1001, 1002, 1003]);
        expect(await list(first, { op: 'in', values: ['BETA', 'гамма'] })).toEqual([1002, 1004]);
        expect(await list(first, { op: 'notIn', values: ['BETA', 'гамма'] })).toEqual([1001, 1003, 1005]);
        expect(await list(first, { op: 'in', values: [] })).toEqual([]);
        expect(await list(first, { op: 'between', low: 'a', high: 'c' })).toEqual([1001, 1002, 1003]);
        expect(await list(first, { op: 'regexp', pattern: '^alp' })).toEqual([1001, 1003]);
        expect(await list(first, { op: 'regexp', pattern: '^alp', negate: true })).toEqual([1002, 1004, 1005]);
        expect(await list(first, { op: 'idIn', ids: [1002, 1004] })).toEqual([1002, 1004]);
        expect(await list(first, { op: 'idIn', ids: [1002, 1004], negate: true })).toEqual([1001, 1003, 1005]);
        expect(await list(first, { op: 'present' })).toEqual([1001, 1002, 1003, 1004, 1005]);
        expect(await list(first, { op: 'absent' })).toEqual([]);
      });

      it('scalar cell: numeric casting like MySQL and missing-cell semantics', async () => {
        // phones: 1001 '12abc', 1002 '7', 1003 none, 1004 'abc', 1005 '100'
        expect(await list(phone, { op: 'eq', value: '12', numeric: true })).toEqual([1001]);
        expect(await list(phone, { op: 'eq', value: '12' })).toEqual([]);
        expect(await list(phone, { op: 'eq', value: 'ABC' })).toEqual([1004]);
        expect(await list(phone, { op: 'gt', value: '10', numeric: true })).toEqual([1001, 1005]);
        expect(await list(phone, { op: 'lt', value: '1', numeric: true })).toEqual([1004]);
        expect(await list(phone, { op: 'le', value: '7', numeric: true })).toEqual([1002, 1004]);
        expect(await list(phone, { op: 'ge', value: '12abc', numeric: true })).toEqual([1001, 1005]);
        expect(await list(phone, { op: 'between', low: '5', high: '20', numeric: true })).toEqual([1001, 1002]);
        expect(await list(phone, { op: 'in', values: ['7', '100.0'], numeric: true })).toEqual([1002, 1005]);
        expect(await list(phone, { op: 'notIn', values: ['7', 'ABC'] })).toEqual([1001, 1003, 1005]);
        expect(await list(phone, { op: 'ne', value: '7' })).toEqual([1001, 1003, 1004, 1005]);
        expect(await list(phone, { op: 'like', pattern: '1%' })).toEqual([1001, 1005]);
        expect(await list(phone, { op: 'notLike', pattern: '1%' })).toEqual([1002, 1003, 1004]);
        expect(await list(phone, { op: 'regexp', pattern: '^[0-9]+$' })).toEqual([1002, 1005]);
        expect(await list(phone, { op: 'regexp', pattern: '^[0-9]+$', negate: true })).toEqual([1001, 1003, 1004]);
        expect(await list(phone, { op: 'present' })).toEqual([1001, 1002, 1004, 1005]);
        expect(await list(phone, { op: 'absent' })).toEqual([1003]);
        expect(await list(phone, { op: 'idIn', ids: [1102] })).toEqual([1002]);
        expect(await list(phone, { op: 'idIn', ids: [1102], negate: true })).toEqual([1001, 1003, 1004, 1005]);
      });

      it('reference column: compares the target value; idIn compares the target id', async () => {
        // cities: 1001 Москва(601), 1002 berlin(602), 1004 Amsterdam(603), 1003/1005 none
        expect(await list(city, { op: 'eq', value: 'МОСКВА' })).toEqual([1001]);
        expect(await list(city, { op: 'ne', value: 'москва' })).toEqual([1002, 1003, 1004, 1005]);
        expect(await list(city, { op: 'like', pattern: '%ER%' })).toEqual([1002, 1004]);
        expect(await list(city, { op: 'notLike', pattern: 'b%' })).toEqual([1001, 1003, 1004, 1005]);
        expect(await list(city, { op: 'lt', value: 'c' })).toEqual([1002, 1004]);
        expect(await list(city, { op: 'le', value: 'BERLIN' })).toEqual([1002, 1004]);
        expect(await list(city, { op: 'gt', value: 'berlin' })).toEqual([1001]);
        expect(await list(city, { op: 'ge', value: 'М' })).toEqual([1001]);
        expect(await list(city, { op: 'between', low: 'a', high: 'c' })).toEqual([1002, 1004]);
        expect(await list(city, { op: 'notIn', values: ['BERLIN'] })).toEqual([1001, 1003, 1004, 1005]);
        expect(await list(city, { op: 'eq', value: '0', numeric: true })).toEqual([1001, 1002, 1004]);
        expect(await list(city, { op: 'regexp', pattern: '^b', negate: true })).toEqual([1001, 1003, 1004, 1005]);
        expect(await list(city, { op: 'in', values: ['BERLIN', 'amsterdam'] })).toEqual([1002, 1004]);
        expect(await list(city, { op: 'idIn', ids: [603] })).toEqual([1004]);
        expect(await list(city, { op: 'idIn', ids: [601], negate: true })).toEqual([1002, 1003, 1004, 1005]);
        expect(await list(city, { op: 'regexp', pattern: 'дам|ams' })).toEqual([1004]);
        expect(await list(city, { op: 'present' })).toEqual([1001, 1002, 1004]);
        expect(await list(city, { op: 'absent' })).toEqual([1003, 1005]);
      });

      it('combines several filters in one query', async () => {
        const query = base([
          { column: first, predicate: { op: 'ne', value: 'beta' } },
          { column: phone, predicate: { op: 'present' } },
          { column: city, predicate: { op: 'notLike', pattern: 'м%' } },
        ]);
        // 1005 has no city: a negated filter matches a missing cell
        expect(ids(await store.tenant('fx').listRecords(query))).toEqual([1004, 1005]);
        expect(await store.tenant('fx').countRecords(query)).toBe(2);
      });

      it('mask groups: one filter of every group must hold (grant masks), in lists, pages and counts', async () => {
        const t = store.tenant('fx');
        const all = ids(await t.listRecords(base([])));
        const query = { ...base([]), maskGroups: [
          [{ column: first, predicate: { op: 'ne', value: 'beta' } }, { column: phone, predicate: { op: 'absent' } }],
          [{ column: city, predicate: { op: 'notLike', pattern: 'м%' } }],
          [],
        ] } satisfies ListQuery;
        const expected: number[] = [];
        for (const id of all) {
          const one = (filters: ListFilter[]) => t.listRecords({ ...base(filters), recordId: id });
          const firstGroup = (await one([{ column: first, predicate: { op: 'ne', value: 'beta' } }])).length + (await one([{ column: phone, predicate: { op: 'absent' } }])).length > 0;
          const secondGroup = (await one([{ column: city, predicate: { op: 'notLike', pattern: 'м%' } }])).length > 0;
          if (firstGroup && secondGroup) expected.push(id);
        }
        expect(expected.length).toBeGreaterThan(0);
        expect(expected.length).toBeLessThan(all.length);
        expect(ids(await t.listRecords(query))).toEqual(expected);
        expect(await t.countRecords(query)).toBe(expected.length);
        expect((await t.listPage({ ...query, limit: 1 })).records.map((r) => r.id)).toEqual(expected.slice(0, 1));
      });

      it('pages of a filtered list (probe per record, stops when the page is full) match the whole list', async () => {
        const t = store.tenant('fx');
        const cases: ListFilter[] = [
          { column: phone, predicate: { op: 'like', pattern: '%1%' } },
          { column: phone, predicate: { op: 'notLike', pattern: '%1%' } },
          { column: city, predicate: { op: 'like', pattern: '%e%' } },
          { column: city, predicate: { op: 'ne', value: 'berlin' } },
          { column: phone, predicate: { op: 'eq', value: 'abc' } },
          { column: phone, predicate: { op: 'absent' } },
        ];
        for (const filter of cases) {
          const all = ids(await t.listRecords(base([filter])));
          const paged: number[] = [];
          for (let offset = 0; offset < 6; offset += 2) paged.push(...ids(await t.listRecords(base([filter], { limit: 2, offset }))));
          expect(paged).toEqual(all);
          const desc = ids(await t.listRecords(base([filter], { order: { by: 'id', desc: true }, limit: 1 })));
          expect(desc).toEqual(all.slice(-1));
        }
      });

      it('orders by first / cell / ref columns, NULLs first ascending, ties by id ascending', async () => {
        const t = store.tenant('fx');
        const order = async (by: ListQuery['order']) => ids(await t.listRecords(base([], { order: by })));
        expect(await order({ by: first })).toEqual([1001, 1003, 1002, 1004, 1005]);
        expect(await order({ by: first, desc: true })).toEqual([1005, 1004, 1002, 1001, 1003]);
        expect(await order({ by: phone, numeric: true })).toEqual([1003, 1004, 1002, 1001, 1005]);
        expect(await order({ by: phone, numeric: true, desc: true })).toEqual([1005, 1001, 1002, 1004, 1003]);
        expect(await order({ by: city })).toEqual([1003, 1005, 1004, 1002, 1001]);
        expect(await order({ by: 'id', desc: true })).toEqual([1005, 1004, 1003, 1002, 1001]);
        expect(ids(await t.listRecords(base([], { order: { by: first }, limit: 2, offset: 1 })))).toEqual([1003, 1002]);
        expect(await t.countRecords(base([], { limit: 2 }))).toBe(5);
        // limits from request input are clamped, never an SQL error
        expect(ids(await t.listRecords(base([], { limit: -5 })))).toEqual([]);
        expect(ids(await t.listRecords(base([], { limit: 1.7, offset: -3 })))).toEqual([1001]);
        expect((await t.listRecords(base([], { limit: Number.NaN, offset: 1e20 })))).toEqual([]);
        expect((await t.find({ t: CLIENT }, { limit: Infinity })).length).toBe(5);
      });

      it('parents and a single record', async () => {
        const t = store.tenant('fx');
        const sub = (parent: ListQuery['parent']) => t.listRecords({ typeId: SUB, parent, filters: [], order: { by: 'ord' } });
        expect(ids(await sub({ kind: 'of', up: 1001 }))).toEqual([1302, 1301]);
        expect(ids(await sub({ kind: 'anyRecordParent' }))).toEqual([1302, 1303, 1301]);
        expect(ids(await sub({ kind: 'root' }))).toEqual([]);
        expect(ids(await t.listRecords(base([], { recordId: 1004 })))).toEqual([1004]);
      });

      it('cellsOf returns child rows with reference targets resolved', async () => {
        const cells = await store.tenant('fx').cellsOf([1001, 1004]);
        expect(cells.map((c) => c.id).sort()).toEqual([1101, 1104, 1201, 1204, 1301, 1302]);
        const ref = cells.find((c) => c.id === 1201);
        expect(ref).toMatchObject({ up: 1001, t: 601, val: String(CITY_REF), targetVal: 'Москва', targetType: CITY });
        expect(await store.tenant('fx').cellsOf([])).toEqual([]);
      });
    });

    listPageContract(() => store);

    // ---- appliance documents --------------------------------------------

    describe('appliance documents', () => {
      const app = () => store.appliance;

      it('put / get / list / delete', async () => {
        await app().put('session', 's1', { user: 'ann', n: 1 }, { ref: 'fam1' });
        await app().put('session', 's2', { user: 'bob' }, { ref: 'fam1' });
        await app().put('session', 's3', { user: 'cid' }, { ref: 'fam2' });
        const s1 = await app().get<{ user: string; n: number }>('session', 's1');
        expect(s1).toMatchObject({ kind: 'session', id: 's1', ref: 'fam1', body: { user: 'ann', n: 1 }, expiresAt: null });
        expect(s1?.createdAt).toBeInstanceOf(Date);
        await app().put('session', 's1', { user: 'ann', n: 2 });
        expect((await app().get<{ n: number }>('session', 's1'))?.body.n).toBe(2);
        expect((await app().list('session', { ref: 'fam1' })).map((d) => d.id)).toEqual(['s2']);
        expect((await app().list('session')).length).toBe(3);
        expect((await app().list('session', { limit: 1 })).length).toBe(1);
        expect(await app().deleteByRef('session', 'fam2')).toBe(1);
        expect(await app().delete('session', 's1')).toBe(true);
        expect(await app().delete('session', 's1')).toBe(false);
        expect(await app().get('session', 'nope')).toBeNull();
      });

      it('create is atomic: of many racing creates exactly one wins', async () => {
        const results = await Promise.all(Array.from({ length: 20 }, (_, i) => app().create('org', 'acme', { i })));
        expect(results.filter(Boolean)).toHaveLength(1);
        expect(await app().create('org', 'acme', {})).toBe(false);
      });

      it('increment is atomic and counts from 0', async () => {
        const values = await Promise.all(Array.from({ length: 50 }, () => app().increment('counter', 'hits', 1)));
        expect(Math.max(...values)).toBe(50);
        expect(new Set(values).size).toBe(50);
        expect(await app().increment('counter', 'hits', 5)).toBe(55);
      });

      it('expired documents are absent; deleteExpired removes them; expired counters restart', async () => {
        const past = new Date(Date.now() - 1000);
        const future = new Date(Date.now() + 3_600_000);
        await app().put('tmp', 'old', { a: 1 }, { expiresAt: past });
        await app().put('tmp', 'live', { a: 2 }, { expiresAt: future });
        expect(await app().get('tmp', 'old')).toBeNull();
        expect((await app().get('tmp', 'live'))?.expiresAt?.getTime()).toBe(future.getTime());
        expect((await app().list('tmp')).map((d) => d.id)).toEqual(['live']);
        expect(await app().create('tmp', 'old', { a: 3 })).toBe(true);
        await app().put('tmp', 'old2', {}, { expiresAt: past });
        expect(await app().deleteExpired()).toBe(1);
        await app().put('rate', 'ip', 7, { expiresAt: past });
        expect(await app().increment('rate', 'ip', 1, { expiresAt: future })).toBe(1);
        expect(await app().increment('rate', 'ip', 1, { expiresAt: new Date(Date.now() + 10) })).toBe(2);
        expect((await app().get('rate', 'ip'))?.expiresAt?.getTime()).toBe(future.getTime());
      });

      it('exportDocs gives every live document; importDocs puts them back as they were, all or none', async () => {
        const future = new Date(Date.now() + 3_600_000);
        await app().put('copy', 'a', { n: 1, text: 'Склад — ✓' }, { ref: 'r1', expiresAt: future });
        await app().put('copy', 'b', [1, 2]);
        await app().put('copy', 'gone', {}, { expiresAt: new Date(Date.now() - 1000) });
        const docs = (await app().exportDocs()).filter((d) => d.kind === 'copy');
        expect(docs.map((d) => d.id)).toEqual(['a', 'b']);
        await app().delete('copy', 'a');
        await app().delete('copy', 'b');
        await app().importDocs(docs);
        const again = (await app().exportDocs()).filter((d) => d.kind === 'copy');
        expect(again).toEqual(docs);
        // one document that exists fails the whole import
        await app().delete('copy', 'b');
        await expect(app().importDocs(docs)).rejects.toThrow();
        expect(await app().get('copy', 'b')).toBeNull();
      });
    });

    // ---- locks, ping, migrations ----------------------------------------

    describe('locks, ping, reopen', () => {
      it('withLock excludes a second holder and frees the lock afterwards', async () => {
        let release!: () => void;
        const held = new Promise<void>((resolve) => { release = resolve; });
        const first = store.withLock('job:backup', async () => { await held; return 'first'; });
        await new Promise((r) => setTimeout(r, 50));
        expect(await store.withLock('job:backup', async () => 'second')).toBeNull();
        expect(await store.withLock('job:other', async () => 'other')).toBe('other');
        release();
        expect(await first).toBe('first');
        expect(await store.withLock('job:backup', async () => 'third')).toBe('third');
        await expect(store.withLock('job:backup', async () => { throw new Error('fails'); })).rejects.toThrow('fails');
        expect(await store.withLock('job:backup', async () => 'after failure')).toBe('after failure');
      });

      it('ping returns a latency in ms', async () => {
        const ms = await store.ping();
        expect(ms).toBeGreaterThanOrEqual(0);
        expect(ms).toBeLessThan(5000);
      });

      it('reopening runs no migration twice and keeps the data', async () => {
        const version = store.info.schemaVersion;
        expect(version).toBeGreaterThanOrEqual(1);
        await store.close();
        store = await harness.open();
        expect(store.info.schemaVersion).toBe(version);
        expect(await store.tenant('fx').count({ t: CLIENT })).toBe(5);
        expect(await store.tenant('fx').insert({ up: 1, ord: 1, t: 3, val: 'after reopen' })).toBe(1304);
        await store.tenant('fx').deleteIds([1304]);
      }, 120_000);
    });
  });
}
