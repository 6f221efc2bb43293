/**
 * /health, /health/ready, /api/health, /api/deployment-info, /api/system-resources
 * (docs/modern-api.md, "Health"). Every figure is measured when asked; none is canned.
 * None of them needs the database to answer, so they keep working during an outage.
 */
import os from 'node:os';
import v8 from 'node:v8';
import { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { AppConfig } from '../../config/index.js';
import { aiStatus } from '../../appliance/ai/chat.js';
import { lanUrls, urlHost, type ListenAddress } from '../../config/net.js';
import type { StoreHandle } from '../../storage/handle.js';
import { ADMIN_COOKIE, type ServerStatus } from '../admin/contract.js';
import { HttpError, sendError } from '../errors.js';
import { buildInfo } from './build-info.js';
import { diskSpace } from '../../appliance/disk-space.js';

export { diskSpace };
import { eventLoopLagMs, startEventLoopMonitor } from './event-loop.js';
import type { RequestMetrics } from './request-metrics.js';

/** Installed by the admin layer; until then nobody is an admin. */
export type AdminRequestCheck = (req: Request) => boolean | Promise<boolean>;

export interface JobSummary {
  name: string;
  lastRunAt: string | null;
  lastResult: 'ok' | 'error' | null;
  nextRunAt: string | null;
}

/** Facts about the running process that only exist once it listens. */
export interface RuntimeInfo {
  startedAt: Date;
  mode: 'desktop' | 'headless';
  address: ListenAddress | null;
}

export interface HealthDeps {
  config: AppConfig;
  storeHandle: StoreHandle;
  metrics: RequestMetrics;
  runtime: RuntimeInfo;
  isAdminRequest: AdminRequestCheck;
  jobs: () => JobSummary[] | Promise<JobSummary[]>;
}

/** Desktop when started by Electron (utilityProcess sets process.versions.electron / parentPort). */
export function detectMode(): 'desktop' | 'headless' {
  const electron = (process.versions as NodeJS.ProcessVersions & { electron?: string }).electron;
  return electron || process.env.INTEGRAM_DESKTOP === '1' ? 'desktop' : 'headless';
}

function hasCredentials(req: Request): boolean {
  if (req.get('authorization') || req.get('x-authorization')) return true;
  const cookie = req.get('cookie') ?? '';
  return cookie.split(';').some((part) => part.trim().startsWith(`${ADMIN_COOKIE}=`));
}

/** The admin check, where a failure (e.g. the store is down, so no session can be read) means "not an admin". */
async function askIsAdmin(isAdminRequest: AdminRequestCheck, req: Request): Promise<boolean> {
  try {
    return (await isAdminRequest(req)) === true;
  } catch (err) {
    req.log?.debug({ err }, 'admin check failed; treating the request as anonymous');
    return false;
  }
}

/** 401 without credentials, 403 with credentials that are not an admin's. */
export function requireAdmin(isAdminRequest: AdminRequestCheck): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    if (await askIsAdmin(isAdminRequest, req)) return next();
    if (hasCredentials(req)) sendError(res, 'plain', new HttpError(403, 'Admin access required', 'forbidden'));
    else sendError(res, 'plain', new HttpError(401, 'Admin login required', 'unauthorized'));
  };
}

/**
 * ok while connected; degraded while MySQL is away (retrying) or while the store is still opening
 * at start; down when the embedded store cannot be opened (or the store is closed).
 */
export function healthStatus(storeHandle: StoreHandle): 'ok' | 'degraded' | 'down' {
  const db = storeHandle.status();
  if (db.connected) return 'ok';
  if (db.state === 'closed') return 'down';
  if (db.driver === 'mysql') return 'degraded';
  return db.reason === 'starting' ? 'degraded' : 'down';
}

/**
 * The console's status page figures (GET /api/admin/status), from the same measurements as
 * /api/health. Wire it as the admin router's `status`.
 */
export function createStatusProbe(deps: Pick<HealthDeps, 'config' | 'storeHandle' | 'metrics' | 'runtime'>): () => Promise<Omit<ServerStatus, 'restartRequired'>> {
  return async () => {
    const db = deps.storeHandle.status();
    const disk = await diskSpace(deps.config.DATA_DIR);
    const memory = process.memoryUsage();
    return {
      status: healthStatus(deps.storeHandle),
      version: buildInfo().version,
      uptimeSeconds: Math.floor((Date.now() - deps.runtime.startedAt.getTime()) / 1000),
      database: {
        driver: db.driver,
        connected: db.connected,
        target: db.target,
        latencyMs: db.latencyMs,
        ...(db.reason !== undefined ? { reason: db.reason } : {}),
      },
      disk: { dataDir: deps.config.DATA_DIR, total: disk?.total ?? 0, free: disk?.free ?? 0 },
      memory: { rss: memory.rss, heapUsed: memory.heapUsed, total: os.totalmem(), free: os.freemem() },
      requests: deps.metrics.snapshot(),
    };
  };
}

