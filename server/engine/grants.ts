/**
 * Roles and grants (docs/legacy-api.md, "Grants"). A role's grants are its ROLE_OBJECT
 * (116) records: val = granted object id (type, requisite, or the pseudo ids
 * 1 = all objects, 0 = type editor, 10 = files), with a LEVEL cell (a reference
 * to a WRITE/READ/BARRED record of table 47), MASK (49), EXPORT (55), DELETE (56).
 *
 * This module loads a role's grant table and answers the three PHP checks:
 * Check_Types_Grant, Grant_1level and Check_Grant. Masks are loaded here and applied
 * by masks.ts (lists, dropdowns, the card, reference writes).
 */
import type { Row, TenantStore } from '../storage/types.js';
import { ROLE_OBJECT, LEVEL, MASK, EXPORT_FLAG, DELETE_FLAG, REP_COLS } from './ids.js';

export type Level = 'WRITE' | 'READ' | 'BARRED' | string;

export interface GrantTable {
  /** object id -> level name */
  levels: Map<string, Level>;
  masks: Map<string, Map<string, Level>>;
  exportable: Set<string>;
  deletable: Set<string>;
}

export function emptyGrants(): GrantTable {
  return { levels: new Map(), masks: new Map(), exportable: new Set(), deletable: new Set() };
}

/** PHP getGrants($roleId): three queries (grant records, their cells, the level records). */
export async function loadGrants(store: TenantStore, roleId: number): Promise<GrantTable> {
  const table = emptyGrants();
  const grants = await store.find({ up: roleId, t: ROLE_OBJECT });
  if (!grants.length) return table;
  const cells = await store.find({ up: grants.map((g) => g.id) });
  const targetIds = [...new Set(cells.map((c) => c.t).filter((t) => t > 17))];
  const levelRows = targetIds.length ? await store.find({ id: targetIds, t: LEVEL }) : [];
  const levelName = new Map(levelRows.map((r) => [r.id, r.val]));
  const byGrant = new Map<number, Row[]>();
  for (const c of cells) {
    const list = byGrant.get(c.up);
    if (list) list.push(c);
    else byGrant.set(c.up, [c]);
  }
  for (const g of grants) {
    const obj = g.val;
    const own = byGrant.get(g.id) ?? [];
    const levelCell = own.find((c) => levelName.has(c.t));
    const lev = levelCell ? (levelName.get(levelCell.t) ?? '') : '';
    const mask = own.find((c) => c.t === MASK)?.val ?? '';
    if (lev !== '') table.levels.set(obj, lev);
    if (mask !== '') {
      const m = table.masks.get(obj) ?? new Map<string, Level>();
      m.set(mask, lev);
      table.masks.set(obj, m);
    }
    if ((own.find((c) => c.t === EXPORT_FLAG)?.val ?? '') !== '') table.exportable.add(obj);
    if ((own.find((c) => c.t === DELETE_FLAG)?.val ?? '') !== '') table.deletable.add(obj);
  }
  return table;
}

export interface GrantSubject {
  /** lower-cased login; "admin" bypasses every check */
  user: string;
  grants: GrantTable;
}

function lv(s: GrantSubject, key: number | string): Level | undefined {
  return s.grants.levels.get(String(key));
}

function passes(level: Level | undefined, wanted: string): boolean {
  return level === wanted || level === 'WRITE';
}

/** PHP Check_Types_Grant(): the type-editor level, or null */
export function typesGrant(s: GrantSubject): Level | null {
  if (s.user === 'admin') return 'WRITE';
  const g = lv(s, 0);
  if (g === 'READ' || g === 'WRITE') return g;
  return null;
}

/**
 * The plain-text refusal of Check_Types_Grant when the role has no READ/WRITE on the type editor.
 * The engine prints `isset(GRANTS[0])` in the brackets: "1" when a grant on 0 exists (BARRED), else nothing.
 */
export function typesGrantRefusal(s: GrantSubject & { role: string }): string {
  return `${s.role}: У вас нет прав на редактирование и просмотр типов (${lv(s, 0) !== undefined ? '1' : ''}).`;
}

/** The plain-text refusal of a `_d_*` command for a role with READ on the type editor. */
export function typesWriteRefusal(s: GrantSubject & { role: string }): string {
  return `${s.role}: У вас нет прав на редактирование типов(${lv(s, 0) ?? ''}).`;
}

