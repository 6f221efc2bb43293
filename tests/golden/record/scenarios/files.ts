/**
 * FILE columns: upload with _m_new, _m_set and _m_save (multipart, the file in the column's
 * `t{requisite}` field), the stored value and how lists and the card show it, download, replace,
 * clearing the cell and deleting the record.
 */
import type { Scenario } from '../run.js';

const scenario: Scenario = {
  tenant: 'flfiles',
  async run(rec) {
    await rec.login('auth', 'tester', 'tester-pass-1');
    const table = await rec.call('d_new_table', 'POST', '/_d_new?JSON', { form: { val: 'Документы', t: 3 } });
    const type = rec.idOf(table, 'table');
    const term = await rec.call('d_new_file', 'POST', '/_d_new?JSON', { form: { val: 'Вложение', t: 10 } });
    const req = await rec.call('d_req_file', 'POST', `/_d_req/${type}?JSON`, { form: { t: rec.idOf(term, 'fileTerm') } });
    const col = rec.idOf(req, 'fileColumn', 'id');
    const noteTerm = await rec.call('d_new_note', 'POST', '/_d_new?JSON', { form: { val: 'Примечание', t: 3 } });
    const noteReq = await rec.call('d_req_note', 'POST', `/_d_req/${type}?JSON`, { form: { t: rec.idOf(noteTerm, 'noteTerm') } });
    const note = rec.idOf(noteReq, 'noteColumn', 'id');
    const a = await rec.call('m_new_with_file', 'POST', `/_m_new/${type}?JSON`, {
      multipart: { up: 1, [`t${type}`]: 'договор', [`t${note}`]: 'первый', [`t${col}`]: { filename: 'contract.txt', content: 'hello file\n', contentType: 'text/plain' } },
    });
    const idA = rec.idOf(a, 'recA', 'id');
    await rec.call('list_json', 'GET', `/object/${type}/?JSON`);
    await rec.call('list_json_data', 'GET', `/object/${type}?JSON_DATA`);
    await rec.call('list_json_obj', 'GET', `/object/${type}?JSON_OBJ`);
    await rec.call('card', 'GET', `/edit_obj/${idA}?JSON`);
    await rec.call('get_record', 'GET', `/get_record/${idA}?JSON`);
    const b = await rec.call('m_new_plain', 'POST', `/_m_new/${type}?JSON`, { multipart: { up: 1, [`t${type}`]: 'счёт' } });
    const idB = rec.idOf(b, 'recB', 'id');
    const set = await rec.call('m_set_upload', 'POST', `/_m_set/${idB}?JSON`, { multipart: { [`t${col}`]: { filename: 'invoice.csv', content: 'a;b\n1;2\n', contentType: 'text/csv' } } });
    const link = String((set.json as { args: string }).args);
    await rec.call('download_set', 'GET', `//${link}`);
    await rec.call('list_after_set', 'GET', `/object/${type}?JSON_DATA`);
    await rec.call('m_set_replace', 'POST', `/_m_set/${idB}?JSON`, { multipart: { [`t${col}`]: { filename: 'invoice-v2.csv', content: 'a;b\n3;4\n', contentType: 'text/csv' } } });
    await rec.call('download_replaced', 'GET', `//${link}`);
    await rec.call('m_save_replace', 'POST', `/_m_save/${idA}?JSON`, {
      multipart: { [`t${type}`]: 'договор (новый)', [`t${col}`]: { filename: 'contract-v2.txt', content: 'second version\n', contentType: 'text/plain' } },
    });
    const after = await rec.call('list_after_replace', 'GET', `/object/${type}?JSON_DATA`);
    const contractLink = /href="\/([^"]+)"/.exec(JSON.stringify(after.json).replace(/\\"/g, '"'))?.[1] ?? '';
    await rec.call('download_saved', 'GET', `//${contractLink}`);
    await rec.call('card_after_replace', 'GET', `/edit_obj/${idA}?JSON`);
    await rec.call('m_set_clear', 'POST', `/_m_set/${idB}?JSON`, { form: { [`t${col}`]: '' } });
    await rec.call('list_after_clear', 'GET', `/object/${type}?JSON_DATA`);
    await rec.call('m_save_empty_file_field', 'POST', `/_m_save/${idA}?JSON`, { multipart: { [`t${note}`]: 'второй', [`t${col}`]: { filename: '', content: '' } } });
    await rec.call('list_kept', 'GET', `/object/${type}?JSON_DATA`);
    await rec.call('m_del', 'POST', `/_m_del/${idA}?JSON`, { form: {} });
    await rec.call('list_end', 'GET', `/object/${type}?JSON_DATA`);
  },
};

export default scenario;
