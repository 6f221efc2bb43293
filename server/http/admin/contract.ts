/**
 * The console's admin API contract (`/api/admin/*`): paths and JSON shapes shared by the server
 * (server/http/admin) and the console (renderer/, both ConsoleBridge implementations).
 * Types only: no runtime imports, so the console bundle can use it as is.
 *
 * Authentication: `POST /api/admin/login` sets an HttpOnly, SameSite=Strict cookie `integram_admin`
 * and also returns the token for the Bearer header. Every other route (except `GET /api/admin/setup`
 * and, while no admin exists and only from loopback, `POST /api/admin/setup` and
 * `POST /api/admin/test-mysql` for the wizard's "test connection") needs it.
 * State-changing requests must also carry the header `X-Requested-With: integram-console` (CSRF).
 * The whole admin API answers only clients in ADMIN_ALLOWED_IPS (default loopback), else 403.
 * Errors: `{ "error": { "code": string, "message": string, "params"?: {...}, "fields"?: Record<string, string>,
 * "fieldCodes"?: Record<string, { code, params? }> } }`: the console shows the code's text in its language with the
 * params (docs/messages.md); `message` is the English text for scripts and the log.
 */

import type { FieldCode } from '../../config/field-codes.js';
import type { HistoryPoint } from '../health/history.js';
import type { ActiveSession } from '../health/sessions.js';

export const ADMIN_BASE = '/api/admin';
export const ADMIN_COOKIE = 'integram_admin';
export const ADMIN_CSRF_HEADER = 'X-Requested-With';
export const ADMIN_CSRF_VALUE = 'integram-console';

/**
 * Every code an answer of the admin and the modern API (and the server's own plain answers) may carry,
 * one meaning each (docs/messages.md). The server's HttpError takes only these, and the console's
 * table of texts (renderer/src/i18n/messages.ts codeMessages) must have each in every language, so a
 * new code is a compile error until both sides know it.
 */
export type MessageCode =
  // any family
  | 'not_found' | 'internal' | 'bad_request' | 'invalid_json' | 'payload_too_large' | 'too_large' | 'too_many_parameters'
  | 'unsupported_encoding' | 'unsupported_charset' | 'request_aborted' | 'request_size_invalid' | 'method_not_allowed'
  | 'database_unavailable' | 'busy' | 'paused' | 'console_not_built' | 'unauthorized' | 'forbidden'
  // the admin API
  | 'forbidden_address' | 'csrf' | 'store_unavailable' | 'store_starting' | 'invalid_request' | 'loopback_only' | 'already_set_up'
  | 'invalid_settings' | 'mysql_unreachable' | 'store_unusable' | 'setup_required' | 'bad_password' | 'password_required'
  | 'too_many_attempts' | 'store_change' | 'store_unreachable' | 'set_in_environment' | 'unreachable' | 'same_store' | 'unsupported'
  | 'invalid_level' | 'invalid_limit' | 'no_log_file' | 'log_file_missing' | 'job_running' | 'unknown_job' | 'job_not_found'
  | 'restore_needs_backup' | 'confirmation_required' | 'salt_differs' | 'salt_in_environment' | 'backup_too_large'
  | 'upload_incomplete' | 'empty_file' | 'invalid' | 'corrupt' | 'database_not_found' | 'exists' | 'invalid_name'
  | 'invalid_login' | 'weak_password' | 'invalid_template' | 'in_use' | 'invalid_rows' | 'report_value' | 'job_needs_parameters'
  // the database users and roles pages
  | 'no_database' | 'no_user_table' | 'no_admin_user' | 'role_taken' | 'no_such_user' | 'no_such_role' | 'no_such_object'
  | 'console_admin' | 'console_admin_role' | 'engine_refused' | 'engine_unavailable'
  // the modern API (/api/auth, /api/organizations, /api/v2)
  | 'invalid_credentials' | 'ambiguous_login' | 'validation_failed' | 'registration_disabled' | 'mock_mode' | 'registration_closed'
  | 'login_reserved' | 'login_taken' | 'registration_failed' | 'token_invalid' | 'token_expired' | 'wrong_token_type'
  | 'session_revoked' | 'refresh_token_reused' | 'session_ended' | 'mock_token' | 'organization_not_found' | 'name_taken'
  | 'template_unusable' | 'backup_running' | 'database_busy' | 'not_acceptable' | 'unsupported_media_type' | 'invalid_document'
  | 'type_mismatch' | 'invalid_parameter' | 'object_not_found' | 'unknown_attribute' | 'invalid_value' | 'type_required'
  | 'invalid_type' | 'duplicate' | 'refused' | 'invalid_filter' | 'unsupported_sort' | 'invalid_sort' | 'id_mismatch'
  | 'type_not_found' | 'conflict'
  // mail (the console's test mail, password reset, registration confirmation)
  | 'mail_not_configured' | 'mail_dns' | 'mail_refused' | 'mail_tls' | 'mail_auth' | 'mail_timeout' | 'mail_rejected' | 'mail_failed'
  | 'link_invalid' | 'email_not_confirmed'
  // the AI chat (/api/chat)
  | 'ai_not_configured' | 'ai_unavailable' | 'ai_interrupted';

