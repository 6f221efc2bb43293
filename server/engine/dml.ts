/**
 * Data commands `_m_*` (docs/legacy-api.md, "Data commands (_m_*)"). `_xsrf` was checked by the
 * caller. Parameter iteration follows PHP's $_REQUEST order (POST keys, then
 * GET keys), because that order decides which ids new rows get.
 */
import type { NewRow, Row } from '../storage/types.js';
import type { RequestContext } from './context.js';
import { paramString } from './context.js';
import { metadataRefLabel } from './report-model.js';
import { numId, type CommandState } from './command-state.js';
import { checkGrantOrDie, firstLevel, grantOk } from './access.js';
import { builtIn, formatVal, formatView } from './format.js';
import { checkUpload, FILE_BASE, fileCellsBelow, filePath, isFileColumn, removeFilesOf, storeUpload, uploadsForCells } from './files.js';
import { htmlentities, isNumeric, looseNotEqual, looseNotZero, toFloat, toInt, floatToString } from './php.js';
import { BASE_NAMES, type ReqInfo } from './meta.js';
import { NO_BUILTIN_REQS, PASSWORD, PASSWORD_STARS, TOKEN, USER, XSRF } from './ids.js';
import { moveToOrder } from './row-order.js';
import { checkValGranted } from './masks.js';
import { findKeyDuplicate, keyValueOf, storedKeyValues, unmask, type KeyColumn } from './import-keys.js';

/** what the engine knows about one record's columns and current cells (PHP GetObjectReqs + Get_Current_Values) */
export interface RecordState {
  reqs: Map<number, ReqInfo>;
  /** reqId -> current scalar/ref value ("" when none); array columns: child count */
  values: Map<number, string>;
  /** reqId -> current cell row id (0 when none) */
  cellIds: Map<number, number>;
  /** multi-select reqId -> current cells */
  multi: Map<number, { id: number; target: number; ord: number; refVal: string }[]>;
  booleans: Set<number>;
  notNull: Set<number>;
}

export async function recordState(ctx: RequestContext, typ: number, id: number, children?: Row[]): Promise<RecordState> {
  const reqs = new Map<number, ReqInfo>();
  for (const r of ctx.meta.reqsOf(typ)) reqs.set(r.id, r);
  const rows = children ?? (id > 0 ? await ctx.t.find({ up: id }, { orderBy: 'ord,id' }) : []);
  const targets = new Map<number, Row>();
  const refTargetIds = rows.filter((c) => reqs.get(toInt(c.val))?.refTarget != null).map((c) => c.t);
  if (refTargetIds.length) for (const r of await ctx.t.find({ id: [...new Set(refTargetIds)] })) targets.set(r.id, r);
  const values = new Map<number, string>();
  const cellIds = new Map<number, number>();
  const multi = new Map<number, { id: number; target: number; ord: number; refVal: string }[]>();
  const arrCounts = new Map<number, number>();
  for (const c of rows) {
    const asRef = reqs.get(toInt(c.val));
    if (asRef && asRef.refTarget !== null && isNumeric(c.val) && targets.has(c.t)) {
      const list = multi.get(asRef.id) ?? [];
      list.push({ id: c.id, target: c.t, ord: c.ord, refVal: targets.get(c.t)!.val });
      multi.set(asRef.id, list);
      if (!values.has(asRef.id)) {
        values.set(asRef.id, String(c.t));
        cellIds.set(asRef.id, c.id);
      }
      continue;
    }
    if (ctx.meta.isTypeRow(c.t) && ctx.meta.get(c.t)!.up === 0 && !reqs.has(c.t)) {
      arrCounts.set(c.t, (arrCounts.get(c.t) ?? 0) + 1);
      continue;
    }
    values.set(c.t, c.val);
    cellIds.set(c.t, c.id);
  }
  const booleans = new Set<number>();
  const notNull = new Set<number>();
  for (const r of reqs.values()) {
    if (r.parsed.required) notNull.add(r.id);
    if (r.arrType !== null) values.set(r.id, String(arrCounts.get(r.arrType) ?? 0));
    if (!values.has(r.id)) {
      values.set(r.id, '');
      cellIds.set(r.id, 0);
    }
    if (r.refTarget === null && BASE_NAMES[r.base ?? 0] === 'BOOLEAN' && values.get(r.id) === '1') booleans.add(r.id);
  }
  return { reqs, values, cellIds, multi, booleans, notNull };
}

function baseNameOf(r: ReqInfo | undefined): string {
  if (!r) return '';
  if (r.refTarget !== null) return 'REFERENCE';
  return BASE_NAMES[r.base ?? 0] ?? '';
}

function valueString(v: unknown): string {
  return paramString(v);
}

function valueList(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(paramString);
  return paramString(v).split(',');
}

export async function runDml(ctx: RequestContext, s: CommandState): Promise<void> {
  switch (s.a) {
    case '_m_new':
      return mNew(ctx, s);
    case '_m_set':
      return mSet(ctx, s);
    case '_m_save':
      return mSave(ctx, s);
    case '_m_del':
      return mDel(ctx, s);
    case '_m_del_batch':
      return mDelBatch(ctx, s);
    case '_m_move':
      return mMove(ctx, s);
    case '_m_up':
      return mUp(ctx, s);
    case '_m_ord':
      return mOrd(ctx, s);
    case '_m_id':
      return mId(ctx, s);
    default:
      // an unknown _m_ command: the engine falls through to its page, in JSON mode `null`
      if (ctx.api) ctx.dieJson(null);
      ctx.dieText('');
  }
}

