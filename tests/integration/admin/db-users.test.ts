/**
 * Users, roles and grants of a database through the admin API, in the real server (admin API and
 * legacy URL API on one port, PGlite, or MySQL under TEST_MYSQL_URL): what the console changes is
 * what the engine then does for that user, at once. Also the workspace hand-off's cookie.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DbRole, DbUser, RoleGrants, WorkspaceSession } from '../../../server/http/admin/contract.js';
import { setAdminPassword } from '../../../server/appliance/admin-account.js';
import type { MysqlOptions } from '../../../server/storage/index.js';
import { REPO_ROOT, startInProcessServer, type InProcessServer } from '../../support/server.js';
import { dropSchema, privateSchemaOptions } from '../../support/stores.js';
import { skipReason, STORE_KINDS } from '../api/harness.js';
import { ADMIN_PASSWORD, call } from './harness.js';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 180_000 });

const BOSS = { login: 'boss', password: 'Boss-pass-123' };

interface Legacy { status: number; body: unknown; cookies: string[] }
const errorCode = (body: unknown): string | undefined => (body as { error?: { code?: string } }).error?.code;

for (const kind of STORE_KINDS) describe.skipIf(skipReason(kind) !== null)(`users and roles of a database through the admin API (${kind})`, () => {
  let server: InProcessServer;
  let admin: { url: string };
  let token = '';
  let schema: MysqlOptions | null = null;

  async function legacy(method: 'GET' | 'POST', route: string, options: { form?: Record<string, string>; token?: string; cookie?: string } = {}): Promise<Legacy> {
    const headers: Record<string, string> = {};
    if (options.form) headers['Content-Type'] = 'application/x-www-form-urlencoded';
    if (options.token) headers['X-Authorization'] = options.token;
    if (options.cookie) headers.Cookie = options.cookie;
    const res = await fetch(`${server.url}${route}`, { method, headers, body: options.form ? new URLSearchParams(options.form).toString() : undefined, redirect: 'manual' });
    const text = await res.text();
    let body: unknown = text;
    try { body = JSON.parse(text); } catch { /* text */ }
    return { status: res.status, body, cookies: res.headers.getSetCookie() };
  }

  async function legacyLogin(db: string, login: string, password: string): Promise<{ token: string; _xsrf: string } | null> {
    const r = await legacy('POST', `/${db}/auth?JSON`, { form: { login, pwd: password } });
    const body = r.body as { token?: string; _xsrf?: string };
    return r.status === 200 && typeof body.token === 'string' ? { token: body.token, _xsrf: body._xsrf ?? '' } : null;
  }

  const api = <T>(method: string, route: string, body?: unknown) => call<T>(admin, method, route, { token, body });

  beforeAll(async () => {
    schema = kind === 'mysql' ? privateSchemaOptions('dbu') : null;
    const mysqlUrl = schema ? `mysql://${encodeURIComponent(schema.user)}:${encodeURIComponent(schema.password ?? '')}@${schema.host}:${schema.port}/${schema.database}` : undefined;
    server = await startInProcessServer({ prefix: 'integram-db-users-', env: { BCRYPT_ROUNDS: '4', AUTH_SALT: 'db-users-salt' }, envFile: '', mysqlUrl });
    admin = { url: `${server.url}/api/admin` };
    await setAdminPassword(server.booted.storeHandle.current()!.appliance, ADMIN_PASSWORD, { bcryptRounds: 4 });
    token = (await call<{ token: string }>(admin, 'POST', '/login', { body: { password: ADMIN_PASSWORD } })).body.token;
    const created = await api('POST', '/databases', { name: 'shop', template: 'en', adminLogin: BOSS.login, adminPassword: BOSS.password });
    expect(created.status).toBe(201);
  });

  afterAll(async () => {
    await server?.close(2000);
    if (schema) await dropSchema(schema);
  });

  let city = 0;
  let clerk = 0;
  let ivan = 0;

  it('lists the users with role, activity and the admin the console acts as; and the roles', async () => {
    const users = await api<{ users: DbUser[] }>('GET', '/databases/shop/users');
    expect(users.status).toBe(200);
    expect(users.body.users).toEqual([expect.objectContaining({ login: 'boss', role: 'admin', disabled: false, consoleAdmin: true, lastActivity: null })]);
    expect(await legacyLogin('shop', BOSS.login, BOSS.password)).not.toBeNull();
    const after = await api<{ users: DbUser[] }>('GET', '/databases/shop/users');
    expect(Date.parse(after.body.users[0].lastActivity ?? '')).toBeGreaterThan(Date.now() - 60_000);
    const roles = await api<{ roles: DbRole[] }>('GET', '/databases/SHOP/roles');
    expect(roles.body.roles.map((r) => [r.name, r.users])).toEqual([['admin', 1], ['user', 0]]);
  });

  it('adds a role and a user who can log in through the legacy API, with no access until a grant is given', async () => {
    const boss = (await legacyLogin('shop', BOSS.login, BOSS.password))!;
    const table = await legacy('POST', '/shop/_d_new?JSON', { form: { _xsrf: boss._xsrf, val: 'City', t: '3' }, token: boss.token });
    city = Number((table.body as { obj: number }).obj);
    await legacy('POST', `/shop/_m_new/${city}?JSON`, { form: { _xsrf: boss._xsrf, up: '1', [`t${city}`]: 'Moscow' }, token: boss.token });

    const role = await api<{ role: DbRole; code: string; params: Record<string, string> }>('POST', '/databases/shop/roles', { name: 'clerk' });
    expect(role.status).toBe(201);
    expect(role.body).toMatchObject({ code: 'role_created', params: { role: 'clerk' }, role: { name: 'clerk', users: 0 } });
    clerk = role.body.role.id;
    expect((await api<RoleGrants>('GET', `/databases/shop/roles/${clerk}/grants`)).body.grants).toEqual([]);

    const user = await api<{ user: DbUser; code: string; params: Record<string, string> }>('POST', '/databases/shop/users', { login: 'ivan', password: 'Ivan-pass-1', roleId: clerk });
    expect(user.status).toBe(201);
    expect(user.body).toMatchObject({ code: 'user_created', params: { login: 'ivan', role: 'clerk' }, user: { login: 'ivan', role: 'clerk', disabled: false } });
    ivan = user.body.user.id;
    // the engine wrote the user as _m_new does: no column name written as a default value
    const rows = await server.booted.storeHandle.current()!.tenant('shop').find({ up: ivan });
    expect(rows.map((r) => r.t).sort((a, b) => a - b)).toEqual([20, clerk]);

    const session = await legacyLogin('shop', 'ivan', 'Ivan-pass-1');
    expect(session).not.toBeNull();
    const who = await legacy('GET', '/shop/xsrf?JSON', { token: session!.token });
    expect(who.body).toMatchObject({ user: 'ivan', role: 'clerk' });
    expect((await legacy('GET', `/shop/object/${city}?JSON_KV`, { token: session!.token })).status).toBe(403);
  });

  it('a grant changed through the API changes what the user gets from object/{t}?JSON_KV at once', async () => {
    const session = (await legacyLogin('shop', 'ivan', 'Ivan-pass-1'))!;
    const list = () => legacy('GET', `/shop/object/${city}?JSON_KV`, { token: session.token });

    const read = await api<RoleGrants & { code: string }>('PUT', `/databases/shop/roles/${clerk}/grants/${city}`, { level: 'READ' });
    expect(read.status, JSON.stringify(read.body)).toBe(200);
    expect(read.body.code).toBe('grant_set');
    expect(read.body.grants).toEqual([{ object: city, level: 'READ', mask: '', export: false, delete: false }]);
    expect(read.body.objects).toContainEqual({ id: city, name: 'City', kind: 'table', table: null });
    const readable = await list();
    expect(readable.status).toBe(200);
    expect(JSON.stringify(readable.body)).toContain('Moscow');
    // READ: the engine refuses a new record
    const refused = await legacy('POST', `/shop/_m_new/${city}?JSON`, { form: { _xsrf: session._xsrf, up: '1', [`t${city}`]: 'Rome' }, token: session.token });
    expect(JSON.stringify(refused.body)).toMatch(/нет прав/);

    const write = await api<RoleGrants>('PUT', `/databases/shop/roles/${clerk}/grants/${city}`, { level: 'WRITE', export: true, delete: true });
    expect(write.body.grants).toEqual([{ object: city, level: 'WRITE', mask: '', export: true, delete: true }]);
    const created = await legacy('POST', `/shop/_m_new/${city}?JSON`, { form: { _xsrf: session._xsrf, up: '1', [`t${city}`]: 'Rome' }, token: session.token });
    expect(created.body).toMatchObject({ val: 'Rome' });

    const barred = await api<RoleGrants>('PUT', `/databases/shop/roles/${clerk}/grants/${city}`, { level: 'BARRED' });
    expect(barred.body.grants).toEqual([{ object: city, level: 'BARRED', mask: '', export: false, delete: false }]);
    expect((await list()).status).toBe(403);

    await api('PUT', `/databases/shop/roles/${clerk}/grants/${city}`, { level: 'READ' });
    expect((await list()).status).toBe(200);
    const none = await api<RoleGrants>('PUT', `/databases/shop/roles/${clerk}/grants/${city}`, { level: null });
    expect(none.body.grants).toEqual([]);
    expect((await list()).status).toBe(403);
    // one grant record at most per object and role, none left behind by the helper roles
    const roles = await api<{ roles: DbRole[] }>('GET', '/databases/shop/roles');
    expect(roles.body.roles.map((r) => r.name)).toEqual(['admin', 'user', 'clerk']);
  });

  it('changes a template grant written without the level column: one level remains', async () => {
    const roles = await api<{ roles: DbRole[] }>('GET', '/databases/shop/roles');
    const user = roles.body.roles.find((r) => r.name === 'user')!;
    expect((await api<RoleGrants>('GET', `/databases/shop/roles/${user.id}/grants`)).body.grants).toEqual([{ object: 1, level: 'READ', mask: '', export: false, delete: false }]);
    const changed = await api<RoleGrants>('PUT', `/databases/shop/roles/${user.id}/grants/1`, { level: 'WRITE' });
    expect(changed.body.grants).toEqual([{ object: 1, level: 'WRITE', mask: '', export: false, delete: false }]);
    const t = server.booted.storeHandle.current()!.tenant('shop');
    const record = (await t.find({ up: user.id, t: 116 }))[0];
    const levels = new Set((await t.find({ t: 47 })).map((r) => r.id));
    expect((await t.find({ up: record.id })).filter((c) => levels.has(c.t))).toHaveLength(1);
  });

  it('resets a password, changes a role, disables and enables a user: the engine follows', async () => {
    const reset = await api<{ code: string }>('PUT', `/databases/shop/users/${ivan}/password`, { password: 'Ivan-new-pass-2' });
    expect(reset.status).toBe(200);
    expect(reset.body.code).toBe('password_reset');
    expect(await legacyLogin('shop', 'ivan', 'Ivan-pass-1')).toBeNull();
    const session = (await legacyLogin('shop', 'ivan', 'Ivan-new-pass-2'))!;
    expect(session).not.toBeNull();

    const disabled = await api<{ user: DbUser; code: string }>('POST', `/databases/shop/users/${ivan}/disable`);
    expect(disabled.body).toMatchObject({ code: 'user_disabled', user: { login: 'ivan', disabled: true, role: null } });
    // the old token is gone and a new login gives a session the engine refuses: no role
    expect((await legacy('GET', '/shop/xsrf?JSON', { token: session.token })).body).not.toMatchObject({ user: 'ivan' });
    const again = await legacyLogin('shop', 'ivan', 'Ivan-new-pass-2');
    const refused = await legacy('GET', '/shop/xsrf?JSON', { token: again?.token ?? 'none' });
    expect(JSON.stringify(refused.body)).toContain('не задана роль');

    const roles = await api<{ roles: DbRole[] }>('GET', '/databases/shop/roles');
    const userRole = roles.body.roles.find((r) => r.name === 'user')!;
    const enabled = await api<{ user: DbUser; code: string }>('PUT', `/databases/shop/users/${ivan}/role`, { roleId: userRole.id });
    expect(enabled.body).toMatchObject({ code: 'role_set', user: { disabled: false, role: 'user' } });
    const back = (await legacyLogin('shop', 'ivan', 'Ivan-new-pass-2'))!;
    expect((await legacy('GET', '/shop/xsrf?JSON', { token: back.token })).body).toMatchObject({ user: 'ivan', role: 'user' });
  });

  it('refuses with stable codes and parameters, never a 500', async () => {
    const cases: Array<[string, string, unknown, number, string]> = [
      ['POST', '/databases/shop/users', { login: 'IVAN', password: 'Other-pass-9', roleId: clerk }, 409, 'login_taken'],
      ['POST', '/databases/shop/users', { login: 'olga', password: 'Olga-pass-1', roleId: 999999 }, 404, 'no_such_role'],
      ['POST', '/databases/shop/users', { login: 'olga', password: 'short', roleId: clerk }, 422, 'weak_password'],
      ['POST', '/databases/shop/users', { login: '-x', password: 'Olga-pass-1', roleId: clerk }, 400, 'invalid_request'],
      ['POST', '/databases/shop/users', {}, 400, 'invalid_request'],
      ['POST', '/databases/nosuch/users', { login: 'olga', password: 'Olga-pass-1', roleId: clerk }, 404, 'no_database'],
      ['GET', '/databases/a..b/users', undefined, 404, 'no_database'],
      ['POST', '/databases/shop/roles', { name: 'Clerk' }, 409, 'role_taken'],
      ['PUT', `/databases/shop/roles/${clerk}/grants/999999`, { level: 'READ' }, 404, 'no_such_object'],
      ['PUT', `/databases/shop/roles/${clerk}/grants/1`, { level: 'ALL' }, 400, 'invalid_request'],
      ['PUT', '/databases/shop/users/999999/role', { roleId: clerk }, 404, 'no_such_user'],
      ['PUT', '/databases/shop/users/abc/password', { password: 'Olga-pass-1' }, 400, 'invalid_request'],
    ];
    for (const [method, route, body, status, code] of cases) {
      const r = await api(method, route, body);
      expect([route, r.status, errorCode(r.body)], JSON.stringify(r.body)).toEqual([route, status, code]);
    }
    const users = await api<{ users: DbUser[] }>('GET', '/databases/shop/users');
    const boss = users.body.users.find((u) => u.login === 'boss')!;
    const self = await api('POST', `/databases/shop/users/${boss.id}/disable`);
    expect(self.status).toBe(409);
    expect(self.body).toMatchObject({ error: { code: 'console_admin', fields: { login: 'boss' } } });
    expect((await api('PUT', `/databases/shop/users/${boss.id}/role`, { roleId: clerk })).status).toBe(409);
    // without a session: the admin API's guard
    expect((await call(admin, 'GET', '/databases/shop/users')).status).toBe(401);
  });

  it("passes the engine's own refusal on, with its text, when the admin's role lacks the grant", async () => {
    expect((await api('POST', '/databases', { name: 'locked', template: 'en', adminLogin: BOSS.login, adminPassword: BOSS.password })).status).toBe(201);
    const roles = await api<{ roles: DbRole[] }>('GET', '/databases/locked/roles');
    const adminRole = roles.body.roles.find((r) => r.name === 'admin')!;
    // the console keeps its own write access to everything and to roles and grants
    for (const [object, level] of [[1, 'READ'], [1, null], [42, 'BARRED'], [116, 'READ']] as const) {
      const locked = await api('PUT', `/databases/locked/roles/${adminRole.id}/grants/${object}`, { level });
      expect(locked.status).toBe(409);
      expect(locked.body).toMatchObject({ error: { code: 'console_admin_role', fields: { login: 'boss', role: 'admin', object: String(object) } } });
    }
    // the admin role reads the user table only, from now on: the engine refuses to create a user
    const lowered = await api('PUT', `/databases/locked/roles/${adminRole.id}/grants/18`, { level: 'READ' });
    expect(lowered.status, JSON.stringify(lowered.body)).toBe(200);
    const refused = await api('POST', '/databases/locked/users', { login: 'olga', password: 'Olga-pass-1', roleId: adminRole.id });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ error: { code: 'engine_refused', fields: { action: '_m_new', message: expect.stringMatching(/нет прав/) } } });
    expect((await api<{ users: DbUser[] }>('GET', '/databases/locked/users')).body.users.map((u) => u.login)).toEqual(['boss']);
    // and the console can undo it
    expect((await api('PUT', `/databases/locked/roles/${adminRole.id}/grants/18`, { level: null })).status).toBe(200);
    expect((await api('POST', '/databases/locked/users', { login: 'olga', password: 'Olga-pass-1', roleId: adminRole.id })).status).toBe(201);
  });

  it('the workspace hand-off sets the engine cookie of the database admin', async () => {
    const r = await call<WorkspaceSession>(admin, 'POST', '/databases/shop/workspace-session', { token });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ url: '/shop/', login: 'boss', code: 'workspace_ready', params: { db: 'shop', login: 'boss' } });
    const cookie = r.headers.getSetCookie().find((c) => c.startsWith('idb_shop='));
    expect(cookie).toMatch(/^idb_shop=[0-9a-f]{64}; path=\/$/);
    const who = await legacy('GET', '/shop/xsrf?JSON', { cookie: cookie!.split(';')[0] });
    expect(who.body).toMatchObject({ user: 'boss', role: 'admin' });
    // a database without any user with the admin role: a coded refusal, the console shows a login hint
    const template = JSON.parse(readFileSync(path.join(REPO_ROOT, 'resources', 'templates', 'en.json'), 'utf8')) as unknown;
    expect((await api('POST', '/databases/bare/import', { rows: Array.isArray(template) ? template : (template as { rows: unknown[] }).rows })).status).toBe(200);
    const none = await api('POST', '/databases/bare/workspace-session');
    expect(none.status).toBe(409);
    expect(none.body).toMatchObject({ error: { code: 'no_admin_user', fields: { db: 'bare' } } });
    expect(none.headers.getSetCookie()).toEqual([]);
  });
});

