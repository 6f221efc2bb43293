/**
 * Sign-in by QR code (`qrnew`, `qrpoll`, `qrlogin`), the flows that need no phone: the owner signs in,
 * a screen asks for a code, polls it (wrong secret, pending), the phone's page as a guest and as the
 * owner (Russian and English), an unrecognised and an unknown code, the confirmation, the poll that
 * gets the token (once), GET refusals, and the cap of five open codes per caller address (429).
 * Random codes, secrets and pair numbers are matched by the replay (tests/golden/replay.ts, QR rule);
 * tests/integration/server/legacy-qr-login.test.ts covers what a recording cannot (expiry, two stores).
 */
import type { Scenario } from '../run.js';

const HEX64 = (ch: string) => ch.repeat(64);

const scenario: Scenario = {
  tenant: 'qrlog',
  login: 'qrlog',
  password: 'owner-pass-1',
  async run(rec) {
    await rec.login('auth_owner', 'qrlog', 'owner-pass-1');
    await rec.call('qrnew_get', 'GET', '/qrnew', { auth: false });
    await rec.call('qrpoll_get', 'GET', '/qrpoll?c=' + HEX64('a') + '&s=' + HEX64('b'), { auth: false });
    await rec.call('qrpoll_malformed', 'POST', '/qrpoll', { form: { c: 'xyz', s: 'abc' }, auth: false, xsrf: false });
    await rec.call('qrpoll_unknown', 'POST', '/qrpoll', { form: { c: HEX64('a'), s: HEX64('b') }, auth: false, xsrf: false });
    await rec.call('qrpoll_query_only', 'POST', '/qrpoll?c=' + HEX64('a') + '&s=' + HEX64('b'), { auth: false, raw: '' });

    // the phone is a browser: its token comes in the engine's cookie (X-Authorization counts only in JSON mode)
    const phone = (locale?: string) => ({ auth: false, headers: { Cookie: `idb_qrlog=${rec.token ?? ''}${locale ? `; qrlog_locale=${locale}` : ''}` } });
    const created = await rec.call('qrnew', 'POST', '/qrnew', { auth: false, raw: '' });
    const { code, secret } = created.json as { code: string; secret: string };
    await rec.call('qrpoll_wrong_secret', 'POST', '/qrpoll', { form: { c: code, s: HEX64('c') }, auth: false, xsrf: false });
    await rec.call('qrpoll_pending', 'POST', '/qrpoll', { form: { c: code, s: secret }, auth: false, xsrf: false });
    await rec.call('qrlogin_guest', 'GET', `/qrlogin?c=${code}`, { auth: false });
    await rec.call('qrlogin_owner', 'GET', `/qrlogin?c=${code}`, phone());
    await rec.call('qrlogin_owner_en', 'GET', `/qrlogin?c=${code}`, phone('EN'));
    await rec.call('qrlogin_bad_code', 'GET', '/qrlogin?c=nothex', phone());
    await rec.call('qrlogin_unknown_code', 'GET', `/qrlogin?c=${HEX64('d')}`, phone());
    await rec.call('qrlogin_unknown_code_en', 'GET', `/qrlogin?c=${HEX64('d')}`, phone('EN'));
    await rec.call('qrlogin_confirm_no_xsrf', 'POST', `/qrlogin?c=${code}`, { form: { c: code }, xsrf: false, ...phone() });
    await rec.call('qrpoll_still_pending', 'POST', '/qrpoll', { form: { c: code, s: secret }, auth: false, xsrf: false });
    await rec.call('qrlogin_confirm', 'POST', `/qrlogin?c=${code}`, { form: { c: code }, ...phone() });
    await rec.call('qrpoll_confirmed', 'POST', '/qrpoll', { form: { c: code, s: secret }, auth: false, xsrf: false });
    await rec.call('qrpoll_taken', 'POST', '/qrpoll', { form: { c: code, s: secret }, auth: false, xsrf: false });
    await rec.call('qrlogin_after_taken', 'GET', `/qrlogin?c=${code}`, phone());

    // five open codes per caller address; the sixth is refused, nothing is evicted
    for (let i = 1; i <= 5; i++) await rec.call(`qrnew_${i}`, 'POST', '/qrnew', { auth: false, raw: '' });
    await rec.call('qrnew_refused', 'POST', '/qrnew', { auth: false, raw: '' });
    await rec.call('qrnew_refused_en', 'POST', '/qrnew', { auth: false, raw: '', headers: { Cookie: 'qrlog_locale=EN' } });
  },
};

export default scenario;