/** Codes of a field's problem (`fieldCodes`), translated like the answer's code (server/config/field-codes.ts). */
export type { FieldCode, FieldMessageCode } from '../../config/field-codes.js';

/** Values a message code's text names, e.g. {"name": "crm"} for "no database named {name}". */
export type MessageParams = Record<string, string | number>;

export interface AdminError {
  error: { code: MessageCode; message: string; params?: MessageParams; fields?: Record<string, string>; fieldCodes?: Record<string, FieldCode> };
}

// GET /api/admin/setup → SetupStatus (no auth)
export interface SetupStatus {
  adminExists: boolean;
  /** true until the wizard (or the CLI) has set an admin password */
  firstRun: boolean;
  /** dataDir and lanAddresses only for the wizard on the server machine, or an admin; else null and [] */
  dataDir: string | null;
  lanAddresses: string[]; // e.g. ["http://192.168.1.10:8081"]
}

// POST /api/admin/setup (no auth; only while no admin exists; only from loopback) → SetupResponse
// (403 loopback_only from elsewhere, 409 already_set_up once an admin exists, 422 with fields)
export interface SetupRequest {
  adminPassword: string;
  /** embedded PGlite or an external MySQL */
  database: { kind: 'embedded' } | { kind: 'mysql'; host: string; port: number; user: string; password: string; database: string };
  access: 'local' | 'lan';
  dataDir?: string;
}

/** Also signs the wizard in: sets the session cookie like a login and returns the token. */
export interface SetupResponse { ok: true; restartRequired: boolean; token: string; expiresAt: string }

// POST /api/admin/login { password } → LoginResponse (401 bad_password, 409 setup_required,
// 429 too_many_attempts with Retry-After after 5 failures from one address in 15 minutes); POST /api/admin/logout → { ok: true }
export interface LoginRequest { password: string }
export interface LoginResponse { token: string; expiresAt: string }

// GET /api/admin/settings → SettingsView ; POST /api/admin/settings/validate {values} → ValidationResult
// PUT /api/admin/settings {values} → { ok: true, restartRequired: boolean } (atomic .env write; 422 with fields on error)
export type { SettingField, SettingsView, ValidationResult } from '../../appliance/settings.js';
export interface SettingsUpdate { values: Record<string, string | null> }

// POST /api/admin/mail/test {to?} → MailTestResult (a failure: 502/503 with a mail_* code, docs/messages.md "Mail")
export interface MailTestRequest {
  /** where the test mail goes; default ADMIN_EMAIL */
  to?: string;
}
export interface MailTestResult {
  ok: true;
  to: string;
  from: string;
  messageId: string;
}

// POST /api/admin/test-mysql {host,port,user,password,database} → MysqlTestResult
export type { MysqlTestRequest, MysqlTestResult } from '../../storage/mysql/connection-test.js';

// GET /api/admin/logs?level=&q=&status=&method=&path=&user=&ip=&limit= → { lines: LogLine[] }
//   (status: 404 or a class such as 5xx; path and ip: a part; user: exact, case-insensitive; 400 invalid_request for a bad filter)
// GET /api/admin/logs/stream (same filters; text/event-stream; each event `data: <LogLine JSON>`)
// GET /api/admin/logs/download → the log file as text/plain attachment
export type { LogLine } from '../../log/ring.js';

