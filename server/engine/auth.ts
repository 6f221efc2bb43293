/**
 * Authentication (docs/legacy-api.md, "Authentication"): the `auth`, `xsrf` and
 * `exit` actions, PHP Validate_Token's credential precedence, the guest user,
 * the master admin (only when a master password is configured), and the
 * `_xsrf` check.
 */
import type { Row, TenantStore } from '../storage/types.js';
import type { RequestContext } from './context.js';
import type { CachedSession, FoundSession, Session } from './session.js';
import { emptyGrants, loadGrants } from './grants.js';
import {
  ACTIVITY, ADMIN_ROLE, COOKIE_30_DAYS, GUEST_TOKEN, PASSWORD, RETRIES, RETRIES_LIMIT, ROLE, SECRET, TOKEN, USER, XSRF,
} from './ids.js';
import { sha1hex, sha512hex } from './format.js';
import { microtimeString, htmlentities, strtolower } from './php.js';
import { randomBytes } from 'node:crypto';
import { resetAction } from './reset.js';

/** PHP secureToken(): a new session token */
export function secureToken(): string {
  return randomBytes(32).toString('hex');
}

/**
 * PHP updateTokens()'s cells: the user's xsrf and activity time set, each made when missing. `cells`
 * are the user's child rows (read already by the caller). Inside the caller's transaction.
 */
export async function renewSessionCells(t: TenantStore, uid: number, cells: readonly Row[], xsrf: string, nowMs: number): Promise<void> {
  for (const [type, val] of [[XSRF, xsrf], [ACTIVITY, microtimeString(nowMs)]] as const) {
    const row = cells.find((c) => c.t === type);
    if (row) await t.update(row.id, { val });
    else await t.insert({ up: uid, ord: 1, t: type, val });
  }
}

/** longest secret echoed into the idb_{db} cookie (no real secret is near it; browsers keep ≤ 4 KB) */
const MAX_ECHOED_SECRET = 1024;

/** user rows for a login (case-insensitive, like utf8mb4_unicode_ci) */
async function usersByLogin(ctx: RequestContext, login: string): Promise<Row[]> {
  return ctx.t.find({ t: USER, val: login });
}

