/**
 * A real server for the modern API's tests, composed exactly as the product composes it:
 * createApp (server/http/app.ts) with the security middleware as `earlyMiddleware`, docs as `routers.public`, the
 * API router at /api, the legacy router last; a real store (PGlite in a temp DATA_DIR, or a
 * private MariaDB schema when TEST_MYSQL_URL is set) behind a real StoreHandle; a real config
 * from loadConfig. Listens on 127.0.0.1 on a free port.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import express from 'express';
import mysql from 'mysql2/promise';
import pino from 'pino';
import { loadConfig, type AppConfig } from '../../../server/config/index.js';
import { createApp } from '../../../server/http/app.js';
import { createApiRouter } from '../../../server/http/api/index.js';
import type { Engine, EngineOperations } from '../../../server/engine/index.js';
import { createDocsRouter } from '../../../server/http/docs/index.js';
import { legacyStack } from '../../support/legacy.js';
import { securityMiddleware } from '../../../server/http/security.js';
import type { ThrottlePolicy } from '../../../server/appliance/login-throttle.js';
import { startStoreHandle, type StoreHandle } from '../../../server/storage/handle.js';
import { storeTargetFromConfig } from '../../../server/storage/target.js';
import { parseMysqlUrl } from '../../../server/storage/index.js';
import type { Store } from '../../../server/storage/types.js';
import { defaultTemplatesDir, loadTemplate } from '../../../server/appliance/templates.js';
import { createAdminRouter } from '../../../server/http/admin/index.js';
import { sessionValid } from '../../../server/appliance/admin-account.js';
import { presentedToken } from '../../../server/http/admin/guard.js';
import { LogRing } from '../../../server/log/ring.js';
import { JobRegistry } from '../../../server/jobs/registry.js';
import { registerApplianceJobs } from '../../../server/appliance/jobs.js';

export const MYSQL_URL = process.env.TEST_MYSQL_URL;

export type StoreKind = 'pglite' | 'mysql';

export interface ApiHarness {
  url: string;
  /** the private MySQL schema, or null on PGlite */
  schema: string | null;
  config: AppConfig;
  store: Store;
  storeHandle: StoreHandle;
  ops: EngineOperations;
  engine: Engine;
  dataDir: string;
  close(): Promise<void>;
}

export interface ApiHarnessOptions {
  kind?: StoreKind;
  env?: Record<string, string>;
  throttlePolicy?: ThrottlePolicy;
  /** databases created from the ru template before start */
  databases?: string[];
  /** also mount the console admin API at /api/admin (for the every-route check) */
  withAdmin?: boolean;
  /** serve a built console (dist/renderer) at /console, as the product does */
  consoleDir?: string;
  /** MySQL: use this existing schema (a second instance of another harness); it is not dropped on close */
  sharedSchema?: string;
}

