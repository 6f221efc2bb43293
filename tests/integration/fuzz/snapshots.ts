/**
 * Comparing table snapshots the way docs/compatibility.md ("Rejected requests change nothing") allows:
 * a refused request may write the failed-login counter (RETRIES, t=301) and activity
 * timestamps (t=124), nothing else.
 */
import type { Row } from '../../../server/storage/types.js';

export const ALLOWED_T: ReadonlySet<number> = new Set([124, 301]);

/** rows that differ between two snapshots, ignoring the ones a rejected request may write */
export function forbiddenChanges(before: Row[], after: Row[]): string[] {
  const out: string[] = [];
  const byId = new Map(before.map((r) => [r.id, r]));
  const seen = new Set<number>();
  const show = (r: Row) => JSON.stringify(r).slice(0, 200);
  for (const a of after) {
    seen.add(a.id);
    const b = byId.get(a.id);
    if (b && b.up === a.up && b.ord === a.ord && b.t === a.t && b.val === a.val) continue;
    if (ALLOWED_T.has(a.t) && (!b || ALLOWED_T.has(b.t))) continue;
    out.push(b ? `changed ${show(b)} -> ${show(a)}` : `inserted ${show(a)}`);
  }
  for (const b of before) if (!seen.has(b.id) && !ALLOWED_T.has(b.t)) out.push(`deleted ${show(b)}`);
  return out;
}
