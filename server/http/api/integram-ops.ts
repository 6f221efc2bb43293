/**
 * What the modern API needs from the Integram engine, built on `engine.handle` so the legacy
 * API's rules (passwords, tokens, grants, value formats) apply unchanged. The engine's typed
 * `operations` do not cover everything (who is this token, counts, raw error status), so the
 * requests are built here.
 *
 * Two things are written without the engine, the way the PHP engine itself does them outside
 * its command dispatcher: a self-registered user (PHP `register`: no session exists yet to
 * authorise `_m_new`) and the owner of a new database (PHP `newDb`). Both insert the same rows
 * the PHP engine inserts (spec/legacy-api.md §1.8, §3.4) and then drop the engine's caches.
 */
import { randomBytes } from 'node:crypto';
import type { Engine, LegacyRequest, LegacyResponse } from '../../engine/index.js';
import { GUEST_TOKEN, TOKEN, USER, XSRF } from '../../engine/ids.js';
import type { Row, Store, TenantStore } from '../../storage/types.js';
import { insertUser, legacyPasswordHash, UserWriteError } from '../../engine/users.js';

/** A failure the engine reported, with its HTTP status and message. */
export class IntegramCallError extends Error {
  constructor(readonly status: number, message: string, readonly body: unknown) {
    super(message);
    this.name = 'IntegramCallError';
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

export interface IntegramOpsDeps {
  engine: Engine;
  getStore: () => Store;
  /** AUTH_SALT: the legacy engine's SALT (for the rows written here) */
  salt: string;
  now?: () => number;
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

export class IntegramOps {
  private readonly now: () => number;

  constructor(private readonly deps: IntegramOpsDeps) {
    this.now = deps.now ?? Date.now;
  }

  get engine(): Engine {
    return this.deps.engine;
  }

  store(): Store {
    return this.deps.getStore();
  }

  request(db: string, action: string, options: CallOptions = {}): LegacyRequest {
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

  /** Runs one engine request; engine errors (any status, any shape) become IntegramCallError. */
  async call(db: string, action: string, options: CallOptions = {}): Promise<unknown> {
    const res = await this.deps.engine.handle(this.request(db, action, options));
    const value = responseValue(res);
    const message = errorText(value);
    if (res.status >= 400 || message !== null) {
      throw new IntegramCallError(res.status >= 400 ? res.status : 400, message ?? (typeof value === 'string' ? value : 'error'), value);
    }
    if (typeof value === 'string') {
      // a plain-text die(): the PHP engine's way of refusing many commands with HTTP 200
      throw new IntegramCallError(GRANT_REFUSAL.test(value) ? 403 : 422, value || 'The engine refused the request', value);
    }
    return value;
  }

  /** Password login through the engine's own `auth` (every legacy hash form verifies). */
  async login(db: string, login: string, password: string, remoteAddr?: string): Promise<LegacyCredentials & { userId: number }> {
    const value = await this.call(db, 'auth', { post: { login, pwd: password }, remoteAddr });
    const parsed = value as { _xsrf?: unknown; token?: unknown; id?: unknown };
    if (typeof parsed.token !== 'string' || typeof parsed._xsrf !== 'string') throw new IntegramCallError(401, 'Login failed', value);
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
      if (err instanceof IntegramCallError && (err.status === 401 || err.status === 400)) return null;
      throw err;
    }
    const v = value as { _xsrf?: unknown; token?: unknown; user?: unknown; role?: unknown; id?: unknown };
    if (typeof v.token !== 'string' || typeof v._xsrf !== 'string') return null;
    if (v.token !== token && !(v.user === 'guest' && token === GUEST_TOKEN)) return null;
    return { token: v.token, xsrf: v._xsrf, userId: Number(v.id), login: String(v.user ?? ''), role: String(v.role ?? '') };
  }

  saltedHash(db: string, password: string): string {
    return legacyPasswordHash(this.deps.salt, db, password);
  }

  xsrfFor(db: string, seed: string): string {
    return this.saltedHash(db, seed).slice(0, 22);
  }

  async usersByLogin(t: TenantStore, login: string): Promise<Row[]> {
    return t.find({ t: USER, val: login });
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
          roleName: user.roleName, token: token ?? undefined, now: this.now(),
        });
      } catch (err) {
        if (err instanceof UserWriteError) throw new IntegramCallError(err.status, err.message, null);
        throw err;
      }
    });
    this.deps.engine.invalidate(db);
    return { ...result, token };
  }

  /** The legacy token of a user, created when the user has none yet (as the engine's login does). */
  async ensureToken(db: string, userId: number): Promise<LegacyCredentials> {
    const t = this.store().tenant(db);
    const rows = await t.find({ up: userId, t: [TOKEN, XSRF] });
    let token = rows.find((r) => r.t === TOKEN)?.val;
    let xsrf = rows.find((r) => r.t === XSRF)?.val;
    if (!token) {
      token = randomBytes(32).toString('hex');
      await t.insert({ up: userId, ord: 1, t: TOKEN, val: token });
    }
    if (!xsrf) {
      xsrf = this.xsrfFor(db, db);
      await t.insert({ up: userId, ord: 1, t: XSRF, val: xsrf });
    }
    this.deps.engine.invalidate(db);
    return { token, xsrf };
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