/** PHP Validate_Token(): fills ctx.session; false when there is no user */
export async function validateToken(ctx: RequestContext): Promise<boolean> {
  const { core } = ctx;
  let tok: string | undefined;
  let typ = TOKEN;
  const postSecret = ctx.postStr('secret');
  const getSecret = ctx.getStr('secret');
  if (postSecret !== undefined || getSecret !== undefined) {
    tok = postSecret ?? getSecret ?? '';
    typ = SECRET;
    // the PHP engine echoes the secret into the session cookie before checking it (and leaves it
    // there when it is wrong); an absurdly long one is not echoed into a header
    if (tok.length <= MAX_ECHOED_SECRET) ctx.setCookie(`idb_${ctx.db}`, tok);
  } else if (ctx.postStr('token') !== undefined) {
    tok = ctx.postStr('token');
  } else if (ctx.req.cookies[`idb_${ctx.db}`] !== undefined) {
    tok = ctx.req.cookies[`idb_${ctx.db}`];
  } else if (ctx.api) {
    const xAuth = ctx.req.headers['x-authorization'];
    const auth = ctx.req.headers.authorization;
    if (xAuth !== undefined) tok = htmlentities(xAuth);
    else if (auth !== undefined) {
      const value = htmlentities(auth);
      if (value.slice(0, 5).toLowerCase() === 'basic') tok = await basicAuth(ctx, value.slice(5).trim());
      else if (value.slice(0, 6).toLowerCase() === 'bearer') tok = value.slice(6).trim();
      else tok = value;
    }
    if (tok === undefined) ctx.dieJson([{ error: 'No authorization token provided' }], 401);
  }

  if (tok !== undefined) {
    const key = `${ctx.db}\u0000${typ}\u0000${tok}`;
    const cached = core.sessions.get(key);
    if (cached && cached.expires > ctx.nowMs) {
      ctx.session = { ...cached.session };
      await touchActivity(ctx, cached);
      return true;
    }
    // a token's lookup is a read that concurrent requests of the same token share; a secret's
    // first use writes (its xsrf and token rows), so each request of it looks it up itself
    const found = typ === TOKEN
      ? await core.sessionLookups.run(key, 0, () => sessionByToken(ctx, tok, typ))
      : await sessionByToken(ctx, tok, typ);
    if (found) {
      if (found.roleId === 0) ctx.myDie(`Пользователю ${found.session.user} не задана роль`);
      const entry: CachedSession = { session: found.session, activityRowId: found.activityRowId, expires: ctx.nowMs + ctx.core.metaTtlMs };
      ctx.session = { ...found.session };
      await touchActivity(ctx, entry);
      if (typ === SECRET) {
        ctx.setCookie(`idb_${ctx.db}`, '', -3600);
        if (!found.hadXsrf) {
          const x = core.xsrfFor(ctx.db, ctx.session.user);
          await ctx.t.insert({ up: found.session.userId, ord: 1, t: XSRF, val: x });
          ctx.session.xsrf = x;
        }
        const tokens = await ctx.t.find({ up: found.session.userId, t: TOKEN }, { limit: 1 });
        if (!tokens.length) await ctx.t.insert({ up: found.session.userId, ord: 1, t: TOKEN, val: tok });
      } else core.sessions.set(key, { ...entry, session: { ...ctx.session } });
      return true;
    }
    const adminHash = core.adminHash(ctx.db);
    if (adminHash) {
      const adminToken = sha512hex(adminHash + ctx.db);
      if (ctx.req.cookies[`idb_${ctx.db}`] === adminToken || tok === adminToken) {
        ctx.session = masterSession(ctx, adminHash, adminToken);
        return true;
      }
    }
  }
  // no user: a guest user may exist
  const guests = await usersByLogin(ctx, 'guest');
  if (guests.length) {
    const guest = guests[0];
    const children = await ctx.t.find({ up: guest.id });
    const tokRow = children.find((c) => c.t === TOKEN);
    if (!tokRow) await ctx.t.insert({ up: guest.id, ord: 1, t: TOKEN, val: GUEST_TOKEN });
    else if (tokRow.val !== GUEST_TOKEN) ctx.myDie(`Неверный токен пользователя GUEST <a href="/${ctx.db}/login">login</a>`);
    const xsrf = ctx.core.xsrfFor(ctx.db, 'guest');
    const xsrfRow = children.find((c) => c.t === XSRF);
    if (!xsrfRow) await ctx.t.insert({ up: guest.id, ord: 1, t: XSRF, val: xsrf });
    else if (xsrfRow.val !== xsrf) await ctx.t.update(xsrfRow.id, { val: xsrf });
    ctx.setCookie(`idb_${ctx.db}`, GUEST_TOKEN, core.cookieMaxAge());
    if (!ctx.api) ctx.redirect(ctx.req.uri);
    const role = await roleOf(ctx, children);
    ctx.session = {
      user: 'guest', userId: guest.id, role: role ? strtolower(role.val) : '', roleId: role ? role.id : 0,
      xsrf, token: GUEST_TOKEN, grants: role ? await loadGrants(ctx.t, role.id) : emptyGrants(), guest: true,
    };
    return true;
  }
  if (ctx.api) ctx.myDie(`Ошибка авторизации ${ctx.db}`);
  ctx.login('InvalidToken');
}

function masterSession(ctx: RequestContext, adminHash: string, adminToken: string): Session {
  const grants = emptyGrants();
  return {
    user: 'admin', userId: 0, role: 'admin', roleId: ADMIN_ROLE, xsrf: sha512hex(ctx.db + adminHash), token: adminToken, grants,
  };
}

