/**
 * The console's admin layer of one server, built from its ServerContext: the admin router, the
 * `isAdminRequest` check for /api/health details, the job summaries for /api/health, and the
 * job registry with the appliance's jobs (scheduled backups, cleanup). `stop()` stops the cron
 * timers and ends live log streams; call it before closing the HTTP server.
 */
import path from 'node:path';
import type { Request } from 'express';
import { openStoreTarget, storeTargetFromConfig } from '../storage/target.js';
import { registerApplianceJobs, type BackupPolicy } from '../appliance/jobs.js';
import { AdminAlerts } from '../appliance/admin-alerts.js';
import { createMailer, type Mailer } from '../appliance/mail.js';
import { JobRegistry } from '../jobs/registry.js';
import type { ServerContext } from './boot.js';
import { buildInfo } from '../http/health/build-info.js';
import { lanUrls } from '../config/net.js';
import { createStatusProbe, type JobSummary } from '../http/health/routes.js';
import { sessionValid } from '../appliance/admin-account.js';
import { presentedToken } from '../http/admin/guard.js';
import { clientAddress } from '../http/security.js';
import { createAdminRouter, type AdminRouter, type AdminRouterDeps } from '../http/admin/index.js';
import { parseIpAllowList } from '../http/admin/ip-allow.js';
import { EXIT_RESTART } from './launcher.js';
import { folderRoots } from '../storage/folders.js';

export { EXIT_RESTART };

/**
 * Exit code of a console restart request: the server drains (SHUTDOWN_TIMEOUT_MS) and exits with
 * 75, which every supervisor treats as "start me again": the desktop supervisor restarts at once,
 * systemd with `Restart=on-failure` (any non-zero code), PM2 by default (autorestart). A plain
 * `node dist/server/index.js` in a terminal just ends; the console then says to start it again.
 */

export interface AdminLayer {
  router: AdminRouter;
  jobs: JobRegistry;
  backupPolicy: BackupPolicy;
  /** the server's one mailer (SMTP_* settings): the console's test mail, alerts, and the modern API's mail */
  mailer: Mailer;
  /** true for a request with a valid admin session from an allowed address */
  isAdminRequest(req: Request): Promise<boolean>;
  jobSummaries(): Promise<JobSummary[]>;
  /** stops the cron timers and ends live log streams; call before closing the HTTP server */
  stop(): Promise<void>;
}

export interface AdminLayerOptions {
  /** drops the engine's caches of a database the console changed (import, create) */
  invalidate?: (db: string) => void;
  /** the server's engine (users, roles and grants of a database are changed through it) */
  engine?: AdminRouterDeps['engine'];
  /** the server's mailer (default: one from the SMTP_* settings) */
  mailer?: Mailer;
}

/** Builds the admin layer of one server; runtime/compose.ts builds it once per server. */
export function createAdminLayer(context: ServerContext, options: AdminLayerOptions = {}): AdminLayer {
  const { config, storeHandle, logs } = context;
  const getStore = () => storeHandle.current();
  const backupPolicy: BackupPolicy = { schedule: config.BACKUP_SCHEDULE, keep: config.BACKUP_KEEP };
  const jobs = new JobRegistry({ getStore, logger: logs.logger.child({ component: 'jobs' }) });
  const envFile = config.ENV_FILE ?? path.resolve(process.cwd(), '.env');
  const mailer = options.mailer ?? createMailer(config);
  const alerts = new AdminAlerts({
    mailer, adminEmail: config.ADMIN_EMAIL, dataDir: config.DATA_DIR, diskAlertFreeMb: config.DISK_ALERT_FREE_MB,
    appliance: () => storeHandle.current()?.appliance ?? null, logger: logs.logger.child({ component: 'alerts' }),
  });
  registerApplianceJobs(jobs, {
    alerts,
    getStore, dataDir: config.DATA_DIR, policy: backupPolicy, authSalt: config.AUTH_SALT, uploadDir: config.UPLOAD_DIR,
    templateFolders: folderRoots(config.DATA_DIR, config.UPLOAD_DIR).templates,
    saltContext: { dataDir: config.DATA_DIR, envFile },
    invalidate: options.invalidate,
    storeMove: {
      sourceTarget: storeTargetFromConfig(config),
      open: openStoreTarget,
      settings: { envFile },
      pause: (reason) => storeHandle.pause(reason),
    },
  });
  jobs.start();

  const allowList = parseIpAllowList(config.ADMIN_ALLOWED_IPS.join(','));
  const port = () => context.runtime.address?.port ?? config.PORT;
  const protocol = () => context.runtime.address?.protocol ?? (config.HTTPS_ENABLED ? 'https' : 'http');

  const router = createAdminRouter({
    config,
    getStore,
    storeReason: () => storeHandle.status().reason,
    storeTarget: storeTargetFromConfig(config),
    jobs,
    backupPolicy,
    settings: { envFile },
    logs: { ring: logs.ring, currentFile: () => logs.currentFile() },
    logger: logs.logger.child({ component: 'admin' }),
    status: createStatusProbe(context),
    requestRestart: () => context.requestShutdown(EXIT_RESTART, 'restart requested from the console'),
    invalidate: options.invalidate,
    engine: options.engine,
    version: buildInfo().version,
    // what LAN clients would use once LAN mode is on (the wizard shows them before switching)
    lanAddresses: () => lanUrls({ protocol: protocol(), host: '0.0.0.0', port: port(), url: '' }),
    health: { history: context.history, sessions: context.sessions },
    mail: { mailer, adminEmail: config.ADMIN_EMAIL },
  });

  return {
    router,
    jobs,
    backupPolicy,
    mailer,
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

