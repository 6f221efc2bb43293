/**
 * Sub-reports: a report named in brackets (`[total]`) inside another report's formula or stored
 * filter, which the engine compiles into its SQL as a subquery: a single value in arithmetic, alone,
 * quoted, nested (a sub-report using a sub-report), as a filter value; one returning several rows or
 * several columns, and a name that is no report; the request's filters on the outer run.
 */
import { schemaCalls, type Cells } from './schema-calls.js';
import type { Scenario } from '../run.js';
import { addReportMetadata } from './report-echo.js';
import { makeReport } from './rep-corners.js';

const FN = { SUM: 73, COUNT: 74, MAX: 75 } as const;

const scenario: Scenario = {
  tenant: 'repsub',
  prepare: (oracle, tenant) => addReportMetadata(oracle, tenant, true),
  async run(rec) {
    await rec.login('login', 'tester', 'tester-pass-1');
    const { type, column: req, reference: ref, record } = schemaCalls(rec, 'd_new_', 'd_req_');
    const client = await type('client', 'Client', 3);
    const order = await type('order', 'Order', 3);
    const amountT = await type('amount', 'Amount', 14);
    const orderClient = await req('order_client', order, await ref('client_ref', client));
    const amount = await req('order_amount', order, amountT);
    const rec1 = (key: string, table: number, cells: Cells) => record(key, table, cells);
    const alice = await rec1('alice', client, { [`t${client}`]: 'Alice' });
    const bob = await rec1('bob', client, { [`t${client}`]: 'Bob' });
    const o = (key: string, no: string, who: number, amt: string) =>
      rec1(key, order, { [`t${order}`]: no, [`t${orderClient}`]: who, [`t${amount}`]: amt });
    await o('o1', 'O-1', alice, '100');
    await o('o2', 'O-2', alice, '50');
    await o('o3', 'O-3', bob, '250');
    await o('o4', 'O-4', bob, '100');

    // the sub-reports
    const total = await makeReport(rec, 'total', {}, [[amount, { t100: 'amount', t104: FN.SUM }]]);
    await rec.call('total_kv', 'GET', `/report/${total}?JSON_KV`);
    await makeReport(rec, 'top', {}, [[amount, { t100: 'top_amount', t104: FN.MAX }]]);
    await makeReport(rec, 'half', {}, [[0, { t100: 'half', t101: '[total]/2' }]]);
    await makeReport(rec, 'numbers', {}, [[order, { t100: 'no' }]]);
    await makeReport(rec, 'pair', {}, [[amount, { t100: 'a', t104: FN.SUM }], [order, { t100: 'n', t104: FN.COUNT }]]);
    await makeReport(rec, 'none', {}, [[amount, { t100: 'amount', t102: '>100000' }]]);

    const share = await makeReport(rec, 'share', {}, [
      [order, { t100: 'no' }],
      [amount, { t100: 'amount', t101: 'amt' }],
      [0, { t100: 'pct', t101: 'amt*100/[total]' }],
      [0, { t100: 'all', t101: '[total]' }],
      [0, { t100: 'quoted', t101: "'[total]'" }],
    ]);
    await rec.call('share_kv', 'GET', `/report/${share}?JSON_KV`);
    await rec.call('share_json', 'GET', `/report/${share}?JSON`);
    await rec.call('share_fr_amount', 'GET', `/report/${share}?JSON_KV&FR_amount=%3E60`);
    await rec.call('share_fr_no', 'GET', `/report/${share}?JSON_KV&FR_no=O-3`);
    const nested = await makeReport(rec, 'nested', {}, [[order, { t100: 'no' }], [0, { t100: 'h', t101: '[half]+1' }]]);
    await rec.call('nested_kv', 'GET', `/report/${nested}?JSON_KV`);
    const byTop = await makeReport(rec, 'by_top', {}, [[order, { t100: 'no' }], [amount, { t100: 'amt', t102: '[top]' }]]);
    await rec.call('by_top_kv', 'GET', `/report/${byTop}?JSON_KV`);
    const aboveHalf = await makeReport(rec, 'above_half', {}, [[order, { t100: 'no' }], [amount, { t100: 'amt', t102: '>[half]' }]]);
    await rec.call('above_half_kv', 'GET', `/report/${aboveHalf}?JSON_KV`);
    const grouped = await makeReport(rec, 'grouped', {}, [
      [orderClient, { t100: 'client' }],
      [amount, { t100: 'sum', t104: FN.SUM, t101: 'amt' }],
      [0, { t100: 'pct', t101: 'ROUND(SUM(amt)*100/[total])' }],
    ]);
    await rec.call('grouped_kv', 'GET', `/report/${grouped}?JSON_KV`);
    const many = await makeReport(rec, 'many_rows', {}, [[order, { t100: 'no' }], [0, { t100: 'x', t101: '[numbers]' }]]);
    await rec.call('many_rows_kv', 'GET', `/report/${many}?JSON_KV`);
    const cols = await makeReport(rec, 'many_cols', {}, [[order, { t100: 'no' }], [0, { t100: 'x', t101: '[pair]' }]]);
    await rec.call('many_cols_kv', 'GET', `/report/${cols}?JSON_KV`);
    const empty = await makeReport(rec, 'empty_sub', {}, [[order, { t100: 'no' }], [0, { t100: 'x', t101: '[none]' }]]);
    await rec.call('empty_sub_kv', 'GET', `/report/${empty}?JSON_KV`);
    const unknown = await makeReport(rec, 'unknown_sub', {}, [[order, { t100: 'no' }], [0, { t100: 'x', t101: '[nosuch]' }]]);
    await rec.call('unknown_sub_kv', 'GET', `/report/${unknown}?JSON_KV`);
  },
};

export default scenario;
