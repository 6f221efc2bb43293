/**
 * Sign-in by QR code (server/engine/qr-login.ts) on both stores, with two engine instances on one
 * store (the sessions are shared appliance documents): the browser asks and polls on one instance,
 * the phone confirms on the other. Covers what the recording (qr-login.jsonl) cannot: the random
 * code, secret and pair number, the token given once (also to parallel polls), a wrong secret,
 * expiry by the engine's clock, the cap of open codes per caller address, HTML escaping on the page.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultTemplatesDir, loadTemplate } from '../../../server/appliance/templates.js';
import { insertUser } from '../../../server/engine/index.js';
import { ORACLE, startLegacyServer, type LegacyServer } from '../../support/legacy.js';
import { TEST_STORES, type TestStore } from '../../support/stores.js';

const FORM = 'application/x-www-form-urlencoded';

interface Answer {
  status: number;
  text: string;
  json: Record<string, unknown>;
}

async function call(url: string, init: { method?: string; form?: Record<string, string>; cookie?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...(init.headers ?? {}) };
  if (init.cookie) headers.Cookie = init.cookie;
  if (init.form) headers['Content-Type'] = FORM;
  const res = await fetch(url, {
    method: init.method ?? (init.form ? 'POST' : 'GET'),
    headers,
    body: init.form ? new URLSearchParams(init.form).toString() : undefined,
    redirect: 'manual',
  });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = {};
  }
  return { status: res.status, text, json };
}

for (const factory of TEST_STORES) {
  describe.skipIf(!factory.enabled)(`QR sign-in on ${factory.name}`, () => {
    let opened: TestStore;
    let screen: LegacyServer;
    let phone: LegacyServer;
    let now = Date.now();
    const clock = { now: () => now };
    let ivanToken = '';
    const ivan = () => `idb_shop=${ivanToken}`;

    const qrnew = async () => call(`${screen.url}/shop/qrnew`, { method: 'POST' });
    const poll = async (c: string, s: string) => call(`${screen.url}/shop/qrpoll`, { form: { c, s } });
    /** the phone's page and its form's hidden _xsrf */
    const page = async (code: string, cookie = ivan()) => {
      const r = await call(`${phone.url}/shop/qrlogin?c=${code}`, { cookie });
      return { ...r, xsrf: /name="_xsrf" value="([^"]*)"/.exec(r.text)?.[1] ?? '' };
    };

    beforeAll(async () => {
      opened = await factory.open();
      await opened.store.createDatabase('shop', await loadTemplate(defaultTemplatesDir(), 'ru'));
      await opened.store.transaction('shop', async (tx) => {
        await insertUser(tx, { db: 'shop', salt: ORACLE.salt, login: 'ivan', password: 'Ivan-pass-1', roleName: 'user', now: Date.now() });
        await insertUser(tx, { db: 'shop', salt: ORACLE.salt, login: '<b>o"l&ga', password: 'Olga-pass-1', roleName: 'user', now: Date.now() });
      });
      screen = await startLegacyServer(() => opened.store, { clock });
      phone = await startLegacyServer(() => opened.store, { clock });
      const login = await call(`${phone.url}/shop/auth?JSON`, { form: { login: 'ivan', pwd: 'Ivan-pass-1' } });
      ivanToken = String(login.json.token);
      expect(ivanToken).toMatch(/^[0-9a-f]{64}$/);
    }, 120_000);
    afterAll(async () => {
      await screen?.close();
      await phone?.close();
      await opened?.cleanup();
    });

    it('the browser gets the token once the phone confirms, on another instance', async () => {
      const created = await qrnew();
      expect(created.status).toBe(200);
      const { code, secret, pair, url, ttl } = created.json as Record<string, string>;
      expect(code).toMatch(/^[0-9a-f]{64}$/);
      expect(secret).toMatch(/^[0-9a-f]{64}$/);
      expect(secret).not.toBe(code);
      expect(pair).toBe(String(parseInt(createHash('sha256').update(code).digest('hex').slice(0, 6), 16) % 1_000_000).padStart(6, '0'));
      expect(url).toBe(`${screen.url}/shop/qrlogin?c=${code}`);
      expect(ttl).toBe(120);

      expect(await poll(code, 'c'.repeat(64))).toMatchObject({ status: 403, json: { status: 'denied' } });
      expect(await poll(code, secret)).toMatchObject({ status: 200, json: { status: 'pending' } });
      // the secret only counts in the body
      expect((await call(`${screen.url}/shop/qrpoll?c=${code}&s=${secret}`, { method: 'POST' })).json).toEqual({ status: 'expired' });

      const shown = await page(code);
      expect(shown.status).toBe(200);
      expect(shown.text).toContain(pair);
      expect(shown.text).toContain('<b>ivan</b>');
      expect(shown.xsrf).not.toBe('');
      // a link alone confirms nothing: no _xsrf, no confirmation
      const forged = await call(`${phone.url}/shop/qrlogin?c=${code}`, { form: { c: code }, cookie: ivan() });
      expect(forged.text).not.toContain('Вход подтверждён');
      expect((await poll(code, secret)).json).toEqual({ status: 'pending' });

      const confirmed = await call(`${phone.url}/shop/qrlogin?c=${code}`, { form: { c: code, _xsrf: shown.xsrf }, cookie: ivan() });
      expect(confirmed.status).toBe(200);
      expect(confirmed.text).toContain('Вход подтверждён');

      const got = await poll(code, secret);
      expect(got).toMatchObject({ status: 200, json: { status: 'confirmed', token: ivanToken, user: 'ivan', _xsrf: shown.xsrf } });
      // the token is the user's session
      expect((await call(`${screen.url}/shop/xsrf?JSON`, { headers: { 'X-Authorization': ivanToken } })).json).toMatchObject({ user: 'ivan' });
      // given once
      expect((await poll(code, secret)).json).toEqual({ status: 'expired' });
      expect((await page(code)).text).toContain('Код устарел');
    });

    it('gives the token to one of several parallel polls', async () => {
      const { code, secret } = (await qrnew()).json as Record<string, string>;
      const shown = await page(code);
      await call(`${phone.url}/shop/qrlogin?c=${code}`, { form: { c: code, _xsrf: shown.xsrf }, cookie: ivan() });
      const answers = await Promise.all(Array.from({ length: 6 }, () => poll(code, secret)));
      expect(answers.filter((a) => a.json.status === 'confirmed')).toHaveLength(1);
      expect(answers.filter((a) => a.json.status === 'expired')).toHaveLength(5);
    });

    it('a guest is sent to sign in and remembers the code; a wrong or unknown code gets its page', async () => {
      const { code } = (await qrnew()).json as Record<string, string>;
      const res = await fetch(`${phone.url}/shop/qrlogin?c=${code}`, { redirect: 'manual' });
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toMatch(/^\/start\.html\?/);
      const cookie = res.headers.getSetCookie().find((c) => c.startsWith('qr_pending='));
      expect(cookie).toMatch(new RegExp(`^qr_pending=shop%3A${code}; .*Max-Age=120; path=/; HttpOnly; SameSite=Lax$`));
      expect((await page('nothex')).text).toContain('Ссылка не распознана');
      expect((await page('e'.repeat(64))).text).toContain('Код устарел');
      expect((await page('e'.repeat(64), `${ivan()}; shop_locale=EN`)).text).toContain('The code has expired');
    });

    it('escapes the user on the page', async () => {
      const login = await call(`${phone.url}/shop/auth?JSON`, { form: { login: '<b>o"l&ga', pwd: 'Olga-pass-1' } });
      const { code } = (await qrnew()).json as Record<string, string>;
      const shown = await page(code, `idb_shop=${String(login.json.token)}`);
      expect(shown.status).toBe(200);
      expect(shown.text).toContain('<b>&lt;b&gt;o&quot;l&amp;ga</b>');
      expect(shown.text).not.toContain('<b>o"l&ga');
    });

    it('the master admin cannot confirm (docs/compatibility.md, Security)', async () => {
      const adminHash = createHash('sha1').update(`${ORACLE.serverName}shop${ORACLE.masterPassword}`).digest('hex');
      const master = `idb_shop=${createHash('sha512').update(`${adminHash}shop`).digest('hex')}`;
      const { code, secret } = (await qrnew()).json as Record<string, string>;
      const shown = await page(code, master);
      expect(shown.text).toContain('<b>admin</b>');
      const refused = await call(`${phone.url}/shop/qrlogin?c=${code}`, { form: { c: code, _xsrf: shown.xsrf }, cookie: master });
      expect(refused.text).toContain('Мастер-администратор не может подтвердить вход по QR-коду');
      expect((await poll(code, secret)).json).toEqual({ status: 'pending' });
    });

    it('expires a code after two minutes by the engine clock', async () => {
      now += 121_000; // the earlier tests' open codes expire too
      const { code, secret } = (await qrnew()).json as Record<string, string>;
      const shown = await page(code);
      now += 121_000;
      expect((await poll(code, secret)).json).toEqual({ status: 'expired' });
      expect((await page(code)).text).toContain('Код устарел');
      const late = await call(`${phone.url}/shop/qrlogin?c=${code}`, { form: { c: code, _xsrf: shown.xsrf }, cookie: ivan() });
      expect(late.text).toContain('Код устарел');
    });

    it('refuses a sixth open code from one address (429) and evicts nothing', async () => {
      now += 121_000;
      const open = [];
      for (let i = 0; i < 5; i++) {
        const r = await qrnew();
        expect(r.status).toBe(200);
        open.push(r.json as Record<string, string>);
      }
      const refused = await qrnew();
      expect(refused).toMatchObject({ status: 429, json: { error: 'Слишком много запросов кода. Подождите две минуты и повторите.' } });
      for (const s of open) expect((await poll(s.code, s.secret)).json).toEqual({ status: 'pending' });
      // a GET is refused
      expect(await call(`${screen.url}/shop/qrnew`)).toMatchObject({ status: 405, json: { error: 'Только POST' } });
      now += 121_000;
      expect((await qrnew()).status).toBe(200);
    });
  });
}
