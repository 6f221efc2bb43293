/**
 * Structure commands `_d_*` (docs/legacy-api.md, "Structure commands (_d_*)"). The caller has already
 * checked the type-editor grant and `_xsrf`. Each command leaves `id`/`obj`
 * with the JSON types the PHP engine produces (numbers from the URL or an
 * insert, strings from a SELECT).
 */
import type { RequestContext } from './context.js';
import { numId, type CommandState } from './command-state.js';
import { firstLevel } from './access.js';
import { moveToOrder, swapOrd } from './row-order.js';
import { BASE_NAMES, isBaseTypeId } from './meta.js';
import { buildAttrs, setAttrAlias, toggleAttrFlag, type AttrFlag } from './attrs.js';
import { htmlentities, isNumeric, toInt } from './php.js';
import { REP_COLS, ROLE, ROLE_OBJECT } from './ids.js';

/** the engine's alternative names of the structure commands */
export const DDL_ALIASES: Record<string, string> = {
  _attributes: '_d_req', _patchterm: '_d_save', _setalias: '_d_alias', _settablealias: '_t_alias', _terms: '_d_new',
  _references: '_d_ref', _setnull: '_d_null', _setmulti: '_d_multi', _setkey: '_d_key', _modifiers: '_d_attrs',
  _moveup: '_d_up', _setorder: '_d_ord', _deleteterm: '_d_del', _deletereq: '_d_del_req',
};

