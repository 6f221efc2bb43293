/**
 * /api/auth on a real server, on both stores: login with every legacy hash form, the legacy
 * token in the answer, JWT checks (other secret, expired, wrong typ), refresh rotation and reuse
 * detection, logout, me, registration rules, throttling per login and per address, mock mode.
 */
import { createHash } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../server/config/index.js';
import { addUser, http, login, skipReason, startApiHarness, STORE_KINDS, type ApiHarness, type LoginData } from './harness.js';

type Envelope<T = unknown> = { success: boolean; data: T; error?: string; code?: string; details?: Record<string, string> };

for (const kind of STORE_KINDS) {
  const reason = skipReason(kind);
  if (reason) console.warn(`[api/auth] ${reason}`);

  describe.skipIf(reason !== null)(`/api/auth on ${kind}`, () => {
    let h: ApiHarness;
    beforeAll(async () => {
      h = await startApiHarness({ kind });
      await addUser(h, 'my', 'ivan', 'Secret-123');
      // a user migrated from the older engine: sha1(SALT + UPPER(login) + db + pwd)
      const t = h.store.tenant('my');
      const oldId = await t.insert({ up: 1, ord: 1, t: 18, val: 'olduser' });
      await t.insert({ up: oldId, ord: 1, t: 20, val: createHash('sha1').update(`${h.config.AUTH_SALT}OLDUSERmyOld-pass-1`).digest('hex') });
      await t.insert({ up: oldId, ord: 1, t: 164, val: '115' });
    }, 120_000);
    afterAll(async () => h?.close());

    it('logs in with login and password and answers both APIs\' credentials', async () => {
      const r = await http<Envelope<LoginData>>(h.url, 'POST', '/api/auth/login', { body: { login: 'ivan', password: 'Secret-123' } });
      expect(r.status).toBe(200);
      expect(r.body.success).toBe(true);
      const data = r.body.data;
      expect(data.tokenType).toBe('Bearer');
      expect(data.expiresIn).toBe(900);
      expect(data.user).toMatchObject({ login: 'ivan', role: 'user', database: 'my' });
      expect(data.legacy?.token).toMatch(/^[0-9a-f]{64}$/);
      expect(data.legacy?._xsrf).toMatch(/^[0-9a-f]{22}$/);
      const claims = jwt.decode(data.accessToken) as Record<string, unknown>;
      expect(claims).toMatchObject({ typ: 'access', db: 'my', uid: data.user.id, login: 'ivan' });
      expect(typeof claims.fam).toBe('string');
      expect((jwt.decode(data.refreshToken) as Record<string, unknown>).typ).toBe('refresh');
      // the legacy token works on the legacy URL API
      const legacy = await http<{ user: string; token: string }>(h.url, 'GET', '/my/xsrf?JSON', { headers: { 'X-Authorization': data.legacy!.token } });
      expect(legacy.status).toBe(200);
      expect(legacy.body.user).toBe('ivan');
    });

    it('accepts "identifier" and an explicit database, case-insensitive login', async () => {
      const r = await http<Envelope<LoginData>>(h.url, 'POST', '/api/auth/login', { body: { database: 'my', identifier: 'IVAN', password: 'Secret-123' } });
      expect(r.status).toBe(200);
      expect(r.body.data.user.login).toBe('ivan');
    });

    it('verifies the older sha1 password form', async () => {
      const r = await http<Envelope<LoginData>>(h.url, 'POST', '/api/auth/login', { body: { login: 'olduser', password: 'Old-pass-1' } });
      expect(r.status).toBe(200);
      expect(r.body.data.user.login).toBe('olduser');
    });

    it('refuses wrong passwords, unknown databases and malformed bodies with the envelope', async () => {
      const wrong = await http<Envelope>(h.url, 'POST', '/api/auth/login', { body: { login: 'ivan', password: 'nope-nope-1' } });
      expect(wrong.status).toBe(401);
      expect(wrong.body).toMatchObject({ success: false, code: 'invalid_credentials' });
      const noDb = await http<Envelope>(h.url, 'POST', '/api/auth/login', { body: { database: 'nosuchdb', login: 'ivan', password: 'x' } });
      expect(noDb.status).toBe(404);
      expect(noDb.body.code).toBe('database_not_found');
      const missing = await http<Envelope>(h.url, 'POST', '/api/auth/login', { body: { password: 'x' } });
      expect(missing.status).toBe(400);
      expect(missing.body.details?.login).toBeDefined();
      const badJson = await http<Envelope>(h.url, 'POST', '/api/auth/login', { raw: '{"login":', contentType: 'application/json' });
      expect(badJson.status).toBe(400);
      expect(badJson.text).not.toContain('at ');
      const get = await http<Envelope>(h.url, 'GET', '/api/auth/login');
      expect(get.status).toBe(405);
    });

    it('me answers the user for an access token only', async () => {
      const session = await login(h, 'ivan', 'Secret-123');
      const me = await http<Envelope<{ user: { login: string } }>>(h.url, 'GET', '/api/auth/me', { token: session.accessToken });
      expect(me.status).toBe(200);
      expect(me.body.data.user.login).toBe('ivan');
      const noToken = await http<Envelope>(h.url, 'GET', '/api/auth/me');
      expect(noToken.status).toBe(401);
      const refreshAsAccess = await http<Envelope>(h.url, 'GET', '/api/auth/me', { token: session.refreshToken });
      expect(refreshAsAccess.status).toBe(401);
      expect(refreshAsAccess.body.code).toBe('wrong_token_type');
      const accessAsRefresh = await http<Envelope>(h.url, 'POST', '/api/auth/refresh', { body: { refreshToken: session.accessToken } });
      expect(accessAsRefresh.status).toBe(401);
      expect(accessAsRefresh.body.code).toBe('wrong_token_type');
    });

    it('refuses a token signed with another secret and an expired one', async () => {
      const session = await login(h, 'ivan', 'Secret-123');
      const claims = jwt.decode(session.accessToken) as Record<string, unknown>;
      const { exp: _exp, iat: _iat, iss: _iss, sub: _sub, ...payload } = claims;
      const forged = jwt.sign(payload, 'another-secret-another-secret-another-secret-another-secret-0000', {
        algorithm: 'HS256', expiresIn: 600, issuer: 'integram-appliance',
      });
      const r1 = await http<Envelope>(h.url, 'GET', '/api/auth/me', { token: forged });
      expect(r1.status).toBe(401);
      expect(r1.body.code).toBe('token_invalid');
      const expired = jwt.sign({ ...payload, iat: Math.floor(Date.now() / 1000) - 3600, exp: Math.floor(Date.now() / 1000) - 60 }, h.config.JWT_SECRET, {
        algorithm: 'HS256', issuer: 'integram-appliance',
      });
      const r2 = await http<Envelope>(h.url, 'GET', '/api/auth/me', { token: expired });
      expect(r2.status).toBe(401);
      expect(r2.body.code).toBe('token_expired');
      const none = jwt.sign(payload, '', { algorithm: 'none' });
      const r3 = await http<Envelope>(h.url, 'GET', '/api/auth/me', { token: none });
      expect(r3.status).toBe(401);
    });

    it('rotates refresh tokens and revokes the family when a spent one comes back', async () => {
      const first = await login(h, 'ivan', 'Secret-123');
      const r1 = await http<Envelope<LoginData>>(h.url, 'POST', '/api/auth/refresh', { body: { refreshToken: first.refreshToken } });
      expect(r1.status).toBe(200);
      const second = r1.body.data;
      expect(second.refreshToken).not.toBe(first.refreshToken);
      expect(second.legacy?.token).toBe(first.legacy?.token);
      expect((await http(h.url, 'GET', '/api/auth/me', { token: second.accessToken })).status).toBe(200);
      // the first refresh token again: reuse → the whole family is revoked
      const reuse = await http<Envelope>(h.url, 'POST', '/api/auth/refresh', { body: { refreshToken: first.refreshToken } });
      expect(reuse.status).toBe(401);
      expect(reuse.body.code).toBe('refresh_token_reused');
      const afterReuse = await http<Envelope>(h.url, 'POST', '/api/auth/refresh', { body: { refreshToken: second.refreshToken } });
      expect(afterReuse.status).toBe(401);
      expect(afterReuse.body.code).toBe('session_revoked');
      const me = await http<Envelope>(h.url, 'GET', '/api/auth/me', { token: second.accessToken });
      expect(me.status).toBe(401);
      expect(me.body.code).toBe('session_revoked');
      // another login is its own family and unaffected
      const other = await login(h, 'ivan', 'Secret-123');
      expect((await http(h.url, 'GET', '/api/auth/me', { token: other.accessToken })).status).toBe(200);
    });

    it('logout revokes the session (access and refresh)', async () => {
      const session = await login(h, 'ivan', 'Secret-123');
      const out = await http<Envelope<{ loggedOut: boolean }>>(h.url, 'POST', '/api/auth/logout', { token: session.accessToken });
      expect(out.status).toBe(200);
      expect(out.body.data.loggedOut).toBe(true);
      expect((await http(h.url, 'GET', '/api/auth/me', { token: session.accessToken })).status).toBe(401);
      expect((await http(h.url, 'POST', '/api/auth/refresh', { body: { refreshToken: session.refreshToken } })).status).toBe(401);
      expect((await http(h.url, 'POST', '/api/auth/logout')).status).toBe(401);
    });

    it('registers users with clear password rules', async () => {
      const weak = await http<Envelope>(h.url, 'POST', '/api/auth/register', { body: { login: 'petr', password: 'short' } });
      expect(weak.status).toBe(422);
      expect(weak.body.code).toBe('weak_password');
      expect(weak.body.error).toContain('at least 8 characters');
      expect(weak.body.error).toContain('one letter and one digit');
      const sameAsLogin = await http<Envelope>(h.url, 'POST', '/api/auth/register', { body: { login: 'petr2024x', password: 'petr2024x' } });
      expect(sameAsLogin.status).toBe(422);
      expect(sameAsLogin.body.error).toContain('differ from the login');
      const reserved = await http<Envelope>(h.url, 'POST', '/api/auth/register', { body: { login: 'admin', password: 'Good-pass-1' } });
      expect(reserved.status).toBe(422);
      expect(reserved.body.code).toBe('login_reserved');
      const badLogin = await http<Envelope>(h.url, 'POST', '/api/auth/register', { body: { login: 'a b', password: 'Good-pass-1' } });
      expect(badLogin.status).toBe(400);
      expect(badLogin.body.details?.login).toBeDefined();
      const otherDb = await http<Envelope>(h.url, 'POST', '/api/auth/register', { body: { database: 'other', login: 'petr', password: 'Good-pass-1' } });
      expect(otherDb.status).toBe(403);

      const ok = await http<Envelope<LoginData>>(h.url, 'POST', '/api/auth/register', { body: { login: 'Petr', email: 'petr@example.org', password: 'Good-pass-1' } });
      expect(ok.status).toBe(201);
      expect(ok.body.data.user).toMatchObject({ login: 'petr', role: 'user', database: 'my' });
      expect(ok.body.data.accessToken).toBeTruthy();
      const taken = await http<Envelope>(h.url, 'POST', '/api/auth/register', { body: { login: 'petr', password: 'Good-pass-1' } });
      expect(taken.status).toBe(409);
      // the new user logs in on the legacy API with the same password (sha512(SALT+db+pwd))
      const legacy = await fetch(`${h.url}/my/auth?JSON`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'login=petr&pwd=Good-pass-1' });
      expect(legacy.status).toBe(200);
      expect(((await legacy.json()) as { token: string }).token).toMatch(/^[0-9a-f]{64}$/);
    });

    it('puts a request id on every answer', async () => {
      const r = await http(h.url, 'POST', '/api/auth/login', { body: { login: 'ivan', password: 'nope' }, headers: { 'X-Request-Id': 'trace-me-1' } });
      expect(r.headers.get('x-request-id')).toBe('trace-me-1');
    });
  });

  describe.skipIf(reason !== null)(`login throttling on ${kind}`, () => {
    let h: ApiHarness;
    beforeAll(async () => {
      h = await startApiHarness({
        kind,
        throttlePolicy: { freeFailures: 3, baseDelaySeconds: 30, maxDelaySeconds: 600, loginWindowSeconds: 600, addressLimit: 8, addressWindowSeconds: 600 },
      });
      await addUser(h, 'my', 'anna', 'Secret-123');
      await addUser(h, 'my', 'boris', 'Secret-123');
    }, 120_000);
    afterAll(async () => h?.close());

    it('slows one login down after a few failures, without touching other logins', async () => {
      for (let i = 0; i < 3; i++) {
        const r = await http(h.url, 'POST', '/api/auth/login', { body: { login: 'anna', password: `wrong-${i}` } });
        expect(r.status).toBe(401);
      }
      const r4 = await http(h.url, 'POST', '/api/auth/login', { body: { login: 'anna', password: 'wrong-4' } });
      expect(r4.status).toBe(401);
      const blocked = await http<Envelope>(h.url, 'POST', '/api/auth/login', { body: { login: 'anna', password: 'Secret-123' } });
      expect(blocked.status).toBe(429);
      expect(blocked.body.code).toBe('too_many_attempts');
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
      // another user behind the same address is not locked out
      const boris = await http(h.url, 'POST', '/api/auth/login', { body: { login: 'boris', password: 'Secret-123' } });
      expect(boris.status).toBe(200);
      // the counters live in the shared store (another instance would see them)
      const doc = await h.store.appliance.get<number>('api-login-failures', 'my:anna');
      expect(Number(doc?.body)).toBe(4);
    });

    it('refuses an address after its generous limit of failures', async () => {
      // 4 failures so far from this address; 4 more reach the limit of 8
      for (let i = 0; i < 4; i++) await http(h.url, 'POST', '/api/auth/login', { body: { login: `nobody${i}`, password: 'x' } });
      const r = await http<Envelope>(h.url, 'POST', '/api/auth/login', { body: { login: 'boris', password: 'Secret-123' } });
      expect(r.status).toBe(429);
      expect(r.body.error).toContain('address');
    });
  });
}

