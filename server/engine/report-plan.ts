/**
 * From a report definition and the request to a ReportQuery for the store:
 * - the tables: the main table (whose records make the rows) and the tables joined to it along
 *   reference and subordinate links, found automatically between the columns' sources;
 * - each column's value: its source's field, its formula (parsed, report-formula.ts) and its
 *   function; an aggregate function groups by the other columns;
 * - filters: the request's FR_/TO_ (by column name or id) or else the column's stored ones,
 *   WHERE (the report's and the request's) and HAVING through the formula grammar;
 * - order (request ORDER, else the columns' sort priorities) and limit (a request LIMIT never
 *   goes past the stored one).
 */
import type { ReportExpr, ReportFunction, ReportLink, ReportQuery, ReportSort, ReportTable } from '../storage/types.js';
import { containsAggregate, nestsAggregates, usesRowValueOutsideAggregate } from '../storage/report-expr.js';
import type { RequestContext } from './context.js';
import type { ReportColumnDef, ReportDef, ReportFromDef } from './report-model.js';
import { FormulaError, isBareName, parseFormula, type FormulaNode } from './report-formula.js';
import { COLUMN_BY_ID } from './report-select.js';
import type { SubReports } from './report-sub.js';
import { firstLevel } from './access.js';
import { builtIn, formatVal } from './format.js';
import { portableRegexpProblem } from './regexp-subset.js';
import { BASE_NAMES } from './meta.js';
import { isNumeric, toFloat, toInt } from './php.js';

/** A report that uses something not built (a PHP-side function): 501 with this message. */
export class ReportUnsupported extends Error {}

/**
 * The columns' tables are not linked: a column's table is joined only through a direct link
 * (a reference, a subordinate table, the parent of a subordinate table) from a table already
 * joined. The engine answers this as a text (`<report>: Невозможно связать колонки отчета.`).
 */
export class ReportLinkError extends Error {}

export interface PlannedColumn {
  def: ReportColumnDef;
  /** JSON_KV key, FR_/TO_ name */
  key: string;
  /** base name the values are shown by */
  format: string;
  /** 1 writable; null (no `granted` key) for a column the user may only read, and a calculated one (recorded in rep-grants) */
  granted: 1 | null;
  /** target table of a reference column */
  refTarget: number | null;
  /** abn_ROWNUM: the row's number instead of a value */
  rowNumber: boolean;
  /** abn_URL: what the engine fetched from the report's URL; ours never fetches (URL_REFUSED) */
  urlFetch: boolean;
}

/**
 * The value of an abn_URL column (a deliberate difference, docs/compatibility.md "Security"): the
 * engine fetches the report's URL from the server (any address but `localhost`), ours never does.
 */
export const URL_REFUSED = 'URL-отчёт не выполняется: сервер не обращается по адресам из отчётов / URL reports are disabled: the server fetches no address';

export interface ReportPlan {
  columns: PlannedColumn[];
  query: ReportQuery;
  /** a formula or filter the grammar refuses: the answer carries it as data, like the engine's SQL errors */
  error: string | null;
  /**
   * a run of a report with "Set" (132): the query's select holds, after the columns (from `first`),
   * per target the cell's id (NULL when it has none; for a reference, the id of the record it points
   * to) and the value to store, then the record id of each target's table
   * (`owner` counts them in that order)
   */
  writeBack?: { first: number; targets: SetTarget[] };
}

/** bases a "Set" may write into a cell: the value is stored as `_m_set` reads it (format.ts formatVal) */
const WRITABLE_BASES = new Set(['SHORT', 'CHARS', 'MEMO', 'NUMBER', 'SIGNED', 'DATE']);

/** a cell a confirmed "Set" writes: a scalar cell (stored by its base) or a reference cell (to a record of `target`), of the record of `owner` */
export type SetTarget =
  | { kind: 'cell'; column: number; reqId: number; base: string; owner: number; shown: boolean }
  | { kind: 'ref'; column: number; reqId: number; target: number; owner: number; shown: boolean };

/** how a run treats the report's "Set" columns: not at all (sub-reports), selected (a preview), or to be written */
export type SetMode = 'none' | 'preview' | 'confirmed';

const AGGREGATES = new Set(['SUM', 'COUNT', 'AVG', 'MIN', 'MAX', 'GROUP_CONCAT']);
const ROW_FUNCTIONS = new Set([
  'ROUND', 'MONTH', 'YEAR', 'DAY', 'LOWER', 'UPPER', 'LENGTH', 'ABS', 'COALESCE',
  'CONCAT', 'CONCAT_WS', 'IF', 'LEFT', 'RIGHT', 'REPLACE', 'TRIM', 'FLOOR', 'CEILING',
  'NULLIF', 'MOD', 'GREATEST', 'LEAST',
]);
/** how many arguments each function takes (the store compiles no other count) */
const ARITY: Record<string, [number, number]> = {
  ROUND: [1, 2], COALESCE: [1, 16], IFNULL: [2, 2], CONCAT: [1, 64], CONCAT_WS: [2, 64], IF: [3, 3], LEFT: [2, 2], RIGHT: [2, 2], REPLACE: [3, 3],
  NULLIF: [2, 2], MOD: [2, 2], GREATEST: [2, 16], LEAST: [2, 16],
};
/** other names MySQL gives the same functions */
const FUNCTION_SYNONYMS: Record<string, ReportFunction> = { IFNULL: 'COALESCE', CEIL: 'CEILING', CHAR_LENGTH: 'LENGTH' };
/** abn_* functions that read a part of the value's row */
const ROW_PARTS: Record<string, 'id' | 'up' | 't' | 'ord'> = { ABN_ID: 'id', ABN_UP: 'up', ABN_TYP: 't', ABN_ORD: 'ord' };
const NUMERIC_BASES = new Set(['NUMBER', 'SIGNED']);

/** functions whose value is text: MySQL compares them with a quoted value as text */
const TEXT_FUNCTIONS = new Set<ReportFunction>(['CONCAT', 'CONCAT_WS', 'LEFT', 'RIGHT', 'REPLACE', 'TRIM', 'LOWER', 'UPPER', 'GROUP_CONCAT']);

/**
 * Is a calculated column's value text for a filter? The engine puts a filter's value in quotes, so
 * MySQL compares a stored value or a text function's result with it as text (recorded, rep-select:
 * the formula `amt` with `>60` finds neither 100.00 nor 300.00), a computed number as a number.
 */
function textValued(expr: ReportExpr): boolean {
  if (expr.kind === 'record') return expr.part === 'val';
  if (expr.kind === 'cell') return expr.part === undefined || expr.part === 'val';
  if (expr.kind === 'text') return true;
  return expr.kind === 'call' && TEXT_FUNCTIONS.has(expr.fn);
}

