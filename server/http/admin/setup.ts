/**
 * The first-run wizard, all on the open router: GET /setup (its status), POST /setup (only from
 * this machine and only while no admin exists; signs the wizard in) and POST /test-mysql (the
 * wizard's "test connection": open under the same first-run rule, else for an admin session).
 */
import type { Request, RequestHandler } from 'express';
import { z } from 'zod';
import { adminExists, readAdminCredentialCopy, createSession } from '../../appliance/admin-account.js';
import { completeSetup, SetupError, setupRequestSchema } from '../../appliance/setup.js';
import { lanUrls } from '../../config/net.js';
import { mysqlSocketPath } from '../../config/schema.js';
import { testMysqlConnection } from '../../storage/mysql/connection-test.js';
import type { Store } from '../../storage/types.js';
import { fieldCodesOf } from '../../config/field-codes.js';
import { HttpError, issueFields } from '../errors.js';
import type { AdminContext, AdminRoutes } from './context.js';
import type { SetupResponse, SetupStatus } from './contract.js';
import { fromLoopback, LOGIN_REQUIRED } from './guard.js';
import { clientAddress } from '../security.js';
import { setSessionCookie } from './session.js';

const mysqlTestSchema = z.object({
  host: z.string().trim().min(1),
  port: z.coerce.number().int().min(1).max(65535),
  user: z.string().trim().min(1),
  password: z.string(),
  database: z.string().trim().max(64).default(''),
  /** a unix socket: host and port are then not used */
  socketPath: mysqlSocketPath().optional(),
});

/** First-run routes are open only from this machine and only while no admin exists. */
async function requireFirstRun(req: Request, store: Store): Promise<void> {
  if (!fromLoopback(req)) throw new HttpError(403, 'first-run setup is possible only on the server machine itself', 'loopback_only');
  if (await adminExists(store.appliance)) throw new HttpError(409, 'an admin password is already set; log in instead', 'already_set_up');
}

export function bindSetupRoutes(routes: AdminRoutes, ctx: AdminContext): void {
  const { deps } = ctx;
  const lanAddresses = deps.lanAddresses ?? (() => lanUrls({ protocol: 'http', host: '0.0.0.0', port: deps.config.PORT, url: '' }));

  const status: RequestHandler = async (req, res) => {
    const store = ctx.deps.getStore();
    // the database away: the copy of the admin's password in the data folder says setup was done
    const exists = store ? await adminExists(store.appliance) : readAdminCredentialCopy(deps.config.DATA_DIR) !== null || ctx.store() === null;
    // the wizard on this machine, or an admin, may see where the data lives and the addresses;
    // anyone else learns only whether setup is done
    const disclose = (!exists && fromLoopback(req)) || (exists && (await ctx.isAdmin(req)));
    const body: SetupStatus = {
      adminExists: exists,
      firstRun: !exists,
      dataDir: disclose ? deps.config.DATA_DIR : null,
      lanAddresses: disclose ? lanAddresses() : [],
    };
    res.json(body);
  };

  const complete: RequestHandler = async (req, res) => {
    const store = ctx.store();
    await requireFirstRun(req, store);
    const parsed = setupRequestSchema.safeParse(req.body);
    if (!parsed.success) throw new HttpError(400, 'the setup request is incomplete', 'invalid_request', { details: issueFields(parsed.error, '_body') });
    let outcome;
    try {
      outcome = await completeSetup({ config: deps.config, settings: deps.settings, store, templatesDir: ctx.templatesDir, logger: deps.logger }, parsed.data);
    } catch (err) {
      if (err instanceof SetupError) {
        throw new HttpError(err.code === 'already_set_up' ? 409 : 422, err.message, err.code, { details: err.fields, ...(err.fields ? { fieldCodes: fieldCodesOf(err.fields) } : {}) });
      }
      throw err;
    }
    if (outcome.restartRequired) ctx.restart.pending = true;
    const session = await createSession(store.appliance, clientAddress(req));
    setSessionCookie(req, res, session);
    const body: SetupResponse = { ok: true, restartRequired: ctx.restart.pending, token: session.token, expiresAt: session.expiresAt.toISOString() };
    res.json(body);
  };

  const testMysql: RequestHandler = async (req, res) => {
    const store = deps.getStore();
    const firstRun = store !== null && fromLoopback(req) && !(await adminExists(store.appliance));
    if (!firstRun && !(await ctx.isAdmin(req))) throw new HttpError(401, LOGIN_REQUIRED, 'unauthorized');
    const parsed = mysqlTestSchema.safeParse(req.body);
    if (!parsed.success) {
      throw new HttpError(400, 'host, port, user, password and database are required', 'invalid_request', { details: issueFields(parsed.error, '_body') });
    }
    res.json(await testMysqlConnection(parsed.data));
  };

  routes.open.get('/setup', status);
  routes.open.post('/setup', complete);
  routes.open.post('/test-mysql', testMysql);
}
