/**
 * Composite unique keys (docs/legacy-api.md, "Import" and `_m_new`/`_m_save`): a table whose columns
 * carry the `:KEY:` attribute matches a new or saved record, or an imported line, with an existing
 * record by those columns together (and by the record's value too when the table itself is unique),
 * as the PHP engine's UniqueKeyReqs / UniqueKeyNormalizeValue / UniqueKeyNormalizeRefs /
 * UniqueKeyStoredValues / FindUniqueRecordDuplicate do, for the import and for the DML alike.
 *
 * A key value is normalised like the cell the import would write (built-ins, then the column's
 * format); a reference key is the set of target ids its names or ids give. A reference name that
 * names no record yet makes the line a new record (the engine creates the target afterwards).
 * A saved record's keys are its stored ones with the request's fields over them (keyValuesOfRecord).
 * Values compare without case, as MySQL's collation compares them, on both stores.
 */
import type { Row } from '../storage/types.js';
import type { RequestContext } from './context.js';
import { builtIn, formatVal } from './format.js';
import { NO_BUILTIN_REQS } from './ids.js';
import { isNumeric, toInt } from './php.js';

/** a key column of the imported table */
export interface KeyColumn {
  /** the requisite (column) id */
  id: number;
  /** the column's term (its `t`), which decides whether built-ins apply */
  term: number;
  /** the base type name values are formatted with */
  base: string;
  /** for a reference column, the table its targets are records of */
  refTarget: number | null;
  multi: boolean;
}

export type KeyValue =
  | { kind: 'value'; value: string }
  | { kind: 'ref'; refTarget: number; ids: number[]; multi: boolean; missing: boolean };

/** PHP UnMaskDelimiters(): `\\` → `\`, `\:` → `:`, `\;` → `;` (a `\,` stays as it is) */
export function unmask(v: string): string {
  return v.replace(/\\([\\:;])/g, '$1');
}

/**
 * a key column's value: from an imported line's field or a request's field (a list: `t5[]=…`),
 * delimiters unmasked (`unmask`) in a reference column's; `idList` (the request's `t<column>`): a single reference column's
 * `12,13` of ids only is a list too, of which the first counts (PHP UniqueKeySplitRefValues)
 */
export async function keyValueOf(ctx: RequestContext, col: KeyColumn, raw: string | readonly string[], idList = false): Promise<KeyValue> {
  if (col.refTarget === null) {
    const env = ctx.formatEnv();
    const text = typeof raw === 'string' ? raw : raw.join(',');
    return { kind: 'value', value: formatVal(col.base, NO_BUILTIN_REQS.has(col.term) ? text : builtIn(text, env), env) };
  }
  return refKeyValue(ctx, { ...col, refTarget: col.refTarget }, typeof raw === 'string' ? splitRefs(col, raw, idList) : raw);
}

/** PHP UniqueKeySplitRefValues: a multi column splits at unescaped commas, a single one keeps `\,` as a comma */
function splitRefs(col: KeyColumn, raw: string, idList: boolean): string[] {
  if (col.multi) return splitAtCommas(raw);
  const single = raw.split('\\,').join(',');
  if (idList && single.includes(',')) {
    const parts = single.split(',');
    if (parts.every((part) => isNumeric(part.trim()))) return parts;
  }
  return [single];
}

async function refKeyValue(ctx: RequestContext, col: KeyColumn & { refTarget: number }, parts: readonly string[]): Promise<KeyValue> {
  const ids: number[] = [];
  let missing = false;
  for (const part of parts) {
    const ref = part.split('\\,').join(',').trim();
    if (ref === '') continue;
    if (isNumeric(ref)) {
      const id = toInt(ref);
      if (id > 0 && !ids.includes(id)) ids.push(id);
      continue;
    }
    if (col.refTarget === 1) {
      missing = true;
      continue;
    }
    const found = (await ctx.t.find({ t: col.refTarget, val: ref }, { limit: 1 }))[0];
    if (found) {
      if (!ids.includes(found.id)) ids.push(found.id);
    } else missing = true;
  }
  return { kind: 'ref', refTarget: col.refTarget, ids: col.multi ? ids.sort((a, b) => a - b) : ids.slice(0, 1), multi: col.multi, missing };
}

