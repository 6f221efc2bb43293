/**
 * deploy/nginx/integram.conf as written, run by Debian's nginx in front of two server processes on
 * one MariaDB schema (loopback only; listen ports, certificate and instances substituted): the
 * config is valid, HTTP goes to HTTPS, a session started through nginx works on each instance, a
 * table created on one instance is known to the other within the metadata refresh, a client cannot
 * forge its address past nginx, and killing an instance under load costs no GET an answer (nginx
 * passes it to the other instance).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRows } from '../../golden/replay.js';
import { withStore } from '../../bench/seed.js';
import { freePort, sleep } from '../../support/net.mjs';
import { getJson } from '../../support/http.js';
import { makeTempDir, removeDir, REPO_ROOT, spawnServer, type ServerProcess } from '../../support/server.js';
import { dropSchema, privateSchemaOptions, TEST_MYSQL_URL } from '../../support/stores.js';

const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p)) ?? null;
const inCi = process.env.CI === 'true' || process.env.CI === '1';
if (!NGINX) {
  if (inCi) throw new Error('nginx is not installed: in CI the nginx suite must run (apt-get install nginx)');
  console.warn('[deploy/nginx] nginx is not installed (apt-get install nginx): suite skipped');
}
if (!TEST_MYSQL_URL) console.warn('[deploy/nginx] TEST_MYSQL_URL is not set: suite skipped');

const CONF = path.join(REPO_ROOT, 'deploy', 'nginx', 'integram.conf');
const SALT = 'oracle-salt';

/** a substitution the test makes in the shipped config; it fails when the config no longer has that line */
function substitute(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`deploy/nginx/integram.conf no longer contains: ${from}`);
  return text.split(from).join(to);
}

interface Answer { status: number; text: string; headers: Record<string, string | string[] | undefined> }

describe.skipIf(!NGINX || !TEST_MYSQL_URL)('nginx in front of two instances on one MariaDB', () => {
  const schema = TEST_MYSQL_URL ? privateSchemaOptions('ngx') : null;
  let work = '';
  let ca = '';
  let httpPort = 0;
  let httpsPort = 0;
  let a: ServerProcess;
  let b: ServerProcess;
  let nginx: ChildProcess | null = null;

  /** a request to nginx over HTTPS, trusting only the test's certificate */
  const viaNginx = (method: string, pathAndQuery: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const req = https.request({ host: '127.0.0.1', port: httpsPort, path: pathAndQuery, method, headers, ca, timeout: 10_000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', reject);
      req.end(body);
    });

  beforeAll(async () => {
    work = makeTempDir('integram-nginx-');
    chmodSync(work, 0o755);
    const mysqlUrl = `${TEST_MYSQL_URL!.replace(/\/+$/, '')}/${schema!.database}`;
    await withStore({ mysql: schema! }, (store) => store.importRows('my', loadRows('start-rows.json')));
    const env = {
      DATABASE_URL: mysqlUrl, AUTH_SALT: SALT, JWT_SECRET: randomBytes(32).toString('hex'), TRUST_PROXY: 'loopback',
      NODE_ENV: 'production', LOG_LEVEL: 'info', LOG_FILE: 'off',
    };
    [a, b] = await Promise.all([spawnServer({ entry: 'built', env }), spawnServer({ entry: 'built', env })]);
    for (const s of [a, b]) await s.waitFor(async () => (await fetch(`${s.url}/health/ready`)).ok, 'store open (/health/ready 200)', 60_000);

    // a certificate for 127.0.0.1, as an office would get one for its server's name
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', path.join(work, 'tls.key'), '-out', path.join(work, 'tls.crt')], { stdio: 'ignore' });
    ca = readFileSync(path.join(work, 'tls.crt'), 'utf8');
    httpPort = await freePort();
    httpsPort = await freePort();

    let conf = readFileSync(CONF, 'utf8');
    conf = substitute(conf, '    server 127.0.0.1:8081 max_fails=3 fail_timeout=10s;',
      `    server 127.0.0.1:${a.port} max_fails=3 fail_timeout=10s;\n    server 127.0.0.1:${b.port} max_fails=3 fail_timeout=10s;`);
    conf = substitute(conf, '    listen 80;', `    listen 127.0.0.1:${httpPort};`);
    conf = substitute(conf, '    listen [::]:80;\n', '');
    conf = substitute(conf, '    listen 443 ssl http2;', `    listen 127.0.0.1:${httpsPort} ssl http2;`);
    conf = substitute(conf, '    listen [::]:443 ssl http2;\n', '');
    conf = substitute(conf, '/etc/ssl/certs/integram.crt', path.join(work, 'tls.crt'));
    conf = substitute(conf, '/etc/ssl/private/integram.key', path.join(work, 'tls.key'));
    writeFileSync(path.join(work, 'integram.conf'), conf);
    const temp = path.join(work, 'temp');
    mkdirSync(temp, { mode: 0o777 });
    chmodSync(temp, 0o777);
    writeFileSync(path.join(work, 'nginx.conf'), [
      'daemon off;', 'worker_processes 1;', `pid ${path.join(work, 'nginx.pid')};`, `error_log ${path.join(work, 'error.log')} warn;`,
      'events { worker_connections 512; }',
      'http {', '  access_log off;',
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((k) => `  ${k}_temp_path ${temp}/${k};`),
      `  include ${path.join(work, 'integram.conf')};`, '}', '',
    ].join('\n'));
    execFileSync(NGINX!, ['-t', '-q', '-c', path.join(work, 'nginx.conf')], { stdio: 'pipe' });
    nginx = spawn(NGINX!, ['-c', path.join(work, 'nginx.conf')], { stdio: 'ignore' });
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        if ((await viaNginx('GET', '/health')).status === 200) break;
      } catch (err) {
        if (Date.now() > deadline) throw err;
      }
      await sleep(100);
    }
  }, 180_000);

  afterAll(async () => {
    if (nginx && nginx.exitCode === null) {
      const exited = new Promise((r) => nginx!.once('exit', r));
      nginx.kill('SIGQUIT');
      await Promise.race([exited, sleep(5000)]);
      nginx.kill('SIGKILL');
    }
    await Promise.all([a?.close(), b?.close()]);
    if (schema) await dropSchema(schema);
    if (work) removeDir(work);
  });

  it('sends plain HTTP to HTTPS', async () => {
    const res = await fetch(`http://127.0.0.1:${httpPort}/my/xsrf?JSON`, { redirect: 'manual' });
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
