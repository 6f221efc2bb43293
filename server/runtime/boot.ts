/**
 * Starting the whole server from a loaded configuration: log, store (per policy), LAN check,
 * HTTP. Used by the entry (server/index.ts) and by tests that want a server in-process.
 */
import path from 'node:path';
import type { AppConfig } from '../config/index.js';
import { isWildcardHost } from '../config/net.js';
import type { RequestHandler, Router } from 'express';
import { createApp, type AdminRequestCheck, type AppRouters, type JobSummary, type RuntimeInfo } from '../http/app.js';
import { detectMode } from '../http/health/routes.js';
import { RequestMetrics } from '../http/health/request-metrics.js';
import { MetricsHistory } from '../http/health/history.js';
import { ActiveSessions } from '../http/health/sessions.js';
import { lanUrls } from '../config/net.js';
import { EXIT_CONFIG, EXIT_LAN_REFUSED, StartupError, assertPortFree, startServer, type RunningServer } from '../http/server.js';
import { createLogSystem, type LogSystem } from '../log/logger.js';
import { AdmissionQueue, EMBEDDED_STORE_ADMISSION } from '../storage/admission.js';
import { isStoreError } from '../storage/errors.js';
import { isLoopbackHost } from '../config/net.js';
import { checkLanMode } from '../appliance/lan-rule.js';
import { startStoreHandle, type StoreHandle } from '../storage/handle.js';
import { storeTargetFromConfig, type StoreOpener, type StoreTarget } from '../storage/target.js';

/** What router factories get to build the API layers. */
export interface ServerContext {
  config: AppConfig;
  storeHandle: StoreHandle;
  logs: LogSystem;
  runtime: RuntimeInfo;
  metrics: RequestMetrics;
  /** the last 24 hours minute by minute (the console's Health charts), kept in the data folder */
  history: MetricsHistory;
  /** who made authenticated requests in the last 15 minutes */
  sessions: ActiveSessions;
  /** graceful stop with this exit code (the admin API's restart uses 75) */
  requestShutdown(exitCode: number, reason: string): void;
  /** runs `task` on close, after the HTTP server drained and before the store closes (stop cron timers ...) */
  onShutdown(task: () => void | Promise<void>): void;
  /** runs `task` when closing starts, before the drain: end long-lived responses (live log streams) so the drain need not wait for them */
  onDrain(task: () => void): void;
}

export interface BootOptions {
  config: AppConfig;
  /** builds the routers once the store handle exists */
  routers?: (context: ServerContext) => AppRouters | Promise<AppRouters>;
  /** middleware before the body parsers (security headers, CORS, size limits) */
  earlyMiddleware?: (context: ServerContext) => Array<Router | RequestHandler>;
  isAdminRequest?: (context: ServerContext) => AdminRequestCheck;
  jobs?: (context: ServerContext) => () => JobSummary[] | Promise<JobSummary[]>;
  /** called when the server must stop on its own (LAN refused after a late connect, shutdown request) */
  onFatal?: (message: string, exitCode: number) => void;
  requestShutdown?: (exitCode: number, reason: string) => void;
  stdout?: NodeJS.WritableStream;
  open?: StoreOpener;
}

export interface BootedServer {
  url: string;
  running: RunningServer;
  storeHandle: StoreHandle;
  logs: LogSystem;
  context: ServerContext;
  /** graceful: stop accepting, wait for requests in flight (deadline), close the store, flush logs */
  close(deadlineMs?: number): Promise<void>;
}

/** the per-minute history's file in the data folder */
export const HISTORY_FILE = 'metrics-history.json';

function targetOrStartupError(config: AppConfig): StoreTarget {
  try {
    return storeTargetFromConfig(config);
  } catch (err) {
    if (isStoreError(err)) throw new StartupError(err.message, EXIT_CONFIG);
    throw err;
  }
}

