/**
 * The engine: routing of one legacy request to its command and the PHP engine's
 * top-level control flow (db-name rule, db existence, id resolution, auth,
 * XSRF, type-editor gate, generic answer). Settings and caches: engine-state.ts.
 */
import { checkCodeAction, getCodeAction } from './email-code.js';
import type { Store } from '../storage/types.js';
import { isStoreError } from '../storage/errors.js';
import type { LegacyRequest, LegacyResponse } from './types.js';
import { EngineExit, RequestContext } from './context.js';
import { EngineState } from './engine-state.js';
import { authAction, validateToken, checkXsrf, exitAction, xsrfAction } from './auth.js';
import { confirmAction } from './reset.js';
import { qrLoginAction, qrNewAction, qrPendingCookie, qrPollAction } from './qr-login.js';
import { isOAuthCodeCallback, isOAuthErrorCallback, oauthCodeAction, oauthErrorAction } from './oauth.js';
import { typesGrant, typesGrantRefusal, typesWriteRefusal } from './grants.js';
import { ADMIN_ROLE, REPORT, USER } from './ids.js';
import { runCommand } from './commands.js';
import type { CommandState } from './command-state.js';

const DB_NAME = /^[a-z0-9_]{1,15}$/i;
/** the path of the OAuth providers' callback (PHP: the special database name `auth.asp`) */
const OAUTH_CALLBACK = 'auth.asp';

/** PHP: `auth.asp` is the callback when `code` or `error` is not empty (empty() treats '0' as empty) */
function oauthCallbackParams(req: LegacyRequest): boolean {
  const filled = (v: string | string[] | undefined) => v !== undefined && v !== '' && v !== '0';
  return filled(req.query.code) || filled(req.query.error);
}

export const ENGINE_HEADERS: Readonly<Record<string, string>> = {
  'Cache-Control': 'no-store, no-cache, must-revalidate',
  Pragma: 'no-cache',
  'Access-Control-Allow-Headers': 'X-Authorization, x-authorization,Content-Type,content-type,Origin,Authorization,authorization',
  'Access-Control-Allow-Methods': '*',
  'Access-Control-Allow-Origin': '*',
};

/** the engine as index.ts builds it: its state (settings, caches) and the answer to one request */
export class EngineCore extends EngineState {
  async handle(request: LegacyRequest): Promise<LegacyResponse> {
    const withHeaders = (r: LegacyResponse): LegacyResponse => ({ ...r, headers: { ...ENGINE_HEADERS, ...r.headers } });
    // the OAuth callback (oauth.ts): with a code or an error it runs in `my`; otherwise it is no database
    const callback = request.db === OAUTH_CALLBACK && oauthCallbackParams(request);
    const req = callback ? { ...request, db: 'my' } : request;
    if (!DB_NAME.test(req.db)) return withHeaders(textResponse(200, 'Invalid database'));
    let store: Store;
    try {
      store = this.store();
    } catch (err) {
      this.logger?.warn({ err: String(err) }, 'store unavailable');
      return withHeaders(jsonResponse(503, [{ error: 'Storage unavailable' }]));
    }
    const ctx = new RequestContext(this, req, store);
    // who the request ran as, for the host's log line and its list of active sessions
    const withActor = (r: LegacyResponse): LegacyResponse => {
      const session = ctx.session;
      return session && !session.guest && session.user ? { ...withHeaders(r), actor: { user: session.user, userId: session.userId } } : withHeaders(r);
    };
    try {
      if (callback && isOAuthErrorCallback(ctx)) oauthErrorAction(ctx);
      await this.run(ctx);
      return withActor(ctx.response(200, { kind: 'empty' }));
    } catch (err) {
      if (err instanceof EngineExit) return withActor(err.response);
      // a lost database connection is the host's to answer, the same way for every API
      if (isStoreError(err, 'unreachable')) throw err;
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
    if (isOAuthCodeCallback(ctx)) await oauthCodeAction(ctx);
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
    if (action === 'confirm') await confirmAction(ctx);
    if (action === 'getcode') await getCodeAction(ctx);
    if (action === 'checkcode') await checkCodeAction(ctx);
    if (action === 'qrnew') await qrNewAction(ctx);
    if (action === 'qrpoll') await qrPollAction(ctx);
    if (action === 'qrlogin') qrPendingCookie(ctx);
    if (action === 'jwt') ctx.dieJson({ error: 'JWT verification failed' });

    const ok = await validateToken(ctx);
    if (!ok) {
      if (ctx.api) ctx.myDie(`Ошибка проверки токена ${ctx.db}`);
      ctx.login('');
    }
    const session = ctx.session!;
    // docs/compatibility.md, "Deliberate differences": restore_admin needs the master admin (the PHP engine answers it without authentication)
    if (action === 'restore_admin') await restoreAdmin(ctx);
    if (action.startsWith('_m_')) checkXsrf(ctx);
    else if (action.startsWith('_d_') || isUnprefixedDdlAlias(action)) {
      // docs/compatibility.md, "Deliberate differences": every state-changing alias checks both the type-editor grant and XSRF
      const level = typesGrant(session);
      if (level === null) ctx.dieText(typesGrantRefusal(session));
      if (level === 'WRITE' && checkXsrf(ctx)) {
        // only the _d_ names default to the type editor; the unprefixed aliases answer their own name
        if (action.startsWith('_d_') && state.nextAct === '') state.nextAct = 'edit_types';
      } else ctx.dieText(typesWriteRefusal(session));
    }
    if (action === 'xsrf') xsrfAction(ctx);
    if (action === 'exit') await exitAction(ctx);
    if (action === 'qrlogin') await qrLoginAction(ctx);
    await runCommand(ctx, state);
    this.genericTail(ctx, state);
  }

  /** PHP id resolution: numeric id, report name, type name (+ record name) */
  private async resolveId(ctx: RequestContext, state: CommandState): Promise<void> {
    const raw = ctx.req.id;
    if (raw === undefined || state.a === 'download') return;
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
