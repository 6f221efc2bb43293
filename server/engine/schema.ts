/**
 * The read commands over the schema (the tables, their requisites, the base types):
 * `terms`, `dict`, `metadata`, `obj_meta` and the type editor's `edit_types`.
 */
import type { Row } from '../storage/types.js';
import type { RequestContext } from './context.js';
import { numId, type CommandState } from './command-state.js';
import { firstLevel } from './access.js';
import { GRANT_PSEUDO_OBJECTS } from './ids.js';
import { BASE_NAMES, BASE_ORDER, collateCompare } from './meta.js';
import { typesGrant, typesGrantRefusal } from './grants.js';
import { attrsAlias } from './attrs.js';
import { htmlspecialchars } from './php.js';

interface TableScan {
  typ: ReadonlyMap<number, string>;
  base: ReadonlyMap<number, number>;
  alias: ReadonlyMap<number, string>;
}

/** independent tables, ordered by name (terms and dict share this scan; without a filter it is memoised per metadata snapshot) */
function tableScan(ctx: RequestContext, dictMode: boolean, like?: string): TableScan {
  if (like === undefined) return ctx.meta.memo(dictMode ? 'tableScan:dict' : 'tableScan:terms', () => scanTables(ctx, dictMode));
  return scanTables(ctx, dictMode, like);
}

function scanTables(ctx: RequestContext, dictMode: boolean, like?: string): TableScan {
  const rows = [...ctx.meta.rows.values()]
    .filter((a) => a.up === 0 && a.id !== a.t && a.val !== '' && a.t !== 0)
    .filter((a) => like === undefined || likeMatch(a.val, like))
    .sort((x, y) => collateCompare(x.val, y.val) || x.id - y.id);
  const typ = new Map<number, string>();
  const base = new Map<number, number>();
  const alias = new Map<number, string>();
  const req = new Set<number>();
  for (const a of rows) {
    const bn = BASE_NAMES[a.t];
    if (bn === 'CALCULATABLE' || bn === 'BUTTON') continue;
    base.set(a.id, a.t);
    const children = ctx.meta.childRows(a.id);
    const joined: (Row | null)[] = children.length ? children : [null];
    for (const r of joined) {
      if (dictMode && r && r.t === r.up) continue;
      if (!dictMode && r && r.t === a.id) {
        if (r.ord === 0) alias.set(a.id, aliasOf(r.val));
        if (!req.has(a.id) && !typ.has(a.id)) typ.set(a.id, a.val);
        continue;
      }
      if (!req.has(a.id) && !typ.has(a.id)) typ.set(a.id, a.val);
      if (r && r.t) {
        typ.delete(r.t);
        req.add(r.t);
      }
    }
  }
  return { typ, base, alias };
}

function aliasOf(attrs: string): string {
  try {
    return attrsAlias(attrs);
  } catch {
    return '';
  }
}

function likeMatch(value: string, pattern: string): boolean {
  const re = new RegExp(`^${pattern.split('').map((c) => (c === '%' ? '.*' : c === '_' ? '.' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('')}$`, 'is');
  return re.test(value);
}

export function terms(ctx: RequestContext): never {
  const { typ, base, alias } = tableScan(ctx, false);
  const result: Record<string, unknown>[] = [];
  for (const [id, val] of typ) {
    if (!firstLevel(ctx, id)) continue;
    const item: Record<string, unknown> = { id, type: base.get(id) ?? 0, name: htmlspecialchars(val) };
    const al = alias.get(id);
    if (al) item.alias = htmlspecialchars(al);
    result.push(item);
  }
  ctx.apiDump(result, 'terms.json');
}

export function dict(ctx: RequestContext): never {
  const like = ctx.getStr('val');
  const { typ } = tableScan(ctx, true, like);
  const out: Record<string, string> = {};
  for (const [id, val] of typ) if (firstLevel(ctx, id)) out[String(id)] = htmlspecialchars(val);
  if (ctx.api) ctx.apiDump(out);
  ctx.dieText(Object.values(out).join('\n'));
}

