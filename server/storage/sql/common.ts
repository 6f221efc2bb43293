/** Pieces both SQL drivers share: row validation and the tenant-table listing rule. */
import { APPLIANCE_TABLE_PREFIX, isRoutableDbName, normalizeDbName } from '../db-names.js';
import { StoreError } from '../errors.js';
import type { Row } from '../types.js';
import { type SqlExecutor, toText } from './executor.js';

const MAX_UNSIGNED_INT = 4294967295;
const MAX_SIGNED_INT = 2147483647;

/** Rows to import/create must fit the PHP column types and have distinct ids. */
export function validateRows(rows: Row[], maxId = MAX_UNSIGNED_INT): void {
  const seen = new Set<number>();
  for (const row of rows) {
    const where = `row with id ${row.id}`;
    if (!Number.isSafeInteger(row.id) || row.id < 1 || row.id > maxId) throw new StoreError('invalid_rows', `invalid id ${row.id}`);
    if (seen.has(row.id)) throw new StoreError('invalid_rows', `duplicate id ${row.id}`);
    seen.add(row.id);
    for (const key of ['up', 't'] as const) {
      const v = row[key];
      if (!Number.isSafeInteger(v) || v < 0 || v > maxId) throw new StoreError('invalid_rows', `${where}: invalid ${key} ${v}`);
    }
    if (!Number.isSafeInteger(row.ord) || Math.abs(row.ord) > MAX_SIGNED_INT) {
      throw new StoreError('invalid_rows', `${where}: invalid ord ${row.ord}`);
    }
    if (typeof row.val !== 'string') throw new StoreError('invalid_rows', `${where}: val must be a string`);
  }
}

/**
 * Tenant databases = tables of the current schema that pass the routing rule and have
 * the five EAV columns (a PHP-created table qualifies as it is).
 */
/**
 * Sizes of the tenant tables from a query answering (name, bytes) per table of the schema; the
 * appliance's own tables and tables that are not tenants are left out.
 */
export async function tenantTableSizes(ex: SqlExecutor, schemaExpr: string, sql: string): Promise<Record<string, number>> {
  const tenants = new Set(await listTenantTables(ex, schemaExpr));
  const sizes: Record<string, number> = {};
  for (const row of await ex.query(sql)) {
    const name = toText(row.name ?? row.NAME);
    const bytes = Number(row.bytes ?? row.BYTES);
    if (tenants.has(name) && Number.isFinite(bytes)) sizes[name] = bytes;
  }
  return sizes;
}

export async function listTenantTables(ex: SqlExecutor, schemaExpr: string): Promise<string[]> {
  const rows = await ex.query(
    `SELECT table_name AS name FROM information_schema.columns
     WHERE table_schema = ${schemaExpr}
     GROUP BY table_name
     HAVING SUM(CASE WHEN lower(column_name) IN ('id', 'up', 'ord', 't', 'val') THEN 1 ELSE 0 END) = 5`);
  return rows
    .map((r) => toText(r.name ?? r.NAME))
    .filter((name) => isRoutableDbName(name) && !name.startsWith(APPLIANCE_TABLE_PREFIX))
    .map(normalizeDbName)
    .sort();
}
