/**
 * The pickers the engine adds to the `JSON` list of a table whose first column is GRANT or
 * REPORT_COLUMN (docs/legacy-api.md, "Pickers of GRANT and REPORT_COLUMN tables"): `&grant_list`
 * (every table and column a grant may name, then the pseudo objects) and `&rep_col_list` with its
 * API twin `rep_col_list` (every table and column a report column may name, then the calculated
 * column). Built from the metadata snapshot, plus the records of the list's parent for the report
 * columns already chosen there.
 */
import type { Row } from '../storage/types.js';
import type { RequestContext } from './context.js';
import type { TenantMeta } from './meta.js';
import { grantOk } from './access.js';
import { attrsAlias } from './attrs.js';
import { BASE_NAMES, collateCompare, isBaseTypeId } from './meta.js';
import { GRANT_PSEUDO_OBJECTS } from './ids.js';
import { CALCULATED_COLUMN, usedAsColumn } from './rep-cols.js';

/** A picker block of the page: parallel lists of ids and labels. */
export interface PickerBlock {
  id: string[];
  val: string[];
}

/** One entry of `rep_col_list`. */
export interface PickerColumn {
  id: string;
  name: string;
  type?: string | null;
  table?: string;
  base?: string | null;
  ref?: string | null;
}

const REPORT_COLUMN_BASE = 16;

/** the columns of a type (its rows but a self-descriptor) */
function columnsOf(meta: TenantMeta, id: number): Row[] {
  return (meta.children.get(id) ?? []).filter((req) => req.t !== req.up);
}

/** a table or column row and its sorting: by name, then the column's order (a table alone first) */
interface Joined { par: Row; req: Row | null }
function byNameThenOrd(a: Joined, b: Joined): number {
  return collateCompare(a.par.val, b.par.val) || (a.req?.ord ?? -1) - (b.req?.ord ?? -1) || a.par.id - b.par.id || (a.req?.id ?? 0) - (b.req?.id ?? 0);
}

/**
 * `&grant_list`: every named table and column type (not a base type), each followed by its columns
 * as `Table -> Column`; a type that is some table's column is dropped from the list, a column of
 * base type 0 is left out, a type of base 0 is left out whole; then the pseudo objects 0, 1, 10
 * unless a table of that id is listed (the list's picker) or always (`allPseudo`: the card's).
 */
export function grantPicker(meta: TenantMeta, allPseudo = false): PickerBlock {
  const joined: Joined[] = [];
  for (const gr of meta.rows.values()) {
    if (gr.up !== 0 || gr.t === gr.id || gr.val === '' || gr.t === 0) continue;
    const reqs = gr.id === 1 ? [] : columnsOf(meta, gr.id).filter((req) => meta.get(req.t) !== undefined);
    if (!reqs.length) joined.push({ par: gr, req: null });
    for (const req of reqs) if (meta.get(req.t)!.t !== 0) joined.push({ par: gr, req });
  }
  joined.sort(byNameThenOrd);
  const listed = new Map<number, string>();
  const existing = new Set<number>();
  const asColumn = new Set<number>();
  for (const { par, req } of joined) {
    if (!existing.has(par.id) && !asColumn.has(par.id)) {
      existing.add(par.id);
      listed.set(par.id, par.val);
    }
    if (req && !existing.has(req.id)) {
      asColumn.add(req.t);
      if (existing.has(req.t)) listed.delete(req.t);
      const reqType = meta.get(req.t)!;
      const ref = meta.get(reqType.t);
      const refVal = ref && ref.id !== ref.t ? ref.val : '';
      listed.set(req.id, `${par.val} -> ${reqType.val}${refVal}`);
    }
  }
  const block: PickerBlock = { id: [], val: [] };
  for (const [id, val] of listed) {
    block.id.push(String(id));
    block.val.push(val);
  }
  for (const [id, label] of GRANT_PSEUDO_OBJECTS) {
    if (existing.has(id) && !allPseudo) continue;
    block.id.push(String(id));
    block.val.push(label);
  }
  return block;
}

/** what the engine's join tells of one column (its type, name, reference, subordinate table, base) */
interface ColumnFacts {
  type: string | null;
  name: string;
  ref: string | null;
  subordinate: boolean;
  base: number | null;
}

function columnFacts(meta: TenantMeta, req: Row): ColumnFacts {
  // a free link (t = 1) names itself
  if (req.t === 1) return { type: '1', name: req.val, ref: '1', subordinate: false, base: null };
  const reqType = meta.get(req.t);
  if (!reqType) return { type: null, name: '', ref: null, subordinate: false, base: null };
  const target = meta.get(reqType.t);
  const referenced = target !== undefined && target.id !== target.t ? target : undefined;
  const subordinate = referenced === undefined && (meta.children.get(reqType.id) ?? []).some((r) => r.ord === 1);
  const named = reqType.val === '';
  return {
    type: String(reqType.id),
    name: named ? (referenced?.val ?? '') : reqType.val,
    ref: referenced ? String(referenced.id) : null,
    subordinate,
    base: named ? (referenced?.t ?? null) : reqType.t,
  };
}

/** the numeric value MySQL reads from a text (its leading number, 0 when there is none) */
function mysqlNumber(text: string): number {
  const m = /^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?/.exec(text);
  return m ? Number(m[0]) : 0;
}

