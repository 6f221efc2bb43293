/**
 * The engine's built-ins (`[USER]`, `[USER_ID]`, `[ROLE]`, `[ROLE_ID]`, `[TODAY]`, `[YESTERDAY]`,
 * `[TOMORROW]`) as stored report filters (a column's "from"/"to"), and as FR_ values of the request:
 * the engine's Construct_WHERE replaces a whole value (after a `!`, `>`, `<`, `>=` or `<=` in front)
 * by the user's name, id, role name, role id or the date. Run by the admin and by a user of another
 * role, who sees other rows of the same reports. The dates are far from today (2001, 2099) so the
 * answers do not depend on the day of the run.
 */
import { schemaCalls } from './schema-calls.js';
import type { Scenario } from '../run.js';
import { grantRecords, NO_USER_DEFAULTS } from './grants-nonadmin.js';
import { addReportMetadata } from './report-echo.js';
import { makeReport } from './rep-corners.js';

const LEVEL = 136;
const READ = 171;

const scenario: Scenario = {
  tenant: 'reprole',
  prepare(oracle, tenant) {
    addReportMetadata(oracle, tenant, true);
    // the level column of grant records, as in rep-grants
    oracle.sql(`INSERT INTO ${tenant} (id, up, ord, t, val) VALUES (114, 0, 0, 47, ''), (${LEVEL}, 116, 1, 114, '')`);
  },
  async run(rec, oracle) {
    await rec.login('admin_login', 'tester', 'tester-pass-1');
    const { type, column: req, record } = schemaCalls(rec, 'd_new_', 'd_req_');
    const task = await type('task', 'Task', 3);
    const owner = await req('task_owner', task, await type('owner', 'Owner', 3));
    const roleName = await req('task_role', task, await type('rolename', 'RoleName', 3));
    const ownerId = await req('task_owner_id', task, await type('ownerid', 'OwnerId', 13));
    const roleId = await req('task_role_id', task, await type('roleid', 'RoleId', 13));
    const due = await req('task_due', task, await type('due', 'Due', 9));

    const role = rec.idOf(await rec.call('m_new_role', 'POST', '/_m_new/42?JSON', { form: { up: 1, t42: 'Reader' } }), 'role');
    const [gTask, gReport] = await grantRecords(rec, oracle, role, 2);
    await rec.call('grant_task', 'POST', `/_m_save/${gTask}?JSON`, { form: { t116: task, [`t${LEVEL}`]: READ } });
    await rec.call('grant_report', 'POST', `/_m_save/${gReport}?JSON`, { form: { t116: 22, [`t${LEVEL}`]: READ } });
    const ivan = rec.idOf(await rec.call('m_new_ivan', 'POST', '/_m_new/18?JSON', { form: { up: 1, t18: 'Ivan', t20: 'ivan-pass-1', t115: role, ...NO_USER_DEFAULTS } }), 'ivan');
    const tester = Number(oracle.sql(`SELECT id FROM ${rec.db} WHERE t=18 AND val='tester'`).trim());
    const testerRole = Number(oracle.sql(`SELECT t FROM ${rec.db} WHERE up=${tester} AND val='115' LIMIT 1`).trim() || '0');
    const testerRoleName = oracle.sql(`SELECT val FROM ${rec.db} WHERE id=${testerRole || 0}`).trim();

    const t = (key: string, no: string, who: string, rname: string, uid: number, rid: number, date: string) =>
      record(key, task, { [`t${task}`]: no, [`t${owner}`]: who, [`t${roleName}`]: rname, [`t${ownerId}`]: String(uid), [`t${roleId}`]: String(rid), [`t${due}`]: date });
    await t('t1', 'T-1', 'tester', testerRoleName || 'admin', tester, testerRole, '01.02.2001');
    await t('t2', 'T-2', 'Ivan', 'Reader', ivan, role, '15.06.2099');
    await t('t3', 'T-3', 'Ivan', 'Reader', ivan, role, '01.02.2001');
    await t('t4', 'T-4', 'nobody', 'Other', 999, 998, '');

    const cols = (filtered: number, cells: Record<string, string>): [number, Record<string, string | number>][] => [
      [task, { t100: 'no' }],
      ...[[owner, 'owner'], [roleName, 'role'], [ownerId, 'uid'], [roleId, 'rid'], [due, 'due']].map(([src, name]): [number, Record<string, string | number>] =>
        [src as number, src === filtered ? { t100: name as string, ...cells } : { t100: name as string }]),
    ];
    const reports: [string, number][] = [];
    const make = async (key: string, filtered: number, cells: Record<string, string>) => reports.push([key, await makeReport(rec, key, {}, cols(filtered, cells))]);
    await make('by_user', owner, { t102: '[USER]' });
    await make('not_user', owner, { t102: '![USER]' });
    await make('by_role', roleName, { t102: '[ROLE]' });
    await make('by_user_id', ownerId, { t102: '[USER_ID]' });
    await make('by_role_id', roleId, { t102: '[ROLE_ID]' });
    await make('past', due, { t102: '<[TODAY]' });
    await make('future', due, { t102: '>=[TOMORROW]' });
    await make('range_today', due, { t102: '[YESTERDAY]', t103: '31.12.2099' });
    await make('upto_today', due, { t102: '01.01.2000', t103: '[TODAY]' });
    const all = await makeReport(rec, 'all', {}, cols(0, {}));

    const runAll = async (who: string) => {
      for (const [key, id] of reports) await rec.call(`${who}_${key}`, 'GET', `/report/${id}?JSON_KV`);
      await rec.call(`${who}_by_role_json`, 'GET', `/report/${reports[2][1]}?JSON`);
      // the same built-ins as FR_ values of the request
      const e = encodeURIComponent;
      await rec.call(`${who}_fr_user`, 'GET', `/report/${all}?JSON_KV&FR_owner=${e('[USER]')}`);
      await rec.call(`${who}_fr_role`, 'GET', `/report/${all}?JSON_KV&FR_role=${e('[ROLE]')}`);
      await rec.call(`${who}_fr_not_role`, 'GET', `/report/${all}?JSON_KV&FR_role=${e('![ROLE]')}`);
      await rec.call(`${who}_fr_uid`, 'GET', `/report/${all}?JSON_KV&FR_uid=${e('[USER_ID]')}`);
      await rec.call(`${who}_fr_due_past`, 'GET', `/report/${all}?JSON_KV&FR_due=${e('<=[TODAY]')}`);
      await rec.call(`${who}_fr_user_request`, 'GET', `/report/${reports[0][1]}?JSON_KV&FR_owner=nobody`);
    };
    await runAll('admin');
    await rec.login('ivan_login', 'Ivan', 'ivan-pass-1');
    await runAll('ivan');
  },
};

export default scenario;
