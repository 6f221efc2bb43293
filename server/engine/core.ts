/**
 * The engine: routing of one legacy request to its command, the PHP engine's
 * top-level control flow (db-name rule, db existence, id resolution, auth,
 * XSRF, type-editor gate, generic answer), and the per-db caches.
 */
import type { Store, TenantStore } from '../storage/types.js';
import { isStoreError } from '../storage/errors.js';
import type { EngineClock, EngineLoginThrottle, EngineLogger, EngineOptions, LegacyRequest, LegacyResponse } from './types.js';
import { EngineExit, RequestContext } from './context.js';
import { TenantMeta } from './meta.js';
import { sha1hex, sha512hex } from './format.js';
import { authAction, validateToken, checkXsrf, exitAction, xsrfAction, type CachedSession } from './auth.js';
import { typesGrant } from './grants.js';
import { ADMIN_ROLE, COOKIE_30_DAYS, REPORT, USER } from './ids.js';
import { runCommand, type CommandState } from './commands.js';
import { inProcessLoginThrottle } from './throttle.js';

const DB_NAME = /^[a-z0-9_]{1,15}$/i;

export const ENGINE_HEADERS: Readonly<Record<string, string>> = {
  'Cache-Control': 'no-store, no-cache, must-revalidate',
  Pragma: 'no-cache',
  'Access-Control-Allow-Headers': 'X-Authorization, x-authorization,Content-Type,content-type,Origin,Authorization,authorization',
  'Access-Control-Allow-Methods': '*',
  'Access-Control-Allow-Origin': '*',
};

export class EngineCore {
  readonly clock: EngineClock;
  readonly salt: string;
  readonly masterPassword?: string;
  readonly serverName: string;
  readonly logger?: EngineLogger;
  readonly metaTtlMs: number;
  readonly activityIntervalMs: number;
  readonly tokenTtlSeconds?: number;
  /** COOKIES_EXPIRE in seconds; 0 = session cookies (see EngineOptions.cookieExpireSeconds) */
  readonly cookieExpireSeconds: number;
  private readonly storeFn: () => Store;
  private readonly metaCache = new Map<string, { meta: TenantMeta; expires: number; loading?: Promise<TenantMeta> }>();
  private readonly metaGeneration = new Map<string, number>();
  readonly sessions = new Map<string, CachedSession>();
  /** databases seen to exist, until the given time (a query per request otherwise) */
  private readonly existing = new Map<string, number>();
  readonly activityWritten = new Map<string, number>();
  readonly loginThrottle: EngineLoginThrottle;

  constructor(opts: EngineOptions) {
    this.storeFn = opts.store;
    this.salt = opts.salt;
    this.masterPassword = opts.masterPassword || undefined;
    this.serverName = opts.serverName ?? '127.0.0.1';
    this.clock = opts.clock ?? { now: () => Date.now() };
    this.logger = opts.logger;
    this.metaTtlMs = opts.metaTtlMs ?? 2000;
    this.activityIntervalMs = opts.activityIntervalMs ?? 5000;
    this.tokenTtlSeconds = opts.tokenTtlSeconds && opts.tokenTtlSeconds > 0 ? opts.tokenTtlSeconds : undefined;
    this.cookieExpireSeconds = opts.cookieExpireSeconds !== undefined && opts.cookieExpireSeconds >= 0 ? Math.trunc(opts.cookieExpireSeconds) : COOKIE_30_DAYS;
    this.loginThrottle = opts.loginThrottle ?? inProcessLoginThrottle(this.clock);
  }

  /** Max-Age of a COOKIES_EXPIRE cookie; undefined = a session cookie */
  cookieMaxAge(): number | undefined {
    return this.cookieExpireSeconds > 0 ? this.cookieExpireSeconds : undefined;
  }

  store(): Store {
    return this.storeFn();
  }

  /** sha512(SALT + db + value): passwords; its first 22 chars are the xsrf */
  saltedHash(db: string, value: string): string {
    return sha512hex(this.salt + db + value);
  }

  /** the older engine's hash: sha1(SALT + UPPER(login) + db + pwd) */
  legacySha1(db: string, login: string, pwd: string): string {
    return sha1hex(this.salt + login.toUpperCase() + db + pwd);
  }

  xsrfFor(db: string, seed: string): string {
    return this.saltedHash(db, seed).slice(0, 22);
  }

  /** ADMINHASH = sha1(SERVER_NAME + db + master password); null when no master password is set */
  adminHash(db: string): string | null {
    if (!this.masterPassword) return null;
    return sha1hex(this.serverName + db + this.masterPassword);
  }

