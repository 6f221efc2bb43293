/**
 * The real server against MySQL/MariaDB: configured but unreachable (always runs: it only needs
 * a closed port), connected to TEST_MYSQL_URL, and an outage in the middle of a run on a
 * private MariaDB that the test kills and restarts.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMysqlUrl } from '../../../server/storage/index.js';
import { freePort, sleep } from '../../support/net.mjs';
import { getJson, waitForHttp } from '../../support/http.js';
import { spawnServer, type ServerProcess } from '../../support/server.js';
import { createMariadb, mariadbInstalled } from '../../support/start-mariadb.mjs';
import { dropSchema } from '../../support/stores.js';

interface Health {
  status: string;
  schemaVersion: number | null;
  database: { driver: string; connected: boolean; reason?: string; latencyMs: number | null };
}

async function waitForHealth(url: string, predicate: (health: Health) => boolean, timeoutMs: number): Promise<Health> {
  const started = Date.now();
  let last: Health | null = null;
  while (Date.now() - started < timeoutMs) {
    last = (await getJson<Health>(`${url}/api/health`)).body;
    if (predicate(last)) return last;
    await sleep(200);
  }
  throw new Error(`health did not reach the expected state within ${timeoutMs} ms; last: ${JSON.stringify(last)}`);
}

/** the server process, once it listens and has written its database line */
async function startedServer(env: Record<string, string>): Promise<ServerProcess> {
  const server = await spawnServer({ ipc: true, env });
  await waitForHttp(`${server.url}/health`, 60_000);
  await server.waitForLine(/Integram server listening on/, 60_000);
  await server.waitForLine(/ Database: /, 60_000);
  return server;
}

describe('MySQL configured but unreachable', () => {
  let server: ServerProcess;
  let dbPort: number;

  beforeAll(async () => {
    dbPort = await freePort(); // nothing listens there
    server = await startedServer({ DB_HOST: '127.0.0.1', DB_PORT: String(dbPort), DB_USER: 'root', DB_PING_INTERVAL_MS: '500' });
  }, 120_000);

  afterAll(async () => {
    await server.close();
  });

  it('starts degraded with the documented startup line, and never falls back to the embedded store', () => {
    const dbLines = server.stdout().split('\n').filter((line) => / Database: /.test(line));
    expect(dbLines).toHaveLength(1);
    expect(dbLines[0]).toMatch(
      new RegExp(`^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO {2}Database: MySQL at 127\\.0\\.0\\.1:${dbPort} unreachable \\(connection refused\\); retrying, API answers 503 until connected$`),
    );
    expect(server.stdout()).not.toContain('pglite');
  });

  it('keeps /health at 200 and reports degraded with the reason on /api/health', async () => {
    expect((await getJson(`${server.url}/health`)).body).toEqual({ status: 'ok' });
    const res = await getJson<Health>(`${server.url}/api/health`);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('degraded');
    expect(res.body.schemaVersion).toBeNull();
    expect(res.body.database).toMatchObject({ driver: 'mysql', connected: false, reason: 'connection refused', latencyMs: null });
    expect((await getJson(`${server.url}/api/deployment-info`)).status).toBe(200);
  });

  it('answers the APIs with 503 and a clear message until connected', async () => {
    for (const route of ['/api/auth/login', '/my/object/18', '/api/my/object/18', '/no/such/route']) {
      const res = await getJson(`${server.url}${route}`);
      expect(res.status, route).toBe(503);
      expect(res.body, route).toEqual({ error: 'Database unavailable: connection refused', code: 'database_unavailable', params: { reason: 'connection refused' } });
      expect(res.headers.get('retry-after')).toBe('5');
    }
  });

  it('stops gracefully while degraded', async () => {
    const result = await server.stop();
    expect(result).toEqual({ code: 0, signal: null });
  });
});