/**
 * PHP Grant_1level($typeId): WRITE/READ for top-level access to a table, or null.
 * `referencingTables` = tables that have a reference column pointing at this one
 * (dropdown sources are readable when the referencing table is).
 */
export function grantFirstLevel(s: GrantSubject, typeId: number, referencingTables: () => number[]): Level | null {
  if (s.user === 'admin') return 'WRITE';
  const own = lv(s, typeId);
  if (own !== undefined) {
    if (own === 'READ' || own === 'WRITE') return own;
  } else {
    const root = lv(s, 1);
    if (root === 'READ' || root === 'WRITE') return root;
  }
  for (const t of referencingTables()) {
    const g = lv(s, t);
    if (g === 'READ' || g === 'WRITE') return 'READ';
  }
  return null;
}

/** What Check_Grant needs to know about the row it resolves (PHP's "Get Object info" queries). */
export interface GrantRowInfo {
  t: number;
  parTyp: number;
  parId: number;
  arr: number;
  ref: string;
}

export interface GrantResolver {
  /** resolve (id, t) the way Check_Grant's SQL does; null when no row matches */
  resolve(id: number, t: number): Promise<GrantRowInfo | null>;
}

export interface GrantDecision {
  ok: boolean;
  /** the engine's 403 message when refused */
  message: string;
}

/** PHP Check_Grant($id, $t, $grant): decision plus the engine's refusal text. */
export async function checkGrant(
  s: GrantSubject, resolver: GrantResolver, id: number, t: number, grant: 'READ' | 'WRITE',
): Promise<GrantDecision> {
  const root = lv(s, 1) ?? '';
  if (s.user === 'admin') return { ok: true, message: '' };
  if (t !== 0 && lv(s, t) !== undefined) {
    const ok = passes(lv(s, t), grant);
    return { ok, message: ok ? '' : explicitRefusal(s, id, t, root) };
  }
  if (lv(s, id) !== undefined) {
    const ok = passes(lv(s, id), grant);
    return { ok, message: ok ? '' : explicitRefusal(s, id, t, root) };
  }
  const row = await resolver.resolve(id, t);
  if (row && (await rowPasses(s, resolver, row, grant, 0))) return { ok: true, message: '' };
  const tLevel = row ? (lv(s, row.t) ?? '') : '';
  const parId = row ? String(row.parId) : '';
  const parLevel = row ? (lv(s, row.parTyp) ?? '') : '';
  return {
    ok: false,
    message: `У вас нет доступа к реквизиту объекта: ${id}, ${t} (${tLevel}) или его родителю ${parId} (${parLevel})! Ваш глобальный доступ: '${root}'.`,
  };
}

function explicitRefusal(s: GrantSubject, id: number, t: number, root: string): string {
  return `У вас нет доступа к реквизиту объекта ${id}, ${t} (${lv(s, t) ?? ''}) или его родителю ${id} (${lv(s, id) ?? ''}). Ваш глобальный доступ: '${root}'`;
}

async function rowPasses(s: GrantSubject, resolver: GrantResolver, row: GrantRowInfo, grant: string, depth: number): Promise<boolean> {
  if (lv(s, row.t) !== undefined) return passes(lv(s, row.t), grant);
  if (lv(s, row.arr) !== undefined) return passes(lv(s, row.arr), grant);
  if (row.ref !== '' && lv(s, row.ref) !== undefined && row.t !== REP_COLS && row.t !== ROLE_OBJECT) return passes(lv(s, row.ref), grant);
  if (lv(s, row.parTyp) !== undefined) return passes(lv(s, row.parTyp), grant);
  if (lv(s, row.parId) !== undefined) return passes(lv(s, row.parId), grant);
  if (row.parId > 1 && depth < 64) {
    // PHP recurses with Check_Grant(par_id, 0, grant, FALSE), which re-tests the explicit grant first
    if (lv(s, row.parId) !== undefined) return passes(lv(s, row.parId), grant);
    const parent = await resolver.resolve(row.parId, 0);
    if (parent) return rowPasses(s, resolver, parent, grant, depth + 1);
  }
  return false;
}