// GET /api/admin/backups → { backups: BackupInfo[], schedule: string | null, keep: number }
// POST /api/admin/backups → 202 { job: JobProgress } (progress via GET /api/admin/jobs/{id})
// POST /api/admin/backups/{id}/restore { confirm: true, applySalt?: boolean } → 202 { job } (takes a backup of the current state
//   first; 409 salt_differs when the backup's AUTH_SALT is another and applySalt is not given, salt_in_environment when it cannot be written)
// DELETE /api/admin/backups/{id} → 204
// GET /api/admin/backups/{id}/download → the archive (application/gzip attachment <id>.jsonl.gz)
// POST /api/admin/backups/upload (the archive as the raw body) → 201 BackupInfo (422 invalid/corrupt, 413 over 4 GiB)
export interface BackupInfo {
  id: string; createdAt: string; sizeBytes: number; driver: 'mysql' | 'pglite'; databases: string[]; kind: 'manual' | 'scheduled' | 'pre-restore';
  /** made with this server's AUTH_SALT (false: restoring it needs "applySalt"; null: an older backup that does not say) */
  saltMatches: boolean | null;
}

// POST /api/admin/store/move StoreMoveRequest → 202 { job } (progress via GET /api/admin/jobs/{id}; the result says
//   restartRequired; 422 invalid_request / unreachable, 409 same_store / set_in_environment / job_running)
// PUT /api/admin/settings with a change of DATABASE_URL or DB_*: 422 when the new MySQL does not answer, 409 store_change
//   while this server holds databases, unless { confirmStoreChange: true } (switch without moving them)
export type StoreMoveRequest =
  | { driver: 'embedded' }
  | { driver: 'mysql'; host: string; port: number; user: string; password: string; database: string };

// GET /api/admin/jobs → { jobs: JobInfo[] } ; GET /api/admin/jobs/{id} → JobProgress ; POST /api/admin/jobs/{name}/run → 202 { job }
//   (400 invalid_request for a job that needs parameters: runnable false)
export type { JobInfo, JobProgress } from '../../jobs/registry.js';
export type { JobStep, JobStepCode } from '../../jobs/steps.js';
/** the steps' English texts: the console's English table is this one (its Russian one is its own) */
export { JOB_STEP_TEXT } from '../../jobs/steps.js';
import type { JobStep } from '../../jobs/steps.js';

// GET /api/admin/databases → { databases: DatabaseInfo[] }
// POST /api/admin/databases { name, template?, adminLogin, adminPassword } → 201 DatabaseInfo (422 invalid_login / weak_password)
// GET /api/admin/databases/{db}/export → rows JSON ({"rows":[...]}) attachment
//   (?format=csv → text/csv attachment, header id,up,ord,t,val, UTF-8, RFC 4180)
// POST /api/admin/databases/{db}/import { rows: [...], replace?: boolean } → { ok: true, rows: number }
//   (or a text/csv body in the export's CSV format, with ?replace=true)
export interface DatabaseInfo { name: string; rows: number; tables: number }

// GET /api/admin/databases/pull → PullDefaults (what the settings give the form; secrets only as "set")
export interface PullDefaults { url: string | null; login: string | null; passwordSet: boolean; tokenSet: boolean }
// POST /api/admin/databases/pull PullRequest → 202 { job } (the job `pull`; its result is a PullSummary).
// Without url/token/login the settings INTEGRAM_API_BASE_URL, INTEGRAM_AUTH_TOKEN, INTEGRAM_REGISTRATION_* apply.
// 422 invalid_request / invalid_name, 409 exists (the name is taken here and replace is not set).
// A failed job's message starts with its code: pull_bad_source, pull_exists, pull_unreachable,
// pull_login_failed, pull_no_database, pull_no_export_right, pull_bad_dump, pull_failed.
export interface PullRequest {
  url?: string;
  db: string;
  token?: string;
  login?: string;
  password?: string;
  /** the name here (default: the source's) */
  as?: string;
  replace?: boolean;
}
/** the job's result: what was copied and the verification */
export type { PullResult as PullSummary } from '../../appliance/pull-types.js';

// GET /api/admin/status → ServerStatus (what the health page shows, one call)
export interface ServerStatus {
  status: 'ok' | 'degraded' | 'down';
  version: string;
  uptimeSeconds: number;
  database: { driver: 'mysql' | 'pglite'; connected: boolean; target: string; latencyMs: number | null; reason?: string };
  disk: { dataDir: string; total: number; free: number };
  memory: { rss: number; heapUsed: number; total: number; free: number };
  requests: { total: number; perMinute: number; errorsPerMinute: number };
  restartRequired: boolean;
}

