/**
 * Sub-reports: `[name]` of another report inside a report's formula, filter, WHERE or HAVING
 * (docs/legacy-api.md, "Reports"; recorded in rep-sub.jsonl). The engine pastes the other report's
 * SQL there as a subquery; it depends on nothing of the outer row, so ours runs it first, by the
 * same planner and the same request (the request's FR_/TO_ filter it too, as recorded), and the
 * outer report uses its values as parameters: one value where a value stands (NULL when it finds
 * nothing, an error when it finds several rows), all its values in `IN ([name])`. The value is a
 * sub-report's first column, unformatted, as the engine's subquery gives it.
 */
import type { ReportCell } from '../storage/types.js';
import type { RequestContext } from './context.js';
import { REPORT } from './ids.js';
import { loadReport, type ReportDef } from './report-model.js';
import { applySelectToSubReport } from './report-select.js';

/** a sub-report's values (its first column, row by row), or why it has none */
export type SubReportValue = { values: ReportCell[] } | { error: string };
/** sub-reports by the name written in brackets */
export type SubReports = ReadonlyMap<string, SubReportValue>;

/** runs a report's definition with its sub-reports' values; the rows' first shown column, or an error */
export type RunSubReport = (def: ReportDef, subs: SubReports) => Promise<SubReportValue>;

const BRACKETS = /\[([^[\]]+)\]/g;
/** sub-reports inside sub-reports, at most this deep */
const MAX_DEPTH = 8;

/** the texts of a report where the engine looks for `[name]` */
function textsOf(ctx: RequestContext, def: ReportDef): string[] {
  const out = [def.params.get('WHERE') ?? '', def.params.get('HAVING') ?? '', ctx.str('WHERE')];
  for (const c of def.columns) out.push(c.formula, c.filterFrom, c.filterTo, c.resultFrom, c.resultTo);
  return out;
}

/**
 * The values of the sub-reports a report names, each run once per request; a name that is no
 * report is left out (the planner then reads it as a built-in, or refuses it).
 */
export async function loadSubReports(ctx: RequestContext, def: ReportDef, run: RunSubReport, chain: readonly number[] = []): Promise<SubReports> {
  const names = new Set<string>();
  for (const text of textsOf(ctx, def)) for (const m of text.matchAll(BRACKETS)) if (m[1].toUpperCase() !== 'THIS') names.add(m[1]);
  const out = new Map<string, SubReportValue>();
  if (names.size === 0) return out;
  const records = await ctx.t.find({ t: REPORT, val: [...names] });
  for (const name of names) {
    // the first report of that name, as the engine's lookup by name finds it
    const record = records.filter((r) => r.val === name).sort((a, b) => a.id - b.id)[0];
    if (!record) continue;
    if (record.id === def.id || chain.includes(record.id)) {
      out.set(name, { error: `подотчёт [${name}] ссылается сам на себя` });
      continue;
    }
    if (chain.length >= MAX_DEPTH) {
      out.set(name, { error: `подотчёт [${name}]: больше ${MAX_DEPTH} уровней вложенных отчётов` });
      continue;
    }
    const sub = applySelectToSubReport(ctx, await loadReport(ctx, record));
    if (sub.columns.length === 0) {
      out.set(name, { error: `подотчёт [${name}] пуст` });
      continue;
    }
    const subs = await loadSubReports(ctx, sub, run, [...chain, def.id]);
    out.set(name, await run(sub, subs));
  }
  return out;
}
