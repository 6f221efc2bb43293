/** The small surface a driver gives the shared SQL code: run a statement, or a transaction. */
export interface RunResult {
  /** rows changed by INSERT/UPDATE/DELETE */
  affected: number;
  /** MySQL: the first auto-increment id the statement generated; PGlite: null (use RETURNING) */
  insertId: number | null;
}

export type SqlRow = Record<string, unknown>;

export interface SqlExecutor {
  query(sql: string, params?: readonly unknown[]): Promise<SqlRow[]>;
  run(sql: string, params?: readonly unknown[]): Promise<RunResult>;
  /** runs fn in one transaction; an executor that is already inside one runs fn on itself */
  inTransaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
}

/** Integer result columns come back as number, bigint or string depending on driver and type. */
export function toInt(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string') return Number(value);
  if (value === null || value === undefined) return 0;
  throw new Error(`unexpected integer value of type ${typeof value}`);
}

export function toText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return String(value);
}
