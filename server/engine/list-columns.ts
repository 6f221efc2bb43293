/**
 * The columns of a table as lists and the record card show them: its requisites in
 * order, without those the user's grants bar, references under their alias.
 */
import type { Row } from '../storage/types.js';
import type { RequestContext } from './context.js';
import { BASE_NAMES, type ReqInfo, type TenantMeta } from './meta.js';
import { attrsAlias } from './attrs.js';

/** one column of a list: requisite id, or the child type id for a subordinate table */
export interface ListCol {
  key: number;
  req: ReqInfo;
  /** column name (alias applied for references only, as the engine does) */
  name: string;
  baseId: number | null;
  baseName: string;
  isRef: boolean;
  isArr: boolean;
}

/** the columns of table `typeId` for the request's user, in requisite order */
export function listColumns(ctx: RequestContext, typeId: number): ListCol[] {
  const grants = ctx.session!.grants;
  const out: ListCol[] = [];
  for (const req of ctx.meta.reqsOf(typeId)) {
    if (grants.levels.get(String(req.id)) === 'BARRED') continue;
    const isRef = req.refTarget !== null;
    const isArr = req.arrType !== null;
    out.push({
      key: isArr ? req.arrType! : req.id,
      req,
      name: isRef ? attrsAlias(req.attrs, req.name) : req.name,
      baseId: req.base,
      baseName: BASE_NAMES[req.base ?? 0] ?? '',
      isRef,
      isArr,
    });
  }
  return out;
}

/** a column of another table that refers to a table (the links view's `&reqs_links`) */
export interface ReferringColumn {
  /** the table the column belongs to */
  table: number;
  /** the column (requisite row) id */
  column: number;
  /** "Table.Column", the column's alias when it has one */
  label: string;
}

/**
 * The columns that refer to table `typeId`: the columns whose type is a reference type (a row up=0,
 * t=typeId) of it, in the order MySQL gives the engine's join (by reference type, then by the
 * owning table, then by column id: its index on t, up).
 */
export function referringColumns(meta: TenantMeta, typeId: number): ReferringColumn[] {
  const targetName = meta.get(typeId)?.val ?? '';
  const refTypes = [...meta.rows.values()].filter((r) => r.up === 0 && r.t === typeId).sort((a, b) => a.id - b.id);
  const out: ReferringColumn[] = [];
  for (const refType of refTypes) {
    const cols: Row[] = [];
    for (const list of meta.children.values()) for (const req of list) if (req.t === refType.id) cols.push(req);
    cols.sort((a, b) => a.up - b.up || a.id - b.id);
    for (const req of cols) {
      // the owner is a table, or the grant column (116: a row under the role table with columns of its own)
      const owner = meta.get(req.up) ?? [...meta.children.values()].flat().find((r) => r.id === req.up);
      if (!owner) continue;
      out.push({ table: req.up, column: req.id, label: `${owner.val}.${attrsAlias(req.val, targetName)}` });
    }
  }
  return out;
}
