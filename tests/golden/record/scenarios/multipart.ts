/**
 * multipart/form-data bodies on the commands a script uses: login, table and column creation,
 * record writes (_m_new, _m_set, _m_save), a list read with POST fields, a batch delete with
 * `ids[]`, and refusals (missing and wrong _xsrf). No file parts: see the `files` scenario.
 */
import type { Scenario } from '../run.js';

const scenario: Scenario = {
  tenant: 'flmp',
  async run(rec) {
    await rec.call('auth_multipart', 'POST', '/auth?JSON', { multipart: { login: 'tester', pwd: 'tester-pass-1' }, auth: false, xsrf: false });
    await rec.login('auth_form', 'tester', 'tester-pass-1');
    await rec.call('xsrf_read', 'POST', '/xsrf?JSON', { multipart: {} });
    const table = await rec.call('d_new_table', 'POST', '/_d_new?JSON', { multipart: { val: 'Заметки', t: 3 } });
    const type = rec.idOf(table, 'table');
    const term = await rec.call('d_new_term', 'POST', '/_d_new?JSON', { multipart: { val: 'Текст', t: 12 } });
    const termId = rec.idOf(term, 'term');
    const req = await rec.call('d_req', 'POST', `/_d_req/${type}?JSON`, { multipart: { t: termId } });
    const col = rec.idOf(req, 'column', 'id');
    const numTerm = await rec.call('d_new_num', 'POST', '/_d_new?JSON', { multipart: { val: 'Сумма', t: 13 } });
    const numReq = await rec.call('d_req_num', 'POST', `/_d_req/${type}?JSON`, { multipart: { t: rec.idOf(numTerm, 'numTerm') } });
    const numCol = rec.idOf(numReq, 'numColumn', 'id');
    const a = await rec.call('m_new_a', 'POST', `/_m_new/${type}?JSON`, { multipart: { up: 1, [`t${type}`]: 'первая', [`t${col}`]: 'строка 1\nстрока 2', [`t${numCol}`]: 42 } });
    const idA = rec.idOf(a, 'recA', 'id');
    const b = await rec.call('m_new_b', 'POST', `/_m_new/${type}?JSON`, { multipart: { up: 1, [`t${type}`]: 'вторая' } });
    const idB = rec.idOf(b, 'recB', 'id');
    await rec.call('m_set_a', 'POST', `/_m_set/${idA}?JSON`, { multipart: { [`t${col}`]: 'изменено' } });
    await rec.call('m_set_num', 'POST', `/_m_set/${idB}?JSON`, { multipart: { [`t${numCol}`]: '7' } });
    await rec.call('m_save_b', 'POST', `/_m_save/${idB}?JSON`, { multipart: { [`t${type}`]: 'вторая (правка)', [`t${col}`]: 'текст B' } });
    await rec.call('list_json_data', 'POST', `/object/${type}?JSON_DATA`, { multipart: {} });
    await rec.call('list_filter_post', 'POST', `/object/${type}/?JSON`, { multipart: { [`F_${type}`]: 'первая' } });
    await rec.call('card_a', 'GET', `/edit_obj/${idA}?JSON`);
    await rec.call('m_new_no_xsrf', 'POST', `/_m_new/${type}?JSON`, { multipart: { up: 1, [`t${type}`]: 'без xsrf' }, xsrf: false });
    await rec.call('m_new_bad_xsrf', 'POST', `/_m_new/${type}?JSON`, { multipart: { _xsrf: 'bad', up: 1, [`t${type}`]: 'чужой xsrf' }, xsrf: false });
    await rec.call('m_del_batch', 'POST', `/_m_del_batch/${type}?JSON`, { multipart: { 'ids[]': idB } });
    await rec.call('list_after', 'GET', `/object/${type}?JSON_DATA`);
    await rec.call('m_del_a', 'POST', `/_m_del/${idA}?JSON`, { multipart: {} });
    await rec.call('list_empty', 'GET', `/object/${type}?JSON_DATA`);
  },
};

export default scenario;