  async meta(db: string, t: TenantStore): Promise<TenantMeta> {
    const now = this.clock.now();
    const cached = this.metaCache.get(db);
    if (cached && cached.expires > now) return cached.meta;
    const generation = this.metaGeneration.get(db) ?? 0;
    const meta = await TenantMeta.load(t, now);
    if ((this.metaGeneration.get(db) ?? 0) === generation) this.metaCache.set(db, { meta, expires: now + this.metaTtlMs });
    return meta;
  }

  /** called after every write that may change metadata in this process */
  invalidateMeta(db: string): void {
    this.metaCache.delete(db);
    this.existing.delete(db);
    this.metaGeneration.set(db, (this.metaGeneration.get(db) ?? 0) + 1);
  }

  async databaseExists(store: Store, db: string): Promise<boolean> {
    const now = this.clock.now();
    if ((this.existing.get(db) ?? 0) > now) return true;
    const exists = await store.databaseExists(db);
    if (exists) this.existing.set(db, now + this.metaTtlMs);
    else this.existing.delete(db);
    return exists;
  }

  invalidateSessions(db: string): void {
    for (const k of this.sessions.keys()) if (k.startsWith(`${db}\u0000`)) this.sessions.delete(k);
  }

  async handle(req: LegacyRequest): Promise<LegacyResponse> {
    const withHeaders = (r: LegacyResponse): LegacyResponse => ({ ...r, headers: { ...ENGINE_HEADERS, ...r.headers } });
    if (!DB_NAME.test(req.db)) return withHeaders(textResponse(200, 'Invalid database'));
    let store: Store;
    try {
      store = this.store();
    } catch (err) {
      this.logger?.warn({ err: String(err) }, 'store unavailable');
      return withHeaders(jsonResponse(503, [{ error: 'Storage unavailable' }]));
    }
    const ctx = new RequestContext(this, req, store);
    try {
      await this.run(ctx);
      return withHeaders(ctx.response(200, { kind: 'empty' }));
    } catch (err) {
      if (err instanceof EngineExit) return withHeaders(err.response);
      if (isStoreError(err, 'unreachable')) return withHeaders(jsonResponse(503, [{ error: 'Storage unavailable' }]));
      this.logger?.error({ err: err instanceof Error ? { message: err.message, stack: err.stack } : String(err), db: req.db, action: req.action }, 'engine failure');
      return withHeaders(jsonResponse(500, [{ error: 'Internal error' }]));
    }
  }

  private async run(ctx: RequestContext): Promise<void> {
    const { req } = ctx;
    if (!(await this.databaseExists(ctx.store, ctx.db))) {
      const msg = `База «${ctx.db}» не найдена`;
      if (ctx.api) ctx.myDie(msg, 404);
      ctx.login('dBNotExists', '', msg);
    }
    if (req.method.toUpperCase() === 'OPTIONS') {
      ctx.headersOut.Allow = 'GET,POST,OPTIONS';
      throw new EngineExit(ctx.response(200, { kind: 'empty' }));
    }
    ctx.meta = await this.meta(ctx.db, ctx.t);
    const action = req.action;
    const state: CommandState = { a: action, id: '', obj: undefined, arg: '', nextAct: '' };
    state.nextAct = ctx.has('next_act') ? ctx.str('next_act') : '';
    await this.resolveId(ctx, state);

    if (action === 'auth') await authAction(ctx);
    if (action === 'jwt') ctx.dieJson({ error: 'JWT verification failed' });

    const ok = await validateToken(ctx);
    if (!ok) {
      if (ctx.api) ctx.myDie(`Ошибка проверки токена ${ctx.db}`);
      ctx.login('');
    }
    const session = ctx.session!;
    // compat.md: restore_admin needs the master admin (the PHP engine answers it without authentication)
    if (action === 'restore_admin') await restoreAdmin(ctx);
    if (action.startsWith('_m_')) checkXsrf(ctx);
    else if (action.startsWith('_d_') || isUnprefixedDdlAlias(action)) {
      // compat.md: every state-changing alias checks both the type-editor grant and XSRF
      if (typesGrant(session) === 'WRITE' && checkXsrf(ctx)) state.nextAct = state.nextAct === '' ? 'edit_types' : state.nextAct;
      else ctx.dieText(`${session.role}: У вас нет прав на редактирование типов(${session.grants.levels.get('0') ?? ''}).`);
    }
    if (action === 'xsrf') xsrfAction(ctx);
    if (action === 'exit') await exitAction(ctx);
    await runCommand(ctx, state);
    this.genericTail(ctx, state);
  }

