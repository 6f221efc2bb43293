/**
 * The request's SELECT beyond rep-select: `:<column id>:` inside the stored formulas of a report
 * (the engine replaces it by that column's field only when the request has a SELECT; without one the
 * text stays in its SQL), and a SELECT met by the sub-reports a report runs (`[name]` in a formula):
 * the engine applies the SELECT's functions and its choice of columns to every report it compiles,
 * so a SELECT item naming a column of the sub-report changes that sub-report's value.
 */
import { schemaCalls, type Cells } from './schema-calls.js';
import type { Scenario } from '../run.js';
import { addReportMetadata } from './report-echo.js';
import { makeReport } from './rep-corners.js';

const FN = { SUM: 73, MAX: 75 } as const;

const scenario: Scenario = {
  tenant: 'repselid',
  prepare: (oracle, tenant) => addReportMetadata(oracle, tenant, true),
  async run(rec) {
    await rec.login('login', 'tester', 'tester-pass-1');
    const { type, column: req, record } = schemaCalls(rec, 'd_new_', 'd_req_');
    const order = await type('order', 'Order', 3);
    const amount = await req('order_amount', order, await type('amount', 'Amount', 14));
    const qty = await req('order_qty', order, await type('qty', 'Qty', 13));
    const o = (key: string, no: string, amt: string, q: string) => record(key, order, { [`t${order}`]: no, [`t${amount}`]: amt, [`t${qty}`]: q } as Cells);
    await o('o1', 'O-1', '100', '2');
    await o('o2', 'O-2', '50', '1');
    await o('o3', 'O-3', '300', '5');

    // stored formulas naming other columns by :<id>:
    const calc = await makeReport(rec, 'calc', {}, [
      [order, { t100: 'no' }], [amount, { t100: 'amount' }], [qty, { t100: 'qty' }], [0, { t100: 'double' }], [0, { t100: 'total' }],
    ]);
    const c = (n: number) => rec.ids[`calc.col${n}`];
    await rec.call('calc_double_formula', 'POST', `/_m_set/${c(4)}?JSON`, { form: { t101: `:${c(2)}:*2` } });
    await rec.call('calc_total_formula', 'POST', `/_m_set/${c(5)}?JSON`, { form: { t101: `:${c(2)}:*:${c(3)}:` } });
    const run = (key: string, query: string) => rec.call(key, 'GET', `/report/${calc}?${query}`);
    const q = (select: string) => `SELECT=${encodeURIComponent(select)}`;
    await run('calc_no_select_kv', 'JSON_KV');
    await run('calc_select_all_kv', `JSON_KV&${q([1, 2, 3, 4, 5].map(c).join(','))}`);
    await run('calc_select_some_kv', `JSON_KV&${q(`${c(1)},${c(4)},${c(5)}`)}`);
    await run('calc_select_json', `JSON&${q(`${c(1)},${c(5)}`)}`);
    await run('calc_select_sum_kv', `JSON_KV&${q(`${c(4)}:SUM,${c(5)}:SUM`)}`);
    await run('calc_select_unrelated_kv', `JSON_KV&${q('99999')}`);
    await run('calc_select_fr_kv', `JSON_KV&${q(`${c(1)},${c(4)}`)}&FR_double=${encodeURIComponent('>150')}`);

    // a sub-report with a SUM, in a formula of another report
    await makeReport(rec, 'total', {}, [[amount, { t100: 'sum', t104: FN.SUM }], [qty, { t100: 'qsum', t104: FN.SUM }]]);
    const s = (n: number) => rec.ids[`total.col${n}`];
    const share = await makeReport(rec, 'share', {}, [[order, { t100: 'no' }], [amount, { t100: 'amount' }], [0, { t100: 'all', t101: '[total]' }]]);
    const sh = (n: number) => rec.ids[`share.col${n}`];
    const runShare = (key: string, query: string) => rec.call(key, 'GET', `/report/${share}?${query}`);
    await runShare('share_kv', 'JSON_KV');
    await runShare('share_select_outer_kv', `JSON_KV&${q(`${sh(1)},${sh(3)}`)}`);
    await runShare('share_select_sub_fn_kv', `JSON_KV&${q(`${sh(1)},${sh(3)},${s(1)}:MAX`)}`);
    await runShare('share_select_sub_col_kv', `JSON_KV&${q(`${sh(1)},${sh(3)},${s(2)}`)}`);
    await runShare('share_select_sub_col_json', `JSON&${q(`${sh(1)},${sh(3)},${s(2)}`)}`);
    await runShare('share_select_outer_fn_kv', `JSON_KV&${q(`${sh(3)}:MAX`)}`);
  },
};

export default scenario;
