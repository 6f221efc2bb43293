/**
 * TenantStore over any SqlExecutor + Dialect: the one implementation of the tenant
 * operations and the set-based list queries for both drivers.
 */
import type {
  CellRow, FindOptions, ListColumn, ListFilter, ListOrder, ListPage, ListQuery, NewRow, ReportCell, ReportQuery, Row, RowMatch,
  RowPatch, TenantStore, ValuePredicate,
} from '../types.js';
import { reportCountSql, reportRowsSql } from './report.js';
import { StoreError } from '../errors.js';
import { type Dialect, intLiteral, MIN_INT, type Params } from './dialect.js';
import { type SqlExecutor, type SqlRow, toInt, toText } from './executor.js';

/** Hooks where the drivers differ in how ids are generated. */
export interface IdStrategy {
  /** inserts rows (all with explicit ids, or all without) in one statement; returns their ids in order */
  insertBatch(ex: SqlExecutor, table: string, rows: NewRow[]): Promise<number[]>;
}

const ROW_COLUMNS = 'id, up, ord, t, val';
/** rows per INSERT statement, and a byte budget so a statement stays far below max_allowed_packet */
const INSERT_BATCH_ROWS = 500;
const INSERT_BATCH_BYTES = 4 * 1024 * 1024;
const ID_CHUNK = 1000;

export function rowFromSql(r: SqlRow): Row {
  return { id: toInt(r.id), up: toInt(r.up), ord: toInt(r.ord), t: toInt(r.t), val: toText(r.val) };
}

