// The one interface every console page talks to. Two implementations: HttpBridge (a browser against
// a headless server's /api/admin) and IpcBridge (inside Electron: desktop actions over the preload
// API, admin data still over HTTP because the admin API lives in the server).
import type {
  BackupInfo, DatabaseInfo, MailTestResult, PullDefaults, PullRequest, HealthHistory, HealthOverview, HealthSessions, JobInfo, JobProgress, LogLine, MysqlTestRequest, MysqlTestResult, ServerStatus, SettingsView, SetupRequest, SetupStatus, StoreMoveRequest, UpdateStatus, ValidationResult, DbRole, DbUser, DbUsersAnswer, GrantUpdate, NewDbUser, RoleGrants, WorkspaceSession,
} from '../contract.js';
import type { DesktopInfo, ServerStateSnapshot } from './desktop-api.js';

export type LogLevel = LogLine['level'];

/** The server-side log filters (GET /logs, /logs/stream): every one optional. */
export interface LogFilters {
  level?: LogLevel;
  q?: string;
  /** one status (404) or a class (5xx) */
  status?: string;
  method?: string;
  /** part of the URL */
  path?: string;
  user?: string;
  /** part of the client address */
  ip?: string;
}

export interface LogQuery extends LogFilters { limit?: number }

export interface BackupList { backups: BackupInfo[]; schedule: string | null; keep: number }

/** A file the console offers to save (log download, database export). */
export interface DownloadedFile { filename: string; blob: Blob }

/** Stops a subscription (log stream, update progress). */
export type Unsubscribe = () => void;

export interface LogStreamHandlers {
  onLine: (line: LogLine) => void;
  /** connected (true) or lost and retrying (false) */
  onConnection?: (connected: boolean) => void;
}

/**
 * The public `GET /api/health` answer (docs/modern-api.md, "Health"), as far as the console reads it.
 * The health page falls back to it when the admin API cannot answer (e.g. sessions live in a MySQL
 * database that is down), so an outage still shows as "degraded" rather than as an error.
 */
export interface NewDatabase {
  name: string;
  template?: string;
  adminLogin: string;
  adminPassword: string;
}

/** A change to a database's users or roles: the outcome's code and parameters, and what changed. */
export type DbUserAnswer = DbUsersAnswer & { user: DbUser };
export type DbRoleAnswer = DbUsersAnswer & { role: DbRole };
export type RoleGrantsAnswer = DbUsersAnswer & RoleGrants;

export interface PublicHealth {
  status: 'ok' | 'degraded' | 'down';
  version?: string;
  uptimeSeconds?: number;
  database?: { driver: string; connected: boolean; target?: string; latencyMs?: number | null; reason?: string };
  requests?: { total: number; perMinute: number; errorsPerMinute: number };
}

/** What only the desktop app can do; absent in a browser. */
export interface DesktopActions {
  openDataFolder(): Promise<void>;
  openLogsFolder(): Promise<void>;
  quit(): Promise<void>;
  /** the shell's facts: LAN addresses it computed, data and log folders */
  info(): Promise<DesktopInfo>;
  /** the supervised server process: restarts after crashes, the last exit, its last stderr lines */
  serverState(): Promise<ServerStateSnapshot>;
  setStartAtLogin(enabled: boolean): Promise<DesktopInfo>;
  /** the tray and the shell's dialogs follow the console's language */
  setLocale(locale: 'en' | 'ru'): Promise<void>;
}

export interface ConsoleBridge {
  /** changes the console admin password; every other session ends, this one goes on */
  changeAdminPassword(current: string, next: string): Promise<void>;
  readonly kind: 'http' | 'ipc';
  /** desktop-only actions, or null in a browser */
  readonly desktop: DesktopActions | null;

  getSetupStatus(): Promise<SetupStatus>;
  /** sets the server up and signs the console in; restartRequired: the choices apply after a restart */
  completeSetup(request: SetupRequest): Promise<{ restartRequired: boolean }>;
  testMysql(request: MysqlTestRequest): Promise<MysqlTestResult>;
  /** sends a test mail with the running server's SMTP settings (to: default ADMIN_EMAIL); a failure throws ApiError with a mail_* code */
  sendTestMail(to?: string): Promise<MailTestResult>;

  login(password: string): Promise<void>;
  logout(): Promise<void>;
  /** true when the current session may call the admin API */
  isSignedIn(): Promise<boolean>;

  getStatus(): Promise<ServerStatus>;
  getPublicHealth(): Promise<PublicHealth>;
  /** the server's operating system ('win32', 'linux', 'darwin' …), for hints such as the firewall's */
  getServerPlatform(): Promise<string>;
  restartServer(): Promise<void>;