/**
 * Check_Grant(newRecord, column) can only depend on the root grant when the role grants
 * nothing but the pseudo objects (0 type editor, 1 all objects, 10 files) and the record's
 * value is not one of those ids (the engine's "ref" rule would consult it): then one decision
 * covers every cell of a new independent record.
 */
function cellGrantsFollowRoot(ctx: RequestContext, recordVal: string): boolean {
  const s = ctx.session!;
  if (s.user === 'admin') return true;
  const keys = [...s.grants.levels.keys()];
  if (!keys.every((k) => k === '0' || k === '1' || k === '10')) return false;
  if (['0', '1', '10'].includes(recordVal)) return false;
  return s.grants.levels.get('1') === 'WRITE';
}

/** find a record of a table by its value, or create it when the user may write there */
async function refByText(ctx: RequestContext, target: number, text: string): Promise<number | null> {
  const found = await ctx.t.find({ val: text, t: target }, { limit: 1 });
  if (found.length) return found[0].id;
  if (firstLevel(ctx, target) === 'WRITE') return ctx.t.insert({ up: 1, ord: 1, t: target, val: text });
  return null;
}

/**
 * PHP FindUniqueRecordDuplicateFromRequest: another record of table `typ` under `up` with the same
 * key values (and the same value when `includeVal`): the record's stored key values (`skipId`, 0 for
 * a new record) with the request's `NEW_<column>` / `t<column>` fields over them (import-keys.ts).
 */
async function uniqueDuplicate(ctx: RequestContext, typ: number, skipId: number, up: number, val: string, includeVal: boolean): Promise<Row | null> {
  const cols: KeyColumn[] = ctx.meta.reqsOf(typ).filter((r) => r.parsed.key)
    .map((r) => ({ id: r.id, term: r.t, base: baseNameOf(r), refTarget: r.refTarget, multi: r.multi }));
  const keys = await storedKeyValues(ctx, skipId, cols);
  for (const col of cols) {
    const typed = col.refTarget !== null ? ctx.request[`NEW_${col.id}`] : undefined;
    if (typed !== undefined && valueString(typed).trim() !== '') {
      keys.set(col.id, await keyValueOf(ctx, col, unmask(valueString(typed))));
      continue;
    }
    const field = ctx.request[`t${col.id}`];
    if (!ctx.has(`t${col.id}`) || field === undefined) continue;
    const raw = Array.isArray(field) ? field.map(paramString) : paramString(field);
    const unmasked = col.refTarget === null ? raw : typeof raw === 'string' ? unmask(raw) : raw.map(unmask);
    keys.set(col.id, await keyValueOf(ctx, col, unmasked, true));
  }
  return findKeyDuplicate(ctx, typ, up, val, keys, includeVal, skipId);
}

