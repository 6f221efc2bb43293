/**
 * What the admin API's resource files share: the router's dependencies, the state one router
 * keeps (a restart is pending), the two routers every resource binds to (`open`: no session
 * needed; `protected`: behind requireAdmin), and the admin envelope for what handlers throw.
 */
import { OfflineSessions } from '../../appliance/admin-offline.js';
import type { ErrorRequestHandler, Request, RequestHandler, Router } from 'express';
import type { LogRing } from '../../log/ring.js';
import type { MetricsHistory } from '../health/history.js';
import type { ActiveSessions } from '../health/sessions.js';
import type { AppConfig } from '../../config/index.js';
import { isStoreError } from '../../storage/errors.js';
import type { ApplianceStore, Store } from '../../storage/types.js';
import type { StoreTarget } from '../../storage/target.js';
import { errorText, type JobRegistry } from '../../jobs/registry.js';
import type { BackupPolicy } from '../../appliance/jobs.js';
import type { SettingsContext } from '../../appliance/settings.js';
import type { Mailer } from '../../appliance/mail.js';
import { defaultTemplatesDir } from '../../appliance/templates.js';
import type { EngineOperations } from '../../engine/index.js';
import { fieldOf, HttpError, lostDatabase, sendError } from '../errors.js';
import type { ServerStatus, UpdateStatus } from './contract.js';
import { hasAdminSession, presentedToken } from './guard.js';

/** The measurements of /api/health that the status page shows (ServerStatus without restartRequired). */
export type AdminStatusSnapshot = Omit<ServerStatus, 'restartRequired'>;

export interface AdminLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface AdminLogs {
  /** recent lines and live subscription (server/log/ring.ts) */
  ring: LogRing;
  /** the log file being written now, or null (for download) */
  currentFile(): string | null;
}

export interface AdminRouterDeps {
  /** the running configuration (read once; changed settings apply after a restart, except LIVE_SETTINGS) */
  config: Pick<AppConfig, 'DATA_DIR' | 'ADMIN_ALLOWED_IPS' | 'BCRYPT_ROUNDS' | 'HOST' | 'PORT' | 'DB_CHARSET' | 'DB_NAME' | 'DEFAULT_DATABASE' | 'INTEGRAM_TEMPLATES' | 'AUTH_SALT'>
    // the main Integram server a database is brought over from (the pull form's defaults)
    & Partial<Pick<AppConfig, 'PGLITE_SYNC_COMMITS' | 'INTEGRAM_API_BASE_URL' | 'INTEGRAM_AUTH_TOKEN' | 'INTEGRAM_REGISTRATION_USERNAME' | 'INTEGRAM_REGISTRATION_PASSWORD'>>;
  /** the store, or null while it is unavailable (MySQL down): admin routes then answer 503 */
  getStore: () => Store | null;
  /** why the store is unavailable ('starting' while it opens; the store handle's reason) */
  storeReason?: () => string | undefined;
  /** where the store in use is (a move there is refused); none: this server cannot move its data */
  storeTarget?: StoreTarget;
  /** the job registry, with registerApplianceJobs(...) already applied */
  jobs: JobRegistry;
  /** BACKUP_SCHEDULE / BACKUP_KEEP as the running server uses them; updated live by a settings write */
  backupPolicy: BackupPolicy;
  /** the .env file the console edits, and the environment that wins over it */
  settings: SettingsContext;
  logs: AdminLogs | null;
  logger: AdminLogger;
  /** the /api/health measurements (the foundation's health functions) */
  status(): Promise<AdminStatusSnapshot>;
  /** drain and exit with code 75 (headless) so systemd/PM2/the desktop supervisor restarts the server */
  requestRestart(): void;
  version: string;
  /** default: resources/templates next to the program */
  templatesDir?: string;
  /** drops the engine's caches of a database changed here (import, create) */
  invalidate?: (db: string) => void;
  /** the server's engine: users, roles and grants of a database are changed through it (none: those routes answer 503) */
  engine?: { operations: EngineOperations; invalidate(db: string): void };
  /** URLs LAN clients would use (default: every external IPv4 interface with config.PORT) */
  lanAddresses?(): string[];
  /** the desktop fills this over IPC; headless answers "unsupported" */
  update?(): Promise<UpdateStatus>;
  /** the per-minute history and the active sessions (server/http/health); none: /health/history and /health/sessions answer 501 */
  health?: AdminHealthSource;
  /** the server's mailer and ADMIN_EMAIL (none: POST /mail/test answers mail_not_configured) */
  mail?: { mailer: Mailer; adminEmail?: string };
  /** largest JSON body (rows imports); default 64mb */
  bodyLimit?: string;
}

