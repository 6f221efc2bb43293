/**
 * GET /databases/pull (the form's defaults from the settings) and POST /databases/pull: bring a
 * database over from a running Integram server as the job `pull` (appliance/pull.ts), after the
 * checks that can answer at once (the address, the names, a taken name without replace).
 * Progress and the verification: GET /jobs/{id}.
 */
import type { RequestHandler } from 'express';
import { z } from 'zod';
import { PULL_JOB } from '../../appliance/job-names.js';
import { normalizeSourceUrl, PullError, type PullSource } from '../../appliance/pull.js';
import { checkImportDbName, isRoutableDbName, normalizeDbName } from '../../storage/db-names.js';
import { HttpError, issueFields } from '../errors.js';
import type { PullDefaults } from './contract.js';
import type { AdminContext, AdminRoutes } from './context.js';
import { startJob } from './jobs.js';

const optionalText = z.string().trim().optional().transform((v) => (v === '' ? undefined : v));

export const pullRequestSchema = z.object({
  url: optionalText,
  db: z.string().trim().min(1, { error: 'required' }),
  token: optionalText,
  login: optionalText,
  password: z.string().optional(),
  as: optionalText,
  replace: z.boolean().optional(),
});

export function bindPullRoutes(routes: AdminRoutes, ctx: AdminContext): void {
  const { config } = ctx.deps;

  const defaults: RequestHandler = (_req, res) => {
    const body: PullDefaults = {
      url: config.INTEGRAM_API_BASE_URL ?? null,
      login: config.INTEGRAM_REGISTRATION_USERNAME ?? null,
      passwordSet: Boolean(config.INTEGRAM_REGISTRATION_PASSWORD),
      tokenSet: Boolean(config.INTEGRAM_AUTH_TOKEN),
    };
    res.json(body);
  };

  const pull: RequestHandler = async (req, res) => {
    const store = ctx.store();
    const parsed = pullRequestSchema.safeParse(req.body);
    if (!parsed.success) throw new HttpError(422, 'the source is not complete', 'invalid_request', { details: issueFields(parsed.error, '_body') });
    const request = parsed.data;
    const rawUrl = request.url ?? config.INTEGRAM_API_BASE_URL;
    if (!rawUrl) throw new HttpError(422, 'the source server\'s address is required (or INTEGRAM_API_BASE_URL)', 'invalid_request', { details: { url: 'required' } });
    let url: string;
    try {
      url = normalizeSourceUrl(rawUrl);
    } catch (err) {
      if (err instanceof PullError) throw new HttpError(422, err.message, 'invalid_request', { details: { url: err.message } });
      throw err;
    }
    if (!isRoutableDbName(request.db)) {
      throw new HttpError(422, 'the source database name is 1 to 15 letters, digits or _', 'invalid_name', { details: { db: 'invalid' }, params: { name: request.db } });
    }
    const check = checkImportDbName(request.as ?? normalizeDbName(request.db));
    if (!check.ok) throw new HttpError(422, check.reason, 'invalid_name', { details: { as: check.reason }, params: { name: request.as ?? request.db } });
    if (!request.replace && (await store.databaseExists(check.name))) {
      throw new HttpError(409, `the database "${check.name}" already exists`, 'exists', { details: { as: 'already exists' }, params: { name: check.name }, fieldCodes: { as: { code: 'exists' } } });
    }
    let credentials: Pick<PullSource, 'token' | 'login' | 'password'>;
    if (request.login) credentials = { login: request.login, password: request.password ?? '' };
    else if (request.token) credentials = { token: request.token };
    else if (config.INTEGRAM_REGISTRATION_USERNAME) credentials = { login: config.INTEGRAM_REGISTRATION_USERNAME, password: config.INTEGRAM_REGISTRATION_PASSWORD ?? '' };
    else if (config.INTEGRAM_AUTH_TOKEN) credentials = { token: config.INTEGRAM_AUTH_TOKEN };
    else throw new HttpError(422, 'a token, or a login and password, of an admin of the source database is required', 'invalid_request', { details: { login: 'required' } });
    ctx.deps.logger.info({ url, db: request.db, as: check.name, replace: request.replace === true, login: credentials.login ?? null }, 'database pull requested from the console');
    await startJob(ctx, res, PULL_JOB, { source: { url, db: request.db, ...credentials }, as: check.name, replace: request.replace === true });
  };

  routes.protected.get('/databases/pull', defaults);
  routes.protected.post('/databases/pull', pull);
}
