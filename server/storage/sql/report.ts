/**
 * Compiles a ReportQuery (tables + expression trees, built by the engine) into one
 * parameterised statement for a dialect. Every value from a report definition or a request
 * is a bound parameter; the only literals written into the text are integers validated here
 * (type and requisite ids) and fixed SQL of this module. See server/storage/README.md, "Reports".
 *
 * Shape: the rows are computed in a derived table `q` (joins, WHERE, GROUP BY), the result
 * conditions (HAVING), the order and the limit apply outside it, over its columns `c0..cN`
 * (values) and `k0..kN` (record ids that break ties), so both dialects can sort by an
 * expression of a result column.
 */
import type { ReportExpr, ReportQuery } from '../types.js';
import { containsAggregate, subExpressions } from '../report-expr.js';
import { type Dialect, intLiteral, type Params } from './dialect.js';

type SqlType = 'text' | 'number' | 'bool';

interface Compiled {
  sql: string;
  type: SqlType;
}

/** A ReportQuery the engine should never build (a table index out of range, a result value in a WHERE). */
export class InvalidReportQuery extends Error {}

/** a positive integer id, validated before it is written into the statement */
function idLiteral(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidReportQuery(`invalid id ${n}`);
  return String(n);
}

class ReportCompiler {
  /** cell joins in first-use order: key "table:req" → alias */
  private readonly cells = new Map<string, { alias: string; table: number; reqId: number }>();
  private resultTypes: SqlType[] = [];
  /** the compiled JOIN ON conditions of 'on' tables, by table index */
  private readonly onConds = new Map<number, string>();

  constructor(
    private readonly d: Dialect,
    private readonly tbl: string,
    private readonly q: ReportQuery,
    private readonly p: Params,
  ) {
    // no table: a report of calculated columns only, one row (the engine's `FROM dual`)
    if (q.tables.length === 0 && q.tieTables.length) throw new InvalidReportQuery('no tables to break ties by');
  }

  private get pg(): boolean {
    return this.d.name === 'pglite';
  }

  private tableAlias(index: number): string {
    if (!Number.isInteger(index) || index < 0 || index >= this.q.tables.length) throw new InvalidReportQuery(`no table ${index}`);
    return `t${index}`;
  }

  private cellAlias(table: number, reqId: number): string {
    const key = `${table}:${reqId}`;
    let cell = this.cells.get(key);
    if (!cell) {
      cell = { alias: `v${this.cells.size}`, table, reqId };
      this.cells.set(key, cell);
    }
    return cell.alias;
  }

  // ---- conversions ----------------------------------------------------------

  /** a text value as a number the MySQL way ('12abc' → 12, 'abc' → 0); a double on both stores */
  private num(c: Compiled): string {
    if (c.type === 'number') return c.sql;
    if (c.type === 'bool') return `(CASE WHEN ${c.sql} THEN 1 ELSE 0 END)`;
    return this.pg ? `(${this.d.number(c.sql)})::float8` : `(${c.sql} + 0e0)`;
  }

  private text(c: Compiled): string {
    if (c.type === 'text') return c.sql;
    const n = this.num(c);
    return this.pg ? `(${n})::text` : `CAST(${n} AS CHAR)`;
  }

  private bool(c: Compiled): string {
    if (c.type === 'bool') return c.sql;
    return `(${this.num(c)} <> 0)`;
  }

  /** a value for the result row: booleans become 1/0 */
  private value(c: Compiled): string {
    return c.type === 'bool' ? this.num(c) : c.sql;
  }

  // ---- expressions ------------------------------------------------------------

