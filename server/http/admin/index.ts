/**
 * The console's admin API (`/api/admin/*`), exactly the paths and shapes of ./contract.ts.
 * Mount: `app.use(ADMIN_BASE, createAdminRouter(deps))` — before any app-wide CORS middleware
 * is applied to it (the router strips CORS headers anyway and answers OPTIONS itself).
 *
 * Every admin capability lives here (docs/desktop.md, "The admin API"), so a headless
 * install has the same features as the desktop console. One file per resource binds its routes
 * to the `open` router (no session needed) or the `protected` one (behind requireAdmin).
 */
import express from 'express';
import { adminErrors, createAdminContext, notFound, type AdminRouter, type AdminRouterDeps, type AdminRoutes } from './context.js';
import { baseGuard, requireAdmin } from './guard.js';
import { parseIpAllowList } from './ip-allow.js';
import { bindBackupRoutes } from './backups.js';
import { bindStoreMoveRoutes } from './store-move.js';
import { bindDatabaseRoutes } from './databases.js';
import { bindPullRoutes } from './pull.js';
import { bindHealthRoutes } from './health.js';
import { bindDbUserRoutes } from './db-users.js';
import { bindJobRoutes } from './jobs.js';
import { bindLogRoutes } from './logs.js';
import { bindMailRoutes } from './mail.js';
import { bindSessionRoutes } from './session.js';
import { bindSettingsRoutes } from './settings.js';
import { bindSetupRoutes } from './setup.js';
import { bindStatusRoutes } from './status.js';

export { ADMIN_BASE } from './contract.js';
export type { AdminHealthSource, AdminLogger, AdminLogs, AdminRouter, AdminRouterDeps, AdminStatusSnapshot } from './context.js';

export function createAdminRouter(deps: AdminRouterDeps): AdminRouter {
  const ctx = createAdminContext(deps);
  const allowList = parseIpAllowList(Array.isArray(deps.config.ADMIN_ALLOWED_IPS) ? deps.config.ADMIN_ALLOWED_IPS.join(',') : deps.config.ADMIN_ALLOWED_IPS);
  const routes: AdminRoutes = { open: express.Router(), protected: express.Router() };
  bindSetupRoutes(routes, ctx);
  bindSessionRoutes(routes, ctx);
  bindSettingsRoutes(routes, ctx);
  const logs = bindLogRoutes(routes, deps.logs);
  bindJobRoutes(routes, ctx);
  bindBackupRoutes(routes, ctx);
  bindStoreMoveRoutes(routes, ctx);
  bindPullRoutes(routes, ctx);
  bindDatabaseRoutes(routes, ctx);
  bindHealthRoutes(routes, ctx);
  bindDbUserRoutes(routes, ctx);
  bindMailRoutes(routes, ctx);
  bindStatusRoutes(routes, ctx, logs);

  const router = express.Router();
  router.use(baseGuard(() => allowList), express.json({ limit: ctx.bodyLimit }));
  router.use(routes.open);
  router.use(requireAdmin(ctx.appliance, ctx.offlineSessions), routes.protected);
  router.use(notFound, adminErrors(deps.logger));
  return Object.assign(router, { closeStreams: () => logs.closeStreams() });
}
