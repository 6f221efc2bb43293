/**
 * The request's `i<table id>=<record id>` on a report run: the engine's `%<table>_OBJ_ID%` places.
 * For the report's first table it is the one condition on that table (its record by id); for another
 * table of the report it is one more condition on that table's join. A value that is 0 or no number
 * leaves the place in the engine's SQL (its SQL error). Each JSON shape once, a filter and a count.
 */
import { schemaCalls, type Cells } from './schema-calls.js';
import type { Scenario } from '../run.js';
import { addReportMetadata } from './report-echo.js';
import { makeReport } from './rep-corners.js';

const SUM = 73;

const scenario: Scenario = {
  tenant: 'repobj',
  prepare: (oracle, tenant) => addReportMetadata(oracle, tenant, true),
  async run(rec) {
    await rec.login('login', 'tester', 'tester-pass-1');
    const { type, column: req, reference: ref, record } = schemaCalls(rec, 'd_new_', 'd_req_');
    const client = await type('client', 'Client', 3);
    const order = await type('order', 'Order', 3);
    const orderClient = await req('order_client', order, await ref('client_ref', client));
    const amount = await req('order_amount', order, await type('amount', 'Amount', 14));
    const rec1 = (key: string, table: number, cells: Cells) => record(key, table, cells);
    const alice = await rec1('alice', client, { [`t${client}`]: 'Alice' });
    const bob = await rec1('bob', client, { [`t${client}`]: 'Bob' });
    const o = (key: string, no: string, who: number, amt: string) => rec1(key, order, { [`t${order}`]: no, [`t${orderClient}`]: who, [`t${amount}`]: amt });
    await o('o1', 'O-1', alice, '100');
    const o2 = await o('o2', 'O-2', bob, '40');
    await o('o3', 'O-3', alice, '25');

    const orders = await makeReport(rec, 'orders', {}, [[order, { t100: 'no' }], [orderClient, { t100: 'client' }], [amount, { t100: 'amount' }]]);
    const byClient = await makeReport(rec, 'by_client', {}, [[orderClient, { t100: 'client' }], [amount, { t100: 'total', t104: SUM }]]);
    const withClient = await makeReport(rec, 'with_client', {}, [[order, { t100: 'no' }], [client, { t100: 'client' }]]);
    const run = (key: string, id: number, query: string) => rec.call(key, 'GET', `/report/${id}?${query}`);
    await run('orders_i_master_kv', orders, `JSON_KV&i${order}=${o2}`);
    await run('orders_i_master_json', orders, `JSON&i${order}=${o2}`);
    await run('orders_i_master_data', orders, `JSON_DATA&i${order}=${o2}`);
    await run('orders_i_master_count', orders, `JSON&RECORD_COUNT&i${order}=${o2}`);
    await run('orders_i_master_filter', orders, `JSON_KV&i${order}=${o2}&FR_amount=100`);
    await run('orders_i_other_record', orders, `JSON_KV&i${order}=${alice}`);
    await run('orders_i_joined_kv', orders, `JSON_KV&i${client}=${alice}`);
    await run('orders_i_joined_bob_kv', orders, `JSON_KV&i${client}=${bob}`);
    await run('orders_i_unrelated_kv', orders, `JSON_KV&i999=${alice}`);
    await run('orders_i_post_kv', orders, `JSON_KV`);
    await rec.call('orders_i_post_form_kv', 'POST', `/report/${orders}?JSON_KV`, { form: { [`i${order}`]: String(o2) } });
    await run('by_client_i_joined_kv', byClient, `JSON_KV&i${client}=${alice}`);
    await run('with_client_kv', withClient, 'JSON_KV');
    await run('with_client_i_master_kv', withClient, `JSON_KV&i${order}=${o2}`);
    await run('with_client_i_other_table_kv', withClient, `JSON_KV&i${client}=${bob}`);
    await run('orders_i_zero_kv', orders, `JSON_KV&i${order}=0`);
    await run('orders_i_text_kv', orders, `JSON_KV&i${order}=abc`);
  },
};

export default scenario;
