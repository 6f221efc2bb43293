/**
 * `report/{id|name}`: runs a report (docs/legacy-api.md, "Reports").
 *
 * The definition (report-model.ts), reshaped by the request's SELECT (report-select.ts), becomes a
 * ReportQuery — joined tables and expression trees (report-plan.ts); the store compiles that into
 * one parameterised statement (plus one to count for RECORD_COUNT, and one per sub-report it
 * names, report-sub.ts). Values are shown by their column's format, totals are computed here over
 * the rows, and the answer takes the shape the JSON flag asks for.
 */
import type { ReportCell } from '../storage/types.js';
import type { RequestContext } from './context.js';
import { numId, type CommandState } from './command-state.js';
import { checkGrantOrDie } from './access.js';
import { checkXsrf } from './auth.js';
import { checkValGranted } from './masks.js';
import { REPORT } from './ids.js';
import { isStoreError } from '../storage/errors.js';
import { formatView } from './format.js';
import { floatToString, toFloat } from './php.js';
import { loadReport, type ReportDef } from './report-model.js';
import { applySelect } from './report-select.js';
import { loadSubReports, type SubReports, type SubReportValue } from './report-sub.js';
import { cellText, storeSetValues } from './report-set.js';
import { planReport, ReportLinkError, ReportUnsupported, URL_REFUSED, type PlannedColumn, type ReportPlan } from './report-plan.js';

/** PHP prints a float with 14 significant digits */
function phpFloat(n: number): string {
  return floatToString(Number(n.toPrecision(14)));
}

function computeTotal(kind: string, values: string[]): string {
  const numbers = values.map((v) => toFloat(v));
  switch (kind.toUpperCase()) {
    case 'SUM': return phpFloat(numbers.reduce((a, b) => a + b, 0));
    case 'COUNT': return String(values.length);
    case 'AVG': return values.length ? phpFloat(numbers.reduce((a, b) => a + b, 0) / values.length) : '';
    case 'MIN': return values.length ? phpFloat(Math.min(...numbers)) : '';
    case 'MAX': return values.length ? phpFloat(Math.max(...numbers)) : '';
    default: return '';
  }
}

/** functions a request's TOTALS may name (the engine's list of SQL aggregates, case-sensitive) */
const REQUEST_TOTALS = new Set(['AVG', 'COUNT', 'MAX', 'MIN', 'SUM', 'GROUP_CONCAT', 'JSON_ARRAYAGG']);

/**
 * totals asked for by the columns (t72), or instead by the request's TOTALS=<col id>:<FN>,… when
 * it names at least one column by id with a known function (recorded: a name is ignored)
 */
function totalsOf(ctx: RequestContext, columns: PlannedColumn[]): Map<number, string> {
  const requested = new Map<number, string>();
  for (const part of ctx.str('TOTALS').split(',')) {
    const [key, fn] = part.split(':');
    if (key === undefined || fn === undefined || !REQUEST_TOTALS.has(fn)) continue;
    const column = columns.find((c) => String(c.def.id) === key);
    if (column) requested.set(column.def.id, fn);
  }
  if (requested.size) return requested;
  const stored = new Map<number, string>();
  for (const c of columns) if (c.def.total !== '') stored.set(c.def.id, c.def.total);
  return stored;
}

/** a total shown like the column's values (a COUNT column's as a NUMBER), as the engine formats it */
function totalText(ctx: RequestContext, column: PlannedColumn, fn: string, values: string[]): string {
  const raw = computeTotal(fn, values);
  if (!['SUM', 'AVG', 'MIN', 'MAX', 'COUNT'].includes(fn.toUpperCase())) return fn;
  return formatView(column.def.fn.toUpperCase() === 'COUNT' ? 'NUMBER' : column.format, raw, ctx, true);
}

/** a column's id in the answers: its record's, or for a column the request's SELECT added, its formula */
const columnId = (c: PlannedColumn) => c.def.dynamic ?? String(c.def.id);

