/**
 * An SqlExecutor that records the statement a tenant store sends instead of running it, so a
 * test or a measuring tool can EXPLAIN / ANALYZE exactly that SQL against a real database.
 */
import type { SqlExecutor, SqlRow } from '../../../server/storage/sql/executor.js';

export class RecordingExecutor implements SqlExecutor {
  last: { sql: string; params: readonly unknown[] } | null = null;

  /** `rows`: what every query answers (e.g. `[{ n: 0 }]` so that countRecords returns) */
  constructor(private readonly rows: SqlRow[] = []) {}

  async query(sql: string, params: readonly unknown[] = []): Promise<SqlRow[]> {
    this.last = { sql, params };
    return this.rows;
  }

  async run(sql: string, params: readonly unknown[] = []) {
    this.last = { sql, params };
    return { affected: 0, insertId: null };
  }

  inTransaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return fn(this);
  }
}
