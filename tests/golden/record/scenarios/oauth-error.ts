/**
 * The OAuth callback's error answers (`/auth.asp?error=…`, docs/legacy-api.md "OAuth"): what a provider
 * sends back when the user refuses, in browser and JSON mode, with markup and spaces in the reason, the
 * `u` fallback of the login page, an empty error and a bare `/auth.asp` (not an OAuth callback:
 * "Invalid database"). A `code` callback is never recorded: the PHP engine would call Google or Yandex.
 * The code flow is tested against a fake provider in tests/integration/server/legacy-oauth.test.ts,
 * which also checks the exact Location of these recordings (the replay compares a 302 by status).
 */
import type { Scenario } from '../run.js';

const scenario: Scenario = {
  tenant: 'oauth1',
  login: 'oauth1',
  password: 'owner-pass-1',
  async run(rec) {
    // the replay reads the tenant from the first request
    await rec.login('auth_owner', 'oauth1', 'owner-pass-1');
    const cb = (name: string, query: string) => rec.call(name, 'GET', `//auth.asp${query}`, { auth: false });
    await cb('error_access_denied', '?error=access_denied');
    await cb('error_access_denied_json', '?error=access_denied&JSON');
    await cb('error_markup_json', '?error=%3Cb%3E%20x%26y%22&JSON');
    await cb('error_markup', '?error=%3Cb%3E%20x%26y%22%27');
    await cb('error_spaces_plus', '?error=a%20b%2Bc~%21%2A');
    await cb('error_with_state', '?error=access_denied&state=yandex%3Aoauth1&error_description=User%20denied');
    await cb('error_with_u', '?error=access_denied&u=bob%3Cx%3E');
    await cb('error_with_login', '?error=access_denied&login=alice');
    await cb('error_empty_code', '?code=&error=access_denied');
    await cb('error_cyrillic', '?error=%D0%BE%D1%82%D0%BA%D0%B0%D0%B7');
    await rec.call('error_upper_path', 'GET', '//AUTH.ASP?error=access_denied', { auth: false });
    await rec.call('error_post', 'POST', '//auth.asp?error=access_denied', { auth: false, form: { error: 'x' }, xsrf: false });
    await cb('error_empty', '?error=');
    await cb('bare', '');
    await cb('bare_json', '?JSON');
    await cb('state_only', '?state=yandex');
  },
};

export default scenario;
