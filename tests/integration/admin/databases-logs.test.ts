import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DatabaseInfo, LogLine, MysqlTestResult } from '../../../server/http/admin/contract.js';
import { call, createAdminAndLogin, startHarness, type Harness, useSharedPglite } from './harness.js';
import { legacyPasswordHash } from '../../../server/engine/index.js';
import { PASSWORD, ROLE, USER } from '../../../server/engine/ids.js';

const MYSQL_URL = process.env.TEST_MYSQL_URL;
if (!MYSQL_URL) console.log('admin test-mysql against a real MariaDB SKIPPED: TEST_MYSQL_URL is not set');

const sharedStore = useSharedPglite();
let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

const TEMPLATE = JSON.parse(readFileSync(path.resolve('resources/templates/ru.json'), 'utf8')) as { rows: Array<{ id: number }> };

describe('admin API: databases', () => {
  it('create from a template, list, export, import (replace and new), name rules', async () => {
    h = await startHarness({ store: sharedStore() });
    const token = await createAdminAndLogin(h);
    const admin = { adminLogin: 'boss', adminPassword: 'Office-pass-1' };
    const created = await call<DatabaseInfo>(h, 'POST', '/databases', { token, body: { name: 'Office', template: 'ru', ...admin } });
    expect(created.status).toBe(201);
    expect(created.body.name).toBe('office');
    expect(created.body.rows).toBeGreaterThan(TEMPLATE.rows.length); // the template and its first user
    expect(created.body.tables).toBeGreaterThan(0);
    // its first user: the login and password asked in the form, the admin role, the engine's hash
    const office = h.store.tenant('office');
    const [user] = await office.find({ t: USER, val: 'boss' });
    expect(user).toBeDefined();
    const cells = await office.find({ up: user.id });
    expect(cells.find((c) => c.t === PASSWORD)?.val).toBe(legacyPasswordHash('admin-test-salt', 'office', 'Office-pass-1'));
    const [adminRole] = await office.find({ t: ROLE, up: 1, val: 'admin' });
    expect(cells.some((c) => c.t === adminRole.id)).toBe(true);

    // without a usable first user nothing is created
    const noLogin = await call<{ error: { fields: Record<string, string> } }>(h, 'POST', '/databases', { token, body: { name: 'nologin', adminPassword: 'Office-pass-1' } });
    expect(noLogin.status).toBe(422);
    expect(noLogin.body.error.fields.adminLogin).toBe('invalid');
    const weak = await call<{ error: { fields: Record<string, string> } }>(h, 'POST', '/databases', { token, body: { name: 'weakpass', adminLogin: 'boss', adminPassword: 'short' } });
    expect(weak.status).toBe(422);
    expect(weak.body.error.fields.adminPassword).toMatch(/at least 8 characters/);
    expect(await h.store.databaseExists('nologin')).toBe(false);
    expect(await h.store.databaseExists('weakpass')).toBe(false);

    expect((await call(h, 'POST', '/databases', { token, body: { name: 'office', ...admin } })).status).toBe(409);
    const badName = await call<{ error: { fields: Record<string, string> } }>(h, 'POST', '/databases', { token, body: { name: '1abc' } });
    expect(badName.status).toBe(422);
    expect(badName.body.error.fields.name).toMatch(/starting with a letter/);
    expect((await call(h, 'POST', '/databases', { token, body: { name: 'select' } })).status).toBe(422);
    expect((await call(h, 'POST', '/databases', { token, body: { name: 'admin' } })).status).toBe(422);
    expect((await call(h, 'POST', '/databases', { token, body: { name: 'other', template: '../secrets', ...admin } })).status).toBe(422);

    const list = await call<{ databases: DatabaseInfo[] }>(h, 'GET', '/databases', { token });
    expect(list.body.databases).toEqual([created.body]);

    const exported = await call<{ rows: Array<{ id: number; val: string }> }>(h, 'GET', '/databases/office/export', { token });
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-disposition')).toMatch(/attachment; filename="office-rows.json"/);
    expect(exported.body.rows).toHaveLength(created.body.rows);
    expect(exported.body.rows.map((r) => r.id).slice(0, TEMPLATE.rows.length)).toEqual(TEMPLATE.rows.map((r) => r.id));
    expect(exported.body.rows.map((r) => r.id)).toContain(user.id);
    expect((await call(h, 'GET', '/databases/nosuch/export', { token })).status).toBe(404);

    // import into a new database, then replace its rows
    const rows = exported.body.rows.slice(0, 17);
    const imp = await call<{ ok: boolean; rows: number }>(h, 'POST', '/databases/copy/import', { token, body: { rows } });
    expect(imp.body).toEqual({ ok: true, rows: 17 });
    const replaced = await call(h, 'POST', '/databases/copy/import', { token, body: { rows: rows.slice(0, 3), replace: true } });
    expect(replaced.status).toBe(200);
    expect(await h.store.exportRows('copy')).toHaveLength(3);
    const invalid = await call(h, 'POST', '/databases/copy/import', { token, body: { rows: [{ id: -1, up: 0, ord: 0, t: 1, val: 'x' }] } });
    expect(invalid.status).toBe(400);
    expect(await h.store.exportRows('copy')).toHaveLength(3);

    // CSV: export, then import into a new database and replace an existing one
    await h.store.tenant('copy').insert({ up: 1, ord: 1, t: 3, val: 'comma, "quote"\nnew line' });
    const csv = await fetch(`${h.url}/databases/copy/export?format=csv`, { headers: { Authorization: `Bearer ${token}` } });
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    expect(csv.headers.get('content-disposition')).toMatch(/filename="copy-rows.csv"/);
    const csvText = await csv.text();
    expect(csvText.startsWith('id,up,ord,t,val\r\n')).toBe(true);
    const postCsv = (route: string, text: string) => fetch(`${h!.url}${route}`, {
      method: 'POST', body: text,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'text/csv', 'X-Requested-With': 'integram-console' },
    });
    const csvImport = await postCsv('/databases/fromcsv/import', csvText);
    expect(await csvImport.json()).toEqual({ ok: true, rows: 4 });
    expect(await h.store.exportRows('fromcsv')).toEqual(await h.store.exportRows('copy'));
    expect((await postCsv('/databases/fromcsv/import?replace=true', 'id,up,ord,t,val\r\n1,0,0,1,FREE_LINK\r\n')).status).toBe(200);
    expect(await h.store.exportRows('fromcsv')).toEqual([{ id: 1, up: 0, ord: 0, t: 1, val: 'FREE_LINK' }]);
    const badCsv = await postCsv('/databases/fromcsv/import?replace=true', 'id,up,ord,t,val\r\n1,0,0\r\n');
    expect(badCsv.status).toBe(400);
    expect(((await badCsv.json()) as { error: { message: string } }).error.message).toMatch(/record 2/);
    expect(await h.store.exportRows('fromcsv')).toHaveLength(1);
  });
});

