/**
 * PGlite (embedded Postgres in WebAssembly) driver: the default store of a desktop or
 * headless install without MySQL. Data lives in one folder, held by one process
 * (lock-file.ts). Each tenant is a table id/up/ord/t/val like the PHP one; ids come from
 * an identity sequence that is moved past any imported id, so ids are never reused.
 */
import { StoreError } from '../errors.js';
import { tenantTableName } from '../db-names.js';
import { acquireFolderLock } from '../lock-file.js';
import { pgliteListIndexSql, runMigrations } from '../migrations.js';
import { SqlApplianceStore } from '../sql/appliance.js';
import { listTenantTables, tenantTableSizes, validateRows } from '../sql/common.js';
import { type Dialect, pgDialect } from '../sql/dialect.js';
import { type RunResult, type SqlExecutor, type SqlRow, toInt } from '../sql/executor.js';
import { type IdStrategy, SqlTenantStore } from '../sql/tenant.js';
import type { ApplianceStore, NewRow, Row, Store, StoreInfo, TenantStore } from '../types.js';
import { PgliteWorker } from './worker-client.js';

export { escapePgText, unescapePgText } from './text-escape.js';

/** Postgres int4: the ids, up and t of a PGlite tenant fit in it (MySQL's are unsigned 32-bit). */
const PG_MAX_INT = 2147483647;

/** Statements go to the worker thread that owns PGlite; `tx` is the transaction they run in. */
class PgExecutor implements SqlExecutor {
  constructor(private readonly worker: PgliteWorker, private readonly tx: number | null) {}

  async query(sql: string, params: readonly unknown[] = []): Promise<SqlRow[]> {
    return (await this.worker.query(sql, params, this.tx)).rows;
  }

  async run(sql: string, params: readonly unknown[] = []): Promise<RunResult> {
    const result = await this.worker.query(sql, params, this.tx);
    return { affected: result.affected, insertId: null };
  }

  async inTransaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    if (this.tx !== null) return fn(this);
    const tx = await this.worker.begin();
    let result: T;
    try {
      result = await fn(new PgExecutor(this.worker, tx));
    } catch (error) {
      await this.worker.end(tx, false).catch(() => undefined);
      throw error;
    }
    await this.worker.end(tx, true);
    return result;
  }
}

const WRITE_STATEMENT = /^\s*(INSERT|UPDATE|DELETE)\b/i;

/** Reports how many rows each write statement changed (for the statistics below). */
class CountingExecutor implements SqlExecutor {
  constructor(private readonly inner: SqlExecutor, private readonly onWrite: (rows: number) => void) {}

  async query(sql: string, params?: readonly unknown[]): Promise<SqlRow[]> {
    const rows = await this.inner.query(sql, params);
    if (WRITE_STATEMENT.test(sql)) this.onWrite(rows.length);
    return rows;
  }

  async run(sql: string, params?: readonly unknown[]): Promise<RunResult> {
    const result = await this.inner.run(sql, params);
    if (WRITE_STATEMENT.test(sql)) this.onWrite(result.affected);
    return result;
  }

  inTransaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.inner.inTransaction((tx) => fn(new CountingExecutor(tx, this.onWrite)));
  }
}

/** rows written since the last ANALYZE that make a table's statistics stale: max(this, 10 % of its rows) */
const ANALYZE_MIN_WRITES = 1000;
const ANALYZE_FRACTION = 0.1;

/**
 * Planner statistics of the tenant tables. PGlite is one embedded backend: no autovacuum
 * worker ever analyzes a table, so without this the planner keeps the estimates of an empty
 * table (6 rows for 50,000) and picks hash joins over whole tables (docs/benchmarks.md, 3).
 * Rows written are counted per table; past the threshold an ANALYZE runs after the write has
 * returned, outside any transaction (PGlite queues a plain query behind an open transaction),
 * at most one per table at a time. A failed ANALYZE only leaves the old statistics.
 */
class TableStatistics {
  private readonly writes = new Map<string, number>();
  private readonly rowsAtAnalyze = new Map<string, number>();
  private readonly running = new Map<string, Promise<void>>();

