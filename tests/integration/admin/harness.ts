/**
 * An in-process admin API on 127.0.0.1 with a real store (PGlite in a temp DATA_DIR, or a fresh
 * MySQL schema when TEST_MYSQL_URL is given), a real log ring and job registry.
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, vi } from 'vitest';
import express from 'express';
import pino from 'pino';
import { parseMysqlUrl } from '../../../server/storage/index.js';
import { embeddedTarget, mysqlTarget, openStoreTarget } from '../../../server/storage/target.js';
import type { Store } from '../../../server/storage/types.js';
import type { JobProgress } from '../../../server/jobs/registry.js';
import { LogRing } from '../../../server/log/ring.js';
import { JobRegistry } from '../../../server/jobs/registry.js';
import { registerApplianceJobs, type BackupPolicy } from '../../../server/appliance/jobs.js';
import { createAdminRouter, type AdminHealthSource, type AdminStatusSnapshot } from '../../../server/http/admin/index.js';
import { ADMIN_CSRF_HEADER, ADMIN_CSRF_VALUE } from '../../../server/http/admin/contract.js';
import { listen, makeTempDir, removeDir } from '../../support/server.js';
import { openTestPglite, openTestMysqlOn, type TestStore } from '../../support/stores.js';

export interface Harness {
  url: string;
  dataDir: string;
  envFile: string;
  store: Store;
  ring: LogRing;
  logFile: string;
  jobs: JobRegistry;
  policy: BackupPolicy;
  restarts: number;
  logger: pino.Logger;
  /** false: the admin API sees no store, as while MySQL is down */
  setStoreAvailable(available: boolean): void;
  /** why the data API is paused (a data move), or null */
  paused(): string | null;
  close(): Promise<void>;
}

export interface HarnessOptions {
  allowedIps?: string[];
  envText?: string;
  mysqlUrl?: string;
  env?: NodeJS.ProcessEnv;
  /** use this data folder (kept on close) instead of a fresh temp folder */
  dataDir?: string;
  /** an already open store (shared by the tests of a file; not closed by the harness) */
  store?: Store;
  /** the running server's AUTH_SALT (default admin-test-salt) */
  authSalt?: string;
  /** the Health page's history and session list (none: those routes answer 501) */
  health?: AdminHealthSource;
  /** HOST as the admin layer sees it (default 127.0.0.1) */
  host?: string;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const dataDir = options.dataDir ?? makeTempDir('integram-admin-test-');
  const envFile = path.join(dataDir, '.env');
  if (options.envText !== undefined) writeFileSync(envFile, options.envText);
  // a store of its own (closed, and its schema dropped, on close), or the shared one of the file
  let owned: TestStore | null = null;
  if (!options.store) owned = options.mysqlUrl ? await openTestMysqlOn(parseMysqlUrl(options.mysqlUrl)) : await openTestPglite(dataDir);
  const store: Store = options.store ?? owned!.store;
  const ring = new LogRing(500);
  const logFile = path.join(dataDir, 'logs', 'server.log');
  const logger = pino({ level: 'info', base: undefined, formatters: { level: (label) => ({ level: label }) } }, pino.multistream([{ stream: ring }]));
  const policy: BackupPolicy = { schedule: '0 3 * * *', keep: 3 };
  const jobs = new JobRegistry({ getStore: () => store, logger });
  const authSalt = options.authSalt ?? 'admin-test-salt';
  const env = options.env ?? { DATA_DIR: dataDir, NODE_ENV: 'test' };
  const state = { restarts: 0, storeAvailable: true, paused: null as string | null };
  const storeTarget = options.mysqlUrl && owned && 'schema' in owned
    ? mysqlTarget({ ...parseMysqlUrl(options.mysqlUrl), database: (owned as TestStore & { schema: string }).schema })
    : embeddedTarget(dataDir);
  registerApplianceJobs(jobs, {
    getStore: () => store, dataDir, policy, authSalt, saltContext: { dataDir, envFile, env, cwd: dataDir },
    storeMove: {
      sourceTarget: storeTarget, open: openStoreTarget, settings: { envFile, env, cwd: dataDir },
      pause: (reason) => {
        state.paused = reason;
        return () => { if (state.paused === reason) state.paused = null; };
      },
    },
  });
  jobs.start();

  const getStore = () => (state.storeAvailable ? store : null);
  const status = async (): Promise<AdminStatusSnapshot> => {
    const latency = await store.ping();
    return {
      status: 'ok', version: '0.0.0-test', uptimeSeconds: Math.round(process.uptime()),
      database: { driver: store.info.driver, connected: true, target: store.info.target, latencyMs: latency },
      disk: { dataDir, total: 0, free: 0 },
      memory: { rss: process.memoryUsage().rss, heapUsed: process.memoryUsage().heapUsed, total: os.totalmem(), free: os.freemem() },
      requests: { total: 0, perMinute: 0, errorsPerMinute: 0 },
    };
  };