const mysqlUrl = process.env.TEST_MYSQL_URL;
if (!mysqlUrl) console.warn('server-mysql.test.ts: MySQL suites SKIPPED (TEST_MYSQL_URL is not set)');

describe.skipIf(!mysqlUrl)('server on TEST_MYSQL_URL', () => {
  const schema = `t_${randomBytes(5).toString('hex')}`;
  let server: ServerProcess;
  const base = mysqlUrl ? parseMysqlUrl(mysqlUrl) : null;

  beforeAll(async () => {
    server = await startedServer({ DATABASE_URL: `${mysqlUrl}/${schema}` });
  }, 120_000);

  afterAll(async () => {
    await server.close();
    if (base) await dropSchema({ ...base, database: schema });
  });

  it('writes "Database: Connected to <host>:<port> (mysql)" and reports ok', async () => {
    const dbLines = server.stdout().split('\n').filter((line) => / Database: /.test(line));
    expect(dbLines).toHaveLength(1);
    expect(dbLines[0]).toMatch(new RegExp(`INFO {2}Database: Connected to ${base?.host.replace(/\./g, '\\.')}:${base?.port} \\(mysql\\)$`));
    const health = await getJson<Health>(`${server.url}/api/health`);
    expect(health.body.status).toBe('ok');
    expect(health.body.database).toMatchObject({ driver: 'mysql', connected: true });
    expect(health.body.schemaVersion).toBeGreaterThan(0);
    // past the gate: no 503 once connected (no API router is mounted here, so 404)
    expect((await getJson(`${server.url}/api/anything`)).status).toBe(404);
  });
});

const canRunOwn = Boolean(mysqlUrl) && mariadbInstalled();
if (mysqlUrl && !canRunOwn) console.warn('server-mysql.test.ts: outage suite SKIPPED (mariadbd / mariadb-install-db not installed)');

describe.skipIf(!canRunOwn)('MySQL outage on a private MariaDB', () => {
  it('starts degraded, connects when MySQL appears, degrades on a crash and recovers by itself', async () => {
    const port = await freePort();
    // a private MariaDB (its own data folder and port) that the test kills and starts again
    const db = await createMariadb({ port, user: 'integram_outage', password: 'outage-test-pw', innodbBufferPoolSize: '64M', prefix: 'integram-outage-mariadb-' });
    const server = await spawnServer({
      ipc: true,
      env: {
        DB_HOST: '127.0.0.1', DB_PORT: String(port), DB_USER: db.user, DB_PASSWORD: db.password,
        DB_NAME: `t_${randomBytes(4).toString('hex')}`, DB_PING_INTERVAL_MS: '500',
      },
    });
    try {
      await waitForHttp(`${server.url}/health`, 60_000);
      await server.waitForLine(new RegExp(`Database: MySQL at 127\\.0\\.0\\.1:${port} unreachable \\(connection refused\\)`));
      expect((await getJson<Health>(`${server.url}/api/health`)).body.status).toBe('degraded');

      // MySQL appears: the server connects by itself
      await db.start();
      await server.waitForLine(new RegExp(`Database: Connected to 127\\.0\\.0\\.1:${port} \\(mysql\\)$`), 60_000);
      const up = await waitForHealth(server.url, (h) => h.status === 'ok', 15_000);
      expect(up.database.connected).toBe(true);
      expect((await getJson(`${server.url}/api/anything`)).status).toBe(404);

      // a crash mid-run: degraded within a few pings, APIs 503
      await db.kill();
      const down = await waitForHealth(server.url, (h) => h.status === 'degraded', 15_000);
      expect(down.database.connected).toBe(false);
      expect(['connection refused', 'connection lost']).toContain(down.database.reason);
      const refused = await getJson<{ error: string }>(`${server.url}/api/anything`);
      expect(refused.status).toBe(503);
      expect(refused.body.error).toMatch(/^Database unavailable: connection (refused|lost)$/);
      await server.waitForLine(new RegExp(`Database: connection to MySQL at 127\\.0\\.0\\.1:${port} lost`));

      // it comes back: so does the server, without a restart
      await db.start();
      const back = await waitForHealth(server.url, (h) => h.status === 'ok', 60_000);
      expect(back.database.connected).toBe(true);
      await server.waitForLine(new RegExp(`Database: reconnected to 127\\.0\\.0\\.1:${port} \\(mysql\\)`));
      expect((await getJson(`${server.url}/api/anything`)).status).toBe(404);

      expect(await server.stop()).toEqual({ code: 0, signal: null });
    } finally {
      await server.stop();
      server.cleanup();
      await db.destroy();
    }
  }, 180_000);
});