export async function bootServer(options: BootOptions): Promise<BootedServer> {
  const { config } = options;
  const target = targetOrStartupError(config);
  // (not for LAN hosts: nothing binds a LAN address before the admin-password check)
  if (isLoopbackHost(config.HOST)) await assertPortFree(config.PORT, config.HOST);
  const logs = await createLogSystem(config, { stdout: options.stdout });
  const logger = logs.logger;
  const storeHandle = startStoreHandle({
    target,
    logger,
    announce: (message) => logs.announce(message),
    open: options.open,
    pingIntervalMs: config.DB_PING_INTERVAL_MS,
  });

  const abort = async (error: unknown): Promise<never> => {
    await storeHandle.close().catch(() => undefined);
    await logs.close();
    throw error;
  };

  // On loopback the server listens at once, while the store opens: /health answers as soon as
  // the process runs (the first start of the embedded store creates a database, which can take
  // a while on a slow PC; the supervisor must not take that for a hang). APIs answer 503
  // "Database unavailable: starting" meanwhile.
  // LAN mode waits for the whole first attempt: the admin-password check must come before binding.
  const lanMode = !isLoopbackHost(config.HOST);
  if (lanMode) await storeHandle.firstAttempt();

  const fatal = options.onFatal ?? ((message: string) => logger.fatal(message));
  if (lanMode) {
    const store = storeHandle.current();
    if (store) {
      const refusal = await checkLanMode(config.HOST, store.appliance).catch((err: unknown) => {
        storeHandle.reportFailure(err);
        return null;
      });
      if (refusal) return abort(new StartupError(refusal, EXIT_LAN_REFUSED));
    } else {
      // cannot ask the database yet: everything but health answers 503 meanwhile; decide on connect
      const stop = storeHandle.onChange((status) => {
        if (!status.connected) return;
        stop();
        const connectedStore = storeHandle.current();
        if (!connectedStore) return;
        void checkLanMode(config.HOST, connectedStore.appliance).then((refusal) => {
          if (refusal) fatal(refusal, EXIT_LAN_REFUSED);
        });
      });
    }
  }

  const runtime: RuntimeInfo = { startedAt: new Date(), mode: detectMode(), address: null };
  const history = new MetricsHistory({
    file: path.join(config.DATA_DIR, HISTORY_FILE),
    gauges: () => {
      const memory = process.memoryUsage();
      const db = storeHandle.status();
      return { rssBytes: memory.rss, heapUsedBytes: memory.heapUsed, storeLatencyMs: db.connected ? db.latencyMs : null };
    },
    onError: (err, what) => logger.warn({ err: err instanceof Error ? err.message : String(err) }, `metrics history: ${what} failed`),
  });
  await history.load();
  history.start();
  const metrics = new RequestMetrics(Date.now, history);
  const sessions = new ActiveSessions();
  const shutdownTasks: Array<() => void | Promise<void>> = [];
  // written once the HTTP server has drained, so the requests in flight are counted
  shutdownTasks.push(() => history.stop());
  const drainTasks: Array<() => void> = [];
  const runShutdownTasks = async () => {
    for (const task of shutdownTasks.splice(0)) {
      try {
        await task();
      } catch (err) {
        logger.error({ err }, 'a shutdown task failed');
      }
    }
  };
  const context: ServerContext = {
    config,
    storeHandle,
    logs,
    runtime,
    metrics,
    history,
    sessions,
    requestShutdown: options.requestShutdown ?? ((exitCode, reason) => fatal(reason, exitCode)),
    onShutdown: (task) => {
      shutdownTasks.push(task);
    },
    onDrain: (task) => {
      drainTasks.push(task);
    },
  };

  let running: RunningServer;
  try {
    const app = createApp({
      config,
      storeHandle,
      logger,
      runtime,
      metrics,
      sessions,
      routers: options.routers ? await options.routers(context) : {},
      earlyMiddleware: options.earlyMiddleware?.(context),
      isAdminRequest: options.isAdminRequest?.(context),
      jobs: options.jobs?.(context),
      // the embedded store serves one statement at a time: requests wait their turn, briefly
      admission: storeHandle.driver === 'pglite' ? new AdmissionQueue(EMBEDDED_STORE_ADMISSION) : undefined,
    });
    running = await startServer({ config, app });
  } catch (err) {
    await runShutdownTasks();
    return abort(err);
  }
  runtime.address = running.address;
  logs.announce(`Integram server listening on ${running.url}`);
  // where a new admin goes next: the console, and where the data lives
  logs.announce(`Console: ${running.url}/console · API docs: ${running.url}/api/docs · data folder: ${path.resolve(config.DATA_DIR)}`);
  if (isWildcardHost(config.HOST)) {
    const urls = lanUrls(running.address);
    logs.announce(urls.length > 0 ? `LAN addresses: ${urls.join(', ')}` : 'LAN mode, but this machine has no network address yet');
  }

  let closing: Promise<void> | null = null;
  return {
    url: running.url,
    running,
    storeHandle,
    logs,
    context,
    close(deadlineMs?: number) {
      closing ??= (async () => {
        for (const task of drainTasks.splice(0)) {
          try {
            task();
          } catch (err) {
            logger.error({ err }, 'a drain task failed');
          }
        }
        await running.close(deadlineMs);
        await runShutdownTasks();
        await storeHandle.close().catch((err: unknown) => logger.error({ err }, 'closing the database failed'));
        await logs.close();
      })();
      return closing;
    },
  };
}
