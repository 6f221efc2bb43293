/**
 * Subordinate tables (a table used as a column of another): lists of one parent's records (F_U) in
 * every JSON shape, counts, the card of a parent, moving records between parents and tables
 * (and the refusals), reordering, and copying a record with its subordinate records.
 */
import type { Scenario } from '../run.js';

const scenario: Scenario = {
  tenant: 'sbsub',
  async run(rec) {
    await rec.login('login', 'tester', 'tester-pass-1');
    const order = rec.idOf(await rec.call('d_new_order', 'POST', '/_d_new?JSON', { form: { val: 'Order', t: 3 } }), 'Order');
    const invoice = rec.idOf(await rec.call('d_new_invoice', 'POST', '/_d_new?JSON', { form: { val: 'Invoice', t: 3 } }), 'Invoice');
    const client = rec.idOf(await rec.call('d_new_client', 'POST', '/_d_new?JSON', { form: { val: 'Client', t: 3 } }), 'Client');
    const item = rec.idOf(await rec.call('d_new_item', 'POST', '/_d_new?JSON', { form: { val: 'Item', t: 3 } }), 'Item');
    const qty = rec.idOf(await rec.call('d_new_qty', 'POST', '/_d_new?JSON', { form: { val: 'Qty', t: 13 } }), 'Qty');
    const when = rec.idOf(await rec.call('d_new_when', 'POST', '/_d_new?JSON', { form: { val: 'When', t: 9 } }), 'When');
    const qtyReq = rec.idOf(await rec.call('d_req_item_qty', 'POST', `/_d_req/${item}?JSON`, { form: { t: qty } }), 'Item.Qty', 'id');
    rec.idOf(await rec.call('d_req_item_when', 'POST', `/_d_req/${item}?JSON`, { form: { t: when } }), 'Item.When', 'id');
    const noteType = rec.idOf(await rec.call('d_new_note', 'POST', '/_d_new?JSON', { form: { val: 'Note', t: 3 } }), 'Note');
    rec.idOf(await rec.call('d_req_order_note', 'POST', `/_d_req/${order}?JSON`, { form: { t: noteType } }), 'Order.Note', 'id');
    rec.idOf(await rec.call('d_req_order_item', 'POST', `/_d_req/${order}?JSON`, { form: { t: item } }), 'Order.Item', 'id');
    rec.idOf(await rec.call('d_req_invoice_item', 'POST', `/_d_req/${invoice}?JSON`, { form: { t: item } }), 'Invoice.Item', 'id');
    await rec.call('metadata_order', 'GET', `/metadata/${order}?JSON`);

    const o1 = rec.idOf(await rec.call('m_new_order_1', 'POST', `/_m_new/${order}?JSON`, { form: { up: 1, [`t${order}`]: 'O-1' } }), 'O1');
    const o2 = rec.idOf(await rec.call('m_new_order_2', 'POST', `/_m_new/${order}?JSON`, { form: { up: 1, [`t${order}`]: 'O-2' } }), 'O2');
    const inv = rec.idOf(await rec.call('m_new_invoice', 'POST', `/_m_new/${invoice}?JSON`, { form: { up: 1, [`t${invoice}`]: 'INV-1' } }), 'INV1');
    const clientQty = rec.idOf(await rec.call('d_req_client_qty', 'POST', `/_d_req/${client}?JSON`, { form: { t: qty } }), 'Client.Qty', 'id');
    const inv2 = rec.idOf(await rec.call('m_new_invoice_2', 'POST', `/_m_new/${invoice}?JSON`, { form: { up: 1, [`t${invoice}`]: 'INV-2' } }), 'INV2');
    const cl = rec.idOf(await rec.call('m_new_client', 'POST', `/_m_new/${client}?JSON`, { form: { up: 1, [`t${client}`]: 'Cl-1', [`t${clientQty}`]: 7 } }), 'CL1');
    const i1 = rec.idOf(await rec.call('m_new_item_1', 'POST', `/_m_new/${item}?JSON`, { form: { up: o1, [`t${item}`]: 'bolt', [`t${qtyReq}`]: 10 } }), 'I1');
    const i2 = rec.idOf(await rec.call('m_new_item_2', 'POST', `/_m_new/${item}?JSON`, { form: { up: o1, [`t${item}`]: 'nut', [`t${qtyReq}`]: 5 } }), 'I2');
    const i3 = rec.idOf(await rec.call('m_new_item_3', 'POST', `/_m_new/${item}?JSON`, { form: { up: o1, [`t${item}`]: 'gear' } }), 'I3');
    const i4 = rec.idOf(await rec.call('m_new_item_o2', 'POST', `/_m_new/${item}?JSON`, { form: { up: o2, [`t${item}`]: 'axle', [`t${qtyReq}`]: 1 } }), 'I4');
    rec.idOf(await rec.call('m_new_item_inv', 'POST', `/_m_new/${item}?JSON`, { form: { up: inv, [`t${item}`]: 'rim' } }), 'I5');
    await rec.call('m_new_item_root', 'POST', `/_m_new/${item}?JSON`, { form: { up: 1, [`t${item}`]: 'loose' } });

    await rec.call('list_items_fu_json', 'GET', `/object/${item}?JSON&F_U=${o1}`);
    await rec.call('list_items_fu_json_kv', 'GET', `/object/${item}?JSON_KV&F_U=${o1}`);
    await rec.call('list_items_fu_json_data', 'GET', `/object/${item}?JSON_DATA&F_U=${o1}`);
    await rec.call('list_items_fu_json_obj', 'GET', `/object/${item}?JSON_OBJ&F_U=${o1}`);
    await rec.call('list_items_fu_count', 'GET', `/object/${item}?JSON&_count&F_U=${o1}`);
    await rec.call('list_items_fu_order_qty', 'GET', `/object/${item}?JSON&F_U=${o1}&ORDER=${qtyReq}`);
    await rec.call('list_items_fu_order_val_desc', 'GET', `/object/${item}?JSON&F_U=${o1}&order_val=val&desc=1`);
    await rec.call('list_items_fu_filter', 'GET', `/object/${item}?JSON&F_U=${o1}&F_${item}=%25o%25`);
    await rec.call('list_items_no_fu', 'GET', `/object/${item}?JSON`);
    await rec.call('list_items_fu_1', 'GET', `/object/${item}?JSON&F_U=1`);
    await rec.call('list_orders', 'GET', `/object/${order}?JSON`);
    await rec.call('list_orders_json_data', 'GET', `/object/${order}?JSON_DATA`);
    await rec.call('edit_obj_order', 'GET', `/edit_obj/${o1}?JSON`);
    await rec.call('edit_obj_item', 'GET', `/edit_obj/${i2}?JSON`);

    await rec.call('m_up_item_2', 'POST', `/_m_up/${i2}?JSON`, { form: {} });
    await rec.call('m_up_first', 'POST', `/_m_up/${i2}?JSON`, { form: {} });
    await rec.call('m_ord_item_3_first', 'POST', `/_m_ord/${i3}?JSON`, { form: { order: 1 } });
    await rec.call('m_ord_same', 'POST', `/_m_ord/${i3}?JSON`, { form: { order: 1 } });
    await rec.call('m_ord_beyond', 'POST', `/_m_ord/${i3}?JSON`, { form: { order: 9 } });
    await rec.call('m_ord_root_record', 'POST', `/_m_ord/${o1}?JSON`, { form: { order: 1 } });
    await rec.call('list_items_after_order', 'GET', `/object/${item}?JSON_DATA&F_U=${o1}`);

    await rec.call('m_move_to_o2', 'POST', `/_m_move/${i1}?JSON`, { form: { up: o2 } });
    await rec.call('m_move_to_empty_invoice', 'POST', `/_m_move/${i4}?JSON`, { form: { up: inv2 } });
    await rec.call('m_move_to_invoice', 'POST', `/_m_move/${i4}?JSON`, { form: { up: inv } });
    await rec.call('m_move_to_client_refused', 'POST', `/_m_move/${i2}?JSON`, { form: { up: cl } });
    await rec.call('m_move_same_parent', 'POST', `/_m_move/${i2}?JSON`, { form: { up: o1 } });
    await rec.call('m_move_to_root', 'POST', `/_m_move/${i3}?JSON`, { form: { up: 1 } });
    await rec.call('m_move_missing', 'POST', `/_m_move/999999?JSON`, { form: { up: o1 } });
    await rec.call('m_move_zero', 'POST', `/_m_move/0?JSON`, { form: { up: o1 } });
    await rec.call('list_items_o1', 'GET', `/object/${item}?JSON_DATA&F_U=${o1}`);
    await rec.call('list_items_o2', 'GET', `/object/${item}?JSON_DATA&F_U=${o2}`);
    await rec.call('list_items_inv', 'GET', `/object/${item}?JSON&F_U=${inv}`);

    await rec.call('m_save_copy_order', 'POST', `/_m_save/${o2}?JSON`, { form: { copybtn: 1, [`t${order}`]: 'O-2 copy' } });
    await rec.call('m_save_copy_item', 'POST', `/_m_save/${i4}?JSON`, { form: { copybtn: 1, [`t${item}`]: 'axle 2', [`t${qtyReq}`]: 2 } });
    await rec.call('list_items_inv_after_copy', 'GET', `/object/${item}?JSON_DATA&F_U=${inv}`);
    await rec.call('list_items_empty_parent', 'GET', `/object/${item}?JSON&F_U=${inv2}`);
    await rec.call('edit_obj_empty_invoice', 'GET', `/edit_obj/${inv2}?JSON`);
    await rec.call('list_orders_after_copy', 'GET', `/object/${order}?JSON_DATA`);
    await rec.call('m_del_order_with_items', 'POST', `/_m_del/${o1}?JSON`, { form: {} });
    await rec.call('list_orders_final', 'GET', `/object/${order}?JSON_DATA`);
  },
};
export default scenario;
