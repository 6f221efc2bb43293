/**
 * Grant masks (row-level grants, docs/legacy-api.md "Masks, export and delete"). A role's grant on a
 * table or on a column may carry a mask in the list filter syntax (`A%`, `!%`, `>10`, `@id`,
 * `[USER]` ...): `GrantTable.masks` maps the granted object to its masks and their levels.
 *
 * - lists, counts, `_m_del_select`, `_ref_reqs` and the card's dropdowns keep only the records that
 *   satisfy, for every masked column of the table, one of its masks (`listMaskGroups`);
 * - the card and reference writes check one value against the masks the way the PHP engine's
 *   Check_Val_granted and Val_barred_by_mask do (`checkValGranted`, `valBarredByMask`).
 */
import type { ListColumn, ListFilter, ValuePredicate } from '../storage/types.js';
import type { RequestContext } from './context.js';
import type { Level } from './grants.js';
import { parseFilter } from './list-filter.js';
import { BASE_NAMES, collateCompare, collateEquals } from './meta.js';
import { isNumeric, toFloat, toInt } from './php.js';

interface MaskColumn {
  column: ListColumn;
  base: string;
}

function masksOf(ctx: RequestContext, key: number): Map<string, Level> | undefined {
  return ctx.session?.grants.masks.get(String(key));
}

/** the column a mask keyed on `key` filters: the table's own value, or one of its requisites */
function maskColumn(ctx: RequestContext, key: number): MaskColumn | null {
  const type = ctx.meta.get(key);
  if (type && type.up === 0) return { column: { kind: 'first' }, base: BASE_NAMES[type.t] ?? '' };
  const req = ctx.meta.req(key);
  if (!req || req.arrType !== null) return null;
  if (req.refTarget !== null) return { column: { kind: 'ref', reqId: req.id }, base: BASE_NAMES[req.base ?? 0] ?? '' };
  return { column: { kind: 'cell', reqId: req.id }, base: BASE_NAMES[req.base ?? 0] ?? '' };
}

function maskPredicate(ctx: RequestContext, mask: string, col: MaskColumn): ValuePredicate | null {
  return parseFilter(mask, col.column, col.base, ctx, col.base === 'NUMBER' || col.base === 'SIGNED');
}

/**
 * The engine compares a list's reference column by the target's id (it rewrites `.val` to `.id`):
 * a mask `1027` keeps records pointing at record 1027.
 */
function refById(pred: ValuePredicate): ValuePredicate {
  if ((pred.op === 'eq' || pred.op === 'ne') && isNumeric(pred.value)) return { op: 'idIn', ids: [toInt(pred.value)], negate: pred.op === 'ne' };
  if ((pred.op === 'in' || pred.op === 'notIn') && pred.values.every(isNumeric)) return { op: 'idIn', ids: pred.values.map(toInt), negate: pred.op === 'notIn' };
  return pred;
}

/**
 * The mask groups of table `typeId` for the request's user: one group per masked object (the table
 * itself, each of its requisites), holding that object's masks as alternatives.
 * `refsById`: lists compare reference columns by target id; dropdowns by the target's value.
 */
export function listMaskGroups(ctx: RequestContext, typeId: number, refsById: boolean): ListFilter[][] {
  if (!ctx.session?.grants.masks.size) return [];
  const groups: ListFilter[][] = [];
  for (const key of [typeId, ...ctx.meta.reqsOf(typeId).map((r) => r.id)]) {
    const masks = masksOf(ctx, key);
    const col = masks ? maskColumn(ctx, key) : null;
    if (!masks || !col) continue;
    const group: ListFilter[] = [];
    let unconditional = false;
    for (const mask of masks.keys()) {
      const pred = maskPredicate(ctx, mask, col);
      if (!pred) unconditional = true;
      else group.push({ column: col.column, predicate: refsById && col.column.kind === 'ref' ? refById(pred) : pred });
    }
    if (!unconditional) groups.push(group);
  }
  return groups;
}

/** MySQL's cast of text to a number: the leading numeric part, else 0 */
function asNumber(v: string): number {
  return toFloat(v);
}

function compare(a: string, b: string, numeric: boolean | undefined): number {
  if (numeric) return Math.sign(asNumber(a) - asNumber(b));
  return collateCompare(a, b);
}

function likeRegex(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\' && i + 1 < pattern.length) re += pattern[++i].replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else if (ch === '%') re += '[\\s\\S]*';
    else if (ch === '_') re += '[\\s\\S]';
    else re += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 'iu');
}

