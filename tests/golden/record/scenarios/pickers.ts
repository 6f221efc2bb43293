/**
 * The pickers of the `JSON` list of a table whose first column is GRANT (`&grant_list`: tables,
 * columns as `Table -> Column`, types used as columns dropped, the pseudo objects) or REPORT_COLUMN
 * (`&rep_col_list` and `rep_col_list`: every table when the list's parent has no report columns yet,
 * else the tables related to the chosen columns' tables — referenced, referencing, subordinate, parent).
 * F_U absent (the root), a parent with and without columns, F_U=0.
 */
import type { Scenario } from '../run.js';
import { schemaCalls } from './schema-calls.js';

const scenario: Scenario = {
  tenant: 'sbpik',
  async run(rec) {
    await rec.login('login', 'tester', 'tester-pass-1');
    const { type, column } = schemaCalls(rec);
    const city = await type('city', 'Город', 3);
    const client = await type('client', 'клиент', 3);
    const order = await type('order', 'Заказ', 3);
    const item = await type('item', 'Item', 3);
    const phone = await type('phone', 'Мобильный', 3);
    const sum = await type('sum', 'Сумма', 14);
    const qty = await type('qty', 'Qty', 13);
    const go = await type('go', 'Открыть', 7);
    const calc = await type('calc', 'Итог', 15);
    await column('client_phone', client, phone);
    const ref = rec.idOf(await rec.call('ref_city', 'POST', `/_d_ref/${city}?JSON`, { form: {} }), 'ref_city');
    const clientCity = await column('client_city', client, ref);
    await rec.call('alias_client_city', 'POST', `/_d_alias/${clientCity}?JSON`, { form: { val: 'Где живёт' } });
    await column('client_go', client, go);
    await column('client_calc', client, calc);
    const refClient = rec.idOf(await rec.call('ref_client', 'POST', `/_d_ref/${client}?JSON`, { form: {} }), 'ref_client');
    await column('order_client', order, refClient);
    const orderSum = await column('order_sum', order, sum);
    const itemQty = await column('item_qty', item, qty);
    await column('order_items', order, item);

    const grant = await type('grant', 'Доступ', 5);
    const repcol = await type('repcol', 'Колонка', 16);
    const report = await type('report', 'Отчёт', 3);
    const rcol = await type('rcol', 'Колонка отчёта', 16);
    const note = await type('note', 'Примечание', 3);
    await column('rcol_note', rcol, note);
    await column('report_rcol', report, rcol);

    await rec.call('list_grant', 'GET', `/object/${grant}?JSON`);
    await rec.call('list_repcol_empty', 'GET', `/object/${repcol}?JSON`);
    await rec.call('m_new_grant_client', 'POST', `/_m_new/${grant}?JSON`, { form: { up: 1, [`t${grant}`]: String(client) } });
    await rec.call('list_grant_with_record', 'GET', `/object/${grant}?JSON`);

    // report columns under the root: the picker offers the tables related to theirs
    await rec.call('m_new_repcol_zero', 'POST', `/_m_new/${repcol}?JSON`, { form: { up: 1, [`t${repcol}`]: '0' } });
    await rec.call('list_repcol_only_zero', 'GET', `/object/${repcol}?JSON`);
    await rec.call('m_new_repcol_city', 'POST', `/_m_new/${repcol}?JSON`, { form: { up: 1, [`t${repcol}`]: String(city) } });
    await rec.call('list_repcol_city', 'GET', `/object/${repcol}?JSON`);
    await rec.call('m_new_repcol_sum', 'POST', `/_m_new/${repcol}?JSON`, { form: { up: 1, [`t${repcol}`]: String(orderSum) } });
    await rec.call('list_repcol_city_sum', 'GET', `/object/${repcol}?JSON`);

    // a report's own columns (a subordinate REPORT_COLUMN table)
    const r1 = rec.idOf(await rec.call('m_new_report_1', 'POST', `/_m_new/${report}?JSON`, { form: { up: 1, [`t${report}`]: 'R1' } }), 'R1');
    const r2 = rec.idOf(await rec.call('m_new_report_2', 'POST', `/_m_new/${report}?JSON`, { form: { up: 1, [`t${report}`]: 'R2' } }), 'R2');
    await rec.call('list_rcol_r1_empty', 'GET', `/object/${rcol}?JSON&F_U=${r1}`);
    // (values rising with their parents: the F_U=0 list below has no ORDER BY, and MySQL's plan for
    // so few rows sorts by value where ours sorts by parent — docs/testing-fixtures.md)
    await rec.call('m_new_rcol_city', 'POST', `/_m_new/${rcol}?JSON`, { form: { up: r1, [`t${rcol}`]: String(clientCity) } });
    await rec.call('list_rcol_r1_client', 'GET', `/object/${rcol}?JSON&F_U=${r1}`);
    await rec.call('m_new_rcol_qty', 'POST', `/_m_new/${rcol}?JSON`, { form: { up: r2, [`t${rcol}`]: String(itemQty) } });
    await rec.call('list_rcol_r2_item', 'GET', `/object/${rcol}?JSON&F_U=${r2}`);
    await rec.call('list_rcol_root', 'GET', `/object/${rcol}?JSON`);
    await rec.call('list_rcol_fu_0', 'GET', `/object/${rcol}?JSON&F_U=0`);
    await rec.call('list_repcol_kv', 'GET', `/object/${repcol}?JSON_KV`);
    void phone; void go; void calc;
  },
};
export default scenario;