describe('the workspace hand-off with TOKEN_TTL', () => {
  it('gives an admin idle longer than TOKEN_TTL a working session, as a login does', async () => {
    const server = await startInProcessServer({ prefix: 'integram-db-users-ttl-', env: { BCRYPT_ROUNDS: '4', AUTH_SALT: 'db-users-salt', TOKEN_TTL: '1' }, envFile: '' });
    try {
      const admin = { url: `${server.url}/api/admin` };
      await setAdminPassword(server.booted.storeHandle.current()!.appliance, ADMIN_PASSWORD, { bcryptRounds: 4 });
      const token = (await call<{ token: string }>(admin, 'POST', '/login', { body: { password: ADMIN_PASSWORD } })).body.token;
      expect((await call(admin, 'POST', '/databases', { token, body: { name: 'idle', template: 'en', adminLogin: BOSS.login, adminPassword: BOSS.password } })).status).toBe(201);
      const first = await call(admin, 'POST', '/databases/idle/workspace-session', { token });
      const cookie = first.headers.getSetCookie().find((c) => c.startsWith('idb_idle='))!.split(';')[0];
      const who = async () => (await (await fetch(`${server.url}/idle/xsrf?JSON`, { headers: { Cookie: cookie } })).json()) as unknown;
      await new Promise((resolve) => setTimeout(resolve, 2500));
      // idle past TOKEN_TTL: the engine no longer takes the token ...
      expect(await who()).not.toMatchObject({ user: 'boss' });
      // ... until the console hands the workspace over again (and the console's commands work again too)
      expect((await call(admin, 'POST', '/databases/idle/workspace-session', { token })).status).toBe(200);
      expect(await who()).toMatchObject({ user: 'boss', role: 'admin' });
      await new Promise((resolve) => setTimeout(resolve, 2500));
      expect((await call(admin, 'POST', '/databases/idle/roles', { token, body: { name: 'late' } })).status).toBe(201);
    } finally {
      await server.close(2000);
    }
  });
});
