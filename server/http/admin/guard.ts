/**
 * What every admin request passes before a handler runs: the client address must be in
 * ADMIN_ALLOWED_IPS, no CORS headers leave the admin API, state-changing requests carry the
 * CSRF header, and (except for the few public routes) a valid admin session is presented as the
 * `integram_admin` cookie or a Bearer token.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { ApplianceStore } from '../../storage/types.js';
import { sessionValid } from '../../appliance/admin-account.js';
import { HttpError, sendError } from '../errors.js';
import { clientAddress } from '../security.js';
import { ADMIN_COOKIE, ADMIN_CSRF_HEADER, ADMIN_CSRF_VALUE } from './contract.js';
import { isLoopbackAddress, type IpAllowList } from './ip-allow.js';

/**
 * True only when the request comes from this machine: the socket peer is loopback, and so is
 * the client address Express derives (a local reverse proxy forwarding a LAN client is not
 * "from loopback" when TRUST_PROXY is set).
 */
export function fromLoopback(req: Request): boolean {
  return isLoopbackAddress(req.socket.remoteAddress) && isLoopbackAddress(clientAddress(req));
}

export function readCookie(req: Request, name: string): string | null {
  const header = req.headers.cookie;
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      return null;
    }
  }
  return null;
}

/** The session token from the Bearer header or the cookie (Bearer wins). */
export function presentedToken(req: Request): string | null {
  const auth = req.headers.authorization;
  if (auth && /^Bearer\s+/i.test(auth)) return auth.replace(/^Bearer\s+/i, '').trim() || null;
  return readCookie(req, ADMIN_COOKIE);
}

const CORS_HEADERS = [
  'Access-Control-Allow-Origin', 'Access-Control-Allow-Credentials', 'Access-Control-Allow-Methods',
  'Access-Control-Allow-Headers', 'Access-Control-Expose-Headers', 'Access-Control-Max-Age',
];

/** Address check, no CORS, no caching, CSRF header on state-changing requests. */
export function baseGuard(getAllowList: () => IpAllowList): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    // an app-wide CORS middleware may have run already: the admin API never answers cross-origin
    for (const header of CORS_HEADERS) res.removeHeader(header);
    res.setHeader('Cache-Control', 'no-store');
    if (!getAllowList().allows(clientAddress(req))) {
      sendError(res, 'admin', new HttpError(403, 'the admin API does not answer this address (ADMIN_ALLOWED_IPS)', 'forbidden_address'));
      return;
    }
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    if (!['GET', 'HEAD'].includes(req.method) && req.get(ADMIN_CSRF_HEADER) !== ADMIN_CSRF_VALUE) {
      sendError(res, 'admin', new HttpError(403, `state-changing requests need the header ${ADMIN_CSRF_HEADER}: ${ADMIN_CSRF_VALUE}`, 'csrf', { params: { header: `${ADMIN_CSRF_HEADER}: ${ADMIN_CSRF_VALUE}` } }));
      return;
    }
    next();
  };
}

/** Whether the request presents a valid admin session (false while the store is unavailable). */
export async function hasAdminSession(req: Request, appliance: ApplianceStore | null): Promise<boolean> {
  const token = presentedToken(req);
  return token !== null && appliance !== null && sessionValid(appliance, token);
}

export const LOGIN_REQUIRED = 'admin login required';

/** 401 unless a valid admin session is presented (one from the store, or one made while it was away). */
export function requireAdmin(getAppliance: () => ApplianceStore | null, offline?: { valid(token: string): boolean }): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    const token = presentedToken(req);
    if (!token) {
      sendError(res, 'admin', new HttpError(401, LOGIN_REQUIRED, 'unauthorized'));
      return;
    }
    if (offline?.valid(token)) {
      next();
      return;
    }
    const appliance = getAppliance();
    if (!appliance) {
      sendError(res, 'admin', new HttpError(503, 'the database is not available; admin sessions cannot be checked', 'store_unavailable', { params: { detail: 'sessions' } }));
      return;
    }
    if (!(await sessionValid(appliance, token))) {
      sendError(res, 'admin', new HttpError(401, 'the admin session is invalid or has expired; log in again', 'unauthorized'));
      return;
    }
    next();
  };
}
