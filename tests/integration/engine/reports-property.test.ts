/**
 * Reports as a property, on PGlite and MariaDB:
 * - random reports (random column sources among three reference levels and a subordinate table,
 *   functions, sort priorities, stored and function-result filters, LIMIT) over the database of the
 *   rep-corners recording plus random orders, run with random request filters, ORDER and LIMIT:
 *   both stores must give exactly the same answers, and none is a 5xx or carries SQL;
 * - hostile WHERE texts built from the SQL-injection classes (stacked queries, comments, UNION,
 *   tautologies with quotes, time and file functions, server variables, backslash and NUL, hex)
 *   answer the report error naming the part (never SQL) and change no row; the same strings as
 *   FR_/TO_ values, ORDER, LIMIT and TOTALS are only values: no 5xx, no SQL, no change; as SELECT
 *   formulas and functions they answer the report error or the engine's refusal of SQL words.
 * - random calculated columns with CONCAT, CONCAT_WS, LEFT, RIGHT, REPLACE, TRIM, IFNULL, IF, FLOOR,
 *   CEILING, MOD, NULLIF, GREATEST, LEAST, CHAR_LENGTH over the other columns: no error, and the
 *   same answers on both stores.
 * The data and the reports come from fixed seeds, so both stores see the same ones.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLegacyServer, type LegacyServer } from '../../support/legacy.js';
import { TEST_STORES, type TestStore } from '../../support/stores.js';
import { loadRows } from '../../golden/replay.js';
import { forbiddenChanges } from '../fuzz/snapshots.js';
import { parseFormula } from '../../../server/engine/report-formula.js';

/** does the text belong to the report grammar (then it is compiled to parameters; else it is refused) */
function inGrammar(text: string): boolean {
  try {
    parseFormula(text);
    return true;
  } catch {
    return false;
  }
}

const DB = 'rep2';
const ids = JSON.parse(readFileSync(new URL('../../golden/fixtures/rep-corners.ids.json', import.meta.url), 'utf8')) as Record<string, number>;
const FN = ['', '', '', '73', '74', '75', '76', '77', '235'] as const; // none (3×), SUM, COUNT, MAX, MIN, AVG, GROUP_CONCAT

interface Answer {
  status: number;
  body: string;
}

/** the sources a random column takes, with the request filter values that suit them */
const SOURCES: { source: number; filters: string[] }[] = [
  { source: ids.order, filters: ['O-1', '%1%', '>O-3'] },
  { source: ids.order_client, filters: ['Alice', '%o%', '!Bob'] },
  { source: ids.client_city, filters: ['Moscow', '%is%'] },
  { source: ids.city_country, filters: ['France', '!Russia'] },
  { source: ids.order_amount, filters: ['>50', '<=100', '20', '!10'] },
  { source: ids.order_date, filters: ['2024-02-15', '>=01.03.2024', '<2024-02-01'] },
  { source: ids.order_qty, filters: ['>2', '1', '!1'] },
  { source: ids.order_note, filters: ['%i%', 'big'] },
  { source: ids.line, filters: ['bolt', '%u%'] },
  { source: ids.line_price, filters: ['>1', '1.5'] },
  { source: ids.line_qty, filters: ['>=5'] },
];

interface ColumnSpec {
  source: number;
  fn: string;
  sort: number;
  stored: string;
  result: string;
}
interface ReportSpec {
  columns: ColumnSpec[];
  limit: string;
  runs: { filter: [number, number] | null; order: [number, boolean] | null; limit: string }[];
}

const columnArb: fc.Arbitrary<ColumnSpec> = fc.record({
  source: fc.integer({ min: 0, max: SOURCES.length - 1 }),
  fn: fc.constantFrom(...FN),
  sort: fc.constantFrom(0, 0, 1, -1, 2, -2),
  stored: fc.nat(),
  result: fc.constantFrom('', '', '', '>1', '1', '>100'),
}).chain((c) => fc.constantFrom('', '', ...SOURCES[c.source].filters).map((stored) => ({ ...c, source: SOURCES[c.source].source, stored: c.stored % 3 === 0 ? stored : '' })));

