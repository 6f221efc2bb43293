/**
 * The PHP engine's password reset on the URL API (docs/legacy-api.md, "Registration, reset and
 * other logins"), PHP pwd_reset() and the `confirm` action:
 *
 * - `POST|GET /{db}/auth` with `login` and `reset`: the user whose login or e-mail requisite equals
 *   the (lower-cased) login gets a new 6-hex-character password by mail. With a password already
 *   set, the mail carries a link `/{db}/confirm?u=&p=<new hash>&o=<current hash>` and nothing
 *   changes until it is followed (answer `MAIL`); without one the new hash is stored at once
 *   (answer `NEW_PWD`). Anything else answers `WRONG_CONT`. JSON mode: `{message, db, login,
 *   details}`; a browser is sent to `/start.html?…&r=<message>`.
 * - `/{db}/confirm?u=&p=&o=`: sets the password hash `p` when the user's current hash is still `o`
 *   (answer `confirm`, a browser goes to `/{db}`), else `obsolete`.
 *
 * Deliberate differences (docs/compatibility.md): a reset request counts as a failed login of that
 * login (the shared throttle), so it cannot be repeated without limit; the SMS branch is not built
 * (a user with only a phone answers WRONG_CONT); the cabinet (`my`) fallback that recreates a
 * database's missing owner is not built.
 */
import { randomBytes } from 'node:crypto';
import type { Row } from '../storage/types.js';
import type { RequestContext } from './context.js';
import { sha512hex } from './format.js';
import { EMAIL, PASSWORD, USER } from './ids.js';

const MAIL_MASK = /.+@.+\..+/i;
const WRONG_CONT_DETAILS = 'Неверное имя, email или телефон в ЛК';

interface ResetCandidate {
  user: Row;
  email: string | null;
  pwd: Row | null;
}

/** PHP getUserForReset(): users whose login or e-mail address is `u`, with their e-mail and password rows. */
async function candidatesFor(ctx: RequestContext, u: string): Promise<ResetCandidate[]> {
  const byLogin = (await ctx.t.find({ t: USER, val: u })).filter((r) => r.up === 1);
  const byEmail = await ctx.t.find({ t: EMAIL, val: u });
  const ids = [...new Set([...byLogin.map((r) => r.id), ...byEmail.map((r) => r.up)])];
  if (ids.length === 0) return [];
  const users = (await ctx.t.find({ id: ids, t: USER })).filter((r) => r.up === 1).sort((a, b) => a.id - b.id);
  if (users.length === 0) return [];
  const children = await ctx.t.find({ up: users.map((x) => x.id), t: [EMAIL, PASSWORD] });
  return users.map((user) => ({
    user,
    email: children.find((c) => c.up === user.id && c.t === EMAIL)?.val ?? null,
    pwd: children.find((c) => c.up === user.id && c.t === PASSWORD) ?? null,
  }));
}

async function mail(ctx: RequestContext, to: string, subject: string, text: string): Promise<void> {
  try {
    await ctx.core.mail!.send({ to, subject, text });
  } catch (err) {
    // the PHP engine answers the same when its mail fails; the log says why
    ctx.core.logger?.warn({ db: ctx.db, err: err instanceof Error ? err.message : String(err) }, 'password reset mail not sent');
  }
}

/** `auth` with `reset` (PHP pwd_reset). */
export async function resetAction(ctx: RequestContext, u: string): Promise<never> {
  const { core } = ctx;
  const port = core.mail;
  const address = ctx.req.remoteAddr;
  const verdict = await core.loginThrottle.check(ctx.db, u, address);
  if (!verdict.allowed) {
    const msg = `Слишком много попыток. Повторите через ${verdict.retryAfterSeconds} с.`;
    ctx.headersOut['Retry-After'] = String(verdict.retryAfterSeconds);
    if (ctx.api) ctx.apiDump({ error: msg }, 'api.json', 429);
    ctx.dieText(msg, 429);
  }
  await core.loginThrottle.recordFailure(ctx.db, u, address);
  const row = (await candidatesFor(ctx, u))[0];
  if (row && port && port.origin === null) core.logger?.warn({ db: ctx.db }, 'password reset not mailed: set PUBLIC_URL or SERVER_NAME for the link');
  // without mail on this server nobody can be reached (docs/compatibility.md): WRONG_CONT
  if (row && port && row.email !== null && MAIL_MASK.test(row.email) && port.origin !== null) {
    const login = row.user.val;
    const pwd = sha512hex(randomBytes(16).toString('hex')).slice(0, 6);
    const sha = core.saltedHash(ctx.db, pwd);
    if (row.pwd) {
      const link = `${port.origin}/${ctx.db}/confirm?u=${encodeURIComponent(login)}&p=${sha}&o=${row.pwd.val}`;
      await mail(ctx, row.email, `Сброс пароля ${ctx.db}`, `Ваш новый пароль ${pwd}\r\nДля подтверждения его перейдите по ссылке: ${link}\r\n\r\nС уважением,\r\nКоманда Интеграм`);
      ctx.login('MAIL', login, 'Пароль отправлен по почте, подтвердите его смену по ссылке из письма');
    }
    await mail(ctx, row.email, 'Ваш новый пароль', `Ваш новый пароль ${pwd}\r\n${port.origin}/${ctx.db}/?login=${encodeURIComponent(login)}`);
    await ctx.t.insert({ up: row.user.id, ord: 1, t: PASSWORD, val: sha });
    core.invalidateSessions(ctx.db);
    ctx.login('NEW_PWD', login, 'Пароль отправлен по почте');
  }
  // a user was found but could not be reached: the engine drops the password and secret cookies
  // before its refusal (recorded in reset-confirm)
  if (row) {
    ctx.setCookie(`idb_${ctx.db}`, '', -3600);
    ctx.setCookie('secret', '', -3600);
  }
  ctx.login('WRONG_CONT', u, WRONG_CONT_DETAILS);
}

/** `confirm?u=&p=&o=`: the link of a reset mail. */
export async function confirmAction(ctx: RequestContext): Promise<never> {
  const u = ctx.str('u');
  const p = ctx.str('p');
  const o = ctx.str('o');
  const users = (await ctx.t.find({ t: USER, val: u })).filter((r) => r.up === 1);
  const pwd = users.length && o !== '' ? (await ctx.t.find({ up: users.map((x) => x.id), t: PASSWORD })).find((r) => r.val === o) : undefined;
  if (pwd && /^[0-9a-f]{128}$/.test(p)) {
    await ctx.t.update(pwd.id, { val: p });
    ctx.core.invalidateSessions(ctx.db);
    if (ctx.api) ctx.login('confirm', u);
    ctx.redirect(`/${ctx.db}`);
  }
  ctx.login('obsolete', encodeURIComponent(u));
}
