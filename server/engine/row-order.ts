/**
 * A row's place among its siblings (the `ord` column): the moves shared by the
 * structure editor (`_d_up`, `_d_ord`) and the record writes (`_m_ord`).
 */
import type { RequestContext } from './context.js';

/** swap two ord values among rows with the same parent (optionally the same type) */
export async function swapOrd(ctx: RequestContext, up: number, a: number, b: number, t: number | undefined): Promise<void> {
  const rows = await ctx.t.find(t === undefined ? { up } : { up, t });
  for (const r of rows) {
    if (r.ord === a) await ctx.t.update(r.id, { ord: b });
    else if (r.ord === b) await ctx.t.update(r.id, { ord: a });
  }
}

/** PHP's "Set exact order": the row goes to min(newOrd, max ord), rows in between shift by one */
export async function moveToOrder(ctx: RequestContext, rowId: number, up: number, ord: number, newOrd: number): Promise<void> {
  const maxOrd = await ctx.t.maxOrd({ up });
  const lo = Math.min(ord, newOrd);
  const hi = Math.max(ord, newOrd);
  const rows = (await ctx.t.find({ up })).filter((r) => r.ord >= lo && r.ord <= hi);
  const sign = Math.sign(ord - newOrd);
  for (const r of rows) {
    if (r.id === rowId) await ctx.t.update(r.id, { ord: Math.min(newOrd, maxOrd) });
    else if (sign !== 0) await ctx.t.update(r.id, { ord: r.ord + sign });
  }
}
