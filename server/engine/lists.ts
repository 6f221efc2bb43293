/**
 * Read commands over records: object lists (`object/{type}` in the JSON,
 * JSON_DATA, JSON_OBJ shapes and `_count`), `get_record` and `_ref_reqs`; and the
 * one write over a list, `_m_del_select`. The record card (`edit_obj`) is card.ts.
 *
 * A list costs one store round trip (listPage: the page and its cells; a count only
 * for `_count`); metadata comes from the cache. The JSON shape reproduces the
 * PHP engine's answer including the template "noise" keys its clients see.
 */
import type { CellRow, ListColumn, ListFilter, ListOrder, ListParent, ListQuery, Row, ValuePredicate } from '../storage/types.js';
import type { RequestContext } from './context.js';
import { paramString } from './context.js';
import { numId, type CommandState } from './command-state.js';
import { checkGrantOrDie, firstLevel, grantOk } from './access.js';
import { alignOf, builtIn, formatVal, formatView } from './format.js';
import { fileCellsBelow, fileLink, removeFilesOf } from './files.js';
import { htmlspecialchars, isNumeric, toInt } from './php.js';
import { BASE_NAMES, collateCompare } from './meta.js';
import { DEFAULT_PAGE_SIZE } from './ids.js';
import { checkXsrf } from './auth.js';
import { listColumns, referringColumns, type ListCol, type ReferringColumn } from './list-columns.js';
import { viewValue } from './report-model.js';
import { parseFilter } from './list-filter.js';
import { checkValGranted, listMaskGroups } from './masks.js';
import { bkiExport, sendBki } from './table-export.js';
import { grantPicker, repColPicker } from './pickers.js';

/** Most records one list page answers, whatever LIMIT asks for. */
export const MAX_PAGE_ROWS = 10_000;

const VAL_LIM = 127;
const RANGE_BASES = new Set(['DATE', 'NUMBER', 'SIGNED', 'DATETIME']);

/** PHP's JSON-ish escaping of record values in API list mode */
function apiEscape(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r\n|\r|\n/g, '\\n');
}

/** the engine's $GLOBALS["lnx"]: the lnx parameter (1 = the links view), turned over by switch_links */
function linksView(ctx: RequestContext): number {
  const lnx = ctx.has('lnx') ? toInt(ctx.str('lnx')) : 0;
  if (ctx.has('switch_links')) return lnx === 1 ? 0 : 1;
  return lnx;
}

function defaultLimit(ctx: RequestContext): number {
  const c = toInt(ctx.req.cookies.default_limit ?? '');
  return c > 4 && c < 1001 ? c : DEFAULT_PAGE_SIZE;
}

interface ListPlan {
  query: ListQuery;
  cols: ListCol[];
  filterString: string;
  fu: number | string;
  parentObj: number | null;
  title: string;
  typ: number;
  unique: string;
  /** a sort was asked for (ORDER / order_val): the list of a parent's records then shows no movers */
  sorted: boolean;
  /** the engine's ORDER_VAL: 0 (no sort asked), 'val' (the first column) or a column id */
  orderVal: number | 'val';
  /** DEFAULT_LIMIT: 20, or the default_limit cookie */
  pageSize: number;
  /** the filter parameters kept in links (`filterString` adds `&desc=0` for the table's own column) */
  filter: string;
  /** the engine's lnx: 1 = the links view (columns of the tables that refer to this one) */
  lnx: number;
  /** a descending sort was asked for (desc, or a negative ORDER) */
  desc: boolean;
}

/**
 * The list's own checks (PHP's `&uni_obj` and `&uni_obj_parent` blocks): the table exists, the user may
 * read its records (under F_U: the parent record's grant) and no parent mask needs a parent id.
 * `purpose` 'delete': the grant checks of `_m_del_select` (WRITE on the parent or the table) instead of READ.
 * An import runs after them, as the engine's import block comes after these.
 */
export async function checkListAccess(ctx: RequestContext, s: CommandState, purpose: 'read' | 'delete' = 'read'): Promise<{ obj: Row; fu: number | string; fuNum: number; parentObj: number | null }> {
  const id = numId(s);
  if (id === 0) ctx.dieText('Ошибка: id=0 или не задан');
  const obj = ctx.meta.get(id);
  let parentObj: number | null = null;
  if (obj && obj.up === 0) {
    for (const [up, list] of ctx.meta.children) {
      const owner = ctx.meta.get(up);
      if (owner && owner.up === 0 && list.some((r) => r.t === id)) {
        parentObj = up;
        break;
      }
    }
  }
  if (!obj || obj.up !== 0) ctx.dieText(`Тип ${id} не найден`);
  const fu: number | string = ctx.has('F_U') ? toInt(builtIn(ctx.str('F_U'), ctx.formatEnv())) : '1';
  const fuNum = typeof fu === 'number' ? fu : 1;
  if (purpose === 'delete') {
    if (fuNum > 1) await checkGrantOrDie(ctx, fuNum, id, 'WRITE');
    else if (firstLevel(ctx, id) !== 'WRITE') ctx.dieText('У вас нет доступа на изменение этих данных');
  } else if (fuNum > 1) {
    if (!(await grantOk(ctx, fuNum, id, 'READ'))) {
      ctx.myDie(`У вас нет доступа на чтение записей объекта ${id} (родитель ${fuNum})`, 403);
    }
  } else if (!firstLevel(ctx, id)) {
    if (parentObj) await checkGrantOrDie(ctx, parentObj, id, 'READ');
    else ctx.myDie(`У вас нет доступа на чтение этой таблицы (${id})`, 403);
  }
  await checkParentMask(ctx, fuNum, parentObj);
  return { obj, fu, fuNum, parentObj };
}

