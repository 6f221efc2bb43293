/**
 * Versioned migrations of the appliance tables, one ordered list with SQL per dialect.
 * Each migration is applied once and recorded in `integram_appliance_schema`. The runner
 * is called under the store's named lock, so two instances starting at once apply each
 * migration once: the second waits, then finds the versions recorded.
 */
import type { DriverName } from './types.js';
import { listTenantTables } from './sql/common.js';
import type { SqlExecutor } from './sql/executor.js';
import { toInt } from './sql/executor.js';

export const SCHEMA_TABLE = 'integram_appliance_schema';
export const MIGRATION_LOCK = 'integram_appliance_migrate';

/**
 * The leading number of a text, like MySQL: '12abc' -> 12, 'abc' -> 0, NULL -> NULL; never
 * raises (only the first 100 chars are read, so a huge digit string cannot overflow numeric).
 */
const NUMBER_CAST_FUNCTION = `CREATE OR REPLACE FUNCTION integram_num(v text) RETURNS numeric
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
    SELECT COALESCE(
      substring(left(v, 100) from '^[[:space:]]*([-+]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][-+]?[0-9]{1,4})?)')::numeric,
      0)
  $fn$`;

export interface Migration {
  version: number;
  name: string;
  sql: Record<DriverName, string[]>;
  /** statements that depend on what is in the store (e.g. one per tenant table), run after `sql` */
  perTenant?: Partial<Record<DriverName, (table: string) => string[]>>;
}

/**
 * The id-ordered list index of a PGlite tenant: `t = ? AND up = ? ORDER BY id LIMIT n` reads
 * n entries. InnoDB's (t, up) carries the primary key implicitly; a Postgres index does not.
 */
export function pgliteListIndexSql(table: string): string {
  return `CREATE INDEX IF NOT EXISTS "${table}_t_up_id_idx" ON "${table}" (t, up, id)`;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'appliance documents',
    sql: {
      mysql: [
        `CREATE TABLE IF NOT EXISTS integram_appliance_docs (
          kind VARCHAR(64) NOT NULL,
          id VARCHAR(191) NOT NULL,
          ref VARCHAR(191) NULL,
          body MEDIUMTEXT NOT NULL,
          created_at BIGINT NOT NULL,
          updated_at BIGINT NOT NULL,
          expires_at BIGINT NULL,
          PRIMARY KEY (kind, id),
          KEY kind_ref (kind, ref),
          KEY expires (expires_at)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
      ],
      pglite: [
        `CREATE TABLE IF NOT EXISTS integram_appliance_docs (
          kind varchar(64) NOT NULL,
          id varchar(191) NOT NULL,
          ref varchar(191) NULL,
          body text NOT NULL,
          created_at bigint NOT NULL,
          updated_at bigint NOT NULL,
          expires_at bigint NULL,
          PRIMARY KEY (kind, id)
        )`,
        `CREATE INDEX IF NOT EXISTS integram_appliance_docs_kind_ref ON integram_appliance_docs (kind, ref)`,
        `CREATE INDEX IF NOT EXISTS integram_appliance_docs_expires ON integram_appliance_docs (expires_at)`,
      ],
    },
  },
  {
    version: 2,
    name: 'MySQL-style text to number cast',
    sql: {
      // MySQL casts text itself ('12abc' + 0)
      mysql: [],
      pglite: [NUMBER_CAST_FUNCTION],
    },
  },
  {
    version: 3,
    name: 'text to number cast keeps NULL (a missing cell sorts as NULL, not 0)',
    sql: { mysql: [], pglite: [NUMBER_CAST_FUNCTION] },
  },
  {
    version: 4,
    name: 'PGlite tenant index (t, up, id) replaces (t, up); planner statistics',
    sql: { mysql: [], pglite: [] },
    perTenant: {
      // IF [NOT] EXISTS: re-runnable; the name of the old index is the one CREATE INDEX gave it.
      // ANALYZE: folders written before the driver analyzed tables have empty-table statistics
      pglite: (table) => [pgliteListIndexSql(table), `DROP INDEX IF EXISTS "${table}_t_up_idx"`, `ANALYZE "${table}"`],
    },
  },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

/** Applies the missing migrations in order; returns the schema version afterwards. */
export async function runMigrations(ex: SqlExecutor, dialect: DriverName): Promise<number> {
  await ex.run(
    dialect === 'mysql'
      ? `CREATE TABLE IF NOT EXISTS ${SCHEMA_TABLE} (version INT NOT NULL PRIMARY KEY, name VARCHAR(191) NOT NULL, applied_at BIGINT NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`
      : `CREATE TABLE IF NOT EXISTS ${SCHEMA_TABLE} (version integer NOT NULL PRIMARY KEY, name varchar(191) NOT NULL, applied_at bigint NOT NULL)`,
  );
  const applied = new Set((await ex.query(`SELECT version FROM ${SCHEMA_TABLE}`)).map((r) => toInt(r.version)));
  const placeholder = (i: number) => (dialect === 'mysql' ? '?' : `$${i}`);
  for (const migration of MIGRATIONS) {
    if (applied.has(migration.version)) continue;
    const record = `INSERT INTO ${SCHEMA_TABLE} (version, name, applied_at) VALUES (${placeholder(1)}, ${placeholder(2)}, ${placeholder(3)})`;
    const apply = async (tx: SqlExecutor) => {
      for (const statement of migration.sql[dialect]) await tx.run(statement);
      const perTenant = migration.perTenant?.[dialect];
      if (perTenant) {
        const schema = dialect === 'mysql' ? 'DATABASE()' : 'current_schema()';
        for (const table of await listTenantTables(tx, schema)) {
          for (const statement of perTenant(table)) await tx.run(statement);
        }
      }
      await tx.run(record, [migration.version, migration.name, Date.now()]);
    };
    // Postgres DDL is transactional; MySQL commits DDL implicitly, so there each statement
    // is written to be re-runnable (IF NOT EXISTS) in case a crash hits between them
    if (dialect === 'pglite') await ex.inTransaction(apply);
    else await apply(ex);
  }
  const rows = await ex.query(`SELECT MAX(version) AS v FROM ${SCHEMA_TABLE}`);
  return toInt(rows[0].v);
}
