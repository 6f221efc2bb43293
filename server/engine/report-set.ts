/**
 * A confirmed report "Set" (132): the values a report run stores (docs/legacy-api.md, "Reports",
 * Set), column after column as the engine writes them (recorded: rep-set, rep-set2, rep-set3).
 *
 * - A cell the row has gets the whole value, stored as `_m_set` stores that base; a value that is
 *   NULL or '' deletes it.
 * - A cell the row does not have is created under the row's record, one cell per run of letters,
 *   digits and spaces of the stored value (the engine's split: `'red, green; red'` makes `red`,
 *   ` green`, ` red`, ord 1, 2, 3; a run repeated in one value once). A value without such a run is
 *   queued by the engine and written only if a later new cell of the same run is (the engine's
 *   batch is flushed there and nowhere else): so here too.
 * - A reference takes the target record of the value: a number is that record's id (nothing when
 *   there is none); a text is split into words (the same runs, trimmed; compared case-blind), each
 *   the target's record of that value or a new record of the target table (created once per word
 *   for the whole column before any row is written; ours needs WRITE on the target table). A row
 *   that has the reference gets the first word's record; a row without it gets one reference per
 *   word (the engine's multi-select fan-out).
 * A Set that is `[THIS]` alone stores the value the row shows (its formula applied), and a cell whose
 * new value is what the row shows is not written (so that Set writes nothing: rep-set5).
 * The answer shows the stored values, a NUMBER or SIGNED column's as JSON numbers, a reference's as
 * the word that named it.
 */
import type { NewRow, ReportCell } from '../storage/types.js';
import type { RequestContext } from './context.js';
import { firstLevel } from './access.js';
import { formatVal } from './format.js';
import { floatToString } from './php.js';
import type { ReportPlan, SetTarget } from './report-plan.js';

/** the engine's runs of a value it writes as several records */
const WORD_RUNS = /[а-яА-Яa-zA-Z0-9\s]+/gu;

/** a value as the PHP engine reads it from MySQL: text, numbers in their shortest form, NULL as '' */
export function cellText(value: ReportCell): string {
  if (value === null) return '';
  if (typeof value === 'number') return floatToString(value);
  return value;
}

/**
 * The engine's insert batch: rows queued and written together, grouped by parent in the order the
 * parents were first queued; what is still queued when the run ends is never written.
 */
class InsertBatch {
  private readonly queued = new Map<number, NewRow[]>();

  constructor(private readonly ctx: RequestContext) {}

  add(row: NewRow): void {
    const rows = this.queued.get(row.up) ?? [];
    // the very same row queued twice is written once
    if (rows.some((r) => r.ord === row.ord && r.t === row.t && r.val === row.val)) return;
    rows.push(row);
    this.queued.set(row.up, rows);
  }

  async flush(): Promise<void> {
    const rows = [...this.queued.values()].flat();
    this.queued.clear();
    if (rows.length) await this.ctx.t.insertMany(rows);
  }
}

/** a reference value resolved: the target ids in the value's order (new ones by their word) and the word naming the first */
interface RefValue {
  ids: (number | string)[];
  shown: string;
}

/**
 * The words of a reference value resolved against the target table: `known` keeps the records found
 * or to be created (by the lower-cased word) for the whole column, `pending` the words to create in
 * the order first met.
 */
async function resolveRef(ctx: RequestContext, target: number, value: string, known: Map<string, number | string>, pending: string[]): Promise<RefValue | null> {
  if (/^\d+$/.test(value)) {
    const row = await ctx.t.get(Number(value));
    return row && row.t === target && row.up > 0 ? { ids: [row.id], shown: row.val } : null;
  }
  const words = [...value.matchAll(WORD_RUNS)].map((m) => m[0].trim()).filter((w) => w !== '');
  const ids: (number | string)[] = [];
  let shown = '';
  for (const word of words) {
    const key = word.toLowerCase();
    let id = known.get(key);
    if (id === undefined) {
      // letters, digits and spaces only: nothing LIKE would read as a wildcard
      const [row] = await ctx.t.find({ t: target, upGreaterThan: 0, valLike: word }, { limit: 1 });
      id = row ? row.id : key;
      if (!row) pending.push(word);
      known.set(key, id);
    }
    if (ids.includes(id)) continue;
    if (ids.length === 0) shown = word;
    ids.push(id);
  }
  return ids.length ? { ids, shown } : null;
}