async function planList(ctx: RequestContext, s: CommandState, purpose: 'read' | 'delete' = 'read'): Promise<ListPlan> {
  const id = numId(s);
  const { obj, fu, fuNum, parentObj } = await checkListAccess(ctx, s, purpose);
  const req = ctx.request;
  const cols = listColumns(ctx, id);
  // filter string kept in links
  let f = '';
  for (const [k, v] of Object.entries(req)) {
    const sv = paramString(v);
    if (sv !== '' && /(F_|FR_|TO_)/.test(k)) f += `&${k}=${sv.replace(/"/g, '&#34;')}`;
  }
  if (ctx.has('f_show_all')) f += '&f_show_all=1';
  if (ctx.has('full')) f += '&full=0';
  if (ctx.has('lnx') && ctx.str('lnx') === '1') f += '&lnx=1';
  // order
  let orderVal: number | 'val' | 0 = 0;
  let desc = ctx.has('desc');
  if (ctx.has('order_val')) orderVal = ctx.str('order_val') === 'val' ? 'val' : toInt(ctx.str('order_val'));
  else if (ctx.has('ORDER')) {
    let o = toInt(ctx.str('ORDER'));
    if (o < 1) {
      o = Math.abs(o);
      desc = true;
    }
    orderVal = o === id ? 'val' : o;
  }
  // filters
  const baseName = BASE_NAMES[obj.t] ?? '';
  const filters: ListFilter[] = [];
  let recordId: number | undefined;
  let byIdOnly: number | undefined;
  let otherConds = false;
  let noParent = false;
  const byName = new Map(cols.map((c) => [c.req.name.replace(/[ .]/g, '_'), c]));
  const conditions: [string, string, string][] = [];
  for (const [k, v] of Object.entries(req)) {
    const value = paramString(v);
    if (value === '' || !/(F_|FR_|TO_)/.test(k)) continue;
    const us = k.indexOf('_');
    const pre = k.slice(0, us);
    let colKey = k.slice(us + 1);
    if (pre !== 'F' && pre !== 'FR' && pre !== 'TO') continue;
    const named = byName.get(colKey);
    if (named && !/^\d+$/.test(colKey)) colKey = String(named.key);
    else if (colKey === obj.val.replace(/[ .]/g, '_')) colKey = String(id);
    conditions.push([k, pre, colKey]);
  }
  // one range border alone is an exact match, as F_ would be (the engine's Construct_WHERE)
  const borders = new Set(conditions.filter(([, pre]) => pre !== 'F').map(([, pre, colKey]) => `${pre}:${colKey}`));
  const bothBorders = (colKey: string) => borders.has(`FR:${colKey}`) && borders.has(`TO:${colKey}`);
  for (const [k, pre, colKey] of conditions) {
    const value = paramString(req[k]);
    if (value.startsWith('@')) noParent = true;
    if (colKey === 'U') continue;
    if (colKey === 'I') {
      if (pre === 'F' && toInt(value) !== 0) byIdOnly = toInt(value);
      continue;
    }
    // a name that is neither a column nor the table: the engine's query fails on it (docs/compatibility.md)
    if (!/^\d+$/.test(colKey)) ctx.dieText(`Неверный фильтр ${k}: в таблице ${obj.val} нет колонки «${colKey}»`);
    const keyNum = toInt(colKey);
    if (keyNum === 0) continue;
    otherConds = true;
    let column: ListColumn;
    let colBase: string;
    if (keyNum === id) {
      column = { kind: 'first' };
      colBase = baseName;
    } else {
      const col = cols.find((c) => c.key === keyNum);
      if (col) {
        column = col.isRef ? { kind: 'ref', reqId: col.req.id } : { kind: 'cell', reqId: col.key };
        colBase = col.baseName;
      } else if (ctx.meta.childRows(id).some((r) => r.id === keyNum)) {
        continue; // a column of this table the user may not see (BARRED) is not filtered on
      } else {
        // no such column: the engine looks for cells of that id, which no record has
        column = { kind: 'cell', reqId: keyNum };
        colBase = 'SHORT';
      }
    }
    const numeric = colBase === 'NUMBER' || colBase === 'SIGNED';
    let predicate: ValuePredicate | null;
    if (pre === 'F' || !bothBorders(colKey) || value === '%') predicate = parseFilter(value, column, colBase, ctx, numeric);
    else {
      const bound = RANGE_BASES.has(colBase) ? formatVal(colBase === 'DATETIME' ? 'DATETIME' : colBase, value, { ...ctx.formatEnv(), warn: () => undefined }) : value;
      predicate = { op: pre === 'FR' ? 'ge' : 'le', value: bound, numeric: numeric || colBase === 'DATE' || colBase === 'DATETIME' };
    }
    if (predicate) filters.push({ column, predicate });
  }
  if (!otherConds && byIdOnly !== undefined) recordId = byIdOnly;
  let parent: ListParent = { kind: 'root' };
  // F_U=0 (or below) on a subordinate table: every record under a record or under the root (when
  // the root is not metadata), never a requisite row of a table
  const everyParent = ctx.has('F_U') && Boolean(parentObj) && fuNum <= 0;
  // (F_U below 0 drops the engine's check of the parent row: the table's requisite rows come too)
  if (ctx.has('F_U') && parentObj) parent = fuNum > 0 ? { kind: 'of', up: fuNum } : fuNum === 0 ? { kind: 'recordParent' } : { kind: 'anyWithParent' };
  else if ((ctx.has('F_I') && toInt(ctx.str('F_I')) > 0) || noParent) {
    // F_I or any `@id` filter drops the engine's parent condition: records under any parent
    // (for a subordinate table only under real records); F_I alone is the one record
    parent = parentObj ? { kind: 'recordParent' } : { kind: 'any' };
    if (recordId !== undefined) {
      const rec = await ctx.t.get(recordId);
      parent = rec && rec.up === 1 ? { kind: 'root' } : rec ? { kind: 'of', up: rec.up } : { kind: 'root' };
    }
  } else if (parentObj && !ctx.has('F_U')) parent = { kind: 'root' };
  let order: ListOrder = { by: 'id' };
  if (orderVal === 'val') order = { by: { kind: 'first' }, desc, numeric: baseName === 'NUMBER' || baseName === 'SIGNED' };
  else if (orderVal !== 0) {
    const col = cols.find((c) => c.key === orderVal);
    if (col && !col.isArr) {
      order = { by: col.isRef ? { kind: 'ref', reqId: col.req.id } : { kind: 'cell', reqId: col.key }, desc, numeric: col.baseName === 'NUMBER' || col.baseName === 'SIGNED' };
    }
  } else if (fuNum > 1) order = { by: 'ord' };
  else if (everyParent) {
    // the engine gives no order here; MySQL reads these rows through its (t, up) index, so they come
    // back by parent, then id (docs/testing-fixtures.md, "Orders MySQL chooses")
    order = { by: 'up' };
  } else if (filters.length === 1 && filters[0].column.kind === 'first' && filters[0].predicate.op === 'like' && !/^[%_]/.test(filters[0].predicate.pattern)) {
    // MySQL answers a prefix LIKE on the value from its (t, val) index, so the engine's list comes
    // back in value order (equal values by id); both stores return it that way
    order = { by: { kind: 'first' } };
  }
  const pageSize = defaultLimit(ctx);
  const pg = Math.max(ctx.has('pg') ? toInt(ctx.str('pg')) : 1, 1);
  let offset = pageSize * (pg - 1);
  let limit = pageSize;
  if (ctx.has('LIMIT')) {
    const parts = ctx.str('LIMIT').split(',');
    if (parts.length > 1) {
      offset = toInt(parts[0]);
      limit = toInt(parts[1]);
    } else limit = toInt(parts[0]);
  }
  if (ctx.has('csv') || ctx.has('bki')) limit = 1_000_000;
  // docs/compatibility.md, "Deliberate differences": PHP's (int) turns LIMIT=1e99 into PHP_INT_MAX,
  // every record in one answer; a page here holds at most MAX_PAGE_ROWS records
  else limit = Math.min(limit, MAX_PAGE_ROWS);
  const query: ListQuery = { typeId: id, parent, filters, order, limit: Math.max(0, limit), offset: Math.max(0, offset) };
  const maskGroups = listMaskGroups(ctx, id, true);
  if (maskGroups.length) query.maskGroups = maskGroups;
  if (recordId !== undefined) query.recordId = recordId;
  // a negative ORDER counts as desc asked, as the engine sets it into the request
  const filterString = !desc && orderVal === 'val' ? `${f}&desc=0` : f;
  return { query, cols, filterString, fu, parentObj, title: obj.val, typ: obj.t, unique: String(obj.ord), sorted: orderVal !== 0, orderVal, pageSize, filter: f, lnx: linksView(ctx), desc };
}