  compile(e: ReportExpr, scope: 'rows' | 'result'): Compiled {
    switch (e.kind) {
      case 'record': {
        if (scope !== 'rows') throw new InvalidReportQuery('a record value outside the rows');
        const alias = this.tableAlias(e.table);
        return e.part === 'val' ? { sql: `${alias}.val`, type: 'text' } : { sql: `${alias}.${e.part}`, type: 'number' };
      }
      case 'cell': {
        if (scope !== 'rows') throw new InvalidReportQuery('a cell value outside the rows');
        this.tableAlias(e.table);
        idLiteral(e.reqId);
        const alias = this.cellAlias(e.table, e.reqId);
        const part = e.part ?? 'val';
        return part === 'val' ? { sql: `${alias}.val`, type: 'text' } : { sql: `${alias}.${part}`, type: 'number' };
      }
      case 'result': {
        if (scope !== 'result') throw new InvalidReportQuery('a result value inside the rows');
        const type = this.resultTypes[e.column];
        if (type === undefined) throw new InvalidReportQuery(`no result column ${e.column}`);
        return { sql: `q.c${e.column}`, type };
      }
      case 'number':
        if (!Number.isFinite(e.value)) throw new InvalidReportQuery('a number must be finite');
        return { sql: this.pg ? `${this.p.add(e.value)}::float8` : this.p.add(e.value), type: 'number' };
      case 'text':
        return { sql: this.pg ? `${this.p.add(e.value)}::text` : this.p.add(e.value), type: 'text' };
      case 'null':
        return { sql: this.pg ? 'NULL::text' : 'NULL', type: 'text' };
      case 'countAll':
        return { sql: 'COUNT(*)', type: 'number' };
      case 'neg':
        return { sql: `(-${this.num(this.compile(e.arg, scope))})`, type: 'number' };
      case 'not':
        return { sql: `(NOT ${this.bool(this.compile(e.arg, scope))})`, type: 'bool' };
      case 'binary':
        return this.binary(e.op, this.compile(e.left, scope), this.compile(e.right, scope));
      case 'like': {
        const arg = this.compile(e.arg, scope);
        const pattern = this.compile(e.pattern, scope);
        const sql = this.pg
          ? `lower(${this.text(arg)}) LIKE lower(${this.text(pattern)})`
          : `${this.text(arg)} LIKE ${this.text(pattern)}`;
        return { sql: e.negate ? `(NOT (${sql}))` : `(${sql})`, type: 'bool' };
      }
      case 'regexp': {
        const sql = this.d.regexp(this.text(this.compile(e.arg, scope)), e.pattern, this.p);
        return { sql: e.negate ? `(NOT (${sql}))` : `(${sql})`, type: 'bool' };
      }
      case 'in': {
        if (e.list.length === 0) return { sql: e.negate ? '(1 = 1)' : '(1 = 0)', type: 'bool' };
        const arg = this.compile(e.arg, scope);
        const items = e.list.map((x) => this.compile(x, scope));
        const asText = arg.type === 'text' && items.every((x) => x.type === 'text');
        const key = (c: Compiled) => (asText ? this.d.textOrderKey(c.sql) : this.num(c));
        const sql = `${key(arg)} IN (${items.map(key).join(', ')})`;
        return { sql: e.negate ? `(NOT (${sql}))` : `(${sql})`, type: 'bool' };
      }
      case 'isNull': {
        const arg = this.compile(e.arg, scope);
        return { sql: `(${arg.sql} IS ${e.negate ? 'NOT ' : ''}NULL)`, type: 'bool' };
      }
      case 'between': {
        const arg = this.compile(e.arg, scope);
        const low = this.binary('>=', arg, this.compile(e.low, scope));
        const high = this.binary('<=', this.compile(e.arg, scope), this.compile(e.high, scope));
        const sql = `(${low.sql} AND ${high.sql})`;
        return { sql: e.negate ? `(NOT ${sql})` : sql, type: 'bool' };
      }
      case 'call':
        return this.call(e.fn, e.args, scope);
    }
  }

