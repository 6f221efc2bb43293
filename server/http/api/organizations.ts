/**
 * /api/organizations: tenant databases registered in the appliance (ARCHITECTURE.md, "Where the
 * appliance's own state lives": the registry is kind 'organization' in the appliance store, id =
 * database name, ref = `<db>:<userId>` of the owner, so "mine" is one indexed lookup).
 *
 * Creating one copies a template (resources/templates/<name>.json) into a new database and
 * inserts the creator as its owner: a user with the creator's login and the `admin` role, with
 * a fresh legacy token (what PHP's newDb does). The owner's password in the new database is the
 * `password` given at creation (hashed for that database: the legacy hash includes the database
 * name, so the creator's existing hash cannot be copied); without one the owner reaches the new
 * database through this API's single sign-on only (v2 with the JWT of the home database).
 *
 * Deleting needs `{"confirm": "<name>"}` and first takes a backup (server/ops/backup.ts); the
 * answer names it, so it can be restored from the console.
 */
import express, { type Router } from 'express';
import { backupsDir, createBackup } from '../../ops/backup.js';
import { checkNewDbName } from '../../storage/db-names.js';
import type { ApplianceDoc } from '../../storage/types.js';
import { defaultTemplatesDir, loadTemplate, TemplateError } from '../admin/templates.js';
import { ApiError, fail, ok, requireAccessToken, route, type ApiServices, type AuthenticatedCaller } from './context.js';
import { IntegramCallError } from './integram-ops.js';
import { issueDetails, organizationCreate, organizationDelete, organizationPatch, passwordProblems } from './schemas.js';

export const ORGANIZATION_KIND = 'organization';

export interface OrganizationRecord {
  name: string;
  description: string;
  template: string;
  createdAt: string;
  owner: { database: string; userId: number; login: string };
  /** the owner's user id inside the organization's own database */
  ownerUserId: number;
}

export function ownerRef(database: string, userId: number): string {
  return `${database}:${userId}`;
}

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

function callerOf(caller: AuthenticatedCaller): { database: string; userId: number; login: string } {
  if (caller.claims.mock) throw new ApiError(403, 'Mock tokens (AUTH_MODE=mock) cannot manage organizations', 'mock_token');
  return { database: caller.claims.db, userId: caller.claims.uid, login: caller.claims.login };
}

/** The organization a caller owns, or a 404 (someone else's is not revealed). */
export async function ownedOrganization(services: ApiServices, caller: AuthenticatedCaller, id: string): Promise<ApplianceDoc<OrganizationRecord>> {
  const who = callerOf(caller);
  const doc = await services.store().appliance.get<OrganizationRecord>(ORGANIZATION_KIND, id.toLowerCase());
  if (!doc || doc.body.owner.database !== who.database || doc.body.owner.userId !== who.userId) {
    throw new ApiError(404, `Organization "${id}" not found`, 'organization_not_found');
  }
  return doc;
}