async function roleOf(ctx: RequestContext, userChildren: Row[]): Promise<Row | null> {
  const candidates = [...new Set(userChildren.map((c) => c.t).filter((t) => t > 17))];
  if (!candidates.length) return null;
  const roles = await ctx.t.find({ id: candidates, t: ROLE });
  if (!roles.length) return null;
  const byId = new Map(roles.map((r) => [r.id, r]));
  for (const c of userChildren) {
    const r = byId.get(c.t);
    if (r) return r;
  }
  return null;
}

async function sessionByToken(ctx: RequestContext, tok: string, typ: number): Promise<FoundSession | null> {
  const tokRows = await ctx.t.find({ t: typ, val: tok });
  if (!tokRows.length) return null;
  const users = await ctx.t.find({ id: [...new Set(tokRows.map((r) => r.up))], t: USER });
  if (!users.length) return null;
  const user = users[0];
  const children = await ctx.t.find({ up: user.id });
  const role = await roleOf(ctx, children);
  const xsrfRow = children.find((c) => c.t === XSRF);
  const act = children.find((c) => c.t === ACTIVITY);
  const ttl = ctx.core.tokenTtlSeconds;
  // TOKEN_TTL (docs/compatibility.md, "Deliberate differences"): an idle token stops working; login issues it again
  if (ttl !== undefined && typ === TOKEN && act && Number(act.val) > 0 && ctx.nowSec - Number(act.val) > ttl) return null;
  const session: Session = {
    user: strtolower(user.val), userId: user.id, role: role ? strtolower(role.val) : '', roleId: role ? role.id : 0,
    xsrf: xsrfRow ? xsrfRow.val : ctx.core.xsrfFor(ctx.db, 'guest'), token: tok,
    grants: role ? await loadGrants(ctx.t, role.id) : emptyGrants(),
  };
  return { session, roleId: role ? role.id : 0, activityRowId: act ? act.id : null, hadXsrf: !!xsrfRow };
}

/** the ACTIVITY cell: inserted when missing (ids matter), updated at most once per interval */
async function touchActivity(ctx: RequestContext, entry: CachedSession): Promise<void> {
  const s = ctx.session!;
  const k = `${ctx.db}\u0000${s.userId}`;
  const value = microtimeString(ctx.nowMs);
  if (entry.activityRowId === null) {
    entry.activityRowId = await ctx.t.insert({ up: s.userId, ord: 0, t: ACTIVITY, val: value });
    ctx.core.activityWritten.set(k, ctx.nowMs);
    return;
  }
  const last = ctx.core.activityWritten.get(k) ?? 0;
  if (ctx.nowMs - last >= ctx.core.activityIntervalMs) {
    // claimed before the write: concurrent requests of the user write it once, not each
    ctx.core.activityWritten.set(k, ctx.nowMs);
    await ctx.t.update(entry.activityRowId, { val: value });
  }
}

/** Basic authentication: returns the user's token (the password hash becomes it when missing) */
async function basicAuth(ctx: RequestContext, encoded: string): Promise<string> {
  let value = encoded;
  if (!value.includes(':')) value = Buffer.from(value, 'base64').toString('utf8');
  const colon = value.indexOf(':');
  const login = colon >= 0 ? value.slice(0, colon) : value;
  const pwd = colon >= 0 ? value.slice(colon + 1).split(':')[0] : '';
  const hash = ctx.core.saltedHash(ctx.db, pwd);
  const legacy = ctx.core.legacySha1(ctx.db, login, pwd);
  const users = await usersByLogin(ctx, login);
  for (const u of users) {
    const children = await ctx.t.find({ up: u.id });
    if (children.some((c) => c.val === hash || (c.t === PASSWORD && c.val === legacy))) {
      const tokRow = children.find((c) => c.t === TOKEN);
      if (tokRow) return tokRow.val;
      await ctx.t.insert({ up: u.id, ord: 1, t: TOKEN, val: hash });
      return hash;
    }
  }
  ctx.dieJson([{ error: `Basic auth: Invalid login/password (login:${login})` }], 401);
}