  private binary(op: string, left: Compiled, right: Compiled): Compiled {
    switch (op) {
      case 'AND': case 'OR':
        return { sql: `(${this.bool(left)} ${op} ${this.bool(right)})`, type: 'bool' };
      case '+': case '-': case '*':
        return { sql: `(${this.num(left)} ${op} ${this.num(right)})`, type: 'number' };
      case '/':
        // MySQL gives NULL for a division by zero, Postgres an error: NULL on both
        return { sql: `(${this.num(left)} / NULLIF(${this.num(right)}, 0))`, type: 'number' };
      case '=': case '<>': case '<': case '<=': case '>': case '>=': {
        if (left.type === 'text' && right.type === 'text') {
          return { sql: `(${this.d.textOrderKey(left.sql)} ${op} ${this.d.textOrderKey(right.sql)})`, type: 'bool' };
        }
        return { sql: `(${this.num(left)} ${op} ${this.num(right)})`, type: 'bool' };
      }
      default:
        throw new InvalidReportQuery(`unknown operator ${op}`);
    }
  }

  private call(fn: string, args: ReportExpr[], scope: 'rows' | 'result'): Compiled {
    const arity = (min: number, max: number) => {
      if (args.length < min || args.length > max) throw new InvalidReportQuery(`${fn} takes ${min}..${max} arguments`);
    };
    const arg = (i: number) => this.compile(args[i], scope);
    switch (fn) {
      case 'SUM': case 'AVG':
        arity(1, 1);
        return { sql: `${fn}(${this.num(arg(0))})`, type: 'number' };
      case 'MIN': case 'MAX': {
        arity(1, 1);
        const a = arg(0);
        // text in the order collation: 'apple' < 'Banana' as in MySQL's unicode_ci, not by code points
        return a.type === 'text' ? { sql: `${fn}(${this.d.textCollated(a.sql)})`, type: 'text' } : { sql: `${fn}(${this.num(a)})`, type: 'number' };
      }
      case 'COUNT':
        arity(1, 1);
        return { sql: `COUNT(${this.value(arg(0))})`, type: 'number' };
      case 'GROUP_CONCAT': {
        arity(1, 1);
        // DISTINCT as the engine writes it (recorded in rep-corners: "Alice", not "Alice,Alice"),
        // ordered inside the group under the order collation so both stores give the same text
        // (MySQL's ? placeholders: compiled twice, so each copy's parameters come in text order;
        // Postgres wants the very same expression twice, its $n placeholders may repeat)
        const value = this.d.textCollated(this.text(arg(0)));
        if (this.pg) return { sql: `string_agg(DISTINCT ${value}, ',' ORDER BY ${value})`, type: 'text' };
        const key = this.d.textCollated(this.text(arg(0)));
        return { sql: `GROUP_CONCAT(DISTINCT ${value} ORDER BY ${key} SEPARATOR ',')`, type: 'text' };
      }
      case 'ROUND': {
        arity(1, 2);
        const value = this.num(arg(0));
        // whole places (MySQL rounds 2.5 up, Postgres to even), in a range both stores accept; NULL
        // stays NULL (Postgres' GREATEST would drop it)
        const places = args.length > 1
          ? `(CASE WHEN ${this.num(arg(1))} > 30 THEN 30 WHEN ${this.num(arg(1))} < -30 THEN -30 ELSE FLOOR(${this.num(arg(1))}) END)`
          : '0';
        // through decimals on both stores: half away from zero, the same digits
        return this.pg
          ? { sql: `round((${value})::numeric, (${places})::int)::float8`, type: 'number' }
          : { sql: `(ROUND(CAST(${value} AS DECIMAL(65,15)), ${places}) + 0e0)`, type: 'number' };
      }
      case 'MONTH': case 'YEAR': case 'DAY': {
        arity(1, 1);
        // DATE values are stored as YYYYMMDD
        const value = this.text(arg(0));
        const [from, len] = fn === 'YEAR' ? [1, 4] : fn === 'MONTH' ? [5, 2] : [7, 2];
        return this.pg
          ? { sql: `(CASE WHEN ${value} ~ '^[0-9]{8}' THEN substr(${this.text(arg(0))}, ${from}, ${len})::float8 END)`, type: 'number' }
          : { sql: `(CASE WHEN ${value} REGEXP '^[0-9]{8}' THEN CAST(SUBSTRING(${this.text(arg(0))}, ${from}, ${len}) AS SIGNED) END)`, type: 'number' };
      }
      case 'LOWER': case 'UPPER':
        arity(1, 1);
        return { sql: `${fn}(${this.text(arg(0))})`, type: 'text' };
      case 'LENGTH':
        arity(1, 1);
        return { sql: `CHAR_LENGTH(${this.text(arg(0))})`, type: 'number' };
      case 'ABS':
        arity(1, 1);
        return { sql: `ABS(${this.num(arg(0))})`, type: 'number' };
      case 'COALESCE': {
        arity(1, 16);
        const compiled = args.map((_, i) => arg(i));
        if (compiled.every((c) => c.type === 'text')) return { sql: `COALESCE(${compiled.map((c) => c.sql).join(', ')})`, type: 'text' };
        return { sql: `COALESCE(${compiled.map((c) => this.num(c)).join(', ')})`, type: 'number' };
      }
      case 'CONCAT': {
        // NULL when a part is NULL, as MySQL's CONCAT (Postgres' concat() would skip it)
        arity(1, 64);
        const parts = args.map((_, i) => this.text(arg(i)));
        return { sql: this.pg ? `(${parts.join(' || ')})` : `CONCAT(${parts.join(', ')})`, type: 'text' };
      }
      case 'CONCAT_WS':
        // the parts that are NULL are skipped on both stores
        arity(2, 64);
        return { sql: `CONCAT_WS(${args.map((_, i) => this.text(arg(i))).join(', ')})`, type: 'text' };
      case 'IF': {
        arity(3, 3);
        const cond = this.bool(arg(0));
        const [a, b] = [arg(1), arg(2)];
        if (a.type === 'text' && b.type === 'text') return { sql: `(CASE WHEN ${cond} THEN ${a.sql} ELSE ${b.sql} END)`, type: 'text' };
        return { sql: `(CASE WHEN ${cond} THEN ${this.num(a)} ELSE ${this.num(b)} END)`, type: 'number' };
      }
      case 'LEFT': case 'RIGHT': {
        // a negative length gives '' on both stores (Postgres would count from the other end)
        arity(2, 2);
        const text = this.text(arg(0));
        const n = this.num(arg(1));
        return { sql: this.pg ? `${fn}(${text}, GREATEST(ROUND(${n})::int, 0))` : `${fn}(${text}, ${n})`, type: 'text' };
      }
      case 'REPLACE':
        arity(3, 3);
        return { sql: `REPLACE(${this.text(arg(0))}, ${this.text(arg(1))}, ${this.text(arg(2))})`, type: 'text' };
      case 'TRIM':
        arity(1, 1);
        return { sql: `TRIM(${this.text(arg(0))})`, type: 'text' };
      case 'FLOOR': case 'CEILING':
        arity(1, 1);
        return { sql: `${fn}(${this.num(arg(0))})`, type: 'number' };
      case 'NULLIF': {
        // NULL when the two are equal as MySQL compares them (text case-blind), else the first
        arity(2, 2);
        const equal = this.binary('=', arg(0), arg(1));
        const first = arg(0);
        return { sql: `(CASE WHEN ${equal.sql} THEN NULL ELSE ${first.type === 'text' ? first.sql : this.num(first)} END)`, type: first.type === 'text' ? 'text' : 'number' };
      }
      case 'MOD': {
        // the sign of the dividend, fractions kept, NULL for a zero divisor, as MySQL's MOD
        arity(2, 2);
        const divisor = () => this.num(arg(1));
        const dividend = () => this.num(arg(0));
        const zero = divisor();
        const [a, b1] = [dividend(), divisor()];
        const [a2, b2] = [dividend(), divisor()];
        return { sql: `(CASE WHEN ${zero} = 0 THEN NULL ELSE ${a} - ${b1} * ${this.pg ? 'TRUNC' : 'TRUNCATE'}(${a2} / ${b2}${this.pg ? '' : ', 0'}) END)`, type: 'number' };
      }
      case 'GREATEST': case 'LEAST': {
        // compared as numbers; NULL when any is NULL, as MySQL (Postgres would skip the NULLs)
        arity(2, 16);
        const nulls = args.map((_, i) => `${this.num(arg(i))} IS NULL`).join(' OR ');
        const values = args.map((_, i) => this.num(arg(i))).join(', ');
        return { sql: `(CASE WHEN ${nulls} THEN NULL ELSE ${fn}(${values}) END)`, type: 'number' };
      }
      default:
        throw new InvalidReportQuery(`unknown function ${fn}`);
    }
  }

