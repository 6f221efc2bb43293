/**
 * MySQL/MariaDB driver (mysql2 pool). Tenant tables are exactly the PHP engine's
 * (docs/legacy-api.md, "The table"), all in one schema, so a database the PHP engine created is
 * used in place and the PHP engine can open ours.
 */
import { createHash, randomBytes } from 'node:crypto';
import mysql, { type Pool, type PoolConnection, type ResultSetHeader, type RowDataPacket } from 'mysql2/promise';
import { APPLIANCE_TABLE_PREFIX, tenantTableName } from '../db-names.js';
import { databaseErrorReason, isConnectionError } from '../connection-errors.js';
import { StoreError } from '../errors.js';
import { describeEndpoint, endpointFields, type MysqlEndpoint } from './endpoint.js';
import { MIGRATION_LOCK, runMigrations } from '../migrations.js';
import { SqlApplianceStore } from '../sql/appliance.js';
import { listTenantTables, tenantTableSizes, validateRows } from '../sql/common.js';
import { mysqlDialect } from '../sql/dialect.js';
import { type RunResult, type SqlExecutor, type SqlRow, toInt } from '../sql/executor.js';
import { type IdStrategy, SqlTenantStore } from '../sql/tenant.js';
import type { ApplianceStore, NewRow, Row, Store, StoreInfo, TenantStore } from '../types.js';

export interface MysqlOptions extends MysqlEndpoint {
  user: string;
  password: string;
  /** the schema holding every tenant table (DB_NAME, default `integram`); created if missing */
  database: string;
  /** DB_CHARSET, default utf8mb4 */
  charset?: string;
  /** pool size, default 10 */
  connectionLimit?: number;
  /** told at once when a statement fails because the connection is gone (the store handle goes degraded) */
  onConnectionLost?: (error: unknown) => void;
}

/** Session sql_mode of the PHP engine (include/connection.php). */
export const PHP_SQL_MODE = 'STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION';

const SCHEMA_NAME = /^[A-Za-z0-9_$]{1,64}$/;
const MIGRATION_WAIT_SECONDS = 60;

/** The PHP engine's CREATE TABLE (bootstrap SQL), column for column. */
export function createTenantTableSql(table: string): string {
  return `CREATE TABLE \`${table}\` (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  up INT UNSIGNED NOT NULL DEFAULT 0,
  ord INT NOT NULL DEFAULT 0,
  t INT UNSIGNED NOT NULL DEFAULT 0,
  val MEDIUMTEXT NOT NULL,
  KEY up_t (up, t),
  KEY t_up (t, up),
  KEY t_val (t, val(191)),
  KEY up_ord (up, ord)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`;
}

type Queryable = Pool | PoolConnection;

class MysqlExecutor implements SqlExecutor {
  constructor(
    private readonly conn: Queryable,
    private readonly pool: Pool | null,
    private readonly onConnectionLost?: (error: unknown) => void,
  ) {}

  /**
   * A lost connection leaves the driver as StoreError 'unreachable' (the reason, the driver's
   * error as its cause), so every layer above answers it as "database unavailable", and the
   * store handle hears of it at once rather than at its next ping.
   */
  private lost(error: unknown): unknown {
    if (!isConnectionError(error)) return error;
    this.onConnectionLost?.(error);
    return new StoreError('unreachable', `database unavailable: ${databaseErrorReason(error)}`, { cause: error });
  }

  async query(sql: string, params: readonly unknown[] = []): Promise<SqlRow[]> {
    try {
      const [rows] = await this.conn.query<RowDataPacket[]>(sql, [...params]);
      return rows as SqlRow[];
    } catch (error) {
      throw this.lost(error);
    }
  }

  async run(sql: string, params: readonly unknown[] = []): Promise<RunResult> {
    try {
      const [result] = await this.conn.query<ResultSetHeader>(sql, [...params]);
      return { affected: result.affectedRows, insertId: result.insertId || null };
    } catch (error) {
      throw this.lost(error);
    }
  }