/**
 * The parent's grant masks (the engine's parent block of a list): the record F_U names must pass its
 * table's masks; a subordinate table whose parent table has masks is listed only under one parent.
 */
async function checkParentMask(ctx: RequestContext, fuNum: number, parentObj: number | null): Promise<void> {
  // no masks, no extra read of the parent (a list stays one store round trip)
  if (!ctx.session?.grants.masks.size) return;
  if (fuNum > 1) {
    const parent = await ctx.t.get(fuNum);
    const parentType = parent ? ctx.meta.get(parent.t) : undefined;
    if (parent && parentType) checkValGranted(ctx, parentType.id, formatView(BASE_NAMES[parentType.t] ?? '', parent.val, ctx, true), parentType.id);
  } else if (parentObj !== null && ctx.session?.grants.masks.has(String(parentObj))) {
    ctx.dieText('К объекту задан доступ по маске родителя - укажите ID родителя');
  }
}

/** one record's cells grouped the way the engine's list reads them */
interface RecordCells {
  scalar: Map<number, CellRow>;
  refs: Map<number, CellRow[]>;
  arrCount: Map<number, number>;
}

function groupCells(cells: CellRow[], cols: ListCol[]): Map<number, RecordCells> {
  const colKeys = new Set(cols.filter((c) => !c.isRef).map((c) => c.key));
  const refReqs = new Set(cols.filter((c) => c.isRef).map((c) => c.req.id));
  const arrKeys = new Set(cols.filter((c) => c.isArr).map((c) => c.key));
  const out = new Map<number, RecordCells>();
  const sorted = [...cells].sort((a, b) => a.up - b.up || a.t - b.t || a.id - b.id);
  for (const c of sorted) {
    let rc = out.get(c.up);
    if (!rc) {
      rc = { scalar: new Map(), refs: new Map(), arrCount: new Map() };
      out.set(c.up, rc);
    }
    if (arrKeys.has(c.t)) rc.arrCount.set(c.t, (rc.arrCount.get(c.t) ?? 0) + 1);
    else if (colKeys.has(c.t)) rc.scalar.set(c.t, c);
    else if (c.targetVal !== null && refReqs.has(toInt(c.val))) {
      const list = rc.refs.get(toInt(c.val)) ?? [];
      list.push(c);
      rc.refs.set(toInt(c.val), list);
    }
  }
  return out;
}

/**
 * A REGEXP: filter's pattern is the database's business (MySQL's and PostgreSQL's regular
 * expressions differ from JavaScript's), so an invalid one is only found when the query runs:
 * its regexp error becomes the engine's error answer instead of a 500.
 */
async function withFilterErrors<T>(ctx: RequestContext, query: ListQuery, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    const regexpFilter = query.filters.find((f) => f.predicate.op === 'regexp');
    if (regexpFilter && err instanceof Error && /regex|regular expression/i.test(err.message)) {
      ctx.myDie(`Неверное регулярное выражение в фильтре: ${htmlspecialchars(regexpFilter.predicate.op === 'regexp' ? regexpFilter.predicate.pattern : '')}`);
    }
    throw err;
  }
}