  // ---- the statement ------------------------------------------------------------

  /**
   * The joins. MySQL/MariaDB: plain LEFT JOINs (its optimizer reads each through the (up, t) index).
   * Postgres: LEFT JOIN LATERAL subqueries keyed by the outer record's id. With stale statistics
   * (right after a bulk import, before the store's ANALYZE) Postgres estimated one row everywhere
   * and joined whole index ranges with a join filter: minutes for 3,000 orders. A lateral subquery
   * fenced with OFFSET 0 (so it is not flattened back into that join) is read per outer row through
   * the (up, t) index: milliseconds either way.
   */
  /**
   * Compiles the JOIN ON conditions of the FROM tables (in the statement's text order, so their
   * parameters come between the selected values' and the WHERE's). A condition reads its own
   * table's record and earlier tables with their cells, never an aggregate or a result value.
   */
  private compileOnConds(): void {
    this.q.tables.forEach((table, index) => {
      if (table.from?.link.kind !== 'on') return;
      const cond = table.from.link.cond;
      if (containsAggregate(cond)) throw new InvalidReportQuery(`table ${index}: an aggregate in JOIN ON`);
      const check = (e: ReportExpr): void => {
        if (e.kind === 'record' && e.table > index) throw new InvalidReportQuery(`table ${index}: JOIN ON reads a later table`);
        if (e.kind === 'cell' && e.table >= index) throw new InvalidReportQuery(`table ${index}: JOIN ON reads a cell of this or a later table`);
        for (const child of subExpressions(e)) check(child);
      };
      check(cond);
      this.onConds.set(index, this.bool(this.compile(cond, 'rows')));
    });
  }