  constructor(private readonly ex: SqlExecutor) {}

  written(table: string, rows: number): void {
    if (rows <= 0) return;
    this.writes.set(table, (this.writes.get(table) ?? 0) + rows);
    if (this.isStale(table)) setImmediate(() => void this.analyzeIfStale(table));
  }

  private isStale(table: string): boolean {
    const threshold = Math.max(ANALYZE_MIN_WRITES, ANALYZE_FRACTION * (this.rowsAtAnalyze.get(table) ?? 0));
    return (this.writes.get(table) ?? 0) > threshold;
  }

  private analyzeIfStale(table: string): Promise<void> {
    if (this.running.has(table) || !this.isStale(table)) return Promise.resolve();
    return this.analyze(table);
  }

  /** analyzes now (or joins the one running); never rejects */
  analyze(table: string): Promise<void> {
    const current = this.running.get(table);
    if (current) return current;
    this.writes.set(table, 0);
    const run = (async () => {
      try {
        await this.ex.run(`ANALYZE "${table}"`);
        const rows = await this.ex.query(`SELECT reltuples::float8 AS n FROM pg_class WHERE oid = to_regclass($1)`, [`"${table}"`]);
        this.rowsAtAnalyze.set(table, Math.max(0, Number(rows[0]?.n ?? 0)));
      } catch {
        // the table was dropped meanwhile, or the store is closing: the old statistics stay
      } finally {
        this.running.delete(table);
      }
      // writes that arrived while this one ran may already be past the threshold again
      if (this.isStale(table)) await this.analyzeIfStale(table);
    })();
    this.running.set(table, run);
    return run;
  }

  forget(table: string): void {
    this.writes.delete(table);
    this.rowsAtAnalyze.delete(table);
  }

  /** resolves when no ANALYZE is running or scheduled by a write that has returned */
  async settled(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    while (this.running.size > 0) await Promise.all([...this.running.values()]);
  }
}

function sequenceOf(table: string): string {
  return `pg_get_serial_sequence('${table}', 'id')`;
}

/** Moves the id sequence past every id in the table (MySQL auto-increment behaviour). */
async function bumpSequence(ex: SqlExecutor, table: string): Promise<void> {
  const seq = sequenceOf(table);
  await ex.query(`SELECT setval(${seq}, GREATEST((SELECT COALESCE(MAX(id), 0) FROM "${table}"),
    COALESCE(pg_sequence_last_value(${seq}::regclass), 0), 1),
    (SELECT COUNT(*) FROM "${table}") > 0 OR pg_sequence_last_value(${seq}::regclass) IS NOT NULL)`);
}

/** After a full replace: the next id is max + 1, as in a freshly created MySQL table. */
async function resetSequence(ex: SqlExecutor, table: string): Promise<void> {
  await ex.query(`SELECT setval(${sequenceOf(table)}, GREATEST((SELECT COALESCE(MAX(id), 0) FROM "${table}"), 1),
    (SELECT COUNT(*) FROM "${table}") > 0)`);
}

const pgIds: IdStrategy = {
  async insertBatch(ex, table, rows: NewRow[]) {
    const explicit = rows[0].id !== undefined;
    const values: unknown[] = [];
    const tuples = rows.map((row) => {
      const cols = [row.up, row.ord, row.t, row.val].map((v) => {
        values.push(v);
        return `$${values.length}`;
      });
      let idSql = 'DEFAULT';
      if (explicit) {
        values.push(row.id);
        idSql = `$${values.length}`;
      }
      return `(${idSql}, ${cols.join(', ')})`;
    });
    const result = await ex.query(`INSERT INTO "${table}" (id, up, ord, t, val) VALUES ${tuples.join(', ')} RETURNING id`, values);
    if (explicit) await bumpSequence(ex, table);
    return result.map((r) => toInt(r.id));
  },
};

