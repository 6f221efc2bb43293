/**
 * The request's SELECT parameter of a report run: a subset of the columns in the order SELECT names
 * them (by column record id), functions set per column (`id:SUM`, which replace the stored ones),
 * new calculated columns given as formulas (`:<col id>:` is that column's field, `\,` a comma in a
 * formula), with their filters FR_<position in SELECT>, combined with TOTALS, ORDER, RECORD_COUNT
 * and the JSON shapes; and what SQL words in a SELECT formula answer.
 */
import { schemaCalls, type Cells } from './schema-calls.js';
import type { Scenario } from '../run.js';
import { addReportMetadata } from './report-echo.js';
import { makeReport } from './rep-corners.js';

const FN = { SUM: 73, MAX: 75 } as const;

const scenario: Scenario = {
  tenant: 'repsel',
  prepare: (oracle, tenant) => addReportMetadata(oracle, tenant, true),
  async run(rec) {
    await rec.login('login', 'tester', 'tester-pass-1');
    const { type, column: req, reference: ref, record } = schemaCalls(rec, 'd_new_', 'd_req_');
    const client = await type('client', 'Client', 3);
    const order = await type('order', 'Order', 3);
    const amountT = await type('amount', 'Amount', 14);
    const qtyT = await type('qty', 'Qty', 13);
    const orderClient = await req('order_client', order, await ref('client_ref', client));
    const amount = await req('order_amount', order, amountT);
    const qty = await req('order_qty', order, qtyT);
    const rec1 = (key: string, table: number, cells: Cells) => record(key, table, cells);
    const alice = await rec1('alice', client, { [`t${client}`]: 'Alice' });
    const bob = await rec1('bob', client, { [`t${client}`]: 'Bob' });
    const o = (key: string, no: string, who: number, amt: string, q: string) =>
      rec1(key, order, { [`t${order}`]: no, [`t${orderClient}`]: who, [`t${amount}`]: amt, [`t${qty}`]: q });
    await o('o1', 'O-1', alice, '100', '2');
    await o('o2', 'O-2', alice, '50.5', '1');
    await o('o3', 'O-3', bob, '300', '5');
    await o('o4', 'O-4', bob, '20', '');

    const sel = await makeReport(rec, 'sel', {}, [
      [order, { t100: 'order_no', t101: 'ono' }],
      [orderClient, { t100: 'client' }],
      [amount, { t100: 'amount', t101: 'amt' }],
      [qty, { t100: 'qty', t101: 'qn', t104: FN.MAX }],
    ]);
    const c = (n: number) => rec.ids[`sel.col${n}`];
    const run = (key: string, query: string) => rec.call(key, 'GET', `/report/${sel}?${query}`);
    const q = (select: string) => `SELECT=${encodeURIComponent(select)}`;
    await run('sel_plain_kv', 'JSON_KV');
    await run('sel_subset_json', `JSON&${q(`${c(3)},${c(1)}`)}`);
    await run('sel_subset_kv', `JSON_KV&${q(`${c(3)},${c(1)}`)}`);
    await run('sel_subset_data', `JSON_DATA&${q(`${c(2)},${c(1)}`)}`);
    await run('sel_subset_cr', `JSON_CR&${q(`${c(1)},${c(3)}`)}`);
    await run('sel_no_fn_kv', `JSON_KV&${q(`${c(1)},${c(4)}`)}`);
    await run('sel_sum_kv', `JSON_KV&${q(`${c(2)},${c(3)}:SUM`)}`);
    await run('sel_sum_json', `JSON&${q(`${c(2)},${c(3)}:SUM`)}`);
    await run('sel_sum_lower_kv', `JSON_KV&${q(`${c(2)},${c(3)}:sum`)}`);
    await run('sel_count_kv', `JSON_KV&${q(`${c(2)}:COUNT`)}`);
    await run('sel_sum_totals', `JSON&${q(`${c(2)},${c(3)}:SUM`)}&TOTALS=${c(3)}:SUM`);
    await run('sel_sum_count', `JSON&RECORD_COUNT&${q(`${c(2)},${c(3)}:SUM`)}`);
    await run('sel_order_kv', `JSON_KV&${q(`${c(1)},${c(3)}`)}&ORDER=-${c(3)}`);
    await run('sel_fr_kv', `JSON_KV&${q(`${c(1)},${c(3)}`)}&FR_amount=%3E60`);
    await run('sel_formula_id_kv', `JSON_KV&${q(`${c(1)},:${c(3)}:*2`)}`);
    await run('sel_formula_id_json', `JSON&${q(`${c(1)},:${c(3)}:*2`)}`);
    await run('sel_formula_alias_kv', `JSON_KV&${q(`${c(1)},amt+1`)}`);
    await run('sel_formula_comma_kv', `JSON_KV&${q(`${c(1)},CONCAT(ono\\,'/'\\,amt)`)}`);
    await run('sel_formula_const_kv', `JSON_KV&${q(`${c(1)},'x'`)}`);
    await run('sel_formula_fn_kv', `JSON_KV&${q(`${c(2)},:${c(3)}::SUM`)}`);
    await run('sel_formula_fr_kv', `JSON_KV&${q(`${c(1)},:${c(3)}:*2`)}&FR_1=%3E150`);
    await run('sel_unknown_id_kv', `JSON_KV&${q(`${c(1)},99999`)}`);
    await run('sel_empty_kv', 'JSON_KV&SELECT=');
    await run('sel_formula_const_json', `JSON&${q(`${c(1)},'x'`)}`);
    await run('sel_formula_const_data', `JSON_DATA&${q(`${c(1)},'x'`)}`);
    await run('sel_formula_const_cr', `JSON_CR&${q(`${c(1)},'x'`)}`);
    await run('sel_formula_alias_fr_kv', `JSON_KV&${q(`${c(1)},amt`)}&FR_1=%3E60`);
    await run('sel_id_fr_position_kv', `JSON_KV&${q(`${c(1)},${c(3)}`)}&FR_1=%3E60`);
    await run('sel_unselected_fr_kv', `JSON_KV&${q(`${c(1)},${c(3)}`)}&FR_qty=5`);
    await run('sel_unselected_name_kv', `JSON_KV&${q(`${c(1)}`)}&FR_client=Bob`);
    await run('sel_escaped_colon_kv', `JSON_KV&${q(`${c(1)},\\:${c(3)}\\:*2`)}`);
    await run('sel_escaped_colon_json', `JSON&${q(`${c(1)},\\:${c(3)}\\:*2`)}`);
    await run('sel_formula_sum_json', `JSON&${q(`${c(2)},amt:SUM`)}`);
    await run('sel_formula_twice_json', `JSON&${q(`${c(1)},'y','y'`)}`);
    await run('sel_duplicate_id_json', `JSON&${q(`${c(3)},${c(1)},${c(3)}`)}`);
    await run('sel_sql_word', `JSON_KV&${q(`${c(1)},(select 1)`)}`);
    await rec.call('sel_post_kv', 'POST', `/report/${sel}?JSON_KV`, { form: { SELECT: `${c(3)},${c(1)}` } });
  },
};

export default scenario;
