/**
 * /api/auth: login, register, refresh, logout, me (docs/modern-api.md, "Auth (/api/auth)").
 *
 * Users are the Integram users (type 18 records) of a database; the password check is the
 * engine's own `auth` action, so every legacy hash form verifies and the legacy failed-login
 * counter still counts. The answer carries the legacy token and `_xsrf` too, so one login
 * serves both APIs. Logins are throttled per login and per address (server/http/security.ts).
 *
 * Mail (appliance/account-mail.ts): forgot-password mails a one-time link whose page (or the
 * FRONTEND_URL's) posts the new password to reset-password; with
 * REGISTRATION_REQUIRES_EMAIL_CONFIRMATION a registration waits for its confirm-email link.
 */
import { isIP } from 'node:net';
import express, { type Request, type Router } from 'express';
import { AccountMailError } from '../../appliance/account-mail.js';
import { MailError } from '../../appliance/mail.js';
import { mailHttpError } from '../mail-errors.js';
import { donePage, linkInvalidPage, resetFormPage, sendPage } from './account-pages.js';
import { ensureDefaultDatabase } from '../../appliance/databases.js';
import { HttpError } from '../errors.js';
import { clientAddress } from '../security.js';
import { ok, requireAccessToken, route, type ApiServices } from './context.js';
import { EngineCallError } from '../../engine/index.js';
import {
  confirmEmailRequest, forgotPasswordRequest, issueDetails, loginRequest, passwordProblems, refreshRequest, registerRequest,
  RESERVED_LOGINS, resetPasswordRequest,
} from './schemas.js';
import type { SessionIdentity, TokenPair } from '../../appliance/api-tokens.js';

function sessionBody(who: SessionIdentity, pair: TokenPair, mock: boolean, legacy?: { token: string; xsrf: string }) {
  return {
    user: { id: who.userId, login: who.login, role: who.role, database: who.db },
    accessToken: pair.accessToken,
    refreshToken: pair.refreshToken,
    expiresIn: pair.expiresIn,
    refreshExpiresIn: pair.refreshExpiresIn,
    tokenType: mock ? 'Mock' : 'Bearer',
    ...(mock ? { mock: true } : {}),
    ...(legacy ? { legacy: { token: legacy.token, _xsrf: legacy.xsrf } } : {}),
  };
}

/** A form post from the reset page (not a JSON client): it gets an HTML page back. */
function fromForm(req: Request): boolean {
  return req.is('application/x-www-form-urlencoded') === 'application/x-www-form-urlencoded';
}

function queryToken(req: Request): string {
  const token = req.query.token;
  return typeof token === 'string' ? token : '';
}

function withoutTrailingSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/**
 * The origin of this server's own pages for a link in a mail: PUBLIC_URL, else the address the
 * request came to, but only a literal IP address or localhost: a host name from the request could be
 * anybody's (a forged Host header would send the victim's link to the forger), so names need PUBLIC_URL.
 */
function ownOrigin(req: Request, publicUrl: string | undefined): string | null {
  if (publicUrl) return withoutTrailingSlash(publicUrl);
  const host = req.get('host');
  if (!host) return null;
  const name = req.hostname.replace(/^\[|\]$/g, '');
  if (isIP(name) === 0 && name.toLowerCase() !== 'localhost') return null;
  return `${req.protocol}://${host}`;
}

function accountMailError(err: AccountMailError): HttpError {
  if (err.code === 'too_many_attempts') {
    const seconds = err.retryAfterSeconds ?? 60;
    return new HttpError(429, err.message, 'too_many_attempts', { headers: { 'Retry-After': String(seconds) }, params: { seconds } });
  }
  if (err.code === 'weak_password') return new HttpError(422, err.message, 'weak_password', { details: { password: err.message } });
  return new HttpError(400, err.message, 'link_invalid');
}

