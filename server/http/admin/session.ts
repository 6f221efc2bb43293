/**
 * POST /login (open: the password is the credential), POST /logout, POST /password (change it). A session is an HttpOnly,
 * SameSite=Strict cookie `integram_admin` scoped to /api/admin, and the same token in the answer
 * for the Bearer header.
 */
import type { CookieOptions, Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import { adminLogin, changeAdminPassword, revokeSession, type AdminLoginOutcome } from '../../appliance/admin-account.js';
import { offlineAdminLogin } from '../../appliance/admin-offline.js';
import { fieldCodesOf } from '../../config/field-codes.js';
import { HttpError, issueFields } from '../errors.js';
import type { AdminContext, AdminRoutes } from './context.js';
import { ADMIN_COOKIE, type LoginResponse } from './contract.js';
import { presentedToken } from './guard.js';
import { clientAddress } from '../security.js';

const passwordChangeSchema = z.object({ current: z.string().min(1), next: z.string() });

function cookieOptions(req: Request): CookieOptions {
  return { httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/api/admin' };
}

/** Signs the client in: the session cookie, for a session created by a login or the first-run setup. */
export function setSessionCookie(req: Request, res: Response, session: { token: string; expiresAt: Date }): void {
  res.cookie(ADMIN_COOKIE, session.token, { ...cookieOptions(req), expires: session.expiresAt });
}

type Refusal = Exclude<AdminLoginOutcome, { ok: true }> | { ok: false; refusal: 'no_copy' };

function refusalError(refusal: Refusal): HttpError {
  switch (refusal.refusal) {
    case 'throttled': {
      const seconds = refusal.retryAfterSeconds;
      const message = `too many failed logins; try again in ${Math.ceil(seconds / 60)} minute(s)`;
      return new HttpError(429, message, 'too_many_attempts', { headers: { 'Retry-After': String(seconds) }, params: { seconds, minutes: Math.ceil(seconds / 60) } });
    }
    case 'password_required': return new HttpError(400, 'the password is required', 'password_required', { details: { password: 'required' }, fieldCodes: { password: { code: 'required' } } });
    case 'no_admin': return new HttpError(409, 'no admin password is set yet; complete the first-run setup', 'setup_required');
    case 'bad_password': return new HttpError(401, 'wrong password', 'bad_password');
    case 'no_copy': return new HttpError(503, 'the database is not available, and this server has no copy of the admin password yet ' +
      '(it keeps one from the first login while the database is available); use `npm run admin -- set-password` on the server', 'store_unavailable', { params: { detail: 'no_offline_copy' } });
  }
}

export function bindSessionRoutes(routes: AdminRoutes, ctx: AdminContext): void {
  const { logger } = ctx.deps;

  const login: RequestHandler = async (req, res) => {
    const store = ctx.deps.getStore();
    const address = clientAddress(req);
    const password = (req.body as { password?: unknown } | undefined)?.password;
    const dataDir = ctx.deps.config.DATA_DIR;
    // the database away (MySQL down): the copy in the data folder, a session in memory
    const outcome = store
      ? await adminLogin(store.appliance, password, address, { dataDir })
      : await offlineAdminLogin(dataDir, ctx.offlineSessions, password, address);
    if (!outcome.ok) {
      if (outcome.refusal === 'bad_password') logger.warn({ ip: address }, 'console admin login failed');
      throw refusalError(outcome);
    }
    setSessionCookie(req, res, outcome.session);
    logger.info({ ip: address, offline: store === null }, store ? 'console admin logged in' : 'console admin logged in while the database is unavailable (session held in memory)');
    const body: LoginResponse = { token: outcome.session.token, expiresAt: outcome.session.expiresAt.toISOString() };
    res.json(body);
  };

  const logout: RequestHandler = async (req, res) => {
    const token = presentedToken(req);
    const appliance = ctx.appliance();
    if (token) ctx.offlineSessions.revoke(token);
    if (token && appliance) await revokeSession(appliance, token);
    res.clearCookie(ADMIN_COOKIE, cookieOptions(req));
    res.json({ ok: true });
  };

  // POST /password {current, next}: the admin changes the console password (every other session ends)
  const changePassword: RequestHandler = async (req, res) => {
    const parsed = passwordChangeSchema.safeParse(req.body);
    if (!parsed.success) {
      throw new HttpError(400, 'send {"current": "...", "next": "..."}', 'invalid_request', { details: issueFields(parsed.error, '_body') });
    }
    const address = clientAddress(req);
    const outcome = await changeAdminPassword(ctx.store().appliance, parsed.data.current, parsed.data.next, address, {
      bcryptRounds: ctx.deps.config.BCRYPT_ROUNDS, dataDir: ctx.deps.config.DATA_DIR,
    });
    if (!outcome.ok) {
      if (outcome.refusal === 'weak') {
        throw new HttpError(422, outcome.problem, 'weak_password', { details: { next: outcome.problem }, fieldCodes: fieldCodesOf({ next: outcome.problem }) });
      }
      if (outcome.refusal === 'bad_password') {
        logger.warn({ ip: address }, 'console admin password change: wrong current password');
        // 403, not 401: the session is fine, only this change is refused
        throw new HttpError(403, 'the current password is wrong', 'bad_password', { details: { current: 'wrong password' } });
      }
      throw refusalError(outcome);
    }
    setSessionCookie(req, res, outcome.session);
    logger.info({ ip: address }, 'console admin password changed; other sessions ended');
    const body: LoginResponse = { token: outcome.session.token, expiresAt: outcome.session.expiresAt.toISOString() };
    res.json(body);
  };

  routes.open.post('/login', login);
  routes.protected.post('/password', changePassword);
  routes.protected.post('/logout', logout);
}
