/**
 * Contract of TenantStore.listPage: one statement that returns exactly what listRecords and
 * then cellsOf(records' ids) return. Part of the storage contract suite (contract.ts), so it
 * runs on every driver. The data is generated (seeded) so that orders and filters meet ties,
 * missing and duplicate cells, references to metadata or vanished rows, texts whose order
 * differs between code points and the Unicode collation, and records under several parents.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ListColumn, ListFilter, ListOrder, ListParent, ListQuery, Row, Store, TenantStore } from '../../../server/storage/types.js';

const DB = 'lp';
const TABLE = 800; // the listed type
const TEXT = 801; // scalar column
const AMOUNT = 802; // scalar column holding numbers (and text that is not one)
const LINK = 803; // reference column → TARGET
const SUB = 850; // subordinate type under TABLE records
const TARGET = 900; // referenced type
const HOLDER = 950; // a parent type whose records hold TABLE records
const BARE = 960; // a type without columns
const NOBODY = 970; // a type without records

/** texts whose order differs between code points and unicode_ci / ICU ('é' < 'f', 'ß', Cyrillic, case) */
const WORDS = ['alpha', 'Alpha', 'éclair', 'fig', 'Fig', 'Гамма', 'гамма', 'ёж', '10', '9', '', 'b_c', 'b%c', 'zeta', 'ß', 'abc'];
/** texts that must cross every transport unchanged (NUL, PGlite's escape character, JSON specials, astral) */
const ODD = ['a\u0000b\uFFFFc\uFFFF0\u0000', '"quoted" \\ back\\slash', 'line\nbreak\ttab\u0001', '😀 \u2028 </script>'];
const AMOUNTS = ['12abc', '7', '', 'abc', '-3', '1e3', '100', '7.5', '0'];

/** a small deterministic generator: the data must be the same on every driver and run */
function random(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  return {
    chance: (p: number) => next() < p,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)],
  };
}

export interface ListPageData {
  rows: Row[];
  tableIds: number[];
  holderIds: number[];
  targetIds: number[];
}

export function listPageRows(seed = 20261126): ListPageData {
  const rnd = random(seed);
  const rows: Row[] = [];
  const row = (id: number, up: number, ord: number, t: number, val: string) => rows.push({ id, up, ord, t, val });
  // metadata as the engine lays it out (up = 0 type rows, requisites under the type)
  row(1, 1, 0, 1, 'root');
  row(3, 0, 0, 3, 'SHORT');
  row(13, 0, 0, 13, 'NUMBER');
  row(TABLE, 0, 0, 3, 'Table');
  row(TEXT, TABLE, 1, 3, '');
  row(AMOUNT, TABLE, 2, 13, '');
  row(LINK, TABLE, 3, 810, '');
  row(810, 0, 0, TARGET, '');
  row(SUB, TABLE, 4, 3, 'Sub');
  row(TARGET, 0, 0, 3, 'Target');
  row(HOLDER, 0, 0, 3, 'Holder');
  row(BARE, 0, 0, 3, 'Bare');
  row(NOBODY, 0, 0, 3, 'Nobody');
  let id = 2000;
  const targetIds: number[] = [];
  for (let i = 0; i < 8; i++) {
    targetIds.push(id);
    row(id++, 1, 1, TARGET, rnd.pick(WORDS));
  }
  const holderIds: number[] = [];
  for (let i = 0; i < 3; i++) {
    holderIds.push(id);
    row(id++, 1, 1, HOLDER, `holder ${i}`);
  }
  for (let i = 0; i < 4; i++) row(id++, 1, 1, BARE, rnd.pick(WORDS));
  // odd texts in records, cells and reference targets
  const oddTarget = id;
  row(id++, 1, 1, TARGET, ODD[0]);
  targetIds.push(oddTarget);
  ODD.forEach((val, i) => {
    const rec = id++;
    row(rec, 1, 1, TABLE, val);
    row(id++, rec, 1, TEXT, ODD[(i + 1) % ODD.length]);
    row(id++, rec, 3, oddTarget, String(LINK));
  });
  const tableIds: number[] = [];
  const subIds: number[] = [];
  for (let i = 0; i < 45; i++) {
    const rec = id++;
    tableIds.push(rec);
    // most at the root, some under a holder record (parent kinds 'of' and 'anyRecordParent')
    row(rec, rnd.chance(0.75) ? 1 : rnd.pick(holderIds), rnd.int(1, 4), TABLE, rnd.pick(WORDS));
    if (rnd.chance(0.75)) row(id++, rec, rnd.int(1, 2), TEXT, rnd.pick(WORDS));
    if (rnd.chance(0.15)) row(id++, rec, rnd.int(1, 2), TEXT, rnd.pick(WORDS)); // a second cell of the column
    if (rnd.chance(0.7)) row(id++, rec, 2, AMOUNT, rnd.pick(AMOUNTS));
    if (rnd.chance(0.65)) {
      // mostly a real target; sometimes a metadata row or an id nothing has (targetVal null)
      const target = rnd.chance(0.85) ? rnd.pick(targetIds) : rnd.pick([TEXT, 3, 99_999]);
      row(id++, rec, 3, target, String(LINK));
    }
    for (let s = rnd.int(0, 2); s > 0; s--) {
      const sub = id++;
      subIds.push(sub);
      row(sub, rec, rnd.int(1, 3), SUB, rnd.pick(WORDS));
      if (rnd.chance(0.5)) row(id++, sub, 1, TEXT, rnd.pick(WORDS));
    }
  }
  return { rows, tableIds, holderIds, targetIds };
}