/** JSON_CR's `type`: the PHP engine takes it from the last shown column for all of them */
function crType(shown: PlannedColumn[]): string {
  const last = shown[shown.length - 1];
  return last && last.def.fn === '' && (last.format === 'NUMBER' || last.format === 'SIGNED') ? 'number' : 'string';
}

function answer(ctx: RequestContext, def: ReportDef, columns: PlannedColumn[], rows: string[][], numeric?: Set<number>): never {
  // the request's SELECT chooses the columns and their order (report-select.ts)
  const order = def.show ?? columns.map((_, i) => i);
  const shown = order.map((i) => ({ c: columns[i], i })).filter(({ c }) => !c.def.hidden);
  const key = (c: PlannedColumn) => c.key;
  // recorded (rep-select): JSON_KV and JSON_CR give a column the SELECT added no value (null)
  const keyed = (c: PlannedColumn, value: string | number) => (c.def.dynamic !== undefined ? null : value);
  if (ctx.has('JSON_KV')) {
    ctx.headersOut['X-Query-Id'] = String(def.id);
    ctx.headersOut['X-Query-Name'] = encodeURIComponent(def.name);
    // values a confirmed Set just stored into a NUMBER column come as numbers (recorded: rep-set)
    const value = (r: string[], i: number) => (numeric?.has(i) && r[i] !== '' && Number.isFinite(Number(r[i])) ? Number(r[i]) : r[i]);
    ctx.apiDump(rows.map((r) => Object.fromEntries(shown.map(({ c, i }) => [key(c), keyed(c, value(r, i))]))), `${def.name}.json`);
  }
  if (ctx.has('JSON_DATA')) {
    ctx.dieJson(Object.fromEntries(shown.map(({ c, i }) => [key(c), rows.map((r) => r[i])])));
  }
  if (ctx.has('JSON_CR')) {
    const type = crType(shown.map(({ c }) => c));
    ctx.dieJson({
      columns: shown.map(({ c }) => ({ id: columnId(c), name: key(c), type })),
      rows: rows.map((r) => Object.fromEntries(shown.map(({ c, i }) => [columnId(c), keyed(c, r[i])]))),
      totalCount: rows.length,
    });
  }
  const totals = totalsOf(ctx, columns);
  ctx.dieJson({
    columns: shown.map(({ c, i }) => {
      const out: Record<string, unknown> = { id: columnId(c), type: c.def.source === 0 ? '' : String(c.def.source), format: c.format, name: key(c) };
      // the engine sets the flag only for a column the user may write (never `granted: 0`)
      if (c.granted === 1) out.granted = 1;
      if (c.refTarget !== null) {
        out.ref = 1;
        out.orig = String(c.refTarget);
      }
      if (totals.size) {
        const fn = totals.get(c.def.id);
        out.totals = fn ? totalText(ctx, c, fn, rows.map((r) => r[i])) : '';
      }
      return out;
    }),
    data: shown.map(({ i }) => rows.map((r) => r[i])),
    header: def.name,
  });
}

/** the PHP engine puts a failed query's error into the first cell; ours names the faulty part, never SQL */
function errorAnswer(ctx: RequestContext, def: ReportDef, columns: PlannedColumn[], message: string): never {
  const first = (def.show ?? columns.map((_, i) => i)).find((i) => !columns[i].def.hidden);
  const row = columns.map((_, i) => (i === first ? `Ошибка в отчёте ${def.name}: ${message}` : ''));
  answer(ctx, def, columns, [row]);
}