const reportArb: fc.Arbitrary<ReportSpec> = fc.record({
  columns: fc.array(columnArb, { minLength: 1, maxLength: 4 }),
  limit: fc.constantFrom('', '', '3', '1,2'),
  runs: fc.array(fc.record({
    filter: fc.option(fc.tuple(fc.nat(), fc.nat()), { nil: null }),
    order: fc.option(fc.tuple(fc.nat(), fc.boolean()), { nil: null }),
    limit: fc.constantFrom('', '', '2', '1,1', '0,10'),
  }), { minLength: 1, maxLength: 2 }),
});

/** random orders added to the recording's data: client, amount, date, qty, note (some left empty) */
const orderArb = fc.record({
  client: fc.constantFrom('', 'alice', 'bob', 'carol', 'dave', 'eve'),
  amount: fc.constantFrom('', '0', '5', '10', '20.25', '100', '999.99', '-3'),
  date: fc.constantFrom('', '2024-01-31', '2024-02-15', '2024-03-01', '2023-12-31'),
  qty: fc.constantFrom('', '0', '1', '2', '7'),
  // within what both stores promise (compatibility.md, "Collation"): case of Latin and Cyrillic, not
  // accents or е/ё (MariaDB's unicode_ci matches 'Ünïcode' LIKE '%i%', PGlite does not: a known difference);
  // no two notes differing only in case: GROUP_CONCAT DISTINCT on PGlite keeps both (a defect, storage README)
  note: fc.constantFrom('', 'big', 'first', 'Юникод', "it's"),
});

/** one fragment of each SQL-injection class */
const INJECTIONS = [
  '; DROP TABLE rep2', '1=1; DELETE FROM rep2', "' OR '1'='1", "' OR 1=1 --", '" OR ""="', '1 --', '/* x */ 1', '# x',
  'UNION SELECT id, val FROM rep2', 'UNION ALL SELECT NULL', 'SLEEP(5)', 'BENCHMARK(100000, MD5(1))', 'pg_sleep(5)',
  'LOAD_FILE(\'/etc/passwd\')', "INTO OUTFILE '/tmp/x'", '@@version', '@x := 1', '\\', '\u0000', '0x41424344', '`val`',
  'CHAR(39)', "'; --", 'amount)) OR ((1=1', 'EXISTS (SELECT 1)', '$1', '?',
];
const hostileArb = fc.tuple(
  fc.constantFrom('', 'amount > 1 AND ', "client = 'Alice' OR ", '(', 'NOT '),
  fc.constantFrom(...INJECTIONS),
  fc.constantFrom('', ' AND 1=1', ')', " '", ' --'),
).map(([a, b, c]) => `${a}${b}${c}`);

/** random text and number formulas over the columns' aliases (ono, nt, qn, amt) with the text functions */
const { text: textFormulaArb } = fc.letrec<{ text: string; num: string }>((tie) => ({
  text: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom('ono', 'nt', "'x'", "''", "'Юникод'"),
    fc.tuple(tie('text'), tie('text')).map(([a, b]) => `CONCAT(${a}, ${b})`),
    fc.tuple(tie('text'), tie('num')).map(([a, b]) => `CONCAT(${a}, '/', ${b})`),
    fc.tuple(tie('text'), tie('text')).map(([a, b]) => `CONCAT_WS('-', ${a}, ${b})`),
    fc.tuple(fc.constantFrom('LEFT', 'RIGHT'), tie('text'), fc.integer({ min: -1, max: 3 })).map(([f, a, n]) => `${f}(${a}, ${n})`),
    tie('text').map((a) => `REPLACE(${a}, 'o', '0')`),
    tie('text').map((a) => `TRIM(${a})`),
    tie('text').map((a) => `IFNULL(${a}, 'none')`),
    tie('text').map((a) => `LOWER(${a})`),
    fc.tuple(tie('num'), tie('text'), tie('text')).map(([c, a, b]) => `IF(${c} > 1, ${a}, ${b})`),
  ),
  num: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom('qn', 'amt', '2', '0'),
    tie('num').map((a) => `FLOOR(${a})`),
    tie('num').map((a) => `CEILING(${a})`),
    fc.tuple(tie('num'), tie('num')).map(([a, b]) => `(${a} + ${b})`),
    fc.tuple(tie('num'), tie('num')).map(([a, b]) => `FLOOR(${a} / 3 + ${b})`),
    fc.tuple(fc.constantFrom('MOD', 'NULLIF', 'GREATEST', 'LEAST'), tie('num'), tie('num')).map(([f, a, b]) => `${f}(${a}, ${b})`),
    tie('text').map((a) => `CHAR_LENGTH(${a})`),
  ),
}));