  getSettings(): Promise<SettingsView>;
  validateSettings(values: Record<string, string | null>): Promise<ValidationResult>;
  /**
   * throws ApiError with `fields` on a validation failure, and with code `store_change` when the
   * database settings change while this server holds databases (send confirmStoreChange to switch anyway)
   */
  saveSettings(values: Record<string, string | null>, options?: { confirmStoreChange?: boolean }): Promise<{ restartRequired: boolean }>;
  /** copies every database and the server's records to another store (a job); a restart then opens it */
  moveStore(target: StoreMoveRequest): Promise<JobProgress>;

  /** the last 24 h minute by minute (up to 1440 minutes; the last point is the minute in progress) */
  getHealthHistory(minutes: number): Promise<HealthHistory>;
  /** legacy and JWT users seen in the last 15 minutes */
  getHealthSessions(): Promise<HealthSessions>;
  /** LAN addresses, last and next backup, database sizes */
  getHealthOverview(): Promise<HealthOverview>;

  getLogs(query: LogQuery): Promise<LogLine[]>;
  /** new lines as they are written, those passing the filters only */
  streamLogs(handlers: LogStreamHandlers, filters?: LogFilters): Unsubscribe;
  downloadLogs(): Promise<DownloadedFile>;

  listBackups(): Promise<BackupList>;
  runBackup(): Promise<JobProgress>;
  /** applySalt: adopt the backup's AUTH_SALT (asked when it differs from this server's) */
  restoreBackup(id: string, options?: { applySalt?: boolean }): Promise<JobProgress>;
  deleteBackup(id: string): Promise<void>;
  /** the backup's archive, to keep elsewhere or carry to a new machine */
  downloadBackup(id: string): Promise<DownloadedFile>;
  /** an archive downloaded from this or another server; listed like the others afterwards */
  uploadBackup(file: Blob): Promise<BackupInfo>;
  getJob(id: string): Promise<JobProgress>;
  listJobs(): Promise<JobInfo[]>;
  /** starts a job now (only a runnable one); its progress via getJob */
  runJob(name: string): Promise<JobProgress>;

  listDatabases(): Promise<DatabaseInfo[]>;
  /** a new database from a template, with its first Integram user (admin role) */
  createDatabase(request: NewDatabase): Promise<DatabaseInfo>;
  exportDatabase(name: string, format: 'json' | 'csv'): Promise<DownloadedFile>;
  importDatabase(name: string, rows: unknown[], replace: boolean): Promise<{ rows: number }>;
  /** the export's CSV format (header id,up,ord,t,val) */
  importDatabaseCsv(name: string, csv: string, replace: boolean): Promise<{ rows: number }>;
  /** what the settings give the "bring over" form (INTEGRAM_API_BASE_URL, …; secrets only as set or not) */
  getPullDefaults(): Promise<PullDefaults>;
  /** brings a database over from a running Integram server: the job `pull`, its progress via getJob */
  pullDatabase(request: PullRequest): Promise<JobProgress>;

  /** users and roles of a database; every change goes through the engine as the database's admin */
  listDbUsers(db: string): Promise<DbUser[]>;
  listDbRoles(db: string): Promise<DbRole[]>;
  createDbUser(db: string, user: NewDbUser): Promise<DbUserAnswer>;
  resetDbUserPassword(db: string, userId: number, password: string): Promise<DbUserAnswer>;
  /** also enables a disabled user */
  setDbUserRole(db: string, userId: number, roleId: number): Promise<DbUserAnswer>;
  disableDbUser(db: string, userId: number): Promise<DbUserAnswer>;
  createDbRole(db: string, name: string): Promise<DbRoleAnswer>;
  getRoleGrants(db: string, roleId: number): Promise<RoleGrants>;
  setRoleGrant(db: string, roleId: number, objectId: number, update: GrantUpdate): Promise<RoleGrantsAnswer>;
  /** a session of the database's admin in the engine's cookie; `url` is the workspace's absolute address */
  openWorkspace(db: string): Promise<WorkspaceSession>;
  /** an address on the server (the workspace, /api/docs), absolute where the console's origin is another */
  serverUrl(path: string): string;

  getUpdateStatus(): Promise<UpdateStatus>;
  checkForUpdates(): Promise<UpdateStatus>;
  downloadUpdate(): Promise<void>;
  installUpdate(): Promise<void>;
  onUpdateProgress(listener: (status: UpdateStatus) => void): Unsubscribe;
}
