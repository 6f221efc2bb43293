/**
 * The storage contract the engine and the appliance build on.
 *
 * A tenant database is one EAV table of rows (id, up, ord, t, val), exactly as the
 * PHP engine stores it (docs/legacy-api.md, "Data model"). Drivers (MySQL/MariaDB, PGlite)
 * implement this interface and pass one shared contract suite; SQL dialect
 * differences live inside the drivers, never in the engine.
 */

/** One row of a tenant table. */
export interface Row {
  id: number;
  up: number;
  ord: number;
  t: number;
  val: string;
}

/** A row to insert; `id` only when an import must keep ids. */
export type NewRow = Omit<Row, 'id'> & { id?: number };

export type RowPatch = Partial<Omit<Row, 'id'>>;

/**
 * Equality match on row columns. `val` compares the way MySQL's
 * utf8mb4_unicode_ci does for Latin and Cyrillic: case-insensitive.
 * Arrays mean "IN (...)"; an empty array matches nothing.
 */
export interface RowMatch {
  id?: number | number[];
  up?: number | number[];
  t?: number | number[];
  ord?: number;
  val?: string | string[];
  /** case-insensitive LIKE pattern on val (% and _ wildcards) */
  valLike?: string;
  /** rows whose `t` is greater than this (e.g. 17 = "not a base type") */
  tGreaterThan?: number;
  /** rows whose `up` is greater than this */
  upGreaterThan?: number;
}

export interface FindOptions {
  /** default: id ascending */
  orderBy?: 'id' | 'ord,id' | 'val,id';
  desc?: boolean;
  limit?: number;
  offset?: number;
}

// ---------------------------------------------------------------------------
// Set-based record lists (object/{type} and friends): one query for a page of
// records, whatever the number of filters. The engine turns F_/FR_/TO_ request
// parameters into this structure; the driver turns it into its own SQL.
// ---------------------------------------------------------------------------

/** What a filter or an ORDER looks at for each record. */
export type ListColumn =
  /** the record's own value (first column) */
  | { kind: 'first' }
  /** a scalar cell: child row (up = record.id, t = reqId); value = cell.val */
  | { kind: 'cell'; reqId: number }
  /**
   * a reference cell: child row (up = record.id, val = String(reqId)) whose t is the
   * target record id; the compared value is the TARGET record's val, and `idIn`
   * compares the target id.
   */
  | { kind: 'ref'; reqId: number };

/**
 * A predicate on the column value. String comparisons are case-insensitive
 * (unicode_ci semantics for Latin/Cyrillic). `numeric: true` compares as numbers
 * the way MySQL casts text ('12abc' -> 12, 'abc' -> 0), without ever erroring.
 * A record that lacks the cell has value NULL: only `absent`, and the negated
 * forms (`ne`, `notLike`, `notIn`, `idIn` with negate) match it.
 */
