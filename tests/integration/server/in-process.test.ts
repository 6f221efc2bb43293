/**
 * The server assembled in-process (bootServer) on a real PGlite store, with small routers in
 * the mount points: mount order, the admin hook, the error handler, HTTPS, the LAN rule.
 */
import { execFileSync } from 'node:child_process';
import https from 'node:https';
import path from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppConfig } from '../../../server/config/index.js';
import { HttpError } from '../../../server/http/errors.js';
import { StartupError, startServer } from '../../../server/http/server.js';
import { setAdminPassword } from '../../../server/appliance/admin-account.js';
import { bootServer, type BootedServer } from '../../../server/runtime/boot.js';
import { EMBEDDED_STORE_ADMISSION } from '../../../server/storage/admission.js';
import { openStore } from '../../../server/storage/index.js';
import type { StoreTarget } from '../../../server/storage/target.js';
import { getJson } from '../../support/http.js';
import { makeTempDir, removeDir, serverConfig, silentStream, startInProcessServer, type InProcessServer } from '../../support/server.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = makeTempDir('integram-inproc-test-');
  dirs.push(dir);
  return dir;
}

function configFor(env: Record<string, string>): AppConfig {
  return serverConfig(env, { cwd: tempDir() });
}

afterAll(() => {
  for (const dir of dirs.splice(0)) removeDir(dir);
});