/** PHP fputcsv($h, iconv('utf-8', 'windows-1251', each field), ';'): a field iconv cannot convert is empty */
function csvLine(fields: readonly string[]): Buffer {
  const out: Buffer[] = [];
  fields.forEach((field, i) => {
    if (i > 0) out.push(Buffer.from(';'));
    const bytes = toWindows1251(field);
    if (bytes === null || bytes.length === 0) return;
    const text = bytes.toString('latin1');
    if (!/[;"\\\n\r\t ]/.test(text)) {
      out.push(bytes);
      return;
    }
    let quoted = '"';
    let escaped = false;
    for (const ch of text) {
      if (ch === '\\') escaped = true;
      else if (!escaped && ch === '"') quoted += '"';
      else escaped = false;
      quoted += ch;
    }
    out.push(Buffer.from(`${quoted}"`, 'latin1'));
  });
  out.push(Buffer.from('\n'));
  return Buffer.concat(out);
}

let cp1251: Map<string, number> | null = null;

/** the text in Windows-1251, null when a character has no place there (PHP iconv fails) */
function toWindows1251(text: string): Buffer | null {
  if (!cp1251) {
    cp1251 = new Map();
    const decoder = new TextDecoder('windows-1251');
    for (let b = 0; b < 256; b++) cp1251.set(decoder.decode(Uint8Array.of(b)), b);
  }
  const bytes: number[] = [];
  for (const ch of text) {
    const b = cp1251.get(ch);
    if (b === undefined) return null;
    bytes.push(b);
  }
  return Buffer.from(bytes);
}

export async function objectList(ctx: RequestContext, s: CommandState): Promise<never> {
  const plan = await planList(ctx, s);
  const id = numId(s);
  const { cols } = plan;
  if (ctx.getStr('_count') !== undefined) {
    const n = await withFilterErrors(ctx, plan.query, () => ctx.t.countRecords(plan.query));
    ctx.apiDump({ count: String(n) }, 'count.json');
  }
  const { records, cells } = await withFilterErrors(ctx, plan.query, () => ctx.t.listPage(plan.query));
  const grouped = groupCells(cells, cols);
  const baseName = BASE_NAMES[plan.typ] ?? '';
  const jsonData = ctx.has('JSON_DATA');
  const jsonObj = !jsonData && ctx.has('JSON_OBJ');
  const full = ctx.has('full');
  const fuNum = typeof plan.fu === 'number' ? plan.fu : 1;

  // per-record cell values as the API shows them: `api` always, `data` only for JSON_DATA /
  // JSON_OBJ, the HTML cells (`html`, `view`, `ms`: the template's &object_reqs blocks) only
  // for the full JSON answer; everything that depends on the column alone is worked out once
  const dataMode = jsonData || jsonObj;
  const flags = ctx.str('lnx') === '1' ? '&lnx=1' : '';
  const colPlans = cols.map((col) => {
    const viewBase = BASE_NAMES[col.baseId ?? 0] && !col.isArr ? col.baseName : 'SHORT';
    return {
      col, viewBase, align: alignOf(viewBase),
      literal: col.isArr ? 'ARRAY' : col.baseName,
      linked: col.isRef && !dataMode ? firstLevel(ctx, col.key) : null,
    };
  });
  const csvMode = ctx.has('csv');
  // a BKI export answers the BKI text, then the page without its records (docs/legacy-api.md)
  const bkiMode = !csvMode && ctx.has('bki');
  if (csvMode || bkiMode) {
    const g = ctx.session!;
    if (!g.grants.exportable.has('1') && !g.grants.exportable.has(String(id)) && g.user !== 'admin' && g.user !== ctx.db) {
      ctx.dieText('У вас нет прав на выгрузку объектов этого типа');
    }
  }
  const bki = bkiMode ? await bkiExport(ctx, id, records, fuNum > 1) : null;
  const rowsOut: { rec: Row; api: Record<string, string | number>; data: unknown[]; csv: string[]; html: string[]; view: { align: string; base: string; val: string }[]; ms: { id: string; val: string; ord: string; name: string }[] }[] = [];
  for (const rec of bki === null ? records : []) {
    const rc: RecordCells = grouped.get(rec.id) ?? { scalar: new Map(), refs: new Map(), arrCount: new Map() };
    // a subordinate column's count is a number in `reqs`, as the engine sends it
    const api: Record<string, string | number> = {};
    const data: unknown[] = [];
    const csv: string[] = [];
    const html: string[] = [];
    const view: { align: string; base: string; val: string }[] = [];
    const ms: { id: string; val: string; ord: string; name: string }[] = [];
    for (const { col, viewBase, align, literal, linked } of colPlans) {
      const refs = col.isRef ? rc.refs.get(col.req.id) : undefined;
      const cell = col.isRef || col.isArr ? undefined : rc.scalar.get(col.key);
      let v: string | number = '';
      if (col.isArr) {
        v = rc.arrCount.has(col.key) ? rc.arrCount.get(col.key)! : '';
      } else if (col.isRef) {
        if (refs && refs.length) {
          v = refs.map((r) => (r.targetVal ?? '').replace(/,/g, '&comma;')).join(',');
          api[`ref_${col.key}`] = `${refs[0].targetType}:${refs.map((r) => r.t).join(',')}`;
        }
      } else if (cell) v = literal === 'FILE' ? fileLink(ctx, cell.id, cell.val) : viewValue(ctx, literal, cell.val, jsonObj);
      else if (literal === 'BUTTON') v = jsonObj ? buttonLink(col, rec) : '***';
      if (v !== '') api[String(col.key)] = col.isArr ? v : String(v);
      if (csvMode) {
        if (col.isArr || literal === 'BUTTON') csv.push(String(v));
        else if (col.isRef) csv.push(refs && refs.length ? (col.req.multi || refs.length > 1 ? refs.map((r) => (r.targetVal ?? '').replace(/,/g, '%2C')).join(',') : (refs[0].targetVal ?? '')) : '');
        else csv.push(String(v));
        continue;
      }
      if (dataMode) {
        const shown = jsonData ? String(v) : v;
        data.push(refs && refs.length ? `${refs.map((r) => r.t).join(',')}:${v}` : shown);
        continue;
      }
      // HTML cell (the engine's &object_reqs)
      let cellHtml = '';
      if (col.isArr) cellHtml = `<A HREF="/${ctx.db}/object/${col.key}/?F_U=${rec.id}${flags}">(${rc.arrCount.get(col.key) ?? 0})</A>`;
      else if (col.isRef) {
        if (refs && refs.length) {
          if (col.req.multi || refs.length > 1) {
            for (const r of refs) {
              const name = formatView(viewBase, htmlspecialchars(r.targetVal ?? ''), ctx, true);
              ms.push({
                id: String(r.id), val: String(r.t), ord: String(r.ord),
                name: linked ? `<A HREF="/${ctx.db}/object/${col.req.refTarget}/?F_I=${r.t}" class="ms-link">${name}</A>` : name,
              });
            }
          } else {
            const shown = formatView(viewBase, htmlspecialchars(refs[0].targetVal ?? ''), ctx, true);
            cellHtml = linked ? `<A HREF="/${ctx.db}/object/${refs[0].targetType}/?F_I=${refs[0].t}${flags}">${shown}</A>` : shown;
          }
        }
      } else if (cell && literal === 'FILE') cellHtml = fileLink(ctx, cell.id, cell.val);
      else if (cell) {
        // VAL_LIM counts characters (code points); a string of at most VAL_LIM UTF-16 units has no more
        if (!full && cell.val.length > VAL_LIM && [...cell.val].length > VAL_LIM) cellHtml = `${viewValue(ctx, viewBase, htmlspecialchars([...cell.val].slice(0, VAL_LIM).join('')))}...`;
        else cellHtml = viewValue(ctx, viewBase, htmlspecialchars(cell.val));
      } else if (literal === 'BUTTON') cellHtml = ` <A HREF="/${ctx.db}/${buttonLink(col, rec)}">***</A>`;
      html.push(cellHtml);
      view.push({ align, base: viewBase, val: cellHtml });
    }
    rowsOut.push({ rec, api, data, csv, html, view, ms });
  }
  if (csvMode) {
    // PHP: a header row (the table's name, then the columns'), then one row per record, all in
    // Windows-1251, `;`-separated, as fputcsv writes them; the whole list, not a page
    const lines = [[plan.title, ...cols.map((c) => c.name)], ...rowsOut.map((r) => [formatView(baseName, r.rec.val, ctx, true), ...r.csv])];
    ctx.sendDownload('data_export.csv', Buffer.concat(lines.map((fields) => csvLine(fields))), 'text/html; charset=UTF-8');
  }

  if (jsonData) {
    ctx.dieJson(rowsOut.map((r) => ({ i: r.rec.id, u: r.rec.up, o: r.rec.ord, r: [r.rec.val.replace(/\r\n|\r/g, '\n'), ...r.data] })));
  }
  if (jsonObj) {
    ctx.apiDump(rowsOut.map((r) => ({ i: r.rec.id, u: r.rec.up, o: r.rec.ord, r: [viewValue(ctx, baseName, r.rec.val, true), ...r.data] })), `object_${s.id}.json`);
  }
  const api: Record<string, unknown> = {};
  api['&main.a'] = { '_parent_.title': [plan.title] };
  api.type = { id: s.id, up: fuNum > 1 ? fuNum : 1, val: plan.title, base: baseName };
  api.base = { id: String(plan.typ), unique: plan.unique === '1' ? 'unique' : '' };
  const createGranted = firstLevel(ctx, id) === 'WRITE' || (await grantOk(ctx, fuNum, id, 'WRITE'));
  api['&main.a.&uni_obj'] = {
    create_granted: [createGranted ? 'block' : 'none'],
    id: [String(s.id)], f_u: [ctx.has('F_U') ? String(plan.fu) : ''], up: [String(fuNum > 1 ? fuNum : 1)],
    unique: [plan.unique === '1' ? 'unique' : ''], base_typ: [String(plan.typ)], filter: [plan.filterString, plan.filterString],
    val: [plan.title], typ: [String(s.id)], f_i: [ctx.has('F_I') ? String(toInt(ctx.str('F_I'))) : ''],
    lnx: [String(plan.lnx)],
  };
  if (plan.lnx === 1) {
    // the links view's header blocks (each record's links to the referring tables are below)
    api['&main.a.&uni_obj.&uni_obj_head_links'] = { val: [''] };
    api['&main.a.&uni_obj.&uni_obj_head_filter_links'] = { val: [''] };
  }
  // the page offers deleting and exporting the table's records to whom the role's flags allow it, to
  // the admin and to the database's owner (the user named like the database)
  const g = ctx.session!;
  const flagged = (flags: Set<string>) => flags.has('1') || flags.has(String(s.id)) || g.user === 'admin' || g.user === ctx.db;
  if (flagged(g.grants.deletable)) api['&main.a.&uni_obj.&delete'] = { ok: [''] };
  if (flagged(g.grants.exportable)) api['&main.a.&uni_obj.&export'] = { ok: [''] };
  if (fuNum > 1) {
    const par = await ctx.t.get(fuNum);
    const parType = par ? ctx.meta.get(par.t) : undefined;
    if (par && parType) {
      api.parent = { id: String(parType.id), name: par.val, type: parType.val, up: String(par.up) };
      api['&main.a.&uni_obj.&uni_obj_parent'] = {
        tid: [String(parType.id)], up: [String(par.up)], typ: [parType.val], '_parent_.f_u': [String(plan.fu)],
        name: [formatView(BASE_NAMES[parType.t] ?? '', par.val, ctx, true)],
      };
    }
    // the column heads of the order and mover columns a parent's list has
    api['&main.a.&uni_obj.&head_ord_n'] = { filler: [''] };
    api['&main.a.&uni_obj.&head_ord'] = { filler: [''] };
  }
  if (baseName === 'GRANT') {
    api['&main.a.&uni_obj.&new_req_grant'] = { new_req: [''], '_parent_.typ': [String(s.id)] };
    api['&main.a.&uni_obj.&new_req_grant.&grant_list'] = grantPicker(ctx.meta);
  } else if (baseName === 'REPORT_COLUMN') {
    api['&main.a.&uni_obj.&new_req_report_column'] = { new_req: [''], '_parent_.typ': [String(s.id)] };
    const picker = await repColPicker(ctx, typeof plan.fu === 'number' ? plan.fu : 1);
    api['&main.a.&uni_obj.&new_req_report_column.&rep_col_list'] = picker.block;
    api.rep_col_list = picker.api;
  } else {
    api['&main.a.&uni_obj.&new_req'] = { new_req: [''], '_parent_.typ': [String(s.id)], '_parent_.val': [plan.title] };
  }
  if (cols.length) {
    const reqBase: Record<string, string> = {};
    const reqBaseId: Record<string, string> = {};
    const reqAttrs: Record<string, string> = {};
    const reqType: Record<string, string> = {};
    const refType: Record<string, string> = {};
    const arrType: Record<string, string> = {};
    for (const c of cols) {
      reqBase[c.key] = c.baseId === 0 ? 'TAB_DELIMITER' : (BASE_NAMES[c.baseId ?? 0] ?? '');
      reqBaseId[c.key] = c.baseId === null ? '' : String(c.baseId);
      reqAttrs[c.key] = c.req.attrs;
      reqType[c.key] = c.name;
      if (c.isRef) refType[c.key] = String(c.req.refTarget);
      if (c.isArr) arrType[c.key] = String(ctx.meta.childRows(c.key).find((r) => r.ord === 1)?.id ?? '');
    }
    api.req_base = reqBase;
    api.req_base_id = reqBaseId;
    api.req_attrs = reqAttrs;
    api.req_type = reqType;
    api.req_order = cols.map((c) => String(c.key));
    if (Object.keys(refType).length) api.ref_type = refType;
    if (Object.keys(arrType).length) api.arr_type = arrType;
    const g = ctx.session!.grants;
    api['&main.a.&uni_obj.&uni_obj_head'] = {
      ref: cols.map((c) => (c.isRef ? 't-ref' : '')),
      multi: cols.map((c) => (c.isRef && c.req.multi ? 't-multi' : '')),
      array: cols.map((c) => (c.isArr ? 'arr' : '')),
      mandatory: cols.map((c) => (c.req.parsed.required ? 'mandatory' : '')),
      grant: cols.map((c) => g.levels.get(String(c.req.id)) ?? ''),
      arr_type: cols.map((c) => (c.isArr ? `arr-type="${c.key}"` : '')),
      ref_type: cols.map((c) => (c.isRef ? `ref-type="${c.req.refTarget}"` : '')),
      typ: cols.map((c) => String(c.req.id)),
      base_typ: cols.map((c) => (c.baseId === null ? '' : String(c.baseId))),
      id: cols.map(() => String(s.id)),
      filter: cols.map((c) => (!plan.desc && c.key === plan.orderVal ? `${plan.filter}&desc=0` : plan.filter)),
      val: cols.map((c) => c.name),
    };
  }
  Object.assign(api, filterBlock(ctx, '&main.a.&uni_obj', [{ key: id, base: baseName, ref: null }], 'val'));
  if (cols.length) {
    api['&main.a.&uni_obj.&uni_obj_head_filter'] = { typ: cols.map((c) => String(c.key)) };
    Object.assign(api, filterBlock(ctx, '&main.a.&uni_obj.&uni_obj_head_filter', cols.map((c) => ({
      key: c.key, base: c.isArr ? 'ARRAY' : c.baseName, ref: c.isRef ? c.req.refTarget : null,
    })), 'req'));
  }
  if (rowsOut.length) {
    api.object = rowsOut.map((r) => {
      const o: Record<string, string> = {};
      if (fuNum > 1) o.ord = String(r.rec.ord);
      o.id = String(r.rec.id);
      o.up = String(r.rec.up);
      o.val = viewValue(ctx, baseName, apiEscape(r.rec.val));
      if (baseName === 'REPORT_COLUMN' || baseName === 'GRANT') o.ref = apiEscape(r.rec.val);
      o.base = String(r.rec.t);
      return o;
    });
    api['&main.a.&uni_obj.&uni_obj_all'] = {
      id: rowsOut.map((r) => String(r.rec.id)),
      align: rowsOut.map(() => alignOf(baseName)),
      val: rowsOut.map((r) => {
        const v = apiEscape(r.rec.val);
        return viewValue(ctx, baseName, v.trim() === '' ? '&nbsp;' : v);
      }),
    };
    if (plan.lnx === 1) {
      api['&main.a.&uni_obj.&uni_obj_all.&uni_object_view_reqs_links'] = { val: rowsOut.map(() => '') };
      // every record links to the lists of the tables that refer to this one (the columns the user may read)
      const links: ReferringColumn[] = [];
      for (const c of referringColumns(ctx.meta, id)) if (await grantOk(ctx, c.table, c.column, 'READ')) links.push(c);
      if (links.length) {
        const block: Record<string, string[]> = { value: [], links_typ: [], '_parent_.id': [], key: [] };
        for (const r of rowsOut) {
          for (const c of links) {
            block.value.push(String(c.table));
            block.links_typ.push(String(c.column));
            block['_parent_.id'].push(String(r.rec.id));
            block.key.push(c.label);
          }
        }
        api['&main.a.&uni_obj.&uni_obj_all.&uni_object_view_reqs_links.&reqs_links'] = block;
      }
    }
    // a page of exactly DEFAULT_LIMIT records may have more after it: the engine says so (its API
    // answers never count the records, so this block comes whenever the page is full)
    if (rowsOut.length === plan.pageSize) {
      api['&main.a.&uni_obj.&no_page'] = {
        limit: [String(plan.pageSize)], id: [String(s.id)], f_u: [String(plan.fu)],
        lnx: [(ctx.has('lnx') ? `&lnx=${toInt(ctx.str('lnx'))}` : '') + (plan.orderVal === 0 ? '' : `&order_val=${plan.orderVal}`)],
      };
    }
    if (fuNum > 1) {
      const ids = rowsOut.map((r) => String(r.rec.id));
      api['&main.a.&uni_obj.&uni_obj_all.&ord'] = { ord: rowsOut.map((r) => String(r.rec.ord)) };
      api['&main.a.&uni_obj.&uni_obj_all.&move_n_delete'] = { id: ids, '_parent_.typ': ids.map(() => String(s.id)), '_parent_.f_u': ids.map(() => String(plan.fu)) };
      if (!plan.sorted) api['&main.a.&uni_obj.&uni_obj_all.&move_n_delete.&move'] = { id: ids };
    }
    if (cols.length) {
      const reqs: Record<string, Record<string, string | number>> = {};
      for (const r of rowsOut) if (Object.keys(r.api).length) reqs[String(r.rec.id)] = r.api;
      if (Object.keys(reqs).length) api.reqs = reqs;
      const objectReqs: Record<string, string[]> = {};
      for (const r of rowsOut) objectReqs[String(r.rec.id)] = r.html;
      api['&object_reqs'] = objectReqs;
      const views = rowsOut.flatMap((r) => r.view);
      api['&main.a.&uni_obj.&uni_obj_all.&uni_object_view_reqs'] = {
        align: views.map((v) => v.align), base: views.map((v) => v.base), val: views.map((v) => v.val),
      };
      const ms = rowsOut.flatMap((r) => r.ms);
      if (ms.length) {
        api['&main.a.&uni_obj.&uni_obj_all.&uni_object_view_reqs.&multiselectcell'] = {
          id: ms.map((m) => m.id), val: ms.map((m) => m.val), ord: ms.map((m) => m.ord), name: ms.map((m) => m.name),
        };
      }
    }
  }
  const fuParam = requestParamCaseless(ctx, 'f_u');
  if (fuParam !== undefined) api['&main.a._noobj'] = { '_request_.f_u': [fuParam] };
  if (bki !== null) sendBki(ctx, bki, api);
  ctx.dieJson(api);
}

/** a button column's link: its default with [VAL] and [ID] of the record filled in */
function buttonLink(col: ListCol, rec: Row): string {
  return col.req.parsed.default.split('[VAL]').join(rec.val).split('[ID]').join(String(rec.id));
}

function requestParamCaseless(ctx: RequestContext, name: string): string | undefined {
  let found: string | undefined;
  for (const [k, v] of Object.entries(ctx.get)) if (k.toLowerCase() === name) found = paramString(v);
  for (const [k, v] of Object.entries(ctx.post)) if (k.toLowerCase() === name) found = paramString(v);
  return found;
}

/** the filter-input blocks: &filter_val_rcm/dns (first column) and &filter_req_rcm/dns (columns) */
function filterBlock(ctx: RequestContext, parent: string, cols: { key: number; base: string; ref: number | null }[], kind: 'val' | 'req'): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const rcm: Record<string, string[]> = kind === 'val' ? { f_typ: [], filter: [] } : { f_typ: [], '_parent_.ref': [], filter: [], '_parent_.dd': [] };
  const dns: Record<string, string[]> = { f_typ_fr: [], filter_fr: [], f_typ_to: [], filter_to: [] };
  let anyRcm = false;
  let anyDns = false;
  for (const c of cols) {
    if (RANGE_BASES.has(c.base)) {
      anyDns = true;
      dns.f_typ_fr.push(`FR_${c.key}`);
      dns.filter_fr.push(ctx.has(`FR_${c.key}`) ? ctx.str(`FR_${c.key}`).replace(/ /g, '') : '');
      dns.f_typ_to.push(`TO_${c.key}`);
      dns.filter_to.push(ctx.has(`TO_${c.key}`) ? ctx.str(`TO_${c.key}`).replace(/ /g, '') : '');
    } else {
      anyRcm = true;
      rcm.f_typ.push(`F_${c.key}`);
      const value = ctx.has(`F_${c.key}`) ? ctx.str(`F_${c.key}`) : ctx.has(`FR_${c.key}`) ? ctx.str(`FR_${c.key}`) : '';
      if (kind === 'req') {
        rcm['_parent_.ref'].push(String(c.ref ?? c.key));
        rcm.filter.push(value.replace(/"/g, '&#34;'));
        rcm['_parent_.dd'].push(c.ref !== null ? 'dropdown-toggle' : '');
      } else rcm.filter.push(value.replace(/"/g, '&#34;'));
    }
  }
  if (anyRcm) out[`${parent}.&filter_${kind}_rcm`] = rcm;
  if (anyDns) out[`${parent}.&filter_${kind}_dns`] = dns;
  return out;
}

/** POST object/{type}?_m_del_select: delete every filtered record without incoming references */
export async function deleteSelection(ctx: RequestContext, s: CommandState): Promise<never> {
  if (ctx.req.method.toUpperCase() !== 'POST') ctx.dieText('Для удаления записей используйте метод POST');
  checkXsrf(ctx);
  const plan = await planList(ctx, s, 'delete');
  const g = ctx.session!;
  if (!g.grants.deletable.has('1') && !g.grants.deletable.has(String(numId(s))) && g.user !== 'admin' && g.user !== ctx.db) {
    ctx.dieText('У вас нет прав на массовое удаление объектов этого типа');
  }
  const everything = { ...plan.query, limit: undefined, offset: undefined };
  const records = await withFilterErrors(ctx, everything, () => ctx.t.listRecords(everything));
  let deleted = 0;
  for (const r of records) {
    if (r.t === 18 && r.id === g.userId) continue;
    if ((await ctx.t.count({ t: r.id })) > 0) continue;
    removeFilesOf(ctx, await fileCellsBelow(ctx, [r.id]));
    await ctx.t.deleteTree(r.id);
    deleted++;
  }
  if (ctx.api) ctx.successJson({ deleted }, 'deleted.json');
  ctx.successRedirect(`/${ctx.db}/object/${s.id}/?deleted=${deleted}&${plan.filterString}`);
}

export async function getRecord(ctx: RequestContext, s: CommandState): Promise<never> {
  const id = numId(s);
  if (id === 0) ctx.dieText('Ошибка: id=0 или не задан');
  await checkGrantOrDie(ctx, id, 0, 'READ');
  const rec = await ctx.t.get(id);
  const typ = rec && rec.up !== 0 ? await ctx.t.get(rec.t) : null;
  if (!rec || !typ || typ.up !== 0) {
    ctx.apiDump({ error: `Запись ${id} не найдена, вероятно, она была удалена или не является данными` }, `rec_${id}.json`);
  }
  ctx.apiDump({ id: String(rec.id), val: rec.val, up: String(rec.up), obj: String(rec.t), type: typ.val, base: String(typ.t) }, `rec_${id}.json`);
}

/** GET _ref_reqs/{reqId}: dropdown options of a reference column (at most 80, ordered by value) */
/** dropdown lists hold at most this many records (the engine's DDLIST_ITEMS) */
const DROPDOWN_ITEMS = 80;

/** one extra part of a dropdown label: a column of the reference type, read on the target's records */
interface LabelPart {
  /** the target table's requisite with the same term */
  reqId: number;
  /** when the term is itself a reference: the table its records point into */
  refTable: number | null;
}

/**
 * GET _ref_reqs/{requisite}: the options of a reference column's dropdown, `{id: label}` ordered
 * by value (`[]` when there are none), as the engine builds them:
 * - the records offered are those of the column's dictionary (the type its term points at) whose
 *   parent is a real record, so never a table's self-descriptor; at most 80, taken in id order;
 * - a label is the record's value plus ` / part` for each column of the *reference type* row itself
 *   (`--` when the record has no such cell); the target table's own reference columns add nothing;
 * - `q` keeps values LIKE `%q%` (`/` with optional spaces around it becomes `%/%`; a `q` holding `%`
 *   is used as it is); `r` (an id or a comma list) keeps records whose first extra part is that row.
 * - the grant masks on the dictionary and on its columns apply (masks.ts).
 */
export async function refReqs(ctx: RequestContext, s: CommandState): Promise<never> {
  const id = numId(s);
  if (id === 0) ctx.dieJson({ error: 'Invalid id' });
  const requisite = await ctx.t.get(id);
  const term = requisite ? ctx.meta.get(requisite.t) ?? (await ctx.t.get(requisite.t)) : undefined;
  // the engine wraps its own JSON text in the error answer
  if (!requisite || !term) ctx.myDie('{"error":"No suitable dictionary found"}');
  const dic = term.t;
  const parts: LabelPart[] = [];
  if (requisite.t !== 1) {
    for (const def of ctx.meta.childRows(term.id).filter((r) => r.t !== r.up)) {
      const targetReq = ctx.meta.childRows(dic).find((r) => r.t === def.t);
      if (!targetReq) continue;
      const defTerm = ctx.meta.get(def.t);
      const defBase = defTerm ? ctx.meta.get(defTerm.t) : undefined;
      parts.push({ reqId: targetReq.id, refTable: defTerm && defBase && defBase.id !== defBase.t ? defTerm.t : null });
    }
  }
  const filters: ListFilter[] = [];
  const q = ctx.str('q');
  if (q !== '') {
    const search = q.includes('%') ? q : q.replace(/ ?\/ ?/g, '%/%');
    filters.push({ column: { kind: 'first' }, predicate: { op: 'like', pattern: `%${search}%` } });
  }
  let restrict: Set<number> | null = null;
  if (ctx.has('r') && parts.length) {
    const r = ctx.str('r');
    if (r.includes(',')) restrict = new Set(r.split(',').filter(isNumeric).map(toInt));
    else if (isNumeric(r)) restrict = new Set([toInt(r)]);
  }
  const maskGroups = listMaskGroups(ctx, dic, false);
  const records = await ctx.t.listRecords({ typeId: dic, parent: { kind: 'recordParent' }, filters, maskGroups, order: { by: 'id' }, limit: DROPDOWN_ITEMS });
  const cells = parts.length && records.length ? await ctx.t.cellsOf(records.map((r) => r.id)) : [];
  const options: { id: number; val: string; label: string }[] = [];
  for (const rec of records) {
    const own = cells.filter((c) => c.up === rec.id);
    let label = rec.val;
    let firstPartId: number | null = null;
    parts.forEach((part, i) => {
      const cell = part.refTable !== null ? own.find((c) => c.targetType === part.refTable) : own.find((c) => c.t === part.reqId);
      const value = cell ? (part.refTable !== null ? cell.targetVal : cell.val) : null;
      if (i === 0 && cell) firstPartId = part.refTable !== null ? cell.t : cell.id;
      label += value !== null && value !== undefined ? ` / ${value}` : ' / --';
    });
    if (restrict && (firstPartId === null || !restrict.has(firstPartId))) continue;
    options.push({ id: rec.id, val: rec.val, label });
  }
  options.sort((a, b) => collateCompare(a.val, b.val) || a.id - b.id);
  if (!options.length) ctx.dieJson([]);
  const out: Record<string, string> = {};
  for (const o of options) out[String(o.id)] = o.label;
  ctx.dieJson(out);
}
