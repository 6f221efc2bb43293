/**
 * A report's definition as stored (docs/legacy-api.md, "Reports"): the report record (t = 22)
 * with its settings as cells, its column records (t = 28, val = source) and FROM records
 * (t = 44, val = table). Read in two store calls: the report's rows, then its columns' cells.
 */
import type { CellRow, Row } from '../storage/types.js';
import type { RequestContext } from './context.js';
import type { TenantMeta } from './meta.js';
import { GRANT_PSEUDO_OBJECTS, REP_COLS } from './ids.js';
import { toInt } from './php.js';
import { attrsAlias } from './attrs.js';
import { formatView } from './format.js';

export const REPORT_FROM = 44;
/** the report's if-empty value (113): one row of it when the report finds nothing */
const REPORT_IF_EMPTY = 113;

/** requisites of a report column (table 28) */
const COLUMN_NAME = 100;
const COLUMN_FORMULA = 101;
const COLUMN_FILTER_FROM = 102;
const COLUMN_FILTER_TO = 103;
const COLUMN_FUNCTION = 104;
const COLUMN_RESULT_FROM = 105;
const COLUMN_RESULT_TO = 106;
const COLUMN_HIDE = 107;
const COLUMN_SORT = 109;
const COLUMN_TOTAL = 72;
const COLUMN_FORMAT = 84;
const COLUMN_ALIAS = 58;
const COLUMN_SET = 132;
/** requisites of a FROM record (table 44) */
const FROM_ALIAS = 265;
const FROM_JOIN_ON = 266;

/**
 * A FROM record (table 44): the table (or a column of it) whose report columns are joined by the
 * JOIN ON text instead of along links; with an alias, only the columns whose own ALIAS (58) is that
 * alias, so one table can be joined twice.
 */
export interface ReportFromDef {
  id: number;
  /** the table: the record's value, or the table of the column it names; null when it names neither */
  table: number | null;
  /** the alias (265), '' when none */
  alias: string;
  /** the JOIN ON text (266), '' when none */
  joinOn: string;
}

export interface ReportColumnDef {
  /** the column record id */
  id: number;
  /** a table id, a requisite id, or 0 for a calculated column */
  source: number;
  name: string;
  formula: string;
  filterFrom: string;
  filterTo: string;
  /** the function-result filter (105/106): on the column's value after its function (the engine's HAVING) */
  resultFrom: string;
  resultTo: string;
  /** the function record's value (SUM, COUNT, abn_ID …), '' when none */
  fn: string;
  /** the total record's value (SUM, AVG, MIN, MAX, COUNT), '' when none */
  total: string;
  /** the format record's value (HTML …), '' when none */
  format: string;
  hidden: boolean;
  /** sort priority: 0 none, negative descending */
  sort: number;
  alias: string;
  /** "Set" (132): an expression written back into the source when the report runs confirmed */
  set: string;
  /** a column the request's SELECT added (report-select.ts): its formula, which is also its id and name */
  dynamic?: string;
  /** a column the request's SELECT leaves out: filtered by, but neither shown nor grouped by */
  dropped?: boolean;
  /** the function was given by the request's SELECT: an unknown one is the user's error, not a gap */
  fnFromRequest?: boolean;
}

export interface ReportDef {
  id: number;
  name: string;
  /** report-level settings keyed by their term's name (LIMIT, WHERE, HAVING, ORDER BY, EXECUTE …) */
  params: Map<string, string>;
  columns: ReportColumnDef[];
  /** the FROM records, in order */
  from: ReportFromDef[];
  /** the if-empty value (113), null when the report has none */
  ifEmpty: string | null;
  /** the columns the request's SELECT shows, in its order (indexes of `columns`); all when absent */
  show?: number[];
}

/** the value of a reference cell (t = the referenced record, val = the requisite id) */
function referenced(cells: CellRow[], reqId: number): string {
  const cell = cells.find((c) => c.val === String(reqId) && c.targetVal !== null);
  return cell?.targetVal ?? '';
}

function scalar(cells: CellRow[], reqId: number): string {
  return cells.find((c) => c.t === reqId)?.val ?? '';
}

