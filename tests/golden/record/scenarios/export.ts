/**
 * CSV export of a table (`object/{type}?csv`) by the database's owner (login = database name; a user
 * without the EXPORT grant is refused, tested in tests/integration/engine/export.test.ts): a header
 * row, every record, references, numbers, quoting (`;`, `"`, spaces, tabs, line breaks, backslashes)
 * and a character Windows-1251 lacks (the field is empty, as PHP's iconv leaves it).
 */
import type { Scenario } from '../run.js';

const scenario: Scenario = {
  tenant: 'flcsv',
  login: 'flcsv',
  password: 'owner-pass-1',
  async run(rec) {
    await rec.login('auth_owner', 'flcsv', 'owner-pass-1');
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
    await rec.call('m_new_1', 'POST', `/_m_new/${type}?JSON`, { form: { up: 1, [`t${type}`]: 'Стол', [`t${priceCol}`]: 150, [`t${memoCol}`]: 'дуб; "массив"', [`t${catCol}`]: mebel } });
    await rec.call('m_new_2', 'POST', `/_m_new/${type}?JSON`, { form: { up: 1, [`t${type}`]: 'Стул', [`t${priceCol}`]: 40, [`t${memoCol}`]: 'строка 1\nстрока 2' } });
    await rec.call('m_new_3', 'POST', `/_m_new/${type}?JSON`, { form: { up: 1, [`t${type}`]: 'Lamp 中', [`t${memoCol}`]: 'back\\slash "q" 中' } });
    await rec.call('m_new_4', 'POST', `/_m_new/${type}?JSON`, { form: { up: 1, [`t${type}`]: 'plain', [`t${priceCol}`]: 7, [`t${memoCol}`]: 'a\tb' } });
    await rec.call('csv_owner', 'GET', `/object/${type}?csv`, { auth: false, headers: { Cookie: `idb_flcsv=${rec.token ?? ''}` } });
    await rec.call('csv_owner_filtered', 'GET', `/object/${type}?csv&F_${priceCol}=150`, { auth: false, headers: { Cookie: `idb_flcsv=${rec.token ?? ''}` } });
    await rec.call('csv_categories', 'GET', `/object/${catType}?csv`, { auth: false, headers: { Cookie: `idb_flcsv=${rec.token ?? ''}` } });
  },
};

export default scenario;