/**
 * The items of a filter's `IN(…)` as the engine's validateInList reads them: split at commas outside
 * quotes; a quoted item is that text ('' a quote), a number a number, anything else that text; null
 * when the list is empty.
 */
function inListItems(text: string): ReportExpr[] | null {
  if (text.trim() === '') return null;
  const raw: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "'" && quoted && text[i + 1] === "'") {
      current += "''";
      i++;
    } else if (ch === "'") {
      quoted = !quoted;
      current += ch;
    } else if (ch === ',' && !quoted) {
      raw.push(current.trim());
      current = '';
    } else current += ch;
  }
  raw.push(current.trim());
  return raw.map((item): ReportExpr => {
    if (/^'.*'$/s.test(item)) return { kind: 'text', value: item.slice(1, -1).replace(/''/g, "'") };
    return isNumeric(item) ? { kind: 'number', value: toFloat(item) } : { kind: 'text', value: item };
  });
}

/** where a column's value comes from, before tables get their indexes */
type SourceKind =
  | { kind: 'calculated' }
  | { kind: 'table'; table: number }
  | { kind: 'cell'; owner: number; reqId: number }
  | { kind: 'ref'; owner: number; reqId: number; target: number }
  | { kind: 'child'; owner: number; reqId: number; child: number };

interface Edge {
  link: ReportLink;
  typeId: number;
}

/** a JOIN ON names a table or cell not joined yet: the column waits for the next pass */
class NotJoinedYet extends Error {}

/** the engine's names of tables in a JOIN ON: `a<key>.<part>` */
const JOIN_REF = /^a(.+)\.(id|up|t|val|ord)$/i;

class TableSet {
  readonly tables: ReportTable[] = [];
  private readonly byKey = new Map<string, number>();
  /** the tables by the engine's keys: the main table by its id, a FROM record's table by its alias or id */
  readonly named = new Map<string, number>();
  /** tables joined by a FROM record: never found by type, only by their key */
  private readonly fromTables = new Set<number>();

  /** null: no table at all (a report of calculated columns only) */
  constructor(main: number | null) {
    if (main === null) return;
    this.tables.push({ typeId: main });
    this.byKey.set('main', 0);
    this.named.set(String(main), 0);
  }

  joinOn(key: string, typeId: number, cond: ReportExpr): number {
    this.tables.push({ typeId, from: { table: 0, link: { kind: 'on', cond } } });
    const index = this.tables.length - 1;
    this.named.set(key, index);
    this.fromTables.add(index);
    return index;
  }

  join(from: number, edge: Edge): number {
    const key = `${from}:${edge.link.kind}:${edge.link.kind === 'ref' ? edge.link.reqId : edge.typeId}`;
    const known = this.byKey.get(key);
    if (known !== undefined) return known;
    this.tables.push({ typeId: edge.typeId, from: { table: from, link: edge.link } });
    this.byKey.set(key, this.tables.length - 1);
    return this.tables.length - 1;
  }

  /** the first table of this type, in join order */
  find(typeId: number): number | undefined {
    const i = this.tables.findIndex((t, index) => t.typeId === typeId && !this.fromTables.has(index));
    return i < 0 ? undefined : i;
  }

  /** tables from `index` back to the main one (index first) */
  pathToMain(index: number): number[] {
    const out: number[] = [];
    for (let i: number | undefined = index; i !== undefined; i = this.tables[i].from?.table) out.push(i);
    return out;
  }
}

class Planner {
  private readonly sources: SourceKind[];
  private tables!: TableSet;
  /** each column's field (its source's value); null for calculated */
  private fields: (ReportExpr | null)[] = [];
  /** each column's table (an index of `tables`), -1 for calculated */
  private ownerIndex: number[] = [];
  /** FROM records' JOIN ON, parsed once */
  private readonly parsedOn = new Map<number, FormulaNode>();
  private readonly rowExprs = new Map<number, ReportExpr>();
  private readonly resolving = new Set<number>();
  readonly columns: PlannedColumn[];
  /** columns whose source the user may not read: NULL in the query, never shown, not filterable */
  private readonly unreadable: boolean[];

  constructor(private readonly ctx: RequestContext, private readonly def: ReportDef, private readonly subs: SubReports = new Map()) {
    this.sources = def.columns.map((c) => this.sourceOf(c.source));
    this.columns = def.columns.map((c, i) => this.describe(c, this.sources[i]));
    this.unreadable = this.sources.map((s) => !this.readable(s));
  }

  private get meta() {
    return this.ctx.meta;
  }

  private sourceOf(source: number): SourceKind {
    if (source === 0) return { kind: 'calculated' };
    const row = this.meta.get(source);
    if (row && row.up === 0) return { kind: 'table', table: source };
    const req = this.meta.req(source);
    if (!req) throw new ReportUnsupported(`Колонка отчёта ссылается на неизвестный объект ${source}`);
    if (req.refTarget !== null && req.refTarget !== 1) return { kind: 'ref', owner: req.up, reqId: req.id, target: req.refTarget };
    if (req.arrType !== null) return { kind: 'child', owner: req.up, reqId: req.id, child: req.arrType };
    return { kind: 'cell', owner: req.up, reqId: req.id };
  }

  private describe(def: ReportColumnDef, source: SourceKind): PlannedColumn {
    let base = 'SHORT';
    let granted: 1 | null = null;
    let refTarget: number | null = null;
    const grants = this.ctx.session!.grants;
    const level = (table: number) => firstLevel(this.ctx, table);
    switch (source.kind) {
      case 'calculated':
        break;
      case 'table':
        base = this.meta.baseName(source.table);
        granted = level(source.table) === 'WRITE' ? 1 : null;
        break;
      case 'cell': {
        const req = this.meta.req(source.reqId)!;
        base = BASE_NAMES[req.base ?? 0] ?? 'SHORT';
        // recorded (rep-corners): the engine gives no `granted` for a cell of a subordinate table
        if (!this.subordinate(source.owner)) granted = level(source.owner) === 'WRITE' && grants.levels.get(String(req.id)) !== 'READ' ? 1 : null;
        break;
      }
      case 'ref':
        base = this.meta.baseName(source.target);
        refTarget = source.target;
        if (!this.subordinate(source.owner)) granted = level(source.owner) === 'WRITE' && grants.levels.get(String(source.reqId)) !== 'READ' ? 1 : null;
        break;
      case 'child':
        base = this.meta.baseName(source.child);
        granted = level(source.child) === 'WRITE' ? 1 : null;
        break;
    }
    const fn = def.fn.toUpperCase();
    let format = def.format !== '' ? def.format : base;
    if (def.format === '' && (fn in ROW_PARTS || fn === 'ABN_ROWNUM')) format = 'NUMBER';
    return {
      def,
      key: def.dynamic ?? (def.name !== '' ? def.name : String(def.id)),
      format,
      granted,
      refTarget,
      rowNumber: fn === 'ABN_ROWNUM',
      urlFetch: fn === 'ABN_URL',
    };
  }

