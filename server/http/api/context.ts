/**
 * What the /api routers share: their dependencies, the services built from them, the
 * `{success, data}` answer of /api/auth and /api/organizations with the error middleware that
 * sends their errors in the `api` envelope (../errors.ts), and the Bearer-token guard.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import type { AppConfig } from '../../config/index.js';
import type { Engine } from '../../engine/index.js';
import type { Store } from '../../storage/types.js';
import { LoginThrottle, type ThrottlePolicy } from '../../appliance/login-throttle.js';
import type { DatabaseDeps } from '../../appliance/databases.js';
import type { AiConfig } from '../../appliance/ai/chat.js';
import { defaultTemplatesDir } from '../../appliance/templates.js';
import type { EngineOperations } from '../../engine/index.js';
import { HttpError, lostDatabase, sendError } from '../errors.js';
import { TokenError, TokenService, type SessionFamily, type TokenClaims } from '../../appliance/api-tokens.js';
import { createMailer, type MailConfig, type Mailer } from '../../appliance/mail.js';
import { AccountMail, type ResetLimits } from '../../appliance/account-mail.js';

export type ApiConfig = Pick<
  AppConfig,
  | 'JWT_SECRET' | 'JWT_ACCESS_TOKEN_EXPIRES_IN' | 'JWT_REFRESH_TOKEN_EXPIRES_IN' | 'REGISTRATION_ENABLED' | 'DEFAULT_DATABASE'
  | 'AUTH_MODE' | 'AUTH_SALT' | 'DATA_DIR' | 'UPLOAD_DIR' | 'INTEGRAM_TEMPLATES'
  | 'PUBLIC_URL' | 'FRONTEND_URL' | 'REGISTRATION_REQUIRES_EMAIL_CONFIRMATION' | keyof MailConfig
> & AiConfig;

export interface ApiRouterDeps {
  config: ApiConfig;
  /** the connected store, or null while it is unavailable (then 503) */
  getStore: () => Store | null;
  /** the engine the legacy router uses (share it: one metadata and session cache) */
  engine: Engine;
  logger?: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** default: resources/templates next to the program */
  templatesDir?: string;
  throttlePolicy?: ThrottlePolicy;
  /** default: the SMTP_* settings of `config` (appliance/mail.ts) */
  mailer?: Mailer;
  /** how many password reset requests an address and a login may make (default DEFAULT_RESET_LIMITS) */
  resetLimits?: ResetLimits;
  now?: () => number;
}

export interface ApiServices {
  deps: ApiRouterDeps;
  store(): Store;
  /** what the appliance's database use cases need (appliance/databases.ts) */
  databases(): DatabaseDeps;
  ops: EngineOperations;
  tokens: TokenService;
  throttle: LoginThrottle;
  mailer: Mailer;
  /** password reset and registration confirmation of Integram users */
  accountMail: AccountMail;
}

export function createServices(deps: ApiRouterDeps): ApiServices {
  const store = (): Store => {
    const current = deps.getStore();
    if (!current) throw new HttpError(503, 'Database unavailable; try again shortly', 'database_unavailable', { headers: { 'Retry-After': '5' } });
    return current;
  };
  const templatesDir = deps.templatesDir ?? defaultTemplatesDir();
  const mailer = deps.mailer ?? createMailer(deps.config);
  return {
    deps,
    store,
    databases: () => ({
      store: store(), templatesDir, salt: deps.config.AUTH_SALT, now: deps.now, invalidate: (db) => deps.engine.invalidate(db),
    }),
    ops: deps.engine.operations,
    tokens: new TokenService({
      secret: deps.config.JWT_SECRET,
      accessTtl: deps.config.JWT_ACCESS_TOKEN_EXPIRES_IN,
      refreshTtl: deps.config.JWT_REFRESH_TOKEN_EXPIRES_IN,
      appliance: () => store().appliance,
      now: deps.now,
    }),
    throttle: new LoginThrottle(() => store().appliance, deps.throttlePolicy, deps.now),
    mailer,
    accountMail: new AccountMail({
      ops: deps.engine.operations, mailer, appliance: () => store().appliance, logger: deps.logger, limits: deps.resetLimits, now: deps.now,
    }),
  };
}

export function ok(res: Response, data: unknown, status = 200): void {
  res.status(status).json({ success: true, data });
}

/** Express 5 passes rejected promises on; this keeps the handler types simple. */
export function route(handler: (req: Request, res: Response) => Promise<void>): RequestHandler {
  return (req, res, next) => {
    handler(req, res).catch(next);
  };
}

export function bearerToken(req: Request): string | null {
  const header = req.get('authorization');
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1] : null;
}

/** A JWT is three base64url parts; a legacy token is 64 hex characters. */
export function looksLikeJwt(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token);
}

export interface AuthenticatedCaller {
  claims: TokenClaims;
  /** null for mock tokens */
  family: SessionFamily | null;
  accessToken: string;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** set by requireAccessToken */
      apiCaller?: AuthenticatedCaller;
    }
  }
}

export function tokenErrorStatus(err: TokenError): number {
  return err.code === 'session_revoked' || err.code === 'token_expired' || err.code === 'token_invalid' || err.code === 'wrong_token_type' || err.code === 'refresh_token_reused'
    ? 401
    : 400;
}

/** Needs `Authorization: Bearer <access JWT>` of a live session. */
export function requireAccessToken(services: ApiServices): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const token = bearerToken(req);
    if (!token) {
      const message = 'Authorization: Bearer <access token> is required (POST /api/auth/login gives one)';
      sendError(res, 'api', new HttpError(401, message, 'unauthorized', { headers: { 'WWW-Authenticate': 'Bearer' } }));
      return;
    }
    let claims: TokenClaims;
    try {
      claims = services.tokens.verify(token, 'access');
    } catch (err) {
      if (err instanceof TokenError) {
        sendError(res, 'api', new HttpError(401, err.message, err.code, { headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' } }));
        return;
      }
      next(err);
      return;
    }
    services.tokens
      .session(claims)
      .then((family) => {
        req.apiCaller = { claims, family, accessToken: token };
        // a live session family: a real user (mock tokens have none), for the log line and the active-session list
        if (family) res.locals.actor = { kind: 'jwt', user: claims.login.toLowerCase(), db: claims.db.toLowerCase() };
        next();
      })
      .catch((err: unknown) => {
        if (err instanceof TokenError) sendError(res, 'api', new HttpError(401, err.message, err.code));
        else next(err);
      });
  };
}

/** The `api` envelope for errors thrown by /api/auth and /api/organizations handlers. */
export function envelopeErrors(logger?: Pick<Logger, 'warn'>) {
  return (err: unknown, req: Request, res: Response, next: NextFunction): void => {
    if (err instanceof HttpError) {
      sendError(res, 'api', err);
      return;
    }
    const lost = lostDatabase(err);
    if (lost) {
      sendError(res, 'api', lost);
      return;
    }
    if (err instanceof TokenError) {
      if (err.code === 'refresh_token_reused') (req.log ?? logger)?.warn?.({ code: err.code }, 'a spent refresh token came back: its session family is revoked');
      sendError(res, 'api', new HttpError(tokenErrorStatus(err), err.message, err.code));
      return;
    }
    // anything else (body-parser errors, a bug): the app's error handler words
    // it (4xx/503, or a logged 500 without details) and logs it once
    next(err);
  };
}
