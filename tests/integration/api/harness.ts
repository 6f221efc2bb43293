/**
 * A real server for the modern API's tests, composed as the product composes it
 * (tests/support/server.ts: bootServer on a temp data folder and a real config): the security
 * middleware as `earlyMiddleware`, docs as `routers.public`, the API router at /api, the legacy
 * router last; a real store (PGlite in the temp DATA_DIR, or a private MariaDB schema when
 * TEST_MYSQL_URL is set) behind the server's StoreHandle. Listens on 127.0.0.1 on a free port.
 */
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import express from 'express';
import type { AppConfig } from '../../../server/config/index.js';
import { createApiRouter } from '../../../server/http/api/index.js';
import type { Engine, EngineOperations } from '../../../server/engine/index.js';
import { createDocsRouter } from '../../../server/http/docs/index.js';
import { securityMiddleware } from '../../../server/http/security.js';
import type { ThrottlePolicy } from '../../../server/appliance/login-throttle.js';
import type { StoreHandle } from '../../../server/storage/handle.js';
import { parseMysqlUrl } from '../../../server/storage/index.js';
import type { Store } from '../../../server/storage/types.js';
import { defaultTemplatesDir, loadTemplate } from '../../../server/appliance/templates.js';
import { createAdminRouter } from '../../../server/http/admin/index.js';
import { sessionValid } from '../../../server/appliance/admin-account.js';
import { presentedToken } from '../../../server/http/admin/guard.js';
import { LogRing } from '../../../server/log/ring.js';
import { JobRegistry } from '../../../server/jobs/registry.js';
import { registerApplianceJobs } from '../../../server/appliance/jobs.js';
import type { ResetLimits } from '../../../server/appliance/account-mail.js';
import { createMailer } from '../../../server/appliance/mail.js';
import { legacyStack, type LegacyStack } from '../../support/legacy.js';
import { startInProcessServer, type InProcessServer } from '../../support/server.js';
import { dropSchema } from '../../support/stores.js';

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
  /** limits of the password reset requests (default: the server's) */
  resetLimits?: ResetLimits;
}

export async function startApiHarness(options: ApiHarnessOptions = {}): Promise<ApiHarness> {
  const kind = options.kind ?? 'pglite';
  let schema: string | null = null;
  let mysqlUrl: string | undefined;
  if (kind === 'mysql') {
    if (!MYSQL_URL) throw new Error('TEST_MYSQL_URL is not set');
    schema = options.sharedSchema ?? `t_${randomBytes(5).toString('hex')}`;
    const base = new URL(MYSQL_URL);
    base.pathname = `/${schema}`;
    mysqlUrl = base.toString();
  }
  let legacy!: LegacyStack;
  // the product's layers, composed here so that a test can set the throttle policy, mount a
  // built console or leave the admin API out
  const server = await startInProcessServer({
    prefix: 'integram-api-test-',
    env: { LOG_LEVEL: 'fatal', REGISTRATION_ENABLED: 'true', ...options.env },
    mysqlUrl,
    product: false,
    boot: {
      earlyMiddleware: ({ config }) => [securityMiddleware(config)],
      // as server/runtime/admin-layer.ts does: a valid console session makes a request an admin's
      isAdminRequest: options.withAdmin
        ? ({ storeHandle }) => async (req) => {
          const token = presentedToken(req);
          const store = storeHandle.current();
          return token && store ? sessionValid(store.appliance, token).catch(() => false) : false;
        }
        : undefined,
      routers: (context) => {
        const { config, storeHandle, logs } = context;
        const logger = logs.logger;
        const getStore = () => storeHandle.current()!;
        legacy = legacyStack({ getStore, salt: config.AUTH_SALT });
        const publicRouter = express.Router();
        publicRouter.use(createDocsRouter({ serverUrl: undefined }));
        if (options.consoleDir) {
          const consoleDir = options.consoleDir;
          publicRouter.use('/console', express.static(consoleDir));
          publicRouter.get(/^\/console(\/.*)?$/, (_req, res) => res.sendFile(path.join(consoleDir, 'index.html')));
        }
        let adminRouter: express.Router | undefined;
        if (options.withAdmin) {
          const dataDir = config.DATA_DIR;
          const jobs = new JobRegistry({ getStore, logger });
          const policy = { schedule: '0 3 * * *', keep: 3 };
          registerApplianceJobs(jobs, { getStore, dataDir, policy });
          context.onShutdown(() => jobs.stop());
          adminRouter = createAdminRouter({
            config, getStore: () => storeHandle.current(), jobs, backupPolicy: policy,
            settings: { envFile: path.join(dataDir, '.env'), env: { DATA_DIR: dataDir, NODE_ENV: 'test' }, cwd: dataDir },
            logs: { ring: new LogRing(100), currentFile: () => null }, logger,
            status: async () => {
              const store = getStore();
              return {
                status: 'ok', version: '0.0.0-test', uptimeSeconds: 1,
                database: { driver: store.info.driver, connected: true, target: store.info.target, latencyMs: 1 },
                disk: { dataDir, total: 0, free: 0 }, memory: { rss: 0, heapUsed: 0, total: 0, free: 0 }, requests: { total: 0, perMinute: 0, errorsPerMinute: 0 },
              };
            },
            requestRestart: () => undefined,
            version: '0.0.0-test',
            engine: legacy.engine,
            mail: { mailer: createMailer(config), adminEmail: config.ADMIN_EMAIL },
          });
        }
        return {
          admin: adminRouter,
          public: publicRouter,
          api: createApiRouter({ config, getStore: () => storeHandle.current(), engine: legacy.engine, logger, throttlePolicy: options.throttlePolicy, resetLimits: options.resetLimits }),
          legacy,
        };
      },
    },
  });
  const { booted, config, dataDir } = server;
  const storeHandle = booted.storeHandle;
  const store = storeHandle.current()!;
  const rows = await loadTemplate(defaultTemplatesDir(), 'ru');
  for (const db of options.databases ?? ['my']) await store.createDatabase(db, rows);
  return {
    url: server.url,
    schema,
    config, store, storeHandle, ops: legacy.engine.operations, engine: legacy.engine, dataDir,
    async close() {
      await server.close();
      if (schema && MYSQL_URL && !options.sharedSchema) await dropSchema({ ...parseMysqlUrl(MYSQL_URL), database: schema });
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

/** The product itself, in process (tests/support/server.ts): the console's settings writes go to a .env of its own. */
export type ProductServer = InProcessServer;

export function startProduct(env: Record<string, string> = {}): Promise<ProductServer> {
  return startInProcessServer({ prefix: 'integram-api-product-', env, envFile: '' });
}
