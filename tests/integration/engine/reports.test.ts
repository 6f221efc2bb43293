/**
 * The report compiler beyond the recording, on PGlite and MariaDB: the database of reports.jsonl
 * (replayed to build it), then more reports and requests — WHERE and HAVING through the grammar,
 * GROUP_CONCAT, ROUND, YEAR, division by zero, case-insensitive text, totals, ORDER, RECORD_COUNT —
 * and hostile WHERE/filter texts, which answer an error (or nothing) and change no row.
 * The last test checks that both stores gave exactly the same answers.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLegacyServer, type LegacyServer } from '../../support/legacy.js';
import { TEST_STORES, type TestStore } from '../../support/stores.js';
import { loadExchanges, loadRows, replay } from '../../golden/replay.js';
import { forbiddenChanges } from '../fuzz/snapshots.js';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { URL_REFUSED } from '../../../server/engine/report-plan.js';

const ids = JSON.parse(readFileSync(new URL('../../golden/fixtures/reports.ids.json', import.meta.url), 'utf8')) as Record<string, number>;

interface Answer {
  status: number;
  json: unknown;
}

/** every answer of the shared cases, per store, for the comparison at the end */
const answersByStore = new Map<string, Record<string, Answer>>();
/** what each shared case asked, to name a difference */
const cases = new Map<string, string>();

