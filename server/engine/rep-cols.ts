/**
 * `rep_cols`: the columns the report editor offers (docs/legacy-api.md, "rep_cols"). Every table the
 * user may read, with its own value and then its columns in order; types that serve as another
 * table's column, subordinate tables and unreadable columns are left out; the calculated column
 * comes last. Built from the metadata snapshot alone.
 */
import type { Row } from '../storage/types.js';
import type { RequestContext } from './context.js';
import { firstLevel, grantOk } from './access.js';
import { attrsAlias } from './attrs.js';
import { BASE_NAMES, collateCompare, type TenantMeta } from './meta.js';

/** The name the engine gives the calculated column (CUSTOM_REP_COL). */
export const CALCULATED_COLUMN = 'Вычисляемое';
/** The file name the engine's answer carries (its name has a tab in it). */
const ANSWER_FILE = 'rep_cols%09.json';

interface OfferedColumn {
  id: string;
  name: string;
  type?: string;
  table?: string;
  base?: string | null;
  ref?: string;
}

/**
 * The types used as a column of another named type (not of a button or calculated type): they are
 * not tables of their own in the report editor's lists.
 */
export function usedAsColumn(meta: TenantMeta): Set<number> {
  const used = new Set<number>();
  for (const type of meta.rows.values()) {
    if (type.up !== 0 || type.id === type.t || type.val === '' || type.t === 0) continue;
    const base = BASE_NAMES[type.t];
    if (base === 'CALCULATABLE' || base === 'BUTTON') continue;
    for (const req of meta.children.get(type.id) ?? []) if (req.t !== req.up && req.t !== 0) used.add(req.t);
  }
  return used;
}

export async function repCols(ctx: RequestContext): Promise<never> {
  const { meta } = ctx;
  const types = [...meta.rows.values()].filter((r) => r.up === 0 && r.id !== r.t && r.val !== '');
  const columnsOf = (id: number): Row[] => (meta.children.get(id) ?? []).filter((req) => req.t !== req.up);

  const asColumn = usedAsColumn(meta);

  const offered: (OfferedColumn | undefined)[] = [];
  const tables = types.sort((a, b) => collateCompare(a.val, b.val) || a.id - b.id);
  for (const table of tables) {
    if (asColumn.has(table.id) || !firstLevel(ctx, table.id)) continue;
    const id = String(table.id);
    offered.push({ id, name: table.val, type: id, table: id, base: null });
    for (const req of columnsOf(table.id)) {
      const reqType = meta.get(req.t);
      const target = reqType && reqType.t !== reqType.id ? meta.get(reqType.t) : undefined;
      const referenced = target !== undefined && target.id !== target.t ? target : undefined;
      const subordinate = referenced === undefined && (meta.children.get(req.t) ?? []).some((r) => r.ord === 1);
      if (subordinate || !(await grantOk(ctx, table.id, req.id, 'READ'))) continue;
      const reqName = reqType ? (reqType.val === '' ? referenced?.val : reqType.val) : undefined;
      const base = reqType ? (reqType.val === '' ? referenced?.t : reqType.t) : undefined;
      let name = `${table.val} -> ${reqName ?? ''}`;
      const aliased = referenced !== undefined && req.val !== '';
      if (aliased) {
        const alias = attrsAlias(req.val, reqName ?? '');
        if (alias !== reqName) name = `${table.val} -> ${alias} (${reqName ?? ''})`;
      }
      // a column with no base keeps its place empty (the engine's answer becomes an object then)
      offered.push(base ? {
        id: String(req.id), name, type: String(req.t), base: BASE_NAMES[base] ?? null, table: id,
        ...(aliased ? { ref: String(referenced.id) } : {}),
      } : undefined);
    }
  }
  offered.push({ id: '0', name: CALCULATED_COLUMN });
  const answer = offered.includes(undefined)
    ? Object.fromEntries(offered.flatMap((c, i) => (c ? [[String(i), c]] : [])))
    : offered;
  ctx.apiDump(answer, ANSWER_FILE);
}