  /** may the user read this column's source (the table, and the requisite not BARRED) */
  private readable(source: SourceKind): boolean {
    const grants = this.ctx.session!.grants;
    switch (source.kind) {
      case 'calculated': return true;
      case 'table': return firstLevel(this.ctx, source.table) !== null;
      case 'child': return firstLevel(this.ctx, source.child) !== null;
      default: return firstLevel(this.ctx, source.owner) !== null && grants.levels.get(String(source.reqId)) !== 'BARRED';
    }
  }

  /** is this table some table's subordinate table (a column of another table) */
  private subordinate(typeId: number): boolean {
    const all = this.meta.memo('report:subordinateTables', () => {
      const out = new Set<number>();
      for (const up of this.meta.children.keys()) {
        if (this.meta.get(up)?.up !== 0) continue;
        for (const req of this.meta.reqsOf(up)) if (req.arrType !== null && (req.refTarget === null || req.refTarget === 1)) out.add(req.arrType);
      }
      return out;
    });
    return all.has(typeId);
  }

  /** a direct link from table `from` to table `to`: a reference of `from`, `to` subordinate to `from`, or `from` subordinate to `to` */
  private directEdge(from: number, to: number): Edge | null {
    for (const req of this.meta.reqsOf(from)) {
      if (req.refTarget !== null && req.refTarget !== 1) {
        if (req.refTarget === to) return { link: { kind: 'ref', reqId: req.id }, typeId: to };
      } else if (req.arrType === to) return { link: { kind: 'child' }, typeId: to };
    }
    const parentOf = this.meta.reqsOf(to).some((req) => (req.refTarget === null || req.refTarget === 1) && req.arrType === from);
    return parentOf ? { link: { kind: 'parent' }, typeId: to } : null;
  }

  /** joins `typeId` through a direct link from a table already joined; its index, or null if there is none */
  private reach(typeId: number): number | null {
    const known = this.tables.find(typeId);
    if (known !== undefined) return known;
    for (let i = 0; i < this.tables.tables.length; i++) {
      const edge = this.directEdge(this.tables.tables[i].typeId, typeId);
      if (edge) return this.tables.join(i, edge);
    }
    return null;
  }

  private ownerTable(source: SourceKind): number | null {
    switch (source.kind) {
      case 'calculated': return null;
      case 'table': return source.table;
      default: return source.owner;
    }
  }

  /**
   * The main table is the first column's table (recorded, rep-from: a FROM record does not change
   * it); each other column's table is joined through a direct link from a column's table joined
   * before it, in as many passes as that takes. Recorded (rep-corners, `by_country2`): the engine
   * infers no table between them, and a reference column's target does not count (Order → Client
   * by a reference column and a column of City does not link City through Client). A column
   * following a FROM record with a JOIN ON is joined by that condition instead (placeColumn).
   */
  private chooseTables(): void {
    const owners = this.sources.map((s) => this.ownerTable(s));
    const main = owners.find((t): t is number => t !== null);
    // recorded (rep-sub, half): calculated columns only make one row (the engine's `FROM dual`)
    this.tables = new TableSet(main ?? null);
    this.ownerIndex = owners.map(() => -1);
    let pending = owners.map((_, i) => i).filter((i) => owners[i] !== null);
    for (;;) {
      const next = pending.filter((i) => {
        const at = this.placeColumn(i, owners[i]!);
        if (at === null) return true;
        this.ownerIndex[i] = at;
        return false;
      });
      if (next.length === 0) return;
      if (next.length === pending.length) throw new ReportLinkError(`${this.def.name}: Невозможно связать колонки отчета.`);
      pending = next;
    }
  }

  /** the FROM record a column of `table` follows: the last one of that table with no alias or the column's alias */
  private fromOf(index: number, table: number): ReportFromDef | undefined {
    const alias = this.def.columns[index].alias.trim();
    return this.def.from.filter((f) => f.table === table && (f.alias === '' || f.alias === alias)).at(-1);
  }

  /** the table index of column `index` (of table `table`), or null when it cannot be joined yet */
  private placeColumn(index: number, table: number): number | null {
    const from = this.fromOf(index, table);
    if (from && from.joinOn.trim() !== '') {
      const key = from.alias !== '' ? from.alias : String(table);
      return this.tables.named.get(key) ?? this.joinFrom(from, key, table);
    }
    // recorded (rep-from, nojoin): a FROM record without JOIN ON joins nothing and keeps its table
    // from being joined along links; so does a column's own alias (58) the engine finds no FROM for
    if (from || this.def.columns[index].alias.trim() !== '') return this.tables.find(table) ?? null;
    return this.reach(table);
  }

  /**
   * Joins a FROM record's table by its JOIN ON, parsed by the formula grammar (never pasted):
   * `a<key>.<part>` names the table itself (its alias or id), an earlier table (the main table's
   * id, a joined table's id, another FROM record's key), or a cell (`a<column id>` of a table
   * joined along links, `a<key><column id>` of a FROM record's table); parts id, up, t, val, ord.
   * Null while a name it needs is not joined yet.
   */
  private joinFrom(from: ReportFromDef, key: string, table: number): number | null {
    const label = `JOIN ON ${from.alias !== '' ? from.alias : this.meta.get(table)?.val ?? table}`;
    try {
      let node = this.parsedOn.get(from.id);
      if (!node) {
        node = parseFormula(from.joinOn);
        this.parsedOn.set(from.id, node);
      }
      const self = this.tables.tables.length;
      const cond = this.toExpr(node, { thisField: null, column: label, names: (name) => this.joinRef(name, key, self) });
      if (containsAggregate(cond)) throw new FormulaError('агрегатная функция недопустима');
      return this.tables.joinOn(key, table, cond);
    } catch (err) {
      if (err instanceof NotJoinedYet) return null;
      if (err instanceof FormulaError) throw new FormulaError(`${label}: ${err.message}`);
      throw err;
    }
  }

