/**
 * deploy/nginx/integram.conf as written, run by Debian's nginx in front of two server processes on
 * one MariaDB schema (loopback only; listen ports, certificate and instances substituted): the
 * config is valid, HTTP goes to HTTPS, a session started through nginx works on each instance, a
 * table, a column, a role and a grant (given and taken back) made on one instance take effect on the
 * other within the metadata refresh, a client cannot forge its address past nginx, and killing an instance under load costs no GET an answer (nginx
 * passes it to the other instance).
 */
import { randomBytes } from 'node:crypto';
import type { RowDataPacket } from 'mysql2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRows } from '../../golden/replay.js';
import { withStore } from '../../bench/seed.js';
import { sleep } from '../../support/net.mjs';
import { getJson } from '../../support/http.js';
import { LegacyClient } from '../../support/bench-app.js';
import { NO_USER_DEFAULTS } from '../../golden/record/scenarios/grants-nonadmin.js';
import { NGINX_BINARY as NGINX, startNginx, type Nginx } from '../../support/nginx.js';
import { spawnServer, type ServerProcess } from '../../support/server.js';
import { dropSchema, privateSchemaOptions, rawConnection, TEST_MYSQL_URL } from '../../support/stores.js';

const inCi = process.env.CI === 'true' || process.env.CI === '1';
if (!NGINX) {
  if (inCi) throw new Error('nginx is not installed: in CI the nginx suite must run (apt-get install nginx)');
  console.warn('[deploy/nginx] nginx is not installed (apt-get install nginx): suite skipped');
}
if (!TEST_MYSQL_URL) console.warn('[deploy/nginx] TEST_MYSQL_URL is not set: suite skipped');

const SALT = 'oracle-salt';

