/**
 * The `arr` of a card's requisites when the table has a subordinate column. The engine reads a
 * record's requisites with one query; when the table has a subordinate column (a column whose type
 * has columns of its own) that query counts rows per value (GROUP BY ... count(1) arr_num), so every
 * filled plain requisite comes back with `"arr":"1"` (a string) instead of `0`; references keep no
 * `arr`, the subordinate column its count as a number. A subordinate table without columns does not
 * count as one. Cards of: a record with every kind of value and subordinate records, the same table's
 * record with nothing filled, a record of a table without a subordinate column, a record of a table
 * whose only "subordinate" table has no columns, and a subordinate record itself; then the same card
 * for a user whose role writes Order but is barred from its subordinate column (still "1").
 */
import type { Scenario } from '../run.js';
import { schemaCalls } from './schema-calls.js';
import { addLevelColumn, grantRecords, NO_USER_DEFAULTS } from './grants-nonadmin.js';

const scenario: Scenario = {
  tenant: 'arrcard',
  prepare: (oracle) => addLevelColumn(oracle, 'arrcard'),
  async run(rec, oracle) {
    await rec.login('login', 'tester', 'tester-pass-1');
    const { type, column } = schemaCalls(rec);
    const order = await type('order', 'Order', 3);
    const client = await type('client', 'Client', 3);
    const item = await type('item', 'Item', 3);
    const tag = await type('tag', 'Tag', 3);
    const plain = await type('plain', 'Plain', 3);
    const loose = await type('loose', 'Loose', 3);
    const note = await type('note', 'Note', 3);
    const qty = await type('qty', 'Qty', 13);
    const when = await type('when', 'When', 9);
    const flag = await type('flag', 'Flag', 11);
    const memo = await type('memo', 'Memo', 12);
    const sum = await type('sum', 'Sum', 14);
    const refClient = rec.idOf(await rec.call('ref_client', 'POST', `/_d_ref/${client}?JSON`, { form: {} }), 'ref_client');

    const itemQty = await column('item_qty', item, qty);
    const orderNote = await column('order_note', order, note);
    const orderQty = await column('order_qty', order, qty);
    const orderWhen = await column('order_when', order, when);
    const orderFlag = await column('order_flag', order, flag);
    const orderMemo = await column('order_memo', order, memo);
    const orderSum = await column('order_sum', order, sum);
    const orderClient = await column('order_client', order, refClient);
    const orderItem = await column('order_item', order, item);
    const plainNote = await column('plain_note', plain, note);
    const plainQty = await column('plain_qty', plain, qty);
    const plainClient = await column('plain_client', plain, refClient);
    const looseNote = await column('loose_note', loose, note);
    await column('loose_tag', loose, tag);
    await rec.call('metadata_order', 'GET', `/metadata/${order}?JSON`);

    const c1 = rec.idOf(await rec.call('m_new_client', 'POST', `/_m_new/${client}?JSON`, { form: { up: 1, [`t${client}`]: 'Acme' } }), 'C1');
    const o1 = rec.idOf(await rec.call('m_new_order_full', 'POST', `/_m_new/${order}?JSON`, {
      form: {
        up: 1, [`t${order}`]: 'O-1', [`t${orderNote}`]: 'urgent', [`t${orderQty}`]: 3, [`t${orderWhen}`]: '05.06.2026',
        [`t${orderFlag}`]: 1, [`t${orderMemo}`]: 'two\nlines', [`t${orderSum}`]: -4, [`t${orderClient}`]: c1,
      },
    }), 'O1');
    const o2 = rec.idOf(await rec.call('m_new_order_empty', 'POST', `/_m_new/${order}?JSON`, { form: { up: 1, [`t${order}`]: 'O-2' } }), 'O2');
    const o3 = rec.idOf(await rec.call('m_new_order_note', 'POST', `/_m_new/${order}?JSON`, { form: { up: 1, [`t${order}`]: 'O-3', [`t${orderNote}`]: 'only a note' } }), 'O3');
    const i1 = rec.idOf(await rec.call('m_new_item_1', 'POST', `/_m_new/${item}?JSON`, { form: { up: o1, [`t${item}`]: 'bolt', [`t${itemQty}`]: 10 } }), 'I1');
    rec.idOf(await rec.call('m_new_item_2', 'POST', `/_m_new/${item}?JSON`, { form: { up: o1, [`t${item}`]: 'nut' } }), 'I2');
    rec.idOf(await rec.call('m_new_item_3', 'POST', `/_m_new/${item}?JSON`, { form: { up: o3, [`t${item}`]: 'gear', [`t${itemQty}`]: 1 } }), 'I3');
    const p1 = rec.idOf(await rec.call('m_new_plain', 'POST', `/_m_new/${plain}?JSON`, {
      form: { up: 1, [`t${plain}`]: 'P-1', [`t${plainNote}`]: 'plain note', [`t${plainQty}`]: 8, [`t${plainClient}`]: c1 },
    }), 'P1');
    const l1 = rec.idOf(await rec.call('m_new_loose', 'POST', `/_m_new/${loose}?JSON`, { form: { up: 1, [`t${loose}`]: 'L-1', [`t${looseNote}`]: 'loose note' } }), 'L1');

    await rec.call('edit_obj_order_full', 'GET', `/edit_obj/${o1}?JSON`);
    await rec.call('edit_obj_order_empty', 'GET', `/edit_obj/${o2}?JSON`);
    await rec.call('edit_obj_order_note', 'GET', `/edit_obj/${o3}?JSON`);
    await rec.call('edit_obj_plain', 'GET', `/edit_obj/${p1}?JSON`);
    await rec.call('edit_obj_loose', 'GET', `/edit_obj/${l1}?JSON`);
    await rec.call('edit_obj_item', 'GET', `/edit_obj/${i1}?JSON`);
    await rec.call('edit_obj_client', 'GET', `/edit_obj/${c1}?JSON`);
    // after the last subordinate record is gone the table still has the column: still "1"
    await rec.call('m_save_order_note', 'POST', `/_m_save/${o1}?JSON`, { form: { [`t${orderNote}`]: 'changed' } });
    await rec.call('m_del_item_1', 'POST', `/_m_del/${i1}?JSON`, { form: {} });
    await rec.call('edit_obj_order_after', 'GET', `/edit_obj/${o1}?JSON`);

    const role = rec.idOf(await rec.call('m_new_role', 'POST', '/_m_new/42?JSON', { form: { up: 1, t42: 'Clerk' } }), 'role');
    const [gOrder, gItems, gClient] = await grantRecords(rec, oracle, role, 3);
    await rec.call('m_save_grant_order', 'POST', `/_m_save/${gOrder}?JSON`, { form: { t116: order, t136: 170 } });
    await rec.call('m_save_grant_items', 'POST', `/_m_save/${gItems}?JSON`, { form: { t116: orderItem, t136: 172 } });
    await rec.call('m_save_grant_client', 'POST', `/_m_save/${gClient}?JSON`, { form: { t116: client, t136: 171 } });
    rec.idOf(await rec.call('m_new_user', 'POST', '/_m_new/18?JSON', { form: { up: 1, t18: 'Clerk1', t20: 'clerk-pass-1', t115: role, ...NO_USER_DEFAULTS } }), 'clerk');
    await rec.login('clerk_login', 'Clerk1', 'clerk-pass-1');
    await rec.call('clerk_edit_obj_order', 'GET', `/edit_obj/${o1}?JSON`);
    await rec.call('clerk_edit_obj_order_note', 'GET', `/edit_obj/${o3}?JSON`);
  },
};
export default scenario;
