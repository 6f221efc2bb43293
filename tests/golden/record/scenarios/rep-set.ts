/**
 * "Set" (132) write-back of a report: columns with a Set expression on a text cell (one record
 * without it) and on a number cell, the report run without confirmation, confirmed, and again.
 */
import { schemaCalls, type Cells } from './schema-calls.js';
import type { Scenario } from '../run.js';
import { addReportMetadata } from './report-echo.js';
import { makeReport } from './rep-corners.js';

const scenario: Scenario = {
  tenant: 'repset',
  prepare: (oracle, tenant) => addReportMetadata(oracle, tenant, true),
  async run(rec) {
    await rec.login('login', 'tester', 'tester-pass-1');
    const { type, column: req, record } = schemaCalls(rec, 'd_new_', 'd_req_');
    const order = await type('order', 'Order', 3);
    const qtyT = await type('qty', 'Qty', 13);
    const noteT = await type('note', 'Note', 3);
    const qty = await req('order_qty', order, qtyT);
    const note = await req('order_note', order, noteT);
    const rec1 = (key: string, cells: Cells) => record(key, order, cells);
    await rec1('o1', { [`t${order}`]: 'O-1', [`t${qty}`]: '3', [`t${note}`]: 'first' });
    await rec1('o2', { [`t${order}`]: 'O-2', [`t${qty}`]: '1' });
    const set = await makeReport(rec, 'setnote', {}, [
      [order, { t100: 'no' }],
      [note, { t100: 'note', t132: "'done'" }],
      [qty, { t100: 'qty', t132: '[THIS]+1' }],
    ]);
    await rec.call('set_preview_kv', 'GET', `/report/${set}?JSON_KV`);
    await rec.call('set_preview_json', 'GET', `/report/${set}?JSON`);
    await rec.call('set_confirmed_kv', 'POST', `/report/${set}?JSON_KV&confirmed`, { form: {} });
    await rec.call('set_after_kv', 'GET', `/report/${set}?JSON_KV`);
    await rec.call('list_after', 'GET', `/object/${order}?JSON_DATA`);
  },
};

export default scenario;
