/**
 * Sign-in by QR code (docs/legacy-api.md, "Sign-in by QR code"), the PHP engine's `qrnew`, `qrpoll`
 * and `qrlogin`:
 *
 * - `POST qrnew` (no login): a two-minute session with a public `code` (in the QR), a private `secret`
 *   (only for the screen that asked), a six-digit `pair` number derived from the code, the `url` the
 *   phone opens and the `ttl`. Too many open sessions (per database or per caller address): 429, a
 *   refusal; open sessions are never evicted.
 * - `POST qrpoll` with `c` and `s` in the body: `expired`, `pending`, `denied` (403, a wrong secret)
 *   or `confirmed` with the user's permanent token, `_xsrf` and login, given once (the session goes).
 * - `qrlogin?c=` for a signed-in user: the confirmation page (pair number, database, user, a form
 *   posting `_xsrf`); its POST confirms. A guest is sent to sign in (with a `qr_pending` cookie).
 *
 * The sessions are appliance documents with an expiry, so every instance behind a proxy shares them.
 * Deliberate difference (docs/compatibility.md): the master admin cannot confirm a QR sign-in (his
 * credential is derived from the server's master password and is not handed to another device).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { RequestContext } from './context.js';
import { htmlspecialchars } from './php.js';
import { checkXsrf } from './auth.js';
import { TOKEN } from './ids.js';

/** PHP QR_LOGIN_TTL, QR_LOGIN_MAX, QR_LOGIN_MAX_IP, QR_CODE_MASK */
export const QR_TTL_SECONDS = 120;
export const QR_MAX_PER_DB = 200;
export const QR_MAX_PER_ADDRESS = 5;
const CODE_MASK = /^[a-f0-9]{32,64}$/;
const KIND = 'qr-login';

interface QrSession {
  code: string;
  secret: string;
  /** engine clock, ms */
  createdAt: number;
  status: 'pending' | 'confirmed';
  client: string;
  ip: string;
  user: string;
  token: string;
  xsrf: string;
}

/** PHP t9n(): the part of a `[RU]…[EN]…` text in the caller's language (cookie `{db}_locale`, `my_locale`, else RU) */
export function t9n(ctx: RequestContext, text: string): string {
  const locale = ctx.req.cookies[`${ctx.db}_locale`] ?? ctx.req.cookies.my_locale ?? 'RU';
  const at = text.toLowerCase().indexOf(`[${locale.toLowerCase()}]`);
  if (at < 0) return text;
  const rest = text.slice(at + 4);
  const next = /\[[A-Z]{2}\]/.exec(rest);
  return next ? rest.slice(0, next.index) : rest;
}

/** the six-digit number shown on both screens: the first 24 bits of sha256(code), mod 10^6 */
export function qrPairNumber(code: string): string {
  const n = parseInt(createHash('sha256').update(code).digest('hex').slice(0, 6), 16);
  return String(n % 1_000_000).padStart(6, '0');
}

function sameSecret(a: string, b: string): boolean {
  const h = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(h(a), h(b)) && a.length === b.length;
}

const docId = (db: string, code: string): string => `${db}:${code}`;

function expired(s: QrSession, nowMs: number): boolean {
  return nowMs - s.createdAt > QR_TTL_SECONDS * 1000;
}

async function findSession(ctx: RequestContext, code: string): Promise<QrSession | null> {
  const doc = await ctx.store.appliance.get<QrSession>(KIND, docId(ctx.db, code));
  if (!doc || expired(doc.body, ctx.nowMs)) return null;
  return doc.body;
}

function json(ctx: RequestContext, value: Record<string, string | number>, status = 200): never {
  ctx.dieJson(value, status);
}

function postOnly(ctx: RequestContext): void {
  if (ctx.req.method.toUpperCase() !== 'POST') json(ctx, { error: t9n(ctx, '[RU]Только POST[EN]POST only') }, 405);
}

/** PHP qrLoginClientHint(): browser · system · address of the screen that asked, for the phone's page */
function clientHint(ctx: RequestContext): string {
  const ua = (ctx.req.headers['user-agent'] ?? '').toLowerCase();
  const pick = (table: Array<[string, string]>) => table.find(([needle]) => ua.includes(needle.toLowerCase()))?.[1] ?? '';
  const browser = pick([['YaBrowser', 'Яндекс.Браузер'], ['Edg', 'Edge'], ['OPR', 'Opera'], ['Firefox', 'Firefox'], ['Chrome', 'Chrome'], ['Safari', 'Safari']]);
  const os = pick([['Windows', 'Windows'], ['Macintosh', 'macOS'], ['Android', 'Android'], ['iPhone', 'iPhone'], ['iPad', 'iPad'], ['Linux', 'Linux']]);
  return [browser, os, ctx.req.remoteAddr].filter((p) => p !== '').join(' · ').slice(0, 120);
}

function isHttps(ctx: RequestContext): boolean {
  return (ctx.req.headers['x-forwarded-proto'] ?? '').toLowerCase() === 'https';
}