async function mNew(ctx: RequestContext, s: CommandState): Promise<void> {
  const up = ctx.has('up') ? toInt(ctx.str('up')) : 0;
  const id = numId(s);
  const env = ctx.formatEnv();
  if (up === 0) ctx.myDie('Недопустимые данные: up=0. Установите значение=1 для независимых объектов.');
  if (s.id === 0) ctx.myDie('Недопустимый id=0.');
  if (s.id === '') ctx.myDie('Недопустимый пустой id');
  const typeRow = ctx.meta.get(id) ?? (await ctx.t.get(id));
  if (!typeRow || typeRow.up !== 0) ctx.dieText('Проверка типа неуспешна');
  let val = ctx.has(`t${id}`) ? valueString(ctx.request[`t${id}`]) : '';
  const baseTyp = typeRow.t;
  const baseName = BASE_NAMES[baseTyp] ?? '';
  const unique = typeRow.ord;
  const reqRows = ctx.meta.childRows(id).filter((r) => r.t !== r.up);
  const hasReqs = reqRows.length > 0;
  const reqList = new Map<number, ReqInfo>();
  const defaulted = new Set<number>();
  for (const row of reqRows) reqList.set(row.id, ctx.meta.describeReq(row));
  // the defaults are set in the order the engine's query reads the columns (no ORDER BY: MySQL's
  // (up, t) index, so by column type, then id); the cells are written in the request's order, so this
  // order decides the ids of the default cells
  for (const row of [...reqRows].sort((a, b) => a.t - b.t || a.id - b.id)) {
    const info = reqList.get(row.id)!;
    const defBase = ctx.meta.get(row.t);
    if (!ctx.has(`t${row.id}`) && BASE_NAMES[defBase?.t ?? 0] !== 'BUTTON') {
      const def = info.parsed.default;
      if (def !== '') {
        defaulted.add(row.id);
        ctx.setRequest(`t${row.id}`, builtIn(def, env));
      }
    }
  }
  let ord = 1;
  if (up !== 1) {
    const parent = await ctx.t.get(up);
    if (!parent) ctx.myDie(`Родительский объект ${up} не найден.`);
    if (parent.up === 0) ctx.myDie(`Родительский объект ${up} - метаданные.`);
    await checkGrantOrDie(ctx, up, id);
    ord = (await ctx.t.maxOrd({ t: id, up })) + 1;
  } else if (firstLevel(ctx, id) !== 'WRITE') ctx.dieText('У вас нет прав на создание объектов этого типа.');
  const keyed = reqRows.some((r) => ctx.meta.describeReq(r).parsed.key);
  // the uniqueness check (and the numbering of unique numbers) and the insert are one step:
  // concurrent writers of this type wait here until this transaction ends
  if (unique || keyed) await ctx.t.lockRow(id);
  let numericUniqueMax: number | undefined;
  if (val === '') {
    if (baseName === 'NUMBER') {
      if (unique) {
        const same = await ctx.t.find({ t: id, up });
        numericUniqueMax = Math.max(0, ...same.map((r) => Math.max(0, toInt(r.val))));
        const empties = same.filter((r) => toInt(r.val) === numericUniqueMax && String(r.val) === String(numericUniqueMax));
        for (const e of empties) {
          if ((await ctx.t.count({ up: e.id })) === 0) {
            s.id = e.id;
            s.a = 'edit_obj';
            return;
          }
        }
        val = String(numericUniqueMax + 1);
      } else val = '1';
    } else if (baseName === 'DATE') val = formatVal('DATE', String(new Date((ctx.nowSec + ctx.tzone) * 1000).getUTCDate()).padStart(2, '0'), env);
    else if (baseName === 'DATETIME') val = String(ctx.nowSec);
    else if (baseName === 'SIGNED') val = '1';
    else val = String(ord);
  } else val = formatVal(baseName, builtIn(val, env), env);
  if (numericUniqueMax === undefined && (unique || (!unique && keyed))) {
    const dup = await uniqueDuplicate(ctx, id, 0, up, val, !!unique);
    if (dup) {
      if (ctx.api) {
        ctx.dieJson({ id: dup.id, obj: id, ord: dup.ord, next_act: 'edit_obj', args: 'exists1=1', val: htmlentities(val), warning: 'Запись уже существует' });
      }
      s.arg = 'exists1=1';
      if (hasReqs) {
        s.obj = id;
        s.id = dup.id;
        s.a = 'edit_obj';
      } else {
        s.a = 'object';
        if (up !== 1) s.arg += `&F_U=${up}`;
      }
      return;
    }
  }
  const i = await ctx.t.insert({ up, ord, t: id, val });
  const created = new Set<string>();
  // cells are written in one round trip; pending rows are flushed before anything else is
  // inserted (a record created for a reference given by text) so ids follow the PHP order
  const pending: NewRow[] = [];
  const flush = async (): Promise<void> => {
    if (pending.length) await ctx.t.insertMany(pending.splice(0));
  };
  const skipCellGrants = up === 1 && cellGrantsFollowRoot(ctx, val);
  for (const [rawKey, rawValue] of Object.entries(ctx.request)) {
    let key = rawKey;
    let value: unknown = rawValue;
    if (key === `t${id}` || created.has(key)) continue;
    let t: number;
    if (key.startsWith('NEW_')) {
      t = toInt(key.slice(4));
      const info = reqList.get(t);
      const text = valueString(value);
      if (!(text.length && info && info.refTarget !== null)) continue;
      await flush();
      const ref = await refByText(ctx, info.refTarget, text);
      if (ref === null) ctx.dieText(`У вас нет прав на создание объектов этого типа (${info.refTarget}).`);
      value = String(ref);
      key = `t${t}`;
      created.add(key);
    } else {
      if (!key.startsWith('t')) continue;
      const rest = key.slice(1);
      if (!/^\d+$/.test(rest)) continue;
      t = Number(rest);
    }
    const info = reqList.get(t);
    if (!info || t === 0) continue;
    const text = valueString(value);
    const base = baseNameOf(info);
    const v = NO_BUILTIN_REQS.has(t) ? formatVal(base, text, env) : formatVal(base, builtIn(text, env), env);
    if (!skipCellGrants || ctx.session!.grants.levels.has(String(t))) await checkGrantOrDie(ctx, i, t);
    if (text.length === 0) continue;
    if (info.refTarget !== null) {
      for (const part of valueList(Array.isArray(value) ? value : v)) {
        let refId: number;
        if (!isNumeric(part)) {
          if (info.refTarget === 1) continue;
          await flush();
          const found = await refByText(ctx, info.refTarget, text.trim());
          if (found === null) continue;
          refId = found;
        } else refId = toInt(part);
        const target = refId > 0 ? await ctx.t.get(refId) : null;
        if (!target || target.t !== info.refTarget) continue;
        checkValGranted(ctx, info.refTarget, target.val, refId);
        pending.push({ up: i, ord: 1, t: refId, val: String(t) });
        if (!info.multi) break;
      }
    } else if (t === PASSWORD) pending.push({ up: i, ord: 1, t, val: ctx.core.saltedHash(ctx.db, v) });
    else pending.push({ up: i, ord: 1, t, val: v });
  }
  await flush();
  for (const { t, file } of uploadsForCells(ctx)) {
    await checkGrantOrDie(ctx, i, t);
    checkUpload(ctx, id, t, file);
    await storeUpload(ctx, i, t, file, undefined);
  }
  if (hasReqs) {
    s.a = 'edit_obj';
    s.id = i;
    s.arg = `new1=1&${s.arg}`;
  } else {
    s.a = 'object';
    if (up !== 1) s.arg = `F_U=${up}`;
  }
  s.obj = i;
  if (ctx.api) {
    const shown = baseName === 'REPORT_COLUMN' || baseName === 'GRANT' ? metadataRefLabel(ctx.meta, baseName, val) : formatView(baseName, val, ctx, true);
    ctx.successJson({ id: i, obj: i, ord, next_act: s.a, args: s.arg, val: htmlentities(shown) });
  }
}

