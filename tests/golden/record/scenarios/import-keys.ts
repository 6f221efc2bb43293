/**
 * Import (`object/{type}?import`, a `DATA` file) into tables with a composite unique key: columns
 * marked `:KEY:` with `_d_key`. A line whose key columns match a record updates it (its value too,
 * when the table itself is not unique), in the same file (the record's cells still pending) and in
 * a later one (without case); a reference key by name and by id, a name that names no record yet, a
 * comma in a single reference; an emptied first column deletes the record its key finds (or is
 * skipped when none); all key values empty make a new record; a unique table with a key column
 * matches value and key together.
 */
import type { Scenario } from '../run.js';

const scenario: Scenario = {
  tenant: 'imkeys10',
  login: 'imkeys10',
  password: 'owner-pass-10',
  async run(rec) {
    await rec.login('auth_owner', 'imkeys10', 'owner-pass-10');
    const type = rec.idOf(await rec.call('d_new_table', 'POST', '/_d_new?JSON', { form: { val: 'Позиция', t: 3 } }), 'table');
    const col = async (table: number, name: string, base: number, key: string): Promise<number> => {
      const term = rec.idOf(await rec.call(`d_new_${key}`, 'POST', '/_d_new?JSON', { form: { val: name, t: base } }), `${key}Term`);
      return rec.idOf(await rec.call(`d_req_${key}`, 'POST', `/_d_req/${table}?JSON`, { form: { t: term } }), `${key}Column`, 'id');
    };
    const sku = await col(type, 'Артикул', 3, 'sku');
    const store = rec.idOf(await rec.call('d_new_store', 'POST', '/_d_new?JSON', { form: { val: 'Склад', t: 3 } }), 'storeType');
    const storeRef = rec.idOf(await rec.call('d_ref_store', 'POST', `/_d_ref/${store}?JSON`, { form: {} }), 'storeRef');
    const storeCol = rec.idOf(await rec.call('d_req_store', 'POST', `/_d_req/${type}?JSON`, { form: { t: storeRef } }), 'storeColumn', 'id');
    await col(type, 'Количество', 13, 'qty');
    await rec.call('d_key_sku', 'POST', `/_d_key/${sku}?JSON`, { form: {} });
    await rec.call('d_key_store', 'POST', `/_d_key/${storeCol}?JSON`, { form: {} });
    const north = rec.idOf(await rec.call('m_new_north', 'POST', `/_m_new/${store}?JSON`, { form: { up: 1, [`t${store}`]: 'Север' } }), 'north');

    const csv = (name: string, lines: string[]) => ({ bki_file: { filename: name, content: ['DATA', ...lines, ''].join('\r\n'), contentType: 'text/csv' } });
    await rec.call('import_first', 'POST', `/object/${type}?JSON&import=1`, {
      multipart: csv('a.csv', [
        'Болт;A-1;Север;10;',
        'Гайка;A-2;Север;5;',
        'Болт М8;A-1;Юг;7;',
        'Болт новый;A-1;Север;12;',
        'Винт;;;3;',
        'Винт;;;4;',
      ]),
    });
    await rec.call('list_first', 'GET', `/object/${type}?JSON_OBJ`);
    await rec.call('import_second', 'POST', `/object/${type}?JSON&import=1`, {
      multipart: csv('b.csv', [
        'Болт;a-1;север;20;',
        ';A-2;Север;;',
        ';Z-9;Север;;',
        'Шайба;A-3;Север\\,Юг;1;',
        `Гвоздь;A-4;${north};2;`,
        `Гвоздь большой;A-4;${north};3;`,
        ';;;;',
      ]),
    });
    await rec.call('list_second', 'GET', `/object/${type}?JSON_OBJ`);
    await rec.call('import_third', 'POST', `/object/${type}?JSON&import=1`, { multipart: csv('c.csv', [`Гвоздь;A-4;${north};9;`, 'Шайба;A-3;Север\\,Юг;5;']) });
    await rec.call('list_third', 'GET', `/object/${type}?JSON_OBJ`);

    // a unique table with a key column: the value and the key together
    const acct = rec.idOf(await rec.call('d_new_acct', 'POST', '/_d_new?JSON', { form: { val: 'Счёт', t: 3, unique: 1 } }), 'acctType');
    const year = await col(acct, 'Год', 3, 'year');
    await col(acct, 'Сумма', 13, 'sum');
    await rec.call('d_key_year', 'POST', `/_d_key/${year}?JSON`, { form: {} });
    await rec.call('import_acct', 'POST', `/object/${acct}?JSON&import=1`, { multipart: csv('s.csv', ['С-1;2024;100;', 'С-1;2025;200;', 'с-1;2024;150;', 'С-2;2024;300;']) });
    await rec.call('import_acct_again', 'POST', `/object/${acct}?JSON&import=1`, { multipart: csv('s.csv', ['С-1;2025;250;', ';2024;;']) });
    await rec.call('list_acct', 'GET', `/object/${acct}?JSON_OBJ`);
  },
};

export default scenario;
