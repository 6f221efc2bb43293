/**
 * "Test connection" for the MySQL settings: connect with a 5 s timeout, ask the version,
 * measure the round trip. Errors come back as one short human sentence, never a stack.
 */
// mysql2 is loaded on the first test: a server on the embedded store starts without it
import type { Connection } from 'mysql2/promise';
import { describeEndpoint, endpointFields } from './endpoint.js';

export interface MysqlTestRequest {
  host: string; port: number; user: string; password: string; database: string;
  /** a unix socket path: when given, host and port are not used */
  socketPath?: string;
}
export interface MysqlTestResult { ok: boolean; latencyMs?: number; serverVersion?: string; error?: string }

export const MYSQL_TEST_TIMEOUT_MS = 5000;

export async function testMysqlConnection(req: MysqlTestRequest): Promise<MysqlTestResult> {
  const started = performance.now();
  let connection: Connection | null = null;
  const timeout = new Promise<never>((_, reject) => {
    const timer = setTimeout(() => reject(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })), MYSQL_TEST_TIMEOUT_MS + 500);
    timer.unref();
  });
  try {
    const { default: mysql } = await import('mysql2/promise');
    const connecting = mysql.createConnection({
      ...endpointFields(req), user: req.user, password: req.password,
      database: req.database || undefined, connectTimeout: MYSQL_TEST_TIMEOUT_MS,
    });
    connecting.then((c) => { connection = c; }, () => undefined);
    const conn = await Promise.race([connecting, timeout]);
    const [rows] = await Promise.race([conn.query('SELECT VERSION() AS version'), timeout]);
    const latencyMs = Math.round((performance.now() - started) * 10) / 10;
    const version = Array.isArray(rows) && rows.length > 0 ? String((rows[0] as { version?: unknown }).version ?? '') : '';
    return { ok: true, latencyMs, serverVersion: version };
  } catch (err) {
    return { ok: false, error: describeMysqlError(err, req) };
  } finally {
    const conn = connection as Connection | null;
    if (conn) await conn.end().catch(() => conn.destroy());
  }
}

export function describeMysqlError(err: unknown, req: Pick<MysqlTestRequest, 'host' | 'port' | 'socketPath' | 'user' | 'database'>): string {
  const code = typeof err === 'object' && err !== null ? String((err as { code?: unknown }).code ?? '') : '';
  const where = describeEndpoint(req);
  if (req.socketPath) {
    if (code === 'ENOENT') return `There is no socket ${req.socketPath} (is MySQL/MariaDB running, and is that its socket?)`;
    if (code === 'ECONNREFUSED') return `Nothing accepts connections at ${where} (connection refused). Is MySQL/MariaDB running?`;
    if (code === 'EACCES') return `This server's user may not open ${where} (permission denied)`;
  }
  switch (code) {
    case 'ECONNREFUSED': return `Nothing accepts connections at ${where} (connection refused). Is MySQL/MariaDB running on that port?`;
    case 'ETIMEDOUT': return `No answer from ${where} within ${MYSQL_TEST_TIMEOUT_MS / 1000} s (firewall, wrong host or port?)`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN': return `The host name "${req.host}" could not be resolved`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH': return `The host ${req.host} cannot be reached from this machine`;
    case 'ECONNRESET':
    case 'PROTOCOL_CONNECTION_LOST': return `The connection to ${where} was closed by the other side (is it a MySQL server?)`;
    case 'ER_ACCESS_DENIED_ERROR':
    case 'ER_ACCESS_DENIED_NO_PASSWORD_ERROR': return `Access denied for user "${req.user}": wrong user name or password, or the user may not connect from this host`;
    case 'ER_BAD_DB_ERROR': return `The database "${req.database}" does not exist on ${where} (create it, or check the name)`;
    case 'ER_DBACCESS_DENIED_ERROR': return `User "${req.user}" may not use the database "${req.database}"`;
    case 'ER_HOST_NOT_PRIVILEGED': return `The server at ${where} does not allow connections from this host`;
    case 'ER_NOT_SUPPORTED_AUTH_MODE': return 'The server asks for an authentication method this client does not support';
    default: {
      const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
      return `Cannot connect to ${where}: ${message.slice(0, 200)}`;
    }
  }
}