async function mSet(ctx: RequestContext, s: CommandState): Promise<void> {
  const obj = numId(s);
  s.obj = s.id;
  s.id = '';
  const env = ctx.formatEnv();
  let t = 0;
  let lastKey = '';
  let lastVal = '';
  const record = await ctx.t.get(obj);
  for (const [key, rawValue] of Object.entries(ctx.request)) {
    lastKey = key;
    lastVal = valueString(rawValue);
    if (!key.startsWith('t') || toInt(key.slice(1)) === 0) continue;
    t = toInt(key.slice(1));
    await checkGrantOrDie(ctx, obj, t);
    if (!record) continue;
    const reqRow = ctx.meta.childRows(record.t).find((r) => r.id === t);
    if (!reqRow) continue;
    const info = ctx.meta.describeReq(reqRow);
    const def = ctx.meta.get(reqRow.t);
    if (!def) continue;
    const cells = (await ctx.t.find({ up: obj }, { orderBy: 'ord,id' })).filter((c) => c.t === t || c.val === String(t));
    if (info.refTarget !== null) {
      const targetType = info.refTarget;
      if (info.multi) {
        const current = new Map<number, { id: number; ord: number }>();
        for (const c of cells) if (!current.has(c.t)) current.set(c.t, { id: c.id, ord: c.ord });
        for (const part of valueList(rawValue)) {
          const ref = toInt(part);
          if (current.has(ref)) {
            current.delete(ref);
            continue;
          }
          const target = ref ? await ctx.t.get(ref) : null;
          if (!ref || !target || (target.t !== targetType && targetType !== 1)) {
            ctx.warn(` Неверная ссылка: ${t} - ${ref}`);
            continue;
          }
          const refOrd = (await ctx.t.maxOrd({ up: obj, val: String(t) })) + 1;
          s.id = await ctx.t.insert({ up: obj, ord: refOrd, t: ref, val: String(t) });
        }
        for (const gone of current.values()) {
          await ctx.t.deleteIds([gone.id]);
          await ctx.t.shiftOrd({ up: obj, val: String(t), ordFrom: gone.ord + 1 }, -1);
        }
      } else {
        const cur = cells[0];
        const ref = toInt(valueString(rawValue));
        if (ref) {
          const target = await ctx.t.get(ref);
          if (!target || (target.t !== targetType && targetType !== 1)) ctx.dieText(`Неверная ссылка ${ref}:${targetType}`);
        }
        if (cur) {
          if (ref) {
            s.id = String(cur.id);
            if (ref !== cur.t) await ctx.t.update(cur.id, { t: ref });
          } else await ctx.t.deleteTree(cur.id);
        } else if (ref) {
          s.id = await ctx.t.insert({ up: obj, ord: 1, t: ref, val: String(t) });
          await dropDuplicateCells(ctx, obj, t);
        }
      }
      continue;
    }
    const base = BASE_NAMES[def.t] ?? '';
    const cur = cells[0];
    let val = lastVal;
    if (!NO_BUILTIN_REQS.has(t)) val = builtIn(val, env);
    if (t === PASSWORD) val = ctx.core.saltedHash(ctx.db, val);
    else if (base === 'NUMBER' && looseNotZero(val)) val = val === '' ? '' : String(toInt(val));
    else if (base === 'SIGNED' && looseNotZero(val)) val = val === '' ? '' : floatToString(toFloat(val.replace(/,/g, '.')));
    else val = formatVal(base, val, env);
    if (cur) {
      s.id = String(cur.id);
      if (val === '') {
        if (base === 'FILE') removeFilesOf(ctx, [cur]);
        await ctx.t.deleteTree(cur.id);
      } else {
        val = formatVal(base, val, env);
        if (looseNotEqual(val, cur.val)) await ctx.t.update(cur.id, { val });
      }
    } else if (val !== '') {
      s.id = await ctx.t.insert({ up: obj, ord: 1, t, val });
      await dropDuplicateCells(ctx, obj, t);
    }
  }
  for (const upload of uploadsForCells(ctx)) {
    t = upload.t;
    // docs/compatibility.md: PHP would store the file under a record that does not exist
    if (!record) ctx.myDie(`Запись ${obj} не найдена`, 404);
    await checkGrantOrDie(ctx, obj, t);
    checkUpload(ctx, record.t, t, upload.file);
    const existing = (await ctx.t.find({ up: obj, t }, { orderBy: 'id', limit: 1 }))[0];
    const cellId = await storeUpload(ctx, obj, t, upload.file, existing);
    s.arg += `download/${ctx.db}/${filePath(ctx, cellId, upload.file.name)}`;
  }
  if (t === 0) ctx.dieText(`Нет набора атрибутов (${lastKey}) или пустое значение (${lastVal}) `);
  s.a = 'nul';
}

/** PHP checkDuplicatedReqs: keep the newest cell of (record, t) */
async function dropDuplicateCells(ctx: RequestContext, up: number, t: number): Promise<void> {
  const rows = await ctx.t.find({ up, t }, { orderBy: 'id', desc: true });
  for (const r of rows.slice(1)) await ctx.t.deleteTree(r.id);
}