  /** PHP id resolution: numeric id, report name, type name (+ record name) */
  private async resolveId(ctx: RequestContext, state: CommandState): Promise<void> {
    const raw = ctx.req.id;
    if (raw === undefined) return;
    if (/^\s*[+-]?\d+(\.\d+)?\s*$/.test(raw) || /^\s*[+-]?\.\d+\s*$/.test(raw)) {
      state.id = Math.trunc(Number(raw));
      return;
    }
    let name: string;
    try {
      name = decodeURIComponent(raw);
    } catch {
      name = raw;
    }
    if (state.a === 'report' || state.a === 'smartq' || state.a === 'sql') {
      const rows = await ctx.t.find({ t: REPORT, val: name }, { limit: 1 });
      if (!rows.length) ctx.myDie('Запрос не найден');
      state.id = String(rows[0].id);
      return;
    }
    const types = await ctx.t.find({ up: 0, val: name }, { limit: 1 });
    if (!types.length) return;
    // ids found by a SELECT are strings in the PHP engine's answers
    state.id = String(types[0].id);
    state.idFromName = true;
    if (ctx.req.extra !== undefined) {
      let recName: string;
      try {
        recName = decodeURIComponent(ctx.req.extra);
      } catch {
        recName = ctx.req.extra;
      }
      const recs = await ctx.t.find({ t: types[0].id, val: recName }, { limit: 1 });
      if (recs.length) state.id = String(recs[0].id);
    }
  }

  /** PHP's generic answer after a command (index.php:13114) */
  private genericTail(ctx: RequestContext, s: CommandState): never {
    let next = s.nextAct;
    if (next === 'nul') {
      ctx.dieJson({ id: String(s.id), obj: s.obj === undefined || s.obj === null ? '' : String(s.obj), a: s.a, args: s.arg });
    } else if (next === '') next = s.a;
    else next = next.split('[id]').join(s.obj === undefined || s.obj === null ? '' : String(s.obj));
    let arg = s.arg;
    if (s.a.startsWith('_d_')) arg += 'ext';
    if (ctx.api) {
      ctx.apiDump({ id: s.id, obj: s.obj === undefined ? null : s.obj, next_act: next, args: arg, warnings: ctx.warning ?? '' });
    }
    ctx.redirect(`/${ctx.db}/${next}/${s.id}${arg.length ? `/?${arg}` : ''}${s.obj !== undefined && s.obj !== null ? `#${s.obj}` : ''}`);
  }
}

/** ensure the owner user (login = db name) exists and has the admin role */
async function restoreAdmin(ctx: RequestContext): Promise<never> {
  const s = ctx.session!;
  if (!(s.user === 'admin' && s.userId === 0)) ctx.myDie('restore_admin требует прав мастер-администратора', 403);
  if (ctx.req.method.toUpperCase() !== 'POST') ctx.dieText('{"result":"error, use POST"}');
  await ctx.inTransaction(async () => {
    const owner = (await ctx.t.find({ t: USER, val: ctx.db }, { limit: 1 }))[0];
    if (owner) {
      const roleCell = (await ctx.t.find({ up: owner.id, val: '115' }, { limit: 1 }))[0];
      if (roleCell) {
        if (roleCell.t !== ADMIN_ROLE) await ctx.t.update(roleCell.id, { t: ADMIN_ROLE });
      } else await ctx.t.insert({ up: owner.id, ord: 1, t: ADMIN_ROLE, val: '115' });
    } else {
      const id = await ctx.t.insert({ up: 1, ord: 1, t: USER, val: ctx.db });
      await ctx.t.insert({ up: id, ord: 1, t: ADMIN_ROLE, val: '115' });
    }
  });
  ctx.core.invalidateSessions(ctx.db);
  ctx.dieText('{"result":"ok"}');
}

function isUnprefixedDdlAlias(action: string): boolean {
  return ['_attributes', '_patchterm', '_setalias', '_settablealias', '_t_alias', '_terms', '_references', '_setnull',
    '_setmulti', '_setkey', '_modifiers', '_moveup', '_setorder', '_deleteterm', '_deletereq'].includes(action);
}

export function textResponse(status: number, text: string): LegacyResponse {
  return { status, headers: {}, cookies: [], body: { kind: 'text', text } };
}
export function jsonResponse(status: number, value: unknown): LegacyResponse {
  return { status, headers: {}, cookies: [], body: { kind: 'json', value } };
}
