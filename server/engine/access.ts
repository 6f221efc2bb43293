/**
 * grants.ts applied to one request: Check_Grant against the store (the row resolved
 * the way the PHP engine's "Get Object info" queries do) and Grant_1level against the
 * request's metadata.
 */
import type { RequestContext } from './context.js';
import { checkGrant, grantFirstLevel, type GrantResolver, type GrantRowInfo } from './grants.js';

export function resolverFor(ctx: RequestContext): GrantResolver {
  return {
    async resolve(id: number, t: number): Promise<GrantRowInfo | null> {
      const arrOf = (parTyp: number, objT: number): number => {
        const a = ctx.meta.childRows(parTyp).find((r) => r.t === objT && r.t !== r.up);
        return a ? a.id : -1;
      };
      if (t === 0) {
        const obj = await ctx.t.get(id);
        if (!obj) return null;
        const par = obj.up > 1 ? await ctx.t.get(obj.up) : null;
        return {
          t: obj.t, parTyp: par ? par.t : 1, parId: par ? par.id : 1, arr: par ? arrOf(par.t, obj.t) : -1, ref: obj.val,
        };
      }
      if (id === 1) return { t, parTyp: 1, parId: 1, arr: -1, ref: '' };
      const par = await ctx.t.get(id);
      if (!par) return null;
      let obj = (await ctx.t.find({ up: id, t, upGreaterThan: 1 }, { limit: 1 }))[0];
      if (!obj) {
        const byId = await ctx.t.get(t);
        if (byId && byId.up > 1 && (byId.up === id || byId.up === par.t)) obj = byId;
      }
      if (!obj && par.t > 1) obj = (await ctx.t.find({ up: par.t, t }, { limit: 1 }))[0];
      if (!obj) return null;
      return { t: obj.t, parTyp: par.t, parId: par.id, arr: arrOf(par.t, obj.t), ref: '' };
    },
  };
}

export async function grantOk(ctx: RequestContext, id: number, t = 0, grant: 'READ' | 'WRITE' = 'WRITE'): Promise<boolean> {
  return (await checkGrant(ctx.session!, resolverFor(ctx), id, t, grant)).ok;
}

/** Check_Grant with $fatal = TRUE: 403 with the engine's text */
export async function checkGrantOrDie(ctx: RequestContext, id: number, t = 0, grant: 'READ' | 'WRITE' = 'WRITE'): Promise<void> {
  const d = await checkGrant(ctx.session!, resolverFor(ctx), id, t, grant);
  if (!d.ok) ctx.myDie(d.message, 403);
}

/** tables that have a reference column pointing at `typeId` (Grant_1level's fallback) */
export function referencingTables(ctx: RequestContext, typeId: number): number[] {
  const out: number[] = [];
  for (const r of ctx.meta.rows.values()) {
    if (r.up !== 0 || r.t !== typeId) continue;
    for (const list of ctx.meta.children.values()) for (const req of list) if (req.t === r.id) out.push(req.up);
  }
  return out;
}

/** PHP Grant_1level for the request's user (grants.ts grantFirstLevel): WRITE, READ or null */
export function firstLevel(ctx: RequestContext, typeId: number): string | null {
  return grantFirstLevel(ctx.session!, typeId, () => referencingTables(ctx, typeId));
}

/** the names the engine gives the pseudo objects of a grant (TYPE_EDITOR, ALL_OBJECTS, FILES) */
export const GRANT_PSEUDO_OBJECTS: ReadonlyArray<readonly [number, string]> = [
  [0, '*** Type editor ***'], [1, '*** All objects ***'], [10, '*** Files ***'],
];

/**
 * How a GRANT value (the object a grant is on) reads, as PHP's Format_Val_View shows it: a pseudo
 * object's name, `Table` for a table, `Table -> Column` for one of its columns (a reference column
 * by its target table), "" for anything else. JSON_OBJ prefixes `id:`.
 */
export function grantTargetLabel(ctx: RequestContext, value: string): string {
  const prefix = ctx.has('JSON_OBJ') ? `${value}:` : '';
  if (!/^\d+$/.test(value)) return prefix;
  const id = Number(value);
  const pseudo = GRANT_PSEUDO_OBJECTS.find(([key]) => key === id);
  if (pseudo) return prefix + pseudo[1];
  const row = ctx.meta.get(id);
  if (row && row.up === 0) return prefix + row.val;
  const req = ctx.meta.req(id);
  const owner = req ? ctx.meta.get(req.up) : undefined;
  if (!req || !owner || owner.up !== 0) return prefix;
  return `${prefix}${owner.val} -> ${req.name}`;
}