for (const factory of TEST_STORES) {
  describe.skipIf(!factory.enabled)(`reports on ${factory.name}`, () => {
    let server: LegacyServer;
    let opened: TestStore;
    let token = '';
    let xsrf = '';
    const answers: Record<string, Answer> = {};

    const call = async (method: 'GET' | 'POST', path: string, form?: Record<string, string>, as = token): Promise<Answer> => {
      const res = await fetch(`${server.url}/rep1/${path}`, {
        method,
        headers: { 'X-Authorization': as, ...(form ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}) },
        body: form ? new URLSearchParams({ _xsrf: xsrf, ...form }).toString() : undefined,
      });
      const text = await res.text();
      return { status: res.status, json: JSON.parse(text) as unknown };
    };
    /** a shared case: its answer is compared between the stores */
    const run = async (name: string, path: string): Promise<Answer> => {
      cases.set(name, decodeURIComponent(path));
      const a = await call('GET', path);
      answers[name] = a;
      return a;
    };
    const newReport = async (name: string, params: Record<string, string>, columns: { source: number; set: Record<string, string> }[]): Promise<number> => {
      const report = Number(((await call('POST', '_m_new/22?JSON', { t22: name, up: '1' })).json as { id: number }).id);
      if (Object.keys(params).length) await call('POST', `_m_set/${report}?JSON`, params);
      for (const column of columns) {
        const id = Number(((await call('POST', '_m_new/28?JSON', { t28: String(column.source), up: String(report) })).json as { id: number }).id);
        await call('POST', `_m_set/${id}?JSON`, column.set);
      }
      return report;
    };

    beforeAll(async () => {
      opened = await factory.open();
      await opened.store.importRows('rep1', loadRows('reports-start-rows.json'));
      server = await startLegacyServer(() => opened.store);
      const { mismatches } = await replay(server.url, loadExchanges('reports.jsonl'));
      expect(mismatches).toEqual([]);
      const login = await fetch(`${server.url}/rep1/auth?JSON`, {
        method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'login=tester&pwd=tester-pass-1',
      });
      const body = (await login.json()) as { token: string; _xsrf: string };
      token = body.token;
      xsrf = body._xsrf;
    }, 180_000);
    afterAll(async () => {
      await server?.close();
      await opened?.cleanup();
    }, 120_000);

    it('request WHERE through the grammar: comparisons, IS NULL, IN, BETWEEN, LIKE, case-insensitive text', async () => {
      const base = `report/${ids.rep_join}?JSON_KV`;
      const orderNos = async (name: string, where: string) => ((await run(name, `${base}&WHERE=${encodeURIComponent(where)}`)).json as { order_no: string }[]).map((r) => r.order_no);
      expect(await orderNos('where_and', "amount > 100 AND city = 'MOSCOW'")).toEqual(['ORD-001']);
      expect(await orderNos('where_null', 'city IS NULL')).toEqual(['ORD-008']);
      expect(await orderNos('where_in', "client IN ('bob', 'Dave')")).toEqual(['ORD-003', 'ORD-005', 'ORD-006']);
      expect(await orderNos('where_between', 'amount BETWEEN 60 AND 120.5')).toEqual(['ORD-001', 'ORD-002', 'ORD-007']);
      expect(await orderNos('where_like', "NOT client LIKE '%a%' OR amount >= 999")).toEqual(['ORD-003', 'ORD-005', 'ORD-006', 'ORD-008']);
      expect(await orderNos('where_quote', "city = 'x'' OR 1=1 --'")).toEqual([]);
      // FR_ values are parameters too
      expect(((await run('fr_quote', `${base}&FR_city=${encodeURIComponent("' OR 1=1 --")}`)).json as unknown[]).length).toBe(0);
      expect(((await run('fr_case', `${base}&FR_client=ALICE`)).json as unknown[]).length).toBe(3);
    });

    it('JSON_KV names the report in its headers and its file name', async () => {
      const res = await fetch(`${server.url}/rep1/report/${ids.rep_calc}?JSON_KV`, { headers: { 'X-Authorization': token } });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-query-id')).toBe(String(ids.rep_calc));
      expect(res.headers.get('x-query-name')).toBe('orders_calc');
      expect(res.headers.get('content-disposition')).toBe('attachment;filename=orders_calc.json');
      await res.text();
    });

    it('ORDER on text descending, ties by id; RECORD_COUNT with a filter; ad-hoc totals', async () => {
      const sorted = (await run('order_text', `report/${ids.rep_join}?JSON_KV&ORDER=-${ids.rep_join_col_client}`)).json as { order_no: string }[];
      expect(sorted.map((r) => r.order_no)).toEqual(['ORD-008', 'ORD-006', 'ORD-004', 'ORD-003', 'ORD-005', 'ORD-001', 'ORD-002', 'ORD-007']);
      expect((await run('count_filtered', `report/${ids.rep_join}?JSON&RECORD_COUNT&FR_city=Moscow`)).json).toEqual({ count: '4' });
      const totals = (await run('totals', `report/${ids.rep_join}?JSON&TOTALS=${ids.rep_join_col_amount}:AVG,${ids.rep_join_col_order}:COUNT`)).json as { columns: { name: string; totals: string }[] };
      expect(Object.fromEntries(totals.columns.map((c) => [c.name, c.totals]))).toEqual({
        order_no: '8', client: '', city: '', amount: '219.4675', order_date: '',
      });
      // a column named by its name is not found, as the engine's TOTALS (recorded in rep-corners): no totals at all
      const byName = (await run('totals_by_name', `report/${ids.rep_join}?JSON&TOTALS=order_no:COUNT`)).json as { columns: Record<string, unknown>[] };
      expect(byName.columns.some((c) => 'totals' in c)).toBe(false);
    });

    it('grouping with GROUP_CONCAT, HAVING over the result, MIN/MAX', async () => {
      const report = await newReport('by_client_concat', { t263: 'orders > 1' }, [
        { source: ids.Order_Client, set: { t100: 'client' } },
        { source: ids.Order, set: { t100: 'orders', t104: '74' } },
        { source: ids.Order, set: { t100: 'list', t104: '235' } },
        { source: ids.Order_Amount, set: { t100: 'smallest', t104: '76' } },
        { source: ids.Order_Amount, set: { t100: 'largest', t104: '75' } },
      ]);
      expect((await run('having', `report/${report}?JSON_KV`)).json).toEqual([
        { client: 'Alice', orders: '3', list: 'ORD-001,ORD-002,ORD-007', smallest: '60.00', largest: '120.50' },
        { client: 'Bob', orders: '2', list: 'ORD-003,ORD-005', smallest: '150.00', largest: '300.00' },
      ]);
    });

    it('MIN/MAX of text follow the case-insensitive order on both stores', async () => {
      await call('POST', `_m_new/${ids.Client}?JSON`, { up: '1', [`t${ids.Client}`]: 'aaron' });
      const report = await newReport('client_range', {}, [
        { source: ids.Client, set: { t100: 'first', t104: '76' } },
        { source: ids.Client, set: { t100: 'last', t104: '75' } },
      ]);
      expect((await run('text_min_max', `report/${report}?JSON_KV`)).json).toEqual([{ first: 'aaron', last: 'Eve' }]);
    });

    it('grouping puts text differing only in case in one group on both stores', async () => {
      const visit = Number(((await call('POST', '_d_new?JSON', { val: 'Visit', t: '3' })).json as { obj: number }).obj);
      const who = Number(((await call('POST', '_d_new?JSON', { val: 'Who', t: '3' })).json as { obj: number }).obj);
      const whoReq = Number(((await call('POST', `_d_req/${visit}?JSON`, { t: String(who) })).json as { id: number }).id);
      for (const [name, person] of [['v1', 'alice'], ['v2', 'ALICE'], ['v3', 'Bob'], ['v4', 'alice']]) {
        await call('POST', `_m_new/${visit}?JSON`, { up: '1', [`t${visit}`]: name, [`t${whoReq}`]: person });
      }
      const report = await newReport('visits', {}, [
        { source: whoReq, set: { t100: 'who' } },
        { source: visit, set: { t100: 'visits', t104: '74' } },
      ]);
      const rows = (await run('case_groups', `report/${report}?JSON_KV`)).json as { who: string; visits: string }[];
      expect(rows.map((r) => [r.who.toLowerCase(), r.visits])).toEqual([['alice', '3'], ['bob', '1']]);
    });

    it('formulas: ROUND, YEAR, division by zero, [THIS] with an alias', async () => {
      const report = await newReport('calc_more', { t134: '3' }, [
        { source: ids.Order, set: { t100: 'order_no' } },
        { source: ids.Order_Amount, set: { t100: 'amount', t101: 'amt' } },
        { source: 0, set: { t100: 'third', t101: 'ROUND(amt / 3, 2)' } },
        { source: 0, set: { t100: 'by_zero', t101: 'amt / 0' } },
        { source: ids.Order_Date, set: { t100: 'year', t104: '142' } },
        { source: ids.Order, set: { t100: 'upper_len', t101: 'LENGTH(UPPER([THIS])) * 2' } },
      ]);
      // YEAR keeps the DATE format of its column, as the recorded MONTH does: "..2024"
      expect((await run('formulas', `report/${report}?JSON_KV`)).json).toEqual([
        { order_no: 'ORD-001', amount: '120.50', third: '40.17', by_zero: '', year: '..2024', upper_len: '14' },
        { order_no: 'ORD-002', amount: '80.00', third: '26.67', by_zero: '', year: '..2024', upper_len: '14' },
        { order_no: 'ORD-003', amount: '300.00', third: '100', by_zero: '', year: '..2024', upper_len: '14' },
      ]);
    });

    it('a subordinate table joins under its parent record (orders without lines keep one row)', async () => {
      const id = (a: Answer) => Number((a.json as { obj?: number; id?: number }).obj ?? (a.json as { id: number }).id);
      const line = id(await call('POST', '_d_new?JSON', { val: 'Line', t: '3' }));
      const product = id(await call('POST', '_d_new?JSON', { val: 'Product', t: '3' }));
      const productReq = Number(((await call('POST', `_d_req/${line}?JSON`, { t: String(product) })).json as { id: number }).id);
      await call('POST', `_d_req/${ids.Order}?JSON`, { t: String(line) });
      for (const [order, name, item] of [[ids['order_ORD-001'], 'L1', 'Pen'], [ids['order_ORD-001'], 'L2', 'Ink'], [ids['order_ORD-003'], 'L3', 'Pad']] as const) {
        await call('POST', `_m_new/${line}?JSON`, { up: String(order), [`t${line}`]: name, [`t${productReq}`]: item });
      }
      const report = await newReport('order_lines', { t134: '4' }, [
        { source: ids.Order, set: { t100: 'order_no' } },
        { source: line, set: { t100: 'line' } },
        { source: productReq, set: { t100: 'product' } },
      ]);
      expect((await run('subordinate', `report/${report}?JSON_KV`)).json).toEqual([
        { order_no: 'ORD-001', line: 'L1', product: 'Pen' },
        { order_no: 'ORD-001', line: 'L2', product: 'Ink' },
        { order_no: 'ORD-002', line: '', product: '' },
        { order_no: 'ORD-003', line: 'L3', product: 'Pad' },
      ]);
    });

    it('a value the database cannot compute answers a report error, not a 500', async () => {
      const report = await newReport('overflow', {}, [
        { source: ids.Order_Amount, set: { t100: 'amount', t101: 'amt' } },
        { source: 0, set: { t100: 'huge', t101: 'amt * 1e308 * 10' } },
        { source: 0, set: { t100: 'places', t101: 'ROUND(amt, 99999999999)' } },
      ]);
      const a = await run('overflow', `report/${report}?JSON_KV`);
      expect(a).toEqual({ status: 200, json: [{ amount: 'Ошибка в отчёте overflow: значение не вычисляется (число вне диапазона или не число)', huge: '', places: '' }] });
      const places = await run('places', `report/${report}?JSON_DATA&WHERE=${encodeURIComponent('amt < 0')}`);
      expect(places).toEqual({ status: 200, json: { amount: [], huge: [], places: [] } });
    });

    it('aggregates where no database computes them answer a report error naming the place', async () => {
      const report = await newReport('nested', {}, [
        { source: ids.Order_Client, set: { t100: 'client' } },
        { source: ids.Order_Amount, set: { t100: 'total', t101: 'SUM([THIS])' } },
        { source: ids.Order_Amount, set: { t100: 'doubled', t101: 'SUM([THIS])', t104: '73' } },
      ]);
      const nested = (await run('nested', `report/${report}?JSON_KV`)).json;
      expect(nested).toEqual([{ client: 'Ошибка в отчёте nested: колонка doubled: агрегатная функция внутри агрегатной', total: '', doubled: '' }]);
      const mixed = await newReport('mixed', {}, [
        { source: ids.Order_Amount, set: { t100: 'amount', t101: 'amt' } },
        { source: ids.Order_Qty, set: { t100: 'qty', t101: 'qn' } },
        { source: 0, set: { t100: 'odd', t101: 'SUM(amt) + qn' } },
      ]);
      expect((await run('mixed', `report/${mixed}?JSON_KV`)).json).toEqual([
        { amount: 'Ошибка в отчёте mixed: колонка odd: значение строки рядом с агрегатной функцией', qty: '', odd: '' },
      ]);
      const where = (await run('where_sum', `report/${ids.rep_group}?JSON_KV&WHERE=${encodeURIComponent('SUM(total_amount) > 1')}`)).json;
      expect(JSON.stringify(where)).toContain('агрегатная функция в WHERE или в фильтре колонки');
      const filter = (await run('filter_sum', `report/${report}?JSON_KV&FR_total=%3E1`)).json as Record<string, string>[];
      expect(filter[0].client).toMatch(/агрегатная функция в WHERE или в фильтре колонки/);
    });

    it('random WHERE texts never give a 5xx nor any SQL', async () => {
      const pieces = ['amount', 'city', 'client', 'order_no', "'Moscow'", '1', '2.5', '=', '<>', '>', '(', ')', ',', 'AND', 'OR', 'NOT',
        'LIKE', "'%o%'", 'IN', 'IS', 'NULL', 'BETWEEN', '+', '*', '/', '-', 'ROUND', 'LOWER', 'SUM', 'COUNT', '*', ';', '--', "'", '"', '`', '\\', '\u0000'];
      const texts = fc.sample(fc.array(fc.oneof(fc.constantFrom(...pieces), fc.string({ maxLength: 4 })), { maxLength: 12 }).map((p) => p.join(' ')), { numRuns: 150, seed: 4242 });
      for (const where of texts) {
        const a = await call('GET', `report/${ids.rep_join}?JSON_KV&WHERE=${encodeURIComponent(where)}`);
        expect(a.status, where).toBeLessThan(500);
        expect(JSON.stringify(a.json), where).not.toMatch(/Couldn't execute|\bSELECT\b|Internal error/);
      }
    });

    it('random expressions of the grammar, as a WHERE and as a formula, never give a 5xx', async () => {
      const { expr } = fc.letrec((tie) => ({
        expr: fc.oneof(
          { depthSize: 'small', withCrossShrink: true },
          fc.constantFrom('amount', 'city', 'client', 'order_no', 'order_date', "'Moscow'", "'%o%'", '0', '1', '2.5', '-3', 'NULL', "'12abc'", "''"),
          fc.tuple(tie('expr'), fc.constantFrom('=', '<>', '<', '>=', '+', '-', '*', '/', 'AND', 'OR', 'LIKE', 'NOT LIKE'), tie('expr')).map(([a, op, b]) => `(${String(a)} ${op} ${String(b)})`),
          fc.tuple(fc.constantFrom('ROUND', 'LOWER', 'UPPER', 'LENGTH', 'ABS', 'MONTH', 'YEAR', 'DAY', 'COALESCE'), tie('expr')).map(([f, a]) => `${f}(${String(a)})`),
          fc.tuple(tie('expr'), tie('expr')).map(([a, b]) => `ROUND(${String(a)}, ${String(b)})`),
          tie('expr').map((a) => `NOT ${String(a)}`),
          tie('expr').map((a) => `${String(a)} IS NULL`),
          fc.tuple(tie('expr'), tie('expr'), tie('expr')).map(([a, b, c]) => `${String(a)} BETWEEN ${String(b)} AND ${String(c)}`),
          fc.tuple(tie('expr'), tie('expr'), tie('expr')).map(([a, b, c]) => `${String(a)} IN (${String(b)}, ${String(c)})`),
        ),
      }));
      const texts = fc.sample(expr, { numRuns: 80, seed: 2026 }).map(String);
      const calc = await newReport('random_formula', {}, [
        { source: ids.Order, set: { t100: 'order_no' } },
        { source: ids.Order_Amount, set: { t100: 'amount' } },
      ]);
      const column = Number(((await call('POST', '_m_new/28?JSON', { t28: '0', up: String(calc) })).json as { id: number }).id);
      for (const [i, text] of texts.entries()) {
        const a = await run(`random_where_${i}`, `report/${ids.rep_join}?JSON_KV&WHERE=${encodeURIComponent(text)}`);
        expect(a.status, text).toBe(200);
        expect(JSON.stringify(a.json), text).not.toMatch(/Internal error|\bSELECT\b/);
        await call('POST', `_m_set/${column}?JSON`, { t100: 'value', t101: text });
        const b = await run(`random_formula_${i}`, `report/${calc}?JSON_KV`);
        expect(b.status, text).toBe(200);
        expect(JSON.stringify(b.json), text).not.toMatch(/Internal error|\bSELECT\b/);
      }
    });

    it('hostile WHERE texts answer an error naming the token, with no SQL, and change no row', async () => {
      const before = await opened.store.exportRows('rep1');
      const hostile = [
        '1=1; DROP TABLE rep1',
        "1=1 --'",
        "' OR '1'='1",
        'amount) UNION SELECT * FROM rep1 (',
        'SLEEP(5) = 0',
        'BENCHMARK(1000000, 1) = 0',
        'no_such_column = 1',
        '`val` = 1',
        '@@version = 1',
        '('.repeat(300) + '1' + ')'.repeat(300),
      ];
      for (const [i, where] of hostile.entries()) {
        for (const flag of ['JSON_KV', 'JSON', 'JSON_DATA', 'JSON_CR']) {
          const a = await run(`hostile_${i}_${flag}`, `report/${ids.rep_join}?${flag}&WHERE=${encodeURIComponent(where)}`);
          expect(a.status, where).toBe(200);
          const text = JSON.stringify(a.json);
          expect(text, where).toMatch(/Ошибка в отчёте orders_join: WHERE: /);
          expect(text, where).not.toMatch(/\b(SELECT|FROM|JOIN)\b.*\b(FROM|WHERE)\b/);
        }
      }
      expect(forbiddenChanges(before, await opened.store.exportRows('rep1'))).toEqual([]);
    });

    it('a user who may only read, with one requisite BARRED: that column is left out and no filter reaches it', async () => {
      const t = opened.store.tenant('rep1');
      // role 164 reads everything (its grant on 1 is READ); BARRED on the Amount requisite
      const grant = await t.insert({ up: 164, ord: 2, t: 116, val: String(ids.Order_Amount) });
      await t.insert({ up: grant, ord: 1, t: 172, val: '' });
      const user = await t.insert({ up: 1, ord: 0, t: 18, val: 'reader' });
      await t.insert({ up: user, ord: 1, t: 20, val: createHash('sha512').update('oracle-salt' + 'rep1' + 'reader-pass-1').digest('hex') });
      await t.insert({ up: user, ord: 1, t: 164, val: '115' });
      const login = await fetch(`${server.url}/rep1/auth?JSON`, {
        method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'login=reader&pwd=reader-pass-1',
      });
      const reader = ((await login.json()) as { token: string }).token;
      const report = (await call('GET', `report/${ids.rep_join}?JSON`, undefined, reader)).json as { columns: { name: string; granted?: number }[]; data: string[][] };
      // read-only columns carry no `granted` key: the engine never sends 0 (rep-grants.jsonl, report-masks.jsonl)
      expect(report.columns.map((c) => [c.name, 'granted' in c])).toEqual([['order_no', false], ['client', false], ['city', false], ['order_date', false]]);
      expect(report.data[0]).toHaveLength(8);
      const filtered = (await call('GET', `report/${ids.rep_join}?JSON_KV&FR_amount=%3E100`, undefined, reader)).json as unknown[];
      expect(filtered).toHaveLength(8);
      const where = (await call('GET', `report/${ids.rep_join}?JSON_KV&WHERE=${encodeURIComponent('amount > 100')}`, undefined, reader)).json;
      expect(where).toEqual([{ order_no: 'Ошибка в отчёте orders_join: WHERE: неизвестное имя «amount»', client: '', city: '', order_date: '' }]);
      answers.reader_columns = { status: 200, json: report };
    });

    it('a Set by a user who may write orders but only read clients: the order\'s cell is written, the joined client\'s cell and a new client are refused and change nothing', async () => {
      const t = opened.store.tenant('rep1');
      // role "clerk": READ on everything (1), WRITE on the Order table
      const role = await t.insert({ up: 1, ord: 3, t: 42, val: 'clerk' });
      for (const [table, level] of [[1, 171], [ids.Order, 170]] as const) {
        const grant = await t.insert({ up: role, ord: 1, t: 116, val: String(table) });
        await t.insert({ up: grant, ord: 1, t: level, val: '' });
      }
      const user = await t.insert({ up: 1, ord: 0, t: 18, val: 'clerk' });
      await t.insert({ up: user, ord: 1, t: 20, val: createHash('sha512').update('oracle-salt' + 'rep1' + 'clerk-pass-1').digest('hex') });
      await t.insert({ up: user, ord: 1, t: role, val: '115' });
      const login = await fetch(`${server.url}/rep1/auth?JSON`, {
        method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'login=clerk&pwd=clerk-pass-1',
      });
      const clerk = ((await login.json()) as { token: string }).token;
      expect(clerk).toMatch(/^[0-9a-f]{64}$/);
      // EXECUTE (228) applies the Set without a confirmation (and without the session's _xsrf)
      const first = { source: ids.Order, set: { t100: 'no' } };
      const ownCell = await newReport('clerk_qty', { t228: '1', t134: '1' }, [first, { source: ids.Order_Qty, set: { t100: 'qty', t132: '41' } }]);
      const joinedCell = await newReport('clerk_email', { t228: '1' }, [first, { source: ids.Order_Client, set: { t100: 'client' } }, { source: ids.Client_Email, set: { t100: 'email', t132: "'x@example.test'" } }]);
      const newClient = await newReport('clerk_new_client', { t228: '1' }, [first, { source: ids.Order_Client, set: { t100: 'client', t132: "'Zora'" } }]);
      const before = await opened.store.exportRows('rep1');
      const denied = (await call('GET', `report/${joinedCell}?JSON_KV`, undefined, clerk)).json;
      expect(JSON.stringify(denied)).toMatch(/Ошибка в отчёте clerk_email: нет доступа на запись в колонку email/);
      const refused = await call('GET', `report/${newClient}?JSON_KV`, undefined, clerk);
      expect(refused.status).toBe(403);
      expect(JSON.stringify(refused.json)).toContain('Нет доступа на запись в таблицу');
      expect(forbiddenChanges(before, await opened.store.exportRows('rep1'))).toEqual([]);
      // the same joined cell is written for the tester (an admin); a client met again in a later row
      // keeps its old value in that answer (rep-set4.jsonl), the next run shows every one written
      await call('GET', `report/${joinedCell}?JSON_KV`);
      const written = (await call('GET', `report/${joinedCell}?JSON_KV`)).json as { email: string }[];
      expect(written.length).toBeGreaterThan(0);
      expect(new Set(written.filter((r) => r.email !== '').map((r) => r.email))).toEqual(new Set(['x@example.test']));
      const emails = (await opened.store.exportRows('rep1')).filter((r) => r.t === ids.Client_Email);
      expect(emails.filter((r) => r.val === 'x@example.test').length).toBeGreaterThan(0);
      // and the clerk's own table: the order's qty
      expect((await call('GET', `report/${ownCell}?JSON_KV`, undefined, clerk)).json).toEqual([{ no: expect.any(String) as string, qty: 41 }]);
      expect((await opened.store.exportRows('rep1')).filter((r) => r.t === ids.Order_Qty && r.val === '41')).toHaveLength(1);
      // the later tests read these cells: put them back as they were
      const was = new Map(before.map((r) => [r.id, r]));
      for (const row of await opened.store.exportRows('rep1')) {
        if (row.t !== ids.Order_Qty && row.t !== ids.Client_Email) continue;
        const old = was.get(row.id);
        if (!old) await t.deleteIds([row.id]);
        else if (old.val !== row.val) await t.update(row.id, { val: old.val });
      }
      expect(forbiddenChanges(before, await opened.store.exportRows('rep1'))).toEqual([]);
    });

    it('a Set\'s [THIS] is the column\'s formula when that mentions [THIS]; a Set of [THIS] alone writes nothing', async () => {
      const doubled = await newReport('set_this_formula', { t134: '1' }, [{ source: ids.Order, set: { t100: 'no' } }, { source: ids.Order_Qty, set: { t100: 'qty', t101: '[THIS]*2', t132: '[THIS]+1' } }]);
      const same = await newReport('set_this_alone', {}, [{ source: ids.Order, set: { t100: 'no' } }, { source: ids.Order_Qty, set: { t100: 'qty', t101: '[THIS]*2', t132: '[THIS]' } }]);
      const before = await opened.store.exportRows('rep1');
      expect((await call('POST', `report/${same}?JSON_KV&confirmed=1`, {})).status).toBe(200);
      expect(forbiddenChanges(before, await opened.store.exportRows('rep1'))).toEqual([]);
      const [row] = (await call('GET', `report/${doubled}?JSON_KV`)).json as { no: string; qty: string }[];
      const order = before.find((r) => r.t === ids.Order && r.val === row.no)!;
      const cell = before.find((r) => r.up === order.id && r.t === ids.Order_Qty)!;
      expect(Number(row.qty)).toBe(Number(cell.val) * 2);
      expect((await call('POST', `report/${doubled}?JSON_KV&confirmed=1`, {})).json).toEqual([{ no: row.no, qty: Number(cell.val) * 2 + 1 }]);
      expect((await opened.store.exportRows('rep1')).find((r) => r.id === cell.id)!.val).toBe(String(Number(cell.val) * 2 + 1));
      // the later tests read this cell: put it back
      await opened.store.tenant('rep1').update(cell.id, { val: cell.val });
    });

    it('URL reports never fetch their URL (a deliberate difference: the engine fetches any address but localhost)', async () => {
      // a listener on 127.0.0.1 that counts what reaches it: the report's URL points there
      let hits = 0;
      const target = createServer((_req, res) => {
        hits++;
        res.end('{"fetched":true}');
      });
      await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
      try {
        const port = (target.address() as AddressInfo).port;
        const address = `http://127.0.0.1:${port}/data.json?no=[order_no]`;
        // without an abn_URL column the URL is not used: a plain report (rep-url.jsonl, plain_kv)
        const plain = await newReport('from_url', { t97: address }, [{ source: ids.Order, set: { t100: 'order_no' } }]);
        const plainAnswer = await run('url_report', `report/${plain}?JSON_KV`);
        expect(plainAnswer.status).toBe(200);
        expect((plainAnswer.json as { order_no: string }[]).length).toBeGreaterThan(0);
        // an abn_URL column (function 91) gets the refusal in every row, in every shape
        const fetching = await newReport('fetch_url', { t97: address }, [
          { source: ids.Order, set: { t100: 'order_no' } },
          { source: 0, set: { t100: 'fetched', t101: "''", t104: '91' } },
        ]);
        const kv = await run('url_fetch_kv', `report/${fetching}?JSON_KV`);
        expect(kv.status).toBe(200);
        const rows = kv.json as { order_no: string; fetched: string }[];
        expect(rows.length).toBe((plainAnswer.json as unknown[]).length);
        expect(new Set(rows.map((r) => r.fetched))).toEqual(new Set([URL_REFUSED]));
        const json = (await run('url_fetch_json', `report/${fetching}?JSON`)).json as { data: string[][] };
        expect(new Set(json.data[1])).toEqual(new Set([URL_REFUSED]));
        expect(hits).toBe(0);
      } finally {
        await new Promise<void>((resolve) => target.close(() => resolve()));
      }
    });

    it('a confirmed Set writes the main table\'s cells and references (with _xsrf); a grouped report with a Set has a row per record; a joined table\'s own value is the report error and changes nothing', async () => {
      const setter = await newReport('setter', { t134: '1' }, [{ source: ids.Order_Qty, set: { t100: 'qty', t132: '[THIS] + 1' } }]);
      const before = await opened.store.exportRows('rep1');
      // confirmed without the session's _xsrf: refused, nothing written
      const noXsrf = await run('set_confirmed_no_xsrf', `report/${setter}?JSON_KV&confirmed=1`);
      expect(JSON.stringify(noXsrf.json)).toContain('Неверный или устаревший токен CSRF');
      expect(forbiddenChanges(before, await opened.store.exportRows('rep1'))).toEqual([]);
      expect(await run('set_plain', `report/${setter}?JSON_KV`)).toEqual({ status: 200, json: [{ qty: '2' }] });
      // confirmed with it: the shown row's cell becomes 3, answered as a number, and stays
      expect(await call('POST', `report/${setter}?JSON_KV&confirmed=1`, {})).toEqual({ status: 200, json: [{ qty: 3 }] });
      expect(await run('set_after', `report/${setter}?JSON_KV`)).toEqual({ status: 200, json: [{ qty: '3' }] });
      const changed = (await opened.store.exportRows('rep1')).filter((r) => r.t === ids.Order_Qty && r.val === '3');
      expect(changed.length).toBeGreaterThan(0);
      // a Set on a reference cell (rep-set2.jsonl): by the target's value, then back by its id; one row (LIMIT 1)
      const onRef = await newReport('set_ref', { t134: '1' }, [{ source: ids.Order, set: { t100: 'no' } }, { source: ids.Order_Client, set: { t100: 'client', t132: "'bob'" } }]);
      const [first] = (await run('set_ref_before', `report/${onRef}?JSON_KV`)).json as { no: string; client: string }[];
      const refCell = (rows: { up: number; t: number; val: string }[]) => rows.filter((r) => r.val === String(ids.Order_Client));
      const order = (await opened.store.exportRows('rep1')).find((r) => r.t === ids.Order && r.val === first.no)!;
      const clients = (await opened.store.exportRows('rep1')).filter((r) => r.t === ids.Client);
      const bob = clients.find((r) => r.val === 'Bob')!;
      const original = clients.find((r) => r.val === first.client);
      // the confirmed answer shows the word as the Set wrote it (rep-set3.jsonl, ref_case), later runs the target's value
      expect(await call('POST', `report/${onRef}?JSON_KV&confirmed=1`, {})).toEqual({ status: 200, json: [{ no: first.no, client: 'bob' }] });
      expect(await call('GET', `report/${onRef}?JSON_KV`)).toEqual({ status: 200, json: [{ no: first.no, client: 'Bob' }] });
      expect(refCell(await opened.store.exportRows('rep1')).filter((r) => r.up === order.id).map((r) => r.t)).toEqual([bob.id]);
      if (original) {
        const back = await newReport('set_ref_back', { t134: '1' }, [{ source: ids.Order, set: { t100: 'no' } }, { source: ids.Order_Client, set: { t100: 'client', t132: String(original.id) } }]);
        expect((await call('POST', `report/${back}?JSON_KV&confirmed=1`, {})).json).toEqual([{ no: first.no, client: original.val }]);
        expect(refCell(await opened.store.exportRows('rep1')).filter((r) => r.up === order.id).map((r) => r.t)).toEqual([original.id]);
      }
      // a Set on a joined table's own value broke the engine's SQL (rep-set4.jsonl): the report error,
      // unconfirmed and confirmed, nothing written
      const onJoined = await newReport('set_joined', {}, [{ source: ids.Order, set: { t100: 'no' } }, { source: ids.Client, set: { t100: 'client', t132: "'x'" } }]);
      const grouped = await newReport('set_grouped', {}, [{ source: ids.Order_Client, set: { t100: 'client' } }, { source: ids.Order_Qty, set: { t100: 'qty', t132: '[THIS]', t104: '73' } }]);
      const plainGrouped = await newReport('plain_grouped', {}, [{ source: ids.Order_Client, set: { t100: 'client' } }, { source: ids.Order_Qty, set: { t100: 'qty', t104: '73' } }]);
      const hostile = await newReport('set_hostile', {}, [{ source: ids.Order, set: { t100: 'no' } }, { source: ids.Order_Qty, set: { t100: 'qty', t132: '1; DELETE FROM rep1' } }]);
      const frozen = await opened.store.exportRows('rep1');
      for (const confirmed of ['', '&confirmed=1']) {
        const a = await call('POST', `report/${onJoined}?JSON_KV${confirmed}`, {});
        expect(a.status).toBe(200);
        expect(JSON.stringify(a.json)).toMatch(/Ошибка в отчёте set_joined: присвоение колонки client: /);
      }
      // a grouped report with a Set is grouped by the records it writes too (rep-set4.jsonl): one row
      // per order with a client instead of one per client; confirmed, [THIS] stores what is there
      const orders = (await opened.store.exportRows('rep1')).filter((r) => r.t === ids.Order).map((r) => r.id);
      const withClient = new Set((await opened.store.exportRows('rep1')).filter((r) => r.val === String(ids.Order_Client) && orders.includes(r.up)).map((r) => r.up));
      const perClient = (await run('plain_grouped', `report/${plainGrouped}?JSON_KV`)).json as unknown[];
      const perOrder = (await run('set_grouped', `report/${grouped}?JSON_KV`)).json as { client: string; qty: string }[];
      expect(perOrder.length).toBeGreaterThan(perClient.length);
      expect(perOrder.filter((r) => r.client !== '')).toHaveLength(withClient.size);
      expect((await call('POST', `report/${grouped}?JSON_KV&confirmed=1`, {})).status).toBe(200);
      const h = await call('POST', `report/${hostile}?JSON_KV&confirmed=1`, {});
      expect(h.status).toBe(200);
      expect(JSON.stringify(h.json)).toMatch(/Ошибка в отчёте set_hostile: присвоение колонки qty: /);
      expect(forbiddenChanges(frozen, await opened.store.exportRows('rep1'))).toEqual([]);
    });

    it('sub-reports: a report naming itself (directly or through another) is the report error, never a loop; REGEXP: filters within the portable subset, refuses the rest', async () => {
      const self = await newReport('sub_self', {}, [{ source: ids.Order, set: { t100: 'no' } }, { source: 0, set: { t100: 'x', t101: '[sub_self]+1' } }]);
      const ping = await newReport('sub_ping', {}, [{ source: 0, set: { t100: 'p', t101: '[sub_pong]' } }]);
      await newReport('sub_pong', {}, [{ source: 0, set: { t100: 'q', t101: '[sub_ping]' } }]);
      const before = await opened.store.exportRows('rep1');
      const kv = (await run('sub_self', `report/${self}?JSON_KV&LIMIT=1`)).json as { no: string; x: string }[];
      expect(kv).toEqual([{ no: 'Ошибка в отчёте sub_self: подотчёт [sub_self] ссылается сам на себя', x: '' }]);
      const loop = (await run('sub_loop', `report/${ping}?JSON_KV`)).json as { p: string }[];
      expect(loop).toHaveLength(1);
      expect(loop[0].p).toMatch(/^Ошибка в отчёте sub_ping: подотчёт \[sub_pong\]: подотчёт \[sub_ping\] ссылается сам на себя$/);
      // REGEXP: inside the portable subset filters (both stores alike, compared by the last test) …
      const all = (await run('filter_regexp_none', `report/${ids.rep_join}?JSON_KV`)).json as { order_no: string }[];
      const regexp = await run('filter_regexp', `report/${ids.rep_join}?JSON_KV&FR_order_no=${encodeURIComponent('REGEXP:^ord-0*[1-5]$')}`);
      expect(regexp.status).toBe(200);
      const matched = (regexp.json as { order_no: string }[]).map((r) => r.order_no);
      expect(matched.length).toBeGreaterThan(0);
      expect(matched).toEqual(all.map((r) => r.order_no).filter((no) => /^ord-0*[1-5]$/i.test(no)));
      const notMatched = (await run('filter_not_regexp', `report/${ids.rep_join}?JSON_KV&FR_order_no=${encodeURIComponent('!REGEXP:^ord-0*[1-5]$')}`)).json as unknown[];
      expect(notMatched.length + matched.length).toBe(all.length);
      // … outside it (backreference, nested repetition, look-ahead) the report error names it, never a 500
      for (const [name, pattern] of [['backref', '(a)\\1'], ['nested', '(a+)+$'], ['lookahead', '(?=a)'], ['long', 'a'.repeat(201)]]) {
        const refused = await run(`filter_regexp_${name}`, `report/${ids.rep_join}?JSON_KV&FR_order_no=${encodeURIComponent(`REGEXP:${pattern}`)}`);
        expect(refused.status).toBe(200);
        const first = Object.values((refused.json as Record<string, string>[])[0])[0];
        expect(first).toMatch(/^Ошибка в отчёте orders_join: фильтр .*регулярное выражение вне поддерживаемого подмножества/);
      }
      expect(forbiddenChanges(before, await opened.store.exportRows('rep1'))).toEqual([]);
    });

    it('a FROM record joins by its JOIN ON through the grammar; hostile JOIN ON texts answer an error and change no row', async () => {
      const report = await newReport('from_city', {}, [
        { source: ids.Client, set: { t100: 'client' } },
        { source: ids.City, set: { t100: 'city' } },
      ]);
      const from = Number(((await call('POST', '_m_new/44?JSON', { t44: String(ids.City), up: String(report) })).json as { id: number }).id);
      const joinOn = (text: string) => call('POST', `_m_set/${from}?JSON`, { t266: text });
      await joinOn(`a${ids.City}.val = 'paris' AND a${ids.Client}.id > 0`);
      const rows = (await run('from_join_on', `report/${report}?JSON_KV`)).json as { client: string; city: string }[];
      // every client (earlier cases add some) with the one city the condition picks, case-insensitively
      expect(rows.map((r) => r.client)).toEqual(expect.arrayContaining(['Alice', 'Bob', 'Carol', 'Dave', 'Eve']));
      expect(new Set(rows.map((r) => r.city))).toEqual(new Set(['Paris']));
      // without JOIN ON the table is not joined at all, as the engine answers
      await joinOn('');
      const unlinked = await fetch(`${server.url}/rep1/report/${report}?JSON_KV`, { headers: { 'X-Authorization': token } });
      expect(await unlinked.text()).toBe('from_city: Невозможно связать колонки отчета.');
      const hostile = [
        `a${ids.City}.val = a${ids.Client}.val; DROP TABLE rep1`,
        `a${ids.City}.val = '' OR 1=1 --`,
        `a${ids.City}.val = (SELECT val FROM rep1)`,
        `a${ids.City}.val = a${ids.Client}.val UNION SELECT 1`,
        `a${ids.City}.nope = 1`,
        `b${ids.City}.val = 1`,
        `SUM(a${ids.City}.id) > 0`,
        `a${ids.City}.val = \`val\``,
      ];
      for (const [i, text] of hostile.entries()) {
        await joinOn(text);
        const before = await opened.store.exportRows('rep1');
        for (const flag of ['JSON_KV', 'JSON']) {
          const a = await run(`from_hostile_${i}_${flag}`, `report/${report}?${flag}`);
          expect(a.status, text).toBe(200);
          const body = JSON.stringify(a.json);
          expect(body, text).toMatch(/Ошибка в отчёте from_city: JOIN ON City: /);
          expect(body, text).not.toMatch(/\b(SELECT|FROM|JOIN)\b.*\b(FROM|WHERE)\b/);
        }
        expect(forbiddenChanges(before, await opened.store.exportRows('rep1'))).toEqual([]);
      }
    });

    it('a PHP-side function answers 501 naming it', async () => {
      const a = await run('date2str', `report/${ids.rep_d2s}?JSON_KV`);
      expect(a).toEqual({ status: 501, json: [{ error: 'Функция abn_DATE2STR в отчётах не поддерживается (колонка date_words)' }] });
      answersByStore.set(factory.name, answers);
    });
  });
}

describe.skipIf(!TEST_STORES.every((s) => s.enabled))('reports give the same answers on PGlite and MariaDB', () => {
  it('every shared case', () => {
    const [first, second] = TEST_STORES.map((s) => answersByStore.get(s.name));
    expect(first).toBeDefined();
    expect(Object.keys(first!).length).toBeGreaterThan(40);
    const differing = Object.keys(first!).filter((k) => JSON.stringify(first![k]) !== JSON.stringify(second?.[k]));
    expect(differing.map((k) => `${k}: ${cases.get(k) ?? ''}`)).toEqual([]);
    expect(second).toEqual(first);
  });
});
