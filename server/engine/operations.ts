/**
 * The engine's one typed facade, for every caller that is not the legacy URL API: `/api/v2`,
 * `/api/auth`, organizations and the CLI. Each operation is an engine request (`handle`), so the
 * legacy API's rules (passwords, tokens, grants, value formats) apply unchanged; answers are
 * unwrapped into plain values and every refusal becomes an EngineCallError with its status.
 *
 * Two things are written without the command dispatcher, the way the PHP engine itself does them
 * outside it: a self-registered user (no session exists yet to authorise `_m_new`) and the owner
 * of a new database. Both insert the rows the PHP engine inserts (engine/users.ts) and then drop
 * the engine's caches.
 */
import { randomBytes } from 'node:crypto';
import type { Store } from '../storage/types.js';
import { ACTIVITY, EMAIL, GUEST_TOKEN, PASSWORD, RETRIES, TOKEN, USER, XSRF } from './ids.js';
import type { LegacyRequest, LegacyResponse } from './types.js';
import { insertUser, legacyPasswordHash, legacyXsrf, UserWriteError } from './users.js';
import { microtimeString, strtolower } from './php.js';

/** A failure the engine reported, with its HTTP status and message. */
export class EngineCallError extends Error {
  constructor(readonly status: number, message: string, readonly body: unknown) {
    super(message);
    this.name = 'EngineCallError';
  }
}

export interface LegacyCredentials {
  token: string;
  xsrf: string;
}

/** The user behind a legacy token, as the engine's `xsrf` action reports it. */
export interface LegacyUser extends LegacyCredentials {
  userId: number;
  login: string;
  role: string;
}

export interface CallOptions {
  id?: string;
  query?: Record<string, string>;
  post?: Record<string, unknown>;
  token?: string;
  method?: string;
  remoteAddr?: string;
}

export interface EngineOperationsDeps {
  /** the engine's request entry (EngineCore.handle) */
  handle(request: LegacyRequest): Promise<LegacyResponse>;
  /** drops the engine's cached metadata and sessions of a database */
  invalidate(db: string): void;
  store: () => Store;
  /** AUTH_SALT: the legacy engine's SALT (for the rows written here) */
  salt: string;
  now: () => number;
}

function responseValue(res: LegacyResponse): unknown {
  const body = res.body;
  if (body.kind === 'json') return body.value;
  if (body.kind === 'text') {
    try {
      return JSON.parse(body.text) as unknown;
    } catch {
      return body.text;
    }
  }
  return null;
}

/** The engine's error text from any of its error shapes: [{error}], {error}, or a plain-text die(). */
function errorText(value: unknown): string | null {
  if (Array.isArray(value) && value.length === 1 && typeof value[0] === 'object' && value[0] !== null && 'error' in value[0]) {
    return String((value[0] as { error: unknown }).error);
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && 'error' in value) {
    return String((value as { error: unknown }).error);
  }
  return null;
}

/** Refusals the engine sends as plain text with HTTP 200 (PHP die()) that mean "not allowed". */
const GRANT_REFUSAL = /нет прав|нет доступа|Forbidden|not allowed/i;

export class EngineOperations {
  constructor(private readonly deps: EngineOperationsDeps) {}

  private store(): Store {
    return this.deps.store();
  }

  private request(db: string, action: string, options: CallOptions = {}): LegacyRequest {
    const query: Record<string, string> = { JSON: '', ...(options.query ?? {}) };
    const segments = [action, ...(options.id !== undefined ? [options.id] : [])];
    const search = new URLSearchParams(query).toString();
    return {
      db,
      action,
      id: options.id,
      segments,
      query,
      post: options.post ?? {},
      cookies: {},
      headers: options.token !== undefined ? { 'x-authorization': options.token } : {},
      method: options.method ?? (options.post ? 'POST' : 'GET'),
      remoteAddr: options.remoteAddr ?? '127.0.0.1',
      host: 'localhost',
      uri: `/${db}/${segments.join('/')}${search ? `?${search}` : ''}`,
    };
  }