/** the mask's condition with the column replaced by one value (PHP Fetch_WHERE_for_mask + SELECT) */
function valueMatches(pred: ValuePredicate, val: string | null): boolean {
  switch (pred.op) {
    case 'present': return val !== null;
    case 'absent': return val === null;
    case 'idIn': {
      const hit = val !== null && pred.ids.includes(toInt(val));
      return pred.negate ? val === null || !hit : hit;
    }
    case 'regexp': {
      if (val === null) return !!pred.negate;
      let hit = false;
      try {
        hit = new RegExp(pred.pattern, 'iu').test(val);
      } catch {
        hit = false;
      }
      return pred.negate ? !hit : hit;
    }
    default: break;
  }
  if (val === null) return pred.op === 'ne' || pred.op === 'notLike' || pred.op === 'notIn';
  switch (pred.op) {
    case 'eq': return pred.numeric ? asNumber(val) === asNumber(pred.value) : collateEquals(val, pred.value);
    case 'ne': return pred.numeric ? asNumber(val) !== asNumber(pred.value) : !collateEquals(val, pred.value);
    case 'lt': return compare(val, pred.value, pred.numeric) < 0;
    case 'le': return compare(val, pred.value, pred.numeric) <= 0;
    case 'gt': return compare(val, pred.value, pred.numeric) > 0;
    case 'ge': return compare(val, pred.value, pred.numeric) >= 0;
    case 'like': return likeRegex(pred.pattern).test(val);
    case 'notLike': return !likeRegex(pred.pattern).test(val);
    case 'in': return pred.values.some((x) => compare(val, x, pred.numeric) === 0);
    case 'notIn': return !pred.values.some((x) => compare(val, x, pred.numeric) === 0);
    case 'between': return compare(val, pred.low, pred.numeric) >= 0 && compare(val, pred.high, pred.numeric) <= 0;
    default: return false;
  }
}

/** does `val` satisfy `mask` of object `key`; null when the mask yields no condition */
function maskAllows(ctx: RequestContext, key: number, mask: string, val: string | null): boolean | null {
  const col = maskColumn(ctx, key) ?? { column: { kind: 'first' } as ListColumn, base: 'SHORT' };
  // one value stands for the column: a reference is compared by its value, as the engine does here
  const pred = maskPredicate(ctx, mask, { ...col, column: col.column.kind === 'ref' ? { kind: 'first' } : col.column });
  return pred ? valueMatches(pred, val) : null;
}

/**
 * PHP Check_Val_granted($t, $val, $id): the level the masks of object `t` give value `val` (record
 * or target id `id`, 0 = any). Refuses (403-less engine error) when a mask with a level does not
 * match or a BARRED one does. `undefined` when `t` has no masks; `true`/`'BARRED'` when none applied.
 */
export function checkValGranted(ctx: RequestContext, t: number, val: string, id = 0): Level | true | undefined {
  const masks = masksOf(ctx, t);
  if (!masks) return undefined;
  const refuse = (): never => ctx.myDie(`У вас нет доступа к этому объекту (${val}) по маске! (${t})`);
  let ok: Level | undefined;
  for (const [mask, level] of masks) {
    if (level !== '') {
      if (val === '') {
        if (mask !== '!%') continue;
        if (level === 'BARRED') {
          ok = 'BARRED';
          break;
        }
        ok = level;
      }
      if (mask.startsWith('@')) {
        if (id !== toInt(mask.slice(1)) && id !== 0) continue;
        // as the engine does: a matching id mask refuses unless its level is BARRED
        if (level !== 'BARRED') ok = 'BARRED';
        break;
      }
      const hit = maskAllows(ctx, t, mask, val);
      if (hit === null) return undefined;
      if (!hit) refuse();
      if (level === 'BARRED') {
        ok = 'BARRED';
        break;
      }
      ok = level;
    } else {
      const hit = maskAllows(ctx, t, mask, val);
      if (hit === null) continue;
      if (!hit) refuse();
      ok = 'READ';
    }
  }
  if (ok === undefined) return ctx.session!.grants.levels.has(String(t)) ? true : 'BARRED';
  if (ok === 'BARRED') ctx.myDie(`У вас нет доступа к этому объекту (${val}))! (${t})`);
  return ok;
}

/**
 * PHP Val_barred_by_mask($t, $val): whether the card shows a column read-only because of its masks.
 * The engine reads each mask's level as the condition and the mask as the level; a mask without a
 * level must match, else the card is refused.
 */
export function valBarredByMask(ctx: RequestContext, t: number, val: string | null): boolean {
  const masks = masksOf(ctx, t);
  if (!masks) return false;
  let levelless = false;
  for (const [mask, level] of masks) {
    if (level === '') {
      levelless = true;
      if (maskAllows(ctx, t, mask, val)) return false;
    } else if (maskAllows(ctx, t, level, val)) return mask !== 'WRITE';
  }
  if (levelless) ctx.myDie(`Нет доступа к по маске реквизита! (${t})`);
  return false;
}