describe('createApp mount points and error handling', { timeout: 120_000 }, () => {
  let server: InProcessServer;
  let booted: BootedServer;
  let url: string;

  beforeAll(async () => {
    // a composition of its own: small routers in the mount points
    server = await startInProcessServer({
      product: false,
      waitForStore: false,
      boot: {
        isAdminRequest: () => (req) => req.get('x-test-admin') === 'yes',
        jobs: () => () => [{ name: 'backup', lastRunAt: null, lastResult: null, nextRunAt: '2030-01-01T03:00:00.000Z' }],
        routers: () => {
          const publicRouter = express.Router();
          publicRouter.get('/docs-like', (_req, res) => res.json({ public: true }));
          const admin = express.Router();
          admin.get('/ping', (_req, res) => res.json({ admin: true }));
          const api = express.Router();
          api.get('/boom', () => {
            throw new Error('kaboom: a bug');
          });
          api.get('/slow', async (req, res) => {
            await new Promise((resolve) => setTimeout(resolve, Number(req.query.ms ?? 1_000)));
            res.json({ slow: true });
          });
          api.get('/db-down', () => {
            throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3306'), { code: 'ECONNREFUSED' });
          });
          api.get('/user-error', () => {
            throw new HttpError(422, 'the name is too long', 'invalid_name');
          });
          const legacy = express.Router();
          legacy.all('/{*rest}', (req, res) => res.json({ legacy: req.path }));
          return { public: publicRouter, admin, api, legacy };
        },
      },
    });
    booted = server.booted;
    url = booted.url;
    // the server listens before the store is open; these tests need it open
    expect(await booted.storeHandle.ready(60_000)).not.toBeNull();
  }, 120_000);

  afterAll(async () => {
    await server.close();
  });

  it('matches the server routes before the legacy catch-all, which gets the rest', async () => {
    expect((await getJson(`${url}/health`)).body).toEqual({ status: 'ok' });
    expect((await getJson<{ status: string }>(`${url}/api/health`)).body.status).toBe('ok');
    expect((await getJson(`${url}/docs-like`)).body).toEqual({ public: true });
    expect((await getJson(`${url}/api/admin/ping`)).body).toEqual({ admin: true });
    expect((await getJson(`${url}/mydb/object/18`)).body).toEqual({ legacy: '/mydb/object/18' });
    expect((await getJson(`${url}/api/mydb/object/18`)).body).toEqual({ legacy: '/api/mydb/object/18' });
  });

  it('shows targets, paths and system resources to an admin only', async () => {
    const admin = await getJson<{ database: { target: string; driver: string }; storage: { dataDir: string }; jobs: unknown[] }>(`${url}/api/health`, { headers: { 'x-test-admin': 'yes' } });
    expect(admin.body.database.target).toBe(path.join(booted.context.config.DATA_DIR, 'pglite'));
    expect(admin.body.storage.dataDir).toBe(booted.context.config.DATA_DIR);
    expect(admin.body.jobs).toEqual([{ name: 'backup', lastRunAt: null, lastResult: null, nextRunAt: '2030-01-01T03:00:00.000Z' }]);
    const resources = await getJson<{ cpu: { cores: number; loadAvg: number[] }; memory: Record<string, number>; disk: { dataDir: string; total: number; free: number }; eventLoopLagMs: number }>(
      `${url}/api/system-resources`,
      { headers: { 'x-test-admin': 'yes' } },
    );
    expect(resources.status).toBe(200);
    expect(resources.body.cpu.cores).toBeGreaterThan(0);
    expect(resources.body.cpu.loadAvg).toHaveLength(3);
    expect(resources.body.memory.total).toBeGreaterThan(resources.body.memory.processRss);
    expect(resources.body.memory.heapUsed).toBeGreaterThan(0);
    expect(resources.body.disk.total).toBeGreaterThan(resources.body.disk.free);
    expect(resources.body.eventLoopLagMs).toBeGreaterThanOrEqual(0);
  });

  it('answers a bug with 500, the request id and no stack trace, and logs the detail', async () => {
    const res = await getJson<{ error: string }>(`${url}/api/boom`, { headers: { 'X-Request-Id': 'bug-1' } });
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: 'Internal server error (request id bug-1)', code: 'internal', params: { requestId: 'bug-1' } });
    const logged = booted.logs.ring.recent({ q: 'bug-1', level: 'error' });
    expect(logged.some((line) => line.msg === 'unhandled error' && JSON.stringify(line).includes('kaboom'))).toBe(true);
  });

  it('answers a deliberate HttpError with its status, and a lost database with 503 (then re-checks it)', async () => {
    const user = await getJson(`${url}/api/user-error`);
    expect(user.status).toBe(422);
    expect(user.body).toEqual({ error: 'the name is too long', code: 'invalid_name' });
    const down = await getJson(`${url}/api/db-down`);
    expect(down.status).toBe(503);
    // the same answer as the store gate gives once the handle knows
    expect(down.body).toEqual({ error: 'Database unavailable: connection refused', code: 'database_unavailable', params: { reason: 'connection refused' } });
    expect(down.headers.get('retry-after')).toBe('5');
    // the handle was told, pinged the (healthy) store again and is connected once more
    for (let i = 0; i < 50 && !booted.storeHandle.status().connected; i++) await new Promise((r) => setTimeout(r, 50));
    expect(booted.storeHandle.status().connected).toBe(true);
  });

  it('the embedded store admits a few requests at a time; one that would wait too long is told to retry', async () => {
    const { concurrency, maxWaitMs } = EMBEDDED_STORE_ADMISSION;
    const slow = Array.from({ length: concurrency }, () => getJson(`${url}/api/slow`));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    const turnedAway = await getJson(`${url}/api/slow`);
    expect(turnedAway.status).toBe(503);
    expect(turnedAway.body).toEqual({ error: 'The server is busy; try again in a moment', code: 'busy' });
    expect(turnedAway.headers.get('retry-after')).toBe('1');
    expect(Date.now() - started).toBeGreaterThanOrEqual(maxWaitMs - 50);
    for (const answer of await Promise.all(slow)) expect(answer.status).toBe(200);
    // the slots are free again
    expect((await getJson(`${url}/api/slow`)).status).toBe(200);
  });

  it('a client that goes away while it waits for the embedded store frees its place', async () => {
    const { concurrency } = EMBEDDED_STORE_ADMISSION;
    const slow = Array.from({ length: concurrency }, () => getJson(`${url}/api/slow?ms=200`));
    await new Promise((resolve) => setTimeout(resolve, 20));
    // these wait in the queue, their clients hang up, then the slots come free (before the wait runs out)
    const quitters = Array.from({ length: concurrency }, () => {
      const abort = new AbortController();
      const sent = fetch(`${url}/api/slow`, { signal: abort.signal }).catch(() => null);
      setTimeout(() => abort.abort(), 40);
      return sent;
    });
    await Promise.all([...slow, ...quitters]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    // every slot is free again: as many requests as slots all get in (a leaked slot made them wait and be refused)
    const again = await Promise.all(Array.from({ length: concurrency }, () => getJson(`${url}/api/slow?ms=400`)));
    expect(again.map((answer) => answer.status)).toEqual(Array(concurrency).fill(200));
  });

  it('counts 5xx answers as errors per minute', async () => {
    const health = await getJson<{ requests: { errorsPerMinute: number } }>(`${url}/api/health`);
    expect(health.body.requests.errorsPerMinute).toBeGreaterThanOrEqual(2);
  });
});

/** the real embedded store, opened only when the test calls letOpen (a slow first start) */
function gatedEmbeddedOpen() {
  let letOpen: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (letOpen = resolve));
  const open = async (target: StoreTarget) => {
    await gate;
    if (target.driver !== 'pglite') throw new Error('expected the embedded store');
    return openStore({ pgliteDir: target.dir });
  };
  return { open, letOpen: () => letOpen() };
}