  /** Runs one engine request; engine errors (any status, any shape) become EngineCallError. */
  async call(db: string, action: string, options: CallOptions = {}): Promise<unknown> {
    const res = await this.deps.handle(this.request(db, action, options));
    const value = responseValue(res);
    const message = errorText(value);
    if (res.status >= 400 || message !== null) {
      throw new EngineCallError(res.status >= 400 ? res.status : 400, message ?? (typeof value === 'string' ? value : 'error'), value);
    }
    if (typeof value === 'string') {
      // a plain-text die(): the PHP engine's way of refusing many commands with HTTP 200
      throw new EngineCallError(GRANT_REFUSAL.test(value) ? 403 : 422, value || 'The engine refused the request', value);
    }
    return value;
  }

  /** Password login through the engine's own `auth` (every legacy hash form verifies). */
  async login(db: string, login: string, password: string, remoteAddr?: string): Promise<LegacyCredentials & { userId: number }> {
    const value = await this.call(db, 'auth', { post: { login, pwd: password }, remoteAddr });
    const parsed = value as { _xsrf?: unknown; token?: unknown; id?: unknown };
    if (typeof parsed.token !== 'string' || typeof parsed._xsrf !== 'string') throw new EngineCallError(401, 'Login failed', value);
    return { token: parsed.token, xsrf: parsed._xsrf, userId: Number(parsed.id) };
  }

  /**
   * The user a legacy token belongs to, or null when the token is not valid for this database.
   * The engine falls back to the guest user for unknown tokens; that is not a login here.
   */
  async whoami(db: string, token: string): Promise<LegacyUser | null> {
    let value: unknown;
    try {
      value = await this.call(db, 'xsrf', { token });
    } catch (err) {
      if (err instanceof EngineCallError && (err.status === 401 || err.status === 400)) return null;
      throw err;
    }
    const v = value as { _xsrf?: unknown; token?: unknown; user?: unknown; role?: unknown; id?: unknown };
    if (typeof v.token !== 'string' || typeof v._xsrf !== 'string') return null;
    if (v.token !== token && !(v.user === 'guest' && token === GUEST_TOKEN)) return null;
    return { token: v.token, xsrf: v._xsrf, userId: Number(v.id), login: String(v.user ?? ''), role: String(v.role ?? '') };
  }

  /**
   * Inserts a user (record of type 18) with the given role, in one transaction, the rows in the
   * order the PHP engine writes them. Returns the user id and, when asked, a fresh legacy token.
   */
  async insertUser(db: string, user: {
    login: string;
    password?: string;
    email?: string;
    roleName: 'user' | 'admin';
    withToken?: boolean;
  }): Promise<{ userId: number; token: string | null; xsrf: string }> {
    const token = user.withToken ? randomBytes(32).toString('hex') : null;
    const result = await this.store().transaction(db, async (tx) => {
      try {
        return await insertUser(tx, {
          db, salt: this.deps.salt, login: user.login, password: user.password, email: user.email,
          roleName: user.roleName, token: token ?? undefined, now: this.deps.now(),
        });
      } catch (err) {
        if (err instanceof UserWriteError) throw new EngineCallError(err.status, err.message, null);
        throw err;
      }
    });
    this.deps.invalidate(db);
    return { ...result, token };
  }

  /**
   * The legacy token of a user, created when the user has none yet, and the activity written now, as
   * the engine's login does (so a token idle longer than TOKEN_TTL works again, as after a login).
   */
  async ensureToken(db: string, userId: number): Promise<LegacyCredentials> {
    const t = this.store().tenant(db);
    const rows = await t.find({ up: userId, t: [TOKEN, XSRF, ACTIVITY] });
    let token = rows.find((r) => r.t === TOKEN)?.val;
    let xsrf = rows.find((r) => r.t === XSRF)?.val;
    const activity = rows.find((r) => r.t === ACTIVITY);
    const now = microtimeString(this.deps.now());
    if (activity) await t.update(activity.id, { val: now });
    else await t.insert({ up: userId, ord: 1, t: ACTIVITY, val: now });
    if (!token) {
      token = randomBytes(32).toString('hex');
      await t.insert({ up: userId, ord: 1, t: TOKEN, val: token });
    }
    if (!xsrf) {
      xsrf = legacyXsrf(this.deps.salt, db);
      await t.insert({ up: userId, ord: 1, t: XSRF, val: xsrf });
    }
    this.deps.invalidate(db);
    return { token, xsrf };
  }

