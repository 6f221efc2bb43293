/**
 * Roles and grants seen by a user who is not admin: an admin builds two tables, a role with table,
 * column and flag grants (WRITE, READ, BARRED, EXPORT, DELETE) and a user with that role, all through
 * the API; then the user logs in and tries lists, cards, the grants list and every kind of write.
 * The role name has capitals and Cyrillic: the engine lower-cases ASCII letters only.
 */
import type { OracleAccess, Scenario } from '../run.js';
import type { Recorder } from '../recorder.js';

/** the user table's other columns sent empty: the bootstrap's column names would be written as defaults */
export const NO_USER_DEFAULTS = Object.fromEntries([30, 33, 40, 41, 124, 125, 130, 156, 271, 300].map((t) => [`t${t}`, '']));

/** the level column of grant records: real databases have it as 136, the bootstrap lacks it and `_d_req` cannot add it */
const LEVEL_REQ = 136;
export function addLevelColumn(oracle: OracleAccess, tenant: string): void {
  oracle.sql(`INSERT INTO ${tenant} (id, up, ord, t, val) VALUES (46, 0, 0, 47, ''), (${LEVEL_REQ}, 116, 1, 46, '')`);
}

/**
 * Grant records of a role, made through the API: `_m_new/42` gives a new role one grant record (the
 * column's default), `_m_new/116` is refused (116 is not a top-level type), so further records come
 * from helper roles, moved under the role with `_m_move`; the helper roles are deleted afterwards.
 */
export async function grantRecords(rec: Recorder, oracle: OracleAccess, role: number, count: number): Promise<number[]> {
  const grantOf = (r: number): number => Number(oracle.sql(`SELECT id FROM ${rec.db} WHERE up=${r} AND t=116 ORDER BY id LIMIT 1`).trim());
  const out = [grantOf(role)];
  for (let i = 1; i < count; i++) {
    const helper = rec.idOf(await rec.call(`m_new_helper_role_${i}`, 'POST', '/_m_new/42?JSON', { form: { up: 1, t42: `helper ${i}` } }), `helper_role_${i}`);
    const g = grantOf(helper);
    await rec.call(`m_move_grant_${i}`, 'POST', `/_m_move/${g}?JSON`, { form: { up: role } });
    await rec.call(`m_del_helper_role_${i}`, 'POST', `/_m_del/${helper}?JSON`, { form: {} });
    out.push(g);
  }
  return out;
}