function intList(value: number | number[]): number[] {
  return Array.isArray(value) ? value : [value];
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** splits rows into insert batches: same id mode (explicit or generated), bounded rows and bytes */
export function insertBatches(rows: NewRow[]): NewRow[][] {
  const batches: NewRow[][] = [];
  let current: NewRow[] = [];
  let bytes = 0;
  for (const row of rows) {
    const size = Buffer.byteLength(row.val, 'utf8') + 64;
    const explicit = row.id !== undefined;
    const sameMode = current.length === 0 || (current[0].id !== undefined) === explicit;
    if (current.length > 0 && (!sameMode || current.length >= INSERT_BATCH_ROWS || bytes + size > INSERT_BATCH_BYTES)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(row);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

export class SqlTenantStore implements TenantStore {
  private readonly tbl: string;

  constructor(
    private readonly ex: SqlExecutor,
    private readonly d: Dialect,
    private readonly ids: IdStrategy,
    /** validated, lower-case table name */
    readonly db: string,
  ) {
    this.tbl = d.quote(db);
  }

  // ---- integer conditions ------------------------------------------------
  // Ids and types come from URLs: a value no column can hold (out of range, fractional, NaN)
  // must match nothing rather than make Postgres raise "out of range" (MySQL just finds nothing).

  private isColumnInt(n: number): boolean {
    return Number.isInteger(n) && n >= MIN_INT && n <= this.d.maxInt;
  }

  private ints(values: number[]): number[] {
    return values.filter((n) => this.isColumnInt(n));
  }

  private intEq(expr: string, value: number, p: Params): string {
    return this.isColumnInt(value) ? `${expr} = ${p.add(value)}` : '1 = 0';
  }

  private intIn(expr: string, values: number[], p: Params): string {
    const valid = this.ints(values);
    if (valid.length === 0) return '1 = 0';
    return valid.length === 1 ? `${expr} = ${p.add(valid[0])}` : `${expr} IN (${valid.map((x) => p.add(x)).join(', ')})`;
  }

  /** expr > value / >= / <= for any number, on integer columns; bounds decided here, never sent out of range */
  private intCompare(expr: string, op: '>' | '>=' | '<=', value: number, p: Params): string {
    if (Number.isNaN(value)) return '1 = 0';
    const min = MIN_INT;
    const max = this.d.maxInt;
    if (op === '>') {
      const whole = Math.floor(value);
      if (whole >= max) return '1 = 0';
      if (whole < min) return '1 = 1';
      return `${expr} > ${p.add(whole)}`;
    }
    if (op === '>=') {
      const whole = Math.ceil(value);
      if (whole > max) return '1 = 0';
      if (whole <= min) return '1 = 1';
      return `${expr} >= ${p.add(whole)}`;
    }
    const whole = Math.floor(value);
    if (whole < min) return '1 = 0';
    if (whole >= max) return '1 = 1';
    return `${expr} <= ${p.add(whole)}`;
  }

  // ---- plain row access -------------------------------------------------

  async lockRow(id: number): Promise<void> {
    if (!this.isColumnInt(id)) return;
    const p = this.d.newParams();
    await this.ex.query(`SELECT id FROM ${this.tbl} WHERE id = ${p.add(id)} FOR UPDATE`, p.values);
  }

  async get(id: number): Promise<Row | null> {
    if (!this.isColumnInt(id)) return null;
    const p = this.d.newParams();
    const rows = await this.ex.query(`SELECT ${ROW_COLUMNS} FROM ${this.tbl} WHERE id = ${p.add(id)}`, p.values);
    return rows.length > 0 ? rowFromSql(rows[0]) : null;
  }

  async find(match: RowMatch, options: FindOptions = {}): Promise<Row[]> {
    const p = this.d.newParams();
    const where = this.matchWhere(match, p, '');
    const desc = options.desc ? ' DESC' : '';
    let order: string;
    switch (options.orderBy ?? 'id') {
      case 'id': order = `id${desc}`; break;
      case 'ord,id': order = `ord${desc}, id`; break;
      case 'val,id': order = `${this.d.textOrderKey('val')}${desc}, id`; break;
    }
    const sql = `SELECT ${ROW_COLUMNS} FROM ${this.tbl} WHERE ${where} ORDER BY ${order}${limitOffset(options.limit, options.offset)}`;
    return (await this.ex.query(sql, p.values)).map(rowFromSql);
  }

  async count(match: RowMatch): Promise<number> {
    const p = this.d.newParams();
    const rows = await this.ex.query(`SELECT COUNT(*) AS n FROM ${this.tbl} WHERE ${this.matchWhere(match, p, '')}`, p.values);
    return toInt(rows[0].n);
  }

  async maxOrd(match: RowMatch): Promise<number> {
    const p = this.d.newParams();
    const rows = await this.ex.query(
      `SELECT COALESCE(MAX(ord), 0) AS m FROM ${this.tbl} WHERE ${this.matchWhere(match, p, '')}`, p.values);
    return toInt(rows[0].m);
  }

  async maxId(): Promise<number> {
    const rows = await this.ex.query(`SELECT COALESCE(MAX(id), 0) AS m FROM ${this.tbl}`);
    return toInt(rows[0].m);
  }

  async insert(row: NewRow): Promise<number> {
    const [id] = await this.ids.insertBatch(this.ex, this.db, [row]);
    return id;
  }

  async insertMany(rows: NewRow[]): Promise<number[]> {
    if (rows.length === 0) return [];
    const batches = insertBatches(rows);
    const run = async (ex: SqlExecutor) => {
      const ids: number[] = [];
      for (const batch of batches) ids.push(...(await this.ids.insertBatch(ex, this.db, batch)));
      return ids;
    };
    return batches.length === 1 ? run(this.ex) : this.ex.inTransaction(run);
  }

  async update(id: number, patch: RowPatch): Promise<void> {
    await this.updateWhere({ id }, patch);
  }

  async updateWhere(match: RowMatch, patch: RowPatch): Promise<number> {
    const p = this.d.newParams();
    const sets = this.patchSets(patch, p);
    if (sets.length === 0) return 0;
    const result = await this.ex.run(`UPDATE ${this.tbl} SET ${sets.join(', ')} WHERE ${this.matchWhere(match, p, '')}`, p.values);
    return result.affected;
  }

  async shiftOrd(match: RowMatch & { ordFrom?: number; ordTo?: number }, delta: number): Promise<number> {
    const p = this.d.newParams();
    const setSql = `ord = ord + ${p.add(delta)}`;
    const conds = [this.matchWhere(match, p, '')];
    if (match.ordFrom !== undefined) conds.push(this.intCompare('ord', '>=', match.ordFrom, p));
    if (match.ordTo !== undefined) conds.push(this.intCompare('ord', '<=', match.ordTo, p));
    const result = await this.ex.run(`UPDATE ${this.tbl} SET ${setSql} WHERE ${conds.join(' AND ')}`, p.values);
    return result.affected;
  }

  async deleteIds(ids: number[]): Promise<number> {
    const valid = this.ints([...new Set(ids)]);
    if (valid.length === 0) return 0;
    const parts = chunks(valid, ID_CHUNK);
    const run = async (ex: SqlExecutor) => {
      let deleted = 0;
      for (const part of parts) {
        const p = this.d.newParams();
        const result = await ex.run(`DELETE FROM ${this.tbl} WHERE id IN (${part.map((id) => p.add(id)).join(', ')})`, p.values);
        deleted += result.affected;
      }
      return deleted;
    };
    return parts.length === 1 ? run(this.ex) : this.ex.inTransaction(run);
  }

  async deleteTree(id: number): Promise<number> {
    if (!this.isColumnInt(id)) return 0;
    return this.ex.inTransaction(async (ex) => {
      const below = await this.subtreeIds(ex, [id]);
      const tx = new SqlTenantStore(ex, this.d, this.ids, this.db);
      return tx.deleteIds([id, ...below]);
    });
  }

  async descendants(requested: number[]): Promise<Row[]> {
    const ids = this.ints(requested);
    if (ids.length === 0) return [];
    const p = this.d.newParams();
    const sql = `${this.subtreeCte(ids, p)}
      SELECT r.id, r.up, r.ord, r.t, r.val FROM ${this.tbl} r JOIN sub ON sub.id = r.id
      WHERE ${notInList('r.id', ids, p)} ORDER BY r.id`;
    return (await this.ex.query(sql, p.values)).map(rowFromSql);
  }

  private async subtreeIds(ex: SqlExecutor, ids: number[]): Promise<number[]> {
    const p = this.d.newParams();
    const sql = `${this.subtreeCte(ids, p)} SELECT sub.id FROM sub WHERE ${notInList('sub.id', ids, p)}`;
    return (await ex.query(sql, p.values)).map((r) => toInt(r.id));
  }

  /**
   * Ids below the given ones. UNION (not UNION ALL) stops on cycles: row 1 may have up = 1,
   * and an id = up row must not loop forever.
   */
  private subtreeCte(ids: number[], p: Params): string {
    const list = ids.map((id) => p.add(id)).join(', ');
    return `WITH RECURSIVE sub (id) AS (
        SELECT c.id FROM ${this.tbl} c WHERE c.up IN (${list})
        UNION
        SELECT c.id FROM ${this.tbl} c JOIN sub ON c.up = sub.id
      )`;
  }

  // ---- set-based lists ----------------------------------------------------

  async listRecords(query: ListQuery): Promise<Row[]> {
    const p = this.d.newParams();
    const where = this.listWhere(query, p);
    const order = this.listOrder(query.order, p);
    const sql = `SELECT r.id, r.up, r.ord, r.t, r.val FROM ${this.tbl} r${this.pageHint(query)} WHERE ${where} ORDER BY ${order}${limitOffset(query.limit, query.offset)}`;
    return (await this.ex.query(sql, p.values)).map(rowFromSql);
  }

  /**
   * listRecords + cellsOf in one statement. The page's ids (and its sort key) come from the
   * listRecords query itself, unchanged, as a derived table; the records and their child rows
   * are joined to it. How the rows come back depends on the engine (Dialect.listPageAsJson):
   * - MySQL/MariaDB: one result row per cell, sorted by the page's own columns only. Only
   *   integers (and a column-order key) go through the derived table: MariaDB keeps a TEXT
   *   column of a derived table or of a sorted join in an on-disk (Aria) temporary table, which
   *   costs more than the second round trip saves; sorted by the page's columns, MariaDB sorts
   *   the derived table before joining.
   * - PGlite: two JSON arrays in one row. PGlite parses every field of a result in JavaScript,
   *   which is most of its cost for a page; JSON.parse of one text is a fraction of that.
   * Cells are put in (up, ord, id) order here. See server/storage/README.md "One statement per page".
   */
  async listPage(query: ListQuery): Promise<ListPage> {
    const p = this.d.newParams();
    // placeholders in text order: the key (selected) comes before the WHERE
    const sort = this.listSort(query.order, p);
    const where = this.listWhere(query, p);
    const keyColumn = sort.key === null ? '' : `, ${sort.key} AS page_key`;
    const pageOrder = sort.key === null ? `r.id${sort.idDir}` : `page_key${sort.keyDir}, r.id`;
    const page = `SELECT r.id${keyColumn} FROM ${this.tbl} r${this.pageHint(query)} WHERE ${where}
        ORDER BY ${pageOrder}${limitOffset(query.limit, query.offset)}`;
    const recordOrder = sort.key === null ? `page.id${sort.idDir}` : `page.page_key${sort.keyDir}, page.id`;
    const { records, cells } = this.d.listPageAsJson
      ? await this.listPageJson(page, recordOrder, p)
      : await this.listPageRows(page, recordOrder, p);
    cells.sort((a, b) => a.up - b.up || a.ord - b.ord || a.id - b.id);
    return { records, cells };
  }

  private async listPageRows(page: string, recordOrder: string, p: Params): Promise<ListPage> {
    // LEFT JOIN for the record too: it keeps the page first in the join order
    const sql = `SELECT rec.id, rec.up, rec.ord, rec.t, rec.val,
        cell.id AS cell_id, cell.up AS cell_up, cell.ord AS cell_ord, cell.t AS cell_t, cell.val AS cell_val,
        target.val AS target_val, target.t AS target_type
      FROM (${page}) page
      LEFT JOIN ${this.tbl} rec ON rec.id = page.id
      LEFT JOIN ${this.tbl} cell ON cell.up = page.id
      LEFT JOIN ${this.tbl} target ON target.id = cell.t AND target.up <> 0
      ORDER BY ${recordOrder}`;
    const records: Row[] = [];
    const cells: CellRow[] = [];
    let lastRecord = Number.NaN;
    for (const r of await this.ex.query(sql, p.values)) {
      const id = toInt(r.id);
      // a record's rows are adjacent: the order is unique per record
      if (id !== lastRecord) {
        records.push(rowFromSql(r));
        lastRecord = id;
      }
      if (r.cell_id === null || r.cell_id === undefined) continue;
      cells.push({
        id: toInt(r.cell_id), up: toInt(r.cell_up), ord: toInt(r.cell_ord), t: toInt(r.cell_t), val: toText(r.cell_val),
        ...targetOf(r),
      });
    }
    return { records, cells };
  }

  private async listPageJson(page: string, recordOrder: string, p: Params): Promise<ListPage> {
    // the page is referenced twice: Postgres materializes such a CTE once
    const sql = `WITH page AS (${page})
      SELECT
        (SELECT json_agg(json_build_array(rec.id, rec.up, rec.ord, rec.t, rec.val) ORDER BY ${recordOrder})
          FROM page JOIN ${this.tbl} rec ON rec.id = page.id)::text AS records,
        (SELECT json_agg(json_build_array(cell.id, cell.up, cell.ord, cell.t, cell.val, target.val, target.t))
          FROM page JOIN ${this.tbl} cell ON cell.up = page.id
          LEFT JOIN ${this.tbl} target ON target.id = cell.t AND target.up <> 0)::text AS cells`;
    const [row = {}] = await this.ex.query(sql, p.values);
    const records = jsonTuples(row.records).map(([id, up, ord, t, val]): Row => ({
      id: toInt(id), up: toInt(up), ord: toInt(ord), t: toInt(t), val: toText(val),
    }));
    const cells = jsonTuples(row.cells).map(([id, up, ord, t, val, targetVal, targetType]): CellRow => ({
      id: toInt(id), up: toInt(up), ord: toInt(ord), t: toInt(t), val: toText(val),
      ...targetOf({ target_val: targetVal, target_type: targetType }),
    }));
    return { records, cells };
  }

  /** a page by id of one parent's records: read it in id order from the (t, up) index (see Dialect) */
  private pageHint(query: ListQuery): string {
    return query.order.by === 'id' && (query.parent.kind === 'root' || query.parent.kind === 'of') ? this.d.idOrderFromTypeIndex : '';
  }

  async countRecords(query: ListQuery): Promise<number> {
    const p = this.d.newParams();
    const rows = await this.ex.query(`SELECT COUNT(*) AS n FROM ${this.tbl} r WHERE ${this.listWhere(query, p)}`, p.values);
    return toInt(rows[0].n);
  }

  async cellsOf(requested: number[]): Promise<CellRow[]> {
    const recordIds = this.ints(requested);
    if (recordIds.length === 0) return [];
    const p = this.d.newParams();
    const sql = `SELECT c.id, c.up, c.ord, c.t, c.val, tr.val AS target_val, tr.t AS target_type
      FROM ${this.tbl} c LEFT JOIN ${this.tbl} tr ON tr.id = c.t AND tr.up <> 0
      WHERE c.up IN (${recordIds.map((id) => p.add(id)).join(', ')})
      ORDER BY c.up, c.ord, c.id`;
    return (await this.ex.query(sql, p.values)).map((r) => ({ ...rowFromSql(r), ...targetOf(r) }));
  }

  private listWhere(query: ListQuery, p: Params): string {
    const conds = [this.intEq('r.t', query.typeId, p)];
    switch (query.parent.kind) {
      case 'root': conds.push('r.up = 1'); break;
      case 'of': conds.push(this.intEq('r.up', query.parent.up, p)); break;
      case 'anyRecordParent': conds.push('r.up > 1'); break;
      case 'any': conds.push('r.up <> r.t'); break;
      case 'anyWithParent': conds.push('r.up <> 0', 'r.up <> r.t'); break;
      case 'recordParent': conds.push(`EXISTS (SELECT 1 FROM ${this.tbl} par WHERE par.id = r.up AND par.up <> 0)`); break;
    }
    if (query.recordId !== undefined) conds.push(this.intEq('r.id', query.recordId, p));
    for (const filter of query.filters) conds.push(this.filterSql(filter, p));
    for (const group of query.maskGroups ?? []) {
      if (group.length) conds.push(`(${group.map((f) => `(${this.filterSql(f, p)})`).join(' OR ')})`);
    }
    return conds.join(' AND ');
  }

  /**
   * One filter as a condition on record `r`. A cell/ref column is a set of child rows:
   * a positive predicate needs one child that satisfies it; a negated one needs none that
   * satisfies the positive form, so a missing cell matches it.
   *
   * The SQL shape decides the plan. When an index finds the matching cells from the
   * predicate alone (see cellsFoundByIndex) it is EXISTS / NOT EXISTS: the optimizer
   * estimates those few cells and semi-joins from them (0.8 ms for one hit in 50,000).
   * Otherwise (LIKE '%x%', ranges, numbers, regexps, a reference target's value) it is a
   * scalar `(SELECT 1 ... LIMIT 1) IS [NOT] NULL`: neither MariaDB nor Postgres flattens
   * that into a semi-join, so they walk the records in id order and probe each one's cells
   * through the (up, t) index, stopping when the page is full; as EXISTS they materialised
   * every matching cell of the column first (235 → 24 ms on MariaDB, see README).
   */
  private filterSql(filter: ListFilter, p: Params): string {
    const { column, predicate } = filter;
    const negated = isNegated(predicate);
    const positive = positiveOf(predicate);
    if (column.kind === 'first') {
      if (predicate.op === 'present') return '1 = 1';
      if (predicate.op === 'absent') return '1 = 0';
      const cond = this.predicateSql(positive, 'r.val', 'r.id', p);
      return negated ? `NOT (${cond})` : cond;
    }
    const { from, valueExpr, idExpr, reqParam } = this.childSource(column, positive, p);
    let cond: string;
    if (positive.op === 'present' || positive.op === 'absent') {
      cond = '1 = 1';
    } else {
      cond = this.predicateSql(positive, valueExpr, idExpr, p);
    }
    const none = negated || predicate.op === 'absent';
    const matching = `SELECT 1 FROM ${from} WHERE ${reqParam} AND ${cond}`;
    if (cellsFoundByIndex(column, positive)) return none ? `NOT EXISTS (${matching})` : `EXISTS (${matching})`;
    if (!none) return `(${matching} LIMIT 1) IS NOT NULL`;
    // not `IS NULL`: Postgres estimates that as true for 0.5 % of the records, and then sorts
    // all of them instead of walking them in id order; a bare boolean is estimated at 50 %
    return `COALESCE((SELECT ${this.d.name === 'pglite' ? 'FALSE' : '0'} FROM ${from} WHERE ${reqParam} AND ${cond} LIMIT 1), TRUE)`;
  }

  /** FROM/WHERE pieces for the child rows of r that hold a cell/ref column */
  private childSource(column: Exclude<ListColumn, { kind: 'first' }>, predicate: ValuePredicate, p: Params) {
    if (column.kind === 'cell') {
      return { from: `${this.tbl} c`, valueExpr: 'c.val', idExpr: 'c.id', reqParam: `c.up = r.id AND ${this.intEq('c.t', column.reqId, p)}` };
    }
    const refCell = `c.up = r.id AND c.val = ${p.add(String(column.reqId))}`;
    // idIn on a ref column compares the target id, which the cell row holds in t
    if (predicate.op === 'idIn') return { from: `${this.tbl} c`, valueExpr: 'c.val', idExpr: 'c.t', reqParam: refCell };
    return {
      from: `${this.tbl} c JOIN ${this.tbl} tr ON tr.id = c.t`,
      valueExpr: 'tr.val', idExpr: 'tr.id', reqParam: refCell,
    };
  }

  private predicateSql(pred: ValuePredicate, v: string, idExpr: string, p: Params): string {
    const d = this.d;
    const cmp = (op: '=' | CompareOpText, value: string, numeric?: boolean) => {
      if (numeric) return `${d.number(v)} ${op} ${d.number(p.add(value) + this.textCast())}`;
      return op === '=' ? d.textEq(v, value, p) : d.textCompare(v, op, value, p);
    };
    switch (pred.op) {
      case 'eq': return cmp('=', pred.value, pred.numeric);
      case 'lt': return cmp('<', pred.value, pred.numeric);
      case 'le': return cmp('<=', pred.value, pred.numeric);
      case 'gt': return cmp('>', pred.value, pred.numeric);
      case 'ge': return cmp('>=', pred.value, pred.numeric);
      case 'like': return d.textLike(v, pred.pattern, p);
      case 'in':
        if (pred.values.length === 0) return '1 = 0';
        if (pred.numeric) {
          return `${d.number(v)} IN (${pred.values.map((x) => d.number(p.add(x) + this.textCast())).join(', ')})`;
        }
        return d.textIn(v, pred.values, p);
      case 'between': return `(${cmp('>=', pred.low, pred.numeric)} AND ${cmp('<=', pred.high, pred.numeric)})`;
      case 'regexp': return d.regexp(v, pred.pattern, p);
      case 'idIn':
        return this.intIn(idExpr, pred.ids, p);
      case 'present': return '1 = 1';
      case 'absent': return '1 = 0';
      default: throw new Error(`predicate ${pred.op} has no positive SQL form`);
    }
  }

  private textCast(): string {
    return this.d.name === 'pglite' ? '::text' : '';
  }

  private listOrder(order: ListOrder, p: Params): string {
    const sort = this.listSort(order, p);
    return sort.key === null ? `r.id${sort.idDir}` : `${sort.key}${sort.keyDir}, r.id`;
  }

  /**
   * A list's order as a leading key (none when by id) then r.id. Apart, so that listPage can
   * select the key inside its page and sort the joined rows by it again outside.
   */
  private listSort(order: ListOrder, p: Params): ListSort {
    const desc = order.desc ? ' DESC' : '';
    if (order.by === 'id') return { key: null, keyDir: '', idDir: desc };
    if (order.by === 'ord') return { key: 'r.ord', keyDir: desc, idDir: '' };
    if (order.by === 'up') return { key: 'r.up', keyDir: desc, idDir: '' };
    const column = order.by;
    let value: string;
    if (column.kind === 'first') {
      value = 'r.val';
    } else if (column.kind === 'cell') {
      value = `(SELECT c.val FROM ${this.tbl} c WHERE c.up = r.id AND ${this.intEq('c.t', column.reqId, p)} ORDER BY c.id LIMIT 1)`;
    } else {
      value = `(SELECT tr.val FROM ${this.tbl} c JOIN ${this.tbl} tr ON tr.id = c.t
        WHERE c.up = r.id AND c.val = ${p.add(String(column.reqId))} ORDER BY c.ord, c.id LIMIT 1)`;
    }
    const key = order.numeric ? this.d.number(value) : this.d.textOrderKey(value);
    return { key, keyDir: `${desc}${this.d.nullsOrder(!!order.desc)}`, idDir: '' };
  }

  // ---- reports ------------------------------------------------------------

  async reportRows(query: ReportQuery): Promise<ReportCell[][]> {
    const p = this.d.newParams();
    const sql = reportRowsSql(this.d, this.tbl, query, p);
    const rows = await reportValues(() => this.ex.query(sql, p.values));
    return rows.map((r) => query.select.map((_, i) => reportCell(r[`c${i}`])));
  }

  async reportCount(query: ReportQuery): Promise<number> {
    const p = this.d.newParams();
    const sql = reportCountSql(this.d, this.tbl, query, p);
    const rows = await reportValues(() => this.ex.query(sql, p.values));
    return toInt(rows[0]?.n);
  }

  // ---- RowMatch ---------------------------------------------------------

  private matchWhere(m: RowMatch, p: Params, alias: string): string {
    const col = (name: string) => alias + name;
    const conds: string[] = [];
    const ints = (name: string, value: number | number[] | undefined) => {
      if (value !== undefined) conds.push(this.intIn(col(name), intList(value), p));
    };
    ints('id', m.id);
    ints('up', m.up);
    ints('t', m.t);
    if (m.ord !== undefined) conds.push(this.intEq(col('ord'), m.ord, p));
    if (m.val !== undefined) {
      conds.push(Array.isArray(m.val) ? this.d.textIn(col('val'), m.val, p) : this.d.textEq(col('val'), m.val, p));
    }
    if (m.valLike !== undefined) conds.push(this.d.textLike(col('val'), m.valLike, p));
    if (m.tGreaterThan !== undefined) conds.push(this.intCompare(col('t'), '>', m.tGreaterThan, p));
    if (m.upGreaterThan !== undefined) conds.push(this.intCompare(col('up'), '>', m.upGreaterThan, p));
    return conds.length > 0 ? conds.join(' AND ') : '1 = 1';
  }

  private patchSets(patch: RowPatch, p: Params): string[] {
    const sets: string[] = [];
    for (const key of ['up', 'ord', 't', 'val'] as const) {
      const value = patch[key];
      if (value !== undefined) sets.push(`${key} = ${p.add(value)}`);
    }
    return sets;
  }
}

type CompareOpText = '<' | '<=' | '>' | '>=';

/**
 * A report's own expressions can fail on its data (a double overflowing, a number too large for a
 * cast): SQLSTATE class 22 "data exception" on both stores. That is the report's fault, not the
 * store's, so it becomes a StoreError the engine answers like a formula error; other errors pass.
 */
async function reportValues(run: () => Promise<SqlRow[]>): Promise<SqlRow[]> {
  try {
    return await run();
  } catch (err) {
    const state = (err as { sqlState?: unknown; code?: unknown } | null);
    const code = typeof state?.sqlState === 'string' ? state.sqlState : typeof state?.code === 'string' ? state.code : '';
    if (/^22[0-9A-Z]{3}$/.test(code)) throw new StoreError('report_value', 'a value of the report cannot be computed (out of range or not a number)', { cause: err });
    throw err;
  }
}

/** a report value as the drivers return it: text, a number (doubles, counts as bigint) or NULL */
function reportCell(value: unknown): ReportCell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  return toText(value);
}

/** ORDER BY pieces of a list: `key keyDir, r.id`, or `r.id idDir` when key is null */
interface ListSort {
  key: string | null;
  keyDir: string;
  idDir: string;
}

/**
 * The arrays of a json_agg sent as text (null for no rows). A NUL in a value arrives raw: the
 * PGlite driver unescapes its stand-in in every text it returns, this one included, and JSON
 * allows no raw control character, so it is escaped again before parsing.
 */
function jsonTuples(text: unknown): unknown[][] {
  if (text === null || text === undefined) return [];
  const parsed: unknown = JSON.parse(toText(text).replaceAll('\u0000', '\\u0000'));
  if (!Array.isArray(parsed) || !parsed.every(Array.isArray)) throw new Error('listPage: unexpected JSON shape');
  return parsed as unknown[][];
}

/** the reference target columns of a cell row (null when t is not a record) */
function targetOf(r: SqlRow): Pick<CellRow, 'targetVal' | 'targetType'> {
  return {
    targetVal: r.target_val === null || r.target_val === undefined ? null : toText(r.target_val),
    targetType: r.target_type === null || r.target_type === undefined ? null : toInt(r.target_type),
  };
}

function isNegated(pred: ValuePredicate): boolean {
  switch (pred.op) {
    case 'ne': case 'notLike': case 'notIn': return true;
    case 'regexp': case 'idIn': return !!pred.negate;
    default: return false;
  }
}

/** the positive form of a predicate (ne → eq ...), which negated filters exclude */
function positiveOf(pred: ValuePredicate): ValuePredicate {
  switch (pred.op) {
    case 'ne': return { ...pred, op: 'eq' };
    case 'notLike': return { op: 'like', pattern: pred.pattern };
    case 'notIn': return { ...pred, op: 'in' };
    case 'regexp': return { op: 'regexp', pattern: pred.pattern };
    case 'idIn': return { op: 'idIn', ids: pred.ids };
    default: return pred;
  }
}

/**
 * Whether an index finds the cells a positive predicate matches without looking at the
 * record: text equality / IN on a scalar cell (t_val index on (t, val) or its lower()
 * twin), cell ids (primary key), reference target ids (the cell's t, with val = the
 * requisite: t_val again). A reference target's value is never: the target row's t is unknown.
 */
function cellsFoundByIndex(column: Exclude<ListColumn, { kind: 'first' }>, pred: ValuePredicate): boolean {
  if (pred.op === 'idIn') return true;
  if (column.kind !== 'cell') return false;
  return (pred.op === 'eq' || pred.op === 'in') && !pred.numeric;
}

function notInList(expr: string, ids: number[], p: Params): string {
  return `${expr} NOT IN (${ids.map((id) => p.add(id)).join(', ')})`;
}

/** LIMIT/OFFSET from request input: clamped to what SQL accepts rather than failing (NaN limit = none) */
function limitOffset(limit: number | undefined, offset: number | undefined): string {
  const clamp = (n: number) => intLiteral(Math.min(Math.max(Math.floor(n), 0), MAX_LIMIT));
  const hasLimit = limit !== undefined && !Number.isNaN(limit);
  const hasOffset = offset !== undefined && !Number.isNaN(offset) && offset > 0;
  if (!hasLimit && !hasOffset) return '';
  return ` LIMIT ${hasLimit ? clamp(limit) : MAX_LIMIT}${hasOffset ? ` OFFSET ${clamp(offset)}` : ''}`;
}

const MAX_LIMIT = 2147483647;
