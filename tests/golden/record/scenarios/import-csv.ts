/**
 * Import of records into a table from a file that starts with a `DATA` line (the engine's plain,
 * CSV-like form: `value;cell;…;` per record in the table's column order), as a script sends it:
 * POST object/{type}?JSON&import=1 with the file in the multipart field `bki_file`. Numbers and dates
 * converted per base type, references resolved by name (a missing target created), a record without
 * a value skipped, a value with a line break, a unique table updated on re-import, a subordinate
 * table under its parent (F_U), a missing file, and the BKI export of the result.
 */
import type { Scenario } from '../run.js';

const scenario: Scenario = {
  tenant: 'imcsv',
  login: 'imcsv',
  password: 'owner-pass-1',
  async run(rec) {
    await rec.login('auth_owner', 'imcsv', 'owner-pass-1');
    const type = rec.idOf(await rec.call('d_new_table', 'POST', '/_d_new?JSON', { form: { val: 'Товар', t: 3 } }), 'table');
    const col = async (name: string, base: number, key: string): Promise<number> => {
      const term = rec.idOf(await rec.call(`d_new_${key}`, 'POST', '/_d_new?JSON', { form: { val: name, t: base } }), `${key}Term`);
      return rec.idOf(await rec.call(`d_req_${key}`, 'POST', `/_d_req/${type}?JSON`, { form: { t: term } }), `${key}Column`, 'id');
    };
    await col('Цена', 13, 'price');
    await col('Заметка', 12, 'memo');
    await col('Дата поставки', 9, 'date');
    const catType = rec.idOf(await rec.call('d_new_cat', 'POST', '/_d_new?JSON', { form: { val: 'Категория', t: 3 } }), 'catType');
    const catRef = rec.idOf(await rec.call('d_ref_cat', 'POST', `/_d_ref/${catType}?JSON`, { form: {} }), 'catRef');
    rec.idOf(await rec.call('d_req_cat', 'POST', `/_d_req/${type}?JSON`, { form: { t: catRef } }), 'catColumn', 'id');
    await col('Флаг', 11, 'flag');
    await rec.call('m_new_cat', 'POST', `/_m_new/${catType}?JSON`, { form: { up: 1, [`t${catType}`]: 'Мебель' } });
    const file = [
      'DATA',
      'Стол;1 234,5;дуб\\; a\\:b;2024-01-15;Мебель;1;',
      ';7;;;;;',
      'Стул;40;строка 1',
      'строка 2;15.01.2024;Новая;false;',
      'Лампа;abc;;;Мебель;;',
      '',
    ].join('\r\n');
    await rec.call('import_plain', 'POST', `/object/${type}?JSON&import=1`, { multipart: { bki_file: { filename: 'goods.csv', content: file, contentType: 'text/csv' } } });
    await rec.call('import_again', 'POST', `/object/${type}?JSON&import=1`, { multipart: { bki_file: { filename: 'goods.csv', content: 'DATA\nКресло;5;;;Мебель;;\n', contentType: 'text/csv' } } });
    await rec.call('import_no_file', 'POST', `/object/${type}?JSON&import=1`, { multipart: { note: 'x' } });
    await rec.call('bki_after_import', 'GET', `/object/${type}?bki&JSON`);

    // a unique table: a record met again is updated, not doubled
    const uniq = rec.idOf(await rec.call('d_new_unique', 'POST', '/_d_new?JSON', { form: { val: 'Склад', t: 3, unique: 1 } }), 'uniqueType');
    const qtyTerm = rec.idOf(await rec.call('d_new_qty', 'POST', '/_d_new?JSON', { form: { val: 'Остаток', t: 13 } }), 'qtyTerm');
    rec.idOf(await rec.call('d_req_qty', 'POST', `/_d_req/${uniq}?JSON`, { form: { t: qtyTerm } }), 'qtyColumn', 'id');
    await rec.call('import_unique_1', 'POST', `/object/${uniq}?JSON&import=1`, { multipart: { bki_file: { filename: 's.csv', content: 'DATA\r\nА;1;\r\nБ;2;\r\n', contentType: 'text/csv' } } });
    await rec.call('import_unique_2', 'POST', `/object/${uniq}?JSON&import=1`, { multipart: { bki_file: { filename: 's.csv', content: '\uFEFFDATA\r\nА;10;\r\nВ;3;\r\nБ; ;\r\n', contentType: 'text/csv' } } });

    // a subordinate table, imported under one parent record
    const part = rec.idOf(await rec.call('d_new_part', 'POST', '/_d_new?JSON', { form: { val: 'Деталь', t: 3 } }), 'partType');
    const cnt = rec.idOf(await rec.call('d_new_cnt', 'POST', '/_d_new?JSON', { form: { val: 'Кол-во', t: 13 } }), 'cntTerm');
    rec.idOf(await rec.call('d_req_cnt', 'POST', `/_d_req/${part}?JSON`, { form: { t: cnt } }), 'cntColumn', 'id');
    rec.idOf(await rec.call('d_req_part', 'POST', `/_d_req/${type}?JSON`, { form: { t: part } }), 'partColumn', 'id');
    const parent = rec.idOf(await rec.call('m_new_parent', 'POST', `/_m_new/${type}?JSON`, { form: { up: 1, [`t${type}`]: 'Шкаф' } }), 'parent', 'id');
    await rec.call('import_sub', 'POST', `/object/${part}?JSON&import=1&F_U=${parent}`, { multipart: { bki_file: { filename: 'p.csv', content: 'DATA\r\nДверь;2;\r\nПолка;4;\r\n', contentType: 'text/csv' } } });
  },
};

export default scenario;
