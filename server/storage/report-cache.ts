/**
 * Report results kept between requests (server/storage/README.md, "Report cache").
 *
 * A report is one heavy statement over the whole tenant table (the bench's: 50,000 orders joined to
 * their items and summed, ~0.3-1 s on MariaDB and PGlite alike), and offices run the same
 * reports again and again (dashboards, several users). The store wraps itself in this decorator:
 * - every write through this process (a tenant's write methods, a transaction, an import, a
 *   database created or dropped) moves that database's generation on once it has finished, so a
 *   result is reused only while nothing was written here since its statement started;
 * - a result also expires after `ttlMs`: writes from another process (another instance on the same
 *   MySQL, the PHP engine itself) are seen within that time, the same bound as the engine's
 *   metadata cache. PGlite is opened by one process only (the folder lock), so there it is kept
 *   until a write or until memory is needed;
 * - identical reports asked while one is running share its statement (32 users opening one
 *   dashboard cost one query), again only within a generation;
 * - reads inside a transaction never use it (they may see the transaction's own writes).
 * The answer is the same rows the statement gives: the cache holds the store's raw cells, and the
 * engine still builds each user's answer (grants, formats) from them; a user's grants are part of
 * the query itself (which columns, which tables), so they are part of the key.
 */
import { normalizeDbName } from './db-names.js';
import { SingleFlight } from './single-flight.js';
import type { ReportCell, ReportQuery, Row, Store, TenantStore } from './types.js';

export interface ReportCacheOptions {
  /** how long a result may be reused without a write here; Infinity: until a write */
  ttlMs: number;
  /** cells kept at most, over all results (memory bound) */
  maxCells?: number;
}

/** a result larger than this is not kept (it would push out everything else) */
const MAX_CELLS_PER_RESULT = 50_000;
const DEFAULT_MAX_CELLS = 250_000;

type Result = ReportCell[][] | number;

interface Entry {
  generation: number;
  result: Result;
  cells: number;
  /** Date.now() after which it is not used */
  expires: number;
}

function cellCount(result: Result): number {
  if (typeof result === 'number') return 1;
  return result.reduce((n, row) => n + row.length, 0) || 1;
}

/**
 * Least recently used first out, bounded by cells. A Map keeps insertion order, and a hit is
 * re-inserted, so the first key is always the least recently used. (lru-cache's current major
 * cannot be the one node_modules resolves from dist/: electron-builder's tree keeps v6 at the top.)
 */
class ResultLru {
  private readonly entries = new Map<string, Entry>();
  private cells = 0;

  constructor(private readonly maxCells: number, private readonly ttlMs: number) {}

  get(key: string, now: number): Entry | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.expires <= now) {
      this.cells -= entry.cells;
      return undefined;
    }
    this.entries.set(key, entry);
    return entry;
  }

  set(key: string, generation: number, result: Result, now: number): void {
    const old = this.entries.get(key);
    if (old) {
      this.entries.delete(key);
      this.cells -= old.cells;
    }
    const cells = cellCount(result);
    this.entries.set(key, { generation, result, cells, expires: now + this.ttlMs });
    this.cells += cells;
    for (const [oldest, entry] of this.entries) {
      if (this.cells <= this.maxCells) break;
      this.entries.delete(oldest);
      this.cells -= entry.cells;
    }
  }
}

class ReportCache {
  private readonly generations = new Map<string, number>();
  private readonly results: ResultLru;
  private readonly running = new SingleFlight<Result>();

  constructor(options: ReportCacheOptions) {
    this.results = new ResultLru(options.maxCells ?? DEFAULT_MAX_CELLS, options.ttlMs);
  }

  generation(db: string): number {
    return this.generations.get(normalizeDbName(db)) ?? 0;
  }

