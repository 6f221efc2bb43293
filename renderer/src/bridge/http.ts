// ConsoleBridge over HTTP against the server's /api/admin (see @contract for paths and shapes).
// Auth: the HttpOnly cookie the login sets; the returned token is also kept in memory and sent as
// a Bearer header, so the bridge works where the cookie is not sent (e.g. a desktop window whose
// origin differs from the server's). State-changing requests carry the CSRF header.
import {
  ADMIN_BASE, ADMIN_CSRF_HEADER, ADMIN_CSRF_VALUE,
  type BackupInfo, type DatabaseInfo, type HealthHistory, type HealthOverview, type HealthSessions, type JobInfo, type JobProgress, type LoginResponse, type LogLine, type MysqlTestRequest, type DbRole, type DbUser, type GrantUpdate, type NewDbUser, type RoleGrants, type WorkspaceSession,
  type MailTestResult, type MysqlTestResult, type ServerStatus, type SettingsView, type SetupRequest, type SetupResponse, type SetupStatus,
  type StoreMoveRequest, type UpdateStatus, type ValidationResult, type PullDefaults, type PullRequest,
} from '../contract.js';
import { filenameFrom } from '../lib/content-disposition.js';
import { ApiError, CLIENT_ERROR, errorFromBody } from './errors.js';
import type {
  BackupList, ConsoleBridge, DesktopActions, DownloadedFile, LogFilters, LogQuery, LogStreamHandlers, PublicHealth, Unsubscribe, NewDatabase, DbRoleAnswer, DbUserAnswer, RoleGrantsAnswer,
} from './types.js';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

const LOG_STREAM_RETRY_MS = 2000;

export class HttpBridge implements ConsoleBridge {
  readonly kind: 'http' | 'ipc' = 'http';
  readonly desktop: DesktopActions | null = null;
  private token: string | null = null;

  /** @param origin '' for the page's own origin, or e.g. 'http://127.0.0.1:8081' */
  constructor(private readonly origin = '') {}

  private url(path: string): string {
    return `${this.origin}${ADMIN_BASE}${path}`;
  }

  private headers(method: Method, contentType: string | null): Headers {
    const headers = new Headers({ Accept: 'application/json' });
    if (method !== 'GET') headers.set(ADMIN_CSRF_HEADER, ADMIN_CSRF_VALUE);
    if (contentType) headers.set('Content-Type', contentType);
    if (this.token) headers.set('Authorization', `Bearer ${this.token}`);
    return headers;
  }

  /** `body` is sent as JSON, or as is when it is a RawBody (e.g. CSV). */
  private async send(method: Method, path: string, body?: unknown): Promise<Response> {
    const raw = body instanceof RawBody ? body : null;
    let response: Response;
    try {
      response = await fetch(this.url(path), {
        method,
        headers: this.headers(method, raw ? raw.type : body === undefined ? null : 'application/json'),
        body: raw ? raw.text : body === undefined ? undefined : JSON.stringify(body),
        credentials: 'include',
      });
    } catch {
      throw new ApiError('Cannot reach the server', CLIENT_ERROR.network, 0);
    }
    if (!response.ok) throw errorFromBody(response.status, await readJson(response));
    return response;
  }

  private async call<T>(method: Method, path: string, body?: unknown): Promise<T> {
    const response = await this.send(method, path, body);
    if (response.status === 204) return undefined as T;
    const data = await readJson(response);
    if (data === undefined) throw new ApiError('The server sent an unreadable answer', CLIENT_ERROR.badResponse, response.status);
    return data as T;
  }

  private async download(path: string, fallbackName: string): Promise<DownloadedFile> {
    const response = await this.send('GET', path);
    return { filename: filenameFrom(response.headers.get('Content-Disposition')) ?? fallbackName, blob: await response.blob() };
  }

  getSetupStatus(): Promise<SetupStatus> {
    return this.call('GET', '/setup');
  }

