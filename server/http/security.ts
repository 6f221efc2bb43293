/**
 * HTTP hardening shared by every route: security headers (helmet, with a CSP the console at
 * /console and Swagger UI at /api/docs work under), CORS for the modern API only, request body
 * size limits per area. (Login throttling is appliance/login-throttle.ts.)
 *
 * CORS policy (docs/modern-api.md, "Cross-origin use"):
 *   - the modern API (/api/auth, /api/v2, /api/organizations, docs, health) answers the origins
 *     listed in CORS_ORIGIN (none when unset: same-origin only);
 *   - the legacy URL API (/{db}/..., /api/{db}/...) keeps the PHP engine's `*` (the engine sets it);
 *   - the admin API (/api/admin) sends no CORS headers at all.
 *
 * Mount `securityMiddleware(config)` first, before the body parsers, so a declared oversized body
 * is refused before it is read.
 */
import cors from 'cors';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import helmet from 'helmet';
import type { AppConfig } from '../config/index.js';
import { HttpError, sendError } from './errors.js';

/**
 * The client's address as every API sees it: the socket peer, or with TRUST_PROXY set the address
 * the proxy forwarded (X-Forwarded-For), IPv4 without the IPv6 mapping prefix. Behind nginx without
 * it, login throttling and the admin IP list would see only the proxy.
 */
export function clientAddress(req: Request): string {
  return (req.ip ?? req.socket.remoteAddress ?? '').replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
}

/** First path segments under /api/ that belong to the modern API (everything else there is legacy /api/{db}). */
export const MODERN_API_SEGMENTS: ReadonlySet<string> = new Set([
  'auth', 'v2', 'organizations', 'chat', 'openapi.json', 'docs', 'health', 'deployment-info', 'system-resources',
]);

/** Is this path part of the modern API (CORS from CORS_ORIGIN applies)? */
export function isModernApiPath(path: string): boolean {
  const match = /^\/api\/([^/?#]+)/i.exec(path);
  return match !== null && MODERN_API_SEGMENTS.has(match[1].toLowerCase());
}

/** Largest declared body per area; the app-wide parser limit (BODY_LIMIT) still applies on top. */
export const BODY_LIMITS: readonly { prefix: string; bytes: number }[] = [
  { prefix: '/api/auth', bytes: 16 * 1024 },
  { prefix: '/api/organizations', bytes: 64 * 1024 },
  { prefix: '/api/chat', bytes: 1024 * 1024 },
  { prefix: '/api/v2', bytes: 1024 * 1024 },
];

export type SecurityConfig = Pick<AppConfig, 'CORS_ORIGIN' | 'HTTPS_ENABLED'>;

export function contentSecurityPolicy(httpsEnabled: boolean): Record<string, string[] | null> {
  return {
    'default-src': ["'self'"],
    'base-uri': ["'self'"],
    // no inline scripts anywhere: the console is a built bundle, Swagger UI starts from a file we serve
    'script-src': ["'self'"],
    // Vue transitions and Swagger UI set style attributes
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:', 'blob:'],
    'font-src': ["'self'", 'data:'],
    'connect-src': ["'self'"],
    'object-src': ["'none'"],
    'frame-ancestors': ["'self'"],
    'form-action': ["'self'"],
    // on plain HTTP in an office LAN, upgrading sub-requests to https would break every page
    'upgrade-insecure-requests': httpsEnabled ? [] : null,
  };
}

function bodyLimitGuard(req: Request, res: Response, next: NextFunction): void {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (!Number.isFinite(declared) || declared <= 0) return next();
  const path = req.path.toLowerCase();
  const limit = BODY_LIMITS.find((entry) => path === entry.prefix || path.startsWith(`${entry.prefix}/`));
  if (!limit || declared <= limit.bytes) return next();
  sendError(res, 'api', new HttpError(413, `The request body is too large (limit ${limit.bytes} bytes)`, 'payload_too_large', { params: { limit: limit.bytes } }));
}

/** helmet + CORS for the modern API + body size limits, as one router for `app.use(...)`. */
export function securityMiddleware(config: SecurityConfig): Router {
  const router = express.Router();
  router.use(
    helmet({
      contentSecurityPolicy: { useDefaults: false, directives: contentSecurityPolicy(config.HTTPS_ENABLED) },
      // the legacy API is called from other origins (CORS *); do not block its cross-origin reads
      crossOriginResourcePolicy: { policy: 'cross-origin' },
      crossOriginEmbedderPolicy: false,
      strictTransportSecurity: config.HTTPS_ENABLED ? { maxAge: 15552000, includeSubDomains: false } : false,
    }),
  );

  const origins = config.CORS_ORIGIN ?? [];
  const corsHandler = cors({
    origin: origins.includes('*') ? '*' : origins,
    methods: ['GET', 'HEAD', 'POST', 'PATCH', 'PUT', 'DELETE', 'OPTIONS'],
    allowedHeaders: ['Authorization', 'X-Authorization', 'Content-Type', 'Accept', 'X-Request-Id'],
    exposedHeaders: ['Location', 'Retry-After', 'X-Request-Id'],
    maxAge: 600,
  });
  router.use((req, res, next) => {
    if (!isModernApiPath(req.path)) return next();
    if (origins.length === 0) {
      // no CORS_ORIGIN: same-origin only; a preflight gets a plain 204 without allow headers
      if (req.method === 'OPTIONS' && req.headers['access-control-request-method']) {
        res.status(204).end();
        return;
      }
      return next();
    }
    corsHandler(req, res, next);
  });
  router.use(bodyLimitGuard);
  return router;
}
