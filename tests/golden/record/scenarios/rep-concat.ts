/**
 * Text and row functions in calculated report columns, which the engine pastes into its SQL and
 * MySQL evaluates: CONCAT (NULL when a part is NULL), CONCAT_WS, IFNULL, IF, LEFT, RIGHT, REPLACE,
 * TRIM, FLOOR, CEILING, over other columns named by their formula aliases; filtered and ordered by them.
 */
import { schemaCalls, type Cells } from './schema-calls.js';
import type { Scenario } from '../run.js';
import { addReportMetadata } from './report-echo.js';
import { makeReport } from './rep-corners.js';

const scenario: Scenario = {
  tenant: 'repcat',
  prepare: (oracle, tenant) => addReportMetadata(oracle, tenant, true),
  async run(rec) {
    await rec.login('login', 'tester', 'tester-pass-1');
    const { type, column: req, record } = schemaCalls(rec, 'd_new_', 'd_req_');
    const order = await type('order', 'Order', 3);
    const amountT = await type('amount', 'Amount', 14);
    const qtyT = await type('qty', 'Qty', 13);
    const noteT = await type('note', 'Note', 3);
    const amount = await req('order_amount', order, amountT);
    const qty = await req('order_qty', order, qtyT);
    const note = await req('order_note', order, noteT);
    const rec1 = (key: string, cells: Cells) => record(key, order, cells);
    const o = (key: string, no: string, amt: string, q: string, n: string) =>
      rec1(key, { [`t${order}`]: no, [`t${amount}`]: amt, [`t${qty}`]: q, [`t${note}`]: n });
    await o('o1', 'O-1', '100', '3', 'first');
    await o('o2', 'O-2', '50.5', '1', '');
    await o('o3', 'O-3', '7', '', '  padded  ');
    await o('o4', 'O-4', '', '5', 'Mixed Case');

    const real: [number, Cells][] = [
      [order, { t100: 'no', t101: 'ono' }], [amount, { t100: 'amount', t101: 'amt' }], [qty, { t100: 'qty', t101: 'qn' }], [note, { t100: 'note', t101: 'nt' }],
    ];
    const calc = (name: string, formula: string): [number, Cells] => [0, { t100: name, t101: formula }];
    const cat = await makeReport(rec, 'cat', {}, [
      ...real,
      calc('c_concat', "CONCAT(ono, ' / ', amt)"),
      calc('c_concat_num', "CONCAT(ono, '-', qn * 2)"),
      calc('c_concat_null', 'CONCAT(ono, nt)'),
      calc('c_concat_ws', "CONCAT_WS('|', ono, nt, qn)"),
      calc('c_ifnull', "IFNULL(nt, 'none')"),
      calc('c_if', "IF(qn > 2, 'many', 'few')"),
      calc('c_left', 'LEFT(ono, 1)'),
      calc('c_right', 'RIGHT(ono, 1)'),
      calc('c_replace', "REPLACE(ono, 'O-', '#')"),
      calc('c_trim', "CONCAT('[', TRIM(nt), ']')"),
      calc('c_floor', 'FLOOR(amt / 3)'),
      calc('c_ceiling', 'CEILING(amt / 3)'),
    ]);
    await rec.call('cat_json', 'GET', `/report/${cat}?JSON`);
    await rec.call('cat_kv', 'GET', `/report/${cat}?JSON_KV`);
    await rec.call('cat_kv_fr', 'GET', `/report/${cat}?JSON_KV&FR_c_if=many`);
    await rec.call('cat_kv_order', 'GET', `/report/${cat}?JSON_KV&ORDER=-${rec.ids['cat.col5']}`);
  },
};

export default scenario;