  async completeSetup(request: SetupRequest): Promise<{ restartRequired: boolean }> {
    const answer = await this.call<SetupResponse>('POST', '/setup', request);
    this.token = answer.token;
    return { restartRequired: answer.restartRequired };
  }

  testMysql(request: MysqlTestRequest): Promise<MysqlTestResult> {
    return this.call('POST', '/test-mysql', request);
  }

  sendTestMail(to?: string): Promise<MailTestResult> {
    return this.call('POST', '/mail/test', to ? { to } : {});
  }

  async login(password: string): Promise<void> {
    const answer = await this.call<LoginResponse>('POST', '/login', { password });
    this.token = answer.token;
  }

  async changeAdminPassword(current: string, next: string): Promise<void> {
    const answer = await this.call<LoginResponse>('POST', '/password', { current, next });
    this.token = answer.token;
  }

  async logout(): Promise<void> {
    try {
      await this.call('POST', '/logout');
    } finally {
      this.token = null;
    }
  }

  async isSignedIn(): Promise<boolean> {
    try {
      await this.getStatus();
      return true;
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return false;
      throw error;
    }
  }

  getStatus(): Promise<ServerStatus> {
    return this.call('GET', '/status');
  }

  /** GET /api/health: 200 for ok/degraded, 503 with the same body for down. */
  async getPublicHealth(): Promise<PublicHealth> {
    let response: Response;
    try {
      response = await fetch(`${this.origin}/api/health`, { headers: { Accept: 'application/json' } });
    } catch {
      throw new ApiError('Cannot reach the server', CLIENT_ERROR.network, 0);
    }
    const body = await readJson(response);
    if (typeof body === 'object' && body !== null && 'status' in body) {
      const status = (body as { status: unknown }).status;
      if (status === 'ok' || status === 'degraded' || status === 'down') return body as PublicHealth;
    }
    throw errorFromBody(response.status, body);
  }

  /** GET /api/deployment-info: the server's operating system ('win32', 'linux', 'darwin' …). */
  async getServerPlatform(): Promise<string> {
    let response: Response;
    try {
      response = await fetch(`${this.origin}/api/deployment-info`, { headers: { Accept: 'application/json' } });
    } catch {
      throw new ApiError('Cannot reach the server', CLIENT_ERROR.network, 0);
    }
    const body = await readJson(response);
    if (!response.ok) throw errorFromBody(response.status, body);
    const platform = typeof body === 'object' && body !== null ? (body as { platform?: unknown }).platform : undefined;
    return typeof platform === 'string' ? platform : '';
  }

  async restartServer(): Promise<void> {
    await this.call('POST', '/restart');
  }

  getSettings(): Promise<SettingsView> {
    return this.call('GET', '/settings');
  }

  validateSettings(values: Record<string, string | null>): Promise<ValidationResult> {
    return this.call('POST', '/settings/validate', { values });
  }

  async saveSettings(values: Record<string, string | null>, options: { confirmStoreChange?: boolean } = {}): Promise<{ restartRequired: boolean }> {
    const body = options.confirmStoreChange ? { values, confirmStoreChange: true } : { values };
    const answer = await this.call<{ restartRequired?: boolean }>('PUT', '/settings', body);
    return { restartRequired: answer.restartRequired === true };
  }

  async moveStore(target: StoreMoveRequest): Promise<JobProgress> {
    return (await this.call<{ job: JobProgress }>('POST', '/store/move', target)).job;
  }

  getHealthHistory(minutes: number): Promise<HealthHistory> {
    return this.call('GET', `/health/history?minutes=${encodeURIComponent(String(minutes))}`);
  }

  getHealthSessions(): Promise<HealthSessions> {
    return this.call('GET', '/health/sessions');
  }

  getHealthOverview(): Promise<HealthOverview> {
    return this.call('GET', '/health/overview');
  }

  async getLogs(query: LogQuery): Promise<LogLine[]> {
    const params = logParams(query);
    if (query.limit) params.set('limit', String(query.limit));
    const search = params.toString();
    const answer = await this.call<{ lines: LogLine[] }>('GET', `/logs${search ? `?${search}` : ''}`);
    return answer.lines;
  }

