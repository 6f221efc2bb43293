/**
 * deploy/nginx/integram.conf as written, run by Debian's nginx in front of two server processes on
 * one MariaDB schema (loopback only; listen ports, certificate and instances substituted): the
 * config is valid, HTTP goes to HTTPS, a session started through nginx works on each instance, a
 * table created on one instance is known to the other within the metadata refresh, a client cannot
 * forge its address past nginx, and killing an instance under load costs no GET an answer (nginx
 * passes it to the other instance).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRows } from '../../golden/replay.js';
import { withStore } from '../../bench/seed.js';
import { sleep } from '../../support/net.mjs';
import { getJson } from '../../support/http.js';
import { NGINX_BINARY as NGINX, startNginx, type Nginx } from '../../support/nginx.js';
import { spawnServer, type ServerProcess } from '../../support/server.js';
import { dropSchema, privateSchemaOptions, TEST_MYSQL_URL } from '../../support/stores.js';

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
    await withStore({ mysql: schema! }, (store) => store.importRows('my', loadRows('start-rows.json')));
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

  it('a table created on one instance is known to the other within the metadata refresh (2 s)', async () => {
    const login = await getJson<{ token: string; _xsrf: string }>(`${a.url}/my/auth?JSON`, {
      method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'login=tester&pwd=tester-pass-1',
    });
    const auth = { 'X-Authorization': login.body.token };
    const name = `Nginx${randomBytes(3).toString('hex')}`;
    // the other instance has read the metadata before the change, so its cache is warm
    expect((await getJson(`${b.url}/my/metadata?JSON`, { headers: auth })).status).toBe(200);
    const created = await getJson<{ obj?: number | string; id?: number | string }>(`${a.url}/my/_d_new?JSON`, {
      method: 'POST', headers: { ...auth, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _xsrf: login.body._xsrf, val: name, t: '3' }).toString(),
    });
    expect(created.status).toBe(200);
    const typeId = String(created.body.obj ?? created.body.id);
    expect(typeId).toMatch(/^\d+$/);
    const createdAt = Date.now();
    let seenAfter = -1;
    while (Date.now() - createdAt < 5000) {
      const meta = await getJson<unknown>(`${b.url}/my/metadata/${typeId}?JSON`, { headers: auth });
      if (meta.status === 200 && JSON.stringify(meta.body).includes(name)) {
        seenAfter = Date.now() - createdAt;
        break;
      }
      await sleep(100);
    }
    expect(seenAfter).toBeGreaterThanOrEqual(0);
    expect(seenAfter).toBeLessThanOrEqual(2500);
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