const text: ListColumn = { kind: 'cell', reqId: TEXT };
const amount: ListColumn = { kind: 'cell', reqId: AMOUNT };
const link: ListColumn = { kind: 'ref', reqId: LINK };
const first: ListColumn = { kind: 'first' };

export function listPageContract(getStore: () => Store): void {
  describe('listPage (one statement for listRecords + cellsOf)', () => {
    let data: ListPageData;
    let t: TenantStore;

    beforeAll(async () => {
      data = listPageRows();
      await getStore().createDatabase(DB, data.rows);
      t = getStore().tenant(DB);
    });

    const query = (extra: Partial<ListQuery> = {}): ListQuery => ({
      typeId: TABLE, parent: { kind: 'root' }, filters: [], order: { by: 'id' }, ...extra,
    });

    /** listPage equals listRecords + cellsOf, deeply and in order; returns it */
    async function expectSamePage(q: ListQuery) {
      const page = await t.listPage(q);
      const records = await t.listRecords(q);
      const cells = await t.cellsOf(records.map((r) => r.id));
      expect({ query: q, ...page }).toEqual({ query: q, records, cells });
      return page;
    }

    it('a root list: records in page order, every child row of them with reference targets', async () => {
      const page = await expectSamePage(query({ limit: 20 }));
      expect(page.records.length).toBe(20);
      expect(page.cells.length).toBeGreaterThan(20);
      // cells by (up, ord, id), not grouped by page order; sub-records are child rows too
      expect(page.cells.some((c) => c.t === SUB)).toBe(true);
      expect(page.cells.some((c) => c.targetVal !== null && c.targetType === TARGET)).toBe(true);
      expect(page.cells.some((c) => c.val === String(LINK) && c.targetVal === null)).toBe(true);
      // the whole list, no limit
      expect((await expectSamePage(query())).records.length).toBe(data.rows.filter((r) => r.t === TABLE && r.up === 1).length);
    });

    it('texts cross unchanged: NUL, the PGlite escape character, JSON specials, astral characters', async () => {
      const page = await expectSamePage(query({ filters: [{ column: first, predicate: { op: 'in', values: ODD } }] }));
      expect(page.records.map((r) => r.val).sort()).toEqual([...ODD].sort());
      expect(page.cells.filter((c) => c.t === TEXT).map((c) => c.val).sort()).toEqual([...ODD].sort());
      expect(page.cells.filter((c) => c.val === String(LINK)).map((c) => c.targetVal)).toEqual(ODD.map(() => ODD[0]));
    });

    it('parents: of one record, any record parent, and a single record', async () => {
      for (const holder of data.holderIds) await expectSamePage(query({ parent: { kind: 'of', up: holder } }));
      expect((await expectSamePage(query({ parent: { kind: 'anyRecordParent' } }))).records.length).toBeGreaterThan(0);
      await expectSamePage(query({ parent: { kind: 'anyRecordParent' }, order: { by: 'id', desc: true }, limit: 3 }));
      await expectSamePage({ typeId: SUB, parent: { kind: 'anyRecordParent' }, filters: [], order: { by: 'ord' } });
      await expectSamePage({ typeId: SUB, parent: { kind: 'of', up: data.tableIds[0] }, filters: [], order: { by: 'ord' } });
      await expectSamePage(query({ recordId: data.tableIds[3] }));
    });

    it('filters: positive, negated, on a reference, combined, paged', async () => {
      const filters: ListFilter[][] = [
        [{ column: text, predicate: { op: 'like', pattern: '%a%' } }],
        [{ column: text, predicate: { op: 'notLike', pattern: '%a%' } }],
        [{ column: text, predicate: { op: 'eq', value: 'ALPHA' } }],
        [{ column: amount, predicate: { op: 'gt', value: '7', numeric: true } }],
        [{ column: amount, predicate: { op: 'absent' } }],
        [{ column: link, predicate: { op: 'eq', value: 'FIG' } }],
        [{ column: link, predicate: { op: 'ne', value: 'fig' } }],
        [{ column: link, predicate: { op: 'idIn', ids: data.targetIds.slice(0, 3) } }],
        [{ column: first, predicate: { op: 'regexp', pattern: '^[a-f]' } }],
        [{ column: first, predicate: { op: 'ne', value: 'alpha' } }, { column: link, predicate: { op: 'present' } }],
      ];
      for (const f of filters) {
        const all = await expectSamePage(query({ filters: f }));
        expect(all.records.length).toBeGreaterThan(0);
        await expectSamePage(query({ filters: f, limit: 2, offset: 1 }));
        await expectSamePage(query({ filters: f, order: { by: link, desc: true }, limit: 3 }));
      }
    });

    it('orders: id, ord, first / cell / ref columns, text and numeric, ascending and descending', async () => {
      const orders: ListOrder[] = [
        { by: 'id' }, { by: 'id', desc: true }, { by: 'ord' }, { by: 'ord', desc: true },
        { by: first }, { by: first, desc: true }, { by: first, numeric: true }, { by: first, numeric: true, desc: true },
        { by: text }, { by: text, desc: true }, { by: amount, numeric: true }, { by: amount, numeric: true, desc: true },
        { by: amount }, { by: link }, { by: link, desc: true }, { by: link, numeric: true },
      ];
      for (const order of orders) {
        await expectSamePage(query({ order }));
        await expectSamePage(query({ order, limit: 5, offset: 7 }));
      }
      // 'éclair' < 'fig' under the collation, not in code points: the outer sort keeps it
      const words = (await t.listPage(query({ order: { by: first } }))).records.map((r) => r.val.toLowerCase());
      expect(words.indexOf('éclair')).toBeLessThan(words.indexOf('fig'));
    });

    it('empty pages: offset past the end, limit 0, a type without records; a type without columns', async () => {
      expect(await expectSamePage(query({ offset: 10_000, limit: 20 }))).toEqual({ records: [], cells: [] });
      expect(await expectSamePage(query({ limit: 0 }))).toEqual({ records: [], cells: [] });
      expect(await expectSamePage(query({ typeId: NOBODY }))).toEqual({ records: [], cells: [] });
      expect(await expectSamePage(query({ filters: [{ column: first, predicate: { op: 'in', values: [] } }] }))).toEqual({ records: [], cells: [] });
      const bare = await expectSamePage(query({ typeId: BARE, order: { by: first, desc: true } }));
      expect(bare.cells).toEqual([]);
      expect(bare.records.length).toBe(4);
      // request input is clamped as in listRecords; impossible ids match nothing
      await expectSamePage(query({ limit: -5 }));
      await expectSamePage(query({ limit: 1.7, offset: -3 }));
      await expectSamePage(query({ limit: Number.NaN, offset: 1e20 }));
      expect(await t.listPage({ typeId: 3_000_000_000, parent: { kind: 'of', up: 1e30 }, recordId: 1.5, filters: [], order: { by: 'id' } }))
        .toEqual({ records: [], cells: [] });
    });

    it('random queries give the same page as listRecords + cellsOf', async () => {
      const column = fc.constantFrom<ListColumn>(first, text, amount, link);
      const filter: fc.Arbitrary<ListFilter> = fc.oneof(
        fc.record({ column, predicate: fc.record({ op: fc.constantFrom('eq' as const, 'ne' as const, 'lt' as const, 'ge' as const), value: fc.constantFrom(...WORDS, ...AMOUNTS), numeric: fc.boolean() }) }),
        fc.record({ column, predicate: fc.record({ op: fc.constantFrom('like' as const, 'notLike' as const), pattern: fc.constantFrom('%a%', 'f%', '%', '_', 'Г%') }) }),
        fc.record({ column, predicate: fc.constantFrom({ op: 'present' as const }, { op: 'absent' as const }) }),
        fc.record({ column, predicate: fc.record({ op: fc.constant('idIn' as const), ids: fc.array(fc.integer({ min: 2000, max: 2300 }), { maxLength: 6 }), negate: fc.boolean() }) }),
      );
      const parent: fc.Arbitrary<ListParent> = fc.oneof(
        fc.constant<ListParent>({ kind: 'root' }),
        fc.constant<ListParent>({ kind: 'anyRecordParent' }),
        fc.constantFrom(...data.holderIds, ...data.tableIds.slice(0, 5)).map((up): ListParent => ({ kind: 'of', up })),
      );
      const order: fc.Arbitrary<ListOrder> = fc.record({
        by: fc.constantFrom<ListOrder['by']>('id', 'ord', first, text, amount, link), desc: fc.boolean(), numeric: fc.boolean(),
      });
      const listQuery: fc.Arbitrary<ListQuery> = fc.record({
        typeId: fc.constantFrom(TABLE, TABLE, TABLE, SUB, TARGET, BARE),
        parent,
        filters: fc.array(filter, { maxLength: 2 }),
        order,
        limit: fc.option(fc.integer({ min: 0, max: 12 }), { nil: undefined }),
        offset: fc.option(fc.integer({ min: 0, max: 40 }), { nil: undefined }),
      });
      await fc.assert(fc.asyncProperty(listQuery, async (q) => { await expectSamePage(q); }), { numRuns: 150, seed: 4242 });
    }, 120_000);
  });
}