function createTableStatements(table: string): string[] {
  const q = `"${table}"`;
  // index names are left to Postgres (unique per schema); columns as in the PHP table
  return [
    `CREATE TABLE ${q} (
      id integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
      up integer NOT NULL DEFAULT 0,
      ord integer NOT NULL DEFAULT 0,
      t integer NOT NULL DEFAULT 0,
      val text NOT NULL DEFAULT '',
      -- what MySQL strict mode refuses: negatives in INT UNSIGNED, more than MEDIUMTEXT's 16 MB
      CHECK (up >= 0 AND t >= 0 AND id >= 1),
      CHECK (octet_length(val) <= 16777215)
    )`,
    `CREATE INDEX ON ${q} (up, t)`,
    pgliteListIndexSql(table),
    `CREATE INDEX ON ${q} (t, lower(left(val, 191)))`,
    `CREATE INDEX ON ${q} (up, ord)`,
  ];
}

/**
 * ICU root collation when the build has it, so ORDER BY val sorts like UCA; else code points. Asked of
 * the catalog: comparing with the collation itself loads ICU's data, 0.25-0.45 s of a cold start
 * (measured with timestamps in the worker and the store); `warmOrderCollation` pays that after the open.
 */
async function pickOrderCollation(ex: SqlExecutor): Promise<string> {
  const rows = await ex.query(`SELECT 1 AS ok FROM pg_collation WHERE collname = 'und-x-icu'`);
  return rows.length > 0 ? 'und-x-icu' : 'C';
}

/** Loads ICU's data now, while nothing waits, instead of in the first sorted list. */
function warmOrderCollation(ex: SqlExecutor, collation: string): void {
  if (collation === 'C') return;
  ex.query(`SELECT 'a' < 'B' COLLATE "${collation}" AS ok`).catch(() => undefined);
}

export class PgliteStore implements Store {
  readonly info: StoreInfo;
  readonly appliance: ApplianceStore;
  private readonly ex: PgExecutor;
  private readonly heldLocks = new Set<string>();
  private readonly statistics: TableStatistics;
  private closed = false;

  private constructor(
    private readonly worker: PgliteWorker,
    private readonly d: Dialect,
    private readonly releaseFolder: () => void,
    dir: string,
    schemaVersion: number,
  ) {
    this.ex = new PgExecutor(worker, null);
    this.statistics = new TableStatistics(this.ex);
    this.info = { driver: 'pglite', target: dir, schemaVersion };
    this.appliance = new SqlApplianceStore(this.ex, d);
  }

  /** Opens (creating if needed) the store in `dir`; throws StoreError('in_use') while another process holds it. */
  static async open(dir: string, syncCommits: boolean): Promise<PgliteStore> {
    const release = acquireFolderLock(dir);
    let worker: PgliteWorker | null = null;
    try {
      // opening a folder takes seconds (initdb on a new one): in the worker it does not stop the server
      worker = await PgliteWorker.open(dir, syncCommits);
      const ex = new PgExecutor(worker, null);
      const collation = await pickOrderCollation(ex);
      const version = await runMigrations(ex, 'pglite');
      warmOrderCollation(ex, collation);
      return new PgliteStore(worker, pgDialect(collation), release, dir, version);
    } catch (error) {
      if (worker) await worker.close().catch(() => undefined);
      release();
      throw error;
    }
  }

  async listDatabases(): Promise<string[]> {
    return listTenantTables(this.ex, 'current_schema()');
  }

  async databaseSizes(): Promise<Record<string, number>> {
    return tenantTableSizes(this.ex, 'current_schema()',
      `SELECT c.relname AS name, pg_total_relation_size(c.oid) AS bytes FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = current_schema() AND c.relkind = 'r'`);
  }

  async databaseExists(db: string): Promise<boolean> {
    const table = tenantTableName(db);
    const rows = await this.ex.query(`SELECT to_regclass($1) IS NOT NULL AS found`, [`"${table}"`]);
    return rows[0].found === true;
  }

  async createDatabase(db: string, rows: Row[] = []): Promise<void> {
    const table = tenantTableName(db);
    validateRows(rows, PG_MAX_INT);
    await this.ex.inTransaction(async (tx) => {
      await this.createTable(tx, table);
      await new SqlTenantStore(tx, this.d, pgIds, table).insertMany(rows);
      await resetSequence(tx, table);
    });
    this.statistics.forget(table);
    if (rows.length > 0) await this.statistics.analyze(table);
  }

