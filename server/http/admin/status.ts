/** GET /status (the status page), POST /restart (drain, exit 75, the supervisor restarts), GET /update. */
import type { RequestHandler } from 'express';
import type { AdminContext, AdminRoutes } from './context.js';
import type { ServerStatus, UpdateStatus } from './contract.js';
import type { LogRoutes } from './logs.js';

export function bindStatusRoutes(routes: AdminRoutes, ctx: AdminContext, logs: LogRoutes): void {
  const { deps } = ctx;

  const status: RequestHandler = async (_req, res) => {
    const snapshot = await deps.status();
    const body: ServerStatus = { ...snapshot, restartRequired: ctx.restart.pending };
    res.json(body);
  };

  const restart: RequestHandler = (_req, res) => {
    deps.logger.warn({}, 'restart requested from the console');
    res.status(202).json({ ok: true });
    res.on('finish', () => setImmediate(() => {
      // live log streams would hold the drain open until its deadline
      logs.closeStreams();
      deps.requestRestart();
    }));
  };

  const update: RequestHandler = async (_req, res) => {
    if (deps.update) {
      res.json(await deps.update());
      return;
    }
    const body: UpdateStatus = {
      supported: false, state: 'unsupported', currentVersion: deps.version,
      reason: 'a headless server is updated by installing the new package (npm, Docker image or system package); the desktop app updates itself',
    };
    res.json(body);
  };

  routes.protected.get('/status', status);
  routes.protected.post('/restart', restart);
  routes.protected.get('/update', update);
}