  /**
   * Runs a write to `db`, then moves the generation on once it has finished, committed or not:
   * nothing read before it may be reused.
   */
  async write<T>(db: string, op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } finally {
      this.generations.set(normalizeDbName(db), this.generation(db) + 1);
    }
  }

  async read<T extends Result>(db: string, kind: 'rows' | 'count', query: ReportQuery, run: () => Promise<T>): Promise<T> {
    const key = `${normalizeDbName(db)}\u0000${kind}\u0000${JSON.stringify(query)}`;
    const generation = this.generation(db);
    const kept = this.results.get(key, Date.now());
    if (kept && kept.generation === generation) return kept.result as T;
    return this.running.run(key, generation, async () => {
      const result = await run();
      // kept only when nothing was written here while the statement ran
      if (this.generation(db) === generation && cellCount(result) <= MAX_CELLS_PER_RESULT) {
        this.results.set(key, generation, result, Date.now());
      }
      return result;
    }) as Promise<T>;
  }
}

/** the tenant's operations; reports through the cache, writes move the generation on */
class CachingTenantStore implements TenantStore {
  constructor(private readonly inner: TenantStore, private readonly cache: ReportCache) {}

  get db(): string {
    return this.inner.db;
  }

  private write<T>(op: () => Promise<T>): Promise<T> {
    return this.cache.write(this.inner.db, op);
  }

  get(id: number) { return this.inner.get(id); }
  find(...args: Parameters<TenantStore['find']>) { return this.inner.find(...args); }
  count(...args: Parameters<TenantStore['count']>) { return this.inner.count(...args); }
  maxOrd(...args: Parameters<TenantStore['maxOrd']>) { return this.inner.maxOrd(...args); }
  lockRow(id: number) { return this.inner.lockRow(id); }
  descendants(ids: number[]) { return this.inner.descendants(ids); }
  listRecords(...args: Parameters<TenantStore['listRecords']>) { return this.inner.listRecords(...args); }
  countRecords(...args: Parameters<TenantStore['countRecords']>) { return this.inner.countRecords(...args); }
  cellsOf(ids: number[]) { return this.inner.cellsOf(ids); }
  listPage(...args: Parameters<TenantStore['listPage']>) { return this.inner.listPage(...args); }
  maxId() { return this.inner.maxId(); }

  insert(...args: Parameters<TenantStore['insert']>) { return this.write(() => this.inner.insert(...args)); }
  insertMany(...args: Parameters<TenantStore['insertMany']>) { return this.write(() => this.inner.insertMany(...args)); }
  update(...args: Parameters<TenantStore['update']>) { return this.write(() => this.inner.update(...args)); }
  updateWhere(...args: Parameters<TenantStore['updateWhere']>) { return this.write(() => this.inner.updateWhere(...args)); }
  shiftOrd(...args: Parameters<TenantStore['shiftOrd']>) { return this.write(() => this.inner.shiftOrd(...args)); }
  deleteIds(ids: number[]) { return this.write(() => this.inner.deleteIds(ids)); }
  deleteTree(id: number) { return this.write(() => this.inner.deleteTree(id)); }

  reportRows(query: ReportQuery): Promise<ReportCell[][]> {
    return this.cache.read(this.inner.db, 'rows', query, () => this.inner.reportRows(query));
  }

  reportCount(query: ReportQuery): Promise<number> {
    return this.cache.read(this.inner.db, 'count', query, () => this.inner.reportCount(query));
  }
}

/** `store` with report results reused as described above */
export function withReportCache(store: Store, options: ReportCacheOptions): Store {
  const cache = new ReportCache(options);
  const written = <T>(db: string, op: () => Promise<T>): Promise<T> => cache.write(db, op);
  return {
    get info() { return store.info; },
    get appliance() { return store.appliance; },
    listDatabases: () => store.listDatabases(),
    databaseExists: (db) => store.databaseExists(db),
    databaseSizes: () => store.databaseSizes(),
    createDatabase: (db: string, rows?: Row[]) => written(db, () => store.createDatabase(db, rows)),
    dropDatabase: (db) => written(db, () => store.dropDatabase(db)),
    tenant: (db) => new CachingTenantStore(store.tenant(db), cache),
    // the transaction's own reads go straight to the store: they may see its uncommitted writes
    transaction: (db, fn) => written(db, () => store.transaction(db, fn)),
    exportRows: (db) => store.exportRows(db),
    importRows: (db, rows, options) => written(db, () => store.importRows(db, rows, options)),
    withLock: (name, fn) => store.withLock(name, fn),
    ping: () => store.ping(),
    close: () => store.close(),
  };
}
