/**
 * The engine's whole-database dump commands (`backup`, `restore`) asked by a user without EXPORT on
 * everything: the engine's own refusal texts, nothing written. (For the admin, the owner and a role
 * with EXPORT on everything ours refuses deliberately, docs/compatibility.md: not recorded, tested in
 * tests/integration/engine/dump-commands.test.ts.)
 */
import type { Scenario } from '../run.js';
import { addLevelColumn, grantRecords, NO_USER_DEFAULTS } from './grants-nonadmin.js';

const scenario: Scenario = {
  tenant: 'dumpgr',
  login: 'dumpgr',
  password: 'owner-pass-1',
  prepare: (oracle) => addLevelColumn(oracle, 'dumpgr'),
  async run(rec, oracle) {
    await rec.login('auth_owner', 'dumpgr', 'owner-pass-1');
    const table = rec.idOf(await rec.call('d_new_table', 'POST', '/_d_new?JSON', { form: { val: 'Клиент', t: 3 } }), 'table');
    const role = rec.idOf(await rec.call('m_new_role', 'POST', '/_m_new/42?JSON', { form: { up: 1, t42: 'Читатель' } }), 'role');
    const [grant] = await grantRecords(rec, oracle, role, 1);
    // WRITE and EXPORT on one table only: not on everything
    await rec.call('m_save_grant', 'POST', `/_m_save/${grant}?JSON`, { form: { t116: table, t136: 170, t55: '1' } });
    rec.idOf(await rec.call('m_new_user', 'POST', '/_m_new/18?JSON', { form: { up: 1, t18: 'Petr', t20: 'petr-pass-1', t115: role, ...NO_USER_DEFAULTS } }), 'petr');
    await rec.login('petr_login', 'Petr', 'petr-pass-1');
    await rec.call('petr_backup', 'GET', '/backup?JSON');
    await rec.call('petr_backup_post', 'POST', '/backup?JSON', { form: {} });
    await rec.call('petr_restore', 'GET', '/restore?JSON&backup_file=dumpgr_20260101_000000.dmp.zip');
    await rec.call('petr_restore_plain', 'GET', '/restore');
  },
};

export default scenario;