/** what an answer never holds: our statements' text (the input's own words may be echoed in an error) */
const OUR_SQL = /LEFT JOIN|\bt0\.|\bSELECT\b.*\bFROM\b.*\bt0\b|Couldn't execute|Internal error/;

/** every answer per store, for the comparison at the end */
const answersByStore = new Map<string, Map<string, Answer>>();

for (const factory of TEST_STORES) {
  describe.skipIf(!factory.enabled)(`reports as a property on ${factory.name}`, () => {
    let server: LegacyServer;
    let opened: TestStore;
    let token = '';
    let xsrf = '';
    const answers = new Map<string, Answer>();

    const call = async (method: 'GET' | 'POST', path: string, form?: Record<string, string>): Promise<Answer> => {
      const res = await fetch(`${server.url}/${DB}/${path}`, {
        method,
        headers: { 'X-Authorization': token, ...(form ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}) },
        body: form ? new URLSearchParams({ _xsrf: xsrf, ...form }).toString() : undefined,
      });
      return { status: res.status, body: await res.text() };
    };
    const idOf = (a: Answer) => Number((JSON.parse(a.body) as { id: number }).id);

    beforeAll(async () => {
      opened = await factory.open();
      await opened.store.importRows(DB, loadRows('rep-corners-final-rows.json'));
      server = await startLegacyServer(() => opened.store);
      const res = await fetch(`${server.url}/${DB}/auth?JSON`, {
        method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'login=tester&pwd=tester-pass-1',
      });
      const body = (await res.json()) as { token: string; _xsrf: string };
      token = body.token;
      xsrf = body._xsrf;
    }, 300_000);
    afterAll(async () => {
      await server?.close();
      await opened?.cleanup();
    }, 120_000);

    it('random reports over random data answer, without a 5xx or SQL, the same on both stores', async () => {
      for (const [i, o] of fc.sample(orderArb, { numRuns: 15, seed: 11 }).entries()) {
        const a = await call('POST', `_m_new/${ids.order}?JSON`, {
          up: '1', [`t${ids.order}`]: `R-${i}`, [`t${ids.order_client}`]: o.client ? String(ids[o.client]) : '',
          [`t${ids.order_amount}`]: o.amount, [`t${ids.order_date}`]: o.date, [`t${ids.order_qty}`]: o.qty, [`t${ids.order_note}`]: o.note,
        });
        expect(a.status).toBe(200);
      }
      const reports = fc.sample(reportArb, { numRuns: 24, seed: 2027 });
      for (const [r, spec] of reports.entries()) {
        const report = idOf(await call('POST', '_m_new/22?JSON', { up: '1', t22: `random ${r}` }));
        if (spec.limit) await call('POST', `_m_set/${report}?JSON`, { t134: spec.limit });
        const columnIds: number[] = [];
        for (const [c, col] of spec.columns.entries()) {
          const id = idOf(await call('POST', '_m_new/28?JSON', { up: String(report), t28: String(col.source) }));
          columnIds.push(id);
          const cells: Record<string, string> = { t100: `c${c}` };
          if (col.fn) cells.t104 = col.fn;
          if (col.sort) cells.t109 = String(col.sort);
          if (col.stored) cells.t102 = col.stored;
          if (col.result) cells.t105 = col.result;
          await call('POST', `_m_set/${id}?JSON`, cells);
        }
        for (const [n, run] of spec.runs.entries()) {
          const params = new URLSearchParams();
          if (run.filter) {
            const c = run.filter[0] % spec.columns.length;
            const values = SOURCES.find((s) => s.source === spec.columns[c].source)!.filters;
            params.set(`FR_c${c}`, values[run.filter[1] % values.length]);
          }
          if (run.order) params.set('ORDER', `${run.order[1] ? '-' : ''}${columnIds[run.order[0] % columnIds.length]}`);
          if (run.limit) params.set('LIMIT', run.limit);
          for (const flag of n === 0 ? ['JSON_KV', 'JSON'] : ['JSON_KV']) {
            const path = `report/${report}?${flag}&${params.toString()}`;
            const a = await call('GET', path);
            expect(a.status, path).toBeLessThan(500);
            expect(a.body, path).not.toMatch(OUR_SQL);
            answers.set(`${r}/${n}/${flag}: ${JSON.stringify(spec)} ${params.toString()}`, a);
          }
        }
      }
    }, 240_000);

    it('random formulas with CONCAT and the other text functions answer the same on both stores', async () => {
      const formulas = fc.sample(textFormulaArb, { numRuns: 30, seed: 44 });
      for (let r = 0; r < formulas.length; r += 3) {
        const report = idOf(await call('POST', '_m_new/22?JSON', { up: '1', t22: `formulas ${r}` }));
        const columns: [number, Record<string, string>][] = [
          [ids.order, { t100: 'no', t101: 'ono' }], [ids.order_note, { t100: 'note', t101: 'nt' }],
          [ids.order_qty, { t100: 'qty', t101: 'qn' }], [ids.order_amount, { t100: 'amount', t101: 'amt' }],
          ...formulas.slice(r, r + 3).map((f, i): [number, Record<string, string>] => [0, { t100: `f${i}`, t101: f }]),
        ];
        for (const [source, cells] of columns) {
          const id = idOf(await call('POST', '_m_new/28?JSON', { up: String(report), t28: String(source) }));
          await call('POST', `_m_set/${id}?JSON`, cells);
        }
        const path = `report/${report}?JSON_KV`;
        const a = await call('GET', path);
        expect(a.status, formulas.slice(r, r + 3).join(' | ')).toBe(200);
        expect(a.body, path).not.toMatch(OUR_SQL);
        expect(a.body, path).not.toContain('Ошибка в отчёте');
        answers.set(`formulas ${r}: ${formulas.slice(r, r + 3).join(' | ')}`, a);
      }
    }, 240_000);

    it('hostile WHERE texts answer the report error and change no row; hostile values are only values', async () => {
      const before = await opened.store.exportRows(DB);
      const geo = ids.geo;
      await fc.assert(fc.asyncProperty(hostileArb, fc.constantFrom('JSON_KV', 'JSON', 'JSON_DATA', 'JSON_CR'), async (where, flag) => {
        const a = await call('GET', `report/${geo}?${flag}&WHERE=${encodeURIComponent(where)}`);
        expect(a.status, where).toBe(200);
        // outside the grammar: refused, naming the part; inside (e.g. one quoted text): only parameters
        if (!inGrammar(where)) expect(a.body, where).toContain('Ошибка в отчёте geo: WHERE: ');
        expect(a.body, where).not.toMatch(/\b(SELECT|FROM|JOIN)\b.*\b(FROM|WHERE|rep2)\b|Internal error/);
        for (const param of ['FR_country', 'TO_amount', 'ORDER', 'LIMIT', 'TOTALS']) {
          const b = await call('GET', `report/${geo}?${flag}&${param}=${encodeURIComponent(where)}`);
          expect(b.status, `${param}=${where}`).toBeLessThan(500);
          expect(b.body, `${param}=${where}`).not.toMatch(OUR_SQL);
        }
        // the request's SELECT: a hostile text as a formula of an added column, and as a column's function
        for (const select of [`${ids['geo.col1']},${where}`, `${ids['geo.col1']}:${where}`]) {
          const d = await call('GET', `report/${geo}?${flag}&SELECT=${encodeURIComponent(select)}`);
          expect(d.status, `SELECT=${select}`).toBeLessThan(500);
          expect(d.body, `SELECT=${select}`).not.toMatch(OUR_SQL);
        }
        const c = await call('POST', `report/${geo}?${flag}`, { WHERE: where, FR_client: where });
        expect(c.status, where).toBe(200);
        expect(c.body, where).not.toMatch(OUR_SQL);
      }), { numRuns: 20, seed: 7 });
      expect(forbiddenChanges(before, await opened.store.exportRows(DB))).toEqual([]);
    }, 240_000);

    afterAll(() => {
      answersByStore.set(factory.name, answers);
    });
  });
}

describe.skipIf(!TEST_STORES.every((s) => s.enabled))('random reports give the same answers on PGlite and MariaDB', () => {
  it('every random report run', () => {
    const [first, second] = TEST_STORES.map((s) => answersByStore.get(s.name));
    expect(first?.size).toBeGreaterThan(40);
    const differing = [...first!.keys()].filter((k) => JSON.stringify(first!.get(k)) !== JSON.stringify(second?.get(k)));
    expect(differing.slice(0, 5).map((k) => `${k}\n  ${first!.get(k)?.body.slice(0, 300)}\n  ${second?.get(k)?.body.slice(0, 300)}`)).toEqual([]);
  });
});
