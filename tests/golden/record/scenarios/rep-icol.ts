/**
 * The request's `i<column id>=<id>` on a report run, the column being a requisite of the report's
 * table (a text cell, a reference) rather than a table: the engine's `%<id>_OBJ_ID%` place of that
 * column. Tried with the ids of the records, of their cells, 0 and a text.
 */
import { schemaCalls, type Cells } from './schema-calls.js';
import type { Scenario } from '../run.js';
import { addReportMetadata } from './report-echo.js';
import { makeReport } from './rep-corners.js';

const scenario: Scenario = {
  tenant: 'repicol',
  prepare: (oracle, tenant) => addReportMetadata(oracle, tenant, true),
  async run(rec) {
    await rec.login('login', 'tester', 'tester-pass-1');
    const { type, column: req, reference: ref, record } = schemaCalls(rec, 'd_new_', 'd_req_');
    const client = await type('client', 'Client', 3);
    const order = await type('order', 'Order', 3);
    const orderClient = await req('order_client', order, await ref('client_ref', client));
    const note = await req('order_note', order, await type('note', 'Note', 3));
    const rec1 = (key: string, table: number, cells: Cells) => record(key, table, cells);
    const alice = await rec1('alice', client, { [`t${client}`]: 'Alice' });
    const bob = await rec1('bob', client, { [`t${client}`]: 'Bob' });
    const o1 = await rec1('o1', order, { [`t${order}`]: 'O-1', [`t${orderClient}`]: alice, [`t${note}`]: 'one' });
    const o2 = await rec1('o2', order, { [`t${order}`]: 'O-2', [`t${orderClient}`]: bob, [`t${note}`]: 'two' });
    await rec1('o3', order, { [`t${order}`]: 'O-3', [`t${orderClient}`]: alice });

    const orders = await makeReport(rec, 'orders', {}, [[order, { t100: 'no' }], [orderClient, { t100: 'client' }], [note, { t100: 'note' }]]);
    const noteless = await makeReport(rec, 'noteless', {}, [[order, { t100: 'no' }], [orderClient, { t100: 'client' }]]);
    const run = (key: string, id: number, query: string) => rec.call(key, 'GET', `/report/${id}?${query}`);
    await run('orders_kv', orders, 'JSON_KV');
    for (let k = 0; k <= 3; k++) {
      await run(`orders_i_note_o1_plus${k}`, orders, `JSON_KV&i${note}=${o1 + k}`);
      await run(`orders_i_client_o1_plus${k}`, orders, `JSON_KV&i${orderClient}=${o1 + k}`);
    }
    await run('orders_i_note_o2_plus2', orders, `JSON_KV&i${note}=${o2 + 2}`);
    await run('orders_i_client_alice', orders, `JSON_KV&i${orderClient}=${alice}`);
    await run('orders_i_client_bob_json', orders, `JSON&i${orderClient}=${bob}`);
    await run('orders_i_note_count', orders, `JSON&RECORD_COUNT&i${note}=${o1 + 2}`);
    await run('orders_i_note_zero', orders, `JSON_KV&i${note}=0`);
    await run('orders_i_note_text', orders, `JSON_KV&i${note}=abc`);
    await run('noteless_i_note', noteless, `JSON_KV&i${note}=${o1 + 2}`);
    await rec.call('orders_i_note_post', 'POST', `/report/${orders}?JSON_KV`, { form: { [`i${note}`]: String(o2 + 2) } });
  },
};

export default scenario;