  /**
   * One transaction on one pooled connection. InnoDB may pick it as a deadlock victim; it has
   * then rolled everything back, so fn is run again (up to 3 times) instead of failing the
   * request. fn must therefore only touch the database.
   */
  async inTransaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    if (!this.pool) return fn(this);
    for (let attempt = 1; ; attempt++) {
      let conn: PoolConnection;
      try {
        conn = await this.pool.getConnection();
      } catch (error) {
        throw this.lost(error);
      }
      try {
        await conn.beginTransaction();
        const result = await fn(new MysqlExecutor(conn, null, this.onConnectionLost));
        await conn.commit();
        return result;
      } catch (error) {
        await conn.rollback().catch(() => undefined);
        if (!isMysqlError(error, 'ER_LOCK_DEADLOCK') || attempt >= DEADLOCK_ATTEMPTS) throw this.lost(error);
      } finally {
        conn.release();
      }
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20 * attempt));
    }
  }
}

const DEADLOCK_ATTEMPTS = 3;

function mysqlIds(autoIncrementStep: number): IdStrategy {
  return {
    async insertBatch(ex, table, rows: NewRow[]) {
      const explicit = rows[0].id !== undefined;
      const values: unknown[] = [];
      const tuples = rows.map((row) => {
        if (explicit) values.push(row.id);
        values.push(row.up, row.ord, row.t, row.val);
        return explicit ? '(?, ?, ?, ?, ?)' : '(?, ?, ?, ?)';
      });
      const columns = explicit ? 'id, up, ord, t, val' : 'up, ord, t, val';
      const result = await ex.run(`INSERT INTO \`${table}\` (${columns}) VALUES ${tuples.join(', ')}`, values);
      if (explicit) return rows.map((row) => row.id as number);
      // a simple multi-row INSERT gets consecutive auto-increment values (step = auto_increment_increment)
      const first = result.insertId ?? 0;
      return rows.map((_, i) => first + i * autoIncrementStep);
    },
  };
}

/** A short human reason for a failed connection: "ECONNREFUSED 127.0.0.1:3306", "Access denied for user ...". */
export function connectFailureReason(error: unknown, endpoint: MysqlEndpoint): string {
  if (!(error instanceof Error)) return String(error);
  const e = error as Error & { code?: string; sqlMessage?: string };
  if (e.sqlMessage) return e.sqlMessage;
  if (e.code && /^E[A-Z]+$/.test(e.code)) return `${e.code} ${describeEndpoint(endpoint)}`;
  return e.message.split('\n')[0];
}

function mysqlCollationOption(charset: string | undefined): string {
  const value = (charset ?? 'utf8mb4').toUpperCase();
  return value === 'UTF8MB4' ? 'UTF8MB4_UNICODE_CI' : value;
}

function isMysqlError(error: unknown, code: string): boolean {
  return error instanceof Error && (error as Error & { code?: string }).code === code;
}

export class MysqlStore implements Store {
  readonly info: StoreInfo;
  readonly appliance: ApplianceStore;
  private readonly ex: MysqlExecutor;
  private readonly ids: IdStrategy;
  private closed = false;

  private constructor(
    private readonly pool: Pool, private readonly schema: string, target: string, schemaVersion: number, step: number,
    onConnectionLost?: (error: unknown) => void,
  ) {
    this.ex = new MysqlExecutor(pool, pool, onConnectionLost);
    this.ids = mysqlIds(step);
    this.info = { driver: 'mysql', target, schemaVersion };
    this.appliance = new SqlApplianceStore(this.ex, mysqlDialect);
  }