async function mSave(ctx: RequestContext, s: CommandState): Promise<void> {
  if (s.id === '') ctx.myDie('Неверный ID');
  let id = numId(s);
  const env = ctx.formatEnv();
  const rec = await ctx.t.get(id);
  const typeRow = rec ? await ctx.t.get(rec.t) : null;
  if (!rec || !typeRow) ctx.dieText('No such record');
  if (rec.up === 0) ctx.dieText('Cannot update meta-data');
  const typ = rec.t;
  const baseName = BASE_NAMES[typeRow.t] ?? '';
  const unique = typeRow.ord;
  const up = rec.up;
  let curVal = rec.val;
  s.arg = up > 1 ? `F_U=${up}` : '';
  let copy = false;
  if (ctx.has('copybtn')) {
    await checkGrantOrDie(ctx, id);
    copy = true;
    // docs/compatibility.md, "Deliberate differences": the PHP engine copies a self-parented root
    // into itself without end; here the subtree is read before anything is written, and bounded
    if (rec.up === rec.id) ctx.myDie('Cannot copy the root record');
    const subtree = await subtreeToCopy(ctx, id);
    const ord = up > 1 ? (await ctx.t.maxOrd({ up, t: typ })) + 1 : 1;
    if (valueString(ctx.request[`t${typ}`]).length) curVal = valueString(ctx.request[`t${typ}`]);
    id = await ctx.t.insert({ up, ord, t: typ, val: curVal });
    await insertCopies(ctx, subtree, rec.id, id);
    s.arg = 'copied1=1&';
  } else s.arg = 'saved1=1&';
  const state = await recordState(ctx, typ, id);
  state.values.set(typ, curVal);
  state.cellIds.set(typ, id);
  if (!copy) {
    const keyReqs = unique ? [] : [...state.reqs.values()].filter((r) => r.parsed.key);
    const submittedKey = keyReqs.some((r) => ctx.has(`t${r.id}`) || ctx.has(`NEW_${r.id}`));
    if (unique || submittedKey) {
      await ctx.t.lockRow(typ);
      let uniqueVal = curVal;
      const field = ctx.request[`t${typ}`];
      if (field !== undefined && !((typ === TOKEN || typ === XSRF || typ === PASSWORD) && valueString(field) === PASSWORD_STARS)) {
        uniqueVal = formatVal(baseName, builtIn(valueString(field), env), env);
      }
      const dup = await uniqueDuplicate(ctx, typ, id, up, uniqueVal, !!unique);
      if (dup) ctx.myDie(`Запись с таким ключом уже существует #${dup.id}`);
    }
  }
  const handledBooleans = new Set<number>();
  for (const [key, rawValue] of Object.entries(ctx.request)) {
    if (!key.startsWith('t')) continue;
    const rest = key.slice(1);
    if (!isNumeric(rest) || toInt(rest) === 0) continue;
    const t = toInt(rest);
    const info = state.reqs.get(t);
    const isType = t === typ;
    if (!info && !isType) continue;
    const reqId = state.cellIds.get(t) ?? 0;
    let value: unknown = rawValue;
    let text = valueString(value);
    if (!NO_BUILTIN_REQS.has(t)) text = builtIn(text, env);
    const isRef = !!info && info.refTarget !== null;
    let v = isRef ? text : formatVal(isType ? baseName : baseNameOf(info), text, env);
    if ((t === TOKEN || t === XSRF || t === PASSWORD) && v === PASSWORD_STARS) continue;
    if (isRef && ctx.has(`NEW_${t}`) && valueString(ctx.request[`NEW_${t}`]).length) {
      const newText = valueString(ctx.request[`NEW_${t}`]);
      value = newText;
      const ref = await refByText(ctx, info.refTarget!, newText);
      if (ref === null) ctx.dieText(`У вас нет прав на создание объектов этого типа (${info.refTarget}).`);
      v = String(ref);
    }
    const curMulti = info?.multi ? (state.multi.get(t) ?? []) : [];
    const curMultiSet = new Set(curMulti.map((m) => String(m.target)));
    const current = info?.multi ? [...curMultiSet].join(',') : (state.values.get(t) ?? '');
    if (looseNotEqual(v, current)) {
      if (isType) {
        await checkGrantOrDie(ctx, id);
        if (typ === USER && current === ctx.db) ctx.myDie('Нельзя изменить имя администратора, лучше создайте нового');
      } else if (!(await grantOk(ctx, id, t, 'WRITE'))) ctx.myDie(`У вас нет доступа к реквизиту объекта: ${id}, ${t} ()`);
      const nonEmpty = Array.isArray(value) ? value.length > 0 : valueString(value).length !== 0;
      if (nonEmpty) {
        if (isRef) {
          for (const part of valueList(Array.isArray(value) ? value : v)) {
            const ref = toInt(part);
            if (ref <= 0) continue;
            const target = await ctx.t.get(ref);
            if (!target || (target.t !== info!.refTarget && info!.refTarget !== 1)) ctx.myDie(`Неверный тип объекта с ID=${v} или объект не найден`);
            // the target table's grant masks must allow the target (PHP Check_Val_granted)
            checkValGranted(ctx, info!.refTarget === 1 ? target.t : info!.refTarget!, target.val, ref);
            if (info!.multi) {
              if (curMultiSet.has(String(ref))) {
                curMultiSet.delete(String(ref));
                continue;
              }
              await ctx.t.insert({ up: id, ord: 1, t: ref, val: String(t) });
              await dropDuplicateCells(ctx, id, t);
            } else if (reqId === 0) {
              await ctx.t.insert({ up: id, ord: 1, t: ref, val: String(t) });
              await dropDuplicateCells(ctx, id, t);
              break;
            } else {
              await ctx.t.update(reqId, { t: ref });
              break;
            }
          }
          if (info!.multi) for (const gone of curMultiSet) await deleteRefCells(ctx, id, t, toInt(gone));
        } else {
          let stored = v;
          if (t === PASSWORD) stored = ctx.core.saltedHash(ctx.db, v);
          if (reqId === 0) {
            await ctx.t.insert({ up: id, ord: 1, t, val: stored });
            await dropDuplicateCells(ctx, id, t);
          } else await ctx.t.update(reqId, { val: stored });
        }
      } else if (info?.multi) {
        for (const gone of curMultiSet) await deleteRefCells(ctx, id, t, toInt(gone));
      } else if (reqId === 0) ctx.warn('Пустой тип реквизита!<br>');
      else if (!isType) {
        if (info && info.refTarget === null && info.base === FILE_BASE) removeFilesOf(ctx, [{ id: reqId, up: id, ord: 1, t, val: current }]);
        await ctx.t.deleteTree(reqId);
      } else ctx.warn('Нельзя оставить пустым имя объекта!<br>');
    }
    if (info && baseNameOf(info) === 'BOOLEAN') handledBooleans.add(t);
  }
  for (const b of state.booleans) {
    if (handledBooleans.has(b) || !ctx.has(`b${b}`)) continue;
    if (await grantOk(ctx, id, b, 'WRITE')) await ctx.t.deleteIds([state.cellIds.get(b) ?? 0]);
  }
  for (const { t, file } of uploadsForCells(ctx)) {
    await checkGrantOrDie(ctx, id, t);
    checkUpload(ctx, typ, t, file);
    const cellId = state.cellIds.get(t);
    await storeUpload(ctx, id, t, file, cellId ? ((await ctx.t.get(cellId)) ?? undefined) : undefined);
  }
  for (const key of state.notNull) {
    if (!(await grantOk(ctx, typ, key, 'WRITE'))) continue;
    const submitted = ctx.has(`t${key}`) ? valueString(ctx.request[`t${key}`]).length > 0 : true;
    const info = state.reqs.get(key);
    if (submitted || (ctx.has(`NEW_${key}`) && valueString(ctx.request[`NEW_${key}`]).length > 0)
      || (info?.arrType != null && looseNotZero(state.values.get(key) ?? ''))
      || ctx.has('copybtn') || (info?.multi && (state.multi.get(key)?.length ?? 0) > 0)) continue;
    ctx.warn('Данные сохранены. Необходимо заполнить реквизиты, выделенные красным!<br>');
    s.nextAct = '';
    break;
  }
  if (ctx.warning !== undefined) {
    s.a = 'edit_obj';
    s.arg += `${ctx.has('tab') ? `tab=${toInt(ctx.str('tab'))}` : ''}&warning=${ctx.warning}`;
    s.obj = id;
    s.id = id;
  } else {
    s.arg += `F_U=${up}&F_I=${id}`;
    s.a = 'object';
    s.obj = id;
    s.id = String(typ);
  }
}