  /** a name of a JOIN ON as a record part or a cell; null for a name that is none (an error) */
  private joinRef(name: string, selfKey: string, self: number): ReportExpr | null {
    const m = JOIN_REF.exec(name);
    if (!m) return null;
    const key = m[1];
    const part = m[2].toLowerCase() as 'id' | 'up' | 't' | 'val' | 'ord';
    const cell = (table: number, reqId: number): ReportExpr => (part === 'val' ? { kind: 'cell', table, reqId } : { kind: 'cell', table, reqId, part });
    if (key === selfKey) return { kind: 'record', table: self, part };
    const named = this.tables.named.get(key) ?? (/^\d+$/.test(key) ? this.tables.find(toInt(key)) : undefined);
    if (named !== undefined) return { kind: 'record', table: named, part };
    // a cell of a FROM record's table: its key, then the column id
    for (const [k, at] of this.tables.named) {
      if (at === 0 || !key.startsWith(k) || !/^\d+$/.test(key.slice(k.length))) continue;
      const req = this.meta.req(toInt(key.slice(k.length)));
      if (req && req.up === this.tables.tables[at].typeId) return cell(at, req.id);
    }
    if (/^\d+$/.test(key)) {
      const id = toInt(key);
      const req = this.meta.req(id);
      if (req && this.meta.get(req.up)?.up === 0) {
        const owner = this.tables.find(req.up);
        if (owner === undefined) throw new NotJoinedYet();
        return cell(owner, req.id);
      }
      if (this.meta.get(id)?.up === 0) throw new NotJoinedYet();
    }
    // the key of another FROM record (or a cell of its table) not joined yet
    if (this.def.from.some((f) => f.table !== null && key.startsWith(f.alias !== '' ? f.alias : String(f.table)))) throw new NotJoinedYet();
    return null;
  }

  private fieldOf(source: SourceKind, index: number): ReportExpr | null {
    const owner = this.ownerIndex[index];
    switch (source.kind) {
      case 'calculated': return null;
      case 'table': return { kind: 'record', table: owner, part: 'val' };
      case 'cell': return { kind: 'cell', table: owner, reqId: source.reqId };
      case 'ref': {
        return { kind: 'record', table: this.tables.join(owner, { link: { kind: 'ref', reqId: source.reqId }, typeId: source.target }), part: 'val' };
      }
      case 'child': {
        // recorded (rep-corners): the subordinate table is joined (a row per record of it), but the
        // value is the parent's cell of that column, which no record has: always empty
        this.tables.join(owner, { link: { kind: 'child' }, typeId: source.child });
        return { kind: 'cell', table: owner, reqId: source.reqId };
      }
    }
  }

  /** a column by a name in a formula: a real column's alias formula first, then the column names */
  private columnByName(name: string): number | undefined {
    if (name.startsWith(COLUMN_BY_ID)) {
      // `:<id>:` of a formula the request's SELECT added (report-select.ts)
      const byId = this.def.columns.findIndex((c, i) => !this.unreadable[i] && String(c.id) === name.slice(COLUMN_BY_ID.length));
      return byId >= 0 ? byId : undefined;
    }
    const lower = name.toLowerCase();
    // a column the user may not read is not there for formulas either (no filtering on it)
    const usable = (i: number) => !this.unreadable[i];
    const byAlias = this.def.columns.findIndex((c, i) => usable(i) && c.source !== 0 && isBareName(c.formula) && c.formula.trim().toLowerCase() === lower);
    if (byAlias >= 0) return byAlias;
    const byName = this.def.columns.findIndex((c, i) => usable(i) && (c.name.toLowerCase() === lower || c.alias.toLowerCase() === lower));
    return byName >= 0 ? byName : undefined;
  }

  /** a column's value on each joined row, before any aggregate function */
  rowExpr(index: number): ReportExpr {
    const cached = this.rowExprs.get(index);
    if (cached) return cached;
    const def = this.def.columns[index];
    if (this.resolving.has(index)) throw new FormulaError(`колонка ${this.columns[index].key} ссылается сама на себя`);
    this.resolving.add(index);
    try {
      const field = this.fields[index];
      let expr: ReportExpr;
      if (def.formula.trim() === '' || (field !== null && isBareName(def.formula))) {
        if (field === null) throw new FormulaError(`у вычисляемой колонки ${this.columns[index].key} нет формулы`);
        expr = field;
      } else {
        // recorded (reports, rep_concat): the engine also uses a formula of a column with a source as
        // a regular expression between slashes, and one with a slash in it breaks its query
        if (field !== null && def.formula.includes('/')) throw new FormulaError(`формула колонки ${this.columns[index].key}: «/» в формуле колонки с источником движок не выполняет`);
        let node: FormulaNode;
        try {
          node = parseFormula(def.formula);
        } catch (err) {
          if (err instanceof FormulaError) throw new FormulaError(`формула колонки ${this.columns[index].key}: ${err.message}`);
          throw err;
        }
        expr = this.toExpr(node, { thisField: field, column: this.columns[index].key, names: (name) => this.rowExprByName(name) });
      }
      this.rowExprs.set(index, expr);
      return expr;
    } finally {
      this.resolving.delete(index);
    }
  }

  private rowExprByName(name: string): ReportExpr | null {
    const index = this.columnByName(name);
    return index === undefined ? null : this.rowExpr(index);
  }

  /** the column's value in a result row: the row value through its function */
  private selectExpr(index: number): ReportExpr {
    const def = this.def.columns[index];
    const row = this.rowExpr(index);
    const fn = def.fn.toUpperCase();
    if (fn === '' || fn === 'ABN_ROWNUM' || fn === 'ABN_URL') return row;
    // MIN/MAX of a number column compare numbers, not the stored text ('120.50' < '60.00')
    const numericMinMax = (fn === 'MIN' || fn === 'MAX') && NUMERIC_BASES.has(this.baseOfSource(index));
    const arg: ReportExpr = numericMinMax ? { kind: 'binary', op: '+', left: row, right: { kind: 'number', value: 0 } } : row;
    if (AGGREGATES.has(fn) || ROW_FUNCTIONS.has(fn)) return { kind: 'call', fn: fn as ReportFunction, args: [arg] };
    const part = ROW_PARTS[fn];
    if (part !== undefined && (row.kind === 'record' || row.kind === 'cell')) return { ...row, part };
    if (def.fnFromRequest) throw new FormulaError(`SELECT: неизвестная функция «${def.fn}» (колонка ${this.columns[index].key})`);
    throw new ReportUnsupported(`Функция ${def.fn} в отчётах не поддерживается (колонка ${this.columns[index].key})`);
  }

  /**
   * A quoted text of a formula or WHERE with the engine's placeholders filled in: `_request_.<name>`
   * by the request's value, `[TODAY]` and the other built-ins by theirs. The engine pastes them into
   * its SQL; here they only ever become a parameter's value.
   */
  private literalText(text: string): string {
    const env = this.ctx.formatEnv();
    return text
      .replace(/_request_\.([0-9a-zA-Z_]+)/g, (whole, name: string) => (this.ctx.has(name) ? this.ctx.str(name) : whole))
      .replace(/\[[0-9a-zA-Z_]+\]/g, (whole) => builtIn(whole, env));
  }