function splitAtCommas(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\' && text[i + 1] === ',') {
      cur += '\\,';
      i++;
    } else if (text[i] === ',') {
      out.push(cur);
      cur = '';
    } else cur += text[i];
  }
  out.push(cur);
  return out;
}

const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** the table of each record these reference cells point at (a reference cell's t is its target) */
async function tablesOfTargets(ctx: RequestContext, refCells: readonly Row[]): Promise<Map<number, number>> {
  const targets = [...new Set(refCells.map((c) => c.t))];
  return new Map((targets.length ? await ctx.t.find({ id: targets }) : []).map((r) => [r.id, r.t]));
}

/**
 * PHP FindUniqueRecordDuplicate: the first record of table `typ` under `up` (with value `val` when
 * `includeVal`) whose key cells hold exactly these key values; null when none, when a reference key
 * names a record that does not exist, or (without the value) when every key value is empty.
 */
export async function findKeyDuplicate(
  ctx: RequestContext, typ: number, up: number, val: string, keys: Map<number, KeyValue>, includeVal: boolean, skipId = 0,
): Promise<Row | null> {
  if (!includeVal && ![...keys.values()].some((k) => (k.kind === 'ref' ? k.ids.length > 0 : k.value !== ''))) return null;
  if ([...keys.values()].some((k) => k.kind === 'ref' && k.missing)) return null;
  let candidates = await ctx.t.find({ t: typ, up }, { orderBy: 'id' });
  if (includeVal) candidates = candidates.filter((c) => same(c.val, val));
  if (skipId > 0) candidates = candidates.filter((c) => c.id !== skipId);
  if (!candidates.length) return null;
  const cells = keys.size ? await ctx.t.find({ up: candidates.map((c) => c.id) }) : [];
  const targetTable = await tablesOfTargets(ctx, cells.filter((c) => keys.get(toInt(c.val))?.kind === 'ref'));
  for (const cand of candidates) {
    const own = cells.filter((c) => c.up === cand.id);
    const matches = [...keys].every(([reqId, key]) => {
      if (key.kind === 'value') {
        const filled = own.filter((c) => c.t === reqId && c.val !== '');
        return key.value === '' ? filled.length === 0 : filled.some((c) => same(c.val, key.value));
      }
      const refs = own.filter((c) => c.val === String(reqId) && (key.refTarget === 1 || targetTable.get(c.t) === key.refTarget)).map((c) => c.t);
      if (!key.ids.length) return refs.length === 0;
      if (key.multi) return new Set(refs).size === key.ids.length && key.ids.every((id) => refs.includes(id));
      return refs.includes(key.ids[0]);
    });
    if (matches) return cand;
  }
  return null;
}

/**
 * PHP UniqueKeyStoredValues: the key values record `recordId` holds now (none for a new record): a
 * reference key is the sorted set of its targets in the column's table, a value key its latest cell.
 */
export async function storedKeyValues(ctx: RequestContext, recordId: number, cols: readonly KeyColumn[]): Promise<Map<number, KeyValue>> {
  const keys = new Map<number, KeyValue>();
  for (const col of cols) {
    keys.set(col.id, col.refTarget === null ? { kind: 'value', value: '' } : { kind: 'ref', refTarget: col.refTarget, ids: [], multi: col.multi, missing: false });
  }
  if (recordId <= 0 || !cols.length) return keys;
  const cells = await ctx.t.find({ up: recordId });
  const targetTable = await tablesOfTargets(ctx, cells.filter((c) => cols.some((col) => col.refTarget !== null && c.val === String(col.id))));
  for (const col of cols) {
    if (col.refTarget !== null) {
      const refTarget = col.refTarget;
      const ids = cells.filter((c) => c.val === String(col.id) && (refTarget === 1 || targetTable.get(c.t) === refTarget)).map((c) => c.t);
      keys.set(col.id, { kind: 'ref', refTarget, ids: [...new Set(ids)].sort((a, b) => a - b), multi: col.multi, missing: false });
    } else {
      const latest = cells.filter((c) => c.t === col.id).sort((a, b) => b.id - a.id)[0];
      if (latest) keys.set(col.id, { kind: 'value', value: latest.val });
    }
  }
  return keys;
}
