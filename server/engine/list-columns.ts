/**
 * The columns of a table as lists and the record card show them: its requisites in
 * order, without those the user's grants bar, references under their alias.
 */
import type { RequestContext } from './context.js';
import { BASE_NAMES, type ReqInfo } from './meta.js';
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