  /** a parsed formula as a store expression */
  toExpr(node: FormulaNode, scope: { thisField: ReportExpr | null; column: string; names: (name: string) => ReportExpr | null }): ReportExpr {
    const go = (n: FormulaNode): ReportExpr => this.toExpr(n, scope);
    switch (node.kind) {
      case 'number': return { kind: 'number', value: node.value };
      case 'text': {
        // recorded (rep-sub): '[name]' in quotes is the sub-report too
        const quoted = /^\[([^[\]]+)\]$/.exec(node.value);
        if (quoted && this.subs.has(quoted[1])) return this.subReportValue(quoted[1]);
        return { kind: 'text', value: this.literalText(node.value) };
      }
      case 'report': {
        if (this.subs.has(node.name)) return this.subReportValue(node.name);
        const builtin = this.literalText(`[${node.name}]`);
        if (builtin !== `[${node.name}]`) return { kind: 'text', value: builtin };
        throw new FormulaError(`нет отчёта [${node.name}]`);
      }
      case 'null': return { kind: 'null' };
      case 'this':
        if (scope.thisField === null) throw new FormulaError(`[THIS] в колонке ${scope.column} без источника`);
        return scope.thisField;
      case 'star': throw new FormulaError('«*» допустим только в COUNT(*)');
      case 'name': {
        const expr = scope.names(node.name);
        if (!expr) throw new FormulaError(`неизвестное имя «${node.name}»`);
        return expr;
      }
      case 'neg': case 'not': return { kind: node.kind, arg: go(node.arg) };
      case 'binary': return { kind: 'binary', op: node.op, left: go(node.left), right: go(node.right) };
      case 'like': return { kind: 'like', arg: go(node.arg), pattern: go(node.pattern), negate: node.negate };
      case 'in': {
        // IN ([name]): every value of the sub-report
        const only = node.list.length === 1 ? node.list[0] : null;
        const list = only?.kind === 'report' && this.subs.has(only.name) ? this.subReportValues(only.name) : node.list.map(go);
        return { kind: 'in', arg: go(node.arg), list, negate: node.negate };
      }
      case 'isNull': return { kind: 'isNull', arg: go(node.arg), negate: node.negate };
      case 'between': return { kind: 'between', arg: go(node.arg), low: go(node.low), high: go(node.high), negate: node.negate };
      case 'call': {
        const named = node.name.toUpperCase();
        const fn = FUNCTION_SYNONYMS[named] ?? named;
        if (fn === 'COUNT' && node.args.length === 1 && node.args[0].kind === 'star') return { kind: 'countAll' };
        if (AGGREGATES.has(fn) || ROW_FUNCTIONS.has(fn)) {
          const [min, max] = ARITY[named] ?? ARITY[fn] ?? [1, 1];
          if (node.args.length < min || node.args.length > max) {
            throw new FormulaError(`${node.name}: ${min === max ? min : `${min}–${max}`} ${max === 1 ? 'аргумент' : 'аргумента'}, а не ${node.args.length}`);
          }
          return { kind: 'call', fn: fn as ReportFunction, args: node.args.map(go) };
        }
        const part = ROW_PARTS[fn];
        if (part !== undefined && node.args.length === 1) {
          const arg = go(node.args[0]);
          if (arg.kind === 'record' || arg.kind === 'cell') return { ...arg, part };
          throw new FormulaError(`${node.name} нужна колонка, а не выражение`);
        }
        throw new FormulaError(`неизвестная функция ${node.name}`);
      }
    }
  }

  /** all values of a sub-report, as literals */
  private subReportValues(name: string): ReportExpr[] {
    const sub = this.subs.get(name);
    if (!sub) throw new FormulaError(`нет отчёта [${name}]`);
    if ('error' in sub) throw new FormulaError(sub.error);
    return sub.values.map((v): ReportExpr => (v === null ? { kind: 'null' } : typeof v === 'number' ? { kind: 'number', value: v } : { kind: 'text', value: v }));
  }

  /** the one value of a sub-report where a value stands: NULL when it has no row (recorded: rep-sub) */
  private subReportValue(name: string): ReportExpr {
    const values = this.subReportValues(name);
    // recorded (rep-sub, many_rows): the engine's MySQL refuses a subquery of several rows
    if (values.length > 1) throw new FormulaError(`подотчёт [${name}] возвращает больше одной строки`);
    return values[0] ?? { kind: 'null' };
  }

  /**
   * A filter value that is a sub-report (`[name]`, with or without a comparison in front): the
   * recorded engine compares for equality whatever the comparison (rep-sub: `>[half]` finds the
   * value equal to it), `!` for inequality; null when the value names no sub-report.
   */
  private subReportFilter(raw: string, target: ReportExpr, numeric: boolean): ReportExpr | null {
    const m = /^\s*(!|[<>]=?)?\s*\[([^[\]]+)\]\s*$/.exec(raw);
    if (!m || !this.subs.has(m[2])) {
      const named = [...raw.matchAll(/\[([^[\]]+)\]/g)].find((x) => this.subs.has(x[1]));
      if (named) throw new FormulaError(`фильтр «${raw}»: подотчёт в фильтре может быть только значением целиком`);
      return null;
    }
    let value = this.subReportValue(m[2]);
    // on a number or date column a numeric value compares as a number, whatever type the store gave it
    if (numeric && value.kind === 'text' && isNumeric(value.value)) value = { kind: 'number', value: toFloat(value.value) };
    return { kind: 'binary', op: m[1] === '!' ? '<>' : '=', left: target, right: value };
  }

  // ---- filters ----------------------------------------------------------------