  private joins(): string {
    const parts: string[] = [];
    const columns = (alias: string) => `${alias}.id, ${alias}.up, ${alias}.ord, ${alias}.t, ${alias}.val`;
    const emitted = new Set<string>();
    const cellJoin = (cell: { alias: string; table: number; reqId: number }) => {
      emitted.add(cell.alias);
      const owner = this.tableAlias(cell.table);
      const req = idLiteral(cell.reqId);
      parts.push(this.pg
        ? `LEFT JOIN LATERAL (SELECT ${columns('r')} FROM ${this.tbl} r WHERE r.up = ${owner}.id AND r.t = ${req} OFFSET 0) ${cell.alias} ON TRUE`
        : `LEFT JOIN ${this.tbl} ${cell.alias} ON ${cell.alias}.up = ${owner}.id AND ${cell.alias}.t = ${req}`);
    };
    this.q.tables.forEach((table, index) => {
      if (index === 0) return;
      if (!table.from) throw new InvalidReportQuery(`table ${index} is not joined`);
      if (table.from.table >= index) throw new InvalidReportQuery(`table ${index} joins a later table`);
      const from = this.tableAlias(table.from.table);
      const alias = this.tableAlias(index);
      const type = idLiteral(table.typeId);
      if (table.from.link.kind === 'on') {
        const cond = this.onConds.get(index);
        if (cond === undefined) throw new InvalidReportQuery(`table ${index}: JOIN ON not compiled`);
        // the cells the condition reads are joined before it (their tables come earlier)
        for (const cell of this.cells.values()) if (cell.table < index && !emitted.has(cell.alias)) cellJoin(cell);
        parts.push(`LEFT JOIN ${this.tbl} ${alias} ON ${alias}.t = ${type} AND ${cond}`);
      } else if (table.from.link.kind === 'ref') {
        // the reference cell and its target together: a cell pointing elsewhere joins nothing
        const link = `l${index}`;
        const req = idLiteral(table.from.link.reqId);
        parts.push(this.pg
          ? `LEFT JOIN LATERAL (SELECT ${columns('r')} FROM ${this.tbl} ${link} JOIN ${this.tbl} r ON r.id = ${link}.t
              WHERE ${link}.up = ${from}.id AND ${link}.val = '${req}' AND r.t = ${type} OFFSET 0) ${alias} ON TRUE`
          : `LEFT JOIN (${this.tbl} ${link} JOIN ${this.tbl} ${alias} ON ${alias}.id = ${link}.t AND ${alias}.t = ${type})
          ON ${link}.up = ${from}.id AND ${link}.val = '${req}'`);
      } else if (table.from.link.kind === 'parent') {
        parts.push(this.pg
          ? `LEFT JOIN LATERAL (SELECT ${columns('r')} FROM ${this.tbl} r WHERE r.id = ${from}.up AND r.t = ${type} OFFSET 0) ${alias} ON TRUE`
          : `LEFT JOIN ${this.tbl} ${alias} ON ${alias}.id = ${from}.up AND ${alias}.t = ${type}`);
      } else {
        parts.push(this.pg
          ? `LEFT JOIN LATERAL (SELECT ${columns('r')} FROM ${this.tbl} r WHERE r.up = ${from}.id AND r.t = ${type} OFFSET 0) ${alias} ON TRUE`
          : `LEFT JOIN ${this.tbl} ${alias} ON ${alias}.up = ${from}.id AND ${alias}.t = ${type}`);
      }
    });
    for (const cell of this.cells.values()) if (!emitted.has(cell.alias)) cellJoin(cell);
    return parts.join('\n        ');
  }

