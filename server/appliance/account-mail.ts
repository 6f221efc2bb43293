/**
 * Mail for Integram users (records of type 18 of a database), docs/modern-api.md "Mail":
 *
 * - Password reset: a request names a login or an e-mail address; when it matches one user with an
 *   address, a one-time link (1 h, single use, stored hashed: ./one-time-links.ts) is mailed. The
 *   answer never says whether anything matched, the mail leaves in the background (the same time
 *   for both), and requests are counted per address and per login in the appliance store. The new
 *   password is written in the engine's hash form (EngineOperations.setPassword), so the legacy
 *   `POST /{db}/auth` logs in with it; the user's legacy tokens end, the failed-login counter is cleared.
 * - Registration confirmation (REGISTRATION_REQUIRES_EMAIL_CONFIRMATION): the user is created
 *   without a password; the password's hash waits in the link (24 h) and is written when the link
 *   is followed, so no login works before.
 */
import type { EngineOperations } from '../engine/index.js';
import type { ApplianceStore } from '../storage/types.js';
import type { Mailer } from './mail.js';
import { OneTimeLinks } from './one-time-links.js';

export const RESET_LINK_TTL_SECONDS = 60 * 60;
export const CONFIRM_LINK_TTL_SECONDS = 24 * 60 * 60;

export interface ResetLimits {
  /** reset requests from one address per window */
  perAddress: number;
  /** reset requests naming one login (or address) of a database per window */
  perLogin: number;
  windowSeconds: number;
}

export const DEFAULT_RESET_LIMITS: ResetLimits = { perAddress: 10, perLogin: 3, windowSeconds: 15 * 60 };

export type AccountMailErrorCode = 'link_invalid' | 'weak_password' | 'too_many_attempts';

export class AccountMailError extends Error {
  constructor(
    readonly code: AccountMailErrorCode,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'AccountMailError';
  }
}

export interface AccountMailLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface AccountMailDeps {
  ops: EngineOperations;
  mailer: Mailer;
  appliance: () => ApplianceStore;
  logger?: AccountMailLogger;
  limits?: ResetLimits;
  now?: () => number;
}

interface ResetBody { db: string; userId: number; login: string }
interface ConfirmBody { db: string; login: string; email: string; hash: string }

/** What a reset request did; for logs and tests only, the HTTP answer is always the same. */
export type ResetOutcome = 'mailed' | 'unknown' | 'ambiguous' | 'no_email' | 'no_link';

/** The password rule of the caller (the modern API's), given the user's login: the problems, or none. */
export type PasswordCheck = (password: string, login: string) => string[];

function resetText(db: string, login: string, link: string): string {
  return [
    `Здравствуйте, ${login}!`,
    '',
    `Чтобы задать новый пароль для базы ${db}, перейдите по ссылке (она действует 1 час и только один раз):`,
    link,
    '',
    'Если вы не запрашивали сброс пароля, просто удалите это письмо: пароль останется прежним.',
    '',
    '---',
    '',
    `Hello ${login},`,
    '',
    `to set a new password for the database ${db}, open this link (valid for 1 hour, once):`,
    link,
    '',
    'If you did not ask for a new password, delete this mail: your password stays as it is.',
    '',
  ].join('\n');
}

function confirmText(db: string, login: string, link: string): string {
  return [
    `Здравствуйте, ${login}!`,
    '',
    `Чтобы завершить регистрацию в базе ${db}, подтвердите адрес почты по ссылке (она действует 24 часа):`,
    link,
    '',
    '---',
    '',
    `Hello ${login},`,
    '',
    `to complete your registration in the database ${db}, confirm your e-mail address with this link (valid for 24 hours):`,
    link,
    '',
  ].join('\n');
}

