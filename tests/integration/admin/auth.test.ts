import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_COOKIE } from '../../../server/http/admin/contract.js';
import { ADMIN_PASSWORD, call, setupAndLogin, startHarness, type Harness, useSharedPglite } from './harness.js';
import { PASSWORD, ROLE, USER } from '../../../server/engine/ids.js';
import { legacyPasswordHash } from '../../../server/engine/users.js';

const sharedStore = useSharedPglite();
let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

/** Every route of the contract that needs a session (method, path, body). */
const PROTECTED: Array<[string, string, unknown?]> = [
  ['POST', '/logout'],
  ['GET', '/settings'],
  ['POST', '/settings/validate', { values: {} }],
  ['PUT', '/settings', { values: {} }],
  ['GET', '/logs'],
  ['GET', '/logs/stream'],
  ['GET', '/logs/download'],
  ['GET', '/backups'],
  ['POST', '/backups'],
  ['POST', '/backups/20260101T000000000Z-manual-abcdef/restore', { confirm: true }],
  ['DELETE', '/backups/20260101T000000000Z-manual-abcdef'],
  ['GET', '/jobs'],
  ['GET', '/jobs/backup-x'],
  ['POST', '/jobs/backup/run'],
  ['GET', '/databases'],
  ['POST', '/databases', { name: 'abc' }],
  ['GET', '/databases/my/export'],
  ['POST', '/databases/my/import', { rows: [] }],
  ['GET', '/status'],
  ['POST', '/restart'],
  ['GET', '/update'],
];

