/**
 * The password reset's parts that send no mail: `confirm` (the link of the reset mail) with the
 * user's current hash (changes the password), again (obsolete), as a browser (redirects), and
 * `auth` with `reset` for logins that get no mail (unknown; a user with neither e-mail nor phone).
 * The mailing parts (MAIL, NEW_PWD) are not recorded: the PHP engine sends its mail through a
 * fixed outside SMTP server, and recordings contact 127.0.0.1 only.
 */
import { createHash } from 'node:crypto';
import type { Scenario } from '../run.js';

const TENANT = 'rstpw';
/** the oracle's SALT; the engine's hash is sha512(SALT + db + password) */
const SALT = 'oracle-salt';
const hash = (pwd: string) => createHash('sha512').update(SALT + TENANT + pwd).digest('hex');
const NO_DATED = { t124: '', t156: '' };

const scenario: Scenario = {
  tenant: TENANT,
  async run(rec, oracle) {
    await rec.login('login', 'tester', 'tester-pass-1');
    const mailer = rec.idOf(await rec.call('new_user_with_mail', 'POST', '/_m_new/18?JSON', { form: { up: 1, t18: 'mailer', t20: 'mailer-pass-1', t41: 'mailer@example.test', t115: 145, ...NO_DATED } }), 'mailer');
    rec.idOf(await rec.call('new_user_without_contacts', 'POST', '/_m_new/18?JSON', { form: { up: 1, t18: 'silent', t20: 'silent-pass-1', t115: 145, ...NO_DATED } }), 'silent');
    const current = oracle.sql(`SELECT val FROM ${TENANT} WHERE up = ${mailer} AND t = 20`).trim();
    if (current !== hash('mailer-pass-1')) throw new Error('the oracle hashes passwords differently than this scenario assumes');
    const next = hash('mailer-pass-2');

    await rec.call('reset_unknown_login', 'POST', '/auth?JSON', { form: { login: 'nobody-here', reset: '1' }, auth: false, xsrf: false });
    await rec.call('reset_user_without_contacts', 'POST', '/auth?JSON', { form: { login: 'silent', reset: '1' }, auth: false, xsrf: false });
    await rec.call('reset_unknown_login_browser', 'POST', '/auth', { form: { login: 'nobody-here', reset: '1' }, auth: false, xsrf: false });

    await rec.call('confirm_wrong_old_hash', 'GET', `/confirm?JSON&u=mailer&p=${next}&o=${hash('not-the-password')}`, { auth: false });
    await rec.call('confirm', 'GET', `/confirm?JSON&u=mailer&p=${next}&o=${current}`, { auth: false });
    await rec.call('confirm_again_obsolete', 'GET', `/confirm?JSON&u=mailer&p=${next}&o=${current}`, { auth: false });
    await rec.call('login_old_password', 'POST', '/auth?JSON', { form: { login: 'mailer', pwd: 'mailer-pass-1' }, auth: false, xsrf: false });
    await rec.call('login_new_password', 'POST', '/auth?JSON', { form: { login: 'mailer', pwd: 'mailer-pass-2' }, auth: false, xsrf: false });
    await rec.call('confirm_browser', 'GET', `/confirm?u=mailer&p=${current}&o=${next}`, { auth: false });
    await rec.call('confirm_browser_obsolete', 'GET', `/confirm?u=mailer&p=${current}&o=${next}`, { auth: false });
    await rec.call('confirm_upper_case_login', 'GET', `/confirm?JSON&u=MAILER&p=${next}&o=${current}`, { auth: false });
    await rec.login('login_with_the_confirmed_password', 'mailer', 'mailer-pass-2');
  },
};
export default scenario;