  streamLogs(handlers: LogStreamHandlers, filters: LogFilters = {}): Unsubscribe {
    const search = logParams(filters).toString();
    // EventSource cannot send headers; it relies on the cookie (same origin). It reconnects by itself
    // after a network error; a closed stream (e.g. 401) is retried on a timer.
    let source: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const open = (): void => {
      source = new EventSource(this.url(`/logs/stream${search ? `?${search}` : ''}`), { withCredentials: this.origin !== '' });
      source.onopen = () => handlers.onConnection?.(true);
      source.onmessage = (event: MessageEvent<string>) => {
        const line = parseLogLine(event.data);
        if (line) handlers.onLine(line);
      };
      source.onerror = () => {
        handlers.onConnection?.(false);
        if (source?.readyState === EventSource.CLOSED && !stopped) {
          source = null;
          retry = setTimeout(open, LOG_STREAM_RETRY_MS);
        }
      };
    };
    open();
    return () => {
      stopped = true;
      clearTimeout(retry);
      source?.close();
    };
  }

  downloadLogs(): Promise<DownloadedFile> {
    return this.download('/logs/download', 'integram.log');
  }

  listBackups(): Promise<BackupList> {
    return this.call('GET', '/backups');
  }

  async runBackup(): Promise<JobProgress> {
    return (await this.call<{ job: JobProgress }>('POST', '/backups')).job;
  }

  async restoreBackup(id: string, options: { applySalt?: boolean } = {}): Promise<JobProgress> {
    const body = options.applySalt === undefined ? { confirm: true } : { confirm: true, applySalt: options.applySalt };
    return (await this.call<{ job: JobProgress }>('POST', `/backups/${encodeURIComponent(id)}/restore`, body)).job;
  }

  downloadBackup(id: string): Promise<DownloadedFile> {
    return this.download(`/backups/${encodeURIComponent(id)}/download`, `${id}.jsonl.gz`);
  }

  uploadBackup(file: Blob): Promise<BackupInfo> {
    return this.call('POST', '/backups/upload', new RawBody(file, 'application/gzip'));
  }

  async deleteBackup(id: string): Promise<void> {
    await this.call('DELETE', `/backups/${encodeURIComponent(id)}`);
  }

  getJob(id: string): Promise<JobProgress> {
    return this.call('GET', `/jobs/${encodeURIComponent(id)}`);
  }

  async listJobs(): Promise<JobInfo[]> {
    return (await this.call<{ jobs: JobInfo[] }>('GET', '/jobs')).jobs;
  }

  async runJob(name: string): Promise<JobProgress> {
    return (await this.call<{ job: JobProgress }>('POST', `/jobs/${encodeURIComponent(name)}/run`)).job;
  }

  getPullDefaults(): Promise<PullDefaults> {
    return this.call('GET', '/databases/pull');
  }

  async pullDatabase(request: PullRequest): Promise<JobProgress> {
    return (await this.call<{ job: JobProgress }>('POST', '/databases/pull', request)).job;
  }

  async listDatabases(): Promise<DatabaseInfo[]> {
    return (await this.call<{ databases: DatabaseInfo[] }>('GET', '/databases')).databases;
  }

  createDatabase(request: NewDatabase): Promise<DatabaseInfo> {
    return this.call('POST', '/databases', request);
  }

  exportDatabase(name: string, format: 'json' | 'csv'): Promise<DownloadedFile> {
    const path = `/databases/${encodeURIComponent(name)}/export${format === 'csv' ? '?format=csv' : ''}`;
    return this.download(path, `${name}-rows.${format}`);
  }

  async importDatabase(name: string, rows: unknown[], replace: boolean): Promise<{ rows: number }> {
    const answer = await this.call<{ rows: number }>('POST', `/databases/${encodeURIComponent(name)}/import`, { rows, replace });
    return { rows: answer.rows };
  }