describe('admin API: first run, login, access rules', () => {
  it('first-run setup works once, from loopback, and then answers 409', async () => {
    h = await startHarness({ store: sharedStore() });
    const before = await call<{ adminExists: boolean; firstRun: boolean; dataDir: string | null; lanAddresses: string[] }>(h, 'GET', '/setup');
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ adminExists: false, firstRun: true, dataDir: h.dataDir });
    expect(Array.isArray(before.body.lanAddresses)).toBe(true);

    const weak = await call<{ error: { fields: Record<string, string> } }>(h, 'POST', '/setup', {
      body: { adminPassword: 'short', database: { kind: 'embedded' }, access: 'local' },
    });
    expect(weak.status).toBe(422);
    expect(weak.body.error.fields.adminPassword).toMatch(/at least 8/);

    const ok = await call<{ ok: boolean; token: string }>(h, 'POST', '/setup', {
      body: { adminPassword: ADMIN_PASSWORD, database: { kind: 'embedded' }, access: 'lan' },
    });
    expect(ok.status).toBe(200);
    expect(ok.body.ok).toBe(true);
    expect(ok.headers.get('set-cookie')).toContain(`${ADMIN_COOKIE}=`);
    // LAN access was chosen: HOST written to the .env file (allowed, because the admin exists now)
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(h.envFile, 'utf8')).toMatch(/^HOST=0\.0\.0\.0$/m);

    const again = await call<{ error: { code: string } }>(h, 'POST', '/setup', {
      body: { adminPassword: 'another-password', database: { kind: 'embedded' }, access: 'local' },
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('already_set_up');

    // after setup, someone without a session learns only that setup is done; an admin sees more
    const after = await call<{ adminExists: boolean; dataDir: string | null }>(h, 'GET', '/setup');
    expect(after.body).toEqual({ adminExists: true, firstRun: false, dataDir: null, lanAddresses: [] });
    const asAdmin = await call<{ dataDir: string | null; lanAddresses: string[] }>(h, 'GET', '/setup', { token: ok.body.token });
    expect(asAdmin.body).toMatchObject({ adminExists: true, dataDir: h.dataDir });
    expect(asAdmin.body.lanAddresses).toEqual(before.body.lanAddresses);
    // the wizard's session works
    expect((await call(h, 'GET', '/status', { token: ok.body.token })).status).toBe(200);

    // something to log in to: the default database `my`, with the Integram user `admin`
    // holding the console admin password (hashed as the PHP engine does) and the admin role
    const store = sharedStore();
    const users = await store.tenant('my').find({ t: USER, val: 'admin' });
    expect(users).toHaveLength(1);
    const cells = await store.tenant('my').find({ up: users[0].id });
    expect(cells.find((c) => c.t === PASSWORD)?.val).toBe(legacyPasswordHash('admin-test-salt', 'my', ADMIN_PASSWORD));
    const adminRole = (await store.tenant('my').find({ t: ROLE, up: 1, val: 'admin' }))[0];
    expect(cells.some((c) => c.t === adminRole.id)).toBe(true);
  });

  it('setup choosing another data folder creates the admin in that folder\'s embedded store', async () => {
    const { mkdtempSync, readFileSync, rmSync } = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const { openStore } = await import('../../../server/storage/index.js');
    const { verifyAdminPassword } = await import('../../../server/appliance/admin-account.js');
    h = await startHarness({ store: sharedStore() });
    const newDir = mkdtempSync(path.join(os.tmpdir(), 'integram-admin-newdata-'));
    try {
      const ok = await call(h, 'POST', '/setup', { body: { adminPassword: ADMIN_PASSWORD, database: { kind: 'embedded' }, access: 'local', dataDir: newDir } });
      expect(ok.status).toBe(200);
      expect(readFileSync(h.envFile, 'utf8')).toContain(`DATA_DIR=${newDir}`);
      const next = await openStore({ pgliteDir: path.join(newDir, 'pglite') });
      try {
        expect(await verifyAdminPassword(next.appliance, ADMIN_PASSWORD)).toBe(true);
      } finally {
        await next.close();
      }
    } finally {
      rmSync(newDir, { recursive: true, force: true });
    }
  });

  it('setup and login need the CSRF header', async () => {
    h = await startHarness({ store: sharedStore() });
    const noCsrf = await call<{ error: { code: string } }>(h, 'POST', '/setup', {
      csrf: false, body: { adminPassword: ADMIN_PASSWORD, database: { kind: 'embedded' }, access: 'local' },
    });
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.body.error.code).toBe('csrf');
  });

  it('login sets an HttpOnly SameSite=Strict cookie, the cookie and the Bearer token both work, logout revokes', async () => {
    h = await startHarness({ store: sharedStore() });
    await setupAndLogin(h);
    const login = await call<{ token: string; expiresAt: string }>(h, 'POST', '/login', { body: { password: ADMIN_PASSWORD } });
    expect(login.status).toBe(200);
    expect(login.body.token).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(new Date(login.body.expiresAt).getTime()).toBeGreaterThan(Date.now());
    const cookie = login.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    const cookiePair = cookie.split(';')[0];

    expect((await call(h, 'GET', '/settings', { cookie: cookiePair })).status).toBe(200);
    expect((await call(h, 'GET', '/settings', { token: login.body.token })).status).toBe(200);
    // a cookie-authenticated change without the CSRF header is refused
    expect((await call(h, 'POST', '/settings/validate', { cookie: cookiePair, csrf: false, body: { values: {} } })).status).toBe(403);

    const out = await call(h, 'POST', '/logout', { token: login.body.token });
    expect(out.status).toBe(200);
    expect((await call(h, 'GET', '/settings', { token: login.body.token })).status).toBe(401);
    // the session is stored hashed: the raw token is nowhere in the appliance store
    const sessions = await h.store.appliance.list<unknown>('admin-session');
    expect(JSON.stringify(sessions)).not.toContain(login.body.token);
  });

  it('wrong passwords are throttled per address', async () => {
    h = await startHarness({ store: sharedStore() });
    await setupAndLogin(h);
    for (let i = 0; i < 5; i++) {
      const r = await call(h, 'POST', '/login', { body: { password: `wrong-${i}` } });
      expect(r.status).toBe(401);
    }
    const blocked = await call<{ error: { code: string } }>(h, 'POST', '/login', { body: { password: ADMIN_PASSWORD } });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe('too_many_attempts');
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('every protected route answers 401 without a session', async () => {
    h = await startHarness({ store: sharedStore() });
    await setupAndLogin(h);
    for (const [method, route, body] of PROTECTED) {
      const r = await call<{ error?: { code: string } }>(h, method, route, { body });
      expect(r.status, `${method} ${route}`).toBe(401);
      expect(r.body.error?.code, `${method} ${route}`).toBe('unauthorized');
    }
    // a made-up token is no better
    expect((await call(h, 'GET', '/status', { token: 'x'.repeat(43) })).status).toBe(401);
  });

  it('every route, public ones included, answers 403 to an address outside ADMIN_ALLOWED_IPS', async () => {
    // 127.0.0.1 is left out of the list to play the part of a foreign address
    h = await startHarness({ allowedIps: ['10.0.0.0/8', 'fd00::/8'], store: sharedStore() });
    const routes: Array<[string, string, unknown?]> = [['GET', '/setup'], ['POST', '/setup', {}], ['POST', '/login', { password: 'x' }], ...PROTECTED];
    for (const [method, route, body] of routes) {
      const r = await call<{ error?: { code: string } }>(h, method, route, { body });
      expect(r.status, `${method} ${route}`).toBe(403);
      expect(r.body.error?.code, `${method} ${route}`).toBe('forbidden_address');
    }
  });

  it('sends no CORS headers, even to a cross-origin preflight', async () => {
    h = await startHarness({ store: sharedStore() });
    const res = await fetch(`${h.url}/status`, { method: 'OPTIONS', headers: { Origin: 'http://evil.example', 'Access-Control-Request-Method': 'GET' } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const get = await fetch(`${h.url}/setup`, { headers: { Origin: 'http://evil.example' } });
    expect(get.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('restart is accepted and handed to the process owner', async () => {
    h = await startHarness({ store: sharedStore() });
    const token = await setupAndLogin(h);
    // an open live log stream is ended, so the drain before the restart does not wait for it
    const stream = await fetch(`${h.url}/logs/stream`, { headers: { Authorization: `Bearer ${token}` } });
    const reader = stream.body!.getReader();
    await reader.read();
    const r = await call(h, 'POST', '/restart', { token });
    expect(r.status).toBe(202);
    for (;;) {
      const { done } = await reader.read();
      if (done) break;
    }
    expect(h.restarts).toBe(1);
    const update = await call<{ supported: boolean; state: string }>(h, 'GET', '/update', { token });
    expect(update.body).toMatchObject({ supported: false, state: 'unsupported' });
    const status = await call<{ status: string; database: { driver: string }; restartRequired: boolean }>(h, 'GET', '/status', { token });
    expect(status.body.database.driver).toBe('pglite');
    expect(typeof status.body.restartRequired).toBe('boolean');
  });
});

const MYSQL_URL = process.env.TEST_MYSQL_URL;
if (!MYSQL_URL) console.log('first-run setup with MySQL SKIPPED: TEST_MYSQL_URL is not set');

describe.skipIf(!MYSQL_URL)('first-run setup choosing MySQL', () => {
  it('writes the DB_* settings and creates the admin in the MySQL store too', async () => {
    const { readFileSync } = await import('node:fs');
    const { parse } = await import('dotenv');
    const mysql = (await import('mysql2/promise')).default;
    const { openStore } = await import('../../../server/storage/index.js');
    const { verifyAdminPassword } = await import('../../../server/appliance/admin-account.js');
    const url = new URL(MYSQL_URL!);
    const schema = `t_setup_${Date.now().toString(36)}`;
    const database = { kind: 'mysql', host: url.hostname, port: Number(url.port), user: decodeURIComponent(url.username), password: decodeURIComponent(url.password), database: schema };
    h = await startHarness({ store: sharedStore() });
    try {
      const unreachable = await call<{ error: { code: string } }>(h, 'POST', '/setup', {
        body: { adminPassword: ADMIN_PASSWORD, database: { ...database, password: 'wrong' }, access: 'local' },
      });
      expect(unreachable.status).toBe(422);
      expect(unreachable.body.error.code).toBe('mysql_unreachable');
      expect((await call<{ adminExists: boolean }>(h, 'GET', '/setup')).body.adminExists).toBe(false);

      const ok = await call(h, 'POST', '/setup', { body: { adminPassword: ADMIN_PASSWORD, database, access: 'local' } });
      expect(ok.status).toBe(200);
      const env = parse(readFileSync(h.envFile, 'utf8'));
      expect(env).toMatchObject({ DB_HOST: url.hostname, DB_PORT: url.port, DB_NAME: schema, DB_USER: database.user, DB_PASSWORD: database.password, HOST: '127.0.0.1' });
      const target = await openStore({ mysql: { host: database.host, port: database.port, user: database.user, password: database.password, database: schema } });
      try {
        expect(await verifyAdminPassword(target.appliance, ADMIN_PASSWORD)).toBe(true);
        // the default database with its Integram user admin, as on the embedded store
        const { legacyPasswordHash } = await import('../../../server/engine/index.js');
        const my = target.tenant('my');
        const [admin] = await my.find({ t: 18, val: 'admin' });
        expect(admin).toBeDefined();
        expect((await my.find({ up: admin.id, t: 20 }))[0]?.val).toBe(legacyPasswordHash('admin-test-salt', 'my', ADMIN_PASSWORD));
      } finally {
        await target.close();
      }
    } finally {
      const conn = await mysql.createConnection({ host: url.hostname, port: Number(url.port), user: database.user, password: database.password });
      await conn.query(`DROP DATABASE IF EXISTS \`${schema}\``);
      await conn.end();
    }
  });
});