export class AccountMail {
  private readonly resets: OneTimeLinks<ResetBody>;
  private readonly confirmations: OneTimeLinks<ConfirmBody>;
  private readonly limits: ResetLimits;
  private readonly now: () => number;
  /** mails still being sent (tests and a graceful stop can wait for them) */
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly deps: AccountMailDeps) {
    this.now = deps.now ?? Date.now;
    this.limits = deps.limits ?? DEFAULT_RESET_LIMITS;
    this.resets = new OneTimeLinks<ResetBody>(deps.appliance, 'password-reset', RESET_LINK_TTL_SECONDS, this.now);
    this.confirmations = new OneTimeLinks<ConfirmBody>(deps.appliance, 'email-confirm', CONFIRM_LINK_TTL_SECONDS, this.now);
  }

  /** Counts a reset request; throws too_many_attempts over a limit (the same for known and unknown logins). */
  private async count(db: string, who: string, address: string): Promise<void> {
    const store = this.deps.appliance();
    const expiresAt = new Date(this.now() + this.limits.windowSeconds * 1000);
    const byAddress = await store.increment('reset-request-address', address.slice(0, 180), 1, { expiresAt });
    const key = `${db.toLowerCase()}:${who.trim().toLowerCase()}`;
    const byLogin = await store.increment('reset-request-login', key.length > 180 ? key.slice(0, 180) : key, 1, { expiresAt });
    if (byAddress > this.limits.perAddress || byLogin > this.limits.perLogin) {
      throw new AccountMailError('too_many_attempts', `Too many password reset requests; try again in ${this.limits.windowSeconds} s`, this.limits.windowSeconds);
    }
  }

  private background(work: Promise<void>): void {
    const tracked = work.catch((err: unknown) => {
      this.deps.logger?.warn({ err: err instanceof Error ? err.message : String(err) }, 'a mail to an Integram user could not be sent');
    }).finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  /** Resolves when every mail started so far has been sent or has failed. */
  async settled(): Promise<void> {
    await Promise.all([...this.inFlight]);
  }

  /**
   * A reset request for `who` (a login or an e-mail address) in `db`. `link(token)` makes the
   * link (null: no trustworthy address for links, nothing is mailed). Throttled; otherwise the
   * outcome is for the log, never for the answer.
   */
  async requestReset(db: string, who: string, address: string, link: ((token: string) => string) | null): Promise<ResetOutcome> {
    await this.count(db, who, address);
    const users = await this.deps.ops.findUsers(db, who);
    if (users.length === 0) return 'unknown';
    if (users.length > 1) return 'ambiguous';
    const user = users[0];
    if (!user.email) return 'no_email';
    if (!link) return 'no_link';
    const ref = `${db.toLowerCase()}:${user.userId}`;
    // a new link replaces the ones before it
    await this.resets.revoke(ref);
    const { token } = await this.resets.issue({ db, userId: user.userId, login: user.login }, ref);
    const to = user.email;
    this.background(this.deps.mailer.send({
      to,
      subject: `Сброс пароля / Password reset: ${db}`,
      text: resetText(db, user.login, link(token)),
    }).then(() => this.deps.logger?.info({ db, login: user.login }, 'password reset link mailed')));
    return 'mailed';
  }

  /**
   * Sets the password a reset link was sent for; the link is then used up. A password the rule
   * refuses leaves the link valid (the user tries again).
   */
  async resetPassword(token: string, password: string, check: PasswordCheck): Promise<{ db: string; login: string }> {
    const body = await this.resets.peek(token);
    if (!body) throw new AccountMailError('link_invalid', 'This password reset link is not valid: it was used already, has expired, or was copied incompletely');
    const problems = check(password, body.login);
    if (problems.length > 0) throw new AccountMailError('weak_password', problems.join(' '));
    if (!(await this.resets.consume(token))) throw new AccountMailError('link_invalid', 'This password reset link is not valid: it was used already');
    await this.deps.ops.setPassword(body.db, body.userId, password, { endSessions: true });
    this.deps.logger?.info({ db: body.db, login: body.login }, 'password set through a reset link');
    return { db: body.db, login: body.login };
  }

  /**
   * Mails the confirmation link of a registration; the caller then creates the user without a
   * password. Awaited: when the mail cannot be sent, nothing is created and the caller says why.
   */
  async startRegistration(db: string, login: string, email: string, password: string, link: (token: string) => string): Promise<void> {
    const ref = `${db.toLowerCase()}:${login.toLowerCase()}`;
    await this.confirmations.revoke(ref);
    const { token } = await this.confirmations.issue({ db, login, email, hash: this.deps.ops.passwordHash(db, password) }, ref);
    try {
      await this.deps.mailer.send({ to: email, subject: `Подтверждение регистрации / Confirm your registration: ${db}`, text: confirmText(db, login, link(token)) });
    } catch (err) {
      await this.confirmations.revoke(ref);
      throw err;
    }
  }

  /** Follows a confirmation link: the waiting password is written, the user can sign in. */
  async confirmRegistration(token: string): Promise<{ db: string; login: string }> {
    const body = await this.confirmations.consume(token);
    if (!body) throw new AccountMailError('link_invalid', 'This confirmation link is not valid: it was used already, has expired, or was copied incompletely');
    const user = (await this.deps.ops.findUsers(body.db, body.login)).find((u) => u.login.toLowerCase() === body.login.toLowerCase());
    if (!user) throw new AccountMailError('link_invalid', 'The user of this confirmation link no longer exists');
    await this.deps.ops.setPasswordHash(body.db, user.userId, body.hash);
    this.deps.logger?.info({ db: body.db, login: body.login }, 'registration confirmed by mail');
    return { db: body.db, login: body.login };
  }

  /** True while a registration of this login waits for its confirmation. */
  awaitingConfirmation(db: string, login: string): Promise<boolean> {
    return this.confirmations.pending(`${db.toLowerCase()}:${login.toLowerCase()}`);
  }
}