async function deleteRefCells(ctx: RequestContext, up: number, reqId: number, target: number): Promise<void> {
  const rows = await ctx.t.find({ up, t: target, val: String(reqId) });
  await ctx.t.deleteIds(rows.map((r) => r.id));
}

/** Most rows one copy writes: a record with its cells and subordinate records. */
export const COPY_ROW_LIMIT = 10_000;

/**
 * The rows below a record that a copy writes (PHP Populate_Reqs), read before anything is
 * written: depth first, children by id, as PHP inserts them, so the copies get the ids PHP gives.
 * Cells the request sets anew (`t{type}`) are not copied. A row is visited once, so a damaged
 * tree with a cycle cannot make the walk endless; more than COPY_ROW_LIMIT rows is refused.
 */
async function subtreeToCopy(ctx: RequestContext, rootId: number): Promise<Row[]> {
  const rows: Row[] = [];
  const visited = new Set<number>([rootId]);
  const walk = async (parent: number): Promise<void> => {
    for (const child of await ctx.t.find({ up: parent }, { orderBy: 'id' })) {
      if (visited.has(child.id) || ctx.has(`t${child.t}`)) continue;
      visited.add(child.id);
      rows.push(child);
      if (rows.length > COPY_ROW_LIMIT) ctx.myDie(`The record is too large to copy (more than ${COPY_ROW_LIMIT} rows)`);
      await walk(child.id);
    }
  };
  await walk(rootId);
  return rows;
}

/** Inserts the copies of `rows` (from subtreeToCopy) under the copy of their root. */
async function insertCopies(ctx: RequestContext, rows: readonly Row[], fromRoot: number, toRoot: number): Promise<void> {
  const copyOf = new Map<number, number>([[fromRoot, toRoot]]);
  for (const row of rows) {
    const up = copyOf.get(row.up);
    if (up === undefined) continue;
    const copyId = await ctx.t.insert({ up, ord: row.ord, t: row.t, val: row.val });
    copyOf.set(row.id, copyId);
    // PHP Populate_Reqs copies the file too
    if (row.val !== '' && ctx.core.files && isFileColumn(ctx, row.t)) {
      const content = await ctx.core.files.read(ctx.db, filePath(ctx, row.id, row.val));
      if (content) ctx.fileChanges.push({ kind: 'write', path: filePath(ctx, copyId, row.val), content });
    }
  }
}

