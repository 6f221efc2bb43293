/**
 * The console's admin API (`/api/admin/*`), exactly the paths and shapes of ./contract.ts.
 * Mount: `app.use(ADMIN_BASE, createAdminRouter(deps))` — before any app-wide CORS middleware
 * is applied to it (the router strips CORS headers anyway and answers OPTIONS itself).
 *
 * Every admin capability lives here (PocketBase's lesson, spec/desktop.md §2.3), so a headless
 * install has the same features as the desktop console.
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import type { AppConfig } from '../../config/index.js';
import { isStoreError } from '../../storage/errors.js';
import { checkNewDbName, isRoutableDbName } from '../../storage/db-names.js';
import { rowsFileSchema } from '../../storage/rows-file.js';
import type { Row, Store } from '../../storage/types.js';
import { BackupError, backupsDir, deleteBackup, listBackups, readManifest } from '../../appliance/backups.js';
import { JobBusyError, UnknownJobError, errorText, type JobRegistry } from '../../jobs/registry.js';
import { BACKUP_JOB, RESTORE_JOB, type BackupPolicy } from '../../appliance/jobs.js';
import {
  adminExists, createSession, loginRetryAfter, recordLoginFailure, revokeSession, verifyAdminPassword, sessionValid,
} from '../../appliance/admin-account.js';
import {
  createDatabase, DatabaseBusyError, DatabaseExistsError, databaseSummary, ImportNameError, importDatabaseRows, type DatabaseDeps,
} from '../../appliance/databases.js';
import { completeSetup, SetupError, setupRequestSchema } from '../../appliance/setup.js';
import { LIVE_SETTINGS, readSettings, validateSettings, writeSettings, type SettingsContext } from '../../appliance/settings.js';
import { defaultTemplatesDir, TemplateError } from '../../appliance/templates.js';
import { testMysqlConnection } from '../../storage/mysql/connection-test.js';
import { CsvError, csvToRows, rowsToCsv } from '../../storage/rows-csv.js';
import { lanUrls } from '../../config/net.js';
import {
  ADMIN_COOKIE, type BackupInfo, type DatabaseInfo, type JobProgress, type LoginResponse, type ServerStatus, type SetupResponse, type SetupStatus,
  type UpdateStatus,
} from './contract.js';
import { baseGuard, clientAddress, fromLoopback, presentedToken, requireAdmin, sendError } from './guard.js';
import { parseIpAllowList } from './ip-allow.js';
import { registerLogRoutes, type AdminLogs } from './logs.js';

export { ADMIN_BASE } from './contract.js';

/** The measurements of /api/health that the status page shows (ServerStatus without restartRequired). */
export type AdminStatusSnapshot = Omit<ServerStatus, 'restartRequired'>;


export interface AdminLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface AdminRouterDeps {
  /** the running configuration (read once; changed settings apply after a restart, except LIVE_SETTINGS) */
  config: Pick<AppConfig, 'DATA_DIR' | 'ADMIN_ALLOWED_IPS' | 'BCRYPT_ROUNDS' | 'HOST' | 'PORT' | 'DB_CHARSET' | 'DB_NAME' | 'DEFAULT_DATABASE' | 'INTEGRAM_TEMPLATES' | 'AUTH_SALT'>;
  /** the store, or null while it is unavailable (MySQL down): admin routes then answer 503 */
  getStore: () => Store | null;
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
  /** URLs LAN clients would use (default: every external IPv4 interface with config.PORT) */
  lanAddresses?(): string[];
  /** the desktop fills this over IPC; headless answers "unsupported" */
  update?(): Promise<UpdateStatus>;
  /** largest JSON body (rows imports); default 64mb */
  bodyLimit?: string;
}

const mysqlTestSchema = z.object({
  host: z.string().trim().min(1),
  port: z.coerce.number().int().min(1).max(65535),
  user: z.string().trim().min(1),
  password: z.string(),
  database: z.string().trim().max(64).default(''),
});

const settingsUpdateSchema = z.object({ values: z.record(z.string(), z.unknown()) });
const importSchema = rowsFileSchema.extend({ replace: z.boolean().optional() });

/** zod issues -> { field: message } */
function zodFields(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.length > 0 ? issue.path.join('.') : '_body';
    if (!fields[key]) fields[key] = issue.message;
  }
  return fields;
}

function toBackupInfo(m: { id: string; createdAt: string; sizeBytes: number; driver: BackupInfo['driver']; databases: string[]; kind: BackupInfo['kind'] }): BackupInfo {
  return { id: m.id, createdAt: m.createdAt, sizeBytes: m.sizeBytes, driver: m.driver, databases: m.databases, kind: m.kind };
}