/** PHP check(): the _xsrf POST field must equal the session's xsrf */
export function checkXsrf(ctx: RequestContext): true {
  const s = ctx.session!;
  const posted = ctx.postStr('_xsrf');
  if (posted !== undefined && posted === s.xsrf) return true;
  const adminHash = ctx.core.adminHash(ctx.db);
  if (adminHash !== null && s.xsrf === adminHash) return true;
  ctx.myDie('Неверный или устаревший токен CSRF<br/>');
}

export function xsrfAction(ctx: RequestContext): never {
  const s = ctx.session!;
  ctx.apiDump({ _xsrf: s.xsrf, token: s.token, user: s.user, role: s.role, id: s.userId === 0 ? 0 : String(s.userId), msg: '' }, 'login.json');
}

export async function exitAction(ctx: RequestContext): Promise<never> {
  const s = ctx.session!;
  await ctx.t.deleteIds((await ctx.t.find({ up: s.userId, t: TOKEN })).map((r) => r.id));
  ctx.core.invalidateSessions(ctx.db);
  const next = ctx.str('next_act');
  if (next.length) ctx.dieText(`<script>document.location.href='/${ctx.db}/${next}'</script>`);
  ctx.login('');
}

/** POST /{db}/auth */
export async function authAction(ctx: RequestContext): Promise<never> {
  const { core } = ctx;
  const loginRaw = ctx.postStr('login') ?? ctx.getStr('login');
  if (loginRaw === undefined) ctx.myDie('Login is not defined');
  const u = strtolower(loginRaw.trim());
  if (ctx.has('reset')) await resetAction(ctx, u);
  const tz = ctx.postStr('tzone');
  if (tz !== undefined) {
    ctx.tzone = Math.round((Math.trunc(Number(tz) || 0) - ctx.nowSec) / 1800) * 1800;
    ctx.setCookie('tzone', String(ctx.tzone), core.cookieMaxAge());
  }
  // docs/compatibility.md, "Deliberate differences": failed logins are throttled per login and per address (counters shared by every
  // instance when the host gives a store-backed throttle); the refusal is a clear error
  const verdict = await core.loginThrottle.check(ctx.db, u, ctx.req.remoteAddr);
  if (!verdict.allowed) {
    const msg = `Слишком много неудачных попыток входа. Повторите через ${verdict.retryAfterSeconds} с.`;
    ctx.headersOut['Retry-After'] = String(verdict.retryAfterSeconds);
    if (ctx.api) ctx.apiDump({ error: msg }, 'api.json', 429);
    ctx.dieText(msg, 429);
  }
  const p = ctx.postStr('pwd') ?? '';
  const hash = core.saltedHash(ctx.db, p);
  const users = await usersByLogin(ctx, u);
  const candidates: { user: Row; children: Row[]; pwd: Row }[] = [];
  if (users.length) {
    const children = await ctx.t.find({ up: users.map((x) => x.id) });
    for (const user of users) {
      const own = children.filter((c) => c.up === user.id);
      const pwd = own.find((c) => c.t === PASSWORD);
      if (pwd) candidates.push({ user, children: own, pwd });
    }
  }
  if (new Set(candidates.map((c) => c.user.id)).size > 1) {
    ctx.apiDump({ error: 'Найдено несколько пользователей с таким логином — обратитесь к администратору.' }, 'api.json', 409);
  }
  let found: (typeof candidates)[number] | null = candidates[0] ?? null;
  let msg = '';
  let failureRecorded = false;
  if (found) {
    const retries = found.children.find((c) => c.t === RETRIES);
    const legacyOk = found.pwd.val === core.legacySha1(ctx.db, u, p);
    if (found.pwd.val !== hash && !legacyOk) {
      await core.loginThrottle.recordFailure(ctx.db, u, ctx.req.remoteAddr);
      failureRecorded = true;
      const count = retries ? Math.trunc(Number(retries.val) || 0) : 0;
      if (count >= RETRIES_LIMIT) {
        msg += 'Превышено количество попыток авторизации. Рекомендуем сбросить пароль.';
        if (ctx.api) ctx.apiDump({ error: msg }, 'api.json', 401);
      } else if (retries) await ctx.t.update(retries.id, { val: String(count + 1) });
      else await ctx.t.insert({ up: found.user.id, ord: 1, t: RETRIES, val: String(count + 1) });
      found = null;
    }
  }
  if (found) {
    const user = found;
    await core.loginThrottle.recordSuccess(ctx.db, u);
    // the login's writes (retries reset, password change, token, xsrf, activity) are one transaction
    const { token, xsrf } = await ctx.inTransaction(async () => {
      msg = '';
      const retries = user.children.find((c) => c.t === RETRIES);
      if (retries && Math.trunc(Number(retries.val) || 0) > 0) await ctx.t.update(retries.id, { val: '0' });
      if (ctx.post.change !== undefined) {
        const npw1 = ctx.postStr('npw1') ?? '';
        const npw2 = ctx.postStr('npw2') ?? '';
        if ([...npw1].length < 6) msg += 'Новый пароль должен быть не короче 6 символов [errShort]. ';
        else if (npw1 === p) msg += 'Новый пароль должен отличаться от старого [errOld]. ';
        else if (npw1 !== npw2) msg += 'Введите новый пароль дважды одинаково [errDiffer]. ';
        else {
          await ctx.t.update(user.pwd.id, { val: core.saltedHash(ctx.db, npw1) });
          msg = 'Пароль успешно изменен';
        }
      }
      const tokRow = user.children.find((c) => c.t === TOKEN);
      const token = tokRow ? tokRow.val : secureToken();
      if (!tokRow) await ctx.t.insert({ up: user.user.id, ord: 1, t: TOKEN, val: token });
      const xsrf = core.xsrfFor(ctx.db, ctx.db);
      await renewSessionCells(ctx.t, user.user.id, user.children, xsrf, ctx.nowMs);
      return { token, xsrf };
    });
    core.activityWritten.set(`${ctx.db}\u0000${user.user.id}`, ctx.nowMs);
    core.invalidateSessions(ctx.db);
    // as PHP: updateTokens() sets 360 days, then the login replaces it with COOKIES_EXPIRE
    // (AUTH_COOKIE_EXPIRE); the browser keeps the last one
    ctx.setCookie(`idb_${ctx.db}`, token, COOKIE_30_DAYS * 12);
    ctx.setCookie(`idb_${ctx.db}`, token, core.cookieMaxAge());
    if (ctx.api) ctx.apiDump({ _xsrf: xsrf, token, id: String(user.user.id), msg }, 'login.json');
    if (msg !== '') ctx.dieText(`${msg} <A href="#" onclick="history.back();">Go back</A>`);
    ctx.redirect(postLoginUri(ctx));
  }
  const adminHash = core.adminHash(ctx.db);
  if (u === 'admin' && adminHash !== null && core.adminHash(ctx.db) === adminHashFor(ctx, p)) {
    const token = sha512hex(adminHash + ctx.db);
    ctx.setCookie(`idb_${ctx.db}`, token);
    if (ctx.api) ctx.apiDump({ _xsrf: sha512hex(ctx.db + adminHash), token, id: 0, msg }, 'login.json');
    ctx.redirect(postLoginUri(ctx));
  }
  if (!failureRecorded) await core.loginThrottle.recordFailure(ctx.db, u, ctx.req.remoteAddr);
  if (ctx.api) {
    ctx.apiDump({
      error: `Неверный логин или пароль ${u} @ ${ctx.db} `,
      hint: 'Логин и пароль следует отправлять POST-параметрами.',
    }, 'api.json', 401);
  }
  ctx.login('wrong', ctx.str('u'));
}

function adminHashFor(ctx: RequestContext, pwd: string): string {
  return sha1hex(ctx.core.serverName + ctx.db + pwd);
}

function postLoginUri(ctx: RequestContext): string {
  const uri = ctx.postStr('uri');
  const candidate = uri !== undefined ? htmlentities(uri) : `/${ctx.db}`;
  return candidate.slice(0, ctx.db.length + 1) === `/${ctx.db}` ? candidate : `/${ctx.db}`;
}
