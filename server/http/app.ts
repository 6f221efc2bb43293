/**
 * The Express application: shared middleware, health endpoints, and the mount points the
 * other layers plug into. Order matters:
 *
 *   request id + log line, request counters (and the per-minute history), active sessions
 *   earlyMiddleware (security headers, CORS, per-area size limits: before any body is read)
 *   -- a path the composition says only the legacy API owns (routers.legacyOwns) goes straight
 *      to the store gate and routers.legacy: it reads its body itself (PHP's parse_str rules),
 *      so the app's parsers and the other routers' matching would only cost time there --
 *   body parsers
 *   /health, /health/ready, /api/health, /api/deployment-info, /api/system-resources
 *   routers.public   (docs, console assets: anything that works without the database)
 *   routers.admin    at /api/admin (console; decides itself what needs the store)
 *   -- store gate: 503 {"error":"Database unavailable: <reason>"} while not connected --
 *   routers.api      at /api (auth, v2, organizations)
 *   routers.legacy   at /     LAST: it owns /{db}/... and /api/{db}/...
 *   JSON 404, error handler (never a stack trace)
 */
import express, { type Express, type RequestHandler, type Router } from 'express';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/index.js';
import { requestContext } from '../log/request-context.js';
import type { AdmissionQueue, Release } from '../storage/admission.js';
import type { StoreHandle } from '../storage/handle.js';
import { databaseUnavailable, errorHandler, HttpError, sendError } from './errors.js';
import { createHealthRouter, detectMode, type AdminRequestCheck, type JobSummary, type RuntimeInfo } from './health/routes.js';
import { RequestMetrics } from './health/request-metrics.js';
import type { ActiveSessions } from './health/sessions.js';

export type { AdminRequestCheck, JobSummary, RuntimeInfo } from './health/routes.js';
export type { ListenAddress } from '../config/net.js';

export interface AppRouters {
  /** mounted at / before the store gate: must not need the database */
  public?: Router | RequestHandler;
  /** mounted at /api/admin, before the store gate */
  admin?: Router | RequestHandler;
  /** mounted at /api, behind the store gate */
  api?: Router | RequestHandler;
  /** mounted at / after everything else, behind the store gate */
  legacy?: Router | RequestHandler;
  /**
   * Paths no other router claims: they reach `legacy` right after the early middleware, without
   * the body parsers and the other routers. Unset: legacy only gets what falls through.
   */
  legacyOwns?: (path: string) => boolean;
}

export interface AppDeps {
  config: AppConfig;
  storeHandle: StoreHandle;
  logger: Logger;
  routers?: AppRouters;
  /** mounted after the request id and counters, before the body parsers (e.g. securityMiddleware(config)) */
  earlyMiddleware?: Array<Router | RequestHandler>;
  /** the admin layer's check; default: nobody is an admin */
  isAdminRequest?: AdminRequestCheck;
  /** the job registry's summary for /api/health; default none */
  jobs?: () => JobSummary[] | Promise<JobSummary[]>;
  /** shared with the server, which fills in the address once listening */
  runtime?: RuntimeInfo;
  metrics?: RequestMetrics;
  /** who is connected: fed by every authenticated request */
  sessions?: ActiveSessions;
  /** a queue the store-backed routes wait in (the embedded store); none: no limit */
  admission?: AdmissionQueue;
}

/**
 * Requests to the store wait their turn in the admission queue (the embedded store); when it is
 * full, or the wait runs out, a fast 503 "busy" with Retry-After. The slot is freed when the
 * answer has been sent or the client went away.
 */
export function admissionGate(queue: AdmissionQueue): RequestHandler {
  return (_req, res, next) => {
    // 'close' comes after every answer, and also when the client hangs up while still waiting:
    // a slot handed to a request whose client has gone is given back at once
    let clientGone = false;
    let release: Release | null = null;
    res.once('close', () => {
      clientGone = true;
      release?.();
    });
    void queue.acquire().then((slot) => {
      if (!slot) {
        sendError(res, 'plain', new HttpError(503, 'The server is busy; try again in a moment', 'busy', { headers: { 'Retry-After': '1' } }));
        return;
      }
      if (clientGone) {
        slot();
        return;
      }
      release = slot;
      res.once('finish', slot);
      next();
    });
  };
}

/** 503 for everything behind it while the store is not connected, or while the data API is paused (a move). */
export function storeGate(storeHandle: StoreHandle): RequestHandler {
  return (_req, res, next) => {
    const paused = storeHandle.paused();
    if (paused !== null) {
      return sendError(res, 'plain', new HttpError(503, `The server is not taking requests now: ${paused}`, 'paused', { headers: { 'Retry-After': '30' }, params: { reason: paused } }));
    }
    if (storeHandle.current()) return next();
    sendError(res, 'plain', databaseUnavailable(storeHandle.status().reason));
  };
}

export function createApp(deps: AppDeps): Express {
  const { config, storeHandle, logger, routers = {} } = deps;
  const metrics = deps.metrics ?? new RequestMetrics();
  const runtime: RuntimeInfo = deps.runtime ?? { startedAt: new Date(), mode: detectMode(), address: null };
  const isAdminRequest: AdminRequestCheck = deps.isAdminRequest ?? (() => false);

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.TRUST_PROXY);
  app.set('json spaces', 0);

  app.use(requestContext(logger));
  app.use(metrics.middleware());
  if (deps.sessions) app.use(deps.sessions.middleware());
  for (const middleware of deps.earlyMiddleware ?? []) app.use(middleware);
  const { legacy, legacyOwns } = routers;
  const admit: RequestHandler = deps.admission ? admissionGate(deps.admission) : (_req, _res, next) => next();
  if (legacy && legacyOwns) {
    const gate = storeGate(storeHandle);
    app.use((req, res, next) => {
      if (!legacyOwns(req.path)) return next();
      gate(req, res, () => admit(req, res, () => legacy(req, res, next)));
    });
  }
  app.use(express.json({ limit: config.BODY_LIMIT, type: ['application/json', 'application/*+json'] }));
  app.use(express.urlencoded({ extended: true, limit: config.BODY_LIMIT, parameterLimit: 10_000 }));

  app.use(createHealthRouter({ config, storeHandle, metrics, runtime, isAdminRequest, jobs: deps.jobs ?? (() => []) }));
  if (routers.public) app.use(routers.public);
  if (routers.admin) app.use('/api/admin', routers.admin);

  app.use(storeGate(storeHandle));
  app.use(admit);
  if (routers.api) app.use('/api', routers.api);
  if (routers.legacy) app.use(routers.legacy);

  app.use((req, res) => sendError(res, 'plain', new HttpError(404, `Not found: ${req.method} ${req.path}`, 'not_found', { params: { method: req.method, path: req.path } })));
  app.use(errorHandler({ storeHandle }));
  return app;
}