  /**
   * The engine's other forms of a filter value (recorded: rep-filters), `!` in front negating them
   * (then rows without a value match too): `%` (has a value), `IN(a,'b',…)`, `@<id>` and
   * `@IN(<ids>)` (the record's id: the referenced record's for a reference), `a..b` on a number
   * column (between). Null when the value is none of these.
   */
  private filterForm(index: number, raw: string, target: ReportExpr): ReportExpr | null {
    const negate = raw.startsWith('!');
    const value = negate ? raw.slice(1) : raw;
    const trimmed = value.trim();
    const negated = (cond: ReportExpr): ReportExpr => (negate ? { kind: 'binary', op: 'OR', left: { kind: 'isNull', arg: target, negate: false }, right: { kind: 'not', arg: cond } } : cond);
    if (value === '%') return { kind: 'isNull', arg: target, negate: !negate };
    // the engine hands the pattern to MySQL's REGEXP (case-insensitive; `!` keeps rows without a value)
    // on a text column; ours only a pattern both stores read alike (regexp-subset.ts), else the report
    // error naming it. On a number or date column the engine compares the text as it is (falls through).
    if (/^REGEXP:/i.test(trimmed) && !this.numberOrDate(index)) {
      const pattern = trimmed.slice(7);
      const problem = portableRegexpProblem(pattern);
      if (problem !== null) throw new FormulaError(`фильтр «${raw}» (колонка ${this.columns[index].key}): регулярное выражение вне поддерживаемого подмножества: ${problem}`);
      return negated({ kind: 'regexp', arg: target, pattern, negate: false });
    }
    const idOf = (): ReportExpr => {
      if (target.kind !== 'record' && target.kind !== 'cell') throw new FormulaError(`фильтр «${raw}»: поиск по id только в колонке с источником`);
      return { ...target, part: 'id' };
    };
    if (/^@IN\(.*\)$/i.test(trimmed)) {
      const ids = trimmed.slice(4, -1).split(',');
      // the engine refuses anything but numbers here
      if (ids.some((x) => !isNumeric(x))) this.ctx.myDie('Недопустимы нечисловые ID');
      const id = idOf();
      return negated({ kind: 'in', arg: id, list: ids.map((x) => ({ kind: 'number', value: toFloat(x) })), negate: false });
    }
    if (value.startsWith('@')) {
      const id = idOf();
      return negated({ kind: 'binary', op: '=', left: id, right: { kind: 'number', value: toInt(value.slice(1).replace(/ /g, '')) } });
    }
    if (/^IN\(.*\)$/i.test(trimmed)) {
      const items = inListItems(trimmed.slice(3, -1));
      if (items) return negated({ kind: 'in', arg: target, list: items, negate: false });
    }
    const range = /^(.+?)\.\.(.+)$/.exec(value);
    const base = this.columns[index].def.source === 0 ? '' : this.baseOfSource(index);
    if (range && NUMERIC_BASES.has(base) && isNumeric(range[1].replace(/ /g, '')) && isNumeric(range[2].replace(/ /g, ''))) {
      const [low, high] = [range[1], range[2]].map((x): ReportExpr => ({ kind: 'number', value: toFloat(x.replace(/ /g, '')) }));
      return { kind: 'between', arg: target, low, high, negate: false };
    }
    return null;
  }

  /**
   * one bound of a FR_/TO_ filter (or of a function-result filter, on `target`); `plain` is the
   * operator of a value without one
   */
  private bound(index: number, raw: string, plain: '=' | '>=' | '<=', target: ReportExpr = this.rowExpr(index)): ReportExpr {
    const column = this.columns[index];
    const sub = this.subReportFilter(raw, target, column.def.source === 0 ? !textValued(target) : NUMERIC_BASES.has(this.baseOfSource(index)) || this.baseOfSource(index) === 'DATE');
    if (sub) return sub;
    const form = this.filterForm(index, raw, target);
    if (form) return form;
    let value = raw;
    let negate = false;
    let op: '=' | '<>' | '<' | '<=' | '>' | '>=' = plain;
    const trimmed = value.trimStart();
    const prefix = ['>=', '<=', '<>', '!=', '>', '<', '='].find((o) => trimmed.startsWith(o));
    if (prefix) {
      op = prefix === '!=' ? '<>' : (prefix as typeof op);
      value = trimmed.slice(prefix.length).trim();
    } else if (value.startsWith('!')) {
      negate = true;
      value = value.slice(1);
    }
    // recorded (rep-builtin): a whole value `[USER]`, `[ROLE]`, `[TODAY]` … (after its comparison)
    // is the user's name, role, the date …, in stored filters and FR_/TO_ alike
    value = builtIn(value, this.ctx.formatEnv());
    const base = column.def.source === 0 ? (textValued(target) ? 'SHORT' : 'SIGNED') : this.baseOfSource(index);
    // recorded (rep-dates): a date is read as a date first, so neither `%` (2001% is a day of this
    // month) nor `a..b` (only the first date is left) survive it
    if (base === 'DATE' && value !== '') value = formatVal('DATE', value, { ...this.ctx.formatEnv(), warn: () => undefined });
    // recorded (rep-dates): a number column's value loses its spaces (`1 000`) when it reads as a number
    if (column.def.source !== 0 && NUMERIC_BASES.has(base)) {
      const squeezed = value.replace(/ /g, '');
      if (toFloat(squeezed) !== 0) value = squeezed;
    }
    if ((op === '=' || op === '<>') && value.includes('%')) {
      return { kind: 'like', arg: target, pattern: { kind: 'text', value }, negate: negate !== (op === '<>') };
    }
    const numeric = NUMERIC_BASES.has(base) || base === 'DATE';
    const literal: ReportExpr = numeric && isNumeric(value) ? { kind: 'number', value: toFloat(value) } : { kind: 'text', value };
    const cond: ReportExpr = { kind: 'binary', op, left: target, right: literal };
    // recorded (rep-corners, FR_qty=!1): a negated value keeps the rows without a value
    return negate ? { kind: 'binary', op: 'OR', left: { kind: 'isNull', arg: target, negate: false }, right: { kind: 'not', arg: cond } } : cond;
  }

  /** a column the engine filters as a number or a date (its Construct_WHERE's NUMBER/SIGNED/DATE/DATETIME) */
  private numberOrDate(index: number): boolean {
    if (this.columns[index].def.source === 0) return false;
    const base = this.baseOfSource(index);
    return NUMERIC_BASES.has(base) || base === 'DATE' || base === 'DATETIME';
  }

  private baseOfSource(index: number): string {
    const source = this.sources[index];
    switch (source.kind) {
      case 'calculated': return 'SIGNED';
      case 'table': return this.meta.baseName(source.table);
      case 'ref': return this.meta.baseName(source.target);
      case 'child': return this.meta.baseName(source.child);
      case 'cell': return BASE_NAMES[this.meta.req(source.reqId)?.base ?? 0] ?? 'SHORT';
    }
  }

  /** FR_/TO_ of the request for this column (by name, spaces as _, or by column id) */
  private requestFilter(index: number, prefix: 'FR_' | 'TO_'): string | undefined {
    const column = this.columns[index];
    // a column the request's SELECT added is filtered only by FR_<its position> (report-select.ts)
    if (column.def.dynamic !== undefined) return undefined;
    for (const key of [`${prefix}${column.key.replace(/ /g, '_')}`, `${prefix}${column.def.id}`]) {
      if (this.ctx.has(key)) return this.ctx.str(key);
    }
    return undefined;
  }