  async importDatabaseCsv(name: string, csv: string, replace: boolean): Promise<{ rows: number }> {
    const path = `/databases/${encodeURIComponent(name)}/import${replace ? '?replace=true' : ''}`;
    const answer = await this.call<{ rows: number }>('POST', path, new RawBody(csv, 'text/csv; charset=utf-8'));
    return { rows: answer.rows };
  }

  private dbPath(db: string, rest: string): string {
    return `/databases/${encodeURIComponent(db)}${rest}`;
  }

  async listDbUsers(db: string): Promise<DbUser[]> {
    return (await this.call<{ users: DbUser[] }>('GET', this.dbPath(db, '/users'))).users;
  }

  async listDbRoles(db: string): Promise<DbRole[]> {
    return (await this.call<{ roles: DbRole[] }>('GET', this.dbPath(db, '/roles'))).roles;
  }

  createDbUser(db: string, user: NewDbUser): Promise<DbUserAnswer> {
    return this.call('POST', this.dbPath(db, '/users'), user);
  }

  resetDbUserPassword(db: string, userId: number, password: string): Promise<DbUserAnswer> {
    return this.call('PUT', this.dbPath(db, `/users/${userId}/password`), { password });
  }

  setDbUserRole(db: string, userId: number, roleId: number): Promise<DbUserAnswer> {
    return this.call('PUT', this.dbPath(db, `/users/${userId}/role`), { roleId });
  }

  disableDbUser(db: string, userId: number): Promise<DbUserAnswer> {
    return this.call('POST', this.dbPath(db, `/users/${userId}/disable`));
  }

  createDbRole(db: string, name: string): Promise<DbRoleAnswer> {
    return this.call('POST', this.dbPath(db, '/roles'), { name });
  }

  getRoleGrants(db: string, roleId: number): Promise<RoleGrants> {
    return this.call('GET', this.dbPath(db, `/roles/${roleId}/grants`));
  }

  setRoleGrant(db: string, roleId: number, objectId: number, update: GrantUpdate): Promise<RoleGrantsAnswer> {
    return this.call('PUT', this.dbPath(db, `/roles/${roleId}/grants/${objectId}`), update);
  }

  async openWorkspace(db: string): Promise<WorkspaceSession> {
    const answer = await this.call<WorkspaceSession>('POST', this.dbPath(db, '/workspace-session'));
    return { ...answer, url: this.serverUrl(answer.url) };
  }

  serverUrl(path: string): string {
    return `${this.origin}${path}`;
  }

  getUpdateStatus(): Promise<UpdateStatus> {
    return this.call('GET', '/update');
  }

  // A headless server updates through its deployment (package manager, image); the browser console
  // only reports what GET /update says.
  checkForUpdates(): Promise<UpdateStatus> {
    return this.getUpdateStatus();
  }

  downloadUpdate(): Promise<void> {
    return Promise.reject(new ApiError('Updates are managed by your deployment', 'unsupported', 0));
  }

  installUpdate(): Promise<void> {
    return Promise.reject(new ApiError('Updates are managed by your deployment', 'unsupported', 0));
  }

  onUpdateProgress(_listener: (status: UpdateStatus) => void): Unsubscribe {
    return () => undefined;
  }
}

/** The log filters as query parameters; empty ones are left out. */
function logParams(filters: LogFilters): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of ['level', 'q', 'status', 'method', 'path', 'user', 'ip'] as const) {
    const value = filters[key]?.trim();
    if (value) params.set(key, value);
  }
  return params;
}

/** A request body sent as text with its own content type (not JSON-encoded). */
class RawBody {
  constructor(readonly text: string | Blob, readonly type: string) {}
}

async function readJson(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    return undefined;
  }
}

function parseLogLine(data: string): LogLine | null {
  try {
    const value: unknown = JSON.parse(data);
    if (typeof value === 'object' && value !== null && 'msg' in value && 'level' in value) return value as LogLine;
  } catch {
    // a keep-alive comment or a partial line: ignore it
  }
  return null;
}