/** incoming references to a record and to the subordinate records below it */
async function treeRefCount(ctx: RequestContext, id: number): Promise<number> {
  let count = await ctx.t.count({ t: id });
  const rec = await ctx.t.get(id);
  if (!rec) return count;
  const arrTypes = ctx.meta.childRows(rec.t).filter((r) => r.t !== r.up).map((r) => r.t);
  if (!arrTypes.length) return count;
  const children = await ctx.t.find({ up: id, t: arrTypes });
  for (const c of children) count += await treeRefCount(ctx, c.id);
  return count;
}

async function mDel(ctx: RequestContext, s: CommandState): Promise<void> {
  const id = numId(s);
  if (id === 0) ctx.myDie(WRONG_ID_ZERO);
  await checkGrantOrDie(ctx, id);
  if (id === ctx.session!.userId) ctx.myDie('Нельзя удалить себя как пользователя');
  const obj = await ctx.t.get(id);
  const par = obj ? await ctx.t.get(obj.up) : null;
  if (!obj || !par) ctx.dieText('Объект не найден');
  if (par.up === 0) ctx.myDie(`Нельзя удалить метаданные (реквизит ${id} типа `);
  const refs = await ctx.t.count({ t: id });
  if (refs > 0) ctx.myDie(`Нельзя удалить объект, на который существует ссылки (всего: ${refs})!`, 409);
  const treeRefs = await treeRefCount(ctx, id);
  if (treeRefs > 0) ctx.myDie(`Нельзя удалить объект, на который существует ссылки (всего: ${treeRefs})!`, 409);
  if (obj.up > 1) {
    const type = ctx.meta.get(obj.t) ?? (await ctx.t.get(obj.t));
    if (type && type.up === 0) {
      s.arg = `F_U=${obj.up}`;
      await ctx.t.shiftOrd({ up: obj.up, t: obj.t, ordFrom: obj.ord + 1 }, -1);
    } else if (isNumeric(obj.val)) await ctx.t.shiftOrd({ up: obj.up, val: obj.val, ordFrom: obj.ord + 1 }, -1);
  }
  removeFilesOf(ctx, await fileCellsBelow(ctx, [id]));
  await ctx.t.deleteTree(id);
  s.obj = id;
  s.id = String(obj.t);
  s.a = 'object';
}

async function mDelBatch(ctx: RequestContext, s: CommandState): Promise<never> {
  const typeId = numId(s);
  if (ctx.req.method.toUpperCase() !== 'POST') ctx.myDie('Для массового удаления используйте POST', 405);
  if (typeId === 0 && s.id !== '') ctx.myDie('Не указан тип записей (table id)');
  const raw = ctx.post.ids !== undefined ? ctx.post.ids : ctx.request.ids;
  const list = Array.isArray(raw) ? raw.map(paramString) : typeof raw === 'string' && raw !== '' ? raw.split(',') : raw !== undefined && raw !== null && typeof raw !== 'object' ? paramString(raw).split(',') : [];
  const ids: number[] = [];
  for (const r of list) {
    const n = toInt(r);
    if (n > 0 && !ids.includes(n)) ids.push(n);
  }
  if (!ids.length) ctx.myDie('Пустой список идентификаторов');
  if (ids.length > 10000) ctx.myDie('Слишком большой батч (max 10000)');
  const g = ctx.session!;
  if (!g.grants.deletable.has('1') && !g.grants.deletable.has(String(typeId)) && g.user !== 'admin' && firstLevel(ctx, typeId) !== 'WRITE') {
    ctx.myDie('У вас нет прав на массовое удаление объектов этого типа', 403);
  }
  // without a type in the URL the engine's check of id 0 does not fire (PHP 8: "" != 0) and its
  // SQL fails, answered as plain text; ours names the missing part (docs/compatibility.md)
  if (s.id === '') ctx.dieText('Не указан тип записей (table id)');
  const rows = (await ctx.t.find({ id: ids, t: typeId })).filter((r) => r.t !== r.up);
  const parents = new Map((await ctx.t.find({ id: [...new Set(rows.map((r) => r.up))] })).map((r) => [r.id, r]));
  const deleted: number[] = [];
  const errors: Record<string, string> = {};
  const found = new Set<number>();
  for (const row of rows) {
    found.add(row.id);
    const par = parents.get(row.up);
    if (!par || par.up === 0) {
      errors[String(row.id)] = 'Нельзя удалить метаданные';
      continue;
    }
    if (row.id === g.userId) {
      errors[String(row.id)] = 'Нельзя удалить себя как пользователя';
      continue;
    }
    const refCnt = await treeRefCount(ctx, row.id);
    if (refCnt > 0) {
      errors[String(row.id)] = `Нельзя удалить объект, на который существуют ссылки (всего: ${refCnt})`;
      continue;
    }
    if (row.up > 1) await ctx.t.shiftOrd({ up: row.up, t: row.t, ordFrom: row.ord + 1 }, -1);
    removeFilesOf(ctx, await fileCellsBelow(ctx, [row.id]));
    await ctx.t.deleteTree(row.id);
    deleted.push(row.id);
  }
  for (const id of ids) if (!found.has(id)) errors[String(id)] = 'Не найден или другой тип';
  // PHP's json_encode writes an empty array as [], a keyed one as an object
  ctx.successJson({ deleted, errors: Object.keys(errors).length ? errors : [] }, 'del_batch.json');
}

/** The engine's refusal of id 0: its message text lost the id (PHP read `$id[EN]` as an index). */
const WRONG_ID_ZERO = 'Неверный id: Wrong id: 0';

