/**
 * Per-request id and logger. `req.id` comes from a sane X-Request-Id header (so a proxy's id
 * follows the request through our log) or is generated; it is echoed in the response header,
 * and every line logged through `req.log` carries it as `reqId`.
 */
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';

/**
 * Who made a request, as the adapter that authenticated it says (never a token): the legacy
 * engine's session user or a modern-API access token's user, and the database. Set on
 * `res.locals.actor`; the request's log line and the active-session list read it.
 */
export interface RequestActor {
  kind: 'legacy' | 'jwt';
  /** the user's login, lower-cased */
  user: string;
  /** the database, lower-cased */
  db: string;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Locals {
      /** set by the legacy adapter and the modern API once they know the caller */
      actor?: RequestActor;
    }
    interface Request {
      /** request id, also sent back as X-Request-Id */
      id: string;
      /** child logger carrying reqId */
      log: Logger;
    }
  }
}

const SANE_REQUEST_ID = /^[A-Za-z0-9._:@-]{1,128}$/;

/** Query parameters whose values must not appear in a logged URL. */
const SECRET_PARAMS = /^(token|secret|pwd|password|pass|_xsrf|xsrf|key|api_?key|access_?token|refresh_?token|id_?token|client_?secret|code)$/i;

/** The URL with the values of credential-like query parameters replaced. */
export function redactUrl(url: string): string {
  const queryStart = url.indexOf('?');
  if (queryStart < 0) return url;
  const query = url
    .slice(queryStart + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0) return pair;
      let name = pair.slice(0, eq);
      try {
        name = decodeURIComponent(name);
      } catch {
        // keep the raw name
      }
      return SECRET_PARAMS.test(name) ? `${pair.slice(0, eq)}=[redacted]` : pair;
    })
    .join('&');
  return `${url.slice(0, queryStart)}?${query}`;
}

/** Paths polled by supervisors and monitors: logged at debug so they do not flood the log. */
const QUIET_PATHS = new Set(['/health', '/health/ready', '/api/health']);

function actorFields(actor: RequestActor | undefined): { user?: string; db?: string; auth?: RequestActor['kind'] } {
  return actor ? { user: actor.user, db: actor.db, auth: actor.kind } : {};
}

export function requestContext(logger: Logger): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const incoming = req.get('x-request-id');
    req.id = incoming && SANE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    // a child logger costs more than the rest of this middleware: made only when a handler logs
    let child: Logger | undefined;
    Object.defineProperty(req, 'log', { configurable: true, enumerable: false, get: () => (child ??= logger.child({ reqId: req.id })) });
    res.setHeader('X-Request-Id', req.id);

    const started = process.hrtime.bigint();
    let logged = false;
    const done = (aborted: boolean) => {
      if (logged) return;
      logged = true;
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const fields = {
        reqId: req.id,
        method: req.method,
        url: redactUrl(req.originalUrl),
        status: res.statusCode,
        ms: Math.round(ms * 10) / 10,
        ip: req.ip,
        ...actorFields(res.locals.actor),
      };
      if (aborted) logger.info(fields, 'request aborted by the client');
      // a probe's 503 "not ready yet" (starting, database away) is its answer, not a failure: the
      // store's state changes are logged once by the store handle
      else if (QUIET_PATHS.has(req.path) && res.statusCode === 503) logger.debug(fields, 'request: not ready');
      else if (res.statusCode >= 500) logger.error(fields, 'request failed');
      else if (QUIET_PATHS.has(req.path)) logger.debug(fields, 'request');
      else logger.info(fields, 'request');
    };
    res.on('finish', () => done(false));
    res.on('close', () => done(!res.writableFinished));
    next();
  };
}
