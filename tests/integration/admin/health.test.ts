/**
 * The Health, Logs and Jobs pages' side of the admin API on a real embedded store: the per-minute
 * history and the active sessions, the overview (LAN addresses, last and next backup, database
 * sizes), the log filters (level, status, method, path, user, address) and the job list with its
 * last run's message. Then the real server: a legacy login and a JWT call show up as sessions and
 * in the request log lines, and the history file is written on a clean stop.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { HealthHistory, HealthOverview, HealthSessions, JobInfo, LogLine } from '../../../server/http/admin/contract.js';
import { MetricsHistory } from '../../../server/http/health/history.js';
import { ActiveSessions } from '../../../server/http/health/sessions.js';
import { HISTORY_FILE } from '../../../server/runtime/boot.js';
import { startInProcessServer, type InProcessServer } from '../../support/server.js';
import { ADMIN_PASSWORD, call, createAdminAndLogin, startHarness, useSharedPglite, waitForJob, type Harness } from './harness.js';

const sharedStore = useSharedPglite();
let h: Harness | null = null;
let server: InProcessServer | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
  await server?.close(1000);
  server = null;
});

function healthSource() {
  const history = new MetricsHistory({ gauges: () => ({ rssBytes: 123_456, heapUsedBytes: 65_432, storeLatencyMs: 0.7 }) });
  const sessions = new ActiveSessions();
  return { history, sessions };
}

describe('admin API: health history, sessions and overview', () => {
  it('serves the history minute by minute, the sessions seen, and refuses a bad span', async () => {
    const source = healthSource();
    h = await startHarness({ store: sharedStore(), health: source });
    const token = await createAdminAndLogin(h);
    source.history.record(200, 12);
    source.history.record(502, 40);
    source.history.record(404, 3);
    source.sessions.record({ kind: 'legacy', user: 'anna', db: 'shop' }, '192.168.1.20');
    source.sessions.record({ kind: 'jwt', user: 'boris', db: 'crm' }, '192.168.1.21');

    const history = await call<HealthHistory>(h, 'GET', '/health/history?minutes=30', { token });
    expect(history.status).toBe(200);
    expect(history.body.minutes).toBe(30);
    expect(history.body.points).toHaveLength(30);
    const live = history.body.points.at(-1)!;
    expect(live).toMatchObject({ requests: 3, errors5xx: 1, errors4xx: 1, rssBytes: 123_456, heapUsedBytes: 65_432, storeLatencyMs: 0.7 });
    expect(live.p95Ms).toBeGreaterThanOrEqual(38);
    expect((await call<HealthHistory>(h, 'GET', '/health/history', { token })).body.points).toHaveLength(60);
    for (const bad of ['0', '1441', 'many', '2.5']) {
      const refused = await call<{ error: { code: string; message: string } }>(h, 'GET', `/health/history?minutes=${bad}`, { token });
      expect(refused.status, bad).toBe(400);
      expect(refused.body.error).toMatchObject({ code: 'invalid_request', message: 'minutes must be a whole number from 1 to 1440' });
    }

    const sessions = await call<HealthSessions>(h, 'GET', '/health/sessions', { token });
    expect(sessions.body.windowMinutes).toBe(15);
    expect(sessions.body.sessions.map((s) => [s.kind, s.user, s.db, s.address])).toEqual([
      ['jwt', 'boris', 'crm', '192.168.1.21'], ['legacy', 'anna', 'shop', '192.168.1.20'],
    ]);
    // an admin session is needed, as everywhere in the admin API
    expect((await call(h, 'GET', '/health/sessions')).status).toBe(401);
  });

  it('answers 501 with a code when the server keeps no history', async () => {
    h = await startHarness({ store: sharedStore() });
    const token = await createAdminAndLogin(h);
    const answer = await call<{ error: { code: string } }>(h, 'GET', '/health/history', { token });
    expect(answer.status).toBe(501);
    expect(answer.body.error.code).toBe('unsupported');
  });

  it('shows the last and next backup, database sizes and, in LAN mode, the addresses', async () => {
    h = await startHarness({ store: sharedStore(), health: healthSource(), host: '0.0.0.0' });
    const token = await createAdminAndLogin(h);
    await h.store.createDatabase('sized', [
      { id: 1, up: 1, ord: 0, t: 1, val: 'root' },
      ...Array.from({ length: 200 }, (_, i) => ({ id: i + 2, up: 1, ord: i, t: 3, val: `value number ${i} `.repeat(5) })),
    ]);

    const before = await call<HealthOverview>(h, 'GET', '/health/overview', { token });
    expect(before.status).toBe(200);
    expect(before.body.lan.enabled).toBe(true);
    expect(before.body.backups).toMatchObject({ schedule: '0 3 * * *', keep: 3, latest: null, lastRun: null });
    expect(new Date(before.body.backups.nextRunAt!).getHours()).toBe(3);
    const sized = before.body.databases.find((d) => d.name === 'sized');
    expect(sized).toMatchObject({ rows: 201 });
    expect(sized!.sizeBytes).toBeGreaterThan(200 * 60);

    const started = await call<{ job: { id: string } }>(h, 'POST', '/backups', { token });
    expect((await waitForJob(h, token, started.body.job.id)).state).toBe('done');
    const after = await call<HealthOverview>(h, 'GET', '/health/overview', { token });
    expect(after.body.backups.latest?.databases).toContain('sized');
    expect(after.body.backups.lastRun).toMatchObject({ result: 'ok' });
    expect(after.body.backups.lastRun?.message).toMatch(/^backup .* written$/);
    expect(after.body.backups.lastRun?.step).toMatchObject({ code: 'backup_done', params: { count: expect.any(Number) } });
  });

  it('says LAN mode is off on a loopback host, and answers 503 with a code without the store', async () => {
    h = await startHarness({ store: sharedStore(), health: healthSource() });
    const token = await createAdminAndLogin(h);
    expect((await call<HealthOverview>(h, 'GET', '/health/overview', { token })).body.lan).toEqual({ enabled: false, addresses: [] });
    h.setStoreAvailable(false);
    const away = await call<{ error: { code: string } }>(h, 'GET', '/health/overview', { token });
    expect(away.status).toBe(503);
    expect(away.body.error.code).toBe('store_unavailable');
  });
});

describe('admin API: log filters', () => {
  it('filters request lines by status, class, method, path, user and address, and refuses bad filters', async () => {
    h = await startHarness({ store: sharedStore() });
    const token = await createAdminAndLogin(h);
    const line = (method: string, url: string, status: number, ip: string, user?: string) =>
      h!.logger[status >= 500 ? 'error' : 'info']({ reqId: `r-${url}`, method, url, status, ms: 1.2, ip, ...(user ? { user, db: 'shop', auth: 'legacy' } : {}) }, status >= 500 ? 'request failed' : 'request');
    line('GET', '/shop/object/18?JSON', 200, '10.1.1.1', 'anna');
    line('POST', '/shop/_m_save/77', 404, '10.1.1.2', 'Boris');
    line('GET', '/api/health', 503, '10.1.2.3');
    line('DELETE', '/api/admin/backups/x', 500, '127.0.0.1');
    h.logger.warn('not a request line');

    const urls = async (query: string) => {
      const answer = await call<{ lines: LogLine[] }>(h!, 'GET', `/logs?${query}`, { token });
      expect(answer.status, query).toBe(200);
      return answer.body.lines.map((l) => l.url).filter((u) => typeof u === 'string');
    };
    expect(await urls('status=404')).toEqual(['/shop/_m_save/77']);
    expect(await urls('status=5xx')).toEqual(['/api/health', '/api/admin/backups/x']);
    expect(await urls('status=5XX&method=delete')).toEqual(['/api/admin/backups/x']);
    expect(await urls('method=GET')).toEqual(['/shop/object/18?JSON', '/api/health']);
    expect(await urls('path=%2FSHOP%2F')).toEqual(['/shop/object/18?JSON', '/shop/_m_save/77']);
    expect(await urls('user=boris')).toEqual(['/shop/_m_save/77']);
    expect(await urls('ip=10.1.')).toEqual(['/shop/object/18?JSON', '/shop/_m_save/77', '/api/health']);
    expect(await urls('status=200&user=anna&ip=10.1.1.1&level=info')).toEqual(['/shop/object/18?JSON']);
    expect(await urls('status=&method=&path=&user=&ip=')).toHaveLength(4);
    // a status filter leaves out lines without a status
    expect((await call<{ lines: LogLine[] }>(h, 'GET', '/logs?status=4xx', { token })).body.lines.map((l) => l.msg)).toEqual(['request']);

    for (const bad of ['status=99', 'status=6xx', 'status=abc', 'method=G%20T', 'limit=0']) {
      const refused = await call<{ error: { code: string; message: string } }>(h, 'GET', `/logs?${bad}`, { token });
      expect(refused.status, bad).toBe(400);
      expect(refused.body.error.code).toBe('invalid_request');
      expect(refused.body.error.message).not.toMatch(/\n\s+at /);
    }
  });
});

describe('admin API: jobs for the Jobs page', () => {
  it('lists which jobs run as they are, refuses the others, and keeps the last run\'s message', async () => {
    h = await startHarness({ store: sharedStore() });
    const token = await createAdminAndLogin(h);
    const list = async () => (await call<{ jobs: JobInfo[] }>(h!, 'GET', '/jobs', { token })).body.jobs;
    const runnable = Object.fromEntries((await list()).map((j) => [j.name, j.runnable]));
    expect(runnable).toEqual({ backup: true, restore: false, 'store-move': false, pull: false, cleanup: true });

    const refused = await call<{ error: { code: string; params?: Record<string, string> } }>(h, 'POST', '/jobs/store-move/run', { token });
    expect(refused.status).toBe(400);
    // the console says which job needs its own page (docs/messages.md)
    expect(refused.body.error).toMatchObject({ code: 'job_needs_parameters', params: { name: 'store-move' } });

    const started = await call<{ job: { id: string } }>(h, 'POST', '/jobs/cleanup/run', { token });
    expect(started.status).toBe(202);
    const done = await waitForJob(h, token, started.body.job.id);
    expect(done.state).toBe('done');
    const cleanup = (await list()).find((j) => j.name === 'cleanup')!;
    expect(cleanup).toMatchObject({ lastResult: 'ok', lastRunId: started.body.job.id, lastMessage: done.message });
    expect(cleanup.lastMessage).toMatch(/expired record\(s\) removed/);
    expect(cleanup.lastStep).toEqual({ code: 'cleanup_done', params: { count: expect.any(Number) } });
    expect(cleanup.nextRunAt).not.toBeNull();
  });
});

describe('the real server: who is connected', () => {
  it('records legacy and JWT users with their database and address, logs them on the request line, and keeps the history on a clean stop', async () => {
    // a new embedded store: on a loaded 2-core machine its first opening has taken over a minute
    server = await startInProcessServer({ prefix: 'integram-health-', env: { BCRYPT_ROUNDS: '4', LOG_LEVEL: 'info' }, envFile: '', waitForStore: 180_000 });
    const base = server.url;
    const admin = { url: `${base}/api/admin` };
    expect((await call(admin, 'POST', '/setup', { body: { adminPassword: ADMIN_PASSWORD, database: { kind: 'embedded' }, access: 'local' } })).status).toBe(200);
    const adminToken = (await call<{ token: string }>(admin, 'POST', '/login', { body: { password: ADMIN_PASSWORD } })).body.token;

    // the legacy API: the first run's database "my" and its admin (the console password)
    const legacy = await fetch(`${base}/my/auth?JSON`, {
      method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: `login=admin&pwd=${encodeURIComponent(ADMIN_PASSWORD)}`,
    });
    const { token: legacyToken } = (await legacy.json()) as { token: string };
    expect((await fetch(`${base}/my/object/18?JSON`, { headers: { 'X-Authorization': legacyToken } })).status).toBe(200);
    // a wrong token is nobody
    expect((await fetch(`${base}/my/object/18?JSON`, { headers: { 'X-Authorization': 'f'.repeat(32) } })).status).not.toBe(500);

    // the modern API with an access token
    const jwt = await fetch(`${base}/api/auth/login`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ database: 'my', login: 'admin', password: ADMIN_PASSWORD }),
    });
    expect(jwt.status).toBe(200);
    const { data: { accessToken } } = (await jwt.json()) as { data: { accessToken: string } };
    const types = await fetch(`${base}/api/v2/integram/databases/my/types`, { headers: { Authorization: `Bearer ${accessToken}` } });
    expect(types.status, await types.clone().text()).toBe(200);

    const sessions = await call<HealthSessions>(admin, 'GET', '/health/sessions', { token: adminToken });
    const seen = sessions.body.sessions.map((s) => `${s.kind}:${s.user}@${s.db}/${s.address}`);
    expect(seen).toContain('legacy:admin@my/127.0.0.1');
    expect(seen).toContain('jwt:admin@my/127.0.0.1');
    expect(JSON.stringify(sessions.body)).not.toContain(legacyToken);
    expect(JSON.stringify(sessions.body)).not.toContain(accessToken);

    const lines = await call<{ lines: LogLine[] }>(admin, 'GET', '/logs?user=admin&path=%2Fmy%2Fobject', { token: adminToken });
    expect(lines.body.lines.length).toBeGreaterThan(0);
    expect(lines.body.lines[0]).toMatchObject({ user: 'admin', db: 'my', auth: 'legacy', status: 200, method: 'GET' });

    const history = await call<HealthHistory>(admin, 'GET', '/health/history?minutes=2', { token: adminToken });
    const counted = history.body.points.reduce((sum, p) => sum + (p.requests ?? 0), 0);
    expect(counted).toBeGreaterThanOrEqual(6);
    expect(history.body.points.at(-1)!.rssBytes).toBeGreaterThan(0);

    const file = path.join(server.dataDir, HISTORY_FILE);
    await server.booted.close(1000);
    expect(existsSync(file)).toBe(true);
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { points: Array<{ requests: number }> };
    expect(saved.points.reduce((sum, p) => sum + p.requests, 0)).toBeGreaterThanOrEqual(counted);
  }, 300_000);
});
