/**
 * The first run gives a new server something to log in to: the default database
 * (DEFAULT_DATABASE, `my`) made from the first template, with an Integram user `admin` (admin
 * role; the PHP engine lets a user named admin past every grant check) whose password is the
 * console admin's. An existing database is never touched.
 */
import type { Store } from '../storage/types.js';
import { insertUser } from '../engine/users.js';
import { loadTemplate } from '../http/admin/templates.js';

export interface DefaultDatabaseOptions {
  name: string;
  templatesDir: string;
  /** INTEGRAM_TEMPLATES, e.g. ":ru:en:"; the first one is used */
  templates: string;
  salt: string;
  adminPassword: string;
  now?: number;
}

export const DEFAULT_ADMIN_LOGIN = 'admin';

export function firstTemplate(templates: string): string {
  return templates.split(':').find((name) => name !== '') ?? 'ru';
}

/** Creates the default database with its admin user; false when it already existed. */
export async function ensureDefaultDatabase(store: Store, options: DefaultDatabaseOptions): Promise<boolean> {
  const db = options.name.toLowerCase();
  if (await store.databaseExists(db)) return false;
  const rows = await loadTemplate(options.templatesDir, firstTemplate(options.templates));
  await store.createDatabase(db, rows);
  try {
    await store.transaction(db, (tx) => insertUser(tx, {
      db, salt: options.salt, login: DEFAULT_ADMIN_LOGIN, password: options.adminPassword, roleName: 'admin', now: options.now ?? Date.now(),
    }));
  } catch (err) {
    // half a first run is worse than none: the next attempt starts from scratch
    await store.dropDatabase(db).catch(() => undefined);
    throw err;
  }
  return true;
}