describe.skipIf(!canRunOwn)('MySQL through a unix socket (DB_SOCKET) on a private MariaDB', () => {
  it('opens the store over the socket, answers, and reconnects after MariaDB restarts (crash and clean stop)', async () => {
    const port = await freePort();
    const db = await createMariadb({ port, user: 'integram_sock', password: 'socket-test-pw', innodbBufferPoolSize: '64M', prefix: 'integram-sock-mariadb-' });
    await db.start();
    const socket = db.socket.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    // DB_HOST names a port where nothing listens: the socket must be what is used
    const closedPort = await freePort();
    const server = await spawnServer({
      ipc: true,
      env: {
        DB_SOCKET: db.socket, DB_HOST: '127.0.0.1', DB_PORT: String(closedPort), DB_USER: db.user, DB_PASSWORD: db.password,
        DB_NAME: `t_${randomBytes(4).toString('hex')}`, DB_PING_INTERVAL_MS: '500',
      },
    });
    try {
      await waitForHttp(`${server.url}/health`, 60_000);
      await server.waitForLine(new RegExp(`Database: Connected to socket ${socket} \\(mysql\\)$`), 60_000);
      const up = await waitForHealth(server.url, (h) => h.status === 'ok', 15_000);
      expect(up.database).toMatchObject({ driver: 'mysql', connected: true });
      expect(up.schemaVersion).toBeGreaterThan(0);
      expect((await getJson(`${server.url}/api/anything`)).status).toBe(404);
      // the password never reaches the log; the socket path may
      expect(server.stdout()).not.toContain(db.password);

      // a crash: the socket file stays, nothing accepts on it
      await db.kill();
      const down = await waitForHealth(server.url, (h) => h.status === 'degraded', 15_000);
      expect(down.database.connected).toBe(false);
      expect((await getJson(`${server.url}/api/anything`)).status).toBe(503);
      await server.waitForLine(new RegExp(`Database: connection to MySQL at socket ${socket} lost`));
      await db.start();
      await waitForHealth(server.url, (h) => h.status === 'ok', 60_000);
      await server.waitForLine(new RegExp(`Database: reconnected to socket ${socket} \\(mysql\\)`));

      // a clean stop removes the socket file: the reason says so, and the server comes back again
      await db.stop();
      const stopped = await waitForHealth(server.url, (h) => h.status === 'degraded', 15_000);
      expect(['no socket file (is the server running?)', 'connection lost', 'the server is shutting down', 'connection refused']).toContain(stopped.database.reason);
      const refused = await getJson<{ error: string; code: string }>(`${server.url}/api/anything`);
      expect(refused.status).toBe(503);
      expect(refused.body.code).toBe('database_unavailable');
      expect(refused.body.error).not.toContain(db.socket); // reasons anyone may read name no paths
      await db.start();
      const back = await waitForHealth(server.url, (h) => h.status === 'ok', 60_000);
      expect(back.database.connected).toBe(true);
      expect((await getJson(`${server.url}/api/anything`)).status).toBe(404);

      expect(await server.stop()).toEqual({ code: 0, signal: null });
    } finally {
      await server.stop();
      server.cleanup();
      await db.destroy();
    }
  }, 240_000);
});