  /** the derived table q: c0..cN (values) and, for rows of an ungrouped report, k0..kN (tie ids) */
  private inner(withTies: boolean): string {
    const selected = this.q.select.map((e) => this.compile(e, 'rows'));
    this.resultTypes = selected.map((c) => (c.type === 'bool' ? 'number' : c.type));
    const grouped = this.q.select.some(containsAggregate);
    // Postgres groups text by its case-insensitive key (as MySQL's collation does) and shows the
    // group's first value in the order collation; numbers and MySQL group by the value itself
    const groupedByKey = (i: number) => grouped && this.pg && selected[i].type === 'text' && !containsAggregate(this.q.select[i]);
    const columns = selected.map((c, i) => `${groupedByKey(i) ? `MIN(${this.d.textCollated(c.sql)})` : this.value(c)} AS c${i}`);
    this.onConds.clear();
    this.compileOnConds();
    if (withTies && !grouped) this.q.tieTables.forEach((t, i) => columns.push(`${this.tableAlias(t)}.id AS k${i}`));
    // a group's first record: sorted groups that tie come in the order the engine's MySQL met them
    const main = this.q.tables.at(0);
    if (withTies && grouped && this.q.order.length) columns.push(main ? 'MIN(t0.id) AS g0' : '1 AS g0');
    const conds = [
      ...(!main ? ['1 = 1']
        : this.q.mainRecord !== undefined ? [`t0.id = ${idLiteral(this.q.mainRecord)}`]
          : [`t0.t = ${idLiteral(main.typeId)}`, 't0.up <> 0', `t0.up <> t0.t`, 'CHAR_LENGTH(t0.val) > 0']),
      ...this.q.where.map((w) => this.bool(this.compile(w, 'rows'))),
    ];
    // compiled again where it is written, so its parameters come in text order
    const groupBy = grouped
      ? selected.map((_, i) => i).filter((i) => !containsAggregate(this.q.select[i]))
        .map((i) => (groupedByKey(i) ? this.d.textOrderKey(this.compile(this.q.select[i], 'rows').sql) : String(i + 1)))
      : [];
    // the joins are written after the expressions that discovered the cells, but hold no parameters
    const from = main ? `FROM ${this.tbl} t0\n        ${this.joins()}` : 'FROM (SELECT 1 AS one) t0';
    return `SELECT ${columns.join(', ')}
        ${from}
        WHERE ${conds.join(' AND ')}${groupBy.length ? `\n        GROUP BY ${groupBy.join(', ')}` : ''}`;
  }

