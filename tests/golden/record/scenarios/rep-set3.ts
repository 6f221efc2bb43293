/**
 * "Set" (132) values the engine writes as several records: a text value of several words into a
 * cell the row does not have yet (the engine splits it into one new cell per run of letters, digits
 * and spaces; an existing cell gets the whole text), and a reference value of several words (the
 * engine's multi-select fan-out: each word resolved to a record of the target table, created when
 * none has it; a row without the reference gets one reference per word, a row with one has it
 * replaced by the first word's record; the answer shows the word as written: `'alice'`). A new cell whose value has no such run is queued in the
 * engine's insert batch, which only a later split flushes (split_none: never; split_flush: by the
 * next column's new cells). Each previewed, run confirmed, and listed after.
 */
import { schemaCalls, type Cells } from './schema-calls.js';
import type { Scenario } from '../run.js';
import { addReportMetadata } from './report-echo.js';
import { makeReport } from './rep-corners.js';
import type { Recorder } from '../recorder.js';

/**
 * A report with a Set run as a user sees it: previewed, run confirmed, run again, then each table
 * listed (`lists`: a name for each call, the table's id)
 */
export async function runSet(rec: Recorder, key: string, id: number, lists: [string, number][]): Promise<void> {
  await rec.call(`${key}_preview`, 'GET', `/report/${id}?JSON_KV`);
  await rec.call(`${key}_confirmed`, 'POST', `/report/${id}?JSON_KV&confirmed`, { form: {} });
  await rec.call(`${key}_after`, 'GET', `/report/${id}?JSON_KV`);
  for (const [name, table] of lists) await rec.call(`${key}_${name}`, 'GET', `/object/${table}?JSON_DATA`);
}

const scenario: Scenario = {
  tenant: 'repset3',
  prepare: (oracle, tenant) => addReportMetadata(oracle, tenant, true),
  async run(rec) {
    await rec.login('login', 'tester', 'tester-pass-1');
    const { type, column: req, reference: ref, record } = schemaCalls(rec, 'd_new_', 'd_req_');
    const client = await type('client', 'Client', 3);
    const order = await type('order', 'Order', 3);
    const noteT = await type('note', 'Note', 3);
    const tagT = await type('tag', 'Tag', 3);
    const orderClient = await req('order_client', order, await ref('client_ref', client));
    const note = await req('order_note', order, noteT);
    const tag = await req('order_tag', order, tagT);
    const extra = await req('order_extra', order, await type('extra', 'Extra', 3));
    const rec1 = (key: string, table: number, cells: Cells) => record(key, table, cells);
    const alice = await rec1('alice', client, { [`t${client}`]: 'Alice' });
    const bob = await rec1('bob', client, { [`t${client}`]: 'Bob' });
    await rec1('o1', order, { [`t${order}`]: 'O-1', [`t${orderClient}`]: alice, [`t${note}`]: 'one' });
    await rec1('o2', order, { [`t${order}`]: 'O-2' });
    await rec1('o3', order, { [`t${order}`]: 'O-3', [`t${orderClient}`]: bob });

    const run = (key: string, id: number) => runSet(rec, key, id, [['list', order]]);
    await run('split', await makeReport(rec, 'split', {}, [
      [order, { t100: 'no' }],
      [note, { t100: 'note', t132: "'red, green; red'" }],
    ]));
    await run('split_none', await makeReport(rec, 'split_none', {}, [
      [order, { t100: 'no' }],
      [tag, { t100: 'tag', t132: "'#!'" }],
    ]));
    await run('split_flush', await makeReport(rec, 'split_flush', {}, [
      [order, { t100: 'no' }],
      [tag, { t100: 'tag', t132: "'#!'" }],
      [extra, { t100: 'extra', t132: "'k'" }],
    ]));
    await run('multi_ref', await makeReport(rec, 'multi_ref', {}, [
      [order, { t100: 'no' }],
      [orderClient, { t100: 'client', t132: "'Bob, Dave; dave'" }],
    ]));
    await run('ref_case', await makeReport(rec, 'ref_case', {}, [
      [order, { t100: 'no' }],
      [orderClient, { t100: 'client', t132: "'alice'" }],
    ]));
    await rec.call('clients_after', 'GET', `/object/${client}?JSON_DATA`);
  },
};

export default scenario;