/** What the Health page reads from the running server's measurements. */
export interface AdminHealthSource {
  history: Pick<MetricsHistory, 'points'>;
  sessions: Pick<ActiveSessions, 'list'>;
}

/** The router, plus `closeStreams()` to end live log streams before a shutdown. */
export type AdminRouter = Router & { closeStreams(): void };

/** Where a resource binds its routes: `open` answers without a session, `protected` only behind requireAdmin. */
export interface AdminRoutes {
  open: Router;
  protected: Router;
}

export interface AdminContext {
  deps: AdminRouterDeps;
  templatesDir: string;
  bodyLimit: string;
  /** settings saved (or a setup done) that need a restart to apply */
  restart: { pending: boolean };
  /** sessions of logins made while the store was away (in memory, this process only) */
  offlineSessions: OfflineSessions;
  /** the appliance documents, or null while the store is unavailable */
  appliance(): ApplianceStore | null;
  /** the store, else a 503 store_unavailable */
  store(): Store;
  /** whether the request presents a valid admin session (for the routes open to some callers) */
  isAdmin(req: Request): Promise<boolean>;
}

export function createAdminContext(deps: AdminRouterDeps): AdminContext {
  const offlineSessions = new OfflineSessions();
  const appliance = () => deps.getStore()?.appliance ?? null;
  return {
    deps,
    templatesDir: deps.templatesDir ?? defaultTemplatesDir(),
    bodyLimit: deps.bodyLimit ?? '64mb',
    restart: { pending: false },
    offlineSessions,
    appliance,
    store() {
      const store = deps.getStore();
      if (!store) {
        // a first start creates the embedded database, which takes seconds: not a fault to look into
        if (deps.storeReason?.() === 'starting') throw new HttpError(503, 'the database is starting; try again in a few seconds', 'store_starting');
        throw new HttpError(503, 'the database is not available: the Health page says why, and Settings can change the database settings', 'store_unavailable');
      }
      return store;
    },
    isAdmin: async (req) => {
      const token = presentedToken(req);
      return (token !== null && offlineSessions.valid(token)) || hasAdminSession(req, appliance());
    },
  };
}

export const notFound: RequestHandler = (_req, res) => sendError(res, 'admin', new HttpError(404, 'no such admin route', 'not_found'));

/** Every admin failure in the admin envelope: a short message, never a stack. */
export function adminErrors(logger: AdminLogger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    if (res.headersSent) return;
    sendError(res, 'admin', adminError(err, req, logger));
  };
}

function adminError(err: unknown, req: Request, logger: AdminLogger): HttpError {
  if (err instanceof HttpError) return err;
  const type = fieldOf(err, 'type');
  if (type === 'entity.parse.failed') return new HttpError(400, 'the request body is not valid JSON', 'invalid_json');
  if (type === 'entity.too.large') return new HttpError(413, 'the request body is too large', 'too_large');
  const lost = lostDatabase(err);
  if (lost) return lost;
  if (isStoreError(err)) {
    const status = err.code === 'exists' ? 409 : err.code === 'not_found' ? 404 : err.code === 'unreachable' ? 503 : err.code === 'in_use' ? 503 : 422;
    return new HttpError(status, err.message, err.code);
  }
  logger.error({ err: errorText(err), path: req.originalUrl }, 'admin API error');
  return new HttpError(500, 'internal error; see the server log', 'internal');
}