  static async open(options: MysqlOptions): Promise<MysqlStore> {
    const schema = options.database || 'integram';
    if (!SCHEMA_NAME.test(schema)) throw new StoreError('unsupported', `invalid MySQL database name "${schema}"`);
    const common = {
      ...endpointFields(options), user: options.user, password: options.password,
      charset: mysqlCollationOption(options.charset),
      connectTimeout: 10_000,
      supportBigNumbers: true,
      dateStrings: true,
    };
    // the schema may not exist yet: create it then (a user with rights on an existing schema
    // only, as on shared hosting, never needs CREATE DATABASE)
    try {
      const probe = await mysql.createConnection({ ...common, database: schema });
      await probe.end().catch(() => undefined);
    } catch (error) {
      if (!isMysqlError(error, 'ER_BAD_DB_ERROR')) throw new StoreError('unreachable', connectFailureReason(error, options));
      try {
        const bootstrap = await mysql.createConnection(common);
        try {
          await bootstrap.query(`CREATE DATABASE IF NOT EXISTS \`${schema}\` DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
        } finally {
          await bootstrap.end().catch(() => undefined);
        }
      } catch (createError) {
        throw new StoreError('unreachable', connectFailureReason(createError, options));
      }
    }
    const pool = mysql.createPool({
      ...common,
      database: schema,
      connectionLimit: options.connectionLimit ?? 10,
      enableKeepAlive: true,
      multipleStatements: false,
    });
    pool.pool.on('connection', (conn) => {
      conn.query(`SET SESSION sql_mode = '${PHP_SQL_MODE}'`);
      // each statement of a transaction sees what other transactions committed (as the PHP engine's
      // autocommit statements do): a uniqueness check after TenantStore.lockRow sees the rows the
      // previous holder of the lock inserted; REPEATABLE READ would show the transaction's snapshot
      conn.query('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED');
    });
    try {
      const stepRows = (await pool.query<RowDataPacket[]>('SELECT @@auto_increment_increment AS step'))[0];
      const step = toInt(stepRows[0].step) || 1;
      const version = await withNamedLock(pool, lockName(schema, MIGRATION_LOCK), MIGRATION_WAIT_SECONDS, (conn) =>
        runMigrations(new MysqlExecutor(conn, null), 'mysql'));
      if (version === null) throw new StoreError('unreachable', 'timed out waiting for another instance to finish migrations');
      return new MysqlStore(pool, schema, describeEndpoint(options), version, step, options.onConnectionLost);
    } catch (error) {
      await pool.end().catch(() => undefined);
      if (error instanceof StoreError) throw error;
      throw new StoreError('unreachable', connectFailureReason(error, options));
    }
  }

  async listDatabases(): Promise<string[]> {
    return listTenantTables(this.ex, 'DATABASE()');
  }

  async databaseExists(db: string): Promise<boolean> {
    return this.tableExists(this.ex, tenantTableName(db));
  }

  async databaseSizes(): Promise<Record<string, number>> {
    // InnoDB's estimate (updated by its statistics), as SHOW TABLE STATUS reports it
    return tenantTableSizes(this.ex, 'DATABASE()',
      'SELECT table_name AS name, COALESCE(data_length, 0) + COALESCE(index_length, 0) AS bytes FROM information_schema.tables WHERE table_schema = DATABASE()');
  }

  private async tableExists(ex: SqlExecutor, table: string): Promise<boolean> {
    const rows = await ex.query(
      `SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?`, [table]);
    return toInt(rows[0].n) > 0;
  }

  async createDatabase(db: string, rows: Row[] = []): Promise<void> {
    const table = tenantTableName(db);
    validateRows(rows);
    try {
      await this.ex.run(createTenantTableSql(table));
    } catch (error) {
      if (isMysqlError(error, 'ER_TABLE_EXISTS_ERROR')) throw new StoreError('exists', `the database ${table} already exists`);
      throw error;
    }
    if (rows.length === 0) return;
    try {
      await this.ex.inTransaction((tx) => new SqlTenantStore(tx, mysqlDialect, this.ids, table).insertMany(rows));
    } catch (error) {
      // MySQL DDL is not transactional: undo the CREATE so a failed create leaves nothing behind
      await this.ex.run(`DROP TABLE IF EXISTS \`${table}\``).catch(() => undefined);
      throw error;
    }
  }

  async dropDatabase(db: string): Promise<void> {
    const table = tenantTableName(db);
    if (!(await this.databaseExists(table))) throw new StoreError('not_found', `the database ${table} does not exist`);
    await this.ex.run(`DROP TABLE \`${table}\``);
  }

  tenant(db: string): TenantStore {
    return new SqlTenantStore(this.ex, mysqlDialect, this.ids, tenantTableName(db));
  }

  transaction<T>(db: string, fn: (tx: TenantStore) => Promise<T>): Promise<T> {
    const table = tenantTableName(db);
    return this.ex.inTransaction((tx) => fn(new SqlTenantStore(tx, mysqlDialect, this.ids, table)));
  }

  async exportRows(db: string): Promise<Row[]> {
    const table = tenantTableName(db);
    if (!(await this.databaseExists(table))) throw new StoreError('not_found', `the database ${table} does not exist`);
    return this.tenant(table).find({});
  }

  /**
   * Loads into a staging table, then swaps it in with one atomic RENAME TABLE: on any error
   * the database is unchanged, and the new table's AUTO_INCREMENT is max id + 1.
   */
  async importRows(db: string, rows: Row[], options: { replace?: boolean } = {}): Promise<void> {
    const table = tenantTableName(db);
    validateRows(rows);
    const exists = await this.databaseExists(table);
    if (exists && !options.replace) {
      throw new StoreError('exists', `the database ${table} already exists (use replace to overwrite it)`);
    }
    const suffix = randomBytes(5).toString('hex');
    const stage = `${APPLIANCE_TABLE_PREFIX}stage_${suffix}`;
    const old = `${APPLIANCE_TABLE_PREFIX}old_${suffix}`;
    await this.ex.run(createTenantTableSql(stage));
    try {
      await this.ex.inTransaction((tx) => new SqlTenantStore(tx, mysqlDialect, this.ids, stage).insertMany(rows));
      // fresh index statistics: right after a bulk load InnoDB's estimates are stale and the
      // optimizer picks full scans (seen: 82 ms instead of 0.8 ms for up = 0 on 60,000 rows)
      await this.ex.run(`ANALYZE TABLE \`${stage}\``);
      if (exists) {
        await this.ex.run(`RENAME TABLE \`${table}\` TO \`${old}\`, \`${stage}\` TO \`${table}\``);
        await this.ex.run(`DROP TABLE \`${old}\``);
      } else {
        await this.ex.run(`RENAME TABLE \`${stage}\` TO \`${table}\``);
      }
    } catch (error) {
      await this.ex.run(`DROP TABLE IF EXISTS \`${stage}\``).catch(() => undefined);
      if (isMysqlError(error, 'ER_TABLE_EXISTS_ERROR')) throw new StoreError('exists', `the database ${table} already exists`);
      throw error;
    }
  }

  async withLock<T>(name: string, fn: () => Promise<T>): Promise<T | null> {
    return withNamedLock(this.pool, lockName(this.schema, name), 0, () => fn());
  }

  async ping(): Promise<number> {
    const started = performance.now();
    await this.pool.query('SELECT 1');
    return performance.now() - started;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}

/** GET_LOCK names are server-wide and at most 64 chars: scope by schema, hash when long. */
function lockName(schema: string, name: string): string {
  const full = `${schema}:${name}`;
  return full.length <= 64 ? full : `${schema.slice(0, 20)}:${createHash('sha256').update(full).digest('hex').slice(0, 40)}`;
}

/** Runs fn while holding GET_LOCK(name) on one pooled connection; null when not obtained in time. */
async function withNamedLock<T>(pool: Pool, name: string, waitSeconds: number, fn: (conn: PoolConnection) => Promise<T>): Promise<T | null> {
  const conn = await pool.getConnection();
  try {
    const [rows] = await conn.query<RowDataPacket[]>('SELECT GET_LOCK(?, ?) AS got', [name, waitSeconds]);
    if (toInt(rows[0].got) !== 1) return null;
    try {
      return await fn(conn);
    } finally {
      await conn.query('SELECT RELEASE_LOCK(?)', [name]).catch(() => undefined);
    }
  } finally {
    conn.release();
  }
}

export function openMysqlStore(options: MysqlOptions): Promise<MysqlStore> {
  return MysqlStore.open(options);
}
