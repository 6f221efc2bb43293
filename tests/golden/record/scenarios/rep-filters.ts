/**
 * The forms a report filter value (FR_/TO_ of the request, as the engine's Construct_WHERE reads
 * them) takes beyond comparisons and LIKE: IN(…) lists, @<id> and @IN(<ids>) by record id (on the
 * main table and on a reference), % alone (has a value) and !% (has none), a..b ranges on numbers,
 * and the same text as FR_ and TO_ (one condition). (REGEXP: is in rep-regexp.)
 */
import { schemaCalls, type Cells } from './schema-calls.js';
import type { Scenario } from '../run.js';
import { addReportMetadata } from './report-echo.js';
import { makeReport } from './rep-corners.js';

const scenario: Scenario = {
  tenant: 'repflt',
  prepare: (oracle, tenant) => addReportMetadata(oracle, tenant, true),
  async run(rec) {
    await rec.login('login', 'tester', 'tester-pass-1');
    const { type, column: req, reference: ref, record } = schemaCalls(rec, 'd_new_', 'd_req_');
    const client = await type('client', 'Client', 3);
    const order = await type('order', 'Order', 3);
    const amountT = await type('amount', 'Amount', 14);
    const noteT = await type('note', 'Note', 3);
    const orderClient = await req('order_client', order, await ref('client_ref', client));
    const amount = await req('order_amount', order, amountT);
    const note = await req('order_note', order, noteT);
    const rec1 = (key: string, table: number, cells: Cells) => record(key, table, cells);
    const alice = await rec1('alice', client, { [`t${client}`]: 'Alice' });
    const bob = await rec1('bob', client, { [`t${client}`]: 'Bob' });
    const o = (key: string, no: string, who: number | '', amt: string, n: string) =>
      rec1(key, order, { [`t${order}`]: no, [`t${orderClient}`]: who, [`t${amount}`]: amt, [`t${note}`]: n });
    const o1 = await o('o1', 'O-1', alice, '100', 'red');
    await o('o2', 'O-2', alice, '50', '');
    const o3 = await o('o3', 'O-3', bob, '250', 'blue');
    await o('o4', 'O-4', '', '20', 'Red wine');

    const rep = await makeReport(rec, 'flt', {}, [
      [order, { t100: 'no' }], [orderClient, { t100: 'client' }], [amount, { t100: 'amount' }], [note, { t100: 'note' }],
    ]);
    const kv = (key: string, query: string) => rec.call(key, 'GET', `/report/${rep}?JSON_KV&${query}`);
    const e = encodeURIComponent;
    await kv('in_text', `FR_no=${e('IN(O-1,O-3)')}`);
    await kv('in_quoted', `FR_no=${e("IN('O-1','O-4')")}`);
    await kv('in_not', `FR_no=${e('!IN(O-1,O-3)')}`);
    await kv('in_numbers', `FR_amount=${e('IN(50,250)')}`);
    await kv('in_ref', `FR_client=${e('IN(Bob)')}`);
    await kv('at_main', `FR_no=${e(`@${o3}`)}`);
    await kv('at_main_not', `FR_no=${e(`!@${o3}`)}`);
    await kv('at_in_main', `FR_no=${e(`@IN(${o1},${o3})`)}`);
    await kv('at_ref', `FR_client=${e(`@${bob}`)}`);
    await kv('at_ref_not', `FR_client=${e(`!@${alice}`)}`);
    await kv('at_in_ref', `FR_client=${e(`@IN(${alice},${bob})`)}`);
    await kv('pct_has', `FR_note=${e('%')}`);
    await kv('pct_none', `FR_note=${e('!%')}`);
    await kv('pct_ref_none', `FR_client=${e('!%')}`);
    await kv('range_dots', `FR_amount=${e('40..150')}`);
    await kv('same_fr_to_like', `FR_note=${e('%ed%')}&TO_note=${e('%ed%')}`);
    await kv('same_fr_to_num', `FR_amount=100&TO_amount=100`);
    await kv('not_text', `FR_note=${e('!red')}`);
  },
};

export default scenario;
