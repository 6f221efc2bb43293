/**
 * GET /settings, POST /settings/validate, PUT /settings: the .env file the console edits
 * (appliance/settings.ts). A write applies BACKUP_SCHEDULE and BACKUP_KEEP at once; the rest
 * marks a restart as pending.
 */
import type { Request, RequestHandler } from 'express';
import { z } from 'zod';
import { adminExists } from '../../appliance/admin-account.js';
import { applyLiveSettings, planSettingsChange, readSettings, validateSettings, writeSettings } from '../../appliance/settings.js';
import { fieldCodesOf } from '../../config/field-codes.js';
import { STORE_SETTINGS } from '../../appliance/store-move.js';
import { testMysqlConnection } from '../../storage/mysql/connection-test.js';
import { HttpError, issueFields } from '../errors.js';
import type { AdminContext, AdminRoutes } from './context.js';

const settingsUpdateSchema = z.object({
  values: z.record(z.string(), z.unknown()),
  /** switch to another store as it is, leaving this one's data behind (the console asked) */
  confirmStoreChange: z.boolean().optional(),
});

function settingsUpdate(req: Request): z.infer<typeof settingsUpdateSchema> {
  const parsed = settingsUpdateSchema.safeParse(req.body);
  if (!parsed.success) throw new HttpError(400, 'expected {"values": {...}}', 'invalid_request', { details: issueFields(parsed.error, '_body') });
  return parsed.data;
}

function settingsValues(req: Request): Record<string, unknown> {
  return settingsUpdate(req).values;
}

const STORE_KEYS: ReadonlySet<string> = new Set(STORE_SETTINGS);

/**
 * A change of the store settings never leads silently to an empty store: the new MySQL must
 * answer, and when this store holds databases the console must say whether to move them
 * (POST /store/move) or to switch without them (confirmStoreChange).
 */
async function checkStoreChange(ctx: AdminContext, values: Record<string, unknown>, confirmed: boolean): Promise<void> {
  const { deps } = ctx;
  const plan = await planSettingsChange(deps.settings, values, { adminExists: true });
  if (!plan.ok || !Object.keys(plan.changes).some((key) => STORE_KEYS.has(key)) || !plan.storeTarget) return;
  const target = plan.storeTarget;
  if (target.driver === 'mysql') {
    const { host, port, socketPath, user, password } = target.mysql;
    // the server and the credentials; the server creates a database that does not exist yet when it opens it
    const probe = await testMysqlConnection({ host, port, socketPath, user, password, database: '' });
    if (!probe.ok) {
      const field = values.DATABASE_URL !== undefined ? 'DATABASE_URL' : socketPath ? 'DB_SOCKET' : 'DB_HOST';
      throw new HttpError(422, `the new database does not answer: ${probe.error ?? 'cannot connect'}`, 'store_unreachable', {
        params: { reason: probe.error ?? 'no answer' },
        details: { [field]: `cannot connect: ${probe.error ?? 'no answer'}` },
        fieldCodes: { [field]: { code: 'cannot_connect', params: { reason: probe.error ?? 'no answer' } } },
      });
    }
  }
  if (confirmed) return;
  const store = deps.getStore();
  const databases = store ? await store.listDatabases() : [];
  if (databases.length > 0) {
    throw new HttpError(409, `the ${databases.length} database(s) of this server stay where they are: move them to the new store, or confirm switching without them`, 'store_change', {
      details: { databases: String(databases.length) }, params: { count: databases.length },
    });
  }
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
    const { values, confirmStoreChange } = settingsUpdate(req);
    await checkStoreChange(ctx, values, confirmStoreChange === true);
    const store = deps.getStore();
    const exists = store ? await adminExists(store.appliance) : true;
    const outcome = await writeSettings(deps.settings, values, { adminExists: exists });
    if (!outcome.ok) throw new HttpError(422, 'some settings are not valid', 'invalid_settings', { details: outcome.fields, fieldCodes: fieldCodesOf(outcome.fields) });
    await applyLiveSettings(deps.settings, outcome.changed, { backupPolicy: deps.backupPolicy, jobs: deps.jobs });
    if (outcome.restartRequired) ctx.restart.pending = true;
    deps.logger.info({ keys: outcome.changed }, 'settings saved from the console');
    res.json({ ok: true, restartRequired: outcome.restartRequired });
  };

  routes.protected.get('/settings', read);
  routes.protected.post('/settings/validate', validate);
  routes.protected.put('/settings', write);
}