interface MetaJoinRow {
  obj: Row;
  req: Row | null;
  baseTyp: number | null;
  reqVal: string;
  ref: number | null;
  arrId: number | null;
}

function joinReqs(ctx: RequestContext, obj: Row, freeLinkAware: boolean): MetaJoinRow[] {
  const children = ctx.meta.childRows(obj.id);
  if (!children.length) return [{ obj, req: null, baseTyp: null, reqVal: '', ref: null, arrId: null }];
  return children.map((req) => {
    const typs = freeLinkAware && req.t === 1 ? undefined : ctx.meta.get(req.t);
    const target = typs ? ctx.meta.get(typs.t) : undefined;
    const refs = target && target.t !== target.id ? target : undefined;
    const baseTyp = refs ? refs.t : typs ? typs.t : null;
    const reqVal = freeLinkAware && req.t === 1 ? req.val : refs ? refs.val : typs ? typs.val : '';
    const arrId = !refs && typs && ctx.meta.childRows(typs.id).some((c) => c.ord === 1) ? typs.id : null;
    return { obj, req, baseTyp, reqVal, ref: refs ? refs.id : null, arrId };
  });
}

async function metaRowsFor(ctx: RequestContext, id: number): Promise<Row | null> {
  return ctx.meta.get(id) ?? (await ctx.t.get(id));
}

export async function metadata(ctx: RequestContext, s: CommandState): Promise<never> {
  const id = numId(s);
  const isOne = id > 0;
  let objs: Row[];
  if (isOne) {
    const r = await metaRowsFor(ctx, id);
    objs = r ? [r] : [];
  } else {
    objs = [...ctx.meta.rows.values()].filter((o) => o.up === 0 && o.id !== o.t && o.t !== 0).sort((x, y) => x.id - y.id);
  }
  const data: MetaJoinRow[] = [];
  for (const o of objs) {
    if (o.up !== 0 || o.id === o.t) ctx.dieText(`Invalid Term id ${isOne ? id : ''}`);
    data.push(...joinReqs(ctx, o, true));
  }
  const tableAttrs = new Map<number, string>();
  const usedAsReq = new Set<number>();
  const referenced = new Map<number, number>();
  for (const row of data) {
    if (row.req && row.req.t === row.obj.id && !row.req.ord) tableAttrs.set(row.obj.id, row.req.val);
    else if (row.req) usedAsReq.add(row.req.t);
    else if (row.obj.t > 17) referenced.set(row.obj.t, row.obj.id);
  }
  const grants = ctx.session!.grants;
  const meta = new Map<number, Record<string, unknown>>();
  for (const row of data) {
    const o = row.obj;
    const selfDesc = !!row.req && row.req.t === o.id && !row.req.ord;
    if (!selfDesc && !(row.req?.ord) && usedAsReq.has(o.id)) continue;
    if (o.t > 17) continue;
    if (!meta.has(o.id)) {
      const m: Record<string, unknown> = { id: String(o.id), up: String(o.up), type: String(o.t), val: o.val, unique: String(o.ord) };
      const granted = grants.levels.get(String(o.id)) ?? grants.levels.get('1');
      if (granted !== undefined) m.granted = granted;
      if (referenced.has(o.id)) m.referenced = String(referenced.get(o.id));
      const tblAttrs = tableAttrs.get(o.id) ?? '';
      if (tblAttrs.length) m.attrs = tblAttrs;
      const al = tblAttrs.length ? attrsAlias(tblAttrs, '') : '';
      if (al !== '') m.alias = al;
      if (grants.exportable.has(String(o.id)) || grants.exportable.has('1')) m.export = '1';
      if (grants.deletable.has(String(o.id)) || grants.deletable.has('1')) m.delete = '1';
      m.reqs = [];
      meta.set(o.id, m);
    }
    if (selfDesc || !row.req || !row.req.ord) continue;
    const req = row.req;
    const g = grants.levels.get(String(req.id));
    if (g === 'BARRED') continue;
    const item: Record<string, unknown> = {
      num: req.ord, id: String(req.id), val: row.reqVal, orig: String(row.ref ?? req.t), type: String(row.baseTyp ?? 1),
    };
    if (row.arrId) item.arr_id = String(row.arrId);
    if (row.ref) {
      item.ref = String(row.ref);
      item.ref_id = String(req.t);
    }
    if (req.val.length) item.attrs = req.val;
    if (g !== undefined) item.granted = g;
    (meta.get(o.id)!.reqs as unknown[]).push(item);
  }
  if (isOne) {
    const one = meta.get(id);
    if (!one) throw emptyBody(ctx, `metadata_${id}.json`);
    ctx.apiDump(one, `metadata_${id}.json`);
  }
  ctx.apiDump([...meta.values()], 'metadata_all.json');
}

