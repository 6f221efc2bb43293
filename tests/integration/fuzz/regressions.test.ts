/**
 * Minimal reproductions of the engine bugs the legacy fuzz test found (legacy-fuzz.test.ts),
 * on the real server over PGlite, and over MariaDB when TEST_MYSQL_URL is set.
 *
 * A case marked `it.fails` is a KNOWN OPEN BUG: it documents the expected answer and passes only
 * while the engine still gets it wrong (listed in KNOWN_BUGS of legacy-fuzz.test.ts too). When the
 * engine is fixed the case starts failing: then drop `.fails` and the KNOWN_BUGS entry. Every case
 * below was found by the fuzz test on 2026-11-26 and has been fixed since; they stay as guards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropServerStore, serverStores } from '../../support/stores.js';
import { bootLegacyApp, LegacyClient, type LegacyApp } from '../../support/bench-app.js';
import { loadRows } from '../../golden/replay.js';
import type { Row } from '../../../server/storage/types.js';
import { forbiddenChanges } from './snapshots.js';

const MYSQL_URL = process.env.TEST_MYSQL_URL;
if (!MYSQL_URL) console.log('fuzz regressions on MariaDB skipped: TEST_MYSQL_URL is not set');

const STORES = serverStores('t_fuzzreg');

for (const kind of STORES) {
  describe.skipIf(!kind.enabled)(`legacy API fuzz regressions on ${kind.name}`, () => {
    let app: LegacyApp;
    let c: LegacyClient;
    let client: number;
    let alice: number;
    let rowsBefore: Row[];
    beforeAll(async () => {
      app = await bootLegacyApp({ databaseUrl: kind.databaseUrl });
      await app.store().importRows('my', loadRows('start-rows.json'));
      c = new LegacyClient(app.url);
      await c.login('tester', 'tester-pass-1');
      client = await c.type('FuzzClient', 3);
      alice = await c.record(client, { [`t${client}`]: 'Alice' });
      rowsBefore = await app.store().exportRows('my');
    }, 300_000);
    afterAll(async () => {
      await app?.close();
      await dropServerStore(kind);
    }, 120_000);

    // FIXED deep-json-body: a JSON request body nested 5000 levels deep overflowed the stack while the
    // legacy adapter copied it (server/http/legacy/params.ts cleanValue, recursive) -> 500. PHP's
    // json_decode gives up past depth 512 and the body is simply not JSON: the request is answered as
    // if it had no JSON body.
    it('deep-json-body: a JSON body nested 5000 deep is ignored like any non-JSON body, not a 500', async () => {
      const a = await c.request('POST', '/my/dict?JSON', {
        headers: { 'X-Authorization': c.token, 'Content-Type': 'application/json' },
        rawBody: `${'['.repeat(5000)}${']'.repeat(5000)}`,
      });
      expect(a.status).toBe(200);
      expect(a.json).toMatchObject({ 18: 'Пользователь' });
    });

    // FIXED proto-keys: `a[__proto__][x]=1` in a query string or form body wrote into
    // Object.prototype (params.ts assign), which broke unrelated code later (PGlite's mutex, undici).
    // Keys are data, as in PHP: the request is answered and nothing leaks into other objects.
    it('proto-keys: __proto__ paths in the query and the form body pollute nothing', async () => {
      const a = await c.request('POST', `/my/dict?JSON&q[__proto__][polluted]=1&__proto__[polluted]=2`, {
        headers: { 'X-Authorization': c.token, 'Content-Type': 'application/x-www-form-urlencoded' },
        rawBody: 'f[__proto__][polluted]=3&g[constructor][prototype][polluted]=4&__proto__=5',
      });
      expect(a.status).toBe(200);
      expect(a.json).toMatchObject({ 18: 'Пользователь' });
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      const json = await c.request('POST', '/my/dict?JSON', {
        headers: { 'X-Authorization': c.token, 'Content-Type': 'application/json' },
        rawBody: '{"__proto__":{"polluted":5},"constructor":{"prototype":{"polluted":6}}}',
      });
      expect(json.status).toBe(200);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    // FIXED invalid-regexp-filter: F_{col}=REGEXP:<invalid pattern> reached the database, whose regex
    // error escaped as a 500. Expected: the engine's error answer, as for any other bad filter value.
    it('invalid-regexp-filter: object list with F_=REGEXP:( answers an error, not a 500', async () => {
      const a = await c.get(`object/${client}?JSON&F_${client}=${encodeURIComponent('REGEXP:(')}`);
      expect(a.status).toBeLessThan(500);
      const b = await c.get(`object/${client}?JSON&F_${client}=${encodeURIComponent('!REGEXP:*')}`);
      expect(b.status).toBeLessThan(500);
    });

    // FIXED m-id-out-of-range: _m_id with new_id beyond the id column's range (2147483648 on PGlite's
    // integer, 4294967296 on MySQL's INT UNSIGNED) made the insert fail -> 500. Now refused with
    // the engine's "Invalid ID", and no row changes.
    it('m-id-out-of-range: _m_id new_id=4294967296 is refused, not a 500', async () => {
      for (const newId of ['2147483648', '4294967296', '99999999999999999999']) {
        const a = await c.post(`_m_id/${alice}?JSON`, { new_id: newId });
        expect(a.status, `new_id=${newId}: ${a.text}`).toBeLessThan(500);
      }
      expect(forbiddenChanges(rowsBefore, await app.store().exportRows('my'))).toEqual([]);
    });

    // FIXED report-placeholder-501: report/{id} where the id is not a report (t != 22) answered
    // 501 "Отчёты пока не поддерживаются" instead of the engine's report-not-found answer
    // (server/engine/commands.ts report(): no check that the record is a report before the 501).
    it('report-placeholder-501: report/{id of a non-report record} answers not-found, not 501', async () => {
      const a = await c.get(`report/${alice}?JSON`);
      expect(a.status).toBeLessThan(500);
    });

    // FIXED location-non-ascii (found by `npm run soak` fuzz on 2026-12-07): auth with `reset` (or a
    // wrong password, or a refused login) redirects to /start.html?…&login=<login> with the login as
    // typed; a Cyrillic login or a lone surrogate made node refuse the Location header -> 500. Now the
    // redirect goes out with the non-ASCII part percent-encoded as UTF-8.
    it('location-non-ascii: auth redirecting with a Cyrillic login answers 302, not a 500', async () => {
      for (const login of ['Иван', '묶鵍 x', 'a\uda2eb']) {
        const a = await c.request('POST', '/my/auth', { form: { login, pwd: 'tester-pass-1', reset: '1' } });
        expect(a.status, `${login}: ${a.text}`).toBe(302);
        const location = a.headers.get('location') ?? '';
        expect(location).toMatch(/^[\x21-\x7e]+$/);
        expect(location).toContain('login=');
      }
      const cyrillic = await c.request('POST', '/my/auth', { form: { login: 'Иван', pwd: 'x', reset: '1' } });
      expect(decodeURIComponent(cyrillic.headers.get('location') ?? '')).toContain('login=Иван');
    });
  });
}
