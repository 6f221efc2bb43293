/**
 * Phase-0 JSON files: a readable snapshot and import/export format of a tenant, not a live store.
 *
 * Layout (decided here, documented in README.md):
 *   ${DATA_DIR}/integram/{db}/tables/rows.json   every row of the tenant table, in the rows-file
 *                                                format {"rows":[{id,up,ord,t,val}...]}, ordered by id
 * One file per tenant keeps a snapshot consistent (it is one export) and makes it importable with
 * `npm run db -- import --file`. Files are written atomically: a temp file in the same folder,
 * fsync, rename over the target, fsync of the folder; a crash leaves the old file or the new one.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from './atomic-file.js';
import { parseRowsFile, serializeRowsFile } from './rows-file.js';
import { isRoutableDbName, tenantTableName } from './db-names.js';
import type { Row, Store } from './types.js';

export const PHASE0_ROOT = 'integram';

export function phase0RowsPath(dataDir: string, db: string): string {
  return path.join(dataDir, PHASE0_ROOT, tenantTableName(db), 'tables', 'rows.json');
}

/** Writes a rows file atomically (mode 0600 for a new file: rows hold password hashes and tokens). */
export async function writeRowsFileAtomic(file: string, rows: readonly Row[]): Promise<void> {
  await writeFileAtomic(file, serializeRowsFile(rows));
}

/** Exports one tenant to its phase-0 file; returns the file path. */
export async function exportTenantToJson(store: Store, dataDir: string, db: string): Promise<string> {
  const file = phase0RowsPath(dataDir, db);
  await writeRowsFileAtomic(file, await store.exportRows(db));
  return file;
}

/** Reads a tenant's phase-0 file (validated like any rows file). */
export async function readTenantJson(dataDir: string, db: string): Promise<Row[]> {
  const file = phase0RowsPath(dataDir, db);
  return parseRowsFile(await fs.readFile(file, 'utf8'), file);
}

/** Loads a tenant's phase-0 file into the store, keeping ids (atomic; see Store.importRows). */
export async function importTenantFromJson(store: Store, dataDir: string, db: string, options: { replace?: boolean } = {}): Promise<number> {
  const rows = await readTenantJson(dataDir, db);
  await store.importRows(db, rows, options);
  return rows.length;
}

/** Tenants that have a phase-0 file. */
export async function listJsonTenants(dataDir: string): Promise<string[]> {
  const root = path.join(dataDir, PHASE0_ROOT);
  let entries: string[];
  try {
    entries = await fs.readdir(root);
  } catch {
    return [];
  }
  const found: string[] = [];
  for (const name of entries) {
    if (!isRoutableDbName(name)) continue;
    try {
      await fs.access(path.join(root, name, 'tables', 'rows.json'));
      found.push(name.toLowerCase());
    } catch {
      // a folder without a snapshot
    }
  }
  return found.sort();
}