/** The router, plus `closeStreams()` to end live log streams before a shutdown. */
export type AdminRouter = Router & { closeStreams(): void };

export function createAdminRouter(deps: AdminRouterDeps): AdminRouter {
  const router = express.Router();
  const allowList = parseIpAllowList(Array.isArray(deps.config.ADMIN_ALLOWED_IPS) ? deps.config.ADMIN_ALLOWED_IPS.join(',') : deps.config.ADMIN_ALLOWED_IPS);
  const templatesDir = deps.templatesDir ?? defaultTemplatesDir();
  const backupDir = backupsDir(deps.config.DATA_DIR);
  const lanAddresses = deps.lanAddresses ?? (() => lanUrls({ protocol: 'http', host: '0.0.0.0', port: deps.config.PORT, url: '' }));
  /** settings saved that need a restart to apply */
  let restartPending = false;

  const appliance = () => deps.getStore()?.appliance ?? null;
  const databaseDeps = (store: Store): DatabaseDeps => ({ store, templatesDir, salt: deps.config.AUTH_SALT, invalidate: deps.invalidate });
  const secureCookie = (req: Request) => req.secure;

  router.use(baseGuard(() => allowList));
  router.use(express.json({ limit: deps.bodyLimit ?? '64mb' }));

  /** The store or a 503; handlers return early on null. */
  const storeOr503 = (res: Response): Store | null => {
    const store = deps.getStore();
    if (!store) sendError(res, 503, 'store_unavailable', 'the database is not available yet; see the status page');
    return store;
  };

  const setSessionCookie = (req: Request, res: Response, token: string, expiresAt: Date) => {
    res.cookie(ADMIN_COOKIE, token, {
      httpOnly: true, sameSite: 'strict', secure: secureCookie(req), path: '/api/admin', expires: expiresAt,
    });
  };

  // ---- first run --------------------------------------------------------------------------

  router.get('/setup', async (req, res) => {
    const store = storeOr503(res);
    if (!store) return;
    const exists = await adminExists(store.appliance);
    const authed = exists && (await requireAdminCheck(req));
    const body: SetupStatus = {
      adminExists: exists,
      firstRun: !exists,
      dataDir: (!exists && fromLoopback(req)) || authed ? deps.config.DATA_DIR : null,
      lanAddresses: lanAddresses(),
    };
    res.json(body);
  });

  async function requireAdminCheck(req: Request): Promise<boolean> {
    const token = presentedToken(req);
    const app = appliance();
    return token !== null && app !== null && sessionValid(app, token);
  }

  /** First-run routes are open only from this machine and only while no admin exists. */
  async function firstRunOpen(req: Request, res: Response, store: Store): Promise<boolean> {
    if (!fromLoopback(req)) {
      sendError(res, 403, 'loopback_only', 'first-run setup is possible only on the server machine itself');
      return false;
    }
    if (await adminExists(store.appliance)) {
      sendError(res, 409, 'already_set_up', 'an admin password is already set; log in instead');
      return false;
    }
    return true;
  }

  router.post('/setup', async (req, res) => {
    const store = storeOr503(res);
    if (!store || !(await firstRunOpen(req, res, store))) return;
    const parsed = setupRequestSchema.safeParse(req.body);
    if (!parsed.success) return sendError(res, 400, 'invalid_request', 'the setup request is incomplete', zodFields(parsed.error));
    let outcome;
    try {
      outcome = await completeSetup({ config: deps.config, settings: deps.settings, store, templatesDir, logger: deps.logger }, parsed.data);
    } catch (err) {
      if (err instanceof SetupError) return sendError(res, err.code === 'already_set_up' ? 409 : 422, err.code, err.message, err.fields);
      throw err;
    }
    if (outcome.restartRequired) restartPending = true;
    const session = await createSession(store.appliance, clientAddress(req));
    setSessionCookie(req, res, session.token, session.expiresAt);
    const body: SetupResponse = { ok: true, restartRequired: restartPending, token: session.token, expiresAt: session.expiresAt.toISOString() };
    res.json(body);
  });

  // ---- login / logout ---------------------------------------------------------------------

  router.post('/login', async (req, res) => {
    const store = storeOr503(res);
    if (!store) return;
    const address = clientAddress(req);
    const retryAfter = await loginRetryAfter(store.appliance, address);
    if (retryAfter > 0) {
      res.setHeader('Retry-After', String(retryAfter));
      return sendError(res, 429, 'too_many_attempts', `too many failed logins; try again in ${Math.ceil(retryAfter / 60)} minute(s)`);
    }
    const password: unknown = (req.body as { password?: unknown } | undefined)?.password;
    if (typeof password !== 'string' || password === '') return sendError(res, 400, 'invalid_request', 'the password is required', { password: 'required' });
    if (!(await adminExists(store.appliance))) return sendError(res, 409, 'setup_required', 'no admin password is set yet; complete the first-run setup');
    if (!(await verifyAdminPassword(store.appliance, password))) {
      await recordLoginFailure(store.appliance, address);
      deps.logger.warn({ ip: address }, 'console admin login failed');
      return sendError(res, 401, 'bad_password', 'wrong password');
    }
    const session = await createSession(store.appliance, address);
    setSessionCookie(req, res, session.token, session.expiresAt);
    deps.logger.info({ ip: address }, 'console admin logged in');
    const body: LoginResponse = { token: session.token, expiresAt: session.expiresAt.toISOString() };
    res.json(body);
  });

  // the MySQL test is part of the first-run wizard, so it is open under the first-run rule too
  router.post('/test-mysql', async (req, res) => {
    const store = deps.getStore();
    const firstRun = store !== null && fromLoopback(req) && !(await adminExists(store.appliance));
    if (!firstRun && !(await requireAdminCheck(req))) return sendError(res, 401, 'unauthorized', 'admin login required');
    const parsed = mysqlTestSchema.safeParse(req.body);
    if (!parsed.success) return sendError(res, 400, 'invalid_request', 'host, port, user, password and database are required', zodFields(parsed.error));
    res.json(await testMysqlConnection(parsed.data));
  });

  // ---- everything below needs an admin session ----------------------------------------------
  router.use(requireAdmin(appliance));

  router.post('/logout', async (req, res) => {
    const token = presentedToken(req);
    const app = appliance();
    if (token && app) await revokeSession(app, token);
    res.clearCookie(ADMIN_COOKIE, { path: '/api/admin', httpOnly: true, sameSite: 'strict', secure: secureCookie(req) });
    res.json({ ok: true });
  });

  // ---- settings ---------------------------------------------------------------------------

  router.get('/settings', async (_req, res) => {
    res.json(await readSettings(deps.settings));
  });

  router.post('/settings/validate', async (req, res) => {
    const parsed = settingsUpdateSchema.safeParse(req.body);
    if (!parsed.success) return sendError(res, 400, 'invalid_request', 'expected {"values": {...}}', zodFields(parsed.error));
    res.json(await validateSettings(deps.settings, parsed.data.values, { adminExists: true }));
  });

  router.put('/settings', async (req, res) => {
    const parsed = settingsUpdateSchema.safeParse(req.body);
    if (!parsed.success) return sendError(res, 400, 'invalid_request', 'expected {"values": {...}}', zodFields(parsed.error));
    const store = deps.getStore();
    const exists = store ? await adminExists(store.appliance) : true;
    const outcome = await writeSettings(deps.settings, parsed.data.values, { adminExists: exists });
    if (!outcome.ok) return sendError(res, 422, 'invalid_settings', 'some settings are not valid', outcome.fields);
    await applyLiveSettings(outcome.changed);
    if (outcome.restartRequired) restartPending = true;
    deps.logger.info({ keys: outcome.changed }, 'settings saved from the console');
    res.json({ ok: true, restartRequired: outcome.restartRequired });
  });

  /** BACKUP_SCHEDULE and BACKUP_KEEP take effect at once. */
  async function applyLiveSettings(changed: string[]): Promise<void> {
    if (!changed.some((key) => (LIVE_SETTINGS as ReadonlySet<string>).has(key))) return;
    const view = await readSettings(deps.settings);
    const valueOf = (key: string) => view.fields.find((f) => f.key === key);
    const schedule = valueOf('BACKUP_SCHEDULE');
    const keep = valueOf('BACKUP_KEEP');
    if (changed.includes('BACKUP_KEEP')) deps.backupPolicy.keep = Number(keep?.value ?? keep?.defaultValue ?? deps.backupPolicy.keep);
    if (changed.includes('BACKUP_SCHEDULE')) {
      deps.backupPolicy.schedule = schedule?.value ?? schedule?.defaultValue ?? null;
      await deps.jobs.reschedule(BACKUP_JOB, deps.backupPolicy.schedule);
    }
  }

  // ---- logs -------------------------------------------------------------------------------
  const logRoutes = registerLogRoutes(router, deps.logs);

  // ---- jobs and backups -------------------------------------------------------------------

  const startJob = async (res: Response, name: string, params?: unknown) => {
    try {
      const job: JobProgress = await deps.jobs.runNow(name, params);
      res.status(202).json({ job });
    } catch (err) {
      if (err instanceof JobBusyError) return sendError(res, 409, 'job_running', err.message);
      if (err instanceof UnknownJobError) return sendError(res, 404, 'not_found', err.message);
      throw err;
    }
  };

  router.get('/jobs', async (_req, res) => {
    res.json({ jobs: await deps.jobs.list() });
  });
  router.get('/jobs/:id', async (req, res) => {
    const job = await deps.jobs.get(String(req.params.id));
    if (!job) return sendError(res, 404, 'not_found', 'no such job run');
    res.json(job);
  });
  router.post('/jobs/:name/run', async (req, res) => {
    const name = String(req.params.name);
    if (name === RESTORE_JOB) return sendError(res, 400, 'invalid_request', 'a restore needs a backup: POST /api/admin/backups/{id}/restore');
    await startJob(res, name);
  });

  router.get('/backups', async (_req, res) => {
    const backups = (await listBackups(backupDir)).map(toBackupInfo);
    res.json({ backups, schedule: deps.backupPolicy.schedule, keep: deps.backupPolicy.keep });
  });
  router.post('/backups', async (_req, res) => {
    if (!storeOr503(res)) return;
    await startJob(res, BACKUP_JOB, { kind: 'manual' });
  });
  router.post('/backups/:id/restore', async (req, res) => {
    if (!storeOr503(res)) return;
    const id = String(req.params.id);
    if ((req.body as { confirm?: unknown } | undefined)?.confirm !== true) {
      return sendError(res, 400, 'confirmation_required', 'a restore replaces the current data; send {"confirm": true}', { confirm: 'required' });
    }
    try {
      await readManifest(backupDir, id);
    } catch (err) {
      if (err instanceof BackupError) return sendError(res, err.code === 'not_found' ? 404 : 422, err.code, err.message);
      throw err;
    }
    deps.logger.warn({ backupId: id }, 'restore requested from the console');
    await startJob(res, RESTORE_JOB, { backupId: id });
  });
  router.delete('/backups/:id', async (req, res) => {
    try {
      await deleteBackup(backupDir, String(req.params.id));
    } catch (err) {
      if (err instanceof BackupError) return sendError(res, err.code === 'not_found' ? 404 : 422, err.code, err.message);
      throw err;
    }
    res.status(204).end();
  });

  // ---- databases --------------------------------------------------------------------------

  router.get('/databases', async (_req, res) => {
    const store = storeOr503(res);
    if (!store) return;
    const names = (await store.listDatabases()).slice().sort();
    const databases: DatabaseInfo[] = [];
    for (const name of names) databases.push(await databaseSummary(store, name));
    res.json({ databases });
  });

  router.post('/databases', async (req, res) => {
    const store = storeOr503(res);
    if (!store) return;
    const body = (req.body ?? {}) as { name?: unknown; template?: unknown };
    if (typeof body.name !== 'string') return sendError(res, 400, 'invalid_request', 'the database name is required', { name: 'required' });
    const check = checkNewDbName(body.name);
    if (!check.ok) return sendError(res, 422, 'invalid_name', check.reason, { name: check.reason });
    const template = typeof body.template === 'string' && body.template !== '' ? body.template : 'en';
    try {
      await createDatabase(databaseDeps(store), { name: check.name, source: { template } });
    } catch (err) {
      if (err instanceof TemplateError) return sendError(res, 422, 'invalid_template', err.message, { template: err.message });
      if (err instanceof DatabaseExistsError || err instanceof DatabaseBusyError) {
        return sendError(res, 409, 'exists', `the database "${check.name}" already exists`, { name: 'already exists' });
      }
      throw err;
    }
    deps.logger.info({ db: check.name, template }, 'database created from the console');
    res.status(201).json(await databaseSummary(store, check.name));
  });

  const existingDb = async (res: Response, store: Store, db: string): Promise<boolean> => {
    if (!isRoutableDbName(db) || !(await store.databaseExists(db))) {
      sendError(res, 404, 'not_found', `no database named "${db}"`);
      return false;
    }
    return true;
  };

  router.get('/databases/:db/export', async (req, res) => {
    const store = storeOr503(res);
    if (!store) return;
    const db = String(req.params.db).toLowerCase();
    if (!(await existingDb(res, store, db))) return;
    const rows = await store.exportRows(db);
    if (req.query.format === 'csv') {
      res.setHeader('Content-Disposition', `attachment; filename="${db}-rows.csv"`);
      return res.type('text/csv; charset=utf-8').send(rowsToCsv(rows));
    }
    res.setHeader('Content-Disposition', `attachment; filename="${db}-rows.json"`);
    res.type('application/json').send(JSON.stringify({ rows }));
  });

  /** JSON {rows, replace?} or CSV (Content-Type text/csv, `?replace=true`) -> validated rows. */
  const importedRows = (req: Request): { rows: Row[]; replace: boolean } | { error: string; fields?: Record<string, string> } => {
    if (req.is('text/csv')) {
      if (typeof req.body !== 'string') return { error: 'expected CSV text with the header id,up,ord,t,val' };
      let rows: Row[];
      try {
        rows = csvToRows(req.body);
      } catch (err) {
        if (err instanceof CsvError) return { error: err.message };
        throw err;
      }
      const checked = rowsFileSchema.safeParse({ rows });
      if (!checked.success) return { error: 'a row is out of range', fields: zodFields(checked.error) };
      return { rows: checked.data.rows, replace: req.query.replace === 'true' || req.query.replace === '1' };
    }
    const parsed = importSchema.safeParse(req.body);
    if (!parsed.success) return { error: 'expected {"rows": [{id, up, ord, t, val}, ...], "replace"?: boolean}', fields: zodFields(parsed.error) };
    return { rows: parsed.data.rows, replace: parsed.data.replace === true };
  };

  router.post('/databases/:db/import', express.text({ type: 'text/csv', limit: deps.bodyLimit ?? '64mb' }), async (req, res) => {
    const store = storeOr503(res);
    if (!store) return;
    const db = String(req.params.db).toLowerCase();
    const input = importedRows(req);
    if ('error' in input) return sendError(res, 400, 'invalid_request', input.error, input.fields);
    const { rows, replace } = input;
    if (!isRoutableDbName(db)) return sendError(res, 404, 'not_found', `no database named "${db}"`);
    try {
      await importDatabaseRows(databaseDeps(store), db, rows, { replace });
    } catch (err) {
      if (err instanceof ImportNameError) return sendError(res, 422, 'invalid_name', err.message, { name: err.message });
      throw err;
    }
    deps.logger.info({ db, rows: rows.length, replace }, 'rows imported from the console');
    res.json({ ok: true, rows: rows.length });
  });

  // ---- status, restart, update ----------------------------------------------------------

  router.get('/status', async (_req, res) => {
    const snapshot = await deps.status();
    const body: ServerStatus = { ...snapshot, restartRequired: restartPending };
    res.json(body);
  });

  router.post('/restart', (_req, res) => {
    deps.logger.warn({}, 'restart requested from the console');
    res.status(202).json({ ok: true });
    res.on('finish', () => setImmediate(() => {
      // live log streams would hold the drain open until its deadline
      logRoutes.closeStreams();
      deps.requestRestart();
    }));
  });

  router.get('/update', async (_req, res) => {
    if (deps.update) return res.json(await deps.update());
    const body: UpdateStatus = {
      supported: false, state: 'unsupported', currentVersion: deps.version,
      reason: 'a headless server is updated by installing the new package (npm, Docker image or system package); the desktop app updates itself',
    };
    res.json(body);
  });

  router.use((_req, res) => sendError(res, 404, 'not_found', 'no such admin route'));

  // errors: a short message, never a stack
  router.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) return;
    if (typeof err === 'object' && err !== null && (err as { type?: unknown }).type === 'entity.parse.failed') {
      return sendError(res, 400, 'invalid_json', 'the request body is not valid JSON');
    }
    if (typeof err === 'object' && err !== null && (err as { type?: unknown }).type === 'entity.too.large') {
      return sendError(res, 413, 'too_large', 'the request body is too large');
    }
    if (isStoreError(err)) {
      const status = err.code === 'exists' ? 409 : err.code === 'not_found' ? 404 : err.code === 'unreachable' ? 503 : err.code === 'in_use' ? 503 : 422;
      return sendError(res, status, err.code, err.message);
    }
    deps.logger.error({ err: errorText(err), path: req.originalUrl }, 'admin API error');
    sendError(res, 500, 'internal', 'internal error; see the server log');
  });

  return Object.assign(router, { closeStreams: () => logRoutes.closeStreams() });
}