/** the QR's address is built from the request's Host, cleaned to host-name characters */
function baseUrl(ctx: RequestContext): string {
  let host = ctx.req.host;
  if (!/^[a-z0-9.-]+(:[0-9]{1,5})?$/i.test(host)) host = ctx.core.serverName;
  return `${isHttps(ctx) ? 'https' : 'http'}://${host.replace(/[^a-z0-9.:-]/gi, '')}`;
}

/** `qrnew` */
export async function qrNewAction(ctx: RequestContext): Promise<never> {
  postOnly(ctx);
  const ip = ctx.req.remoteAddr;
  const live = (await ctx.store.appliance.list<QrSession>(KIND, { ref: ctx.db })).filter((d) => !expired(d.body, ctx.nowMs));
  if (live.length >= QR_MAX_PER_DB || (ip !== '' && live.filter((d) => d.body.ip === ip).length >= QR_MAX_PER_ADDRESS)) {
    json(ctx, { error: t9n(ctx, '[RU]Слишком много запросов кода. Подождите две минуты и повторите.[EN]Too many code requests. Wait two minutes and try again.') }, 429);
  }
  const session: QrSession = {
    code: randomBytes(32).toString('hex'),
    secret: randomBytes(32).toString('hex'),
    createdAt: ctx.nowMs,
    status: 'pending',
    client: clientHint(ctx),
    ip,
    user: '',
    token: '',
    xsrf: '',
  };
  await ctx.store.appliance.put(KIND, docId(ctx.db, session.code), session, { ref: ctx.db, expiresAt: new Date(ctx.nowMs + QR_TTL_SECONDS * 1000) });
  json(ctx, {
    code: session.code,
    secret: session.secret,
    pair: qrPairNumber(session.code),
    url: `${baseUrl(ctx)}/${ctx.db}/qrlogin?c=${session.code}`,
    ttl: QR_TTL_SECONDS,
  });
}

/** `qrpoll`: the code and secret only from the body (a query string lands in logs) */
export async function qrPollAction(ctx: RequestContext): Promise<never> {
  postOnly(ctx);
  const c = ctx.postStr('c') ?? '';
  const s = ctx.postStr('s') ?? '';
  if (!CODE_MASK.test(c) || !CODE_MASK.test(s)) json(ctx, { status: 'expired' });
  const session = await findSession(ctx, c);
  if (!session) json(ctx, { status: 'expired' });
  if (!sameSecret(session.secret, s)) json(ctx, { status: 'denied' }, 403);
  if (session.status !== 'confirmed') json(ctx, { status: 'pending' });
  // whoever deletes the document gets the token: once, whatever instance answers
  if (!(await ctx.store.appliance.delete(KIND, docId(ctx.db, c)))) json(ctx, { status: 'expired' });
  json(ctx, { status: 'confirmed', token: session.token, _xsrf: session.xsrf, user: session.user });
}

/** `qrlogin` before authentication: remember the code for a guest who signs in first */
export function qrPendingCookie(ctx: RequestContext): void {
  const c = ctx.getStr('c') ?? '';
  if (CODE_MASK.test(c)) ctx.cookiesOut.push({ name: 'qr_pending', value: `${ctx.db}:${c}`, maxAge: QR_TTL_SECONDS, path: '/', httpOnly: true, sameSite: 'Lax', secure: isHttps(ctx) });
}

/**
 * PHP qrLoginPendingRedirect(): a sign-in that does not return through `uri` (OAuth) goes back to the
 * QR confirmation page the `qr_pending` cookie names; the cookie is cleared. '' when there is none
 * (or it is malformed: only a database name and a code pass, so it cannot point elsewhere).
 */
export function qrPendingRedirect(ctx: RequestContext): string {
  const pending = ctx.req.cookies.qr_pending ?? '';
  if (pending === '') return '';
  ctx.cookiesOut.push({ name: 'qr_pending', value: '', maxAge: 0, path: '/' });
  const at = pending.indexOf(':');
  if (at < 0) return '';
  const db = pending.slice(0, at);
  const code = pending.slice(at + 1);
  if (!/^[a-z0-9_]{1,15}$/i.test(db) || !CODE_MASK.test(code)) return '';
  return `/${db}/qrlogin?c=${code}`;
}

function page(ctx: RequestContext, title: string, inner: string): never {
  ctx.dieText(
    '<!DOCTYPE html><html lang="ru"><head><meta charset="UTF-8">'
      + '<meta name="viewport" content="width=device-width, initial-scale=1.0">'
      + `<title>${htmlspecialchars(title)}</title>`
      + '<link rel="stylesheet" href="/css/styles.css">'
      + '<script>try{document.documentElement.setAttribute("data-theme", localStorage.getItem("theme")||"light");}catch(e){}</script>'
      + `</head><body><div class="auth-container"><div class="auth-card">${inner}</div></div></body></html>`,
  );
}

function expiredPage(ctx: RequestContext): never {
  page(ctx, t9n(ctx, '[RU]Вход по QR-коду[EN]QR sign-in'), `<h1>${t9n(ctx, '[RU]Код устарел[EN]The code has expired')}</h1>`
    + `<p>${t9n(ctx, '[RU]QR-код живёт две минуты. Обновите его на компьютере и отсканируйте заново.[EN]A QR code is valid for two minutes. Refresh it on your computer and scan again.')}</p>`);
}

