/**
 * The PHP engine's URL API over Express: request → LegacyRequest → engine →
 * response. Every formatting rule of the wire (status, headers, cookies, JSON
 * vs text, redirects) lives in formatResponse below and nowhere else.
 *
 * Mounted last by the app shell, so only paths no other route claimed reach it.
 */
import express, { type Request, type Response, type Router } from 'express';
import type { Store } from '../../storage/types.js';
import { createHash } from 'node:crypto';
import { createEngine, type Engine, type EngineLoginThrottle, type LegacyRequest, type LegacyResponse } from '../../engine/index.js';
import { cleanText, cleanValue, JSON_MAX_DEPTH, JsonTooDeep, jsonNestsDeeperThan, parseCookies, parseFormBody, parseQueryString } from './params.js';
import { setOwn } from '../../engine/php.js';
import { LoginThrottle, type ThrottlePolicy } from '../security.js';

/**
 * Failed logins of the legacy `auth` (compat.md): after 10 failures of one login each further
 * attempt waits 1, 2, 4, then 5 minutes at most; one address gets 100 failures per 5 minutes,
 * so an office behind one NAT is never blocked for long. Counters live in the appliance store
 * (collections `legacy-login-*`), so every instance on one MySQL agrees.
 */
export const LEGACY_LOGIN_POLICY: ThrottlePolicy = {
  freeFailures: 9,
  baseDelaySeconds: 60,
  maxDelaySeconds: 5 * 60,
  loginWindowSeconds: 15 * 60,
  addressLimit: 100,
  addressWindowSeconds: 5 * 60,
};

export interface LegacyRouterDeps {
  getStore: () => Store;
  salt: string;
  masterPassword?: string;
  serverName?: string;
  /** lifetime of cached metadata/sessions in ms (default 2000; see server/engine/README.md) */
  cacheTtlMs?: number;
  /** largest request body read (an express/body-parser size such as '8mb'; default 16mb) */
  bodyLimit?: string;
  /** compat.md TOKEN_TTL in seconds (idle tokens stop working); unset = never expire */
  tokenTtlSeconds?: number;
  /** AUTH_COOKIE_EXPIRE: lifetime of the login/guest `idb_{db}` and `tzone` cookies in seconds (0 = session cookie; default 30 days) */
  cookieExpireSeconds?: number;
  logger?: { info: (...args: unknown[]) => void; warn: (...args: unknown[]) => void; error: (...args: unknown[]) => void };
}

/**
 * The engine's login throttle backed by the appliance store. A login reaches it as typed, of any
 * length, and the counters' keys are at most 191 characters: a long login is counted under its
 * digest (no real login is that long; the counting still works against guessing).
 */
export function legacyLoginThrottle(getStore: () => Store): EngineLoginThrottle {
  const shared = new LoginThrottle(() => getStore().appliance, LEGACY_LOGIN_POLICY, Date.now, 'legacy');
  const keyOf = (login: string): string => (login.length > 64 ? `sha256:${createHash('sha256').update(login).digest('hex')}` : login);
  return {
    check: (db, login, address) => shared.check(db, keyOf(login), address),
    recordFailure: (db, login, address) => shared.recordFailure(db, keyOf(login), address),
    recordSuccess: (db, login) => shared.recordSuccess(db, keyOf(login)),
  };
}

export interface LegacyRouter extends Router {
  engine: Engine;
}

export function createLegacyRouter(deps: LegacyRouterDeps): LegacyRouter {
  const engine = createEngine({
    store: deps.getStore,
    salt: deps.salt,
    masterPassword: deps.masterPassword,
    serverName: deps.serverName,
    metaTtlMs: deps.cacheTtlMs,
    tokenTtlSeconds: deps.tokenTtlSeconds,
    cookieExpireSeconds: deps.cookieExpireSeconds,
    loginThrottle: legacyLoginThrottle(deps.getStore),
    logger: deps.logger ? {
      info: (o, m) => deps.logger!.info(o, m),
      warn: (o, m) => deps.logger!.warn(o, m),
      error: (o, m) => deps.logger!.error(o, m),
    } : undefined,
  });
  const router = express.Router() as LegacyRouter;
  router.engine = engine;
  router.use(express.raw({ type: () => true, limit: deps.bodyLimit ?? '16mb' }));
  router.use(async (req: Request, res: Response) => {
    let response: LegacyResponse;
    try {
      response = await engine.handle(toLegacyRequest(req));
    } catch (err) {
      deps.logger?.error({ err: err instanceof Error ? err.message : String(err) }, 'legacy request failed');
      response = { status: 500, headers: {}, cookies: [], body: { kind: 'json', value: [{ error: 'Internal error' }] } };
    }
    formatResponse(res, response);
  });
  return router;
}