/**
 * The tables the report columns already under `parentId` come from, with the tables they reference,
 * that reference them, their subordinate tables and the tables those are subordinate to; null when
 * there are no such columns (then every table is offered).
 */
async function chosenTables(ctx: RequestContext, parentId: number): Promise<Set<number> | null> {
  if (parentId === 0) return null;
  const { meta } = ctx;
  const columnTypes = [...meta.rows.values()].filter((r) => r.t === REPORT_COLUMN_BASE && r.id !== r.t).map((r) => r.id);
  if (!columnTypes.length) return null;
  const chosen = (await ctx.t.find({ up: parentId, t: columnTypes }))
    .filter((r) => mysqlNumber(r.val) !== 0)
    .sort((a, b) => a.ord - b.ord || a.id - b.id);
  if (!chosen.length) return null;
  const tables = new Set<number>();
  for (const col of chosen) {
    const req = await ctx.t.get(Math.trunc(mysqlNumber(col.val)));
    const par = req && req.id === mysqlNumber(col.val) ? await ctx.t.get(req.up) : null;
    tables.add(par ? par.id : Math.trunc(mysqlNumber(col.val)));
  }
  const hasFirstColumn = (id: number) => (meta.children.get(id) ?? []).some((r) => r.ord === 1);
  const related: [number, number][] = [];
  for (const typ of meta.rows.values()) {
    if (typ.val === '') continue;
    // tables with a reference to a chosen table
    for (const link of meta.children.get(typ.id) ?? []) {
      const ref = meta.get(link.t);
      if (ref && tables.has(ref.t)) related.push([ref.t, typ.id]);
    }
  }
  for (const x of tables) {
    for (const link of meta.children.get(x) ?? []) {
      const ref = meta.get(link.t);
      if (!ref) continue;
      related.push([x, ref.t]); // what a chosen table's columns point to
      if (ref.up === 0 && ref.val !== '' && hasFirstColumn(ref.id)) related.push([x, ref.id]); // its subordinate tables
    }
    const own = meta.get(x);
    if (own && own.up === 0 && hasFirstColumn(x)) {
      // the tables a chosen subordinate table belongs to
      for (const obj of meta.rows.values()) {
        if ((meta.children.get(obj.id) ?? []).some((r) => r.t === x)) related.push([x, obj.id]);
      }
    }
  }
  const found = new Set<number>();
  for (const pair of related) for (const id of pair) if (!isBaseTypeId(id)) found.add(id);
  return found.size ? found : tables;
}

/**
 * `&rep_col_list` and `rep_col_list`: with report columns already under the list's parent, the
 * tables related to theirs (chosenTables); otherwise every named table that is no other table's
 * column. Each table's own value, then its readable columns (not subordinate tables) as
 * `Table -> Column` or `Table -> Alias (Target)`; the calculated column last.
 */
export async function repColPicker(ctx: RequestContext, parentId: number): Promise<{ block: PickerBlock; api: PickerColumn[] }> {
  const { meta } = ctx;
  const chosen = await chosenTables(ctx, parentId);
  const skip = chosen ? new Set<number>() : usedAsColumn(meta);
  const pars = chosen
    ? [...chosen].map((id) => meta.get(id)).filter((r): r is Row => r !== undefined && r.id !== r.t)
    : [...meta.rows.values()].filter((r) => r.up === 0 && r.val !== '' && r.t !== r.id);
  const joined: Joined[] = [];
  for (const par of pars) {
    const reqs = columnsOf(meta, par.id);
    if (!reqs.length) joined.push({ par, req: null });
    for (const req of reqs) joined.push({ par, req });
  }
  joined.sort(byNameThenOrd);
  const block: PickerBlock = { id: [], val: [] };
  const api: PickerColumn[] = [];
  const listed = new Set<number>();
  for (const { par, req } of joined) {
    if (skip.has(par.id)) continue;
    const pid = String(par.id);
    if (!listed.has(par.id)) {
      listed.add(par.id);
      block.id.push(pid);
      block.val.push(par.val);
      api.push({ id: pid, name: par.val, type: pid, table: pid, base: BASE_NAMES[par.t] ?? null });
    }
    if (!req) continue;
    const facts = columnFacts(meta, req);
    if (facts.subordinate) continue;
    if (facts.type !== '1' && !(await grantOk(ctx, par.id, req.id, 'READ'))) continue;
    let name = `${par.val} -> ${facts.name}`;
    const aliased = facts.ref !== null && req.val !== '';
    if (aliased) {
      const alias = attrsAlias(req.val, facts.name);
      if (alias !== facts.name) name = `${par.val} -> ${alias} (${facts.name})`;
    }
    block.id.push(String(req.id));
    block.val.push(name);
    api.push({
      id: String(req.id), name, type: facts.type, base: facts.base === null ? '' : (BASE_NAMES[facts.base] ?? null), table: pid,
      ...(aliased ? { ref: facts.ref } : {}),
    });
  }
  block.id.push('0');
  block.val.push(CALCULATED_COLUMN);
  api.push({ id: '0', name: CALCULATED_COLUMN });
  return { block, api };
}