describe('while the store is still opening', () => {
  it('answers /health at once, /api/health "degraded: starting", the APIs 503, then ok', async () => {
    const { open, letOpen } = gatedEmbeddedOpen();
    const server = await startInProcessServer({ product: false, waitForStore: false, boot: { open } });
    const booted = server.booted;
    try {
      expect((await getJson(`${booted.url}/health`)).body).toEqual({ status: 'ok' });
      const starting = await getJson<{ status: string; database: { connected: boolean; reason: string } }>(`${booted.url}/api/health`);
      expect(starting.status).toBe(200);
      expect(starting.body.status).toBe('degraded');
      expect(starting.body.database).toMatchObject({ connected: false, reason: 'starting' });
      const api = await getJson(`${booted.url}/api/anything`);
      expect(api.status).toBe(503);
      expect(api.body).toEqual({ error: 'Database unavailable: starting', code: 'database_unavailable', params: { reason: 'starting' } });

      letOpen();
      expect(await booted.storeHandle.ready(60_000)).not.toBeNull();
      expect((await getJson<{ status: string }>(`${booted.url}/api/health`)).body.status).toBe('ok');
      // no router mounted: a path nobody owns is a JSON 404
      const missing = await getJson(`${booted.url}/api/anything`);
      expect(missing.status).toBe(404);
      expect(missing.headers.get('content-type')).toMatch(/^application\/json/);
      expect(missing.body).toEqual({ error: 'Not found: GET /api/anything', code: 'not_found', params: { method: 'GET', path: '/api/anything' } });
    } finally {
      letOpen();
      await server.close();
    }
  }, 120_000);
});

describe('the console while the store is still opening', () => {
  it('says the database is starting (store_starting), not that it is unavailable, then shows the first-run setup', async () => {
    const { open, letOpen } = gatedEmbeddedOpen();
    const server = await startInProcessServer({ waitForStore: false, boot: { open } });
    try {
      const starting = await getJson<{ error: { code: string; message: string } }>(`${server.url}/api/admin/setup`);
      expect(starting.status).toBe(503);
      expect(starting.body.error).toMatchObject({ code: 'store_starting', message: 'the database is starting; try again in a few seconds' });
      letOpen();
      expect(await server.booted.storeHandle.ready(60_000)).not.toBeNull();
      const ready = await getJson<{ firstRun: boolean }>(`${server.url}/api/admin/setup`);
      expect(ready.status).toBe(200);
      expect(ready.body.firstRun).toBe(true);
    } finally {
      letOpen();
      await server.close();
    }
  }, 120_000);
});

describe('HTTPS and startup errors', () => {
  it('serves HTTPS with the configured certificate', async () => {
    const dir = tempDir();
    const cert = path.join(dir, 'cert.pem');
    const key = path.join(dir, 'key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
    const server = await startInProcessServer({ product: false, waitForStore: false, env: { HTTPS_ENABLED: 'true', SSL_CERT_PATH: cert, SSL_KEY_PATH: key } });
    const booted = server.booted;
    try {
      expect(booted.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const body = await new Promise<string>((resolve, reject) => {
        https
          .get(`${booted.url}/health`, { rejectUnauthorized: false }, (res) => {
            let text = '';
            res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk)).on('end', () => resolve(text));
          })
          .on('error', reject);
      });
      expect(JSON.parse(body)).toEqual({ status: 'ok' });
    } finally {
      await server.close();
    }
  }, 120_000);

  it('names an unreadable certificate in one line', async () => {
    const app = express();
    const attempt = startServer({
      app,
      config: { PORT: 0, HOST: '127.0.0.1', HTTPS_ENABLED: true, SSL_CERT_PATH: '/nonexistent/cert.pem', SSL_KEY_PATH: '/nonexistent/key.pem', SHUTDOWN_TIMEOUT_MS: 1000 },
    });
    await expect(attempt).rejects.toThrow(new StartupError('Cannot read the HTTPS certificate /nonexistent/cert.pem (ENOENT); check SSL_CERT_PATH', 1));
  });
});

describe('LAN mode needs a console admin password', () => {
  // 192.0.2.1 (TEST-NET-1) is no address of this machine: nothing can ever be bound to it, so
  // the test proves the refusal comes first without opening anything beyond 127.0.0.1.
  it('refuses a LAN HOST while no admin exists (exit code 3), and lets it pass once one does', async () => {
    const config = configFor({ HOST: '192.0.2.1' });
    const refused = bootServer({ config, stdout: silentStream() });
    await expect(refused).rejects.toMatchObject({ name: 'StartupError', exitCode: 3, message: expect.stringMatching(/HOST=192\.0\.2\.1 .*console admin password/) });

    const store = await openStore({ pgliteDir: path.join(config.DATA_DIR, 'pglite') });
    await setAdminPassword(store.appliance, 'long-enough-password', { bcryptRounds: 4 });
    await store.close();

    const passed = bootServer({ config, stdout: silentStream() });
    // past the admin check, listen() itself fails: that address is not on this machine
    await expect(passed).rejects.toMatchObject({ name: 'StartupError', exitCode: 1, message: expect.stringMatching(/EADDRNOTAVAIL/) });
  }, 180_000);
});