// POST /api/admin/restart → 202 { ok: true } (headless: the process exits with code 75 after draining,
// so a supervisor / systemd / PM2 restarts it; the desktop supervisor restarts it too)

// GET /api/admin/update → UpdateStatus (desktop fills it over IPC; headless answers { supported: false, reason })
export interface UpdateStatus { supported: boolean; reason?: string; currentVersion: string; available?: string; percent?: number; state: 'idle' | 'checking' | 'available' | 'downloading' | 'downloaded' | 'error' | 'unsupported' }

// GET /api/admin/health/history?minutes=1..1440 (default 60) → HealthHistory: one point per minute, oldest first, the last
//   one the minute in progress; null figures for minutes the server was not running (400 invalid_request for bad minutes)
export type { HistoryPoint };
export interface HealthHistory { minutes: number; points: HistoryPoint[] }

// GET /api/admin/health/sessions → HealthSessions: legacy and JWT users seen in the last 15 minutes, most recent first
export type { ActiveSession };
export interface HealthSessions { windowMinutes: number; sessions: ActiveSession[] }

// GET /api/admin/health/overview → HealthOverview: LAN addresses, last and next backup, database sizes
export interface HealthOverview {
  /** enabled: the server listens on the network (HOST is not loopback); addresses: what other machines open */
  lan: { enabled: boolean; addresses: string[] };
  backups: {
    schedule: string | null;
    keep: number;
    /** the newest backup archive in the data folder */
    latest: BackupInfo | null;
    /** the backup job's last run and when the schedule runs it next */
    lastRun: { at: string; result: 'ok' | 'error'; message: string | null; step: JobStep | null } | null;
    nextRunAt: string | null;
  };
  /** every tenant database: rows, tables and bytes on disk (null when the store cannot say) */
  databases: Array<{ name: string; rows: number; tables: number; sizeBytes: number | null }>;
}
// Users and roles of a database (docs/console.md, "Users and roles"); every change goes through the engine
// as the database's admin user (the first user with the role "admin"), so the engine's rules apply.
// GET  /api/admin/databases/{db}/users → { users: DbUser[] }
// POST /api/admin/databases/{db}/users { login, password, roleId } → 201 { user, code: 'user_created', params }
// PUT  /api/admin/databases/{db}/users/{id}/password { password } → { user, code: 'password_reset', params }
// PUT  /api/admin/databases/{db}/users/{id}/role { roleId } → { user, code: 'role_set', params } (also enables a disabled user)
// POST /api/admin/databases/{db}/users/{id}/disable → { user, code: 'user_disabled', params } (role and token removed)
// GET  /api/admin/databases/{db}/roles → { roles: DbRole[] } ; POST { name } → 201 { role, code: 'role_created', params }
// GET  /api/admin/databases/{db}/roles/{id}/grants → RoleGrants
// PUT  /api/admin/databases/{db}/roles/{id}/grants/{object} GrantUpdate → RoleGrants & { code: 'grant_set', params }
// POST /api/admin/databases/{db}/workspace-session → WorkspaceSession (sets the engine's cookie idb_{db}, path /)
// Errors (the envelope's code, its parameters in `fields`): no_database 404, no_user_table 422, no_admin_user 409,
// login_taken 409, role_taken 409, no_such_user / no_such_role / no_such_object 404, console_admin 409,
// engine_refused 422 or 403 (fields: action, message = the engine's text), weak_password 422, invalid_request 400.
import type { GrantLevel } from '../../appliance/db-users.js';
export type { DbRole, DbUser, DbUsersErrorCode, GrantLevel, GrantObject, RoleGrant, RoleGrants } from '../../appliance/db-users.js';
export type DbUsersSuccessCode = 'user_created' | 'password_reset' | 'role_set' | 'user_disabled' | 'role_created' | 'grant_set' | 'workspace_ready';
export interface DbUsersAnswer { code: DbUsersSuccessCode; params: Record<string, string> }
export interface NewDbUser { login: string; password: string; roleId: number }
export interface GrantUpdate { level: GrantLevel | null; export?: boolean; delete?: boolean }
export interface WorkspaceSession extends DbUsersAnswer { url: string; login: string }
