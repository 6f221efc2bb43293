/**
 * FROM records (table 44) of a report: a table the columns cannot reach through references, joined
 * by the FROM record's JOIN ON (266) text, with or without an alias (265) that columns name in their
 * own ALIAS (58); the same table twice under two aliases; a FROM record without JOIN ON; a JOIN ON
 * that needs a cell joined later in the column order; the main table is still the first column's.
 */
import { schemaCalls, type Cells } from './schema-calls.js';
import type { Scenario } from '../run.js';
import { addReportMetadata } from './report-echo.js';
import { makeReport } from './rep-corners.js';

const FN = { SUM: 73, COUNT: 74 } as const;

const scenario: Scenario = {
  tenant: 'repfrom',
  prepare: (oracle, tenant) => addReportMetadata(oracle, tenant, true),
  async run(rec) {
    await rec.login('login', 'tester', 'tester-pass-1');
    const { type, column: req, record: rec1 } = schemaCalls(rec, 'd_new_', 'd_req_');
    const client = await type('client', 'Client', 3);
    const order = await type('order', 'Order', 3);
    const buyerT = await type('buyer', 'Buyer', 3);
    const sellerT = await type('seller', 'Seller', 3);
    const amountT = await type('amount', 'Amount', 14);
    const phoneT = await type('phone', 'Phone', 3);
    const buyer = await req('order_buyer', order, buyerT);
    const seller = await req('order_seller', order, sellerT);
    const amount = await req('order_amount', order, amountT);
    const phone = await req('client_phone', client, phoneT);

    await rec1('alice', client, { [`t${client}`]: 'Alice', [`t${phone}`]: '111' });
    await rec1('bob', client, { [`t${client}`]: 'Bob', [`t${phone}`]: '222' });
    await rec1('carol', client, { [`t${client}`]: 'Carol' });
    const o = (key: string, no: string, b: string, s: string, amt: string) =>
      rec1(key, order, { [`t${order}`]: no, [`t${buyer}`]: b, [`t${seller}`]: s, [`t${amount}`]: amt });
    await o('o1', 'O-1', 'Alice', 'Bob', '100');
    await o('o2', 'O-2', 'Bob', 'Alice', '50');
    await o('o3', 'O-3', 'Alice', 'Carol', '30');
    await o('o4', 'O-4', 'Dave', 'Bob', '7');
    await o('o5', 'O-5', '', 'Alice', '1');

    const from = async (key: string, report: number, table: number, cells: Cells) => {
      const id = rec.idOf(await rec.call(`${key}_new`, 'POST', '/_m_new/44?JSON', { form: { up: report, t44: table } }), key);
      if (Object.keys(cells).length) await rec.call(`${key}_set`, 'POST', `/_m_set/${id}?JSON`, { form: cells });
      return id;
    };

    // a FROM table joined on a cell of the main table
    const plain = await makeReport(rec, 'plain', {}, [
      [order, { t100: 'order_no' }], [buyer, { t100: 'buyer' }], [amount, { t100: 'amount' }], [client, { t100: 'client' }], [phone, { t100: 'phone' }],
    ]);
    await from('plain_from', plain, client, { t266: `a${client}.val=a${buyer}.val` });
    await rec.call('plain_json', 'GET', `/report/${plain}?JSON`);
    await rec.call('plain_kv', 'GET', `/report/${plain}?JSON_KV`);
    await rec.call('plain_kv_fr_phone', 'GET', `/report/${plain}?JSON_KV&FR_phone=111`);
    await rec.call('plain_kv_order', 'GET', `/report/${plain}?JSON_KV&ORDER=-phone`);
    await rec.call('plain_count', 'GET', `/report/${plain}?JSON&RECORD_COUNT`);

    // grouped by the joined table
    const grouped = await makeReport(rec, 'grouped', {}, [
      [order, { t100: 'orders', t104: FN.COUNT }], [buyer, { t100: 'buyer' }], [client, { t100: 'client' }], [amount, { t100: 'total', t104: FN.SUM }],
    ]);
    await from('grouped_from', grouped, client, { t266: `a${client}.val=a${buyer}.val` });
    await rec.call('grouped_kv', 'GET', `/report/${grouped}?JSON_KV`);

    // the same table twice, under two aliases named by the columns
    const twice = await makeReport(rec, 'twice', {}, [
      [order, { t100: 'order_no' }], [buyer, { t100: 'b' }], [seller, { t100: 's' }],
      [client, { t100: 'buyer_name', t58: 'bu' }], [phone, { t100: 'buyer_phone', t58: 'bu' }],
      [client, { t100: 'seller_name', t58: 'se' }], [phone, { t100: 'seller_phone', t58: 'se' }],
    ]);
    await from('twice_from_bu', twice, client, { t265: 'bu', t266: `abu.val=a${buyer}.val` });
    await from('twice_from_se', twice, client, { t265: 'se', t266: `ase.val=a${seller}.val` });
    await rec.call('twice_json', 'GET', `/report/${twice}?JSON`);
    await rec.call('twice_kv', 'GET', `/report/${twice}?JSON_KV`);
    await rec.call('twice_kv_fr', 'GET', `/report/${twice}?JSON_KV&FR_seller_phone=111`);

    // the JOIN ON needs a cell whose column comes after the FROM table's column
    const later = await makeReport(rec, 'later', {}, [
      [order, { t100: 'order_no' }], [client, { t100: 'client' }], [seller, { t100: 's' }],
    ]);
    await from('later_from', later, client, { t266: `a${client}.val=a${seller}.val` });
    await rec.call('later_kv', 'GET', `/report/${later}?JSON_KV`);

    // a FROM record without JOIN ON for a table no column links to
    const nojoin = await makeReport(rec, 'nojoin', {}, [[order, { t100: 'order_no' }], [client, { t100: 'client' }]]);
    await from('nojoin_from', nojoin, client, {});
    await rec.call('nojoin_kv', 'GET', `/report/${nojoin}?JSON_KV`);

    // a FROM record of the main table (its JOIN ON does not apply) and the first column's table stays the main one
    const mainFrom = await makeReport(rec, 'mainfrom', {}, [[order, { t100: 'order_no' }], [amount, { t100: 'amount' }]]);
    await from('mainfrom_from', mainFrom, order, {});
    await rec.call('mainfrom_kv', 'GET', `/report/${mainFrom}?JSON_KV`);
    const clientFirst = await makeReport(rec, 'clientfirst', {}, [[client, { t100: 'client' }], [order, { t100: 'order_no' }], [buyer, { t100: 'b' }]]);
    await from('clientfirst_from', clientFirst, order, { t266: `a${order}.id>0 AND a${order}.up=a${client}.up` });
    await rec.call('clientfirst_kv', 'GET', `/report/${clientFirst}?JSON_KV`);
    await rec.call('report_list', 'GET', '/object/22?JSON_DATA');
  },
};

export default scenario;
