/**
 * grants.ts applied to one request: Check_Grant against the store (the row resolved
 * the way the PHP engine's "Get Object info" queries do) and Grant_1level against the
 * request's metadata.
 */
import type { RequestContext } from './context.js';
import { checkGrant, grantFirstLevel, type GrantResolver, type GrantRowInfo } from './grants.js';
import { referringColumns } from './list-columns.js';

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
  return referringColumns(ctx.meta, typeId).map((c) => c.table);
}

/** PHP Grant_1level for the request's user (grants.ts grantFirstLevel): WRITE, READ or null */
export function firstLevel(ctx: RequestContext, typeId: number): string | null {
  return grantFirstLevel(ctx.session!, typeId, () => referencingTables(ctx, typeId));
}
