/**
 * /api/auth: login, register, refresh, logout, me (docs/modern-api.md, "Auth (/api/auth)").
 *
 * Users are the Integram users (type 18 records) of a database; the password check is the
 * engine's own `auth` action, so every legacy hash form verifies and the legacy failed-login
 * counter still counts. The answer carries the legacy token and `_xsrf` too, so one login
 * serves both APIs. Logins are throttled per login and per address (server/http/security.ts).
 */
import express, { type Router } from 'express';
import { ensureDefaultDatabase } from '../../appliance/databases.js';
import { HttpError } from '../errors.js';
import { clientAddress } from '../security.js';
import { ok, requireAccessToken, route, type ApiServices } from './context.js';
import { EngineCallError } from '../../engine/index.js';
import {
  issueDetails, loginRequest, passwordProblems, refreshRequest, registerRequest, RESERVED_LOGINS,
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

export function createAuthRouter(services: ApiServices): Router {
  const { config } = services.deps;
  const router = express.Router();
  const mockMode = config.AUTH_MODE === 'mock';

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

  router.all(['/login', '/register', '/refresh', '/logout', '/me'], (req) => {
    throw new HttpError(405, `${req.method} is not allowed here`, 'method_not_allowed', { params: { method: req.method } });
  });
  router.use((req) => {
    throw new HttpError(404, `Not found: ${req.method} /api/auth${req.path}`, 'not_found', { params: { method: req.method, path: `/api/auth${req.path}` } });
  });
  return router;
}

