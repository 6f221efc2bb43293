/**
 * BKI export of a table (`object/{type}?bki`) by the database's owner: the structure lines (the table,
 * its columns, a referenced table), `DATA`, then the records, referenced records first.
 */
import type { Scenario } from '../run.js';

const scenario: Scenario = {
  tenant: 'imbki',
  login: 'imbki',
  password: 'owner-pass-1',
  async run(rec) {
    await rec.login('auth_owner', 'imbki', 'owner-pass-1');
    const table = await rec.call('d_new_table', 'POST', '/_d_new?JSON', { form: { val: 'Товар', t: 3 } });
    const type = rec.idOf(table, 'table');
    const price = await rec.call('d_new_price', 'POST', '/_d_new?JSON', { form: { val: 'Цена', t: 13 } });
    const priceCol = rec.idOf(await rec.call('d_req_price', 'POST', `/_d_req/${type}?JSON`, { form: { t: rec.idOf(price, 'priceTerm') } }), 'priceColumn', 'id');
    const memo = await rec.call('d_new_memo', 'POST', '/_d_new?JSON', { form: { val: 'Заметка', t: 12 } });
    const memoCol = rec.idOf(await rec.call('d_req_memo', 'POST', `/_d_req/${type}?JSON`, { form: { t: rec.idOf(memo, 'memoTerm') } }), 'memoColumn', 'id');
    const cat = await rec.call('d_new_cat', 'POST', '/_d_new?JSON', { form: { val: 'Категория', t: 3 } });
    const catType = rec.idOf(cat, 'catType');
    const catRef = rec.idOf(await rec.call('d_ref_cat', 'POST', `/_d_ref/${catType}?JSON`, { form: {} }), 'catRef');
    const catCol = rec.idOf(await rec.call('d_req_cat', 'POST', `/_d_req/${type}?JSON`, { form: { t: catRef } }), 'catColumn', 'id');
    const mebel = rec.idOf(await rec.call('m_new_cat', 'POST', `/_m_new/${catType}?JSON`, { form: { up: 1, [`t${catType}`]: 'Мебель' } }), 'mebel', 'id');
    const stolAnswer = await rec.call('m_new_1', 'POST', `/_m_new/${type}?JSON`, { form: { up: 1, [`t${type}`]: 'Стол', [`t${priceCol}`]: 150, [`t${memoCol}`]: 'дуб; a:b \\ c', [`t${catCol}`]: mebel } });
    await rec.call('m_new_2', 'POST', `/_m_new/${type}?JSON`, { form: { up: 1, [`t${type}`]: 'Стул', [`t${priceCol}`]: 40, [`t${memoCol}`]: 'строка 1\nстрока 2' } });
    // a subordinate table with one record under Стол
    const part = rec.idOf(await rec.call('d_new_part', 'POST', '/_d_new?JSON', { form: { val: 'Деталь', t: 3 } }), 'partType');
    const qty = rec.idOf(await rec.call('d_new_qty', 'POST', '/_d_new?JSON', { form: { val: 'Кол-во', t: 13 } }), 'qtyTerm');
    const qtyCol = rec.idOf(await rec.call('d_req_qty', 'POST', `/_d_req/${part}?JSON`, { form: { t: qty } }), 'qtyColumn', 'id');
    rec.idOf(await rec.call('d_req_part', 'POST', `/_d_req/${type}?JSON`, { form: { t: part } }), 'partColumn', 'id');
    const stol = rec.idOf(stolAnswer, 'stol', 'id');
    await rec.call('m_new_part', 'POST', `/_m_new/${part}?JSON`, { form: { up: stol, [`t${part}`]: 'Ножка: x', [`t${qtyCol}`]: 4 } });
    await rec.call('bki_json', 'GET', `/object/${type}?bki&JSON`);
    await rec.call('bki_filtered', 'GET', `/object/${type}?bki&JSON&F_${priceCol}=40`);
    await rec.call('bki_subordinate', 'GET', `/object/${part}?bki&JSON&F_U=${stol}`);
    await rec.call('bki_categories', 'GET', `/object/${catType}?bki&JSON`);
  },
};

export default scenario;