describe('admin API: logs', () => {
  it('tail with level filter and search, live stream over SSE, download', async () => {
    h = await startHarness({ store: sharedStore() });
    const token = await createAdminAndLogin(h);
    h.logger.info('first ordinary line');
    h.logger.warn('disk almost full');
    h.logger.error({ reqId: 'req-42' }, 'something broke');

    const all = await call<{ lines: LogLine[] }>(h, 'GET', '/logs', { token });
    expect(all.body.lines.map((l) => l.msg)).toEqual(expect.arrayContaining(['first ordinary line', 'disk almost full', 'something broke']));
    const warn = await call<{ lines: LogLine[] }>(h, 'GET', '/logs?level=warn', { token });
    expect(warn.body.lines.every((l) => l.level === 'warn' || l.level === 'error' || l.level === 'fatal')).toBe(true);
    expect(warn.body.lines.map((l) => l.msg)).toContain('disk almost full');
    const search = await call<{ lines: LogLine[] }>(h, 'GET', '/logs?q=REQ-42', { token });
    expect(search.body.lines.map((l) => l.msg)).toEqual(['something broke']);
    const limited = await call<{ lines: LogLine[] }>(h, 'GET', '/logs?limit=1', { token });
    expect(limited.body.lines).toHaveLength(1);
    expect((await call(h, 'GET', '/logs?level=loud', { token })).status).toBe(400);

    // live stream
    const controller = new AbortController();
    const res = await fetch(`${h.url}/logs/stream?level=info`, { headers: { Authorization: `Bearer ${token}` }, signal: controller.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    setTimeout(() => {
      h?.logger.debug('too quiet to be streamed');
      h?.logger.info({ n: 7 }, 'a live line');
    }, 100);
    let text = '';
    const until = Date.now() + 5000;
    while (!text.includes('a live line') && Date.now() < until) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value);
    }
    controller.abort();
    const event = text.split('\n').find((l) => l.startsWith('data: ') && l.includes('a live line'));
    expect(event).toBeDefined();
    expect(JSON.parse(event!.slice(6))).toMatchObject({ level: 'info', msg: 'a live line', n: 7 });
    expect(text).not.toContain('too quiet');

    // download: no file yet -> 404, then the file as text
    expect((await call(h, 'GET', '/logs/download', { token })).status).toBe(404);
    mkdirSync(path.dirname(h.logFile), { recursive: true });
    writeFileSync(h.logFile, '{"level":30,"msg":"from the file"}\n');
    const dl = await fetch(`${h.url}/logs/download`, { headers: { Authorization: `Bearer ${token}` } });
    expect(dl.status).toBe(200);
    expect(dl.headers.get('content-type')).toMatch(/text\/plain/);
    expect(dl.headers.get('content-disposition')).toMatch(/attachment; filename="server.log"/);
    expect(await dl.text()).toContain('from the file');
  });
});