describe('AUTH_MODE=mock', () => {
  it('is refused by the configuration outside development or off loopback', () => {
    const prod = loadConfig({ env: { AUTH_MODE: 'mock', NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(10) + 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ', AUTH_SALT: 's', DATA_DIR: '/tmp/none-x' }, argv: [], persistSecrets: false });
    expect(prod.ok).toBe(false);
    expect(prod.errors.join(' ')).toContain('AUTH_MODE');
    const lan = loadConfig({ env: { AUTH_MODE: 'mock', NODE_ENV: 'development', HOST: '0.0.0.0', AUTH_SALT: 's', DATA_DIR: '/tmp/none-x' }, argv: [], persistSecrets: false });
    expect(lan.ok).toBe(false);
    expect(lan.errors.join(' ')).toContain('loopback');
    const dev = loadConfig({ env: { AUTH_MODE: 'mock', NODE_ENV: 'development', HOST: '127.0.0.1', AUTH_SALT: 's', DATA_DIR: '/tmp/none-x' }, argv: [], persistSecrets: false });
    expect(dev.ok).toBe(true);
  });

  describe('in development on loopback', () => {
    let h: ApiHarness;
    beforeAll(async () => {
      h = await startApiHarness({ env: { AUTH_MODE: 'mock', NODE_ENV: 'development', HOST: '127.0.0.1' } });
    }, 120_000);
    afterAll(async () => h?.close());

    it('issues visibly marked tokens that no data route accepts', async () => {
      const r = await http<Envelope<LoginData & { mock: boolean }>>(h.url, 'POST', '/api/auth/login', { body: { login: 'dev', password: 'anything' } });
      expect(r.status).toBe(200);
      expect(r.body.data.tokenType).toBe('Mock');
      expect(r.body.data.mock).toBe(true);
      expect((jwt.decode(r.body.data.accessToken) as Record<string, unknown>).mock).toBe(true);
      const me = await http<Envelope<{ session: { mock: boolean } }>>(h.url, 'GET', '/api/auth/me', { token: r.body.data.accessToken });
      expect(me.body.data.session.mock).toBe(true);
      const v2 = await http<{ errors: { code: string }[] }>(h.url, 'GET', '/api/v2/integram/databases/my/types', { token: r.body.data.accessToken });
      expect(v2.status).toBe(403);
      expect(v2.body.errors[0].code).toBe('mock_token');
      const orgs = await http<Envelope>(h.url, 'GET', '/api/organizations', { token: r.body.data.accessToken });
      expect(orgs.status).toBe(403);
    });
  });
});