export function createHealthRouter(deps: HealthDeps): Router {
  const { config, storeHandle, metrics, runtime } = deps;
  startEventLoopMonitor();
  const router = Router();

  const currentAddress = (): ListenAddress => {
    if (runtime.address) return runtime.address;
    const protocol = config.HTTPS_ENABLED ? 'https' : 'http';
    return { protocol, host: config.HOST, port: config.PORT, url: `${protocol}://${urlHost(config.HOST)}:${config.PORT}` };
  };

  // Liveness: the process serves requests. No database call, ever.
  router.get('/health', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });
  // Readiness, for load balancers and monitors: the database is connected (no query: the store
  // handle's state); 503 while the store is still opening or is unavailable, with the public reason
  router.get('/health/ready', (_req, res) => {
    const db = storeHandle.status();
    const ready = db.connected;
    const status = ready ? 'ok' : db.state === 'connecting' && db.reason === 'starting' ? 'starting' : 'degraded';
    res.set('Cache-Control', 'no-store').status(ready ? 200 : 503).json(ready ? { status, ready } : { status, ready, reason: db.reason ?? 'starting' });
  });

  router.get('/api/health', async (req, res) => {
    const admin = await askIsAdmin(deps.isAdminRequest, req);
    const db = storeHandle.status();
    const status = healthStatus(storeHandle);
    const disk = await diskSpace(config.DATA_DIR);
    const body = {
      status,
      version: buildInfo().version,
      schemaVersion: db.schemaVersion,
      uptimeSeconds: Math.floor((Date.now() - runtime.startedAt.getTime()) / 1000),
      database: {
        driver: db.driver,
        connected: db.connected,
        target: admin ? db.target : null,
        latencyMs: db.latencyMs,
        ...(db.reason !== undefined ? { reason: db.reason } : {}),
        ...(admin && db.detail !== undefined ? { detail: db.detail } : {}),
        since: db.since,
      },
      storage: { freeBytes: disk?.free ?? null, ...(admin ? { dataDir: config.DATA_DIR } : {}) },
      // the provider names only, never a key
      ai: aiStatus(config),
      requests: metrics.snapshot(),
      jobs: await Promise.resolve()
        .then(() => deps.jobs())
        .catch((err: unknown) => {
          req.log?.warn({ err }, 'job summaries unavailable');
          return [];
        }),
    };
    res.status(status === 'down' ? 503 : 200).set('Cache-Control', 'no-store').json(body);
  });

  router.get('/api/deployment-info', (_req, res) => {
    const info = buildInfo();
    const address = currentAddress();
    const electronVersion = (process.versions as NodeJS.ProcessVersions & { electron?: string }).electron;
    res.set('Cache-Control', 'no-store').json({
      version: info.version,
      commit: info.commit,
      buildTime: info.buildTime,
      mode: runtime.mode,
      nodeVersion: process.versions.node,
      ...(electronVersion ? { electronVersion } : {}),
      // Bun reports a Node version too; this says which runtime really runs the server
      ...(process.versions.bun ? { bunVersion: process.versions.bun } : {}),
      platform: process.platform,
      arch: process.arch,
      startedAt: runtime.startedAt.toISOString(),
      host: address.host,
      port: address.port,
      url: address.url,
      urls: lanUrls(address),
    });
  });

  router.get('/api/system-resources', requireAdmin(deps.isAdminRequest), async (_req, res) => {
    const memory = process.memoryUsage();
    const disk = await diskSpace(config.DATA_DIR);
    res.set('Cache-Control', 'no-store').json({
      cpu: { cores: os.availableParallelism(), loadAvg: os.loadavg() },
      // heapLimit: the JavaScript heap's ceiling (npm run start:high-mem raises it to 4 GB)
      memory: { total: os.totalmem(), free: os.freemem(), processRss: memory.rss, heapUsed: memory.heapUsed, heapLimit: v8.getHeapStatistics().heap_size_limit },
      disk: { dataDir: config.DATA_DIR, total: disk?.total ?? null, free: disk?.free ?? null },
      eventLoopLagMs: eventLoopLagMs(),
    });
  });

  return router;
}
