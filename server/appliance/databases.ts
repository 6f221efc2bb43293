/**
 * Tenant databases as the appliance makes them: the one way to create a database (from a
 * template or from rows, optionally with its first user, under one store lock), the first run's
 * default database, and the import and summary the console uses. Every caller (the console's
 * admin API, the first-run setup, registration, organizations, the `db` CLI) comes through here.
 */
import { randomBytes } from 'node:crypto';
import { insertUser, type NewDatabasePort } from '../engine/index.js';
import { checkImportDbName } from '../storage/db-names.js';
import type { Row, Store, TenantStore } from '../storage/types.js';
import { listTemplates, loadTemplate } from './templates.js';

export const DEFAULT_ADMIN_LOGIN = 'admin';

/** The store lock every creation of database `name` takes (several instances share one MySQL). */
export function databaseLockName(name: string): string {
  return `database:${name.toLowerCase()}`;
}

export class DatabaseExistsError extends Error {
  constructor(readonly database: string) {
    super(`the database "${database}" already exists`);
    this.name = 'DatabaseExistsError';
  }
}

/** Another instance is creating or deleting this database right now. */
export class DatabaseBusyError extends Error {
  constructor(readonly database: string) {
    super(`the database "${database}" is being changed by another request; try again`);
    this.name = 'DatabaseBusyError';
  }
}

export interface DatabaseOwner {
  login: string;
  password?: string;
  email?: string;
  /** a role record's name in the new database: 'admin' or 'user' in the templates */
  roleName: string;
  /** also give the owner a legacy token (what PHP's newDb does), so it can call the URL API at once */
  withToken?: boolean;
}

export interface DatabaseCreation {
  /** an already validated name (checkNewDbName, or checkImportDbName for restored names) */
  name: string;
  source: { template: string } | { rows: Row[] };
  owner?: DatabaseOwner;
  /** rows of the caller's own, written in one transaction on the new database before the owner */
  populate?: (tx: TenantStore) => Promise<void>;
  /** more work inside the same lock once the rows and the owner are in; a throw undoes the creation */
  afterCreate?: (created: CreatedDatabase) => Promise<void>;
}

export interface CreatedDatabase {
  name: string;
  rows: number;
  ownerUserId: number | null;
  ownerToken: string | null;
}

export interface DatabaseDeps {
  store: Store;
  templatesDir: string;
  /** AUTH_SALT: the owner's password hash and xsrf depend on it */
  salt: string;
  now?: () => number;
  /** drops the engine's caches of a database that changed outside it */
  invalidate?: (db: string) => void;
}

/**
 * Creates a database with its first user, all or nothing: the template is read before anything
 * is written, the database is created under its lock (DatabaseExistsError when it exists), and
 * a failure after that drops it again, so no half-made database is ever left behind.
 */
export async function createDatabase(deps: DatabaseDeps, creation: DatabaseCreation): Promise<CreatedDatabase> {
  const { store } = deps;
  const name = creation.name.toLowerCase();
  const rows = 'template' in creation.source ? await loadTemplate(deps.templatesDir, creation.source.template) : creation.source.rows;
  const outcome = await store.withLock(databaseLockName(name), async () => {
    if (await store.databaseExists(name)) throw new DatabaseExistsError(name);
    await store.createDatabase(name, rows);
    try {
      const created: CreatedDatabase = { name, rows: rows.length, ownerUserId: null, ownerToken: null };
      if (creation.populate) await store.transaction(name, (tx) => creation.populate!(tx));
      const { owner } = creation;
      if (owner) {
        const token = owner.withToken ? randomBytes(32).toString('hex') : undefined;
        const user = await store.transaction(name, (tx) => insertUser(tx, {
          db: name, salt: deps.salt, login: owner.login, password: owner.password, email: owner.email,
          roleName: owner.roleName, token, now: (deps.now ?? Date.now)(),
        }));
        created.ownerUserId = user.userId;
        created.ownerToken = token ?? null;
      }
      await creation.afterCreate?.(created);
      return created;
    } catch (err) {
      await store.dropDatabase(name).catch(() => undefined);
      throw err;
    } finally {
      deps.invalidate?.(name);
    }
  });
  if (outcome === null) throw new DatabaseBusyError(name);
  return outcome;
}