  /** the filters; equality filters on joined tables also return the tables that then lead the order */
  private filters(): { where: ReportExpr[]; leading: number[] } {
    const where: ReportExpr[] = [];
    let leading: number[] = [];
    this.def.columns.forEach((def, index) => {
      // no filter reveals anything about a column the user may not read
      if (this.unreadable[index]) return;
      const fromRequest = this.requestFilter(index, 'FR_');
      const toRequest = this.requestFilter(index, 'TO_');
      const byRequest = (fromRequest ?? '') !== '' || (toRequest ?? '') !== '';
      const from = byRequest ? (fromRequest ?? '') : def.filterFrom;
      // the engine keeps one condition when both bounds are the same text (a LIKE would find nothing)
      const to = byRequest ? (toRequest === fromRequest ? '' : toRequest ?? '') : def.filterTo === def.filterFrom ? '' : def.filterTo;
      if (from === '' && to === '') return;
      if (from !== '') where.push(this.bound(index, from, to !== '' ? '>=' : '='));
      // recorded (rep-corners): a bound alone, FR_ or TO_, is an exact match
      if (to !== '') where.push(this.bound(index, to, from !== '' ? '<=' : '='));
      // Recorded: MySQL starts an exact match on a joined table's value from that table, so the rows
      // come grouped by the records on the way to the main table. We order that way explicitly.
      const field = this.fields[index];
      const exact = from !== '' && to === '' && !/^[<>=!]/.test(from.trimStart()) && !from.includes('%');
      if (exact && field && field.kind === 'record' && field.table !== 0 && leading.length === 0) {
        leading = this.tables.pathToMain(field.table).slice(0, -1);
      }
    });
    return { where, leading };
  }

  /** the function-result filters (105/106): on the columns' result values, the engine's HAVING */
  private resultFilters(): ReportExpr[] {
    const having: ReportExpr[] = [];
    this.def.columns.forEach((def, index) => {
      if (this.unreadable[index] || (def.resultFrom === '' && def.resultTo === '')) return;
      const target: ReportExpr = { kind: 'result', column: index };
      if (def.resultFrom !== '') having.push(this.bound(index, def.resultFrom, def.resultTo !== '' ? '>=' : '=', target));
      if (def.resultTo !== '') having.push(this.bound(index, def.resultTo, def.resultFrom !== '' ? '<=' : '=', target));
    });
    return having;
  }

  private clause(name: string, text: string, names: (name: string) => ReportExpr | null): ReportExpr {
    try {
      return this.toExpr(parseFormula(text), { thisField: null, column: name, names });
    } catch (err) {
      if (err instanceof FormulaError) throw new FormulaError(`${name}: ${err.message}`);
      throw err;
    }
  }

  // ---- order and limit ----------------------------------------------------------

  private order(): ReportSort[] {
    const numeric = (index: number) => NUMERIC_BASES.has(this.columns[index].format) || AGGREGATES.has(this.def.columns[index].fn.toUpperCase());
    const requested = this.ctx.str('ORDER').trim();
    if (requested !== '') {
      const sorts: ReportSort[] = [];
      for (const part of requested.split(',')) {
        const text = part.trim();
        const desc = text.startsWith('-');
        const key = desc ? text.slice(1) : text;
        // recorded (rep-corners): the engine's ORDER names columns by id only, and of several
        // the last one named decides the order alone
        const index = this.def.columns.findIndex((c) => String(c.id) === key);
        if (index >= 0) sorts.splice(0, sorts.length, { column: index, desc, numeric: numeric(index) });
      }
      // an ORDER that names no column leaves the columns' sort priorities in force
      if (sorts.length) return sorts;
    }
    return this.def.columns
      .map((c, index) => ({ c, index }))
      .filter(({ c }) => c.sort !== 0)
      .sort((a, b) => Math.abs(a.c.sort) - Math.abs(b.c.sort) || a.index - b.index)
      .map(({ c, index }) => ({ column: index, desc: c.sort < 0, numeric: numeric(index) }));
  }

  private limit(): { limit?: number; offset?: number } {
    const parse = (text: string): { limit: number; offset: number } | null => {
      const parts = text.split(',').map((x) => x.trim());
      if (text.trim() === '' || parts.length > 2 || parts.some((x) => !/^\d+$/.test(x))) return null;
      return parts.length === 2 ? { offset: toInt(parts[0]), limit: toInt(parts[1]) } : { offset: 0, limit: toInt(parts[0]) };
    };
    const stored = parse(this.def.params.get('LIMIT') ?? '');
    const requested = parse(this.ctx.str('LIMIT'));
    if (!requested) return stored ? { limit: stored.limit, offset: stored.offset } : {};
    // a request never reads past the stored limit
    return { limit: stored ? Math.min(stored.limit, requested.limit) : requested.limit, offset: requested.offset };
  }

  // ---- the plan -------------------------------------------------------------------

  /**
   * The engine's "Set" write-back (recorded: rep-set, rep-set2, rep-set3, rep-set4): a text, number,
   * decimal or date cell, or a reference cell, of the main table or of a table joined to it; the Set
   * text parsed by the grammar like a formula ([THIS] is the cell's value, other names the columns'
   * aliases). The select gets, per target, the cell's id (NULL when there is none; for a reference,
   * the id of the record it points to) and the value, then the record id of each
   * target's table: the engine selects them in every run of the report, so a grouped report is
   * grouped by them too (one row per record and cell). `confirmed`: a target that cannot be written
   * is refused (501 for what is not built, the report error without the grant); in a preview it is
   * only left out. The joined table's own value (not a cell) broke the engine's SQL: the report error.
   */
  private writeBack(select: ReportExpr[], confirmed: boolean): NonNullable<ReportPlan['writeBack']> {
    const first = select.length;
    const targets: SetTarget[] = [];
    const owners: number[] = [];
    const main = this.tables.tables.at(0)?.typeId;
    this.def.columns.forEach((def, index) => {
      if (def.set.trim() === '') return;
      const source = this.sources[index];
      const key = this.columns[index].key;
      if (source.kind === 'table' && source.table !== main && !this.unreadable[index]) {
        throw new FormulaError(`присвоение колонки ${key}: значение связанной таблицы не присваивается, только её реквизиты`);
      }
      const writable = source.kind === 'ref' || (source.kind === 'cell' && WRITABLE_BASES.has(this.baseOfSource(index)));
      const refuse = (err: Error) => {
        if (confirmed) throw err;
      };
      if (!writable) return refuse(new ReportUnsupported(`Присвоение значений пока поддерживается только для текстовых, числовых, дат и ссылок (колонка ${key})`));
      if (this.unreadable[index] || this.columns[index].granted !== 1) return refuse(new FormulaError(`нет доступа на запись в колонку ${key}`));
      let expr: ReportExpr;
      try {
        // [THIS] is the column's formula when that mentions [THIS] (the engine puts it in place of the field)
        const thisField = def.formula.includes('[THIS]') ? this.rowExpr(index) : this.fields[index];
        expr = this.toExpr(parseFormula(def.set), { thisField, column: key, names: (name) => this.rowExprByName(name) });
      } catch (err) {
        if (err instanceof FormulaError) throw new FormulaError(`присвоение колонки ${key}: ${err.message}`);
        throw err;
      }
      if (containsAggregate(expr)) throw new FormulaError(`присвоение колонки ${key}: агрегатная функция недопустима`);
      const owner = this.ownerIndex[index];
      if (!owners.includes(owner)) owners.push(owner);
      const at = owners.indexOf(owner);
      // a Set that is `[THIS]` alone stores the value the row shows (recorded: rep-set5)
      const shown = def.set === '[THIS]';
      const field = this.fields[index];
      if (source.kind === 'ref' && field?.kind === 'record') {
        // a reference cell is known by its record and its target (a record may have several)
        select.push({ ...field, part: 'id' }, expr);
        targets.push({ kind: 'ref', column: index, reqId: source.reqId, target: source.target, owner: at, shown });
      } else if (source.kind === 'cell') {
        select.push({ kind: 'cell', table: owner, reqId: source.reqId, part: 'id' }, expr);
        targets.push({ kind: 'cell', column: index, reqId: source.reqId, base: this.baseOfSource(index), owner: at, shown });
      }
    });
    for (const owner of owners) select.push({ kind: 'record', table: owner, part: 'id' });
    return { first, targets };
  }

