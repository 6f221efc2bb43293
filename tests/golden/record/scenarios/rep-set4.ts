/**
 * "Set" (132) on what is not the main table's own cell: a cell of a table joined through a
 * reference (the client's city, some clients with one, some without, one order without a client),
 * the joined table's own value (the client's name), and a grouped report (SUM by client) with a
 * Set on a grouped column and on the aggregated one. Each previewed, run confirmed, and listed after.
 */
import { schemaCalls, type Cells } from './schema-calls.js';
import type { Scenario } from '../run.js';
import { addReportMetadata } from './report-echo.js';
import { makeReport } from './rep-corners.js';
import { runSet } from './rep-set3.js';

const SUM = 73;

const scenario: Scenario = {
  tenant: 'repset4',
  prepare: (oracle, tenant) => addReportMetadata(oracle, tenant, true),
  async run(rec) {
    await rec.login('login', 'tester', 'tester-pass-1');
    const { type, column: req, reference: ref, record } = schemaCalls(rec, 'd_new_', 'd_req_');
    const client = await type('client', 'Client', 3);
    const order = await type('order', 'Order', 3);
    const city = await req('client_city', client, await type('city', 'City', 3));
    const orderClient = await req('order_client', order, await ref('client_ref', client));
    const amount = await req('order_amount', order, await type('amount', 'Amount', 13));
    const note = await req('order_note', order, await type('note', 'Note', 3));
    const rec1 = (key: string, table: number, cells: Cells) => record(key, table, cells);
    const alice = await rec1('alice', client, { [`t${client}`]: 'Alice', [`t${city}`]: 'Rome' });
    const bob = await rec1('bob', client, { [`t${client}`]: 'Bob' });
    await rec1('o1', order, { [`t${order}`]: 'O-1', [`t${orderClient}`]: alice, [`t${amount}`]: '10', [`t${note}`]: 'a' });
    await rec1('o2', order, { [`t${order}`]: 'O-2', [`t${orderClient}`]: bob, [`t${amount}`]: '5' });
    await rec1('o3', order, { [`t${order}`]: 'O-3', [`t${amount}`]: '7' });
    await rec1('o4', order, { [`t${order}`]: 'O-4', [`t${orderClient}`]: alice, [`t${amount}`]: '1' });

    const run = (key: string, id: number) => runSet(rec, key, id, [['orders', order], ['clients', client]]);
    await run('joined_cell', await makeReport(rec, 'joined_cell', {}, [
      [order, { t100: 'no' }],
      [orderClient, { t100: 'client' }],
      [city, { t100: 'city', t132: "'Oslo'" }],
    ]));
    await run('joined_value', await makeReport(rec, 'joined_value', {}, [
      [order, { t100: 'no' }],
      [client, { t100: 'client', t132: "CONCAT([THIS],'+')" }],
    ]));
    await run('grouped_key', await makeReport(rec, 'grouped_key', {}, [
      [orderClient, { t100: 'client' }],
      [amount, { t100: 'total', t104: SUM }],
      [note, { t100: 'note', t132: "'g'" }],
    ]));
    await run('grouped_sum', await makeReport(rec, 'grouped_sum', {}, [
      [orderClient, { t100: 'client' }],
      [amount, { t100: 'total', t104: SUM, t132: '[THIS]+1' }],
    ]));
  },
};

export default scenario;