/** Express request → the engine's request shape (path lower-cased like the PHP engine does) */
export function toLegacyRequest(req: Request): LegacyRequest {
  const original = req.originalUrl || req.url;
  const q = original.indexOf('?');
  const rawPath = q >= 0 ? original.slice(0, q) : original;
  const rawQuery = q >= 0 ? original.slice(q + 1) : '';
  let path = rawPath.toLowerCase();
  let forceJson = false;
  if (path === '/api' || path.startsWith('/api/')) {
    path = path.slice(4);
    forceJson = true;
  }
  const com = path.split('/');
  const db = com[1] ?? '';
  const segments = com.slice(2);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined) continue;
    headers[k.toLowerCase()] = cleanText(Array.isArray(v) ? v.join(', ') : v);
  }
  return {
    db: db === '' ? '' : db,
    action: com[2] ?? '',
    id: com.length > 3 ? com[3] : undefined,
    extra: com.length > 4 ? com[4] : undefined,
    segments,
    query: parseQueryString(rawQuery),
    post: bodyParams(req),
    cookies: parseCookies(headers.cookie ?? ''),
    headers,
    method: req.method,
    remoteAddr: (req.socket.remoteAddress ?? '').replace(/^::ffff:/, ''),
    host: headers.host ?? '',
    uri: original,
    forceJson,
  };
}

/** PHP: form fields into $_POST, then a body that parses as JSON is merged key by key */
function bodyParams(req: Request): Record<string, unknown> {
  const body: unknown = req.body;
  let raw = '';
  if (Buffer.isBuffer(body)) raw = body.toString('utf8');
  else if (typeof body === 'string') raw = body;
  else if (body && typeof body === 'object') {
    // parsed by an earlier middleware: the same depth rule as for a raw body
    try {
      return cleanValue(body) as Record<string, unknown>;
    } catch (err) {
      if (err instanceof JsonTooDeep) return {};
      throw err;
    }
  }
  const post: Record<string, unknown> = {};
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  if (type.startsWith('application/x-www-form-urlencoded')) for (const [k, v] of Object.entries(parseFormBody(raw))) setOwn(post, k, v);
  if (raw.length && !jsonNestsDeeperThan(raw, JSON_MAX_DEPTH)) {
    try {
      const json: unknown = JSON.parse(raw);
      if (json !== null && typeof json === 'object') {
        const entries = Array.isArray(json) ? json.map((v, i) => [String(i), v] as const) : Object.entries(json);
        for (const [k, v] of entries) setOwn(post, cleanText(k), cleanValue(v));
      }
    } catch {
      /* not JSON */
    }
  }
  return post;
}

const COOKIE_DATE = (ms: number): string => new Date(ms).toUTCString().replace(/GMT$/, 'GMT');

/** the one place where the engine's answer becomes HTTP */
export function formatResponse(res: Response, r: LegacyResponse): void {
  res.status(r.status);
  for (const [k, v] of Object.entries(r.headers)) res.setHeader(k, v);
  const cookies = r.cookies.map((c) => {
    let s = `${c.name}=${c.value === '' ? 'deleted' : encodeURIComponent(c.value)}`;
    if (c.maxAge !== undefined) {
      const maxAge = c.value === '' ? 0 : c.maxAge;
      s += `; expires=${COOKIE_DATE(Date.now() + (c.value === '' ? -31536001000 : maxAge * 1000))}; Max-Age=${Math.max(0, maxAge)}`;
    }
    return `${s}; path=${c.path}`;
  });
  if (cookies.length) res.setHeader('Set-Cookie', cookies);
  const body = r.body;
  switch (body.kind) {
    case 'json': {
      res.setHeader('Content-Type', 'application/json; charset=UTF-8');
      if (body.filename) res.setHeader('Content-Disposition', `attachment;filename=${body.filename}`);
      res.end(JSON.stringify(body.value));
      return;
    }
    case 'text':
      res.setHeader('Content-Type', body.contentType ?? 'text/html; charset=UTF-8');
      res.end(body.text);
      return;
    case 'redirect':
      res.setHeader('Location', body.location);
      res.setHeader('Content-Type', 'text/html; charset=UTF-8');
      res.end();
      return;
    case 'empty':
      res.end();
  }
}