describe('admin API: MySQL connection test', () => {
  it('a closed port gives a short, clear error and no stack', async () => {
    h = await startHarness({ store: sharedStore() });
    const token = await createAdminAndLogin(h);
    const port = await closedPort();
    const r = await call<MysqlTestResult>(h, 'POST', '/test-mysql', { token, body: { host: '127.0.0.1', port, user: 'root', password: 'x', database: 'integram' } });
    expect(r.status).toBe(200);
    expect(r.body.ok).toBe(false);
    expect(r.body.error).toMatch(/connection refused/i);
    expect(r.body.error).not.toMatch(/\n|at .*\.js/);
    const invalid = await call(h, 'POST', '/test-mysql', { token, body: { host: '', port: 'x' } });
    expect(invalid.status).toBe(400);
  });

  it('is open during first run from loopback only while no admin exists', async () => {
    h = await startHarness({ store: sharedStore() });
    const port = await closedPort();
    const body = { host: '127.0.0.1', port, user: 'root', password: 'x', database: 'integram' };
    expect((await call(h, 'POST', '/test-mysql', { body })).status).toBe(200);
    await createAdminAndLogin(h);
    expect((await call(h, 'POST', '/test-mysql', { body })).status).toBe(401);
  });

  it.skipIf(!MYSQL_URL)('connects to the real MariaDB and reports version and latency; wrong password and missing database are explained', async () => {
    h = await startHarness({ store: sharedStore() });
    const token = await createAdminAndLogin(h);
    const url = new URL(MYSQL_URL!);
    const base = { host: url.hostname, port: Number(url.port), user: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
    const ok = await call<MysqlTestResult>(h, 'POST', '/test-mysql', { token, body: { ...base, database: '' } });
    expect(ok.body.ok).toBe(true);
    expect(ok.body.serverVersion).toMatch(/MariaDB|^\d+\.\d+/);
    expect(ok.body.latencyMs).toBeGreaterThan(0);
    const denied = await call<MysqlTestResult>(h, 'POST', '/test-mysql', { token, body: { ...base, password: 'wrong', database: '' } });
    expect(denied.body).toMatchObject({ ok: false });
    expect(denied.body.error).toMatch(/Access denied/);
    const noDb = await call<MysqlTestResult>(h, 'POST', '/test-mysql', { token, body: { ...base, database: 'no_such_db_here' } });
    expect(noDb.body.error).toMatch(/does not exist/);
  });

  it('tests a unix socket: a missing socket is explained, a relative path refused, the real one answers', async () => {
    h = await startHarness({ store: sharedStore() });
    const token = await createAdminAndLogin(h);
    // host and port name nothing that listens: only the socket can answer
    const body = { host: '127.0.0.1', port: await closedPort(), user: 'root', password: 'x', database: '' };
    const missing = await call<MysqlTestResult>(h, 'POST', '/test-mysql', { token, body: { ...body, socketPath: '/nonexistent-dir/mysqld.sock' } });
    expect(missing.status).toBe(200);
    expect(missing.body).toEqual({ ok: false, error: 'There is no socket /nonexistent-dir/mysqld.sock (is MySQL/MariaDB running, and is that its socket?)' });
    const relative = await call<{ error: { code: string; fields: Record<string, string> } }>(h, 'POST', '/test-mysql', { token, body: { ...body, socketPath: 'mysqld.sock' } });
    expect(relative.status).toBe(400);
    expect(relative.body.error.code).toBe('invalid_request');
    expect(relative.body.error.fields.socketPath).toMatch(/absolute path/);
    const socket = process.env.TEST_MYSQL_SOCKET;
    if (!MYSQL_URL || !socket) return; // the rest needs the MariaDB of tests/run-tests.mjs
    const url = new URL(MYSQL_URL);
    const ok = await call<MysqlTestResult>(h, 'POST', '/test-mysql', {
      token, body: { ...body, user: decodeURIComponent(url.username), password: decodeURIComponent(url.password), socketPath: socket },
    });
    expect(ok.body).toMatchObject({ ok: true });
    expect(ok.body.serverVersion).toMatch(/MariaDB/);
  });
});

async function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}
