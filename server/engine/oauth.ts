/**
 * OAuth sign-in with Google and Yandex, the PHP engine's `auth.asp` callback (docs/legacy-api.md,
 * "OAuth"):
 *
 * - `/auth.asp?error=…` (the user refused at the provider): the login answer `oauthError` with the
 *   provider's reason.
 * - `/auth.asp?code=…&state=…` and `/my?code=…&state=…`: Yandex when `state` starts with `yandex`
 *   (`yandex:<db>` names a database), Google otherwise (`state` is the database). The code is
 *   exchanged for an access token (POST), the user's id read from the provider's userinfo, and the
 *   user looked up in `my` by that id: their token is kept (or made), `xsrf` and activity renewed, the
 *   `idb_my` cookie set; when they have a database (the one `state` names, if any) its owner's token
 *   goes into `idb_<db>` too. Then a redirect: to the QR confirmation page when a `qr_pending` cookie
 *   is there, else to `/<db>` — only ever a validated database name, never `state` as it came.
 * - A code seen within 10 minutes is not exchanged again (a browser retry, a link preview): the
 *   request is redirected; one arriving while the first is being exchanged waits for it. The marker
 *   is an appliance document, so every instance behind a proxy agrees.
 * - An unknown social user: with registration on (REGISTRATION_ENABLED) an account in `my` and a
 *   database of their own from the template, as the PHP engine does, through the host's
 *   create-from-template (NewDatabasePort); otherwise refused with `oauthError` (docs/compatibility.md).
 *
 * The provider's endpoints and the outbound requests are the host's (EngineOAuthPort): the engine
 * opens no connection, and tests point the endpoints at a fake provider on 127.0.0.1. Codes, tokens
 * and the client secret are never logged.
 */
import { createHash } from 'node:crypto';
import { renewSessionCells, secureToken } from './auth.js';
import type { RequestContext } from './context.js';
import type { OAuthProvider } from './types.js';
import type { TenantStore } from '../storage/types.js';
import { ACTIVITY, EMAIL, TOKEN, USER, XSRF } from './ids.js';
import { dateYmd, htmlspecialchars } from './php.js';
import { qrPendingRedirect, t9n } from './qr-login.js';
import {
  DATABASE, DATABASE_DATE, DATABASE_NOTES, DATABASE_TEMPLATE, insertOwner, LOCALE_COOKIE_SECONDS, NEW_DB_NAME, PRIVATE_SPACE, reservedName,
  TOKEN_COOKIE_SECONDS, USER_DATE, USER_NAME, USER_ROLE_REQUISITE,
} from './new-db.js';

/** requisites of a user in `my` the PHP engine writes for a social sign-in */
const USER_ROLE_LINK = 164;
const USER_PICTURE = 280;
const USER_SOCIAL = 274;
const USER_AFFILIATE = 1012;
/** a code seen within this long is not exchanged again (PHP: the `.used` marker, 600 s) */
const USED_CODE_SECONDS = 600;
/** how long a callback waits for another one exchanging the same code, and how often it looks */
const WAIT_FOR_FIRST_MS = 30_000;
const WAIT_STEP_MS = 100;
const KIND = 'oauth-code';

type ProviderName = 'Google' | 'Yandex';
interface SocialUser {
  id: string;
  email: string;
  name: string;
  picture: string;
}