export async function runDdl(ctx: RequestContext, s: CommandState): Promise<void> {
  const id = numId(s);
  const t = ctx.has('t') ? toInt(ctx.str('t')) : 0;
  const val = ctx.str('val');
  const unique = ctx.has('unique') ? 1 : 0;
  const store = ctx.t;
  const action = DDL_ALIASES[s.a] ?? s.a;
  switch (action) {
    case '_t_alias': {
      if (val.includes(':')) ctx.myDie(`Недопустимый символ &laquo;:&raquo; в псевдониме ${val} `);
      const table = await store.get(id);
      if (!table || table.up !== 0 || table.id === table.t || table.t === 0) ctx.myDie(`Таблица ${id} не найдена `);
      if (firstLevel(ctx, id) !== 'WRITE') ctx.myDie('У вас нет прав на изменение структуры таблицы');
      const desc = (await store.find({ up: id, t: id, ord: 0 }, { limit: 1 }))[0];
      if (desc) await store.update(desc.id, { val: setAttrAlias(desc.val, val) });
      else await store.insert({ up: id, ord: 0, t: id, val: setAttrAlias('', val) });
      s.obj = id;
      return;
    }
    case '_d_new': {
      if (val === '') ctx.myDie('Пустой тип');
      if (!ctx.has('t')) ctx.myDie('Не задан базовый тип');
      const rawT = ctx.str('t');
      if (!(String(toInt(rawT)) === rawT && isBaseTypeId(toInt(rawT))) && rawT !== '0') {
        ctx.myDie(`Неверный базовый тип: ${htmlentities(rawT)}`);
      }
      const existing = (await store.find({ val, t })).find((r) => r.id !== r.t);
      if (!existing) s.obj = await store.insert({ up: 0, ord: unique, t, val });
      else {
        s.obj = String(existing.id);
        ctx.warning = `Тип ${val} уже существует!`;
      }
      return;
    }
    case '_d_save': {
      if (val === '') ctx.myDie('Неверный тип');
      const obj = await store.get(id);
      if (!obj || obj.up !== 0) ctx.myDie('Тип не найден. ');
      const dup = (await store.find({ val, t })).find((r) => r.id !== id && r.id !== r.t);
      if (dup) ctx.myDie(`Тип ${val} с базовым типом ${BASE_NAMES[t] ?? ''} уже существует. `);
      if (obj.t !== 0 && t === 0) ctx.myDie(`Неверный базовый тип (${t}) `);
      if (obj.t !== t || obj.val !== val || obj.ord !== unique) await store.update(id, { t, val, ord: unique });
      s.obj = s.id;
      return;
    }
    case '_d_req':
      return addReq(ctx, s, id, t, val);
    case '_d_ref': {
      if (id === 0) ctx.myDie(`Неверная ссылка (${id}) `);
      const obj = await store.get(id);
      if (!obj) ctx.myDie(`Не найден тип ${id} `);
      if (obj.up !== 0 || obj.t === id) ctx.myDie(`Неверный тип ${id} - `);
      const ref = (await store.find({ up: 0, t: id, val: '' }, { limit: 1 }))[0];
      if (ref) s.obj = String(ref.id);
      else s.obj = await store.insert({ up: 0, ord: 0, t: id, val: '' });
      return;
    }
    case '_d_alias': {
      if (val.includes(':')) ctx.myDie(`Недопустимый символ &laquo;:&raquo; в псевдониме ${val} `);
      const term = await store.get(id);
      const par = term ? await store.get(term.t) : null;
      if (!term || !par) ctx.myDie(`Тип ${id} не найден `);
      const up = ctx.has('up') ? toInt(ctx.str('up')) : 0;
      if (term.t === 1) {
        if (val !== '') await store.update(id, { val });
        s.id = up;
        s.obj = up;
        return;
      }
      if (par.up !== 0) ctx.myDie('Ошибка подчиненности объекта ссылки ');
      await store.update(id, { val: setAttrAlias(term.val, val) });
      s.id = String(term.up);
      s.obj = String(term.up);
      return;
    }
    case '_d_null':
    case '_d_multi':
    case '_d_key': {
      const flag: AttrFlag = action === '_d_null' ? 'required' : action === '_d_multi' ? 'multi' : 'key';
      const req = await store.get(id);
      const obj = req ? await store.get(req.up) : null;
      if (!req || !obj || obj.up !== 0) ctx.myDie(`Неверный реквизит ${id} `);
      await store.update(id, { val: toggleAttrFlag(req.val, flag) });
      s.obj = String(obj.id);
      return;
    }
    case '_d_attrs': {
      const req = await store.get(id);
      const owner = req ? await store.get(req.up) : null;
      // the PHP engine writes any row here; we only touch requisite rows (compat: never corrupt data rows)
      if (!req || !owner || owner.up !== 0 || req.up === 0) ctx.myDie(`Неверный реквизит ${id} `);
      const alias = ctx.has('alias') ? ctx.str('alias') : null;
      await store.update(id, { val: buildAttrs(val, ctx.has('set_null'), ctx.has('multi'), alias, ctx.has('key')) });
      s.obj = ctx.has('up') ? toInt(ctx.str('up')) : 0;
      return;
    }
    case '_d_up': {
      const obj = await store.get(id);
      if (!obj) {
        s.id = null as unknown as string;
        s.obj = null;
        return;
      }
      const peers = await store.find({ up: obj.up });
      const lower = peers.filter((p) => p.ord < obj.ord).map((p) => p.ord);
      const newOrd = lower.length ? Math.max(...lower) : 0;
      if (newOrd > 0) await swapOrd(ctx, obj.up, obj.ord, newOrd, undefined);
      s.id = String(obj.up);
      s.obj = String(obj.up);
      return;
    }
    case '_d_ord': {
      const order = ctx.str('order');
      if (!isNumeric(order) || toInt(order) < 1) ctx.dieText('Invalid order');
      const newOrd = toInt(order);
      const req = await store.get(id);
      const par = req ? await store.get(req.up) : null;
      if (!req || !par || par.up !== 0) ctx.myDie(`Не найден id=${id} `);
      if (newOrd !== req.ord) {
        await moveToOrder(ctx, req.id, req.up, req.ord, newOrd);
        s.id = String(req.up);
      }
      s.obj = s.id;
      return;
    }
    case '_d_del': {
      const users = (await store.find({ t: id })).filter((r) => r.t !== r.up);
      if (users.length > 0) ctx.dieText(`Нельзя удалить тип при наличии его экземпляров (всего: ${users.length})!`);
      const reqIds = ctx.meta.childRows(id).map((r) => r.id);
      const inReports = await store.find({ t: REP_COLS, val: [String(id), ...reqIds.map(String)] }, { limit: 1 });
      if (inReports.length) {
        ctx.myDie(`Тип или его реквизиты используются в <a href="/${ctx.db}/object/22/?F_${REP_COLS}=${inReports[0].val}">отчетах</a>`);
      }
      const roleGrant = await grantRowsOn(ctx, [id, ...reqIds]);
      if (roleGrant) ctx.dieText(`Тип или его реквизиты используются в <a href="/${ctx.db}/object/${ROLE}/?F_${roleGrant.t}=${roleGrant.val}">ролях</a>!`);
      await store.deleteTree(id);
      return;
    }
    case '_d_del_req':
      return deleteReq(ctx, s, id);
    default:
      // an unknown _d_ command: the engine falls through to its page, in JSON mode `null`
      if (ctx.api) ctx.dieJson(null);
      ctx.dieText('');
  }
}