function emptyBody(ctx: RequestContext, _filename: string): Error {
  return ctx.dieText('') as never;
}

export async function objMeta(ctx: RequestContext, s: CommandState): Promise<never> {
  const id = numId(s);
  const obj = await metaRowsFor(ctx, id);
  const filename = `${s.id}.json`;
  if (!obj) ctx.apiDump({}, filename);
  const out: Record<string, unknown> = { id: String(obj.id), up: String(obj.up), type: String(obj.t), val: obj.val };
  const children = obj.up === 0 ? ctx.meta.childRows(obj.id) : await ctx.t.find({ up: obj.id }, { orderBy: 'ord,id' });
  let reqs: Record<string, unknown> | undefined;
  for (const req of children) {
    if (req.t === obj.id && !req.ord) continue;
    const typs = ctx.meta.get(req.t);
    const target = typs ? ctx.meta.get(typs.t) : undefined;
    const refs = target && target.t !== target.id ? target : undefined;
    const baseTyp = refs ? refs.t : typs ? typs.t : '';
    const reqVal = refs ? refs.val : typs ? typs.val : '';
    const arrId = !refs && typs && ctx.meta.childRows(typs.id).some((c) => c.ord === 1) ? typs.id : null;
    const item: Record<string, unknown> = { id: String(req.id), val: reqVal, type: String(baseTyp) };
    if (arrId) item.arr_id = String(arrId);
    if (refs) {
      item.ref = String(refs.id);
      item.ref_id = String(req.t);
    }
    if (req.val.length) item.attrs = req.val;
    reqs ??= {};
    reqs[String(req.ord)] = item;
  }
  if (reqs) out.reqs = reqs;
  ctx.apiDump(out, filename);
}

