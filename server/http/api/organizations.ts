/**
 * /api/organizations: the HTTP adapter of appliance/organizations.ts (tenant databases registered
 * with their owner). Parses and checks the request, calls the use case, shapes the answer.
 */
import express, { type Router } from 'express';
import { DatabaseBusyError, DatabaseExistsError } from '../../appliance/databases.js';
import {
  createOrganization, deleteOrganization, describeOrganization, listOrganizations, ownedOrganization as findOwned,
  OrganizationNotFoundError, type OrganizationOwner, type OrganizationRecord,
} from '../../appliance/organizations.js';
import { BackupError } from '../../appliance/backups.js';
import { TemplateError } from '../../appliance/templates.js';
import { UserWriteError } from '../../engine/index.js';
import { checkNewDbName } from '../../storage/db-names.js';
import type { ApplianceDoc } from '../../storage/types.js';
import { HttpError } from '../errors.js';
import { ok, requireAccessToken, route, type ApiServices, type AuthenticatedCaller } from './context.js';
import { issueDetails, organizationCreate, organizationDelete, organizationPatch, passwordProblems } from './schemas.js';

function view(doc: ApplianceDoc<OrganizationRecord>) {
  const body = doc.body;
  return {
    id: doc.id,
    name: body.name,
    description: body.description,
    template: body.template,
    createdAt: body.createdAt,
    owner: body.owner,
    ownerUserId: body.ownerUserId,
    links: { legacy: `/${doc.id}`, v2: `/api/v2/integram/databases/${doc.id}/types` },
  };
}

function callerOf(caller: AuthenticatedCaller): OrganizationOwner {
  if (caller.claims.mock) throw new HttpError(403, 'Mock tokens (AUTH_MODE=mock) cannot manage organizations', 'mock_token');
  return { database: caller.claims.db, userId: caller.claims.uid, login: caller.claims.login };
}

/** The organization a caller owns, or a 404 (someone else's is not revealed). */
export async function ownedOrganization(services: ApiServices, caller: AuthenticatedCaller, id: string): Promise<ApplianceDoc<OrganizationRecord>> {
  try {
    return await findOwned(services.databases(), callerOf(caller), id);
  } catch (err) {
    if (err instanceof OrganizationNotFoundError) throw new HttpError(404, err.message, 'organization_not_found');
    throw err;
  }
}

export function createOrganizationsRouter(services: ApiServices): Router {
  const { config } = services.deps;
  const allowedTemplates = config.INTEGRAM_TEMPLATES.split(':').filter(Boolean).map((t) => t.toLowerCase());
  const router = express.Router();
  router.use(requireAccessToken(services));

  router.get('/', route(async (req, res) => {
    const who = callerOf(req.apiCaller!);
    const docs = await listOrganizations(services.databases(), who);
    ok(res, docs.map(view).sort((a, b) => a.id.localeCompare(b.id)));
  }));

  router.post('/', route(async (req, res) => {
    const who = callerOf(req.apiCaller!);
    const parsed = organizationCreate.safeParse(req.body ?? {});
    if (!parsed.success) throw new HttpError(400, 'The organization form has errors', 'validation_failed', { details: issueDetails(parsed.error) });
    const body = parsed.data;
    const check = checkNewDbName(body.name);
    if (!check.ok) throw new HttpError(422, check.reason, 'invalid_name', { details: { name: check.reason } });
    const name = check.name;
    const template = (body.template ?? 'ru').toLowerCase();
    if (!allowedTemplates.includes(template)) {
      throw new HttpError(422, `Unknown template "${template}"; offered: ${allowedTemplates.join(', ')}`, 'invalid_template', { details: { template: 'unknown' }, params: { template, offered: allowedTemplates.join(', ') } });
    }
    if (body.password !== undefined) {
      const problems = passwordProblems(body.password, who.login);
      if (problems.length) throw new HttpError(422, problems.join(' '), 'weak_password', { details: { password: problems.join(' ') } });
    }
    let doc: ApplianceDoc<OrganizationRecord>;
    try {
      doc = await createOrganization(services.databases(), who, { name, template, description: body.description ?? '', password: body.password });
    } catch (err) {
      if (err instanceof TemplateError) throw new HttpError(422, err.message, 'invalid_template');
      if (err instanceof DatabaseExistsError || err instanceof DatabaseBusyError) {
        throw new HttpError(409, `The name "${name}" is already taken`, 'name_taken', { details: { name: 'taken' }, params: { name } });
      }
      if (err instanceof UserWriteError) throw new HttpError(err.status === 409 ? 409 : 422, err.message, 'template_unusable');
      throw err;
    }
    res.location(`/api/organizations/${name}`);
    ok(res, view(doc), 201);
  }));

  router.get('/:id', route(async (req, res) => {
    ok(res, view(await ownedOrganization(services, req.apiCaller!, String(req.params.id))));
  }));

  router.patch('/:id', route(async (req, res) => {
    const doc = await ownedOrganization(services, req.apiCaller!, String(req.params.id));
    const parsed = organizationPatch.safeParse(req.body ?? {});
    if (!parsed.success) throw new HttpError(400, 'Only the description can be changed', 'validation_failed', { details: issueDetails(parsed.error) });
    ok(res, view(await describeOrganization(services.databases(), doc, parsed.data.description)));
  }));

  router.delete('/:id', route(async (req, res) => {
    const doc = await ownedOrganization(services, req.apiCaller!, String(req.params.id));
    const parsed = organizationDelete.safeParse(req.body ?? {});
    if (!parsed.success || parsed.data.confirm.toLowerCase() !== doc.id) {
      throw new HttpError(400, `To delete, send {"confirm": "${doc.id}"}; a backup is taken first`, 'confirmation_required', { params: { id: doc.id } });
    }
    let backup: { backupId: string };
    try {
      backup = await deleteOrganization({ ...services.databases(), dataDir: config.DATA_DIR, uploadDir: config.UPLOAD_DIR }, doc);
    } catch (err) {
      if (err instanceof BackupError && err.code === 'busy') throw new HttpError(409, err.message, 'backup_running');
      if (err instanceof DatabaseBusyError) throw new HttpError(409, err.message, 'database_busy');
      throw err;
    }
    (req.log ?? services.deps.logger)?.info({ organization: doc.id, backupId: backup.backupId }, 'organization deleted after a backup');
    ok(res, { deleted: doc.id, backupId: backup.backupId });
  }));

  router.get('/:id/database-info', route(async (req, res) => {
    const doc = await ownedOrganization(services, req.apiCaller!, String(req.params.id));
    const info = await services.ops.databaseInfo(doc.id);
    ok(res, info);
  }));

  router.use((req) => {
    throw new HttpError(404, `Not found: ${req.method} ${req.baseUrl}${req.path}`, 'not_found', { params: { method: req.method, path: `${req.baseUrl}${req.path}` } });
  });
  return router;
}
