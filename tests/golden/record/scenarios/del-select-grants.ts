/**
 * `_m_del_select` and its grant gates for a user who is not the admin: a table the role may only
 * read (refused before anything is listed), a table it may write but has no DELETE grant for (the
 * bulk-delete refusal), a subordinate table under a parent it may only read (F_U: the parent's
 * WRITE check), and one it may delete from, where a referenced record stays. The list afterwards
 * shows what is left. Everything is built through the API.
 */
import type { Scenario } from '../run.js';
import { addLevelColumn, grantRecords, NO_USER_DEFAULTS } from './grants-nonadmin.js';

const LEVEL = 136;
const WRITE = 170;
const READ = 171;
/** the DELETE flag column of a grant record */
const DELETE_FLAG = 56;

const scenario: Scenario = {
  tenant: 'delsel',
  prepare: (oracle) => addLevelColumn(oracle, 'delsel'),
  async run(rec, oracle) {
    await rec.login('admin_login', 'tester', 'tester-pass-1');
    const newType = async (name: string, val: string, t: number): Promise<number> =>
      rec.idOf(await rec.call(`d_new_${name}`, 'POST', '/_d_new?JSON', { form: { val, t } }), name);
    const newRec = async (name: string, table: number, form: Record<string, string | number>, up: number = 1): Promise<number> =>
      rec.idOf(await rec.call(`m_new_${name}`, 'POST', `/_m_new/${table}?JSON`, { form: { up, ...form } }), name);

    const readOnly = await newType('readOnly', 'Viewed', 3);
    const writable = await newType('writable', 'Edited', 3);
    const removable = await newType('removable', 'Removed', 3);
    const parent = await newType('parent', 'Folder', 3);
    const child = await newType('child', 'Paper', 3);
    rec.idOf(await rec.call('d_req_child', 'POST', `/_d_req/${parent}?JSON`, { form: { t: child } }), 'childCol', 'id');
    const removableRef = rec.idOf(await rec.call('d_ref_removable', 'POST', `/_d_ref/${removable}?JSON`, { form: {} }), 'removableRef');
    const pointer = rec.idOf(await rec.call('d_req_pointer', 'POST', `/_d_req/${writable}?JSON`, { form: { t: removableRef } }), 'pointer', 'id');

    await newRec('v1', readOnly, { [`t${readOnly}`]: 'v1' });
    await newRec('e1', writable, { [`t${writable}`]: 'e1' });
    const r1 = await newRec('r1', removable, { [`t${removable}`]: 'r1' });
    await newRec('r2', removable, { [`t${removable}`]: 'r2' });
    await newRec('r3', removable, { [`t${removable}`]: 'x3' });
    await newRec('e2', writable, { [`t${writable}`]: 'e2', [`t${pointer}`]: r1 });
    const folder = await newRec('f1', parent, { [`t${parent}`]: 'f1' });
    await newRec('p1', child, { [`t${child}`]: 'p1' }, folder);

    const role = rec.idOf(await rec.call('m_new_role', 'POST', '/_m_new/42?JSON', { form: { up: 1, t42: 'Clerks' } }), 'role');
    const g = await grantRecords(rec, oracle, role, 5);
    await rec.call('m_save_grant_read_only', 'POST', `/_m_save/${g[0]}?JSON`, { form: { t116: readOnly, [`t${LEVEL}`]: READ } });
    await rec.call('m_save_grant_writable', 'POST', `/_m_save/${g[1]}?JSON`, { form: { t116: writable, [`t${LEVEL}`]: WRITE } });
    await rec.call('m_save_grant_removable', 'POST', `/_m_save/${g[2]}?JSON`, { form: { t116: removable, [`t${LEVEL}`]: WRITE, [`t${DELETE_FLAG}`]: '1' } });
    await rec.call('m_save_grant_parent', 'POST', `/_m_save/${g[3]}?JSON`, { form: { t116: parent, [`t${LEVEL}`]: READ } });
    await rec.call('m_save_grant_child', 'POST', `/_m_save/${g[4]}?JSON`, { form: { t116: child, [`t${LEVEL}`]: WRITE } });
    rec.idOf(await rec.call('m_new_user', 'POST', '/_m_new/18?JSON', { form: { up: 1, t18: 'Clerk', t20: 'clerk-pass-1', t115: role, ...NO_USER_DEFAULTS } }), 'clerk');

    await rec.login('clerk_login', 'Clerk', 'clerk-pass-1');
    await rec.call('clerk_del_select_read_only', 'POST', `/object/${readOnly}?JSON&_m_del_select`, { form: {} });
    await rec.call('clerk_del_select_writable', 'POST', `/object/${writable}?JSON&_m_del_select`, { form: {} });
    await rec.call('clerk_del_select_child_of_read_parent', 'POST', `/object/${child}?JSON&_m_del_select&F_U=${folder}`, { form: {} });
    await rec.call('clerk_del_select_get', 'GET', `/object/${removable}?JSON&_m_del_select`);
    await rec.call('clerk_del_select_removable_r', 'POST', `/object/${removable}?JSON&_m_del_select&F_${removable}=r%25`, { form: {} });
    await rec.call('clerk_list_removable_after', 'GET', `/object/${removable}?JSON_DATA`);
    await rec.call('clerk_list_writable_after', 'GET', `/object/${writable}?JSON_DATA`);
    await rec.call('clerk_list_child_after', 'GET', `/object/${child}?JSON_DATA&F_U=${folder}`);
  },
};

export default scenario;
