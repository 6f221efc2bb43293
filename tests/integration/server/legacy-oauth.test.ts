/**
 * OAuth sign-in (server/engine/oauth.ts, wired by server/appliance/oauth.ts) on both stores against a
 * fake provider: a node:http server on 127.0.0.1 playing Google's and Yandex's token and userinfo
 * endpoints. Covers what a recording cannot (the PHP engine would call the real providers): Google
 * and Yandex sign-in of a known social user (cookies, redirect, tokens renewed as PHP's updateTokens),
 * `state` naming a database, a refused and an unreachable exchange, a userinfo without an id, the
 * duplicate-code guard (sequential, and concurrent on two instances), the QR return, an unknown user
 * with registration off and on, open-redirect attempts in `state`, and that no secret reaches the log.
 * The error callback's Location headers are checked against the oracle's recording (oauth-error.jsonl;
 * the replay compares a 302 by status only).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oauthPort } from '../../../server/appliance/oauth.js';
import { defaultTemplatesDir, loadTemplate } from '../../../server/appliance/templates.js';
import { insertUser, type EngineOAuthPort } from '../../../server/engine/index.js';
import { loadExchanges } from '../../golden/replay.js';
import { ORACLE, startLegacyServer, type LegacyServer } from '../../support/legacy.js';
import { TEST_STORES, type TestStore } from '../../support/stores.js';

const USER = 18;
const XSRF = 40;
const TOKEN = 125;
const ACTIVITY = 124;
const DATABASE = 271;
const SECRET = { google: 'g-client-secret-XYZ', yandex: 'y-client-secret-XYZ' };

interface Seen {
  path: string;
  method: string;
  body: string;
  authorization: string;
  query: URLSearchParams;
}

/** the fake provider: codes name what happens; every request is kept */
class FakeProvider {
  readonly seen: Seen[] = [];
  /** social users by access token */
  private readonly users = new Map<string, Record<string, unknown>>();
  private server!: Server;
  url = '';

  /** an access token for `code` that names `user` (or a userinfo without an id when user is null) */
  code(code: string, user: Record<string, unknown> | null): void {
    this.users.set(`at-${code}`, user ?? {});
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.answer(req, res.writeHead.bind(res), (s) => res.end(s)));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  tokenRequests(code: string): Seen[] {
    return this.seen.filter((s) => s.path.endsWith('/token') && new URLSearchParams(s.body).get('code') === code);
  }

  private async answer(req: IncomingMessage, head: (status: number, headers: Record<string, string>) => void, end: (s: string) => void): Promise<void> {
    let body = '';
    for await (const chunk of req) body += String(chunk);
    const url = new URL(req.url ?? '/', this.url);
    this.seen.push({ path: url.pathname, method: req.method ?? '', body, authorization: req.headers.authorization ?? '', query: url.searchParams });
    const json = (status: number, value: unknown) => {
      head(status, { 'Content-Type': 'application/json' });
      end(JSON.stringify(value));
    };
    if (url.pathname.endsWith('/token')) {
      const code = new URLSearchParams(body).get('code') ?? '';
      if (code.startsWith('slow')) await new Promise((r) => setTimeout(r, 700));
      if (!this.users.has(`at-${code}`)) return json(400, { error: 'invalid_grant', error_description: 'Code has expired' });
      return json(200, { access_token: `at-${code}`, token_type: 'bearer', expires_in: 3600, id_token: 'idt' });
    }
    const token = url.pathname.startsWith('/yandex')
      ? /^OAuth (.*)$/.exec(req.headers.authorization ?? '')?.[1] ?? ''
      : url.searchParams.get('access_token') ?? '';
    const user = this.users.get(token);
    if (!user) return json(401, { error: 'invalid token' });
    return json(200, user);
  }
}