export function createAuthRouter(services: ApiServices): Router {
  const { config } = services.deps;
  const router = express.Router();
  const mockMode = config.AUTH_MODE === 'mock';

  /** The link a mail carries for `page`: FRONTEND_URL's page, else this server's; null when neither is known. */
  function linkMaker(req: Request, page: 'reset-password' | 'confirm-email'): ((token: string) => string) | null {
    if (config.FRONTEND_URL) {
      const base = withoutTrailingSlash(config.FRONTEND_URL);
      return (token) => `${base}/${page}?token=${token}`;
    }
    const origin = ownOrigin(req, config.PUBLIC_URL);
    return origin ? (token) => `${origin}/api/auth/${page}?token=${token}` : null;
  }

  /** Login through the engine; starts a session family. Used by login and register. */
  async function legacyLogin(db: string, login: string, password: string, address: string) {
    const creds = await services.ops.login(db, login, password, address);
    const who = await services.ops.whoami(db, creds.token);
    if (!who) throw new HttpError(401, 'Invalid login or password', 'invalid_credentials');
    const identity: SessionIdentity = { db, userId: who.userId, login: who.login, role: who.role };
    const started = await services.tokens.start({ ...identity, legacyToken: creds.token, xsrf: creds.xsrf });
    return sessionBody(identity, started, false, creds);
  }

  router.post('/login', route(async (req, res) => {
    const parsed = loginRequest.safeParse(req.body ?? {});
    if (!parsed.success) throw new HttpError(400, 'login and password are required', 'validation_failed', { details: issueDetails(parsed.error) });
    const body = parsed.data;
    const db = (body.database ?? config.DEFAULT_DATABASE).toLowerCase();
    const login = (body.login ?? body.identifier ?? '').trim();
    const address = clientAddress(req);

    if (mockMode) {
      // AUTH_MODE=mock (development on loopback only, enforced by the configuration): no database
      // involved, tokens visibly marked, refused by every data route
      const who: SessionIdentity = { db, userId: 0, login: login.toLowerCase(), role: 'mock' };
      return ok(res, sessionBody(who, services.tokens.mockPair(who), true));
    }

    const verdict = await services.throttle.check(db, login, address);
    if (!verdict.allowed) {
      req.log?.warn({ db, login, address, reason: verdict.reason, retryAfter: verdict.retryAfterSeconds }, 'api login throttled');
      const message = verdict.reason === 'login'
        ? `Too many failed logins for "${login}"; try again in ${verdict.retryAfterSeconds} s`
        : `Too many failed logins from your address; try again in ${verdict.retryAfterSeconds} s`;
      throw new HttpError(429, message, 'too_many_attempts', { headers: { 'Retry-After': String(verdict.retryAfterSeconds) } });
    }
    try {
      const session = await legacyLogin(db, login, body.password, address);
      await services.throttle.recordSuccess(db, login);
      return ok(res, session);
    } catch (err) {
      if (err instanceof EngineCallError) {
        if (err.status === 404) throw new HttpError(404, `Database "${db}" not found`, 'database_not_found', { params: { name: db } });
        if (err.status === 409) throw new HttpError(409, 'Several users have this login; ask the administrator', 'ambiguous_login');
        if (err.status === 429) {
          // the engine's own (per-process) throttle of the legacy login
          const seconds = Number(/(\d+)/.exec(err.message)?.[1] ?? 60);
          throw new HttpError(429, `Too many failed logins for "${login}"; try again in ${seconds} s`, 'too_many_attempts', { headers: { 'Retry-After': String(seconds) }, params: { login, seconds } });
        }
        await services.throttle.recordFailure(db, login, address);
        req.log?.info({ db, login, address }, 'api login failed');
        if (await services.accountMail.awaitingConfirmation(db, login)) {
          throw new HttpError(403, 'Confirm your e-mail address first: follow the link in the mail sent to you', 'email_not_confirmed');
        }
        throw new HttpError(401, 'Invalid login or password', 'invalid_credentials');
      }
      if (err instanceof HttpError && err.code === 'invalid_credentials') await services.throttle.recordFailure(db, login, address);
      throw err;
    }
  }));

  router.post('/register', route(async (req, res) => {
    if (!config.REGISTRATION_ENABLED) {
      throw new HttpError(403, 'Registration is disabled on this server (setting REGISTRATION_ENABLED)', 'registration_disabled');
    }
    if (mockMode) throw new HttpError(403, 'Registration is not available in AUTH_MODE=mock', 'mock_mode');
    const parsed = registerRequest.safeParse(req.body ?? {});
    if (!parsed.success) throw new HttpError(400, 'The registration form has errors', 'validation_failed', { details: issueDetails(parsed.error) });
    const body = parsed.data;
    const db = (body.database ?? config.DEFAULT_DATABASE).toLowerCase();
    if (db !== config.DEFAULT_DATABASE.toLowerCase()) {
      throw new HttpError(403, `Registration is only open on the default database "${config.DEFAULT_DATABASE}"`, 'registration_closed', { params: { name: config.DEFAULT_DATABASE } });
    }
    const login = body.login.toLowerCase();
    if (RESERVED_LOGINS.has(login) || login === db) {
      throw new HttpError(422, `The login "${login}" is reserved`, 'login_reserved', { details: { login: 'reserved' }, params: { login } });
    }
    const problems = passwordProblems(body.password, login);
    if (problems.length) throw new HttpError(422, problems.join(' '), 'weak_password', { details: { password: problems.join(' ') } });
    const store = services.store();
    if (!(await store.databaseExists(db))) {
      // a fresh appliance: the default database (the PHP engine's cabinet `my`) starts from the template
      if (await ensureDefaultDatabase(services.databases(), { name: db, templates: config.INTEGRAM_TEMPLATES })) {
        req.log?.info({ database: db }, 'default database created for the first registration');
      }
      if (!(await store.databaseExists(db))) throw new HttpError(503, `The database "${db}" could not be created; try again`, 'database_unavailable', { params: { name: db } });
    }
    if (config.REGISTRATION_REQUIRES_EMAIL_CONFIRMATION) {
      // the user is created without a password; the confirmation link carries its hash (appliance/account-mail.ts)
      if (!body.email) throw new HttpError(422, 'An e-mail address is required: the confirmation link is mailed to it', 'validation_failed', { details: { email: 'required' } });
      if ((await services.ops.findUsers(db, login)).length > 0) throw new HttpError(409, `The login "${login}" is taken`, 'login_taken', { params: { login } });
      const link = linkMaker(req, 'confirm-email');
      if (!link) throw new HttpError(409, 'This server does not know its public address for the confirmation link: set PUBLIC_URL or FRONTEND_URL', 'mail_not_configured');
      try {
        await services.accountMail.startRegistration(db, login, body.email, body.password, link);
      } catch (err) {
        if (err instanceof MailError) throw mailHttpError(err);
        throw err;
      }
      try {
        await services.ops.insertUser(db, { login, email: body.email, roleName: 'user' });
      } catch (err) {
        if (err instanceof EngineCallError && err.status === 409) throw new HttpError(409, `The login "${login}" is taken`, 'login_taken', { params: { login } });
        if (err instanceof EngineCallError) throw new HttpError(err.status, err.message, 'registration_failed');
        throw err;
      }
      req.log?.info({ db, login }, 'api user registered; waiting for the e-mail confirmation');
      return ok(res, { confirmationRequired: true, user: { login, database: db }, email: body.email }, 202);
    }
    try {
      await services.ops.insertUser(db, { login, password: body.password, email: body.email, roleName: 'user' });
    } catch (err) {
      if (err instanceof EngineCallError && err.status === 409) throw new HttpError(409, `The login "${login}" is taken`, 'login_taken', { params: { login } });
      if (err instanceof EngineCallError) throw new HttpError(err.status, err.message, 'registration_failed');
      throw err;
    }
    req.log?.info({ db, login }, 'api user registered');
    const session = await legacyLogin(db, login, body.password, clientAddress(req));
    return ok(res, session, 201);
  }));

  router.post('/refresh', route(async (req, res) => {
    const parsed = refreshRequest.safeParse(req.body ?? {});
    if (!parsed.success) throw new HttpError(400, 'refreshToken is required', 'validation_failed', { details: issueDetails(parsed.error) });
    const result = await services.tokens.refresh(parsed.data.refreshToken);
    const who: SessionIdentity = { db: result.claims.db, userId: result.claims.uid, login: result.claims.login, role: result.claims.role };
    const legacy = result.family ? { token: result.family.legacyToken, xsrf: result.family.xsrf } : undefined;
    return ok(res, sessionBody(who, result, result.claims.mock === true, legacy));
  }));

  router.post('/logout', requireAccessToken(services), route(async (req, res) => {
    const caller = req.apiCaller!;
    const revoked = caller.claims.mock ? 0 : await services.tokens.revokeFamily(caller.claims.fam);
    return ok(res, { loggedOut: true, revokedDocuments: revoked });
  }));

  router.get('/me', requireAccessToken(services), route(async (req, res) => {
    const { claims } = req.apiCaller!;
    return ok(res, {
      user: { id: claims.uid, login: claims.login, role: claims.role, database: claims.db },
      session: { family: claims.fam, expiresAt: new Date(claims.exp * 1000).toISOString(), mock: claims.mock === true },
    });
  }));

  router.post('/forgot-password', route(async (req, res) => {
    if (mockMode) throw new HttpError(403, 'Password reset is not available in AUTH_MODE=mock', 'mock_mode');
    const parsed = forgotPasswordRequest.safeParse(req.body ?? {});
    if (!parsed.success) throw new HttpError(400, 'login or email is required', 'validation_failed', { details: issueDetails(parsed.error) });
    const body = parsed.data;
    if (!services.mailer.configured) throw new HttpError(409, 'Mail is not set up on this server: the administrator sets SMTP_HOST and FROM_EMAIL', 'mail_not_configured');
    const db = (body.database ?? config.DEFAULT_DATABASE).toLowerCase();
    if (!(await services.store().databaseExists(db))) throw new HttpError(404, `Database "${db}" not found`, 'database_not_found', { params: { name: db } });
    const who = (body.login ?? body.email ?? body.identifier ?? '').trim();
    const address = clientAddress(req);
    let outcome;
    try {
      outcome = await services.accountMail.requestReset(db, who, address, linkMaker(req, 'reset-password'));
    } catch (err) {
      if (err instanceof AccountMailError) {
        req.log?.warn({ db, login: who, address }, 'password reset requests throttled');
        throw accountMailError(err);
      }
      throw err;
    }
    if (outcome === 'no_link') req.log?.warn({ db }, 'password reset not mailed: set PUBLIC_URL or FRONTEND_URL so that links name this server');
    else req.log?.info({ db, login: who, outcome }, 'password reset requested');
    // the same answer whatever happened: nobody learns which logins exist
    return ok(res, { requested: true }, 202);
  }));

  router.get('/reset-password', (req, res) => {
    sendPage(res, 200, resetFormPage(queryToken(req)));
  });

  router.post('/reset-password', route(async (req, res) => {
    const form = fromForm(req);
    const parsed = resetPasswordRequest.safeParse(req.body ?? {});
    if (!parsed.success) {
      if (form) return sendPage(res, 400, linkInvalidPage());
      throw new HttpError(400, 'token and password are required', 'validation_failed', { details: issueDetails(parsed.error) });
    }
    const { token, password, password2 } = parsed.data;
    if (password2 !== undefined && password2 !== password) {
      if (form) return sendPage(res, 422, resetFormPage(token, { ru: 'Пароли не совпадают.', en: 'The passwords differ.' }));
      throw new HttpError(422, 'The two passwords differ', 'validation_failed', { details: { password2: 'differs' } });
    }
    try {
      const done = await services.accountMail.resetPassword(token, password, passwordProblems);
      if (form) return sendPage(res, 200, donePage(done.db, done.login, 'reset'));
      return ok(res, { database: done.db, login: done.login });
    } catch (err) {
      if (!(err instanceof AccountMailError)) throw err;
      if (form) {
        return err.code === 'weak_password'
          ? sendPage(res, 422, resetFormPage(token, { ru: 'Пароль слишком простой: не короче 8 символов, буквы и цифры, не совпадает с логином.', en: err.message }))
          : sendPage(res, 400, linkInvalidPage());
      }
      throw accountMailError(err);
    }
  }));

  /** The confirmation link of a registration: a browser gets a page, a client JSON (POST). */
  async function confirm(token: string) {
    return services.accountMail.confirmRegistration(token);
  }

  router.get('/confirm-email', route(async (req, res) => {
    try {
      const done = await confirm(queryToken(req));
      sendPage(res, 200, donePage(done.db, done.login, 'confirmed'));
    } catch (err) {
      if (!(err instanceof AccountMailError)) throw err;
      sendPage(res, 400, linkInvalidPage());
    }
  }));

  router.post('/confirm-email', route(async (req, res) => {
    const parsed = confirmEmailRequest.safeParse(req.body ?? {});
    if (!parsed.success) throw new HttpError(400, 'token is required', 'validation_failed', { details: issueDetails(parsed.error) });
    try {
      const done = await confirm(parsed.data.token);
      return ok(res, { database: done.db, login: done.login });
    } catch (err) {
      if (err instanceof AccountMailError) throw accountMailError(err);
      throw err;
    }
  }));

  router.all(['/login', '/register', '/refresh', '/logout', '/me', '/forgot-password', '/reset-password', '/confirm-email'], (req) => {
    throw new HttpError(405, `${req.method} is not allowed here`, 'method_not_allowed', { params: { method: req.method } });
  });
  router.use((req) => {
    throw new HttpError(404, `Not found: ${req.method} /api/auth${req.path}`, 'not_found', { params: { method: req.method, path: `/api/auth${req.path}` } });
  });
  return router;
}

