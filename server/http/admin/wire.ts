/**
 * Everything the server entry needs from the admin layer, built once per server from its
 * ServerContext: the router for `routers.admin`, the `isAdminRequest` check for /api/health
 * details, the job summaries for /api/health, and the job registry (scheduled backups).
 *
 * In server/index.ts:
 *   routers: (ctx) => ({ admin: adminLayerFor(ctx).router, ... }),
 *   isAdminRequest: (ctx) => adminLayerFor(ctx).isAdminRequest,
 *   jobs: (ctx) => adminLayerFor(ctx).jobSummaries,
 * and on shutdown `await adminLayerFor(ctx).stop()` before closing the HTTP server (stops the
 * cron timers, ends live log streams so the drain does not wait for them).
 */
import path from 'node:path';
import type { Request } from 'express';
import { BACKUP_JOB, registerApplianceJobs, type BackupPolicy } from '../../jobs/appliance-jobs.js';
import { JobRegistry } from '../../jobs/registry.js';
import type { ServerContext } from '../../runtime/boot.js';
import { buildInfo } from '../health/build-info.js';
import { createStatusProbe, lanUrls, type JobSummary } from '../health/routes.js';
import { sessionValid } from './account.js';
import { clientAddress, presentedToken } from './guard.js';
import { createAdminRouter, type AdminRouter } from './index.js';
import { parseIpAllowList } from './ip-allow.js';

/**
 * Exit code of a console restart request: the server drains (SHUTDOWN_TIMEOUT_MS) and exits with
 * 75, which every supervisor treats as "start me again": the desktop supervisor restarts at once,
 * systemd with `Restart=on-failure` (any non-zero code), PM2 by default (autorestart). A plain
 * `node dist/server/index.js` in a terminal just ends; the console then says to start it again.
 */
export const EXIT_RESTART = 75;

export interface AdminLayer {
  router: AdminRouter;
  jobs: JobRegistry;
  backupPolicy: BackupPolicy;
  /** true for a request with a valid admin session from an allowed address */
  isAdminRequest(req: Request): Promise<boolean>;
  jobSummaries(): Promise<JobSummary[]>;
  /** stops the cron timers and ends live log streams; call before closing the HTTP server */
  stop(): Promise<void>;
}

const layers = new WeakMap<ServerContext, AdminLayer>();

/** The admin layer of this server (created on first call, then the same object). */
export function adminLayerFor(context: ServerContext): AdminLayer {
  let layer = layers.get(context);
  if (!layer) {
    layer = createAdminLayer(context);
    layers.set(context, layer);
  }
  return layer;
}

export function createAdminLayer(context: ServerContext): AdminLayer {
  const { config, storeHandle, logs } = context;
  const getStore = () => storeHandle.current();
  const backupPolicy: BackupPolicy = { schedule: config.BACKUP_SCHEDULE, keep: config.BACKUP_KEEP };
  const jobs = new JobRegistry({ getStore, logger: logs.logger.child({ component: 'jobs' }) });
  registerApplianceJobs(jobs, { getStore, dataDir: config.DATA_DIR, policy: backupPolicy });
  jobs.start();

  const allowList = parseIpAllowList(config.ADMIN_ALLOWED_IPS.join(','));
  const port = () => context.runtime.address?.port ?? config.PORT;
  const protocol = () => context.runtime.address?.protocol ?? (config.HTTPS_ENABLED ? 'https' : 'http');

  const router = createAdminRouter({
    config,
    getStore,
    jobs,
    backupPolicy,
    settings: { envFile: config.ENV_FILE ?? path.resolve(process.cwd(), '.env') },
    logs: { ring: logs.ring, currentFile: () => logs.currentFile() },
    logger: logs.logger.child({ component: 'admin' }),
    status: createStatusProbe(context),
    requestRestart: () => context.requestShutdown(EXIT_RESTART, 'restart requested from the console'),
    version: buildInfo().version,
    // what LAN clients would use once LAN mode is on (the wizard shows them before switching)
    lanAddresses: () => lanUrls({ protocol: protocol(), host: '0.0.0.0', port: port(), url: '' }),
  });

  return {
    router,
    jobs,
    backupPolicy,
    async isAdminRequest(req) {
      const token = presentedToken(req);
      const store = getStore();
      if (!token || !store || !allowList.allows(clientAddress(req))) return false;
      return sessionValid(store.appliance, token).catch(() => false);
    },
    async jobSummaries() {
      return (await jobs.list()).map(({ name, lastRunAt, lastResult, nextRunAt }) => ({ name, lastRunAt, lastResult, nextRunAt }));
    },
    async stop() {
      router.closeStreams();
      await jobs.stop();
    },
  };
}

export { BACKUP_JOB };
