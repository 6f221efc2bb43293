/**
 * Corners of grants: a role reading the type editor and everything (READ on 0 and on 1) with one
 * table BARRED and a DELETE flag on another; a role whose type-editor grant is BARRED; the grant
 * column of the role table in lists. Roles, grants and users are made through the API.
 */
import type { Scenario } from '../run.js';
import { addLevelColumn, grantRecords, NO_USER_DEFAULTS } from './grants-nonadmin.js';

const LEVEL = 136;

const scenario: Scenario = {
  tenant: 'gr3',
  prepare: (oracle) => addLevelColumn(oracle, 'gr3'),
  async run(rec, oracle) {
    await rec.login('admin_login', 'tester', 'tester-pass-1');
    const secret = rec.idOf(await rec.call('d_new_secret', 'POST', '/_d_new?JSON', { form: { val: 'Vault', t: 3 } }), 'vault');
    const task = rec.idOf(await rec.call('d_new_task', 'POST', '/_d_new?JSON', { form: { val: 'Task', t: 3 } }), 'task');
    const step = rec.idOf(await rec.call('d_new_step', 'POST', '/_d_new?JSON', { form: { val: 'Step', t: 3 } }), 'step');
    const stepNoteT = rec.idOf(await rec.call('d_new_step_note', 'POST', '/_d_new?JSON', { form: { val: 'Remark', t: 3 } }), 'remarkTerm');
    rec.idOf(await rec.call('d_req_step_note', 'POST', `/_d_req/${step}?JSON`, { form: { t: stepNoteT } }), 'remark', 'id');
    const stepsCol = rec.idOf(await rec.call('d_req_task_steps', 'POST', `/_d_req/${task}?JSON`, { form: { t: step } }), 'steps', 'id');
    const gold = rec.idOf(await rec.call('m_new_gold', 'POST', `/_m_new/${secret}?JSON`, { form: { up: 1, [`t${secret}`]: 'gold' } }), 'gold');
    const t1 = rec.idOf(await rec.call('m_new_task1', 'POST', `/_m_new/${task}?JSON`, { form: { up: 1, [`t${task}`]: 'first' } }), 'task1');
    const t2 = rec.idOf(await rec.call('m_new_task2', 'POST', `/_m_new/${task}?JSON`, { form: { up: 1, [`t${task}`]: 'second' } }), 'task2');
    const s1 = rec.idOf(await rec.call('m_new_step1', 'POST', `/_m_new/${step}?JSON`, { form: { up: t1, [`t${step}`]: 'step one' } }), 'step1');
    rec.idOf(await rec.call('m_new_step2', 'POST', `/_m_new/${step}?JSON`, { form: { up: t1, [`t${step}`]: 'step two' } }), 'step2');

    const viewer = rec.idOf(await rec.call('m_new_role_viewer', 'POST', '/_m_new/42?JSON', { form: { up: 1, t42: 'Viewer' } }), 'viewer');
    const [gEditor, gAll, gVault, gTask] = await grantRecords(rec, oracle, viewer, 4);
    await rec.call('m_save_grant_editor', 'POST', `/_m_save/${gEditor}?JSON`, { form: { t116: 0, [`t${LEVEL}`]: 171 } });
    await rec.call('m_save_grant_all', 'POST', `/_m_save/${gAll}?JSON`, { form: { t116: 1, [`t${LEVEL}`]: 171 } });
    await rec.call('m_save_grant_vault', 'POST', `/_m_save/${gVault}?JSON`, { form: { t116: secret, [`t${LEVEL}`]: 172 } });
    await rec.call('m_save_grant_task', 'POST', `/_m_save/${gTask}?JSON`, { form: { t116: task, t56: '1' } });
    const locked = rec.idOf(await rec.call('m_new_role_locked', 'POST', '/_m_new/42?JSON', { form: { up: 1, t42: 'LOCKED out' } }), 'locked');
    const [gLocked] = await grantRecords(rec, oracle, locked, 1);
    await rec.call('m_save_grant_locked', 'POST', `/_m_save/${gLocked}?JSON`, { form: { t116: 0, [`t${LEVEL}`]: 172 } });
    rec.idOf(await rec.call('m_new_user_vera', 'POST', '/_m_new/18?JSON', { form: { up: 1, t18: 'Vera', t20: 'vera-pass-1', t115: viewer, ...NO_USER_DEFAULTS } }), 'vera');
    rec.idOf(await rec.call('m_new_user_lev', 'POST', '/_m_new/18?JSON', { form: { up: 1, t18: 'Lev', t20: 'lev-pass-1', t115: locked, ...NO_USER_DEFAULTS } }), 'lev');
    await rec.call('roles_list_data', 'GET', '/object/42?JSON_DATA');
    await rec.call('roles_list_obj', 'GET', '/object/42?JSON_OBJ');
    await rec.call('roles_list_kv', 'GET', '/object/42?JSON_KV');

    await rec.login('vera_login', 'Vera', 'vera-pass-1');
    await rec.call('vera_xsrf', 'GET', '/xsrf?JSON');
    await rec.call('vera_edit_types', 'GET', '/edit_types?JSON');
    await rec.call('vera_d_new', 'POST', '/_d_new?JSON', { form: { val: 'Nope', t: 3 } });
    await rec.call('vera_terms', 'GET', '/terms?JSON');
    await rec.call('vera_dict', 'GET', '/dict?JSON');
    await rec.call('vera_metadata_vault', 'GET', `/metadata/${secret}?JSON`);
    await rec.call('vera_list_vault', 'GET', `/object/${secret}?JSON`);
    await rec.call('vera_get_record_gold', 'GET', `/get_record/${gold}?JSON`);
    await rec.call('vera_list_task', 'GET', `/object/${task}?JSON_DATA`);
    await rec.call('vera_list_steps', 'GET', `/object/${step}?JSON_DATA&F_U=${t1}`);
    await rec.call('vera_edit_obj_task', 'GET', `/edit_obj/${t1}?JSON`);
    await rec.call('vera_m_new_task', 'POST', `/_m_new/${task}?JSON`, { form: { up: 1, [`t${task}`]: 'third' } });
    await rec.call('vera_m_new_step', 'POST', `/_m_new/${step}?JSON`, { form: { up: t1, [`t${step}`]: 'step three' } });
    await rec.call('vera_m_save_task', 'POST', `/_m_save/${t1}?JSON`, { form: { [`t${task}`]: 'renamed' } });
    await rec.call('vera_m_up_step', 'POST', `/_m_up/${s1 + 2}?JSON`, { form: {} });
    await rec.call('vera_m_ord_step', 'POST', `/_m_ord/${s1}?JSON`, { form: { order: 2 } });
    await rec.call('vera_m_move_step', 'POST', `/_m_move/${s1}?JSON`, { form: { up: t2 } });
    await rec.call('vera_m_move_task', 'POST', `/_m_move/${t2}?JSON`, { form: { up: 1 } });
    await rec.call('vera_m_id', 'POST', `/_m_id/${t2}?JSON`, { form: { new_id: 5000 } });
    await rec.call('vera_m_del_task', 'POST', `/_m_del/${t2}?JSON`, { form: {} });
    await rec.call('vera_m_del_batch_task', 'POST', `/_m_del_batch/${task}?JSON`, { form: { ids: `${t2}` } });
    await rec.call('vera_m_del_batch_vault', 'POST', `/_m_del_batch/${secret}?JSON`, { form: { ids: `${gold}` } });
    await rec.call('vera_grants', 'GET', '/grants?JSON');
    await rec.call('vera_steps_col_card', 'GET', `/metadata/${task}?JSON`);
    void stepsCol;

    await rec.login('lev_login', 'Lev', 'lev-pass-1');
    await rec.call('lev_xsrf', 'GET', '/xsrf?JSON');
    await rec.call('lev_edit_types', 'GET', '/edit_types?JSON');
    await rec.call('lev_d_new', 'POST', '/_d_new?JSON', { form: { val: 'Nope', t: 3 } });
    await rec.call('lev_terms', 'GET', '/terms?JSON');
    await rec.call('lev_list_task', 'GET', `/object/${task}?JSON`);
  },
};

export default scenario;
