/**
 * Secret values never reach a log line. Redaction is by key name at any depth (a password is a
 * password wherever it sits: `body.pwd`, `req.headers.authorization`, `params.auth.token`), not by
 * a list of paths: pino's path-based `redact` with one path per key and position cost ~18 µs per
 * line (most of the log's CPU on a busy server) and still missed deeper nesting.
 */

/** Values under these keys (compared case-insensitively) are replaced by CENSOR. */
export const SECRET_KEYS: readonly string[] = [
  'password', 'pwd', 'pass', 'passwd', 'newPassword', 'oldPassword', 'passwordHash',
  'token', 'accessToken', 'refreshToken', 'secret', 'clientSecret', 'client_secret', 'access_token', 'refresh_token', 'id_token', '_xsrf', 'xsrf', 'apiKey', 'api_key',
  'authorization', 'x-authorization', 'cookie', 'set-cookie',
];

export const CENSOR = '[redacted]';

const SECRET_KEY_SET: ReadonlySet<string> = new Set(SECRET_KEYS.map((key) => key.toLowerCase()));

/** Deeper than this nothing is inspected (and log objects are never that deep). */
const MAX_DEPTH = 8;

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * `value` with every secret replaced; the same object when there is nothing to replace (the
 * common case costs one pass over the keys and no copy). Copies only along the paths it changes,
 * so the caller's objects are never modified. Class instances (errors, buffers, dates) are left
 * to their serializers.
 */
export function redactSecrets<T>(value: T, depth = 0): T {
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | null = null;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const next = redactSecrets(item, depth + 1);
      if (next !== item) (copy ??= [...value])[i] = next;
    }
    return (copy ?? value) as T;
  }
  if (!isPlainObject(value)) return value;
  let copy: Record<string, unknown> | null = null;
  for (const key of Object.keys(value)) {
    const item = value[key];
    const next = SECRET_KEY_SET.has(key.toLowerCase()) ? (item === undefined ? item : CENSOR) : redactSecrets(item, depth + 1);
    if (next !== item) (copy ??= { ...value })[key] = next;
  }
  return (copy ?? value) as T;
}