export async function startApiHarness(options: ApiHarnessOptions = {}): Promise<ApiHarness> {
  const kind = options.kind ?? 'pglite';
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'integram-api-test-'));
  const env: Record<string, string> = {
    DATA_DIR: dataDir, NODE_ENV: 'test', LOG_FILE: 'off', REGISTRATION_ENABLED: 'true', ...options.env,
  };
  let schema: string | null = null;
  if (kind === 'mysql') {
    if (!MYSQL_URL) throw new Error('TEST_MYSQL_URL is not set');
    schema = options.sharedSchema ?? `t_${randomBytes(5).toString('hex')}`;
    const base = new URL(MYSQL_URL);
    base.pathname = `/${schema}`;
    env.DATABASE_URL = base.toString();
  }
  const loaded = loadConfig({ env, argv: [], cwd: dataDir });
  if (!loaded.ok) throw new Error(`config: ${loaded.errors.join('; ')}`);
  const config = loaded.config;
  const logger = pino({ level: 'silent' });
  const storeHandle = startStoreHandle({ target: storeTargetFromConfig(config), logger, announce: () => undefined });
  const store = await storeHandle.ready(60_000);
  if (!store) throw new Error(`store did not connect: ${storeHandle.status().reason ?? ''}`);

  const rows = await loadTemplate(defaultTemplatesDir(), 'ru');
  for (const db of options.databases ?? ['my']) await store.createDatabase(db, rows);

  const legacy = legacyStack({ getStore: () => storeHandle.current()!, salt: config.AUTH_SALT });
  const publicRouter = express.Router();
  publicRouter.use(createDocsRouter({ serverUrl: undefined }));
  if (options.consoleDir) {
    const consoleDir = options.consoleDir;
    publicRouter.use('/console', express.static(consoleDir));
    publicRouter.get(/^\/console(\/.*)?$/, (_req, res) => res.sendFile(path.join(consoleDir, 'index.html')));
  }
  let jobs: JobRegistry | null = null;
  let adminRouter: express.Router | undefined;
  if (options.withAdmin) {
    jobs = new JobRegistry({ getStore: () => store, logger });
    const policy = { schedule: '0 3 * * *', keep: 3 };
    registerApplianceJobs(jobs, { getStore: () => store, dataDir, policy });
    adminRouter = createAdminRouter({
      config, getStore: () => storeHandle.current(), jobs, backupPolicy: policy,
      settings: { envFile: path.join(dataDir, '.env'), env: { DATA_DIR: dataDir, NODE_ENV: 'test' }, cwd: dataDir },
      logs: { ring: new LogRing(100), currentFile: () => null }, logger,
      status: async () => ({
        status: 'ok', version: '0.0.0-test', uptimeSeconds: 1,
        database: { driver: store.info.driver, connected: true, target: store.info.target, latencyMs: 1 },
        disk: { dataDir, total: 0, free: 0 }, memory: { rss: 0, heapUsed: 0, total: 0, free: 0 }, requests: { total: 0, perMinute: 0, errorsPerMinute: 0 },
      }),
      requestRestart: () => undefined,
      version: '0.0.0-test',
    });
  }
  const app = createApp({
    config,
    storeHandle,
    logger,
    earlyMiddleware: [securityMiddleware(config)],
    // as server/runtime/admin-layer.ts does: a valid console session makes a request an admin's
    isAdminRequest: options.withAdmin
      ? async (req) => {
        const token = presentedToken(req);
        return token ? sessionValid(store.appliance, token).catch(() => false) : false;
      }
      : undefined,
    routers: {
      admin: adminRouter,
      public: publicRouter,
      api: createApiRouter({
        config, getStore: () => storeHandle.current(), engine: legacy.engine, logger, throttlePolicy: options.throttlePolicy,
      }),
      legacy,
    },
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const port = (server.address() as AddressInfo).port;
  const ops = legacy.engine.operations;
  return {
    url: `http://127.0.0.1:${port}`,
    schema,
    config, store, storeHandle, ops, engine: legacy.engine, dataDir,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (jobs) await jobs.stop();
      await storeHandle.close();
      if (schema && MYSQL_URL && !options.sharedSchema) {
        const base = parseMysqlUrl(MYSQL_URL);
        const conn = await mysql.createConnection({ host: base.host, port: base.port, user: base.user, password: base.password });
        await conn.query(`DROP DATABASE IF EXISTS \`${schema}\``);
        await conn.end();
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The store kinds to run a suite on: PGlite always, MariaDB when TEST_MYSQL_URL is set. */
export const STORE_KINDS: StoreKind[] = ['pglite', 'mysql'];

export function skipReason(kind: StoreKind): string | null {
  return kind === 'mysql' && !MYSQL_URL ? 'TEST_MYSQL_URL is not set: the MariaDB variant of this suite is skipped' : null;
}

export interface Reply<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
  text: string;
}

export async function http<T = unknown>(
  base: string, method: string, route: string,
  options: { body?: unknown; token?: string; headers?: Record<string, string>; contentType?: string; raw?: string } = {},
): Promise<Reply<T>> {
  const headers: Record<string, string> = { ...options.headers };
  let payload: string | undefined;
  if (options.raw !== undefined) payload = options.raw;
  else if (options.body !== undefined) payload = JSON.stringify(options.body);
  if (payload !== undefined) headers['Content-Type'] = options.contentType ?? 'application/json';
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  const res = await fetch(`${base}${route}`, { method, headers, body: payload });
  const text = await res.text();
  let body: unknown = text;
  try { body = text === '' ? null : JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, body: body as T, headers: res.headers, text };
}

/** A user with a sha512 password in `db` (through the API's own row writer). */
export async function addUser(h: ApiHarness, db: string, login: string, password: string, roleName: 'user' | 'admin' = 'user'): Promise<number> {
  const { userId } = await h.ops.insertUser(db, { login, password, roleName });
  return userId;
}

export interface LoginData {
  user: { id: number; login: string; role: string; database: string };
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  tokenType: string;
  legacy?: { token: string; _xsrf: string };
}

export async function login(h: ApiHarness, login: string, password: string, database?: string): Promise<LoginData> {
  const r = await http<{ success: boolean; data: LoginData }>(h.url, 'POST', '/api/auth/login', { body: { login, password, database } });
  if (r.status !== 200) throw new Error(`login failed: ${r.status} ${r.text}`);
  return r.body.data;
}

/**
 * The product itself, in process: bootServer with the product's composition
 * (server/runtime/compose.ts), a fresh data folder, PGlite, port 0, and a .env of its own (the
 * console's settings writes go there, never to the repository's).
 */
export interface ProductServer {
  url: string;
  config: AppConfig;
  close(): Promise<void>;
}

export async function startProduct(env: Record<string, string> = {}): Promise<ProductServer> {
  const { writeFileSync } = await import('node:fs');
  const { PassThrough } = await import('node:stream');
  const { bootServer } = await import('../../../server/runtime/boot.js');
  const { productBootOptions } = await import('../../../server/runtime/compose.js');
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'integram-api-product-'));
  const envFile = path.join(dataDir, '.env');
  writeFileSync(envFile, '');
  const loaded = loadConfig({
    env: { DATA_DIR: dataDir, PORT: '0', NODE_ENV: 'test', LOG_FILE: 'off', ENV_FILE: envFile, ...env }, argv: [], cwd: dataDir,
  });
  if (!loaded.ok) throw new Error(`config: ${loaded.errors.join('; ')}`);
  const booted = await bootServer({ config: loaded.config, stdout: new PassThrough(), ...productBootOptions() });
  await booted.storeHandle.ready(60_000);
  return {
    url: booted.url,
    config: loaded.config,
    async close() {
      await booted.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