  /**
   * The request's `i<table id>=<record id>` (recorded: rep-objid): on the main table it is the one
   * condition on that table's rows, the record of that id whatever its table; a value that is no
   * number, or 0, or one on another table shown as a column made the engine's SQL fail. On other
   * tables (joined through references) it has no effect.
   */
  private mainRecord(): { mainRecord?: number } {
    const main = this.tables.tables.at(0)?.typeId;
    this.sources.forEach((source, index) => {
      if (source.kind === 'table' && source.table !== main && !this.unreadable[index] && this.ctx.has(`i${source.table}`)) {
        throw new FormulaError(`i${source.table}: запись можно выбрать только в первой таблице отчёта`);
      }
    });
    if (main === undefined || !this.ctx.has(`i${main}`)) return {};
    const id = toInt(this.ctx.str(`i${main}`));
    if (id === 0) throw new FormulaError(`i${main}: нужен номер записи, а не «${this.ctx.str(`i${main}`)}»`);
    // a negative or huge id finds nothing there (no record has it), as the engine's SQL finds nothing
    return { mainRecord: Number.isSafeInteger(id) && id > 0 ? id : 0 };
  }

  /**
   * The request's `i<column id>=<cell id>` on a column whose source is a text, number or date cell
   * (recorded: rep-icol; the engine's `%<column>_OBJ_ID%` on that cell): only the rows whose cell of
   * that requisite is that record, so rows without the cell go too. A value that is 0 or no number
   * made the engine's SQL fail (ours: the report error). On a reference column it changes nothing.
   */
  private cellRecords(): ReportExpr[] {
    const conditions: ReportExpr[] = [];
    const seen = new Set<number>();
    this.sources.forEach((source, index) => {
      if (source.kind !== 'cell' || this.unreadable[index] || seen.has(source.reqId) || !this.ctx.has(`i${source.reqId}`)) return;
      seen.add(source.reqId);
      const text = this.ctx.str(`i${source.reqId}`);
      const id = toInt(text);
      if (id === 0) throw new FormulaError(`i${source.reqId}: нужен номер записи, а не «${text}»`);
      const cellId: ReportExpr = { kind: 'cell', table: this.ownerIndex[index], reqId: source.reqId, part: 'id' };
      conditions.push({ kind: 'binary', op: '=', left: cellId, right: { kind: 'number', value: Number.isSafeInteger(id) ? id : 0 } });
    });
    return conditions;
  }

  plan(setMode: SetMode = 'none'): ReportPlan {
    const hidden = this.unreadable;
    for (let i = 0; i < this.columns.length; i++) if (hidden[i]) this.columns[i].def = { ...this.columns[i].def, hidden: true };
    try {
      this.chooseTables();
      this.fields = this.sources.map((s, i) => this.fieldOf(s, i));
      // a column the request's SELECT leaves out is not grouped by: NULL like an unreadable one
      const select = this.def.columns.map((c, i) => (hidden[i] || c.dropped ? { kind: 'null' } as const : this.selectExpr(i)));
      const { where, leading } = this.filters();
      where.push(...this.cellRecords());
      const byName = (name: string) => this.rowExprByName(name);
      for (const [label, text] of [['WHERE', this.def.params.get('WHERE') ?? ''], ['WHERE', this.ctx.str('WHERE')]] as const) {
        if (text.trim() !== '') where.push(this.clause(label, text, byName));
      }
      const having: ReportExpr[] = this.resultFilters();
      const havingText = this.def.params.get('HAVING') ?? '';
      if (havingText.trim() !== '') {
        having.push(this.clause('HAVING', havingText, (name) => {
          const index = this.columnByName(name);
          return index === undefined ? null : { kind: 'result', column: index };
        }));
      }
      // what no database computes is refused here, naming the place, rather than failing in SQL
      if (where.some(containsAggregate)) throw new FormulaError('агрегатная функция в WHERE или в фильтре колонки (условия на итоги — в HAVING)');
      if (having.some(containsAggregate)) throw new FormulaError('HAVING: агрегатная функция не нужна — HAVING сравнивает значения колонок');
      const nested = select.findIndex(nestsAggregates);
      if (nested >= 0) throw new FormulaError(`колонка ${this.columns[nested].key}: агрегатная функция внутри агрегатной`);
      const mixed = select.findIndex((e) => containsAggregate(e) && usesRowValueOutsideAggregate(e));
      if (mixed >= 0) throw new FormulaError(`колонка ${this.columns[mixed].key}: значение строки рядом с агрегатной функцией`);
      // The report-level ORDER BY (264) had no effect on the recorded engine; it is not applied.
      const query: ReportQuery = {
        tables: this.tables.tables,
        select,
        where,
        having,
        order: this.order(),
        // then every joined table's id: several lines (or several references) of one record come in id order too
        tieTables: [...new Set([...leading, ...this.tables.tables.map((_, i) => i)])],
        ...this.limit(),
        ...this.mainRecord(),
      };
      if (setMode !== 'none' && this.def.columns.some((c) => c.set.trim() !== '')) {
        const writeBack = this.writeBack(select, setMode === 'confirmed');
        if (setMode === 'confirmed') return { columns: this.columns, query, error: null, writeBack };
      }
      return { columns: this.columns, query, error: null };
    } catch (err) {
      if (err instanceof FormulaError) {
        return { columns: this.columns, query: { tables: [], select: [], where: [], having: [], order: [], tieTables: [] }, error: err.message };
      }
      throw err;
    }
  }
}

/** the plan of a report run; confirmed, also what its "Set" stores; `subs`: the values of the sub-reports it names */
export function planReport(ctx: RequestContext, def: ReportDef, setMode: SetMode = 'none', subs?: SubReports): ReportPlan {
  return new Planner(ctx, def, subs).plan(setMode);
}
