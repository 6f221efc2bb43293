/**
 * A subordinate table's list with F_U=0 (or below): every record under a record or under the root,
 * never the table's requisite rows; no ORDER BY in the engine, so MySQL's (t, val) index gives the
 * order (by value, equal values by id). Every JSON shape, a count, paging, a filter, an explicit order.
 */
import type { Scenario } from '../run.js';
import { schemaCalls } from './schema-calls.js';

const scenario: Scenario = {
  tenant: 'sbsall',
  async run(rec) {
    await rec.login('login', 'tester', 'tester-pass-1');
    const { type, column } = schemaCalls(rec);
    const order = await type('order', 'Заказ', 3);
    const invoice = await type('invoice', 'Счёт', 3);
    const item = await type('item', 'Позиция', 3);
    const qty = await type('qty', 'Кол-во', 13);
    const qtyReq = await column('item_qty', item, qty);
    await column('order_items', order, item);
    await column('invoice_items', invoice, item);
    const o1 = rec.idOf(await rec.call('m_new_order_1', 'POST', `/_m_new/${order}?JSON`, { form: { up: 1, [`t${order}`]: 'O-1' } }), 'O1');
    const o2 = rec.idOf(await rec.call('m_new_order_2', 'POST', `/_m_new/${order}?JSON`, { form: { up: 1, [`t${order}`]: 'O-2' } }), 'O2');
    const inv = rec.idOf(await rec.call('m_new_invoice', 'POST', `/_m_new/${invoice}?JSON`, { form: { up: 1, [`t${invoice}`]: 'INV' } }), 'INV');
    const items: [string, number, string, number][] = [
      ['zeta', o1, 'zeta', 3], ['alpha_1', o1, 'alpha', 5], ['beta', o2, 'Beta', 1], ['alpha_2', o2, 'alpha', 2],
      ['yozh', inv, 'ёж', 7], ['ezh', o1, 'еж', 4], ['num', inv, '10', 9], ['num2', o2, '9', 6], ['root', 1, 'mid', 8],
    ];
    for (const [key, up, val, q] of items) {
      rec.idOf(await rec.call(`m_new_item_${key}`, 'POST', `/_m_new/${item}?JSON`, { form: { up, [`t${item}`]: val, [`t${qtyReq}`]: q } }), key);
    }
    await rec.call('list_fu0_json', 'GET', `/object/${item}?JSON&F_U=0`);
    await rec.call('list_fu0_json_data', 'GET', `/object/${item}?JSON_DATA&F_U=0`);
    await rec.call('list_fu0_json_obj', 'GET', `/object/${item}?JSON_OBJ&F_U=0`);
    await rec.call('list_fu0_json_kv', 'GET', `/object/${item}?JSON_KV&F_U=0`);
    await rec.call('list_fu0_count', 'GET', `/object/${item}?JSON&_count&F_U=0`);
    await rec.call('list_fu_minus', 'GET', `/object/${item}?JSON_DATA&F_U=-3`);
    await rec.call('list_fu0_limit', 'GET', `/object/${item}?JSON_DATA&F_U=0&LIMIT=2,3`);
    await rec.call('list_fu0_order_qty', 'GET', `/object/${item}?JSON_DATA&F_U=0&ORDER=${qtyReq}`);
    await rec.call('list_fu0_order_val_desc', 'GET', `/object/${item}?JSON_DATA&F_U=0&order_val=val&desc=1`);
    await rec.call('list_fu0_filter_prefix', 'GET', `/object/${item}?JSON_DATA&F_U=0&F_${item}=a%25`);
    await rec.call('list_fu0_filter_qty', 'GET', `/object/${item}?JSON_DATA&F_U=0&FR_${qtyReq}=3`);
    await rec.call('list_fu0_csv', 'GET', `/object/${item}?JSON_DATA&F_U=0&F_I=${o1}`);
    await rec.call('list_orders_fu0', 'GET', `/object/${order}?JSON_DATA&F_U=0`);
  },
};
export default scenario;