/** PHP empty(): '' and '0' are empty */
function filled(v: string | undefined): v is string {
  return v !== undefined && v !== '' && v !== '0';
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/** a database name from `state` as the engine accepts it (USER_DB_MASK), else '' */
function validDb(name: string): string {
  return NEW_DB_NAME.test(name) ? name : '';
}

/** the request is the OAuth error callback: `/auth.asp?error=…` with no code */
export function isOAuthErrorCallback(ctx: RequestContext): boolean {
  return !filled(ctx.getStr('code')) && filled(ctx.getStr('error'));
}

/** `/auth.asp?error=…`: the login answer `oauthError` (no database) with the provider's reason */
export function oauthErrorAction(ctx: RequestContext): never {
  ctx.loginIn('', 'oauthError', '', htmlspecialchars(ctx.getStr('error') ?? ''));
}

/** a code callback (`/auth.asp` or `/my` with `code`) */
export function isOAuthCodeCallback(ctx: RequestContext): boolean {
  return ctx.db === PRIVATE_SPACE && filled(ctx.getStr('code')) && ctx.req.action !== 'register';
}

const codeId = (code: string): string => createHash('sha256').update(code).digest('hex');
const sleep = (ms: number) => new Promise<void>((resolve) => { setTimeout(resolve, ms); });

/**
 * The duplicate guard: returns when this request may exchange the code (it holds the marker until
 * markUsed). A code already exchanged, or being exchanged (after waiting for that, at most 30 s),
 * ends the request with the PHP engine's redirect.
 */
async function claimCode(ctx: RequestContext, code: string, state: string): Promise<void> {
  const { appliance } = ctx.store;
  const id = codeId(code);
  const expiresAt = () => new Date(ctx.core.clock.now() + USED_CODE_SECONDS * 1000);
  if (await appliance.create(KIND, id, { used: false }, { expiresAt: expiresAt() })) return;
  const existing = await appliance.get<{ used: boolean }>(KIND, id);
  if (existing && existing.expiresAt !== null && existing.expiresAt.getTime() <= ctx.core.clock.now()) {
    // a stale marker the cleanup has not removed yet
    await appliance.put(KIND, id, { used: false }, { expiresAt: expiresAt() });
    return;
  }
  if (existing && !existing.body.used) {
    ctx.core.logger?.info({ db: ctx.db }, 'OAuth: duplicate callback, waiting for the first');
    for (let waited = 0; waited < WAIT_FOR_FIRST_MS; waited += WAIT_STEP_MS) {
      await sleep(WAIT_STEP_MS);
      const now = await appliance.get<{ used: boolean }>(KIND, id);
      if (!now || now.body.used) break;
    }
  } else ctx.core.logger?.info({ db: ctx.db }, 'OAuth: duplicate callback, code already exchanged');
  const dupDb = state.startsWith('yandex:') ? validDb(decode(state.slice(7))) : '';
  ctx.redirect(`/${dupDb || PRIVATE_SPACE}`);
}

async function markUsed(ctx: RequestContext, code: string): Promise<void> {
  await ctx.store.appliance.put(KIND, codeId(code), { used: true }, { expiresAt: new Date(ctx.core.clock.now() + USED_CODE_SECONDS * 1000) });
}

/**
 * The redirect_uri, which must be the one the sign-in page sent to the provider: PUBLIC_URL, else
 * https:// and the request's host (PHP: the Host header for Yandex, SERVER_NAME for Google;
 * docs/compatibility.md)
 */
function redirectUri(ctx: RequestContext): string {
  const configured = ctx.core.oauth?.publicUrl;
  if (configured) return `${configured}/auth.asp`;
  return `https://${(ctx.req.host || ctx.core.serverName).replace(/[^a-z0-9.:-]/gi, '')}/auth.asp`;
}

function parseObject(text: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const text = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

/** one outbound request; a transport failure reads as an empty answer (the PHP engine's curl error) */
async function send(ctx: RequestContext, provider: ProviderName, step: string, req: Parameters<NonNullable<RequestContext['core']['oauth']>['request']>[0]): Promise<{ status: number; data: Record<string, unknown> }> {
  try {
    const answer = await ctx.core.oauth!.request(req);
    return { status: answer.status, data: parseObject(answer.text) };
  } catch (err) {
    ctx.core.logger?.warn({ provider, step, reason: err instanceof Error ? err.message : String(err) }, 'OAuth: provider unreachable');
    return { status: 0, data: {} };
  }
}

/** the token exchange (POST, form-encoded) */
async function exchange(ctx: RequestContext, provider: ProviderName, config: OAuthProvider, code: string): Promise<Record<string, unknown>> {
  const body = new URLSearchParams({
    grant_type: 'authorization_code', code, client_id: config.clientId, client_secret: config.clientSecret, redirect_uri: redirectUri(ctx),
  }).toString();
  const { status, data } = await send(ctx, provider, 'token', {
    method: 'POST', url: config.tokenUrl, headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' }, body,
  });
  if (status !== 200 || !text(data.access_token)) {
    ctx.core.logger?.warn({ provider, status, error: text(data.error), description: text(data.error_description) }, 'OAuth: token exchange failed');
  }
  return data;
}

/** the provider's userinfo; null when it names no user (PHP: "Authentication error") */
async function userinfo(ctx: RequestContext, provider: ProviderName, config: OAuthProvider, data: Record<string, unknown>): Promise<SocialUser | null> {
  const accessToken = text(data.access_token);
  let info: Record<string, unknown>;
  let status: number;
  if (provider === 'Yandex') {
    ({ status, data: info } = await send(ctx, provider, 'userinfo', { method: 'GET', url: config.userinfoUrl, headers: { Authorization: `OAuth ${accessToken}` } }));
  } else {
    const query = new URLSearchParams({ access_token: accessToken, id_token: text(data.id_token), token_type: 'Bearer', expires_in: '3599' }).toString();
    const url = `${config.userinfoUrl}${config.userinfoUrl.includes('?') ? '&' : '?'}${query}`;
    ({ status, data: info } = await send(ctx, provider, 'userinfo', { method: 'GET', url, headers: {} }));
  }
  const id = text(info.id);
  if (info.id === undefined || info.id === null || id === '') {
    ctx.core.logger?.warn({ provider, status }, 'OAuth: userinfo names no user');
    return null;
  }
  if (provider === 'Yandex') {
    const avatar = text(info.default_avatar_id) || '0';
    return {
      id,
      email: text(info.default_email),
      name: text(info.display_name) || text(info.real_name),
      picture: `https://avatars.yandex.net/get-yapic/${avatar}/islands-200`,
    };
  }
  return { id, email: text(info.email), name: text(info.name), picture: text(info.picture) };
}

/** PHP updateTokens(): the user's token kept (or made), xsrf and activity renewed, `idb_my` set */
async function updateTokens(ctx: RequestContext, uid: number): Promise<string> {
  let token = '';
  await ctx.inTransaction(async () => {
    const cells = await ctx.t.find({ up: uid, t: [TOKEN, XSRF, ACTIVITY] });
    const tok = cells.find((c) => c.t === TOKEN);
    token = tok ? tok.val : secureToken();
    if (!tok) await ctx.t.insert({ up: uid, ord: 1, t: TOKEN, val: token });
    await renewSessionCells(ctx.t, uid, cells, ctx.core.xsrfFor(ctx.db, token), ctx.core.clock.now());
  });
  ctx.core.invalidateSessions(ctx.db);
  ctx.setCookie(`idb_${ctx.db}`, token, TOKEN_COOKIE_SECONDS);
  return token;
}

/** the owner's token of a user's database (made when missing); the login answer `adminNotFound` without an owner */
async function ownerToken(ctx: RequestContext, db: string, provider: ProviderName): Promise<string> {
  if (!(await ctx.core.databaseExists(ctx.store, db))) {
    ctx.loginIn('', 'dBNotExists', '', `База ${db} не существует [Get token for ${provider} user]`);
  }
  let token: string | null = null;
  await ctx.store.transaction(db, async (t) => {
    const owner = (await t.find({ t: USER, val: db }, { limit: 1 }))[0];
    if (!owner) return;
    const tok = (await t.find({ up: owner.id, t: TOKEN }, { limit: 1 }))[0];
    token = tok ? tok.val : secureToken();
    if (!tok) await t.insert({ up: owner.id, ord: 1, t: TOKEN, val: token });
    if ((await t.count({ up: owner.id, t: XSRF })) === 0) await t.insert({ up: owner.id, ord: 1, t: XSRF, val: ctx.core.xsrfFor(db, token) });
  });
  if (token === null) ctx.loginIn(db, 'adminNotFound');
  ctx.core.invalidateSessions(db);
  return token;
}

/** PHP mail2DB(): the e-mail's local part as a database name, else `g<user id>` */
async function databaseNameFor(ctx: RequestContext, email: string, uid: number): Promise<string> {
  const name = (email.split('@')[0] ?? '').replace(/[^A-Za-z0-9 ]/g, '').slice(0, 15).toLowerCase();
  const vacant = NEW_DB_NAME.test(name) && !reservedName(name) && (await ctx.t.count({ t: DATABASE, val: name })) === 0;
  return vacant ? name : `g${uid}`;
}

/**
 * An unknown social user, as the PHP engine registers them: a user in `my` (newUser), then a database
 * of their own from the template (createDb). Returns the database the sign-in lands in.
 */
async function register(ctx: RequestContext, provider: ProviderName, user: SocialUser): Promise<string> {
  const port = ctx.core.databases!;
  const token = secureToken();
  const xsrf = ctx.core.xsrfFor(ctx.db, token);
  const nowMs = ctx.core.clock.now();
  const today = dateYmd(nowMs / 1000);
  const affiliate = ctx.req.cookies._aff;
  let uid = 0;
  await ctx.inTransaction(async () => {
    uid = await ctx.t.insert({ up: 1, ord: 0, t: USER, val: user.id });
    await ctx.t.insert({ up: uid, ord: 1, t: EMAIL, val: user.email });
    await ctx.t.insert({ up: uid, ord: 1, t: USER_ROLE_LINK, val: USER_ROLE_REQUISITE });
    await ctx.t.insert({ up: uid, ord: 1, t: USER_DATE, val: today });
    if (user.name) await ctx.t.insert({ up: uid, ord: 1, t: USER_NAME, val: user.name });
    if (user.picture) await ctx.t.insert({ up: uid, ord: 1, t: USER_PICTURE, val: user.picture });
    await ctx.t.insert({ up: uid, ord: 1, t: USER_SOCIAL, val: provider });
    await ctx.t.insert({ up: uid, ord: 1, t: TOKEN, val: token });
    await ctx.t.insert({ up: uid, ord: 1, t: XSRF, val: xsrf });
    if (affiliate !== undefined) await ctx.t.insert({ up: uid, ord: 1, t: USER_AFFILIATE, val: String(Math.trunc(Number.parseInt(affiliate, 10) || 0)) });
  });
  ctx.core.invalidateSessions(ctx.db);
  ctx.setCookie(`idb_${ctx.db}`, token, TOKEN_COOKIE_SECONDS);
  let db = await databaseNameFor(ctx, user.email, uid);
  if ((await ctx.t.count({ t: DATABASE, val: db })) > 0) return ctx.db;
  const locale = (ctx.req.cookies[`${ctx.db}_locale`] ?? ctx.req.cookies.my_locale ?? 'RU').toUpperCase();
  const wanted = locale === 'EN' ? 'en' : 'ru';
  const template = (await port.templates()).includes(wanted) ? wanted : 'ru';
  const populate = (tx: TenantStore) => insertOwner(tx, { db, nowMs, token, xsrf, email: user.email, name: user.name });
  let outcome = await port.create(db, template, populate);
  // a database of that name exists without being registered in my (made by an administrator): the
  // user's own `g<id>` instead (the PHP engine checks only my and would fail creating the table)
  if (outcome === 'taken' && db !== `g${uid}`) {
    db = `g${uid}`;
    outcome = await port.create(db, template, populate);
  }
  if (outcome === 'taken') {
    ctx.core.logger?.warn({ db }, 'OAuth: the new user\'s database name is taken; they land in my');
    return ctx.db;
  }
  try {
    await ctx.inTransaction(async () => {
      const id = await ctx.t.insert({ up: uid, ord: 1, t: DATABASE, val: db });
      await ctx.t.insert({ up: id, ord: 1, t: DATABASE_DATE, val: today });
      await ctx.t.insert({ up: id, ord: 1, t: DATABASE_TEMPLATE, val: template });
      await ctx.t.insert({ up: id, ord: 1, t: DATABASE_NOTES, val: t9n(ctx, '[RU]Тестовая база, создана при регистрации[EN]Test one, created upon registration') });
    });
  } catch (err) {
    await port.drop(db).catch(() => undefined);
    throw err;
  }
  ctx.core.invalidateMeta(db);
  ctx.setCookie(`idb_${db}`, token, TOKEN_COOKIE_SECONDS);
  ctx.setCookie(`${db}_locale`, locale, LOCALE_COOKIE_SECONDS);
  ctx.core.logger?.info({ provider, db }, 'OAuth: new user registered with a database');
  return db;
}

/** the code callback, `ctx.db` being `my` */
export async function oauthCodeAction(ctx: RequestContext): Promise<never> {
  const code = ctx.getStr('code') ?? '';
  const state = ctx.getStr('state') ?? '';
  const provider: ProviderName = state.startsWith('yandex') ? 'Yandex' : 'Google';
  const config = provider === 'Yandex' ? ctx.core.oauth?.yandex : ctx.core.oauth?.google;
  if (!config) {
    ctx.core.logger?.warn({ provider }, 'OAuth: sign-in callback for a provider that is not configured');
    ctx.loginIn('', 'oauthError', '', 'providerNotConfigured');
  }
  await claimCode(ctx, code, state);
  let data: Record<string, unknown>;
  try {
    data = await exchange(ctx, provider, config, code);
  } finally {
    await markUsed(ctx, code);
  }
  if (!text(data.access_token)) {
    ctx.loginIn('', 'oauthError', '', text(data.error_description) || text(data.error) || 'tokenExchangeFailed');
  }
  const user = await userinfo(ctx, provider, config, data);
  if (!user) ctx.myDie('Authentication error');
  // the database the sign-in asks for: `yandex:<db>` or Google's whole state, only a valid name
  const stateDb = validDb(provider === 'Yandex' ? (state.startsWith('yandex:') ? decode(state.slice(7)) : '') : state);

  const found = (await ctx.t.find({ t: USER, val: user.id }, { limit: 1 }))[0];
  let landing: string = ctx.db;
  if (found) {
    await updateTokens(ctx, found.id);
    const registered = (await ctx.t.find({ up: found.id, t: DATABASE, ...(stateDb ? { val: stateDb } : {}) }, { limit: 1 }))[0];
    if (registered && registered.val !== '') {
      landing = registered.val;
      ctx.setCookie(`idb_${landing}`, await ownerToken(ctx, landing, provider), TOKEN_COOKIE_SECONDS);
    }
    ctx.core.logger?.info({ provider, db: landing }, 'OAuth: signed in');
  } else {
    const oauth = ctx.core.oauth;
    if (!oauth?.registration || !ctx.core.databases) {
      ctx.core.logger?.info({ provider }, 'OAuth: unknown user refused (registration is off)');
      ctx.loginIn('', 'oauthError', '', 'registrationClosed');
    }
    landing = await register(ctx, provider, user);
  }
  const qrBack = qrPendingRedirect(ctx);
  ctx.redirect(qrBack !== '' ? qrBack : `/${provider === 'Google' && stateDb ? stateDb : landing}`);
}
