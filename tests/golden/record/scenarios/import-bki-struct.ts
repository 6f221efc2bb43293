/**
 * Import of a BKI file that changes the structure (`object/{type}?import`, structure lines first): a
 * table line matching ours; a new column of a new term; a reference column whose definition and column
 * ids are free (kept) pointing to a table whose id in the file is taken here by a term (so the table is
 * made anew and the file's id stands for it); a subordinate table whose id is free (made with it), with
 * a new column; then the records (a reference target written with its column prefix, a subordinate
 * record under its parent). The same file again: the structure now matches, records are added again
 * except the reference target with the same value. A file whose base type is unknown.
 */
import type { Scenario } from '../run.js';

const scenario: Scenario = {
  tenant: 'imbks10',
  login: 'imbks10',
  password: 'owner-pass-10',
  async run(rec) {
    await rec.login('auth_owner', 'imbks10', 'owner-pass-10');
    const goods = rec.idOf(await rec.call('d_new_goods', 'POST', '/_d_new?JSON', { form: { val: 'Товар', t: 3 } }), 'goods');
    const price = rec.idOf(await rec.call('d_new_price', 'POST', '/_d_new?JSON', { form: { val: 'Цена', t: 13 } }), 'priceTerm');
    rec.idOf(await rec.call('d_req_price', 'POST', `/_d_req/${goods}?JSON`, { form: { t: price } }), 'priceColumn', 'id');
    const file = [
      `${goods}:Товар:SHORT;Цена:NUMBER;Вес:SIGNED;ref:1030:1029;arr:1031;`,
      `1029:${price};`,
      `${price}:Категория:SHORT;`,
      '1031:Деталь:SHORT;Кол-во:NUMBER;',
      'DATA',
      `1030:${price}:1040:Мебель;`,
      `${goods}::Стол;100;2.5;1040;;`,
      '1031::Ножка;4;',
      `${goods}::Стул;50;;1040;;`,
      '',
    ].join('\r\n');
    const bki = (name: string, content: string) => ({ bki_file: { filename: name, content, contentType: 'application/octet-stream' } });
    await rec.call('import_struct', 'POST', `/object/${goods}?JSON&import=1`, { multipart: bki('goods.bki', file) });
    await rec.call('list_goods', 'GET', `/object/${goods}?JSON_OBJ`);
    await rec.call('terms_after', 'GET', '/terms?JSON');
    await rec.call('metadata_goods', 'GET', `/metadata/${goods}?JSON`);
    await rec.call('import_struct_again', 'POST', `/object/${goods}?JSON&import=1`, { multipart: bki('goods.bki', file) });
    await rec.call('list_goods_again', 'GET', `/object/${goods}?JSON_OBJ`);
    await rec.call('import_bad_base', 'POST', `/object/${goods}?JSON&import=1`, { multipart: bki('bad.bki', `${goods}:Товар:SHORT;Цвет:COLOUR;\r\nDATA\r\n`) });
  },
};

export default scenario;