/** a reference Set: resolve every row first (creating the new targets once), then write row by row */
async function storeRefs(ctx: RequestContext, target: Extract<SetTarget, { kind: 'ref' }>, values: { record: number; text: string; cellId: ReportCell }[], batch: InsertBatch, rows: string[][], rowIndexes: number[]): Promise<void> {
  const known = new Map<string, number | string>();
  const pending: string[] = [];
  const resolved: (RefValue | null)[] = [];
  for (const { text } of values) resolved.push(text === '' ? null : await resolveRef(ctx, target.target, text, known, pending));
  if (pending.length && firstLevel(ctx, target.target) !== 'WRITE') {
    ctx.myDie(`Нет доступа на запись в таблицу ${ctx.meta.get(target.target)?.val ?? target.target}: значение «${pending[0]}» не создано`, 403);
  }
  const created = new Map<string, number>();
  for (const word of pending) created.set(word.toLowerCase(), await ctx.t.insert({ up: 1, ord: 1, t: target.target, val: word }));
  const idOf = (id: number | string): number => (typeof id === 'number' ? id : created.get(id)!);
  for (const [k, { record, text, cellId }] of values.entries()) {
    const r = rowIndexes[k];
    const [cell] = cellId === null ? [] : await ctx.t.find({ up: record, val: String(target.reqId), t: Number(cellId) }, { limit: 1 });
    if (text === '') {
      if (cell) await ctx.t.deleteIds([cell.id]);
      rows[r][target.column] = '';
      continue;
    }
    const value = resolved[k];
    if (value === null) continue;
    const [first, ...more] = value.ids.map(idOf);
    if (cell) await ctx.t.update(cell.id, { t: first });
    else {
      batch.add({ up: record, ord: 1, t: first, val: String(target.reqId) });
      more.forEach((id, i) => batch.add({ up: record, ord: 1 + i, t: id, val: String(target.reqId) }));
      await batch.flush();
    }
    rows[r][target.column] = value.shown;
  }
}

/** the confirmed run's writes; the answer's rows take the stored values; the columns whose values are numbers */
export async function storeSetValues(ctx: RequestContext, plan: ReportPlan, raw: ReportCell[][], rows: string[][]): Promise<Set<number>> {
  const { first, targets } = plan.writeBack!;
  const numeric = new Set<number>();
  const env = ctx.formatEnv();
  const batch = new InsertBatch(ctx);
  for (const [k, target] of targets.entries()) {
    const rowIndexes: number[] = [];
    const values: { record: number; text: string; cellId: ReportCell }[] = [];
    // each cell once (a record met again in a later row keeps that row as it was), a row without
    // the target's record (a reference to nothing) writes nothing
    const done = new Set<string>();
    raw.forEach((line, r) => {
      const record = line[first + 2 * targets.length + target.owner];
      if (record === null) return;
      const cellId = line[first + 2 * k];
      // a reference cell is known by its record and its target
      const once = cellId === null ? `r${cellText(record)}` : target.kind === 'ref' ? `c${cellText(record)}:${cellText(cellId)}` : `c${cellText(cellId)}`;
      if (done.has(once)) return;
      done.add(once);
      const computed = line[first + 1 + 2 * k];
      rowIndexes.push(r);
      values.push({ record: Number(record), text: target.shown ? rows[r][target.column] : computed === null ? '' : cellText(computed), cellId });
    });
    if (target.kind === 'ref') {
      await storeRefs(ctx, target, values, batch, rows, rowIndexes);
      continue;
    }
    for (const [i, { record, text, cellId }] of values.entries()) {
      const r = rowIndexes[i];
      if (text === '') {
        if (cellId !== null) await ctx.t.deleteIds([Number(cellId)]);
        rows[r][target.column] = '';
        continue;
      }
      const val = formatVal(target.base, text, { ...env, warn: () => undefined });
      // a cell whose new value is what the row shows is left as it is, and so is the row
      if (cellId !== null && val === rows[r][target.column]) continue;
      rows[r][target.column] = val;
      if (target.base === 'NUMBER' || target.base === 'SIGNED') numeric.add(target.column);
      if (cellId !== null) {
        await ctx.t.update(Number(cellId), { val });
        continue;
      }
      const runs = [...val.matchAll(WORD_RUNS)].map((m) => m[0]);
      if (runs.length === 0) {
        batch.add({ up: record, ord: 1, t: target.reqId, val });
        continue;
      }
      let ord = 1;
      const seen = new Set<string>();
      for (const run of runs) {
        if (seen.has(run)) continue;
        seen.add(run);
        batch.add({ up: record, ord: ord++, t: target.reqId, val: run });
      }
      await batch.flush();
    }
  }
  return numeric;
}
