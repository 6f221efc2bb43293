/**
 * The real server (the product as server/index.ts composes it) as a child process on the
 * embedded store (PGlite): start on a new data folder, health endpoints, JSON errors, request
 * ids, secrets, logs, graceful stop, port in use, configuration errors. Paths no server route
 * owns belong to the legacy URL API (PHP behaviour); the bare JSON 404 is tested in-process.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { openStore } from '../../../server/storage/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, sleep } from '../../support/net.mjs';
import { getJson, request, waitForHttp } from '../../support/http.js';
import { REPO_ROOT as ROOT, spawnServer, type ServerProcess } from '../../support/server.js';

const VERSION = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
/** waits for a server start; long, because PGlite's first start is CPU-bound and CI machines get busy */
const STARTUP_TIMEOUT_MS = 60_000;
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('server process on the embedded store', { timeout: 120_000 }, () => {
  let server: ServerProcess;
  let healthAfterMs = 0;

  beforeAll(async () => {
    // a new data folder: the embedded store's real first start (initdb), not the suites' template
    server = await spawnServer({ ipc: true, env: { BODY_LIMIT: '64kb' }, freshStore: true });
    // generous here so a loaded machine fails only the timing test below, not every test
    healthAfterMs = await waitForHttp(`${server.url}/health`, STARTUP_TIMEOUT_MS);
    await server.waitForLine(/Integram server listening on/, STARTUP_TIMEOUT_MS);
    await server.waitForLine(/ Database: /, STARTUP_TIMEOUT_MS);
  }, 2 * STARTUP_TIMEOUT_MS);

  afterAll(async () => {
    await server.stop();
    server.cleanup();
  });

  it('answers /health within 10 s on a new data folder, without touching the database', async () => {
    // the first start creates the embedded database (PGlite initdb): a few seconds on an idle machine
    expect(healthAfterMs, `first /health answer after ${healthAfterMs} ms (load average ${os.loadavg()[0].toFixed(1)})`).toBeLessThan(10_000);
    const res = await getJson(`${server.url}/health`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('writes exactly one database line and the listening line, in the documented wording', () => {
    const lines = server.stdout().split('\n');
    const dbLines = lines.filter((line) => / INFO {2}Database: /.test(line));
    expect(dbLines).toHaveLength(1);
    const pgliteDir = path.join(server.dataDir, 'pglite');
    expect(dbLines[0]).toMatch(new RegExp(`^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO {2}Database: embedded pglite at ${escape(pgliteDir)} \\(MySQL not configured\\)$`));
    expect(lines.some((line) => line.endsWith(` INFO  Integram server listening on http://127.0.0.1:${server.port}`))).toBe(true);
    // and where to go next
    const base = `http://127.0.0.1:${server.port}`;
    expect(lines.some((line) => line.endsWith(` INFO  Console: ${base}/console · API docs: ${base}/api/docs · data folder: ${server.dataDir}`))).toBe(true);
    expect(server.stderr()).toBe('');
  });

  it('sends the ready message to the parent process', async () => {
    for (let i = 0; i < 50 && server.messages.length === 0; i++) await sleep(100);
    expect(server.messages).toContainEqual({ type: 'ready', port: server.port, host: '127.0.0.1', url: `http://127.0.0.1:${server.port}` });
  });

  it('/api/health reports measured figures and names the driver', async () => {
    await request(`${server.url}/health`);
    const res = await getJson<{
      status: string; version: string; schemaVersion: number; uptimeSeconds: number;
      database: { driver: string; connected: boolean; target: string | null; latencyMs: number };
      storage: { freeBytes: number }; requests: { total: number; perMinute: number; errorsPerMinute: number }; jobs: unknown[];
    }>(`${server.url}/api/health`);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ok');
    expect(res.body.version).toBe(VERSION);
    expect(res.body.schemaVersion).toBeGreaterThan(0);
    expect(res.body.uptimeSeconds).toBeGreaterThanOrEqual(0);
    expect(res.body.database).toMatchObject({ driver: 'pglite', connected: true });
    expect(res.body.database.latencyMs).toBeGreaterThanOrEqual(0);
    // paths only for an admin; no admin layer is installed here
    expect(res.body.database.target).toBeNull();
    expect(JSON.stringify(res.body)).not.toContain(server.dataDir);
    expect(res.body.storage.freeBytes).toBeGreaterThan(0);
    expect(res.body.requests.total).toBeGreaterThanOrEqual(1);
    expect(res.body.requests.perMinute).toBeGreaterThanOrEqual(1);
    // the job registry's scheduled jobs (backups ...), each with its last and next run
    for (const job of res.body.jobs) expect(Object.keys(job as object).sort()).toEqual(['lastResult', 'lastRunAt', 'name', 'nextRunAt']);

    const before = res.body.requests.total;
    await request(`${server.url}/health`);
    await request(`${server.url}/health`);
    const after = await getJson<{ requests: { total: number } }>(`${server.url}/api/health`);
    expect(after.body.requests.total).toBe(before + 3);
  });

  it('/api/deployment-info describes this process', async () => {
    const res = await getJson<Record<string, unknown>>(`${server.url}/api/deployment-info`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      version: VERSION,
      mode: 'headless',
      nodeVersion: process.versions.node,
      platform: process.platform,
      host: '127.0.0.1',
      port: server.port,
      urls: [],
    });
    expect(Date.parse(String(res.body.startedAt))).not.toBeNaN();
    expect(res.body.commit === null || /^[0-9a-f]{40}$/.test(String(res.body.commit))).toBe(true);
  });

  it('/api/system-resources needs an admin: 401 without credentials, 403 with foreign ones', async () => {
    const anonymous = await getJson(`${server.url}/api/system-resources`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toEqual({ error: 'Admin login required', code: 'unauthorized' });
    const stranger = await getJson(`${server.url}/api/system-resources`, { headers: { Authorization: 'Bearer nope' } });
    expect(stranger.status).toBe(403);
  });

  it('turns malformed and oversized bodies into 400/413 JSON, never a stack trace', async () => {
    // the modern API and everything but the legacy URL API: the app's parsers
    const bad = await getJson(`${server.url}/api/v2/integram/anything`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"a":' });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ error: 'The request body is not valid JSON', code: 'invalid_json' });
    const big = await getJson(`${server.url}/api/v2/integram/anything`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: `a=${'x'.repeat(100_000)}` });
    expect(big.status).toBe(413);
    expect(String((big.body as { error: string }).error)).toMatch(/too large/);
    // the legacy URL API reads its own body: BODY_LIMIT applies, and a body that is not JSON is
    // simply not merged (the PHP engine's rule), so the engine answers as it would without it
    const legacyBig = await getJson(`${server.url}/anything/xsrf`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: `a=${'x'.repeat(100_000)}` });
    expect(legacyBig.status).toBe(413);
    const legacyBad = await request(`${server.url}/anything/xsrf?JSON`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"a":' });
    const legacyPlain = await request(`${server.url}/anything/xsrf?JSON`, { method: 'POST' });
    expect(legacyBad.status).toBeLessThan(500);
    expect(legacyBad.text).toBe(legacyPlain.text);
    expect(JSON.stringify([bad.body, big.body, legacyBig.body])).not.toMatch(/at .*\.(js|ts):\d+/);
  });

  it('keeps a sane X-Request-Id, replaces an insane one, and logs it with the request', async () => {
    const kept = await request(`${server.url}/health`, { headers: { 'X-Request-Id': 'trace-abc.123' } });
    expect(kept.headers.get('x-request-id')).toBe('trace-abc.123');
    const replaced = await request(`${server.url}/health`, { headers: { 'X-Request-Id': 'bad id <script>' } });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const answered = await request(`${server.url}/missing-page?token=topsecret&x=1`, { headers: { 'X-Request-Id': 'req-404-check' } });
    await server.waitForLine(/request \[req-404-check\]/);
    const line = server.stdout().split('\n').find((text) => text.includes('[req-404-check]')) ?? '';
    expect(line).toContain(`status=${answered.status}`);
    expect(line).toContain('url=/missing-page?token=[redacted]&x=1');
    expect(line).not.toContain('topsecret');
  });

  it('writes the log file as JSON lines with request ids, and the generated secrets with mode 0600', async () => {
    const logDir = path.join(server.dataDir, 'logs');
    await sleep(300);
    const files = readdirSync(logDir).filter((name) => name.startsWith('server.') && name.endsWith('.log'));
    expect(files.length).toBeGreaterThanOrEqual(1);
    const text = files.map((name) => readFileSync(path.join(logDir, name), 'utf8')).join('');
    const records = text.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records.some((record) => record.msg === 'request' && record.reqId === 'req-404-check')).toBe(true);
    expect(text).not.toContain('topsecret');
    for (const name of ['jwt-secret', 'auth-salt']) {
      expect(statSync(path.join(server.dataDir, 'secrets', name)).mode & 0o777).toBe(0o600);
    }
  });
});

describe('server process: stopping and restarting', () => {
  it('finishes a request in flight on SIGTERM, exits 0, and the next start reuses secrets and data', async () => {
    const first = await spawnServer({ ipc: true, env: { SHUTDOWN_TIMEOUT_MS: '5000' } });
    try {
      await waitForHttp(`${first.url}/health`, STARTUP_TIMEOUT_MS);
      await first.waitForLine(/Integram server listening on/, STARTUP_TIMEOUT_MS);
      await first.waitForLine(/ Database: /, STARTUP_TIMEOUT_MS);
      const jwt = readFileSync(path.join(first.dataDir, 'secrets', 'jwt-secret'), 'utf8');

      // a request whose body is still arriving when the signal comes
      const socket = net.connect(first.port, '127.0.0.1');
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      let answer = '';
      socket.setEncoding('utf8').on('data', (chunk: string) => (answer += chunk));
      const body = '{"slow":"request body"}';
      socket.write(`POST /slow-upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 5)}`);
      await sleep(300);
      first.child.kill('SIGTERM');
      await first.waitForLine(/Stopping: SIGTERM/, 30_000);
      // new connections are refused while the old one drains
      await sleep(200);
      const refused = await request(`${first.url}/health`, { timeoutMs: 5000 }).then(() => false, () => true);
      expect(refused).toBe(true);
      socket.write(body.slice(5));
      const result = await first.exited;
      expect(result).toEqual({ code: 0, signal: null });
      // a complete answer (whatever the legacy API says to this path), not a cut connection
      expect(answer).toMatch(/^HTTP\/1\.1 \d{3} /);
      const [head, ...rest] = answer.split('\r\n\r\n');
      const length = /content-length: (\d+)/i.exec(head)?.[1];
      expect(length, head).toBeDefined();
      expect(Buffer.byteLength(rest.join('\r\n\r\n'))).toBe(Number(length));
      socket.destroy();

      const second = await spawnServer({ ipc: true, dataDir: first.dataDir });
      try {
        await waitForHttp(`${second.url}/health`, STARTUP_TIMEOUT_MS);
        await second.waitForLine(/ Database: /, STARTUP_TIMEOUT_MS);
        const health = await getJson<{ status: string }>(`${second.url}/api/health`);
        expect(health.body.status).toBe('ok');
        expect(readFileSync(path.join(first.dataDir, 'secrets', 'jwt-secret'), 'utf8')).toBe(jwt);
        expect(second.stdout()).toContain('(MySQL not configured)');
      } finally {
        await second.stop();
        second.cleanup();
      }
    } finally {
      await first.stop();
      first.cleanup();
    }
  }, 4 * STARTUP_TIMEOUT_MS);

  it('is "down" (503) while the embedded data folder is held by another process, and recovers when it is released', async () => {
    const workDir = mkdtempSync(path.join(os.tmpdir(), 'integram-down-test-'));
    const dataDir = path.join(workDir, 'data');
    const holder = await openStore({ pgliteDir: path.join(dataDir, 'pglite') });
    let released = false;
    const server = await spawnServer({ ipc: true, dataDir });
    try {
      await waitForHttp(`${server.url}/health`, STARTUP_TIMEOUT_MS);
      const line = await server.waitForLine(/Database: /, STARTUP_TIMEOUT_MS);
      expect(line).toMatch(/INFO {2}Database: embedded pglite at .*pglite could not be opened \(the data folder is in use by another process\); retrying, API answers 503 until it opens$/);
      const health = await getJson<{ status: string; database: { connected: boolean; reason: string } }>(`${server.url}/api/health`);
      expect(health.status).toBe(503);
      expect(health.body.status).toBe('down');
      expect(health.body.database).toMatchObject({ connected: false, reason: 'the data folder is in use by another process' });
      expect((await getJson(`${server.url}/health`)).status).toBe(200);

      await holder.close();
      released = true;
      await server.waitForLine(/Database: Connected to .*pglite \(pglite\)/, STARTUP_TIMEOUT_MS);
      expect((await getJson<{ status: string }>(`${server.url}/api/health`)).body.status).toBe('ok');
    } finally {
      if (!released) await holder.close();
      await server.stop();
      server.cleanup();
      rmSync(workDir, { recursive: true, force: true });
    }
  }, 3 * STARTUP_TIMEOUT_MS);

  it('names the port in one line and exits 2 when the port is in use', async () => {
    const port = await freePort();
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', () => resolve()));
    const server = await spawnServer({ ipc: true, port });
    try {
      const result = await server.exited;
      expect(result.code).toBe(2);
      expect(server.stderr()).toBe(`Port ${port} on 127.0.0.1 is already in use; stop the other program or set PORT\n`);
    } finally {
      server.cleanup();
      await new Promise((resolve) => blocker.close(resolve));
    }
  }, STARTUP_TIMEOUT_MS);

  it('prints configuration errors one per line and exits 1', async () => {
    const server = await spawnServer({ ipc: true, env: { PORT: 'eighty', NODE_ENV: 'production', JWT_SECRET: 'secret' } });
    try {
      const result = await server.exited;
      expect(result.code).toBe(1);
      const lines = server.stderr().trim().split('\n');
      expect(lines).toContain('Configuration error: PORT: expected a whole number');
      expect(lines.some((line) => line.startsWith('Configuration error: JWT_SECRET: is a well-known example value'))).toBe(true);
      expect(server.stderr()).not.toMatch(/\n\s+at /);
    } finally {
      server.cleanup();
    }
  }, STARTUP_TIMEOUT_MS);

  it('refuses AUTH_MODE=mock outside development', async () => {
    const server = await spawnServer({ ipc: true, env: { AUTH_MODE: 'mock', NODE_ENV: 'production' } });
    try {
      expect((await server.exited).code).toBe(1);
      expect(server.stderr()).toContain('Configuration error: AUTH_MODE: mock is allowed only with NODE_ENV=development');
    } finally {
      server.cleanup();
    }
  }, STARTUP_TIMEOUT_MS);
});

describe('server process: long-lived responses do not hold up a stop', () => {
  it('ends an open live-log stream when SIGTERM comes, instead of waiting out the drain deadline', async () => {
    const server = await spawnServer({ ipc: true, env: { SHUTDOWN_TIMEOUT_MS: '60000' } });
    try {
      await waitForHttp(`${server.url}/health`, STARTUP_TIMEOUT_MS);
      await server.waitForLine(/ Database: /, STARTUP_TIMEOUT_MS);
      const headers = { 'Content-Type': 'application/json', 'X-Requested-With': 'integram-console' };
      const setup = await getJson<{ token: string }>(`${server.url}/api/admin/setup`, {
        method: 'POST', headers,
        body: JSON.stringify({ adminPassword: 'stream-test-password', database: { kind: 'embedded' }, access: 'local' }),
      });
      expect(setup.status).toBe(200);
      const stream = await fetch(`${server.url}/api/admin/logs/stream`, { headers: { Authorization: `Bearer ${setup.body.token}` } });
      expect(stream.status).toBe(200);
      const reader = stream.body!.getReader();
      await reader.read(); // the stream is open and has sent something

      const stopAt = Date.now();
      server.child.kill('SIGTERM');
      const result = await server.exited;
      expect(result).toEqual({ code: 0, signal: null });
      // far below SHUTDOWN_TIMEOUT_MS: the stream was ended before the drain began
      expect(Date.now() - stopAt).toBeLessThan(20_000);
      await reader.cancel().catch(() => undefined);
    } finally {
      await server.stop();
      server.cleanup();
    }
  }, 3 * STARTUP_TIMEOUT_MS);
});
