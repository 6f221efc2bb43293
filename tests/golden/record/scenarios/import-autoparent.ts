/**
 * The plain (`DATA`) import into a subordinate table with `autoParent=<parent table>`: each line's first
 * field names the parent record (by value, or by id), the rest is the record; `createParent` makes a
 * missing parent, otherwise the line is skipped with a warning; an emptied value under a unique table
 * removes the parent's record; a wrong or unrelated parent table is refused.
 */
import type { Scenario } from '../run.js';

const scenario: Scenario = {
  tenant: 'imapr',
  login: 'imapr',
  password: 'owner-pass-1',
  async run(rec) {
    await rec.login('auth_owner', 'imapr', 'owner-pass-1');
    const order = rec.idOf(await rec.call('d_new_order', 'POST', '/_d_new?JSON', { form: { val: 'Заказ', t: 3 } }), 'order');
    const item = rec.idOf(await rec.call('d_new_item', 'POST', '/_d_new?JSON', { form: { val: 'Позиция', t: 3 } }), 'item');
    const qty = rec.idOf(await rec.call('d_new_qty', 'POST', '/_d_new?JSON', { form: { val: 'Кол-во', t: 13 } }), 'qty');
    rec.idOf(await rec.call('d_req_item_qty', 'POST', `/_d_req/${item}?JSON`, { form: { t: qty } }), 'item_qty', 'id');
    rec.idOf(await rec.call('d_req_order_item', 'POST', `/_d_req/${order}?JSON`, { form: { t: item } }), 'order_item', 'id');
    const o1 = rec.idOf(await rec.call('m_new_order_1', 'POST', `/_m_new/${order}?JSON`, { form: { up: 1, [`t${order}`]: 'O-1' } }), 'O1');
    rec.idOf(await rec.call('m_new_order_2', 'POST', `/_m_new/${order}?JSON`, { form: { up: 1, [`t${order}`]: 'O-2' } }), 'O2');
    await rec.call('m_new_item_o1', 'POST', `/_m_new/${item}?JSON`, { form: { up: o1, [`t${item}`]: 'bolt', [`t${qty}`]: 1 } });
    const csv = (content: string) => ({ filename: 'items.csv', content, contentType: 'text/csv' });
    const file = ['DATA', 'O-1;nut;5;', `${o1};gear;2;`, 'O-2;axle;1;', 'O-9;rim;3;', 'O-2;wheel', ';4;', ''].join('\r\n');
    await rec.call('import_auto_parent', 'POST', `/object/${item}?JSON&import=1`, { multipart: { autoParent: String(order), bki_file: csv(file) } });
    await rec.call('list_items_o1', 'GET', `/object/${item}?JSON_DATA&F_U=${o1}`);
    await rec.call('import_create_parent', 'POST', `/object/${item}?JSON&import=1`, { multipart: { autoParent: String(order), createParent: '1', bki_file: csv('DATA\r\nO-9;rim;3;\r\nO-9;tyre;4;\r\n') } });
    await rec.call('import_empty_value', 'POST', `/object/${item}?JSON&import=1`, { multipart: { autoParent: String(order), bki_file: csv('DATA\r\nO-1;;7;\r\n') } });
    await rec.call('list_orders', 'GET', `/object/${order}?JSON_DATA`);
    await rec.call('list_items_all', 'GET', `/object/${item}?JSON_DATA&F_U=0`);
    await rec.call('import_parent_type_zero', 'POST', `/object/${item}?JSON&import=1`, { multipart: { autoParent: '0', bki_file: csv('DATA\r\nO-1;x;1;\r\n') } });
    await rec.call('import_parent_unrelated', 'POST', `/object/${item}?JSON&import=1`, { multipart: { autoParent: String(qty), bki_file: csv('DATA\r\nO-1;x;1;\r\n') } });

    // a unique subordinate table: an emptied value removes the parent's record
    const line = rec.idOf(await rec.call('d_new_line', 'POST', '/_d_new?JSON', { form: { val: 'Строка', t: 3, unique: 1 } }), 'line');
    rec.idOf(await rec.call('d_req_order_line', 'POST', `/_d_req/${order}?JSON`, { form: { t: line } }), 'order_line', 'id');
    await rec.call('import_unique_lines', 'POST', `/object/${line}?JSON&import=1`, { multipart: { autoParent: String(order), bki_file: csv('DATA\r\nO-1;first;\r\nO-2;second;\r\nO-1;first;\r\n') } });
    await rec.call('import_unique_emptied', 'POST', `/object/${line}?JSON&import=1`, { multipart: { autoParent: String(order), bki_file: csv('DATA\r\nO-1;;\r\nO-9;;\r\n') } });
    await rec.call('list_lines_all', 'GET', `/object/${line}?JSON_DATA&F_U=0`);
  },
};
export default scenario;