  private having(): string {
    if (this.q.having.length === 0) return '';
    return ` WHERE ${this.q.having.map((h) => this.bool(this.compile(h, 'result'))).join(' AND ')}`;
  }

  rowsStatement(): string {
    const inner = this.inner(true);
    const having = this.having();
    const grouped = this.q.select.some(containsAggregate);
    const keys: string[] = [];
    for (const sort of this.q.order) {
      const type = this.resultTypes[sort.column];
      if (type === undefined) throw new InvalidReportQuery(`no result column ${sort.column}`);
      const col = `q.c${sort.column}`;
      const key = sort.numeric || type === 'number' ? this.num({ sql: col, type }) : this.d.textOrderKey(col);
      keys.push(`${key}${sort.desc ? ' DESC' : ''}${this.d.nullsOrder(sort.desc)}`);
    }
    if (grouped) {
      // recorded (rep-corners, having_range): groups equal in the sort key come in the order of
      // their first records (the order MySQL filled its temporary table), not of their values
      if (this.q.order.length) keys.push('q.g0');
      this.q.select.forEach((e, i) => {
        if (containsAggregate(e)) return;
        const type = this.resultTypes[i];
        keys.push(`${type === 'number' ? `q.c${i}` : this.d.textOrderKey(`q.c${i}`)}${this.d.nullsOrder(false)}`);
      });
    } else {
      this.q.tieTables.forEach((_, i) => keys.push(`q.k${i}${this.d.nullsOrder(false)}`));
    }
    const values = this.q.select.map((_, i) => `q.c${i}`).join(', ');
    return `SELECT ${values} FROM (${inner}) q${having}${keys.length ? ` ORDER BY ${keys.join(', ')}` : ''}${limitOffset(this.q.limit, this.q.offset)}`;
  }

  countStatement(): string {
    const inner = this.inner(false);
    return `SELECT COUNT(*) AS n FROM (${inner}) q${this.having()}`;
  }
}

const MAX_LIMIT = 2147483647;

function limitOffset(limit: number | undefined, offset: number | undefined): string {
  const clamp = (n: number) => intLiteral(Math.min(Math.max(Math.floor(n), 0), MAX_LIMIT));
  const hasLimit = limit !== undefined && Number.isFinite(limit);
  const hasOffset = offset !== undefined && Number.isFinite(offset) && offset > 0;
  if (!hasLimit && !hasOffset) return '';
  return ` LIMIT ${hasLimit ? clamp(limit) : MAX_LIMIT}${hasOffset ? ` OFFSET ${clamp(offset)}` : ''}`;
}

/** the statement that reads a report's rows; its parameters are collected in `p` */
export function reportRowsSql(d: Dialect, table: string, query: ReportQuery, p: Params): string {
  return new ReportCompiler(d, table, query, p).rowsStatement();
}

/** the statement that counts a report's rows (no limit); its parameters are collected in `p` */
export function reportCountSql(d: Dialect, table: string, query: ReportQuery, p: Params): string {
  return new ReportCompiler(d, table, query, p).countStatement();
}