export function editTypes(ctx: RequestContext): never {
  const level = typesGrant(ctx.session!);
  if (level === null) {
    ctx.dieText(typesGrantRefusal(ctx.session!));
  }
  const api: Record<string, unknown> = {};
  api['&main.a.&types'] = { typ: BASE_ORDER.map(String), val: BASE_ORDER.map((b) => BASE_NAMES[b]) };
  if (level === 'WRITE') api['&main.a.&editables'] = { ok: [''] };
  type EtRow = { typs: Row; refs?: Row; req?: Row; reft?: number };
  const rows: EtRow[] = [];
  for (const typs of ctx.meta.rows.values()) {
    if (typs.up !== 0 || typs.id === typs.t) continue;
    const target = ctx.meta.get(typs.t);
    const refs = target && target.id !== target.t ? target : undefined;
    const reqs = ctx.meta.childRows(typs.id).filter((r) => r.t !== r.up);
    if (!reqs.length) rows.push({ typs, refs });
    for (const req of reqs) {
      const reqTyps = ctx.meta.get(req.t);
      const rt = reqTyps && reqTyps.id !== reqTyps.t ? reqTyps : undefined;
      const refTyps = rt ? ctx.meta.get(rt.t) : undefined;
      const reft = refTyps && refTyps.id !== refTyps.t ? refTyps.t : undefined;
      rows.push({ typs, refs, req, reft });
    }
  }
  const valOf = (r: EtRow): string => (r.refs ? r.refs.val : r.typs.val);
  rows.sort((x, y) => Number(!x.req) - Number(!y.req) || collateCompare(valOf(x), valOf(y))
    || (y.refs?.id ?? -1) - (x.refs?.id ?? -1) || (x.req?.ord ?? 0) - (y.req?.ord ?? 0) || x.typs.id - y.typs.id || (x.req?.id ?? 0) - (y.req?.id ?? 0));
  const names = ['id', 't', 'ref_val', 'uniq', 'val', 'req_id', 'req_t', 'ord', 'attrs', 'reft'];
  const cols: Record<string, string[]> = {};
  for (let i = 0; i < names.length; i++) {
    cols[String(i)] = [];
    cols[names[i]] = [];
  }
  for (const r of rows) {
    const values = [r.typs.id, r.typs.t, r.refs?.id, r.typs.ord, valOf(r), r.req?.id, r.req?.t, r.req?.ord, r.req?.val, r.reft]
      .map((v) => (v === undefined || v === null ? '' : String(v)));
    values.forEach((v, i) => {
      cols[String(i)].push(v);
      cols[names[i]].push(v);
    });
  }
  api.edit_types = cols;
  const types: Record<string, string> = {};
  for (const b of BASE_ORDER) types[String(b)] = BASE_NAMES[b];
  api.types = types;
  if (level === 'WRITE') api.editable = 1;
  ctx.dieJson(api);
}

/**
 * GET grants: everything a grant can be given on, as the role editor lists it: each table, each
 * of its columns as `Table -> Column term` (a reference column names its target), then the pseudo
 * objects 0, 1 and 10. Tables are ordered by name, columns by position; a table that serves as
 * another table's column term is left out. The engine checks no grant here: every user gets the list.
 * Table ids are strings and column ids numbers, as the engine sends them.
 */
export function grantsList(ctx: RequestContext): never {
  const tables = [...ctx.meta.rows.values()]
    .filter((gr) => gr.up === 0 && gr.id !== gr.t && gr.val !== '' && gr.t !== 0)
    .sort((x, y) => collateCompare(x.val, y.val) || x.id - y.id);
  const result = new Map<number, { id: string | number; name: string }>();
  const isTable = new Set<number>();
  const usedAsTerm = new Set<number>();
  for (const gr of tables) {
    const reqs = ctx.meta.childRows(gr.id).filter((r) => r.t !== r.up && ctx.meta.get(r.t) !== undefined);
    const joined = reqs.length ? reqs.map((r) => ({ req: r, term: ctx.meta.get(r.t)! })) : [null];
    for (const j of joined) {
      if (j && j.term.t === 0) continue;
      if (!isTable.has(gr.id) && !usedAsTerm.has(gr.id)) {
        isTable.add(gr.id);
        result.set(gr.id, { id: String(gr.id), name: htmlspecialchars(gr.val) });
      }
      if (!j) continue;
      usedAsTerm.add(j.req.t);
      if (isTable.has(j.req.t)) result.delete(j.req.t);
      const target = ctx.meta.get(j.term.t);
      const refName = target && target.id !== target.t ? target.val : '';
      result.set(j.req.id, { id: j.req.id, name: `${htmlspecialchars(gr.val)} -> ${htmlspecialchars(j.term.val + refName)}` });
    }
  }
  const list: { id: string | number; name: string }[] = [...result.values()];
  for (const [id, name] of GRANT_PSEUDO_OBJECTS) list.push({ id, name: htmlspecialchars(name) });
  ctx.apiDump(list, 'grants.json');
}