async function grantRowsOn(ctx: RequestContext, objIds: number[]): Promise<{ t: number; val: string } | null> {
  const roles = await ctx.t.find({ t: ROLE, up: 1 });
  if (!roles.length) return null;
  const rows = await ctx.t.find({ up: roles.map((r) => r.id), val: objIds.map(String) }, { limit: 1 });
  return rows.length ? { t: rows[0].t, val: rows[0].val } : null;
}

async function addReq(ctx: RequestContext, s: CommandState, id: number, t: number, val: string): Promise<void> {
  const store = ctx.t;
  if (id === 0 || t === 0) ctx.myDie(`Неверный реквизит (${t}) или ID (${id})`);
  if (t === 1) {
    if (val.trim() === '') ctx.myDie('Пустой тип');
    const name = val.trim();
    const obj = await store.get(id);
    if (!obj || obj.up !== 0) ctx.myDie(`Некорректный тип ${id}`);
    const dup = await store.find({ t: 1, up: id, val: name }, { limit: 1 });
    if (dup.length) ctx.myDie(`Реквизит уже сущесвует ${dup[0].id}`);
    s.obj = id;
    s.id = await store.insert({ up: id, ord: (await store.maxOrd({ up: id })) + 1, t: 1, val: name });
    return;
  }
  const obj = await store.get(id);
  if (!obj) ctx.myDie(`Не найден тип ${id} `);
  const term = await store.get(t);
  if (!term || term.up !== 0) ctx.myDie(`Неверный реквизит ${t} `);
  if (obj.up !== 0) ctx.myDie(`Некорректный тип ${id} - ${obj.val} (это не метаданные)`);
  if (term.t === t) ctx.myDie(`Некорректный тип ${t} - это базовый тип`);
  // an existing column with this term (only scalar terms count: exb is a base type)
  const existing = (await store.find({ up: id, t }))
    .find((ex) => {
      const ext = ctx.meta.get(ex.t);
      const exb = ext ? ctx.meta.get(ext.t) : undefined;
      return !!exb && exb.t === exb.id;
    });
  if (existing) {
    s.obj = id;
    s.id = String(existing.id);
    ctx.warning = `Реквизит ${t} уже существует!`;
    return;
  }
  s.obj = id;
  const attr = !isBaseTypeId(term.t) && ctx.has('multiselect') ? buildAttrs('', false, true, null, false) : '';
  s.id = await store.insert({ up: id, ord: (await store.maxOrd({ up: id })) + 1, t, val: attr });
}

async function deleteReq(ctx: RequestContext, s: CommandState, id: number): Promise<void> {
  const store = ctx.t;
  const def = await store.get(id);
  const term = def ? await store.get(def.t) : null;
  if (!def || !term) return;
  const myUp = def.up;
  const myOrd = def.ord;
  const records = await store.find({ t: myUp });
  const recordIds = records.map((r) => r.id);
  const cells = recordIds.length
    ? (isBaseTypeId(term.t)
      ? await store.find({ up: recordIds, t: [def.t, id] })
      : await store.find({ up: recordIds, val: String(id) }))
    : [];
  if (cells.length > 0) {
    if (ctx.post.forced !== undefined) {
      for (const c of cells) await store.deleteTree(c.id);
      const roles = await store.find({ t: ROLE, up: 1 });
      if (roles.length) for (const g of await store.find({ up: roles.map((r) => r.id), val: String(id) })) await store.deleteTree(g.id);
    } else {
      ctx.myDie(`ERROR_COLUMN_DATA Вы хотите удалить реквизит у типа при наличии этого реквизита у экземпляров (всего: ${cells.length})!`);
    }
  }
  const inReports = await store.find({ t: REP_COLS, val: String(id) }, { limit: 1 });
  const roles = await store.find({ t: ROLE, up: 1 });
  const inRoles = roles.length ? await store.find({ up: roles.map((r) => r.id), t: ROLE_OBJECT, val: String(id) }, { limit: 1 }) : [];
  if (inReports.length || inRoles.length) {
    ctx.myDie(`Этот реквизит используется в <a href="/${ctx.db}/object/22/?F_${REP_COLS}=${id}">отчетах</a> или <a href="/${ctx.db}/object/${ROLE}/?F_116=${id}">ролях</a>!`);
  }
  await store.deleteTree(id);
  await store.shiftOrd({ up: myUp, ordFrom: myOrd + 1 }, -1);
  s.id = String(myUp);
  s.obj = String(myUp);
}
