/**
 * Login by an e-mail code (`getcode`, `checkcode`), only the answers that send no mail: an address
 * that is not one, an address nobody has, two users with one address; `checkcode` with bad input, an
 * unknown address, a wrong code (the user's retries counter: the second failure closes the code login,
 * a password login opens it again). A right code and the mail itself are tested with a real SMTP
 * server in tests/integration/server/legacy-email-code.test.ts (the code is the start of a random token).
 */
import type { Scenario } from '../run.js';
import { NO_USER_DEFAULTS } from './grants-nonadmin.js';

const scenario: Scenario = {
  tenant: 'emcode',
  login: 'emcode',
  password: 'owner-pass-1',
  async run(rec) {
    await rec.login('auth_owner', 'emcode', 'owner-pass-1');
    const user = (login: string, email: string) => ({ up: 1, t18: login, t20: `${login.toLowerCase()}-pass-1`, t115: 145, ...NO_USER_DEFAULTS, t41: email });
    rec.idOf(await rec.call('m_new_ivan', 'POST', '/_m_new/18?JSON', { form: user('Ivan', 'Ivan@Example.test') }), 'ivan');
    rec.idOf(await rec.call('m_new_olga', 'POST', '/_m_new/18?JSON', { form: user('Olga', 'dup@example.test') }), 'olga');
    rec.idOf(await rec.call('m_new_petr', 'POST', '/_m_new/18?JSON', { form: user('Petr', 'dup@example.test') }), 'petr');
    await rec.login('ivan_login', 'Ivan', 'ivan-pass-1');

    await rec.call('getcode_not_an_address', 'GET', '/getcode?u=ivan', { auth: false });
    await rec.call('getcode_nobody', 'GET', '/getcode?u=nobody@example.test', { auth: false });
    await rec.call('getcode_two_users', 'POST', '/getcode', { form: { u: 'dup@example.test' }, auth: false, xsrf: false });
    await rec.call('checkcode_not_an_address', 'GET', '/checkcode?u=ivan&c=abcd', { auth: false });
    await rec.call('checkcode_short_code', 'GET', '/checkcode?u=ivan@example.test&c=ab', { auth: false });
    await rec.call('checkcode_nobody', 'GET', '/checkcode?u=nobody@example.test&c=abcd', { auth: false });
    await rec.call('checkcode_two_users', 'GET', '/checkcode?u=dup@example.test&c=abcd', { auth: false });
    await rec.call('checkcode_wrong_1', 'GET', '/checkcode?u=IVAN@example.test&c=zzzz', { auth: false });
    await rec.call('checkcode_wrong_2', 'POST', '/checkcode', { form: { u: 'ivan@example.test', c: 'zzzz' }, auth: false, xsrf: false });
    await rec.call('checkcode_closed', 'GET', '/checkcode?u=ivan@example.test&c=zzzz', { auth: false });
    // a password login resets the counter: the code login answers "wrong code" again
    await rec.login('ivan_login_again', 'Ivan', 'ivan-pass-1');
    await rec.call('checkcode_wrong_after_login', 'GET', '/checkcode?u=ivan@example.test&c=zzzz', { auth: false });
  },
};

export default scenario;