/**
 * What the engine's `_new_db` creates databases with: this module's createDatabase from the
 * templates INTEGRAM_TEMPLATES names, so it takes the same lock and leaves nothing half-made.
 */
export function newDatabasePort(deps: () => DatabaseDeps, templates: string): NewDatabasePort {
  const named = templates.split(':').filter((name) => name !== '').map((name) => name.toLowerCase());
  return {
    // the named templates this server has a file for
    templates: async () => {
      const present = new Set(await listTemplates(deps().templatesDir));
      return named.filter((name) => present.has(name));
    },
    create: async (name, template, populate) => {
      try {
        await createDatabase(deps(), { name, source: { template }, populate });
        return 'created';
      } catch (err) {
        // another request is making the same database right now: for this one, the name is taken
        if (err instanceof DatabaseExistsError || err instanceof DatabaseBusyError) return 'taken';
        throw err;
      }
    },
    drop: async (name) => {
      const current = deps();
      await current.store.dropDatabase(name);
      current.invalidate?.(name);
    },
  };
}

/** The first template of INTEGRAM_TEMPLATES (e.g. ":ru:en:" → "ru"). */
export function firstTemplate(templates: string): string {
  return templates.split(':').find((name) => name !== '') ?? 'ru';
}

export interface DefaultDatabaseOptions {
  name: string;
  /** INTEGRAM_TEMPLATES; the first one is used */
  templates: string;
  /** the console admin's password, given to the Integram user `admin` */
  adminPassword?: string;
}

/**
 * The first run gives a new server something to log in to: the default database (`my`) made
 * from the first template, with an Integram user `admin` (the PHP engine lets a user named admin
 * past every grant check) whose password is the console admin's. An existing database is never
 * touched: false when it already existed.
 */
export async function ensureDefaultDatabase(deps: DatabaseDeps, options: DefaultDatabaseOptions): Promise<boolean> {
  if (await deps.store.databaseExists(options.name.toLowerCase())) return false;
  try {
    await createDatabase(deps, {
      name: options.name,
      source: { template: firstTemplate(options.templates) },
      owner: options.adminPassword === undefined ? undefined : { login: DEFAULT_ADMIN_LOGIN, password: options.adminPassword, roleName: 'admin' },
    });
    return true;
  } catch (err) {
    if (err instanceof DatabaseExistsError) return false;
    throw err;
  }
}

export class ImportNameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportNameError';
  }
}

/**
 * Loads rows into a database, keeping ids: into an existing one (replacing its rows when asked),
 * or into a new one, which may take the names an import brings back (my, ru, en).
 */
export async function importDatabaseRows(
  deps: DatabaseDeps, name: string, rows: Row[], options: { replace: boolean },
): Promise<'imported' | 'created'> {
  const { store } = deps;
  const db = name.toLowerCase();
  if (await store.databaseExists(db)) {
    await store.importRows(db, rows, { replace: options.replace });
    deps.invalidate?.(db);
    return 'imported';
  }
  const check = checkImportDbName(db);
  if (!check.ok) throw new ImportNameError(check.reason);
  await createDatabase(deps, { name: check.name, source: { rows } });
  return 'created';
}

/** Every tenant database with its summary, by name. */
export async function listDatabaseSummaries(store: Store): Promise<{ name: string; rows: number; tables: number }[]> {
  const names = (await store.listDatabases()).slice().sort();
  const databases: { name: string; rows: number; tables: number }[] = [];
  for (const name of names) databases.push(await databaseSummary(store, name));
  return databases;
}

/** Integram tables of a tenant: type rows (up=0, a base type as t, not a base type itself, named). */
export async function databaseSummary(store: Store, name: string): Promise<{ name: string; rows: number; tables: number }> {
  const tenant = store.tenant(name);
  const [rows, meta] = await Promise.all([tenant.count({}), tenant.find({ up: 0 })]);
  const tables = meta.filter((r) => r.id !== r.t && r.t <= 17 && r.val !== '').length;
  return { name, rows, tables };
}
