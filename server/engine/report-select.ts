/**
 * The request's `SELECT` of a report run (docs/legacy-api.md, "Reports"; recorded in
 * rep-select.jsonl): a comma list of items `<what>[:<function>]`, `\,` and `\:` standing for a
 * comma and a colon inside an item.
 * - An item whose `<what>` is a column record's id names that column; a `<what>` that is none adds a
 *   calculated column with `<what>` as its formula (empty: the formula `''`), filtered by the
 *   request's `FR_<position of the item, from 0>`, its name and id being the formula text.
 * - When an item names a column, the items' functions (upper-cased, none when absent) replace every
 *   stored function; the columns not named lose theirs.
 * - When an item names a column, only the columns named are shown, in the order of the items; the
 *   others keep their filters but are neither shown nor grouped by.
 * The engine splits the items as below, before and after undoing the escapes, and so do we: an item
 * with `:` in its formula (`:<id>:*2`) is an empty formula, as recorded; `\:<id>\:` in a formula is
 * the value of the column with that id.
 * - With a SELECT, `:<id>:` in the report's stored formulas is that column's value too (recorded in
 *   rep-selid.jsonl; without a SELECT the engine leaves the text in its SQL, which then fails).
 * - The sub-reports a report runs meet the same SELECT (rep-selid): its functions replace theirs when
 *   an item names one of their columns, and `:<id>:` of their formulas is read; the columns they show
 *   and the columns the SELECT adds are the outer report's only (applySelectToSubReport).
 */
import type { RequestContext } from './context.js';
import type { ReportColumnDef, ReportDef } from './report-model.js';

/** the engine refuses SQL words in a calculated field (die_info, 200 text) */
const SQL_WORD = /\b(from|select|table)\b/i;

/**
 * `:<column id>:` in a formula the SELECT adds is that column's value (the engine replaces it by the
 * column's field); it becomes a name the planner resolves by this prefix (report-plan.ts)
 */
export const COLUMN_BY_ID = '__column_';

const unescape = (text: string) => text.replace(/%3a/g, ':').replace(/%2c/g, ',');

function items(select: string): string[][] {
  return select.replace(/\\,/g, '%2c').split(',').map((item) => item.replace(/\\:/g, '%3a').split(':'));
}

/** `:<id>:` of a column of the report as the name the planner reads as that column */
function byColumnId(text: string, ids: Set<string>): string {
  return text.replace(/:(\d+):/g, (whole, ref: string) => (ids.has(ref) ? `${COLUMN_BY_ID}${ref}` : whole));
}

function dynamicColumn(id: number, text: string, filterFrom: string, ids: Set<string>): ReportColumnDef {
  return {
    id, source: 0, name: '', formula: byColumnId(text, ids), filterFrom, filterTo: '', resultFrom: '', resultTo: '',
    fn: '', total: '', format: '', hidden: false, sort: 0, alias: '', set: '', dynamic: text,
  };
}

/** the stored columns with `:<id>:` of their formulas read (only a request with a SELECT gets here) */
function storedColumns(def: ReportDef): { columns: ReportColumnDef[]; ids: Set<string> } {
  const ids = new Set(def.columns.map((c) => String(c.id)));
  return { columns: def.columns.map((c) => (c.formula.includes(':') ? { ...c, formula: byColumnId(c.formula, ids) } : c)), ids };
}

/** the SELECT's functions by column index (looked up before the escapes are undone); empty when no item names a column */
function functionsOf(parsed: string[][], byKey: ReadonlyMap<string, number>): Map<number, string> {
  const functions = new Map<number, string>();
  for (const [what, fn] of parsed) {
    const index = byKey.get(what);
    if (index !== undefined) functions.set(index, (fn ?? '').toUpperCase());
  }
  return functions;
}

function withFunctions(columns: ReportColumnDef[], functions: ReadonlyMap<number, string>): ReportColumnDef[] {
  return functions.size ? columns.map((c, i) => ({ ...c, fn: functions.get(i) ?? '', fnFromRequest: true })) : columns;
}

/** the report as the request's SELECT reshapes it; the definition itself when there is none */
export function applySelect(ctx: RequestContext, def: ReportDef): ReportDef {
  if (!ctx.has('SELECT')) return def;
  const parsed = items(ctx.str('SELECT'));
  const { columns, ids } = storedColumns(def);
  /** the engine's lookup of an item: a column record id, or the formula of a column added before */
  const byKey = new Map<string, number>(columns.map((c, i) => [String(c.id), i]));
  parsed.forEach(([what], position) => {
    if (byKey.has(what)) return;
    const formula = what === '' ? "''" : unescape(what);
    if (SQL_WORD.test(formula)) {
      ctx.dieText(`Недопустимое значение вычисляемого поля: нельзя использовать служебные слова SQL. Найдено: ${SQL_WORD.exec(formula)![0]}`);
    }
    const filter = ctx.has(`FR_${position}`) ? ctx.str(`FR_${position}`) : '';
    byKey.set(formula, columns.length);
    // ids below zero: a column added here is never named by ORDER, TOTALS or FR_<id>
    columns.push(dynamicColumn(-columns.length - 1, formula, filter, ids));
  });
  const functions = functionsOf(parsed, byKey);
  // the shown columns: looked up after the escapes are undone, in the items' order
  const show: number[] = [];
  for (const [what] of parsed) {
    const index = byKey.get(unescape(what));
    if (index !== undefined && !show.includes(index)) show.push(index);
  }
  const reshaped = withFunctions(columns, functions).map((c, i) => (show.length && !show.includes(i) ? { ...c, dropped: true } : c));
  return { ...def, columns: reshaped, ...(show.length ? { show } : {}) };
}

/**
 * A sub-report as the request's SELECT reaches it (recorded: rep-selid): the functions of the items
 * that name its columns replace all of its own, `:<id>:` of its formulas is read; nothing is added
 * to it and it keeps its columns.
 */
export function applySelectToSubReport(ctx: RequestContext, def: ReportDef): ReportDef {
  if (!ctx.has('SELECT')) return def;
  const { columns } = storedColumns(def);
  const byKey = new Map<string, number>(columns.map((c, i) => [String(c.id), i]));
  return { ...def, columns: withFunctions(columns, functionsOf(items(ctx.str('SELECT')), byKey)) };
}