describe.skipIf(!NGINX || !TEST_MYSQL_URL)('nginx in front of two instances on one MariaDB', () => {
  const schema = TEST_MYSQL_URL ? privateSchemaOptions('ngx') : null;
  let a: ServerProcess;
  let b: ServerProcess;
  let proxy: Nginx;

  const viaNginx: Nginx['request'] = (...args) => proxy.request(...args);

  beforeAll(async () => {
    const mysqlUrl = `${TEST_MYSQL_URL!.replace(/\/+$/, '')}/${schema!.database}`;
    // the recorded start rows plus the level column of grant records (as in the grants recordings)
    const levelColumn = [{ id: 46, up: 0, ord: 0, t: 47, val: '' }, { id: 136, up: 116, ord: 1, t: 46, val: '' }];
    await withStore({ mysql: schema! }, (store) => store.importRows('my', [...loadRows('start-rows.json'), ...levelColumn]));
    const env = {
      DATABASE_URL: mysqlUrl, AUTH_SALT: SALT, JWT_SECRET: randomBytes(32).toString('hex'), TRUST_PROXY: 'loopback',
      NODE_ENV: 'production', LOG_LEVEL: 'info', LOG_FILE: 'off',
    };
    [a, b] = await Promise.all([spawnServer({ entry: 'built', env }), spawnServer({ entry: 'built', env })]);
    for (const s of [a, b]) await s.waitFor(async () => (await fetch(`${s.url}/health/ready`)).ok, 'store open (/health/ready 200)', 60_000);

    proxy = await startNginx([a.port, b.port]);
  }, 180_000);

  afterAll(async () => {
    await proxy?.stop();
    await Promise.all([a?.close(), b?.close()]);
    if (schema) await dropSchema(schema);
  });

  it('sends plain HTTP to HTTPS', async () => {
    const res = await fetch(`http://127.0.0.1:${proxy.httpPort}/my/xsrf?JSON`, { redirect: 'manual' });
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe('https://127.0.0.1/my/xsrf?JSON');
  });

  it('a session started through nginx works on every instance', async () => {
    const login = await viaNginx('POST', '/my/auth?JSON', { 'Content-Type': 'application/x-www-form-urlencoded' }, 'login=tester&pwd=tester-pass-1');
    expect(login.status).toBe(200);
    const { token } = JSON.parse(login.text) as { token: string };
    expect(token).toMatch(/\S/);
    for (const s of [a, b]) {
      const who = await getJson<{ user: string }>(`${s.url}/my/xsrf?JSON`, { headers: { 'X-Authorization': token } });
      expect(who.status).toBe(200);
      expect(who.body.user).toBe('tester');
    }
    // and through nginx, whichever instance answers
    for (let i = 0; i < 6; i++) expect(JSON.parse((await viaNginx('GET', '/my/xsrf?JSON', { 'X-Authorization': token })).text)).toMatchObject({ user: 'tester' });
  });

  async function grantRecordOf(role: number): Promise<number> {
    const conn = await rawConnection(schema!);
    try {
      const [rows] = await conn.query<RowDataPacket[]>('SELECT id FROM my WHERE up = ? AND t = 116 ORDER BY id', [role]);
      expect(rows).toHaveLength(1);
      return Number(rows[0]!.id);
    } finally {
      await conn.end();
    }
  }

  /** how long until `check` holds on the other instance (polled every 100 ms); -1 if not within 5 s */
  async function visibleAfter(what: string, check: () => Promise<boolean>): Promise<number> {
    const since = Date.now();
    while (Date.now() - since < 5000) {
      if (await check()) {
        const ms = Date.now() - since;
        console.info(`[deploy/nginx] ${what}: seen on the other instance after ${ms} ms`);
        return ms;
      }
      await sleep(100);
    }
    return -1;
  }

  it('a table and a column created on one instance are known to the other within 2 s (the metadata cache lives 1.5 s)', async () => {
    const onA = new LegacyClient(a.url);
    const onB = new LegacyClient(b.url);
    await onA.login('tester', 'tester-pass-1');
    await onB.login('tester', 'tester-pass-1');
    const name = `Nginx${randomBytes(3).toString('hex')}`;
    // the other instance has read the metadata before each change, so its cache is warm
    expect((await onB.get('metadata?JSON')).status).toBe(200);
    const table = await onA.type(name, 3);
    const tableSeen = await visibleAfter('table', async () => (await onB.get(`metadata/${table}?JSON`)).text.includes(name));
    expect(tableSeen).toBeGreaterThanOrEqual(0);
    expect(tableSeen).toBeLessThanOrEqual(2000);

    const columnName = `Col${randomBytes(3).toString('hex')}`;
    expect((await onB.get(`metadata/${table}?JSON`)).text).not.toContain(columnName);
    await onA.column(table, columnName, 3);
    const columnSeen = await visibleAfter('column', async () => (await onB.get(`metadata/${table}?JSON`)).text.includes(columnName));
    expect(columnSeen).toBeGreaterThanOrEqual(0);
    expect(columnSeen).toBeLessThanOrEqual(2000);
  });

  it('a role and a grant given on one instance take effect on the other within 2 s, and so does taking the grant back', async () => {
    const admin = new LegacyClient(a.url);
    await admin.login('tester', 'tester-pass-1');
    const table = await admin.type(`Granted${randomBytes(3).toString('hex')}`, 3);
    await admin.command(`_m_new/${table}?JSON`, { up: '1', [`t${table}`]: 'visible row' });
    const roleName = `Scale role ${randomBytes(2).toString('hex')}`;
    const role = Number((await admin.command('_m_new/42?JSON', { up: '1', t42: roleName })).obj);
    // a new role comes with one grant record (the API does not list grant records: read the table)
    const grant = await grantRecordOf(role);
    const login = `scale${randomBytes(3).toString('hex')}`;
    await admin.command('_m_new/18?JSON', { up: '1', t18: login, t20: 'scale-pass-1', t115: String(role), ...NO_USER_DEFAULTS });

    // the user and the role, both made on A, log in on B at once
    const user = new LegacyClient(b.url);
    await user.login(login, 'scale-pass-1');
    expect((await user.get('xsrf?JSON')).json).toMatchObject({ user: login, role: roleName.toLowerCase() }); // xsrf lower-cases as PHP does
    const canRead = async () => (await user.get(`object/${table}?JSON_DATA`)).text.includes('visible row');
    expect(await canRead()).toBe(false);

    await admin.command(`_m_save/${grant}?JSON`, { t116: String(table), t136: '171' });
    const granted = await visibleAfter('grant given', canRead);
    expect(granted).toBeGreaterThanOrEqual(0);
    expect(granted).toBeLessThanOrEqual(2000);

    // taking it back: B's cached session must not keep serving the old grant beyond the refresh
    await admin.command(`_m_del/${grant}?JSON`);
    const revoked = await visibleAfter('grant taken back', async () => !(await canRead()));
    expect(revoked).toBeGreaterThanOrEqual(0);
    expect(revoked).toBeLessThanOrEqual(2000);
  });

  it('the address a client claims in X-Forwarded-For does not get past nginx', async () => {
    const marker = `/my/xsrf?JSON&probe=${randomBytes(4).toString('hex')}`;
    await viaNginx('GET', marker, { 'X-Forwarded-For': '10.9.9.9' });
    const line = await Promise.any([a, b].map((s) => s.waitForLine(new RegExp(marker.replace(/[?&]/g, '.')), 5000)));
    // the request line the instance logged: the address is nginx's peer (this test, on loopback)
    expect(/ ip=(\S+)/.exec(line)?.[1]?.replace(/^::ffff:/, '')).toBe('127.0.0.1');
  });

  it('an instance killed under load costs no GET its answer: nginx passes it to the other one', async () => {
    const statuses = new Map<number, number>();
    let running = true;
    const client = async () => {
      while (running) {
        let status = 0;
        try {
          status = (await viaNginx('GET', '/health/ready')).status;
        } catch {
          status = 0;
        }
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
    };
    const clients = Array.from({ length: 10 }, client);
    await sleep(1000);
    b.child.kill('SIGKILL');
    await sleep(2000);
    running = false;
    await Promise.all(clients);
    const answered = statuses.get(200) ?? 0;
    const other = [...statuses].filter(([s]) => s !== 200);
    expect(answered).toBeGreaterThan(20);
    expect(other).toEqual([]);
  });
});
