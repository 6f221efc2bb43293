/**
 * The console's Health page beyond GET /status: GET /health/history (the last 24 h minute by
 * minute), GET /health/sessions (who made authenticated requests in the last 15 min) and
 * GET /health/overview (LAN addresses, last and next backup, database sizes).
 */
import type { RequestHandler } from 'express';
import { z } from 'zod';
import { backupsDir, listBackups } from '../../appliance/backups.js';
import { BACKUP_JOB } from '../../appliance/jobs.js';
import { databaseSummary } from '../../appliance/databases.js';
import { isLoopbackHost, isWildcardHost, lanUrls } from '../../config/net.js';
import { HISTORY_MINUTES } from '../health/history.js';
import { ACTIVE_WINDOW_MS } from '../health/sessions.js';
import { HttpError, issueFields } from '../errors.js';
import { toBackupInfo } from './backups.js';
import type { AdminContext, AdminRoutes } from './context.js';
import type { HealthHistory, HealthOverview, HealthSessions } from './contract.js';

const historyQuerySchema = z.object({
  minutes: z.coerce.number().int().min(1).max(HISTORY_MINUTES).default(60),
});

export function bindHealthRoutes(routes: AdminRoutes, ctx: AdminContext): void {
  const { deps } = ctx;

  const source = () => {
    if (!deps.health) throw new HttpError(501, 'this server keeps no history', 'unsupported');
    return deps.health;
  };

  const history: RequestHandler = (req, res) => {
    const parsed = historyQuerySchema.safeParse(req.query);
    if (!parsed.success) {
      throw new HttpError(400, `minutes must be a whole number from 1 to ${HISTORY_MINUTES}`, 'invalid_request', { details: issueFields(parsed.error, 'minutes') });
    }
    const { minutes } = parsed.data;
    const body: HealthHistory = { minutes, points: source().history.points(minutes) };
    res.set('Cache-Control', 'no-store').json(body);
  };

  const sessions: RequestHandler = (_req, res) => {
    const body: HealthSessions = { windowMinutes: ACTIVE_WINDOW_MS / 60_000, sessions: source().sessions.list() };
    res.set('Cache-Control', 'no-store').json(body);
  };

  const lan = (): HealthOverview['lan'] => {
    const host = deps.config.HOST;
    if (isLoopbackHost(host)) return { enabled: false, addresses: [] };
    if (isWildcardHost(host) && deps.lanAddresses) return { enabled: true, addresses: deps.lanAddresses() };
    return { enabled: true, addresses: lanUrls({ protocol: 'http', host, port: deps.config.PORT, url: '' }) };
  };

  const overview: RequestHandler = async (_req, res) => {
    const store = ctx.store();
    const [backups, jobs, names, sizes] = await Promise.all([
      listBackups(backupsDir(deps.config.DATA_DIR)),
      deps.jobs.list(),
      store.listDatabases(),
      store.databaseSizes().catch((err: unknown) => {
        deps.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'database sizes unavailable');
        return {} as Record<string, number>;
      }),
    ]);
    const databases: HealthOverview['databases'] = [];
    for (const name of names.slice().sort()) {
      const summary = await databaseSummary(store, name);
      databases.push({ ...summary, sizeBytes: sizes[name] ?? null });
    }
    const job = jobs.find((j) => j.name === BACKUP_JOB);
    const body: HealthOverview = {
      lan: lan(),
      backups: {
        schedule: deps.backupPolicy.schedule,
        keep: deps.backupPolicy.keep,
        latest: backups[0] ? toBackupInfo(backups[0], deps.config.AUTH_SALT) : null,
        lastRun: job?.lastRunAt && job.lastResult ? { at: job.lastRunAt, result: job.lastResult, message: job.lastMessage, step: job.lastStep } : null,
        nextRunAt: job?.nextRunAt ?? null,
      },
      databases,
    };
    res.set('Cache-Control', 'no-store').json(body);
  };

  routes.protected.get('/health/history', history);
  routes.protected.get('/health/sessions', sessions);
  routes.protected.get('/health/overview', overview);
}
