/**
 * `REGEXP:<pattern>` filter values of reports (the engine's MySQL REGEXP, case-insensitive; `!` in
 * front keeps the rows without a value) for the patterns inside the subset both of our stores read
 * alike (server/engine/regexp-subset.ts): anchors, `.`, classes and ranges, alternation, groups,
 * bounded repetition, escaped punctuation, Cyrillic; on a text column, a reference, the main table's
 * value, in a stored filter; and on a number column, where the engine compares the text as it is.
 * Patterns outside the subset answer the report error in ours (tests/integration/engine/reports.test.ts).
 */
import { schemaCalls, type Cells } from './schema-calls.js';
import type { Scenario } from '../run.js';
import { addReportMetadata } from './report-echo.js';
import { makeReport } from './rep-corners.js';

const scenario: Scenario = {
  tenant: 'repregex',
  prepare: (oracle, tenant) => addReportMetadata(oracle, tenant, true),
  async run(rec) {
    await rec.login('login', 'tester', 'tester-pass-1');
    const { type, column: req, reference: ref, record } = schemaCalls(rec, 'd_new_', 'd_req_');
    const client = await type('client', 'Client', 3);
    const order = await type('order', 'Order', 3);
    const orderClient = await req('order_client', order, await ref('client_ref', client));
    const amount = await req('order_amount', order, await type('amount', 'Amount', 14));
    const note = await req('order_note', order, await type('note', 'Note', 3));
    const rec1 = (key: string, table: number, cells: Cells) => record(key, table, cells);
    const alice = await rec1('alice', client, { [`t${client}`]: 'Alice' });
    const bob = await rec1('bob', client, { [`t${client}`]: 'Борис' });
    const o = (key: string, no: string, who: number | '', amt: string, n: string) =>
      rec1(key, order, { [`t${order}`]: no, [`t${orderClient}`]: who, [`t${amount}`]: amt, [`t${note}`]: n });
    await o('o1', 'O-1', alice, '100', 'red wine');
    await o('o2', 'O-22', alice, '50', '');
    await o('o3', 'P-3', bob, '250', 'Blue sky (v1.2)');
    await o('o4', 'o-4', '', '20', 'RED');
    await o('o5', 'Q.5', bob, '1000', 'зелёный');

    const rep = await makeReport(rec, 'rx', {}, [[order, { t100: 'no' }], [orderClient, { t100: 'client' }], [amount, { t100: 'amount' }], [note, { t100: 'note' }]]);
    const kv = (key: string, query: string) => rec.call(key, 'GET', `/report/${rep}?JSON_KV&${query}`);
    const rx = (key: string, column: string, pattern: string) => kv(key, `FR_${column}=${encodeURIComponent(pattern)}`);
    await rx('anchor_start', 'no', 'REGEXP:^O');
    await rx('anchor_end_case', 'note', 'REGEXP:red$');
    await rx('dot', 'no', 'REGEXP:^.-.$');
    await rx('class_range', 'no', 'REGEXP:^[op]-[0-9]+$');
    await rx('negated_class', 'no', 'REGEXP:[^a-z0-9-]');
    await rx('alternation', 'note', 'REGEXP:red|blue');
    await rx('group_repeat', 'no', 'REGEXP:^(o-)?2{2}$');
    await rx('bounded', 'no', 'REGEXP:[0-9]{2,}');
    await rx('escaped', 'note', 'REGEXP:\\(v1\\.2\\)');
    await rx('escaped_dot', 'no', 'REGEXP:\\.');
    await rx('cyrillic', 'note', 'REGEXP:^зел');
    await rx('not', 'note', '!REGEXP:red');
    await rx('ref', 'client', 'REGEXP:^бор');
    await rx('ref_not', 'client', '!REGEXP:^a');
    await rx('number_column', 'amount', 'REGEXP:^1');
    await rx('number_column_not', 'amount', '!REGEXP:^1');
    await rx('lower_prefix_no', 'no', 'regexp:^o');
    const stored = await makeReport(rec, 'rx_stored', {}, [[order, { t100: 'no', t102: 'REGEXP:^[a-o]' }], [note, { t100: 'note' }]]);
    await rec.call('stored_kv', 'GET', `/report/${stored}?JSON_KV`);
  },
};

export default scenario;
