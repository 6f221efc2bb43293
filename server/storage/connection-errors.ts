/**
 * Turning database errors into (a) a short reason anyone may read (no host names, paths or
 * SQL: it appears in /api/health and 503 bodies) and (b) the decision "the connection is
 * gone" that makes the store handle go degraded and start reconnecting.
 */
import { isStoreError } from './errors.js';

const REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ETIMEDOUT: 'connection timed out',
  PROTOCOL_SEQUENCE_TIMEOUT: 'connection timed out',
  ENOTFOUND: 'host name not found',
  // a unix socket (DB_SOCKET): no file there (the server is stopped), or no right to open it
  ENOENT: 'no socket file (is the server running?)',
  EACCES: 'permission denied on the socket',
  EAI_AGAIN: 'host name not found',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNRESET: 'connection lost',
  EPIPE: 'connection lost',
  PROTOCOL_CONNECTION_LOST: 'connection lost',
  ER_ACCESS_DENIED_ERROR: 'access denied for the configured user',
  ER_DBACCESS_DENIED_ERROR: 'access to the database denied',
  ER_BAD_DB_ERROR: 'the database does not exist',
  ER_CON_COUNT_ERROR: 'too many connections',
  ER_SERVER_SHUTDOWN: 'the server is shutting down',
  ER_HOST_NOT_PRIVILEGED: 'this host may not connect',
  ER_HOST_IS_BLOCKED: 'this host is blocked by the server',
  HANDSHAKE_SSL_ERROR: 'TLS handshake failed',
  in_use: 'the data folder is in use by another process',
  unreachable: 'unreachable',
  unsupported: 'unsupported database settings',
};

/** Codes that mean "no connection" (as opposed to a bad query). */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ETIMEDOUT',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENOENT',
  'EACCES',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNRESET',
  'EPIPE',
  'PROTOCOL_CONNECTION_LOST',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
  'ER_ACCESS_DENIED_ERROR',
  'unreachable',
]);

/** The error and its causes, outermost first (AggregateError members included). */
function chain(error: unknown): unknown[] {
  const out: unknown[] = [];
  const queue: unknown[] = [error];
  while (queue.length > 0 && out.length < 10) {
    const current = queue.shift();
    if (current === undefined || current === null || out.includes(current)) continue;
    out.push(current);
    if (typeof current === 'object') {
      const { cause, errors } = current as { cause?: unknown; errors?: unknown };
      if (cause !== undefined) queue.push(cause);
      if (Array.isArray(errors)) queue.push(...errors);
    }
  }
  return out;
}

function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** A short, public reason: "connection refused", "access denied for the configured user" ... */
export function databaseErrorReason(error: unknown): string {
  for (const item of chain(error)) {
    const code = codeOf(item);
    if (code && REASONS[code] && code !== 'unreachable') return REASONS[code];
  }
  // drivers may wrap the original error into a message ("ECONNREFUSED 127.0.0.1:3306")
  for (const item of chain(error)) {
    const message = messageOf(item);
    const token = /\b(E[A-Z]{3,}|ER_[A-Z_]+|PROTOCOL_[A-Z_]+)\b/.exec(message)?.[1];
    if (token && REASONS[token]) return REASONS[token];
    if (/access denied/i.test(message)) return REASONS.ER_ACCESS_DENIED_ERROR;
    if (/closed state|connection.*closed|pool is closed/i.test(message)) return 'connection lost';
    if (/timed? ?out/i.test(message)) return 'connection timed out';
  }
  const code = codeOf(error);
  if (code && REASONS[code]) return REASONS[code];
  return code ? `error ${code}` : 'unknown error';
}

/** The full text for admins and the log (may name hosts and paths). */
export function databaseErrorDetail(error: unknown): string {
  return chain(error)
    .map((item) => {
      const code = codeOf(item);
      const message = messageOf(item);
      return code && !message.includes(code) ? `${code}: ${message}` : message;
    })
    .filter((text) => text !== '')
    .join(' <- ');
}

/** True when the error says the database connection is gone (not merely a bad query). */
export function isConnectionError(error: unknown): boolean {
  for (const item of chain(error)) {
    if (isStoreError(item, 'unreachable')) return true;
    const code = codeOf(item);
    if (code && CONNECTION_CODES.has(code)) return true;
    if (typeof item === 'object' && item !== null && (item as { fatal?: unknown }).fatal === true) return true;
    if (/closed state|connection.*(closed|lost)|pool is closed/i.test(messageOf(item))) return true;
  }
  return false;
}
