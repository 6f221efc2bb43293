/**
 * Import under a parent record (`object/{type}?import` with `F_U`), by the owner and by a user who is
 * not admin.
 *
 * The owner imports BKI files under a record: the file's records go under it (after its records
 * there), their own subordinate records under them. Also: a file for the addressed table's subordinate
 * table, sent to the parent table's list (the engine puts its records under the root); a missing parent
 * record, a parent whose table has no such column and a type that does not exist are refused.
 *
 * A user with a role (READ on the subordinate table, so its list opens): WRITE with EXPORT on the
 * parent table's column of that table lets them import by `autoParent`; `F_U` in the form body is
 * decided by the parent record's grant (PHP Check_Grant: READ on the table or on the parent's table is
 * its 403, WRITE on the parent's table passes); `F_U` in the URL only does not count; without EXPORT
 * the `autoParent` import is refused again.
 */
import type { Scenario } from '../run.js';
import { addLevelColumn, grantRecords, NO_USER_DEFAULTS } from './grants-nonadmin.js';

const LEVEL = 136;
const WRITE = 170;
const READ = 171;

const scenario: Scenario = {
  tenant: 'bkiup',
  login: 'bkiup',
  password: 'owner-pass-1',
  prepare: (oracle) => addLevelColumn(oracle, 'bkiup'),
  async run(rec, oracle) {
    await rec.login('auth_owner', 'bkiup', 'owner-pass-1');
    const order = rec.idOf(await rec.call('d_new_order', 'POST', '/_d_new?JSON', { form: { val: 'Заказ', t: 3 } }), 'order');
    const item = rec.idOf(await rec.call('d_new_item', 'POST', '/_d_new?JSON', { form: { val: 'Позиция', t: 3 } }), 'item');
    const qty = rec.idOf(await rec.call('d_new_qty', 'POST', '/_d_new?JSON', { form: { val: 'Кол-во', t: 13 } }), 'qty');
    const part = rec.idOf(await rec.call('d_new_part', 'POST', '/_d_new?JSON', { form: { val: 'Деталь', t: 3 } }), 'part');
    rec.idOf(await rec.call('d_req_item_qty', 'POST', `/_d_req/${item}?JSON`, { form: { t: qty } }), 'item_qty', 'id');
    rec.idOf(await rec.call('d_req_part_qty', 'POST', `/_d_req/${part}?JSON`, { form: { t: qty } }), 'part_qty', 'id');
    rec.idOf(await rec.call('d_req_item_part', 'POST', `/_d_req/${item}?JSON`, { form: { t: part } }), 'item_part', 'id');
    const orderItem = rec.idOf(await rec.call('d_req_order_item', 'POST', `/_d_req/${order}?JSON`, { form: { t: item } }), 'order_item', 'id');
    const archive = rec.idOf(await rec.call('d_new_archive', 'POST', '/_d_new?JSON', { form: { val: 'Архив', t: 3 } }), 'archive');
    const note = rec.idOf(await rec.call('d_new_note', 'POST', '/_d_new?JSON', { form: { val: 'Запись', t: 3 } }), 'note');
    rec.idOf(await rec.call('d_req_archive_note', 'POST', `/_d_req/${archive}?JSON`, { form: { t: note } }), 'archive_note', 'id');
    const o1 = rec.idOf(await rec.call('m_new_order_1', 'POST', `/_m_new/${order}?JSON`, { form: { up: 1, [`t${order}`]: 'O-1' } }), 'O1');
    const o2 = rec.idOf(await rec.call('m_new_order_2', 'POST', `/_m_new/${order}?JSON`, { form: { up: 1, [`t${order}`]: 'O-2' } }), 'O2');
    const a1 = rec.idOf(await rec.call('m_new_archive_1', 'POST', `/_m_new/${archive}?JSON`, { form: { up: 1, [`t${archive}`]: 'A-1' } }), 'A1');
    await rec.call('m_new_item_o1', 'POST', `/_m_new/${item}?JSON`, { form: { up: o1, [`t${item}`]: 'bolt', [`t${qty}`]: 1 } });

    const bki = (lines: string[]) => ({ filename: 'items.bki', content: [...lines, ''].join('\r\n'), contentType: 'application/octet-stream' });
    const itemHead = `${item}:Позиция:SHORT;Кол-во:NUMBER;arr:${part};`;
    const partHead = `${part}:Деталь:SHORT;Кол-во:NUMBER;`;
    // the owner: records under O-1 (after bolt), parts under the record before them
    await rec.call('import_bki_under_o1', 'POST', `/object/${item}?JSON&import=1&F_U=${o1}`, {
      multipart: { bki_file: bki([itemHead, partHead, 'DATA', `${item}::nut;5;;`, `${part}::thread;1;`, `${part}::cap;2;`, `${item}::gear;2;;`]) },
    });
    await rec.call('list_items_o1', 'GET', `/object/${item}?JSON_DATA&F_U=${o1}`);
    const nut = Number(oracle.sql(`SELECT id FROM ${rec.db} WHERE val='nut' AND t=${item}`).trim());
    await rec.call('list_parts_nut', 'GET', `/object/${part}?JSON_DATA&F_U=${nut}`);
    await rec.call('import_bki_under_o2_body', 'POST', `/object/${item}?JSON&import=1`, {
      multipart: { F_U: String(o2), bki_file: bki([itemHead, partHead, 'DATA', `${item}::axle;1;;`]) },
    });
    await rec.call('list_items_o2', 'GET', `/object/${item}?JSON_DATA&F_U=${o2}`);
    // the subordinate table's file sent to the parent table's list: its records go under the root
    await rec.call('import_bki_item_via_order', 'POST', `/object/${order}?JSON&import=1&F_U=${o1}`, {
      multipart: { bki_file: bki([itemHead, partHead, 'DATA', `${item}::stray;3;;`]) },
    });
    await rec.call('import_bki_missing_parent', 'POST', `/object/${item}?JSON&import=1&F_U=${o2 + 5000}`, {
      multipart: { bki_file: bki([itemHead, partHead, 'DATA', `${item}::lost;1;;`]) },
    });
    await rec.call('import_bki_not_a_column', 'POST', `/object/${item}?JSON&import=1&F_U=${o1}`, {
      multipart: { bki_file: bki([partHead, 'DATA', `${part}::loose;1;`]) },
    });
    await rec.call('import_bki_no_such_type', 'POST', `/object/${item}?JSON&import=1&F_U=${o1}`, {
      multipart: { bki_file: bki([`${o2 + 6000}:Нет:SHORT;`, 'DATA', `${o2 + 6000}::x;`]) },
    });

    // a role: READ on Позиция, WRITE with EXPORT on Заказ's column Позиция, READ on Архив
    const role = rec.idOf(await rec.call('m_new_role', 'POST', '/_m_new/42?JSON', { form: { up: 1, t42: 'Импорт' } }), 'role');
    const [gColumn, gArchive, gItem] = await grantRecords(rec, oracle, role, 3);
    await rec.call('m_save_grant_column', 'POST', `/_m_save/${gColumn}?JSON`, { form: { t116: orderItem, [`t${LEVEL}`]: WRITE, t55: '1' } });
    await rec.call('m_save_grant_archive', 'POST', `/_m_save/${gArchive}?JSON`, { form: { t116: archive, [`t${LEVEL}`]: READ } });
    await rec.call('m_save_grant_item', 'POST', `/_m_save/${gItem}?JSON`, { form: { t116: item, [`t${LEVEL}`]: READ } });
    rec.idOf(await rec.call('m_new_user', 'POST', '/_m_new/18?JSON', { form: { up: 1, t18: 'Ivan', t20: 'ivan-pass-1', t115: role, ...NO_USER_DEFAULTS } }), 'ivan');

    const csv = (content: string) => ({ filename: 'items.csv', content, contentType: 'text/csv' });
    await rec.login('ivan_login', 'Ivan', 'ivan-pass-1');
    // autoParent: allowed by the column's grant (the list itself by READ on Позиция)
    await rec.call('ivan_import_auto_parent', 'POST', `/object/${item}?JSON&import=1`, { multipart: { autoParent: String(order), bki_file: csv('DATA\r\nO-1;pin;7;;\r\nO-2;ring;8;;\r\n') } });
    await rec.call('ivan_import_auto_parent_fu_url', 'POST', `/object/${item}?JSON&import=1&F_U=${o1}`, { multipart: { autoParent: String(order), bki_file: csv('DATA\r\nO-2;rivet;2;;\r\n') } });
    // F_U in the body: the parent record's grant decides (READ on Позиция itself: refused with 403)
    await rec.call('ivan_import_bki_fu_body_read', 'POST', `/object/${item}?JSON&import=1`, {
      multipart: { F_U: String(o2), bki_file: bki([itemHead, partHead, 'DATA', `${item}::spring;9;;`, `${part}::coil;3;`]) },
    });
    await rec.call('ivan_import_plain_fu_body_read', 'POST', `/object/${item}?JSON&import=1`, { multipart: { F_U: String(o1), bki_file: csv('DATA\r\nwasher;4;;\r\n') } });
    await rec.call('ivan_import_fu_url_only', 'POST', `/object/${item}?JSON&import=1&F_U=${o1}`, { multipart: { bki_file: csv('DATA\r\nclip;1;;\r\n') } });
    await rec.call('ivan_import_no_parent', 'POST', `/object/${item}?JSON&import=1`, { multipart: { bki_file: csv('DATA\r\nfree;1;;\r\n') } });
    await rec.call('ivan_import_fu_read_parent', 'POST', `/object/${note}?JSON&import=1`, { multipart: { F_U: String(a1), bki_file: csv('DATA\r\nmemo;\r\n') } });
    await rec.call('ivan_import_auto_parent_ungranted', 'POST', `/object/${note}?JSON&import=1`, { multipart: { autoParent: String(archive), bki_file: csv('DATA\r\nA-1;memo;\r\n') } });

    // the owner takes EXPORT away and gives WRITE on Архив
    await rec.login('owner_login_again', 'bkiup', 'owner-pass-1');
    await rec.call('m_set_grant_no_export', 'POST', `/_m_set/${gColumn}?JSON`, { form: { t55: '' } });
    await rec.call('m_set_grant_archive_write', 'POST', `/_m_set/${gArchive}?JSON`, { form: { [`t${LEVEL}`]: WRITE } });
    await rec.login('ivan_login_again', 'Ivan', 'ivan-pass-1');
    await rec.call('ivan_import_auto_parent_no_export', 'POST', `/object/${item}?JSON&import=1`, { multipart: { autoParent: String(order), bki_file: csv('DATA\r\nO-1;nail;1;;\r\n') } });
    await rec.call('ivan_import_note_fu_body', 'POST', `/object/${note}?JSON&import=1`, { multipart: { F_U: String(a1), bki_file: csv('DATA\r\nmemo;\r\nmemo 2;\r\n') } });
    await rec.call('ivan_import_note_bki_fu_body', 'POST', `/object/${note}?JSON&import=1`, {
      multipart: { F_U: String(a1), bki_file: bki([`${note}:Запись:SHORT;`, 'DATA', `${note}::memo 3;`]) },
    });
    await rec.call('ivan_list_items_o1', 'GET', `/object/${item}?JSON_DATA&F_U=${o1}`);
    await rec.call('ivan_list_items_o2', 'GET', `/object/${item}?JSON_DATA&F_U=${o2}`);
    await rec.call('ivan_list_notes_a1', 'GET', `/object/${note}?JSON_DATA&F_U=${a1}`);
  },
};

export default scenario;