async function mMove(ctx: RequestContext, s: CommandState): Promise<void> {
  const id = numId(s);
  const up = ctx.has('up') ? toInt(ctx.str('up')) : 0;
  if (id === 0) ctx.dieText(WRONG_ID_ZERO);
  await checkGrantOrDie(ctx, id);
  const a = await ctx.t.get(id);
  const parent = a ? await ctx.t.get(a.up) : null;
  const target = await ctx.t.get(up);
  const hasChildren = up > 0 && (await ctx.t.count({ up })) > 0;
  // the engine reads the record, its parent, the target and the target's children in one aggregate
  // row: when any of them is missing every field is NULL, which it then takes for metadata
  const found = a && parent && target && hasChildren ? a : null;
  s.arg = 'moved&';
  let ord = 1;
  if (up !== 1) {
    await checkGrantOrDie(ctx, up, found?.t ?? 0);
    s.arg += `&F_U=${up}`;
    ord = (await ctx.t.maxOrd({ up })) + 1;
  } else if (firstLevel(ctx, found?.t ?? 0) !== 'WRITE') ctx.dieText('У вас нет прав на создание объектов этого типа.');
  if (!found || !parent || !target || found.up === 0) ctx.dieText('Cannot update meta-data');
  // docs/compatibility.md, "Deliberate differences": a record never moves into its own subtree
  // (the PHP engine would cut the subtree off from the root)
  if (found.up === found.id || (await isInSubtree(ctx, up, id))) ctx.myDie('Cannot move a record into its own subtree');
  // another parent type is accepted when some row under the target's type already has the
  // record's type (a requisite of that table, or for the root: a record of that table)
  if (parent.t !== target.t && (await ctx.t.count({ up: target.t, t: found.t })) === 0) {
    ctx.dieText(`Types mismatch ${parent.t}!==${target.t}`);
  }
  if (found.up !== up) {
    await ctx.t.update(id, { ord, up });
    await ctx.t.shiftOrd({ up: found.up, t: found.t, ordFrom: found.ord + 1 }, -1);
  }
  s.a = 'object';
}

/** Whether `id` is `root` or lies below it (walking up from `id`; a cycle ends the walk). */
async function isInSubtree(ctx: RequestContext, id: number, root: number): Promise<boolean> {
  const seen = new Set<number>();
  let current = await ctx.t.get(id);
  while (current && !seen.has(current.id)) {
    if (current.id === root) return true;
    if (current.up === 0 || current.up === current.id) return false;
    seen.add(current.id);
    current = await ctx.t.get(current.up);
  }
  return false;
}

async function mUp(ctx: RequestContext, s: CommandState): Promise<void> {
  const id = numId(s);
  await checkGrantOrDie(ctx, id);
  const obj = await ctx.t.get(id);
  if (!obj) ctx.dieText('No arr recs');
  const peers = (await ctx.t.find({ up: obj.up, t: obj.t })).filter((p) => p.ord < obj.ord);
  const newOrd = peers.length ? Math.max(...peers.map((p) => p.ord)) : 0;
  if (newOrd > 0) {
    const rows = (await ctx.t.find({ up: obj.up })).filter((r) => r.ord === obj.ord || r.ord === newOrd);
    for (const r of rows) await ctx.t.update(r.id, { ord: r.ord === obj.ord ? newOrd : obj.ord });
  }
  s.id = String(obj.t);
  s.arg = `F_U=${obj.up}`;
  s.a = 'object';
}

async function mOrd(ctx: RequestContext, s: CommandState): Promise<void> {
  const order = ctx.str('order');
  if (!isNumeric(order) || toInt(order) < 1) ctx.dieText('Invalid order');
  const id = numId(s);
  await checkGrantOrDie(ctx, id);
  const newOrd = toInt(order);
  const obj = await ctx.t.get(id);
  const par = obj ? await ctx.t.get(obj.up) : null;
  if (!obj || !par || par.up === 0) ctx.myDie(`Не найден id=${id} `);
  if (newOrd !== obj.ord) {
    await moveToOrder(ctx, obj.id, obj.up, obj.ord, newOrd);
    s.id = String(obj.up);
  }
  s.obj = s.id;
}

async function mId(ctx: RequestContext, s: CommandState): Promise<void> {
  const newIdRaw = ctx.str('new_id');
  if (!isNumeric(newIdRaw) || toInt(newIdRaw) < 1) ctx.dieText('Invalid ID');
  const id = numId(s);
  await checkGrantOrDie(ctx, id);
  const newId = toInt(newIdRaw);
  // ids are INT columns in both stores (PostgreSQL: signed 32-bit)
  if (newId > 2147483647) ctx.dieText('Invalid ID');
  const occupied = await ctx.t.get(newId);
  const self = await ctx.t.get(id);
  // the engine reads the rows `id=new_id OR (id=record AND up=0)` and judges the first by id:
  // metadata when its up is 0, otherwise the new id is taken
  const blocking = [occupied, self && self.up === 0 ? self : null].filter((r): r is Row => r !== null).sort((x, y) => x.id - y.id)[0];
  if (blocking) ctx.myDie(blocking.up === 0 ? 'Это id метаданных' : 'Новый id занят');
  if (!self) ctx.myDie('Новый id занят');
  await ctx.t.insert({ id: newId, up: self.up, ord: self.ord, t: self.t, val: self.val });
  await ctx.t.updateWhere({ up: id }, { up: newId });
  await ctx.t.updateWhere({ t: id }, { t: newId });
  await ctx.t.deleteIds([id]);
  s.obj = newId;
  s.id = newId;
}
