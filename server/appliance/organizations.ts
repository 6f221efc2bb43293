/**
 * Organizations: tenant databases registered in the appliance store with their owner. The
 * registry is the appliance collection 'organization' (id = database name, ref = `<db>:<userId>`
 * of the owner, so "mine" is one indexed lookup); it never lives as rows inside a tenant table.
 *
 * Creating one copies a template into a new database and inserts the creator as its owner: a
 * user with the creator's login and the `admin` role, with a fresh legacy token (what PHP's newDb
 * does). The owner's password in the new database is the one given at creation (the legacy hash
 * includes the database name, so the creator's existing hash cannot be copied); without one the
 * owner reaches the new database through the modern API's single sign-on only.
 *
 * Deleting takes a backup first, inside the backup guard, and names it in the answer.
 */
import type { ApplianceDoc } from '../storage/types.js';
import { backupsDir, createBackup } from './backups.js';
import { folderRoots, removeDatabaseFolders } from '../storage/folders.js';
import { createDatabase, DatabaseBusyError, DatabaseExistsError, databaseLockName, type DatabaseDeps } from './databases.js';

export const ORGANIZATION_KIND = 'organization';

export interface OrganizationOwner {
  database: string;
  userId: number;
  login: string;
}

export interface OrganizationRecord {
  name: string;
  description: string;
  template: string;
  createdAt: string;
  owner: OrganizationOwner;
  /** the owner's user id inside the organization's own database */
  ownerUserId: number;
}

export function ownerRef(database: string, userId: number): string {
  return `${database}:${userId}`;
}

export class OrganizationNotFoundError extends Error {
  constructor(readonly id: string) {
    super(`Organization "${id}" not found`);
    this.name = 'OrganizationNotFoundError';
  }
}

export interface OrganizationDeps extends DatabaseDeps {
  dataDir: string;
  /** UPLOAD_DIR (the database's files go into the backup taken before the delete, then are removed) */
  uploadDir: string;
}

export async function listOrganizations(deps: Pick<DatabaseDeps, 'store'>, owner: OrganizationOwner): Promise<ApplianceDoc<OrganizationRecord>[]> {
  return deps.store.appliance.list<OrganizationRecord>(ORGANIZATION_KIND, { ref: ownerRef(owner.database, owner.userId) });
}

/** The organization this owner owns; someone else's is not revealed (not found). */
export async function ownedOrganization(deps: Pick<DatabaseDeps, 'store'>, owner: OrganizationOwner, id: string): Promise<ApplianceDoc<OrganizationRecord>> {
  const doc = await deps.store.appliance.get<OrganizationRecord>(ORGANIZATION_KIND, id.toLowerCase());
  if (!doc || doc.body.owner.database !== owner.database || doc.body.owner.userId !== owner.userId) {
    throw new OrganizationNotFoundError(id);
  }
  return doc;
}

export interface NewOrganization {
  /** a name checked by checkNewDbName */
  name: string;
  template: string;
  description: string;
  password?: string;
}

/** Creates the database and its registry entry together; DatabaseExistsError when the name is taken. */
export async function createOrganization(deps: DatabaseDeps, owner: OrganizationOwner, request: NewOrganization): Promise<ApplianceDoc<OrganizationRecord>> {
  const { store } = deps;
  const name = request.name;
  await createDatabase(deps, {
    name,
    source: { template: request.template },
    owner: { login: owner.login, password: request.password, roleName: 'admin', withToken: true },
    async afterCreate(created) {
      const record: OrganizationRecord = {
        name,
        description: request.description,
        template: request.template,
        createdAt: new Date((deps.now ?? Date.now)()).toISOString(),
        owner,
        ownerUserId: created.ownerUserId as number,
      };
      // a registry entry without its database (left by hand) still holds the name
      if (!(await store.appliance.create(ORGANIZATION_KIND, name, record, { ref: ownerRef(owner.database, owner.userId) }))) {
        throw new DatabaseExistsError(name);
      }
    },
  });
  const doc = await store.appliance.get<OrganizationRecord>(ORGANIZATION_KIND, name);
  if (!doc) throw new OrganizationNotFoundError(name);
  return doc;
}

export async function describeOrganization(deps: Pick<DatabaseDeps, 'store'>, doc: ApplianceDoc<OrganizationRecord>, description: string): Promise<ApplianceDoc<OrganizationRecord>> {
  const body: OrganizationRecord = { ...doc.body, description };
  await deps.store.appliance.put(ORGANIZATION_KIND, doc.id, body, { ref: doc.ref });
  return { ...doc, body };
}

/**
 * Backs up every database (with its files and folders), then drops the organization's database, its
 * folders (uploads, templates) and its registry entry.
 */
export async function deleteOrganization(deps: OrganizationDeps, doc: ApplianceDoc<OrganizationRecord>): Promise<{ backupId: string }> {
  const { store } = deps;
  const roots = folderRoots(deps.dataDir, deps.uploadDir);
  const backup = await createBackup(store, backupsDir(deps.dataDir), { kind: 'manual', authSalt: deps.salt, uploadDir: roots.download, templateFolders: roots.templates });
  const dropped = await store.withLock(databaseLockName(doc.id), async () => {
    if (await store.databaseExists(doc.id)) await store.dropDatabase(doc.id);
    await removeDatabaseFolders(roots, doc.id);
    await store.appliance.delete(ORGANIZATION_KIND, doc.id);
    return true;
  });
  deps.invalidate?.(doc.id);
  if (dropped === null) throw new DatabaseBusyError(doc.id);
  return { backupId: backup.id };
}