export async function report(ctx: RequestContext, s: CommandState): Promise<never> {
  const id = numId(s);
  await checkGrantOrDie(ctx, id, 0, 'READ');
  // a readable record that is not a report gets the same answer as a report name not found
  const record = id > 0 ? await ctx.t.get(id) : null;
  if (!record || record.t !== REPORT) ctx.myDie('Запрос не найден');
  // the masks of the report table on the report's own record (its name): a mask that does not match
  // refuses, and so does a set of masks none of which applies when the role has no grant on the
  // report table itself (the engine's message then names nothing: its variables are unset there)
  if (checkValGranted(ctx, REPORT, record.val, record.id) === 'BARRED') ctx.myDie('У вас нет доступа к этому объекту ())! ()');
  const def = applySelect(ctx, await loadReport(ctx, record));
  if (def.columns.length === 0) ctx.myDie(`Пустой отчет ${def.name}`);
  const execute = (def.params.get('EXECUTE') ?? '') !== '';
  const writesBack = def.columns.some((c) => c.set.trim() !== '') && (ctx.has('confirmed') || execute);
  // as the engine's check(): a confirmed run changes data, so it needs the session's _xsrf (EXECUTE does not)
  if (writesBack && !execute) checkXsrf(ctx);
  const subs = await loadSubReports(ctx, def, (sub, subSubs) => runSubReport(ctx, sub, subSubs));
  let plan: ReportPlan;
  try {
    plan = planReport(ctx, def, writesBack ? 'confirmed' : 'preview', subs);
  } catch (err) {
    if (err instanceof ReportUnsupported) ctx.dieJson([{ error: err.message }], 501);
    if (err instanceof ReportLinkError) ctx.dieText(err.message);
    throw err;
  }
  if (plan.error !== null) errorAnswer(ctx, def, plan.columns, plan.error);
  let raw: ReportCell[][];
  try {
    if (ctx.has('RECORD_COUNT')) ctx.dieJson({ count: String(await ctx.t.reportCount(plan.query)) });
    raw = await ctx.t.reportRows(plan.query);
  } catch (err) {
    if (isStoreError(err, 'report_value')) errorAnswer(ctx, def, plan.columns, 'значение не вычисляется (число вне диапазона или не число)');
    throw err;
  }
  const rows = raw.map((values, rowIndex) => plan.columns.map((c, i) => {
    // a deliberate difference (docs/compatibility.md, "Security"): the report's URL is never fetched
    if (c.urlFetch) return URL_REFUSED;
    const text = c.rowNumber ? String(rowIndex + 1) : cellText(values[i]);
    return formatView(c.format, text, ctx, true);
  }));
  let numeric: Set<number> | undefined;
  if (plan.writeBack) numeric = await storeSetValues(ctx, plan, raw, rows);
  // nothing found: one row of the if-empty value (113), as it is, when the report has one
  if (rows.length === 0 && def.ifEmpty !== null) rows.push(plan.columns.map(() => def.ifEmpty!));
  answer(ctx, def, plan.columns, rows, numeric);
}

/**
 * A sub-report's values: its first shown column, unformatted (the engine's subquery), its if-empty
 * value (113) when it finds nothing; what would be its own error answer is the outer report's error.
 */
async function runSubReport(ctx: RequestContext, def: ReportDef, subs: SubReports): Promise<SubReportValue> {
  const failed = (message: string): SubReportValue => ({ error: `подотчёт [${def.name}]: ${message}` });
  // the engine's subquery takes the first shown column only: the others are neither selected nor
  // grouped by (recorded: rep-selid, a SELECT's MAX on a sub-report's column); their filters stay
  const shownFirst = def.columns.findIndex((c) => !c.hidden);
  const firstOnly = { ...def, columns: def.columns.map((c, i) => (i === shownFirst ? c : { ...c, dropped: true })) };
  let plan: ReportPlan;
  try {
    plan = planReport(ctx, firstOnly, 'none', subs);
  } catch (err) {
    if (err instanceof ReportUnsupported || err instanceof ReportLinkError) return failed(err.message);
    throw err;
  }
  if (plan.error !== null) return failed(plan.error);
  const first = plan.columns.findIndex((c) => !c.def.hidden);
  if (first < 0) return failed('нет видимых колонок');
  let raw: ReportCell[][];
  try {
    raw = await ctx.t.reportRows(plan.query);
  } catch (err) {
    if (isStoreError(err, 'report_value')) return failed('значение не вычисляется (число вне диапазона или не число)');
    throw err;
  }
  const values = raw.map((row, i): ReportCell => (plan.columns[first].urlFetch ? URL_REFUSED : plan.columns[first].rowNumber ? i + 1 : row[first]));
  if (values.length === 0 && def.ifEmpty !== null) values.push(def.ifEmpty);
  return { values };
}
