/**
 * GET /settings, POST /settings/validate, PUT /settings: the .env file the console edits
 * (appliance/settings.ts). A write applies BACKUP_SCHEDULE and BACKUP_KEEP at once; the rest
 * marks a restart as pending.
 */
import type { Request, RequestHandler } from 'express';
import { z } from 'zod';
import { adminExists } from '../../appliance/admin-account.js';
import { applyLiveSettings, readSettings, validateSettings, writeSettings } from '../../appliance/settings.js';
import { HttpError, issueFields } from '../errors.js';
import type { AdminContext, AdminRoutes } from './context.js';

const settingsUpdateSchema = z.object({ values: z.record(z.string(), z.unknown()) });

function settingsValues(req: Request): Record<string, unknown> {
  const parsed = settingsUpdateSchema.safeParse(req.body);
  if (!parsed.success) throw new HttpError(400, 'expected {"values": {...}}', 'invalid_request', { details: issueFields(parsed.error, '_body') });
  return parsed.data.values;
}

export function bindSettingsRoutes(routes: AdminRoutes, ctx: AdminContext): void {
  const { deps } = ctx;

  const read: RequestHandler = async (_req, res) => {
    res.json(await readSettings(deps.settings));
  };

  const validate: RequestHandler = async (req, res) => {
    res.json(await validateSettings(deps.settings, settingsValues(req), { adminExists: true }));
  };

  const write: RequestHandler = async (req, res) => {
    const values = settingsValues(req);
    const store = deps.getStore();
    const exists = store ? await adminExists(store.appliance) : true;
    const outcome = await writeSettings(deps.settings, values, { adminExists: exists });
    if (!outcome.ok) throw new HttpError(422, 'some settings are not valid', 'invalid_settings', { details: outcome.fields });
    await applyLiveSettings(deps.settings, outcome.changed, { backupPolicy: deps.backupPolicy, jobs: deps.jobs });
    if (outcome.restartRequired) ctx.restart.pending = true;
    deps.logger.info({ keys: outcome.changed }, 'settings saved from the console');
    res.json({ ok: true, restartRequired: outcome.restartRequired });
  };

  routes.protected.get('/settings', read);
  routes.protected.post('/settings/validate', validate);
  routes.protected.put('/settings', write);
}
