/**
 * `_m_new/18` (a new user) with the user table's column defaults: the cells the engine writes for
 * columns the request leaves out, in its row order (ids), next to given, emptied and extra cells.
 */
import type { Scenario } from '../run.js';

/** the columns whose defaults depend on the month */
const NO_DATED = { t124: '', t156: '' };

const scenario: Scenario = {
  tenant: 'sbusr',
  async run(rec) {
    await rec.login('login', 'tester', 'tester-pass-1');
    rec.idOf(await rec.call('m_new_user_defaults', 'POST', '/_m_new/18?JSON', { form: { up: 1, t18: 'newbie', t20: 'newbie-pass-1', t115: 145, ...NO_DATED } }), 'newbie');
    rec.idOf(await rec.call('m_new_user_some_given', 'POST', '/_m_new/18?JSON', { form: { up: 1, t18: 'second', t20: 'second-pass-1', t33: 'Second Name', t41: '', t30: '+1 555', t115: 145, ...NO_DATED } }), 'second');
    rec.idOf(await rec.call('m_new_user_bare', 'POST', '/_m_new/18?JSON', { form: { up: 1, t18: 'bare', ...NO_DATED } }), 'bare');
    await rec.call('list_users', 'GET', '/object/18?JSON_DATA');
    await rec.login('login_newbie', 'newbie', 'newbie-pass-1');
  },
};
export default scenario;