  /** resolves when no planner-statistics update is running (tests, measurements) */
  statisticsSettled(): Promise<void> {
    return this.statistics.settled();
  }

  /** the tenant store over an executor that counts the rows it writes */
  private tenantOn(ex: SqlExecutor, table: string): SqlTenantStore {
    return new SqlTenantStore(new CountingExecutor(ex, (rows) => this.statistics.written(table, rows)), this.d, pgIds, table);
  }

  private async createTable(tx: SqlExecutor, table: string): Promise<void> {
    const exists = await tx.query(`SELECT to_regclass($1) IS NOT NULL AS found`, [`"${table}"`]);
    if (exists[0].found === true) throw new StoreError('exists', `the database ${table} already exists`);
    for (const statement of createTableStatements(table)) await tx.run(statement);
  }

  async dropDatabase(db: string): Promise<void> {
    const table = tenantTableName(db);
    if (!(await this.databaseExists(table))) throw new StoreError('not_found', `the database ${table} does not exist`);
    await this.ex.run(`DROP TABLE "${table}"`);
    this.statistics.forget(table);
  }

  tenant(db: string): TenantStore {
    return this.tenantOn(this.ex, tenantTableName(db));
  }

  transaction<T>(db: string, fn: (tx: TenantStore) => Promise<T>): Promise<T> {
    const table = tenantTableName(db);
    // writes inside count too; an ANALYZE they trigger waits until the transaction has ended
    return this.ex.inTransaction((tx) => fn(this.tenantOn(tx, table)));
  }

  async exportRows(db: string): Promise<Row[]> {
    const table = tenantTableName(db);
    if (!(await this.databaseExists(table))) throw new StoreError('not_found', `the database ${table} does not exist`);
    return this.tenant(table).find({});
  }

  async importRows(db: string, rows: Row[], options: { replace?: boolean } = {}): Promise<void> {
    const table = tenantTableName(db);
    validateRows(rows, PG_MAX_INT);
    // one transaction: DDL is transactional in Postgres, so any failure leaves the database as it was
    await this.ex.inTransaction(async (tx) => {
      const exists = (await tx.query(`SELECT to_regclass($1) IS NOT NULL AS found`, [`"${table}"`]))[0].found === true;
      if (!exists) {
        await this.createTable(tx, table);
      } else if (options.replace) {
        await tx.run(`DELETE FROM "${table}"`);
      } else {
        throw new StoreError('exists', `the database ${table} already exists (use replace to overwrite it)`);
      }
      await new SqlTenantStore(tx, this.d, pgIds, table).insertMany(rows);
      await resetSequence(tx, table);
    });
    this.statistics.forget(table);
    await this.statistics.analyze(table);
  }

  /** One process holds a PGlite folder, so an in-process lock is a lock for every holder. */
  async withLock<T>(name: string, fn: () => Promise<T>): Promise<T | null> {
    if (this.heldLocks.has(name)) return null;
    this.heldLocks.add(name);
    try {
      return await fn();
    } finally {
      this.heldLocks.delete(name);
    }
  }

  /** statements outside the Store contract (plans, statistics): for tests and measurements */
  inspect(sql: string, params: readonly unknown[] = []): Promise<SqlRow[]> {
    return this.ex.query(sql, params);
  }

  async ping(): Promise<number> {
    const started = performance.now();
    await this.ex.query('SELECT 1');
    return performance.now() - started;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.statistics.settled();
      await this.worker.close();
    } finally {
      this.releaseFolder();
    }
  }
}

export interface PgliteOpenOptions {
  /** sync every commit to the disk before it is acknowledged (default true; worker.ts) */
  syncCommits?: boolean;
}

export function openPgliteStore(dir: string, options: PgliteOpenOptions = {}): Promise<PgliteStore> {
  return PgliteStore.open(dir, options.syncCommits ?? true);
}
