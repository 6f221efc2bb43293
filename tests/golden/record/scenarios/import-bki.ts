/**
 * Import of a BKI file whose structure lines match the tables of the database (a file exported
 * from it): POST object/{type}?JSON&import=1 with the file in `bki_file`. A referenced record given
 * with its id and an existing value (reused), one with a free id (created with that id), records of
 * the table with cells, a reference by id, a subordinate record under the record before it, a value
 * with escaped delimiters; then the list and the BKI export of the result.
 */
import type { Scenario } from '../run.js';

const scenario: Scenario = {
  tenant: 'imbkii',
  login: 'imbkii',
  password: 'owner-pass-1',
  async run(rec) {
    await rec.login('auth_owner', 'imbkii', 'owner-pass-1');
    const type = rec.idOf(await rec.call('d_new_table', 'POST', '/_d_new?JSON', { form: { val: 'Товар', t: 3 } }), 'table');
    const priceTerm = rec.idOf(await rec.call('d_new_price', 'POST', '/_d_new?JSON', { form: { val: 'Цена', t: 13 } }), 'priceTerm');
    rec.idOf(await rec.call('d_req_price', 'POST', `/_d_req/${type}?JSON`, { form: { t: priceTerm } }), 'priceColumn', 'id');
    const memoTerm = rec.idOf(await rec.call('d_new_memo', 'POST', '/_d_new?JSON', { form: { val: 'Заметка', t: 12 } }), 'memoTerm');
    rec.idOf(await rec.call('d_req_memo', 'POST', `/_d_req/${type}?JSON`, { form: { t: memoTerm } }), 'memoColumn', 'id');
    const catType = rec.idOf(await rec.call('d_new_cat', 'POST', '/_d_new?JSON', { form: { val: 'Категория', t: 3 } }), 'catType');
    const catRef = rec.idOf(await rec.call('d_ref_cat', 'POST', `/_d_ref/${catType}?JSON`, { form: {} }), 'catRef');
    const catCol = rec.idOf(await rec.call('d_req_cat', 'POST', `/_d_req/${type}?JSON`, { form: { t: catRef } }), 'catColumn', 'id');
    const part = rec.idOf(await rec.call('d_new_part', 'POST', '/_d_new?JSON', { form: { val: 'Деталь', t: 3 } }), 'partType');
    const qtyTerm = rec.idOf(await rec.call('d_new_qty', 'POST', '/_d_new?JSON', { form: { val: 'Кол-во', t: 13 } }), 'qtyTerm');
    rec.idOf(await rec.call('d_req_qty', 'POST', `/_d_req/${part}?JSON`, { form: { t: qtyTerm } }), 'qtyColumn', 'id');
    rec.idOf(await rec.call('d_req_part', 'POST', `/_d_req/${type}?JSON`, { form: { t: part } }), 'partColumn', 'id');
    const mebel = rec.idOf(await rec.call('m_new_cat', 'POST', `/_m_new/${catType}?JSON`, { form: { up: 1, [`t${catType}`]: 'Мебель' } }), 'mebel', 'id');
    await rec.call('m_new_1', 'POST', `/_m_new/${type}?JSON`, { form: { up: 1, [`t${type}`]: 'Стол' } });
    const free = mebel + 500;
    const file = [
      `${type}:Товар:SHORT;Цена:NUMBER;Заметка:MEMO;ref:${catCol}:${catRef};arr:${part};`,
      `${catRef}:${catType};`,
      `${catType}:Категория:SHORT;`,
      `${part}:Деталь:SHORT;Кол-во:NUMBER;`,
      'DATA',
      `${catCol}:${catType}:${mebel}:Мебель;`,
      `${type}::Тумба;10;дуб\\; a\\:b \\\\ c;${mebel};;`,
      `${part}::Ножка;4;`,
      `${part}::Дверца;1;`,
      `${catCol}:${catType}:${free}:Новая;`,
      `${type}::Полка;20;строка 1`,
      `строка 2;${free};;`,
      '',
    ].join('\r\n');
    await rec.call('import_bki', 'POST', `/object/${type}?JSON&import=1`, { multipart: { bki_file: { filename: 'data_export.bki', content: file, contentType: 'application/octet-stream' } } });
    await rec.call('list_parts', 'GET', `/object/${part}?JSON&F_U=${mebel + 2}`);
    await rec.call('bki_after', 'GET', `/object/${type}?bki&JSON`);
  },
};

export default scenario;