const scenario: Scenario = {
  tenant: 'gr1',
  prepare: (oracle) => addLevelColumn(oracle, 'gr1'),
  async run(rec, oracle) {
    await rec.login('admin_login', 'tester', 'tester-pass-1');
    const city = rec.idOf(await rec.call('d_new_city', 'POST', '/_d_new?JSON', { form: { val: 'City', t: 3 } }), 'city');
    const client = rec.idOf(await rec.call('d_new_client', 'POST', '/_d_new?JSON', { form: { val: 'Client', t: 3 } }), 'client');
    const phoneT = rec.idOf(await rec.call('d_new_phone', 'POST', '/_d_new?JSON', { form: { val: 'Phone', t: 3 } }), 'phoneType');
    const secretT = rec.idOf(await rec.call('d_new_secret', 'POST', '/_d_new?JSON', { form: { val: 'Code', t: 3 } }), 'secretType');
    const noteT = rec.idOf(await rec.call('d_new_note', 'POST', '/_d_new?JSON', { form: { val: 'Note', t: 3 } }), 'noteType');
    const phone = rec.idOf(await rec.call('d_req_phone', 'POST', `/_d_req/${client}?JSON`, { form: { t: phoneT } }), 'phone', 'id');
    const secret = rec.idOf(await rec.call('d_req_secret', 'POST', `/_d_req/${client}?JSON`, { form: { t: secretT } }), 'secret', 'id');
    const note = rec.idOf(await rec.call('d_req_note', 'POST', `/_d_req/${client}?JSON`, { form: { t: noteT } }), 'note', 'id');
    const cityRef = rec.idOf(await rec.call('d_ref_city', 'POST', `/_d_ref/${city}?JSON`, { form: {} }), 'cityRef');
    const cityCol = rec.idOf(await rec.call('d_req_city', 'POST', `/_d_req/${client}?JSON`, { form: { t: cityRef } }), 'cityCol', 'id');
    const level = LEVEL_REQ;

    const moscow = rec.idOf(await rec.call('m_new_moscow', 'POST', `/_m_new/${city}?JSON`, { form: { up: 1, [`t${city}`]: 'Moscow' } }), 'moscow');
    rec.idOf(await rec.call('m_new_paris', 'POST', `/_m_new/${city}?JSON`, { form: { up: 1, [`t${city}`]: 'Paris' } }), 'paris');
    const alice = rec.idOf(await rec.call('m_new_alice', 'POST', `/_m_new/${client}?JSON`, {
      form: { up: 1, [`t${client}`]: 'Alice', [`t${phone}`]: '555-01', [`t${secret}`]: 'alice-secret', [`t${note}`]: 'note A', [`t${cityCol}`]: moscow },
    }), 'alice');
    const bob = rec.idOf(await rec.call('m_new_bob', 'POST', `/_m_new/${client}?JSON`, {
      form: { up: 1, [`t${client}`]: 'Bob', [`t${phone}`]: '555-02', [`t${secret}`]: 'bob-secret', [`t${note}`]: 'note B' },
    }), 'bob');
    const carol = rec.idOf(await rec.call('m_new_carol', 'POST', `/_m_new/${client}?JSON`, { form: { up: 1, [`t${client}`]: 'Carol' } }), 'carol');

    const role = rec.idOf(await rec.call('m_new_role', 'POST', '/_m_new/42?JSON', { form: { up: 1, t42: 'Sales Менеджер' } }), 'role');
    const grants = await grantRecords(rec, oracle, role, 4);
    const [gClient, gCode, gNote, gCity] = grants;
    await rec.call('m_save_grant_client', 'POST', `/_m_save/${gClient}?JSON`, { form: { t116: client, [`t${level}`]: 170, t55: '1' } });
    await rec.call('m_save_grant_code', 'POST', `/_m_save/${gCode}?JSON`, { form: { t116: secret, [`t${level}`]: 172 } });
    await rec.call('m_save_grant_note', 'POST', `/_m_save/${gNote}?JSON`, { form: { t116: note, [`t${level}`]: 171 } });
    await rec.call('m_save_grant_city', 'POST', `/_m_save/${gCity}?JSON`, { form: { t116: city, [`t${level}`]: 171 } });
    rec.idOf(await rec.call('m_new_user', 'POST', '/_m_new/18?JSON', { form: { up: 1, t18: 'Ivan', t20: 'ivan-pass-1', t115: role, ...NO_USER_DEFAULTS } }), 'ivan');
    await rec.call('edit_obj_grant_column_admin', 'GET', `/edit_obj/${gCode}?JSON`);
    await rec.call('edit_obj_role_admin', 'GET', `/edit_obj/${role}?JSON`);
    await rec.call('object_grants_admin', 'GET', `/object/116?JSON&F_U=${role}`);

    await rec.login('ivan_login', 'Ivan', 'ivan-pass-1');
    await rec.call('ivan_xsrf', 'GET', '/xsrf?JSON');
    await rec.call('ivan_grants', 'GET', '/grants?JSON');
    await rec.call('ivan_dict', 'GET', '/dict?JSON');
    await rec.call('ivan_metadata_client', 'GET', `/metadata/${client}?JSON`);
    await rec.call('ivan_list_client', 'GET', `/object/${client}?JSON`);
    await rec.call('ivan_list_client_data', 'GET', `/object/${client}?JSON_DATA`);
    await rec.call('ivan_list_city', 'GET', `/object/${city}?JSON_DATA`);
    await rec.call('ivan_list_users', 'GET', '/object/18?JSON');
    await rec.call('ivan_edit_obj_alice', 'GET', `/edit_obj/${alice}?JSON`);
    await rec.call('ivan_edit_obj_moscow', 'GET', `/edit_obj/${moscow}?JSON`);
    await rec.call('ivan_edit_types', 'GET', '/edit_types?JSON');
    await rec.call('ivan_d_new', 'POST', '/_d_new?JSON', { form: { val: 'Hack', t: 3 } });
    await rec.call('ivan_d_req', 'POST', `/_d_req/${client}?JSON`, { form: { t: phoneT } });
    await rec.call('ivan_m_set_phone', 'POST', `/_m_set/${alice}?JSON`, { form: { [`t${phone}`]: '555-11' } });
    await rec.call('ivan_m_set_note_read', 'POST', `/_m_set/${alice}?JSON`, { form: { [`t${note}`]: 'changed' } });
    await rec.call('ivan_m_set_secret_barred', 'POST', `/_m_set/${alice}?JSON`, { form: { [`t${secret}`]: 'leak' } });
    await rec.call('ivan_m_save_alice', 'POST', `/_m_save/${alice}?JSON`, { form: { [`t${client}`]: 'Alice2', [`t${phone}`]: '555-12' } });
    await rec.call('ivan_m_save_alice_note', 'POST', `/_m_save/${alice}?JSON`, { form: { [`t${note}`]: 'x' } });
    await rec.call('ivan_m_new_client', 'POST', `/_m_new/${client}?JSON`, { form: { up: 1, [`t${client}`]: 'Dan', [`t${phone}`]: '555-04' } });
    await rec.call('ivan_m_new_city', 'POST', `/_m_new/${city}?JSON`, { form: { up: 1, [`t${city}`]: 'Rome' } });
    await rec.call('ivan_m_set_moscow', 'POST', `/_m_set/${moscow}?JSON`, { form: { [`t${city}`]: 'Moskva' } });
    await rec.call('ivan_m_del_moscow', 'POST', `/_m_del/${moscow}?JSON`, { form: {} });
    await rec.call('ivan_m_del_batch_client', 'POST', `/_m_del_batch/${client}?JSON`, { form: { ids: `${bob},${carol}` } });
    await rec.call('ivan_m_del_carol', 'POST', `/_m_del/${carol}?JSON`, { form: {} });
    await rec.call('ivan_m_save_grant', 'POST', `/_m_save/${gClient}?JSON`, { form: { t116: 1, [`t${level}`]: 170 } });
    await rec.call('ivan_m_set_role', 'POST', `/_m_set/${role}?JSON`, { form: { t42: 'admin' } });
    await rec.call('ivan_get_record_moscow', 'GET', `/get_record/${moscow}?JSON`);
    await rec.call('ivan_get_record_user', 'GET', '/get_record/1012?JSON');

    // the admin grants DELETE on Client and WRITE on City: the user's next request sees it
    await rec.login('admin_login_again', 'tester', 'tester-pass-1');
    await rec.call('m_set_grant_delete', 'POST', `/_m_set/${gClient}?JSON`, { form: { t56: '1' } });
    await rec.call('m_new_grant_refused', 'POST', '/_m_new/116?JSON', { form: { up: role, t116: 1, [`t${level}`]: 171 } });
    await rec.call('m_save_grant_city_to_root', 'POST', `/_m_save/${gCity}?JSON`, { form: { t116: 1, [`t${level}`]: 171 } });
    await rec.login('ivan_login_again', 'Ivan', 'ivan-pass-1');
    await rec.call('ivan_metadata_client_after', 'GET', `/metadata/${client}?JSON`);
    await rec.call('ivan_m_del_batch_after', 'POST', `/_m_del_batch/${client}?JSON`, { form: { ids: `${bob},${carol}` } });
    await rec.call('ivan_list_users_after', 'GET', '/object/18?JSON_DATA');
    await rec.call('ivan_edit_obj_role', 'GET', `/edit_obj/${role}?JSON`);
    await rec.call('ivan_list_client_after', 'GET', `/object/${client}?JSON_DATA`);
  },
};

export default scenario;
