/**
 * Several server instances against one MySQL schema agree: a session started on one is known on
 * the other, a logout on one ends it on both, a refresh token spent on one is "reused" on the
 * other, failed-login counters add up across instances. Also: the real server entry refuses to
 * start with AUTH_MODE=mock outside development or off loopback.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeDir, spawnServer } from '../../support/server.js';
import { addUser, http, login, MYSQL_URL, startApiHarness, type ApiHarness } from './harness.js';

type Envelope<T = unknown> = { success: boolean; data: T; code?: string };

if (!MYSQL_URL) console.warn('[api/instances] TEST_MYSQL_URL is not set: the two-instance suite is skipped');

describe.skipIf(!MYSQL_URL)('two instances on one MySQL', () => {
  let a: ApiHarness;
  let b: ApiHarness;
  beforeAll(async () => {
    a = await startApiHarness({
      kind: 'mysql',
      throttlePolicy: { freeFailures: 2, baseDelaySeconds: 60, maxDelaySeconds: 600, loginWindowSeconds: 600, addressLimit: 1000, addressWindowSeconds: 600 },
    });
    b = await startApiHarness({
      kind: 'mysql', sharedSchema: a.schema!, databases: [],
      env: { JWT_SECRET: a.config.JWT_SECRET, AUTH_SALT: a.config.AUTH_SALT },
      throttlePolicy: { freeFailures: 2, baseDelaySeconds: 60, maxDelaySeconds: 600, loginWindowSeconds: 600, addressLimit: 1000, addressWindowSeconds: 600 },
    });
    await addUser(a, 'my', 'ivan', 'Secret-123');
    await addUser(a, 'my', 'anna', 'Secret-123');
  }, 120_000);
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('shares sessions: logout on one instance ends the session on the other', async () => {
    const session = await login(a, 'ivan', 'Secret-123');
    expect((await http(b.url, 'GET', '/api/auth/me', { token: session.accessToken })).status).toBe(200);
    expect((await http(b.url, 'POST', '/api/auth/logout', { token: session.accessToken })).status).toBe(200);
    const me = await http<Envelope>(a.url, 'GET', '/api/auth/me', { token: session.accessToken });
    expect(me.status).toBe(401);
    expect(me.body.code).toBe('session_revoked');
  });

  it('detects a refresh token spent on the other instance', async () => {
    const session = await login(a, 'ivan', 'Secret-123');
    expect((await http(a.url, 'POST', '/api/auth/refresh', { body: { refreshToken: session.refreshToken } })).status).toBe(200);
    const reuse = await http<Envelope>(b.url, 'POST', '/api/auth/refresh', { body: { refreshToken: session.refreshToken } });
    expect(reuse.status).toBe(401);
    expect(reuse.body.code).toBe('refresh_token_reused');
  });

  it('adds failed logins up across instances', async () => {
    expect((await http(a.url, 'POST', '/api/auth/login', { body: { login: 'anna', password: 'wrong-1' } })).status).toBe(401);
    expect((await http(b.url, 'POST', '/api/auth/login', { body: { login: 'anna', password: 'wrong-2' } })).status).toBe(401);
    expect((await http(a.url, 'POST', '/api/auth/login', { body: { login: 'anna', password: 'wrong-3' } })).status).toBe(401);
    const blocked = await http<Envelope>(b.url, 'POST', '/api/auth/login', { body: { login: 'anna', password: 'Secret-123' } });
    expect(blocked.status).toBe(429);
  });
});

describe('the server entry and AUTH_MODE=mock', () => {
  const dataDir = makeTempDir('integram-api-mock-');
  afterAll(() => removeDir(dataDir));

  /** the real server entry (server/index.ts) until it exits by itself (SIGKILL after 30 s) */
  async function start(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
    const server = await spawnServer({ dataDir, env: { LOG_FILE: 'off', ...env } });
    const timer = setTimeout(() => server.child.kill('SIGKILL'), 30_000);
    const { code } = await server.exited;
    clearTimeout(timer);
    server.cleanup();
    return { code, output: server.output() };
  }

  it('refuses to start in production', async () => {
    const r = await start({ AUTH_MODE: 'mock', NODE_ENV: 'production' });
    expect(r.code).toBe(1);
    expect(r.output).toContain('AUTH_MODE');
  }, 40_000);

  it('refuses to start on a LAN address even in development', async () => {
    const r = await start({ AUTH_MODE: 'mock', NODE_ENV: 'development', HOST: '0.0.0.0' });
    expect(r.code).toBe(1);
    expect(r.output).toContain('loopback');
  }, 40_000);
});