  const app = express();
  app.set('trust proxy', false);
  app.use('/api/admin', createAdminRouter({
    config: {
      DATA_DIR: dataDir, ADMIN_ALLOWED_IPS: options.allowedIps ?? ['127.0.0.1', '::1'], BCRYPT_ROUNDS: 4,
      HOST: options.host ?? '127.0.0.1', PORT: 8081, DB_CHARSET: 'utf8mb4', DB_NAME: 'integram',
      DEFAULT_DATABASE: 'my', INTEGRAM_TEMPLATES: ':ru:en:', AUTH_SALT: authSalt,
    },
    getStore,
    storeTarget,
    jobs,
    backupPolicy: policy,
    settings: { envFile, env, cwd: dataDir },
    logs: { ring, currentFile: () => logFile },
    logger,
    status,
    requestRestart: () => { state.restarts++; },
    version: '0.0.0-test',
    health: options.health,
  }));
  const server = await listen(app);
  return {
    url: `${server.url}/api/admin`,
    dataDir, envFile, store, ring, logFile, jobs, policy, logger,
    get restarts() { return state.restarts; },
    setStoreAvailable(available: boolean) { state.storeAvailable = available; },
    paused: () => state.paused,
    async close() {
      await server.close();
      await jobs.stop();
      await owned?.cleanup();
      if (!options.dataDir) removeDir(dataDir);
    },
  };
}

export interface CallResult<T = unknown> { status: number; body: T; headers: Headers }

/** A small client: JSON in and out, the CSRF header on every state-changing call, optional Bearer. */
export async function call<T = unknown>(
  h: { url: string }, method: string, route: string, options: { body?: unknown; token?: string; csrf?: boolean; cookie?: string } = {},
): Promise<CallResult<T>> {
  const headers: Record<string, string> = {};
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (options.csrf !== false && method !== 'GET') headers[ADMIN_CSRF_HEADER] = ADMIN_CSRF_VALUE;
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  if (options.cookie) headers.Cookie = options.cookie;
  const res = await fetch(`${h.url}${route}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  const text = await res.text();
  let body: unknown = text;
  try { body = text === '' ? null : JSON.parse(text); } catch { /* text */ }
  return { status: res.status, body: body as T, headers: res.headers };
}

export const ADMIN_PASSWORD = 'correct-horse-battery';

/** First-run setup (embedded, local) and a login; returns the token. */
export async function setupAndLogin(h: Harness): Promise<string> {
  const setup = await call(h, 'POST', '/setup', { body: { adminPassword: ADMIN_PASSWORD, database: { kind: 'embedded' }, access: 'local' } });
  if (setup.status !== 200) throw new Error(`setup failed: ${setup.status} ${JSON.stringify(setup.body)}`);
  const login = await call<{ token: string }>(h, 'POST', '/login', { body: { password: ADMIN_PASSWORD } });
  if (login.status !== 200) throw new Error(`login failed: ${login.status} ${JSON.stringify(login.body)}`);
  return login.body.token;
}

/** Polls a job until it has finished. */
export async function waitForJob(h: Harness, token: string, id: string, timeoutMs = 30_000): Promise<JobProgress> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const r = await call<JobProgress>(h, 'GET', `/jobs/${id}`, { token });
    if (r.status === 200 && r.body.state !== 'running') return r.body;
    if (Date.now() > until) throw new Error(`job ${id} did not finish: ${JSON.stringify(r.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** An admin created directly in the store (as the CLI does), then a login; leaves the .env file alone. */
export async function createAdminAndLogin(h: Harness): Promise<string> {
  const { setAdminPassword } = await import('../../../server/appliance/admin-account.js');
  await setAdminPassword(h.store.appliance, ADMIN_PASSWORD, { bcryptRounds: 4 });
  const login = await call<{ token: string }>(h, 'POST', '/login', { body: { password: ADMIN_PASSWORD } });
  if (login.status !== 200) throw new Error(`login failed: ${login.status} ${JSON.stringify(login.body)}`);
  return login.body.token;
}

/** Appliance document kinds the admin layer writes (cleared between tests sharing a store). */
const APPLIANCE_KINDS = ['admin', 'admin-session', 'admin-login-fail', 'job-run', 'job-state'];

/** Drops every tenant database and the admin layer's appliance documents. */
export async function resetStore(store: Store): Promise<void> {
  for (const db of await store.listDatabases()) await store.dropDatabase(db);
  for (const kind of APPLIANCE_KINDS) {
    for (;;) {
      const docs = await store.appliance.list(kind, { limit: 500 });
      if (docs.length === 0) break;
      for (const doc of docs) await store.appliance.delete(kind, doc.id);
    }
  }
}

/**
 * One embedded store for all tests of a file (opening PGlite costs seconds, far more on a busy
 * machine), emptied before each test. Also raises the timeouts of the file for slow machines.
 */
export function useSharedPglite(): () => Store {
  vi.setConfig({ testTimeout: 120_000, hookTimeout: 180_000 });
  let shared: TestStore | null = null;
  beforeAll(async () => {
    shared = await openTestPglite();
  });
  beforeEach(async () => {
    if (shared) await resetStore(shared.store);
  });
  afterAll(async () => {
    await shared?.cleanup();
  });
  return () => {
    if (!shared) throw new Error('the shared store is not open yet');
    return shared.store;
  };
}
