/**
 * "Set" (132) write-back beyond text and whole-number cells: a DATE cell (the value read as
 * `_m_set` reads a date), a decimal (SIGNED) cell, a reference cell set by the target's id, by an
 * existing target's value and by a value no target has (the engine creates it), and a Set whose
 * value is NULL (the engine deletes the cell); each previewed, run confirmed, and listed after.
 */
import { schemaCalls, type Cells } from './schema-calls.js';
import type { Scenario } from '../run.js';
import { addReportMetadata } from './report-echo.js';
import { makeReport } from './rep-corners.js';

const scenario: Scenario = {
  tenant: 'repset2',
  prepare: (oracle, tenant) => addReportMetadata(oracle, tenant, true),
  async run(rec) {
    await rec.login('login', 'tester', 'tester-pass-1');
    const { type, column: req, reference: ref, record } = schemaCalls(rec, 'd_new_', 'd_req_');
    const client = await type('client', 'Client', 3);
    const order = await type('order', 'Order', 3);
    const amountT = await type('amount', 'Amount', 14);
    const dateT = await type('odate', 'ODate', 9);
    const noteT = await type('note', 'Note', 3);
    const orderClient = await req('order_client', order, await ref('client_ref', client));
    const amount = await req('order_amount', order, amountT);
    const odate = await req('order_date', order, dateT);
    const note = await req('order_note', order, noteT);
    const rec1 = (key: string, table: number, cells: Cells) => record(key, table, cells);
    const alice = await rec1('alice', client, { [`t${client}`]: 'Alice' });
    const bob = await rec1('bob', client, { [`t${client}`]: 'Bob' });
    await rec1('o1', order, { [`t${order}`]: 'O-1', [`t${orderClient}`]: alice, [`t${amount}`]: '10.5', [`t${odate}`]: '2024-01-10', [`t${note}`]: 'one' });
    await rec1('o2', order, { [`t${order}`]: 'O-2', [`t${amount}`]: '3' });
    await rec1('o3', order, { [`t${order}`]: 'O-3', [`t${orderClient}`]: bob, [`t${odate}`]: '2024-02-20', [`t${note}`]: 'three' });

    const run = async (key: string, id: number) => {
      await rec.call(`${key}_preview`, 'GET', `/report/${id}?JSON_KV`);
      await rec.call(`${key}_confirmed`, 'POST', `/report/${id}?JSON_KV&confirmed`, { form: {} });
      await rec.call(`${key}_after`, 'GET', `/report/${id}?JSON_KV`);
      await rec.call(`${key}_list`, 'GET', `/object/${order}?JSON_DATA`);
    };
    await run('dates', await makeReport(rec, 'dates', {}, [
      [order, { t100: 'no' }],
      [odate, { t100: 'odate', t132: "'01.06.2024'" }],
      [amount, { t100: 'amount', t132: '[THIS]+0.25' }],
    ]));
    await run('ref_id', await makeReport(rec, 'ref_id', {}, [
      [order, { t100: 'no' }],
      [orderClient, { t100: 'client', t132: String(bob) }],
    ]));
    await run('ref_val', await makeReport(rec, 'ref_val', {}, [
      [order, { t100: 'no' }],
      [orderClient, { t100: 'client', t132: "'Alice'" }],
    ]));
    await run('ref_new', await makeReport(rec, 'ref_new', {}, [
      [order, { t100: 'no' }],
      [orderClient, { t100: 'client', t132: "'Carol'" }],
    ]));
    await rec.call('clients_after', 'GET', `/object/${client}?JSON_DATA`);
    await run('clear', await makeReport(rec, 'clear', {}, [
      [order, { t100: 'no' }],
      [note, { t100: 'note', t132: 'NULL' }],
    ]));
  },
};

export default scenario;