/** `qrlogin` for a signed-in user: the confirmation page, and its POST */
export async function qrLoginAction(ctx: RequestContext): Promise<never> {
  const s = ctx.session!;
  if (s.guest) ctx.login('InvalidToken');
  const code = ctx.postStr('c') ?? ctx.getStr('c') ?? '';
  ctx.cookiesOut.push({ name: 'qr_pending', value: '', maxAge: 0, path: '/' });
  const title = t9n(ctx, '[RU]Вход по QR-коду[EN]QR sign-in');
  if (!CODE_MASK.test(code)) {
    page(ctx, title, `<h1>${t9n(ctx, '[RU]Ссылка не распознана[EN]Unrecognized link')}</h1>`
      + `<p>${t9n(ctx, '[RU]Откройте страницу входа на компьютере и отсканируйте QR-код заново.[EN]Open the sign-in page on your computer and scan the QR code again.')}</p>`);
  }
  const session = await findSession(ctx, code);
  if (!session) expiredPage(ctx);
  if (ctx.req.method.toUpperCase() === 'POST') {
    checkXsrf(ctx);
    if (s.userId <= 0) {
      page(ctx, title, `<h1>${t9n(ctx, '[RU]Вход не подтверждён[EN]Sign-in not confirmed')}</h1>`
        + `<p>${t9n(ctx, '[RU]Мастер-администратор не может подтвердить вход по QR-коду. Войдите на компьютере с паролем.[EN]The master admin cannot confirm a QR sign-in. Sign in on the computer with a password.')}</p>`);
    }
    // the user's permanent token (not what this request authenticated with, e.g. a secret)
    const token = (await ctx.t.find({ up: s.userId, t: TOKEN }, { limit: 1 }))[0]?.val ?? s.token;
    if (session.status !== 'confirmed') {
      const id = docId(ctx.db, code);
      const doc = await ctx.store.appliance.get<QrSession>(KIND, id);
      if (!doc) expiredPage(ctx);
      await ctx.store.appliance.put(KIND, id, { ...doc.body, status: 'confirmed', user: s.user, token, xsrf: s.xsrf }, { ref: ctx.db, expiresAt: doc.expiresAt });
    }
    ctx.core.logger?.info({ db: ctx.db, user: s.user, from: ctx.req.remoteAddr }, 'QR sign-in confirmed');
    page(ctx, t9n(ctx, '[RU]Вход подтверждён[EN]Sign-in confirmed'), `<h1>${t9n(ctx, '[RU]Вход подтверждён[EN]Sign-in confirmed')}</h1>`
      + `<p>${t9n(ctx, '[RU]Вернитесь к компьютеру — там уже открывается база.[EN]Get back to your computer — the database is opening there.')}</p>`
      + `<a class="btn-primary" style="text-decoration:none;" href="/${htmlspecialchars(ctx.db)}">${t9n(ctx, '[RU]Открыть базу здесь[EN]Open the database here')}</a>`);
  }
  page(ctx, title, `<h1>${t9n(ctx, '[RU]Подтвердите вход[EN]Confirm the sign-in')}</h1>`
    + `<p style="margin-bottom:0.25rem;">${t9n(ctx, '[RU]Проверочное число[EN]Verification number')}:</p>`
    + `<p style="font-size:2rem; font-weight:700; letter-spacing:0.2em; margin:0 0 0.75rem;">${htmlspecialchars(qrPairNumber(code))}</p>`
    + `<p style="margin-top:0;"><b>${t9n(ctx, '[RU]Подтверждайте, только если это же число показано на том экране, где вы отсканировали код.[EN]Confirm only if the same number is shown on the screen where you scanned the code.')}</b></p>`
    + `<p>${t9n(ctx, '[RU]База[EN]Database')}: <b>${htmlspecialchars(ctx.db)}</b><br>${t9n(ctx, '[RU]Пользователь[EN]User')}: <b>${htmlspecialchars(s.user)}</b>`
    + (session.client !== '' ? `<br>${t9n(ctx, '[RU]Запрос с устройства[EN]Requested from')}: ${htmlspecialchars(session.client)}` : '') + '</p>'
    + `<form method="post" action="/${htmlspecialchars(ctx.db)}/qrlogin?c=${htmlspecialchars(code)}">`
    + `<input type="hidden" name="c" value="${htmlspecialchars(code)}">`
    + `<input type="hidden" name="_xsrf" value="${htmlspecialchars(s.xsrf)}">`
    + `<button type="submit" class="btn-primary">${t9n(ctx, '[RU]Подтвердить вход[EN]Confirm sign-in')}</button></form>`
    + `<p style="margin-top:1.5rem; margin-bottom:0; font-size:0.85rem;">${t9n(ctx, '[RU]Если вы не открывали вход на другом устройстве — просто закройте страницу.[EN]If you did not start a sign-in on another device, just close this page.')}</p>`);
}