export async function loadReport(ctx: RequestContext, report: Row): Promise<ReportDef> {
  const rows = await ctx.t.cellsOf([report.id]);
  const columnRows = rows.filter((r) => r.t === REP_COLS);
  const fromRows = rows.filter((r) => r.t === REPORT_FROM);
  const owned = [...columnRows, ...fromRows].map((c) => c.id);
  const columnCells = owned.length ? await ctx.t.cellsOf(owned) : [];
  const params = new Map<string, string>();
  for (const cell of rows) {
    if (cell.t === REP_COLS || cell.t === REPORT_FROM) continue;
    const req = ctx.meta.req(cell.t);
    if (req && req.up === report.t && !params.has(req.name)) params.set(req.name, cell.val);
  }
  const byColumn = new Map<number, CellRow[]>();
  for (const c of columnCells) {
    const list = byColumn.get(c.up);
    if (list) list.push(c);
    else byColumn.set(c.up, [c]);
  }
  const columns = columnRows
    .sort((a, b) => a.ord - b.ord || a.id - b.id)
    .map((row): ReportColumnDef => {
      const cells = byColumn.get(row.id) ?? [];
      return {
        id: row.id,
        source: toInt(row.val),
        name: scalar(cells, COLUMN_NAME),
        formula: scalar(cells, COLUMN_FORMULA),
        filterFrom: scalar(cells, COLUMN_FILTER_FROM),
        filterTo: scalar(cells, COLUMN_FILTER_TO),
        resultFrom: scalar(cells, COLUMN_RESULT_FROM),
        resultTo: scalar(cells, COLUMN_RESULT_TO),
        fn: referenced(cells, COLUMN_FUNCTION),
        total: referenced(cells, COLUMN_TOTAL),
        format: referenced(cells, COLUMN_FORMAT),
        hidden: scalar(cells, COLUMN_HIDE) !== '',
        sort: toInt(scalar(cells, COLUMN_SORT)),
        alias: scalar(cells, COLUMN_ALIAS),
        set: scalar(cells, COLUMN_SET),
      };
    });
  const from = fromRows.sort((a, b) => a.ord - b.ord || a.id - b.id).map((row): ReportFromDef => {
    const cells = byColumn.get(row.id) ?? [];
    const source = toInt(row.val);
    const table = ctx.meta.get(source)?.up === 0 ? source : (ctx.meta.req(source)?.up ?? null);
    return { id: row.id, table, alias: scalar(cells, FROM_ALIAS).trim(), joinOn: scalar(cells, FROM_JOIN_ON) };
  });
  const ifEmpty = rows.find((r) => r.t === REPORT_IF_EMPTY)?.val ?? null;
  return { id: report.id, name: report.val, params, columns, from, ifEmpty };
}

/**
 * How a value of base GRANT or REPORT_COLUMN (an id of a table or column) is shown: a GRANT value
 * may also name a pseudo object; everything else reads as a report column's source. Empty stays empty.
 */
export function metadataRefLabel(meta: TenantMeta, base: 'GRANT' | 'REPORT_COLUMN', value: string): string {
  if (value === '') return value;
  const pseudo = base === 'GRANT' && /^\s*\d+\s*$/.test(value) ? GRANT_PSEUDO_OBJECTS.find(([id]) => id === toInt(value)) : undefined;
  if (pseudo) return pseudo[1];
  return reportSourceLabel(meta, value);
}

/**
 * PHP Format_Val_View in API mode with the metadata at hand: a GRANT or REPORT_COLUMN value by
 * name (with its id in front for JSON_OBJ), any other base as format.ts shows it.
 */
export function viewValue(ctx: RequestContext, base: string, val: string, jsonObj = false): string {
  if ((base === 'GRANT' || base === 'REPORT_COLUMN') && val !== '') return `${jsonObj ? `${val}:` : ''}${metadataRefLabel(ctx.meta, base, val)}`;
  return formatView(base, val, ctx, true);
}

/**
 * How a REPORT_COLUMN value (a column's source) reads: `Table`, `Table -> Column`,
 * `Table -> Alias (Target)` for an aliased reference, `Вычисляемое` (calculated), or nothing for an
 * id that is no metadata, as the `_m_new` answer shows it.
 */
export function reportSourceLabel(meta: TenantMeta, value: string): string {
  if (!/^\d+$/.test(value.trim())) return value;
  const id = toInt(value);
  if (id === 0) return 'Вычисляемое';
  const row = meta.get(id);
  if (row && row.up === 0) return row.val;
  const req = meta.req(id);
  // an id that is neither a table nor a column has no label (the engine's lookup finds nothing)
  if (!req) return '';
  const owner = meta.get(req.up)?.val ?? '';
  if (req.refTarget !== null && req.refTarget !== 1) {
    // a reference: the target table, with the column's alias in front when it has one
    const target = meta.get(req.refTarget)?.val ?? req.name;
    const alias = attrsAlias(req.attrs, target);
    return alias === target ? `${owner} -> ${target}` : `${owner} -> ${alias} (${target})`;
  }
  return `${owner} -> ${req.name}`;
}
