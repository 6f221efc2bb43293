/**
 * Login by a code sent by e-mail (docs/legacy-api.md, "Registration, reset and other logins"), PHP's
 * `getcode` and `checkcode`, answered before the token check:
 *
 * - `getcode?u={email}`: the user whose e-mail requisite is `u` gets a mail with the first four
 *   characters of their token, upper-cased (`{"msg":"ok"}`); no such user: `{"msg":"new"}`; not an
 *   address: `{"error":"invalid user"}`; two users with it: an error.
 * - `checkcode?u={email}&c={code}`: a right code rotates the user's token and answers
 *   `{"token","_xsrf"}` (no cookie); a wrong one counts on the user's retries requisite, and from the
 *   second failure on the code login is closed until a password login resets the counter.
 *
 * Deliberate differences (docs/compatibility.md): the mail goes through the server's SMTP settings
 * only, and without them `getcode` says so instead of answering `ok`; a `getcode` counts as a failed
 * login of that address (the shared throttle, so mails cannot be sent without limit), and both answer
 * 429 while the address or the caller is throttled.
 */
import type { Row } from '../storage/types.js';
import type { RequestContext } from './context.js';
import { renewSessionCells, secureToken } from './auth.js';
import { ACTIVITY, EMAIL, RETRIES, TOKEN, USER, XSRF } from './ids.js';

const MAIL_MASK = /.+@.+\..+/i;
/** PHP CHECKCODE_RETRIES_LIMIT */
const CHECKCODE_RETRIES_LIMIT = 2;
const TOO_MANY = 'Превышено количество попыток входа с кодом. Войдите с паролем.';

/** the engine's answers here: JSON text as PHP's die() prints it */
function answer(ctx: RequestContext, value: Record<string, string>): never {
  ctx.dieText(JSON.stringify(value));
}

async function throttled(ctx: RequestContext, u: string): Promise<void> {
  const verdict = await ctx.core.loginThrottle.check(ctx.db, u, ctx.req.remoteAddr);
  if (verdict.allowed) return;
  ctx.headersOut['Retry-After'] = String(verdict.retryAfterSeconds);
  ctx.dieText(JSON.stringify({ error: `Слишком много попыток. Повторите через ${verdict.retryAfterSeconds} с.` }), 429);
}

/** the e-mail rows equal to `u` whose parent is a user, each with its user's requisites */
async function usersByEmail(ctx: RequestContext, u: string): Promise<Array<{ user: number; cells: Row[] }>> {
  const emails = await ctx.t.find({ t: EMAIL, val: u });
  if (emails.length === 0) return [];
  const users = new Set((await ctx.t.find({ id: emails.map((e) => e.up), t: USER })).map((r) => r.id));
  const found = emails.filter((e) => users.has(e.up));
  const cells = found.length ? await ctx.t.find({ up: found.map((e) => e.up), t: [TOKEN, XSRF, ACTIVITY, RETRIES] }) : [];
  return found.map((e) => ({ user: e.up, cells: cells.filter((c) => c.up === e.up) }));
}

/** `getcode` (PHP: the token of the e-mail row's parent, whatever that row is) */
export async function getCodeAction(ctx: RequestContext): Promise<never> {
  const u = ctx.str('u').toLowerCase();
  if (!MAIL_MASK.test(u)) answer(ctx, { error: 'invalid user' });
  await throttled(ctx, u);
  const emails = await ctx.t.find({ t: EMAIL, val: u });
  if (emails.length > 1) answer(ctx, { error: 'Найдено несколько пользователей с таким email' });
  if (emails.length === 0) answer(ctx, { msg: 'new' });
  const port = ctx.core.mail;
  if (!port || port.origin === null) {
    ctx.core.logger?.warn({ db: ctx.db }, 'login code not mailed: no SMTP settings, or no PUBLIC_URL/SERVER_NAME for the link');
    answer(ctx, { error: 'На этом сервере не настроена отправка почты: войдите с паролем' });
  }
  await ctx.core.loginThrottle.recordFailure(ctx.db, u, ctx.req.remoteAddr);
  const token = (await ctx.t.find({ up: emails[0].up, t: TOKEN }, { limit: 1 }))[0]?.val ?? '';
  const optout = `${port.origin}/my/register?optout=${u}`;
  try {
    await port.send({
      to: u,
      subject: `Одноразовый пароль ${u}`,
      text: `Ваш код для входа: ${token.slice(0, 4).toUpperCase()}\r\n\r\nЕсли вы не хотите получать от нас писем, связанных с регистрацией ${u}, вы можете отписаться от оповещений:\r\n${optout}`,
    });
  } catch (err) {
    // the PHP engine answers `ok` whatever its mail did; the log says why
    ctx.core.logger?.warn({ db: ctx.db, err: err instanceof Error ? err.message : String(err) }, 'login code mail not sent');
  }
  answer(ctx, { msg: 'ok' });
}

/** `checkcode` */
export async function checkCodeAction(ctx: RequestContext): Promise<never> {
  const c = ctx.str('c').toLowerCase();
  const u = ctx.str('u').toLowerCase();
  if (!MAIL_MASK.test(u) || Buffer.byteLength(c) !== 4) answer(ctx, { error: 'invalid data' });
  await throttled(ctx, u);
  const found = await usersByEmail(ctx, u);
  if (found.length > 1) answer(ctx, { error: 'найдено несколько пользователей с таким email' });
  if (found.length === 0) answer(ctx, { error: 'user not found' });
  const { user, cells } = found[0];
  const cell = (t: number): Row | undefined => cells.find((r) => r.t === t);
  const retriesRow = cell(RETRIES);
  const retries = Math.trunc(Number(retriesRow?.val ?? 0) || 0);
  if (retries >= CHECKCODE_RETRIES_LIMIT) answer(ctx, { error: TOO_MANY });
  const tokRow = cell(TOKEN);
  if ((tokRow?.val ?? '').slice(0, 4).toLowerCase() !== c) {
    const next = retries + 1;
    await ctx.inTransaction(async () => {
      if (retriesRow) await ctx.t.update(retriesRow.id, { val: String(next) });
      else await ctx.t.insert({ up: user, ord: 1, t: RETRIES, val: String(next) });
    });
    await ctx.core.loginThrottle.recordFailure(ctx.db, u, ctx.req.remoteAddr);
    ctx.core.invalidateSessions(ctx.db);
    answer(ctx, { error: next >= CHECKCODE_RETRIES_LIMIT ? TOO_MANY : 'Неверный код' });
  }
  const token = secureToken();
  const xsrf = ctx.core.xsrfFor(ctx.db, ctx.db);
  await ctx.inTransaction(async () => {
    if (retriesRow && retries > 0) await ctx.t.update(retriesRow.id, { val: '0' });
    // a right code means the user has a token row (the code is its start)
    if (tokRow) await ctx.t.update(tokRow.id, { val: token });
    await renewSessionCells(ctx.t, user, cells, xsrf, ctx.nowMs);
  });
  await ctx.core.loginThrottle.recordSuccess(ctx.db, u);
  ctx.core.activityWritten.set(`${ctx.db}\u0000${user}`, ctx.nowMs);
  ctx.core.invalidateSessions(ctx.db);
  answer(ctx, { token, _xsrf: xsrf });
}