export type ValuePredicate =
  | { op: 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge'; value: string; numeric?: boolean }
  | { op: 'like' | 'notLike'; pattern: string }
  | { op: 'present' }
  | { op: 'absent' }
  | { op: 'in' | 'notIn'; values: string[]; numeric?: boolean }
  | { op: 'between'; low: string; high: string; numeric?: boolean }
  | { op: 'regexp'; pattern: string; negate?: boolean }
  /** record id (first column) or target id (ref column) in the list */
  | { op: 'idIn'; ids: number[]; negate?: boolean };

export interface ListFilter {
  column: ListColumn;
  predicate: ValuePredicate;
}

export type ListParent =
  /** independent records: up = 1 */
  | { kind: 'root' }
  /** children of one record: up = id */
  | { kind: 'of'; up: number }
  /** records of a subordinate type under any real parent: up > 1 */
  | { kind: 'anyRecordParent' }
  /** records whose parent row exists and is not metadata (up != 0): the root's children when the root has up != 0, never a table's self-descriptor */
  | { kind: 'recordParent' }
  /** any row of the type except a self-descriptor (t = up): the engine's list with no parent condition (F_I, an `@id` filter) */
  | { kind: 'any' }
  /** any row of the type with a parent (up != 0), requisite rows included, never a self-descriptor: a subordinate table's list with F_U below 0 */
  | { kind: 'anyWithParent' };

export interface ListOrder {
  /** 'id' = insertion order; 'ord' = sibling order; 'up' = by parent (MySQL's (t, up) index); or a column */
  by: 'id' | 'ord' | 'up' | ListColumn;
  desc?: boolean;
  numeric?: boolean;
}

export interface ListQuery {
  typeId: number;
  parent: ListParent;
  /** F_I: only this record */
  recordId?: number;
  filters: ListFilter[];
  /**
   * grant masks (row-level grants): a record must satisfy at least one filter of every group
   * (the masks of one column are alternatives, the columns' groups all apply); empty groups are ignored
   */
  maskGroups?: ListFilter[][];
  /** ties are always broken by id ascending */
  order: ListOrder;
  limit?: number;
  offset?: number;
}

/** A child row of a listed record, with the referenced target's value when `t` points to a record. */
export interface CellRow extends Row {
  /** val of the row whose id = this.t, when that row is not a metadata row (up != 0); else null */
  targetVal: string | null;
  /** t (type id) of that target row; else null */
  targetType: number | null;
}

/** A page of records with every child row of those records (see TenantStore.listPage). */
export interface ListPage {
  records: Row[];
  cells: CellRow[];
}

// ---------------------------------------------------------------------------
// Reports (report/{id}): the engine describes a report as joined tables and
// expression trees; the driver compiles them to ONE parameterised statement in
// its own dialect (server/storage/sql/report.ts). No SQL text crosses this line.
// ---------------------------------------------------------------------------

/** How a joined table's records are reached from an earlier table of the same report. */
export type ReportLink =
  /** the earlier record's reference cell (up = record, val = reqId) points at this record (its t) */
  | { kind: 'ref'; reqId: number }
  /** this table is subordinate: its records' up is the earlier record */
  | { kind: 'child' }
  /** the earlier table is subordinate to this one: this record is the earlier record's up */
  | { kind: 'parent' }
  /**
   * a report's FROM record: any record of the type for which `cond` holds; `cond` reads this table's
   * record and earlier tables and their cells only, and has no aggregate
   */
  | { kind: 'on'; cond: ReportExpr };

/** A table of a report: 0 is the main table (its records make the rows), the others are LEFT JOINed. */
export interface ReportTable {
  typeId: number;
  /** index of the earlier table this one is joined to, and how; absent for the main table */
  from?: { table: number; link: ReportLink };
}

export type ReportFunction =
  | 'SUM' | 'COUNT' | 'AVG' | 'MIN' | 'MAX' | 'GROUP_CONCAT'
  | 'ROUND' | 'MONTH' | 'YEAR' | 'DAY' | 'LOWER' | 'UPPER' | 'LENGTH' | 'ABS' | 'COALESCE'
  | 'CONCAT' | 'CONCAT_WS' | 'IF' | 'LEFT' | 'RIGHT' | 'REPLACE' | 'TRIM' | 'FLOOR' | 'CEILING'
  | 'NULLIF' | 'MOD' | 'GREATEST' | 'LEAST';

export const REPORT_AGGREGATES: ReadonlySet<ReportFunction> = new Set(['SUM', 'COUNT', 'AVG', 'MIN', 'MAX', 'GROUP_CONCAT']);

export type ReportBinaryOp = '+' | '-' | '*' | '/' | '=' | '<>' | '<' | '<=' | '>' | '>=' | 'AND' | 'OR';

/**
 * An expression of a report. Record values and cells are text (as stored); literals and
 * arithmetic are numbers; text compares case-insensitively (unicode_ci), text against a number
 * compares as numbers (MySQL's rule), on both stores.
 */
export type ReportExpr =
  /** a column of a table's record row: its value (val) or id, up, t, ord */
  | { kind: 'record'; table: number; part: 'val' | 'id' | 'up' | 't' | 'ord' }
  /** the value of a scalar cell (child row with t = reqId) of a table's record; NULL when absent */
  | { kind: 'cell'; table: number; reqId: number; part?: 'val' | 'id' | 'up' | 't' | 'ord' }
  | { kind: 'number'; value: number }
  | { kind: 'text'; value: string }
  | { kind: 'null' }
  | { kind: 'countAll' }
  /** a value of the result row (select[column]); only in `having` */
  | { kind: 'result'; column: number }
  | { kind: 'neg' | 'not'; arg: ReportExpr }
  | { kind: 'binary'; op: ReportBinaryOp; left: ReportExpr; right: ReportExpr }
  | { kind: 'like'; arg: ReportExpr; pattern: ReportExpr; negate: boolean }
  /** a case-insensitive regular expression (the engine checks it is in the subset both stores read alike) */
  | { kind: 'regexp'; arg: ReportExpr; pattern: string; negate: boolean }
  | { kind: 'in'; arg: ReportExpr; list: ReportExpr[]; negate: boolean }
  | { kind: 'isNull'; arg: ReportExpr; negate: boolean }
  | { kind: 'between'; arg: ReportExpr; low: ReportExpr; high: ReportExpr; negate: boolean }
  | { kind: 'call'; fn: ReportFunction; args: ReportExpr[] };

export interface ReportSort {
  /** index into ReportQuery.select */
  column: number;
  desc: boolean;
  numeric: boolean;
}

export interface ReportQuery {
  /** the main table first, then the joined ones; none for a report of calculated columns only (one row) */
  tables: ReportTable[];
  /** the values of one result row, in order; with an aggregate among them the others are grouped */
  select: ReportExpr[];
  /** conditions on each joined row, before grouping (ANDed) */
  where: ReportExpr[];
  /** conditions on the result rows (ANDed), over `result` values */
  having: ReportExpr[];
  /** sort keys first; the row order ends with tieTables' record ids (ungrouped) or the grouped values */
  order: ReportSort[];
  /** ungrouped reports: record ids that end the order, in this order (always ending with table 0) */
  tieTables: number[];
  limit?: number;
  offset?: number;
  /** the one record of the main table (the request's i<table>): its rows are that record only, whatever its table */
  mainRecord?: number;
}

/** a result value: text, a number, or NULL */
export type ReportCell = string | number | null;

/** Operations on one tenant table. Every method is one round trip unless noted. */
export interface TenantStore {
  readonly db: string;
  get(id: number): Promise<Row | null>;
  find(match: RowMatch, options?: FindOptions): Promise<Row[]>;
  count(match: RowMatch): Promise<number>;
  /** MAX(ord) of rows matching, 0 when none */
  maxOrd(match: RowMatch): Promise<number>;
  /**
   * Inside a transaction: holds a write lock on row `id` until the transaction ends, so that
   * check-then-insert work on one type (unique values, numbering) runs one at a time across
   * connections and instances. Outside a transaction it only reads the row.
   */
  lockRow(id: number): Promise<void>;
  /** inserts and returns the new id (auto-increment order, as in the PHP engine) */
  insert(row: NewRow): Promise<number>;
  /** bulk insert, keeping ids when given; returns the ids in order */
  insertMany(rows: NewRow[]): Promise<number[]>;
  update(id: number, patch: RowPatch): Promise<void>;
  /** update every row matching; returns affected row count */
  updateWhere(match: RowMatch, patch: RowPatch): Promise<number>;
  /** add `delta` to ord of matching rows (sibling shifts) */
  shiftOrd(match: RowMatch & { ordFrom?: number; ordTo?: number }, delta: number): Promise<number>;
  /** delete rows by id (no recursion) */
  deleteIds(ids: number[]): Promise<number>;
  /** delete a row and, recursively, every row below it (up = id ...). Returns rows deleted. */
  deleteTree(id: number): Promise<number>;
  /** every row of the subtree below these ids (not including them), in one round trip */
  descendants(ids: number[]): Promise<Row[]>;
  /** a page of records for a list (one query) */
  listRecords(query: ListQuery): Promise<Row[]>;
  /** how many records the query matches, ignoring limit/offset (one query) */
  countRecords(query: ListQuery): Promise<number>;
  /** all child rows of these records with their reference targets resolved (one query) */
  cellsOf(recordIds: number[]): Promise<CellRow[]>;
  /**
   * A list page and its cells in one round trip: exactly `listRecords(query)` and
   * `cellsOf(records.map((r) => r.id))`, records in page order, cells by (up, ord, id).
   */
  listPage(query: ListQuery): Promise<ListPage>;
  /** highest id in the table, 0 when empty */
  maxId(): Promise<number>;
  /** the rows of a report (one statement) */
  reportRows(query: ReportQuery): Promise<ReportCell[][]>;
  /** how many rows the report has without limit/offset (one statement) */
  reportCount(query: ReportQuery): Promise<number>;
}

/** Rows-file format (phase-0 / bootstrap-rows.json). */
export interface RowsFile {
  rows: Row[];
}

/**
 * Appliance state (admin account, sessions, organization registry, job runs,
 * throttling counters) lives in appliance tables next to the tenants, never in
 * tenant tables. It is a small typed document store: `kind` names the
 * collection, `id` the document, `ref` an optional indexed secondary key
 * (a session family, a login ...). Bodies are JSON.
 */
export interface ApplianceDoc<T = unknown> {
  kind: string;
  id: string;
  ref: string | null;
  body: T;
  createdAt: Date;
  updatedAt: Date;
  expiresAt: Date | null;
}

export interface ApplianceStore {
  get<T>(kind: string, id: string): Promise<ApplianceDoc<T> | null>;
  /** insert or replace */
  put<T>(kind: string, id: string, body: T, options?: { ref?: string | null; expiresAt?: Date | null }): Promise<void>;
  /** insert only when absent; false when it already existed (atomic across instances) */
  create<T>(kind: string, id: string, body: T, options?: { ref?: string | null; expiresAt?: Date | null }): Promise<boolean>;
  delete(kind: string, id: string): Promise<boolean>;
  list<T>(kind: string, options?: { ref?: string; limit?: number }): Promise<ApplianceDoc<T>[]>;
  deleteByRef(kind: string, ref: string): Promise<number>;
  /** atomically add `by` to a counter document (created at 0) and return the new value */
  increment(kind: string, id: string, by: number, options?: { expiresAt?: Date | null }): Promise<number>;
  deleteExpired(now?: Date): Promise<number>;
  /** every live document, for copying the appliance's state to another store */
  exportDocs(): Promise<ApplianceDoc[]>;
  /** inserts documents as they are (times kept), all or none; a document that exists is an error */
  importDocs(docs: readonly ApplianceDoc[]): Promise<void>;
}

export type DriverName = 'mysql' | 'pglite';

export interface StoreInfo {
  driver: DriverName;
  /** "127.0.0.1:3306" or the PGlite data directory */
  target: string;
  /** version of the appliance schema after migrations */
  schemaVersion: number;
}

/** The whole store: tenant tables plus appliance tables. */
export interface Store {
  readonly info: StoreInfo;
  listDatabases(): Promise<string[]>;
  databaseExists(db: string): Promise<boolean>;
  /** bytes each tenant table takes on disk (data and indexes, as the database reports them), by database name */
  databaseSizes(): Promise<Record<string, number>>;
  /** creates an empty tenant table (fails if it exists); `rows` are inserted keeping ids */
  createDatabase(db: string, rows?: Row[]): Promise<void>;
  dropDatabase(db: string): Promise<void>;
  /** the tenant table; the name must already have passed the routing rule */
  tenant(db: string): TenantStore;
  /** runs fn in one transaction on this tenant; rolls back if it throws */
  transaction<T>(db: string, fn: (tx: TenantStore) => Promise<T>): Promise<T>;
  /** every row, ordered by id */
  exportRows(db: string): Promise<Row[]>;
  /** loads rows keeping ids; with replace the table's rows are replaced, atomically */
  importRows(db: string, rows: Row[], options?: { replace?: boolean }): Promise<void>;
  readonly appliance: ApplianceStore;
  /** runs fn while holding a named lock shared by every instance; null when another holder has it */
  withLock<T>(name: string, fn: () => Promise<T>): Promise<T | null>;
  /** round-trip time of a trivial query, in ms; throws when unreachable */
  ping(): Promise<number>;
  close(): Promise<void>;
}

/**
 * The files of FILE columns, by database and a path the engine makes (engine/files.ts filePath:
 * `{folder}/{file}.{ext}`, never `..`, never absolute). Kept on disk by storage/files.ts.
 */
export interface FileStore {
  write(db: string, path: string, content: Uint8Array): Promise<void>;
  /** null when there is no such file */
  read(db: string, path: string): Promise<Uint8Array | null>;
  /** no error when the file is already gone */
  remove(db: string, path: string): Promise<void>;
}

/** the two file folders of a database that the engine's file manager (`dir_admin`) manages */
export type FolderRoot = 'templates' | 'download';

export interface FolderEntry {
  name: string;
  dir: boolean;
  /** bytes (0 for a folder) */
  size: number;
  mtimeMs: number;
}

/**
 * A database's managed file folders (`dir_admin`): `templates` (the PHP engine's
 * `templates/custom/{db}`) and `download` (its `download/{db}`, the FILE columns' files). A path is
 * a list of plain names below the database's folder; a name that is empty, `.`, `..` or holds a
 * slash, a backslash or NUL is refused (an error), and nothing resolves outside the folder, links
 * included. Kept on disk by storage/folders.ts.
 */
export interface FolderStore {
  /** what is at the path: a file, a folder, or nothing (also for a path that would lead outside) */
  kind(root: FolderRoot, db: string, path: readonly string[]): Promise<'file' | 'dir' | null>;
  /** the entries of a folder (the database's folder is created when missing); null when the path is no folder */
  list(root: FolderRoot, db: string, path: readonly string[]): Promise<FolderEntry[] | null>;
  /** creates one folder (its parent must exist); throws for a path that would lead outside */
  mkdir(root: FolderRoot, db: string, path: readonly string[]): Promise<void>;
  /** writes a file (replacing one), never half-written; throws for a path that would lead outside */
  write(root: FolderRoot, db: string, path: readonly string[], content: Uint8Array): Promise<void>;
  /** null when there is no such file */
  read(root: FolderRoot, db: string, path: readonly string[]): Promise<Uint8Array | null>;
  /** removes a file, or a folder with everything in it; false when there was nothing (or the path leads outside) */
  remove(root: FolderRoot, db: string, path: readonly string[]): Promise<boolean>;
}