export function createOrganizationsRouter(services: ApiServices): Router {
  const { config } = services.deps;
  const templatesDir = services.deps.templatesDir ?? defaultTemplatesDir();
  const allowedTemplates = config.INTEGRAM_TEMPLATES.split(':').filter(Boolean).map((t) => t.toLowerCase());
  const router = express.Router();
  router.use(requireAccessToken(services));

  router.get('/', route(async (req, res) => {
    const who = callerOf(req.apiCaller!);
    const docs = await services.store().appliance.list<OrganizationRecord>(ORGANIZATION_KIND, { ref: ownerRef(who.database, who.userId) });
    ok(res, docs.map(view).sort((a, b) => a.id.localeCompare(b.id)));
  }));

  router.post('/', route(async (req, res) => {
    const who = callerOf(req.apiCaller!);
    const parsed = organizationCreate.safeParse(req.body ?? {});
    if (!parsed.success) return fail(res, 400, 'The organization form has errors', 'validation_failed', issueDetails(parsed.error));
    const body = parsed.data;
    const check = checkNewDbName(body.name);
    if (!check.ok) return fail(res, 422, check.reason, 'invalid_name', { name: check.reason });
    const name = check.name;
    const template = (body.template ?? 'ru').toLowerCase();
    if (!allowedTemplates.includes(template)) {
      return fail(res, 422, `Unknown template "${template}"; offered: ${allowedTemplates.join(', ')}`, 'invalid_template', { template: 'unknown' });
    }
    if (body.password !== undefined) {
      const problems = passwordProblems(body.password, who.login);
      if (problems.length) return fail(res, 422, problems.join(' '), 'weak_password', { password: problems.join(' ') });
    }
    let rows;
    try {
      rows = await loadTemplate(templatesDir, template);
    } catch (err) {
      if (err instanceof TemplateError) return fail(res, 422, err.message, 'invalid_template');
      throw err;
    }
    const store = services.store();
    const registryTaken = await store.appliance.get(ORGANIZATION_KIND, name);
    if (registryTaken || (await store.databaseExists(name))) {
      return fail(res, 409, `The name "${name}" is already taken`, 'name_taken', { name: 'taken' });
    }
    const created = await store.withLock(`organization:${name}`, async () => {
      if (await store.databaseExists(name)) return null;
      await store.createDatabase(name, rows);
      try {
        const owner = await services.ops.insertUser(name, { login: who.login, password: body.password, roleName: 'admin', withToken: true });
        const record: OrganizationRecord = {
          name,
          description: body.description ?? '',
          template,
          createdAt: new Date((services.deps.now ?? Date.now)()).toISOString(),
          owner: who,
          ownerUserId: owner.userId,
        };
        if (!(await store.appliance.create(ORGANIZATION_KIND, name, record, { ref: ownerRef(who.database, who.userId) }))) {
          throw new ApiError(409, `The name "${name}" is already taken`, 'name_taken');
        }
        return record;
      } catch (err) {
        // never leave a half-made database behind
        await store.dropDatabase(name).catch(() => undefined);
        services.ops.engine.invalidate(name);
        if (err instanceof IntegramCallError) throw new ApiError(err.status === 409 ? 409 : 422, err.message, 'template_unusable');
        throw err;
      }
    });
    if (!created) return fail(res, 409, `The name "${name}" is already taken`, 'name_taken', { name: 'taken' });
    const doc = await store.appliance.get<OrganizationRecord>(ORGANIZATION_KIND, name);
    res.location(`/api/organizations/${name}`);
    ok(res, view(doc!), 201);
  }));

  router.get('/:id', route(async (req, res) => {
    ok(res, view(await ownedOrganization(services, req.apiCaller!, String(req.params.id))));
  }));

  router.patch('/:id', route(async (req, res) => {
    const doc = await ownedOrganization(services, req.apiCaller!, String(req.params.id));
    const parsed = organizationPatch.safeParse(req.body ?? {});
    if (!parsed.success) return fail(res, 400, 'Only the description can be changed', 'validation_failed', issueDetails(parsed.error));
    const body: OrganizationRecord = { ...doc.body, description: parsed.data.description };
    await services.store().appliance.put(ORGANIZATION_KIND, doc.id, body, { ref: doc.ref });
    ok(res, view({ ...doc, body }));
  }));

  router.delete('/:id', route(async (req, res) => {
    const doc = await ownedOrganization(services, req.apiCaller!, String(req.params.id));
    const parsed = organizationDelete.safeParse(req.body ?? {});
    if (!parsed.success || parsed.data.confirm.toLowerCase() !== doc.id) {
      return fail(res, 400, `To delete, send {"confirm": "${doc.id}"}; a backup is taken first`, 'confirmation_required');
    }
    const store = services.store();
    const backup = await createBackup(store, backupsDir(config.DATA_DIR), { kind: 'manual' });
    if (await store.databaseExists(doc.id)) await store.dropDatabase(doc.id);
    services.ops.engine.invalidate(doc.id);
    await store.appliance.delete(ORGANIZATION_KIND, doc.id);
    (req.log ?? services.deps.logger)?.info({ organization: doc.id, backupId: backup.id }, 'organization deleted after a backup');
    ok(res, { deleted: doc.id, backupId: backup.id });
  }));

  router.get('/:id/database-info', route(async (req, res) => {
    const doc = await ownedOrganization(services, req.apiCaller!, String(req.params.id));
    const info = await services.ops.databaseInfo(doc.id);
    ok(res, info);
  }));

  router.use((req, res) => fail(res, 404, `Not found: ${req.method} ${req.baseUrl}${req.path}`, 'not_found'));
  return router;
}