  /**
   * The users (records of type 18) a person names by login or by e-mail address, with their e-mail
   * requisite (t=41): a login is matched as the engine's `auth` matches it (ASCII lower-cased), an
   * address against the users' e-mail values, case-insensitively.
   */
  async findUsers(db: string, loginOrEmail: string): Promise<{ userId: number; login: string; email: string | null }[]> {
    const t = this.store().tenant(db);
    const wanted = loginOrEmail.trim();
    if (wanted === '') return [];
    const byLogin = await t.find({ t: USER, val: strtolower(wanted) });
    const ids = new Set(byLogin.filter((r) => r.up === 1).map((r) => r.id));
    if (wanted.includes('@')) {
      const emails = await t.find({ t: EMAIL, val: wanted });
      for (const row of emails) if (row.val.toLowerCase() === wanted.toLowerCase()) ids.add(row.up);
    }
    if (ids.size === 0) return [];
    const users = (await t.find({ id: [...ids], t: USER })).filter((r) => r.up === 1);
    if (users.length === 0) return [];
    const emails = await t.find({ up: users.map((u) => u.id), t: EMAIL });
    return users.map((u) => ({ userId: u.id, login: u.val, email: emails.find((e) => e.up === u.id)?.val ?? null }));
  }

  /**
   * Sets a user's password in the engine's hash form (sha512(SALT + db + password), as `_m_save` writes
   * requisite 20), so the legacy `auth` logs in with it. The failed-login counter (t=301) is cleared, and
   * with `endSessions` the user's legacy tokens are deleted (logged out everywhere, as `exit` does).
   */
  async setPassword(db: string, userId: number, password: string, options: { endSessions?: boolean } = {}): Promise<void> {
    const hash = legacyPasswordHash(this.deps.salt, db, password);
    await this.setPasswordHash(db, userId, hash, options);
  }

  /** setPassword with a hash made earlier (a registration waiting for its e-mail confirmation). */
  async setPasswordHash(db: string, userId: number, hash: string, options: { endSessions?: boolean } = {}): Promise<void> {
    await this.store().transaction(db, async (tx) => {
      const user = (await tx.find({ id: userId, t: USER }, { limit: 1 }))[0];
      if (!user) throw new EngineCallError(404, `No user ${userId} in ${db}`, null);
      const rows = await tx.find({ up: userId, t: [PASSWORD, RETRIES, ...(options.endSessions ? [TOKEN] : [])] });
      const pwd = rows.find((r) => r.t === PASSWORD);
      if (pwd) await tx.update(pwd.id, { val: hash });
      else await tx.insert({ up: userId, ord: 1, t: PASSWORD, val: hash });
      await tx.deleteIds(rows.filter((r) => r.t === RETRIES || r.t === TOKEN).map((r) => r.id));
    });
    this.deps.invalidate(db);
  }

  /** The legacy hash of a password in a database (to be stored later with setPasswordHash). */
  passwordHash(db: string, password: string): string {
    return legacyPasswordHash(this.deps.salt, db, password);
  }

  /** Sizes of a database: tables (user-visible types), records, bytes of row data. */
  async databaseInfo(db: string): Promise<{ tables: number; records: number; rows: number; sizeBytes: number }> {
    const rows = await this.store().exportRows(db);
    const byId = new Map(rows.map((r) => [r.id, r]));
    const typeIds = new Set(rows.filter((r) => r.up === 0 && r.id !== r.t && r.val !== '').map((r) => r.id));
    let records = 0;
    let sizeBytes = 0;
    for (const r of rows) {
      // five integer columns plus the value's bytes: what the rows themselves occupy
      sizeBytes += 20 + Buffer.byteLength(r.val, 'utf8');
      if (r.up === 0 || !typeIds.has(r.t)) continue;
      const parent = byId.get(r.up);
      // independent records hang under 1; subordinate ones under a record (a non-metadata row)
      if (r.up === 1 || (parent !== undefined && parent.up !== 0)) records++;
    }
    return { tables: typeIds.size, records, rows: rows.length, sizeBytes };
  }
}