async function call(url: string, cookie = ''): Promise<{ status: number; location: string; text: string; cookies: Map<string, string>; setCookies: string[] }> {
  const res = await fetch(url, { redirect: 'manual', headers: cookie ? { Cookie: cookie } : {} });
  const setCookies = res.headers.getSetCookie();
  const cookies = new Map<string, string>();
  for (const c of setCookies) {
    const [pair] = c.split(';');
    const at = pair.indexOf('=');
    cookies.set(pair.slice(0, at), decodeURIComponent(pair.slice(at + 1)));
  }
  return { status: res.status, location: res.headers.get('location') ?? '', text: await res.text(), cookies, setCookies };
}

for (const factory of TEST_STORES) {
  describe.skipIf(!factory.enabled)(`OAuth sign-in on ${factory.name}`, () => {
    const provider = new FakeProvider();
    const logs: unknown[] = [];
    const logger = { info: (...a: unknown[]) => logs.push(a), warn: (...a: unknown[]) => logs.push(a), error: (...a: unknown[]) => logs.push(a) };
    let opened: TestStore;
    let server: LegacyServer;
    let second: LegacyServer;
    let open: LegacyServer;
    let googleOnly: LegacyServer;
    let socialUid = 0;
    const port = (registration: boolean, yandex = true): EngineOAuthPort => oauthPort({
      OAUTH_GOOGLE_CLIENT_ID: 'g-client',
      OAUTH_GOOGLE_CLIENT_SECRET: SECRET.google,
      OAUTH_GOOGLE_TOKEN_URL: `${provider.url}/google/token`,
      OAUTH_GOOGLE_USERINFO_URL: `${provider.url}/google/userinfo`,
      OAUTH_YANDEX_CLIENT_ID: yandex ? 'y-client' : undefined,
      OAUTH_YANDEX_CLIENT_SECRET: yandex ? SECRET.yandex : undefined,
      OAUTH_YANDEX_TOKEN_URL: `${provider.url}/yandex/token`,
      OAUTH_YANDEX_USERINFO_URL: `${provider.url}/yandex/info?format=json`,
      PUBLIC_URL: undefined,
      REGISTRATION_ENABLED: registration,
    });
    const rows = async (db: string, match: { up?: number; t?: number; val?: string }) => opened.store.tenant(db).find(match);

    beforeAll(async () => {
      await provider.start();
      opened = await factory.open();
      const template = await loadTemplate(defaultTemplatesDir(), 'ru');
      for (const db of ['my', 'shop', 'shop2', 'noowner']) await opened.store.createDatabase(db, template);
      // the social user in `my` (login = the provider's id) with two databases of their own
      await opened.store.transaction('my', async (tx) => {
        socialUid = await tx.insert({ up: 1, ord: 0, t: USER, val: 'g-1001' });
        await tx.insert({ up: socialUid, ord: 1, t: TOKEN, val: 'a'.repeat(64) });
        await tx.insert({ up: socialUid, ord: 1, t: XSRF, val: 'old-xsrf' });
        await tx.insert({ up: socialUid, ord: 1, t: DATABASE, val: 'shop' });
        await tx.insert({ up: socialUid, ord: 1, t: DATABASE, val: 'shop2' });
        await tx.insert({ up: socialUid, ord: 1, t: DATABASE, val: 'noowner' });
        const y = await tx.insert({ up: 1, ord: 0, t: USER, val: 'y-2002' });
        await tx.insert({ up: y, ord: 1, t: DATABASE, val: 'shop' });
      });
      // the owner of shop has no token yet (one is made); shop2's has one
      await opened.store.transaction('shop', (tx) => insertUser(tx, { db: 'shop', salt: ORACLE.salt, login: 'shop', roleName: 'admin', now: Date.now() }));
      await opened.store.transaction('shop2', (tx) => insertUser(tx, { db: 'shop2', salt: ORACLE.salt, login: 'shop2', roleName: 'admin', token: 'b'.repeat(64), now: Date.now() }));
      server = await startLegacyServer(() => opened.store, { oauth: port(false), logger });
      second = await startLegacyServer(() => opened.store, { oauth: port(false), logger });
      open = await startLegacyServer(() => opened.store, { oauth: port(true), logger });
      googleOnly = await startLegacyServer(() => opened.store, { oauth: port(false, false), logger });
    }, 120_000);
    afterAll(async () => {
      for (const s of [server, second, open, googleOnly]) await s?.close();
      await opened?.cleanup();
      await provider.close();
    });

    it('Google: a known user signs in to their database (cookies, redirect, tokens as updateTokens)', async () => {
      provider.code('g-ok-1', { id: 'g-1001', email: 'ivan@example.org', name: 'Ivan', picture: 'https://pic' });
      const r = await call(`${server.url}/auth.asp?code=g-ok-1&state=`);
      expect(r.status).toBe(302);
      expect(r.location).toBe('/shop');
      // the user's token in my is kept; xsrf renewed from it; activity written
      expect(r.cookies.get('idb_my')).toBe('a'.repeat(64));
      const xsrf = await rows('my', { up: socialUid, t: XSRF });
      expect(xsrf).toHaveLength(1);
      expect(xsrf[0].val).toMatch(/^[0-9a-f]{22}$/);
      expect(xsrf[0].val).not.toBe('old-xsrf');
      expect(await rows('my', { up: socialUid, t: ACTIVITY })).toHaveLength(1);
      // the owner of shop got a token (and xsrf): it is the cookie and it signs in
      const owner = (await rows('shop', { t: USER, val: 'shop' }))[0];
      const ownerToken = (await rows('shop', { up: owner.id, t: TOKEN }))[0].val;
      expect(r.cookies.get('idb_shop')).toBe(ownerToken);
      expect(await rows('shop', { up: owner.id, t: XSRF })).toHaveLength(1);
      const who = await fetch(`${server.url}/shop/xsrf?JSON`, { headers: { 'X-Authorization': ownerToken } });
      expect(((await who.json()) as { user: string }).user).toBe('shop');
      // what the provider was sent: one exchange with the client and the redirect_uri PHP sends
      const [exchange] = provider.tokenRequests('g-ok-1');
      const sent = new URLSearchParams(exchange.body);
      expect(exchange.method).toBe('POST');
      expect(Object.fromEntries(sent)).toEqual({
        grant_type: 'authorization_code', code: 'g-ok-1', client_id: 'g-client', client_secret: SECRET.google, redirect_uri: `https://${new URL(server.url).host}/auth.asp`,
      });
      const info = provider.seen.find((s) => s.path === '/google/userinfo' && s.query.get('access_token') === 'at-g-ok-1');
      expect(info?.query.get('id_token')).toBe('idt');
    });

    it('Google: state names one of the user\'s databases; /my?code= works like /auth.asp', async () => {
      provider.code('g-ok-2', { id: 'g-1001', email: 'ivan@example.org', name: 'Ivan' });
      const r = await call(`${server.url}/my?code=g-ok-2&state=shop2`);
      expect(r.location).toBe('/shop2');
      expect(r.cookies.get('idb_shop2')).toBe('b'.repeat(64));
      expect(r.cookies.has('idb_shop')).toBe(false);
      // the duplicate guard holds on /my too (PHP: /auth.asp only; docs/compatibility.md)
      const dup = await call(`${server.url}/my?code=g-ok-2&state=shop2`);
      expect(dup.location).toBe('/my');
      expect(provider.tokenRequests('g-ok-2')).toHaveLength(1);
      // a database the user does not have: no database cookie; Google still goes where state says (PHP)
      provider.code('g-ok-3', { id: 'g-1001', email: 'ivan@example.org', name: 'Ivan' });
      const other = await call(`${server.url}/auth.asp?code=g-ok-3&state=elsewhere`);
      expect(other.location).toBe('/elsewhere');
      expect([...other.cookies.keys()]).toEqual(['idb_my']);
    });

    it('Yandex: state yandex:<db> signs in there, the token goes in an OAuth header', async () => {
      provider.code('y-ok-1', { id: 'y-2002', default_email: 'olga@ya.ru', display_name: 'Olga', default_avatar_id: '123' });
      const r = await call(`${server.url}/auth.asp?code=y-ok-1&state=yandex%3Ashop`);
      expect(r.status).toBe(302);
      expect(r.location).toBe('/shop');
      expect(r.cookies.get('idb_shop')).toMatch(/^[0-9a-f]{64}$/);
      const uid = (await rows('my', { t: USER, val: 'y-2002' }))[0].id;
      // no token in my yet: one is made and saved, and it is the idb_my cookie
      expect((await rows('my', { up: uid, t: TOKEN }))[0].val).toBe(r.cookies.get('idb_my'));
      const [exchange] = provider.tokenRequests('y-ok-1');
      expect(new URLSearchParams(exchange.body).get('client_secret')).toBe(SECRET.yandex);
      expect(new URLSearchParams(exchange.body).get('redirect_uri')).toBe(`https://${new URL(server.url).host}/auth.asp`);
      expect(provider.seen.find((s) => s.path === '/yandex/info' && s.authorization === 'OAuth at-y-ok-1')).toBeDefined();
    });

    it('PUBLIC_URL sets the redirect_uri', async () => {
      const behind = await startLegacyServer(() => opened.store, { oauth: { ...port(false), publicUrl: 'https://crm.example.org/base' } });
      try {
        provider.code('g-public', { id: 'g-1001' });
        expect((await call(`${behind.url}/auth.asp?code=g-public&state=shop`)).location).toBe('/shop');
        expect(new URLSearchParams(provider.tokenRequests('g-public')[0].body).get('redirect_uri')).toBe('https://crm.example.org/base/auth.asp');
      } finally {
        await behind.close();
      }
    });

    it('a database without its owner answers adminNotFound', async () => {
      provider.code('g-noowner', { id: 'g-1001', email: 'ivan@example.org' });
      const r = await call(`${server.url}/auth.asp?code=g-noowner&state=noowner`);
      expect(r.location).toBe('/start.html?db=noowner&r=adminNotFound');
    });

    it('open-redirect attempts in state end on a database name', async () => {
      let n = 0;
      for (const [state, location] of [['https%3A%2F%2Fevil.example%2F', '/shop'], ['%2F%2Fevil.example', '/shop'], ['shop%2F..%2F..%2Fx', '/shop'], ['yandex%3A%2F%2Fevil.example', '/shop'], ['yandex%3Ahttps%3A%2F%2Fevil.example', '/shop']] as const) {
        const code = `redir-${++n}`;
        provider.code(code, state.startsWith('yandex') ? { id: 'y-2002' } : { id: 'g-1001' });
        const r = await call(`${server.url}/auth.asp?code=${code}&state=${state}`);
        expect(r.status, state).toBe(302);
        expect(r.location, state).toBe(location);
      }
      // a duplicate's redirect too
      const dup = await call(`${server.url}/auth.asp?code=redir-4&state=yandex%3A%2F%2Fevil.example`);
      expect(dup.location).toBe('/my');
    });

    it('a refused exchange, an unreachable provider and a provider that is off answer oauthError', async () => {
      const refused = await call(`${server.url}/auth.asp?code=unknown-code&state=`);
      expect(refused.location).toBe('/start.html?r=oauthError&d=Code+has+expired');
      const json = await fetch(`${server.url}/auth.asp?code=unknown-code-2&state=yandex&JSON`);
      expect(json.status).toBe(200);
      expect(await json.json()).toEqual({ message: 'oauthError', db: '', login: '', details: 'Code has expired' });
      // Yandex is not configured on this instance: no request leaves
      const before = provider.seen.length;
      const off = await call(`${googleOnly.url}/auth.asp?code=y-off&state=yandex%3Ashop`);
      expect(off.location).toBe('/start.html?r=oauthError&d=providerNotConfigured');
      expect(provider.seen.length).toBe(before);
    });

    it('an unreachable provider answers tokenExchangeFailed, never a 500', async () => {
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
      await new Promise<void>((resolve) => closed.close(() => resolve()));
      const dead = await startLegacyServer(() => opened.store, {
        oauth: { ...port(false), google: { clientId: 'g', clientSecret: 's', tokenUrl: `${deadUrl}/token`, userinfoUrl: `${deadUrl}/info` } },
      });
      try {
        const r = await call(`${dead.url}/auth.asp?code=dead-1`);
        expect(r.status).toBe(302);
        expect(r.location).toBe('/start.html?r=oauthError&d=tokenExchangeFailed');
      } finally {
        await dead.close();
      }
    });

    it('a userinfo without an id answers "Authentication error"', async () => {
      provider.code('g-noid', null);
      const r = await call(`${server.url}/auth.asp?code=g-noid`);
      expect(r.status).toBe(400);
      expect(r.text).toBe('Authentication error');
      provider.code('y-noid', null);
      const y = await fetch(`${server.url}/auth.asp?code=y-noid&state=yandex&JSON`);
      expect(y.status).toBe(400);
      expect(await y.json()).toEqual([{ error: 'Authentication error' }]);
    });

    it('a code already used is not exchanged again; concurrent duplicates on two instances wait for the first', async () => {
      provider.code('g-dup', { id: 'g-1001' });
      const first = await call(`${server.url}/auth.asp?code=g-dup&state=shop2`);
      expect(first.location).toBe('/shop2');
      const again = await call(`${second.url}/auth.asp?code=g-dup&state=shop2`);
      expect(again.location).toBe('/my');
      expect(again.cookies.size).toBe(0);
      expect(provider.tokenRequests('g-dup')).toHaveLength(1);

      provider.code('slow-dup', { id: 'y-2002' });
      const started = Date.now();
      const [a, b] = await Promise.all([
        call(`${server.url}/auth.asp?code=slow-dup&state=yandex%3Ashop`),
        new Promise((r) => setTimeout(r, 150)).then(() => call(`${second.url}/auth.asp?code=slow-dup&state=yandex%3Ashop`)),
      ]);
      expect(provider.tokenRequests('slow-dup')).toHaveLength(1);
      expect([a.location, b.location]).toEqual(['/shop', '/shop']);
      // the duplicate answered only after the first had exchanged the code (the provider takes 700 ms)
      expect(Date.now() - started).toBeGreaterThanOrEqual(650);
      expect(a.cookies.has('idb_shop')).toBe(true);
      expect(b.cookies.size).toBe(0);
    });

    it('the QR return: a qr_pending cookie sends the phone back to the confirmation page', async () => {
      const code = 'c'.repeat(64);
      provider.code('g-qr', { id: 'g-1001' });
      const r = await call(`${server.url}/auth.asp?code=g-qr&state=shop`, `qr_pending=shop:${code}`);
      expect(r.location).toBe(`/shop/qrlogin?c=${code}`);
      expect(r.setCookies.find((c) => c.startsWith('qr_pending=deleted;'))).toBeDefined();
      expect(r.cookies.has('idb_shop')).toBe(true);
      // a malformed cookie is cleared and ignored
      provider.code('g-qr-bad', { id: 'g-1001' });
      const bad = await call(`${server.url}/auth.asp?code=g-qr-bad&state=shop`, 'qr_pending=evil.example:zz');
      expect(bad.location).toBe('/shop');
      expect(bad.setCookies.find((c) => c.startsWith('qr_pending=deleted;'))).toBeDefined();
    });

    it('an unknown user is refused while registration is off, and nothing is written', async () => {
      const before = (await opened.store.exportRows('my')).length;
      provider.code('g-new-off', { id: 'g-new-1', email: 'newbie@example.org', name: 'Newbie' });
      const r = await call(`${server.url}/auth.asp?code=g-new-off`);
      expect(r.location).toBe('/start.html?r=oauthError&d=registrationClosed');
      expect((await opened.store.exportRows('my')).length).toBe(before);
      expect(await opened.store.databaseExists('newbie')).toBe(false);
    });

    it('with registration on, an unknown user gets an account in my and a database of their own', async () => {
      provider.code('g-new-on', { id: 'g-new-2', email: 'Newbie.One@example.org', name: 'Newbie', picture: 'https://pic/1' });
      const r = await call(`${open.url}/auth.asp?code=g-new-on`);
      expect(r.status).toBe(302);
      expect(r.location).toBe('/newbieone');
      const uid = (await rows('my', { t: USER, val: 'g-new-2' }))[0].id;
      const mine = await rows('my', { up: uid });
      expect(mine.map((x) => [x.t, x.val]).filter(([t]) => t !== XSRF && t !== TOKEN && t !== 156)).toEqual([
        [41, 'Newbie.One@example.org'], [164, '115'], [33, 'Newbie'], [280, 'https://pic/1'], [274, 'Google'], [DATABASE, 'newbieone'],
      ]);
      const token = r.cookies.get('idb_newbieone') ?? '';
      expect(token).toMatch(/^[0-9a-f]{64}$/);
      expect(r.cookies.get('idb_my')).toBe(token);
      const who = await fetch(`${open.url}/newbieone/xsrf?JSON`, { headers: { 'X-Authorization': token } });
      expect(((await who.json()) as { user: string }).user).toBe('newbieone');
      // the same user again: signed in to that database, nothing new made
      provider.code('g-new-again', { id: 'g-new-2', email: 'Newbie.One@example.org' });
      const again = await call(`${open.url}/auth.asp?code=g-new-again`);
      expect(again.location).toBe('/newbieone');
      expect(await rows('my', { t: USER, val: 'g-new-2' })).toHaveLength(1);
      // the e-mail names a database that exists but is not registered in my: the user's own g<id>
      await opened.store.createDatabase('spare', await loadTemplate(defaultTemplatesDir(), 'ru'));
      provider.code('g-new-spare', { id: 'g-new-3', email: 'spare@example.org' });
      const spare = await call(`${open.url}/auth.asp?code=g-new-spare`);
      const spareUid = (await rows('my', { t: USER, val: 'g-new-3' }))[0].id;
      expect(spare.location).toBe(`/g${spareUid}`);
      expect((await rows(`g${spareUid}`, { t: USER, val: `g${spareUid}` }))).toHaveLength(1);
      expect(await rows('spare', { t: USER, val: 'spare' })).toHaveLength(0);
    });

    it('the error callback answers as the oracle recorded it (Location included)', async () => {
      for (const ex of loadExchanges('oauth-error.jsonl').filter((e) => e.url.toLowerCase().startsWith('/auth.asp'))) {
        const res = await fetch(`${server.url}${ex.url}`, { method: ex.method, redirect: 'manual', body: ex.body ?? undefined, headers: ex.headers });
        expect(res.status, ex.name).toBe(ex.status);
        expect(res.headers.get('location') ?? '', ex.name).toBe(String(ex.response_headers.location ?? ''));
        const text = await res.text();
        if (ex.status !== 302) expect(ex.response_is_json ? JSON.parse(text) : text.trim(), ex.name).toEqual(ex.response_is_json ? ex.response : String(ex.response).trim());
      }
    });

    it('no code, token or client secret reaches the log', () => {
      const all = JSON.stringify(logs);
      expect(logs.length).toBeGreaterThan(0);
      for (const secret of [SECRET.google, SECRET.yandex, 'at-g-ok-1', 'g-ok-1', 'y-ok-1', 'a'.repeat(64)]) expect(all).not.toContain(secret);
    });
  });
}
