/**
 * /api/v2/integram/databases/{db}/types: the tables (types) of a database as the engine reports
 * their metadata (GET /{db}/metadata/{type}), as `integram-type` resources.
 */
import type { Router } from 'express';
import { BASE_NAMES, parseAttrs } from '../../../engine/index.js';
import { HttpError } from '../../errors.js';
import type { ApiServices } from '../context.js';
import { resolveCaller, type Caller } from './caller.js';
import { jsonApiRoute, sendDocument, V2_BASE } from './document.js';

interface EngineReq { num: number; id: string; val: string; orig?: string; type: string; ref?: string; ref_id?: string; arr_id?: string; attrs?: string }
interface EngineType { id: string; up?: string; type: string; val: string; unique?: string; alias?: string; granted?: string; reqs?: EngineReq[] }

export interface Column {
  id: number;
  name: string;
  alias: string | null;
  baseType: string;
  ref?: number;
  /** child type of a subordinate table column */
  table?: number;
  required: boolean;
  multi: boolean;
  /** the attribute name in objects: alias, else name; `c<id>` when two columns share it */
  key: string;
}

export interface TypeInfo {
  id: number;
  name: string;
  alias: string | null;
  baseType: string;
  unique: boolean;
  columns: Column[];
}

function baseName(id: string | number | undefined): string {
  return BASE_NAMES[Number(id)] ?? 'UNKNOWN';
}

function typeInfo(meta: EngineType): TypeInfo {
  const used = new Set<string>(['value', 'id', 'typeId']);
  const columns: Column[] = (meta.reqs ?? []).map((r) => {
    const attrs = parseAttrs(r.attrs ?? '');
    const alias = attrs.alias && attrs.alias !== '' ? attrs.alias : null;
    let key = alias ?? r.val;
    if (key === '' || used.has(key)) key = `c${r.id}`;
    used.add(key);
    const column: Column = {
      id: Number(r.id), name: r.val, alias, baseType: baseName(r.type), required: attrs.required, multi: attrs.multi, key,
    };
    if (r.ref !== undefined && r.ref !== '') column.ref = Number(r.ref);
    if (r.arr_id !== undefined && r.arr_id !== '') column.table = Number(r.arr_id);
    return column;
  });
  return {
    id: Number(meta.id), name: meta.val, alias: meta.alias && meta.alias !== '' ? meta.alias : null, baseType: baseName(meta.type),
    unique: meta.unique === '1', columns,
  };
}

/** Finds a column by its attribute key, name, alias or id (case-insensitive). */
export function findColumn(info: TypeInfo, name: string): Column | 'value' | null {
  const lower = name.toLowerCase();
  if (lower === 'value' || lower === String(info.id)) return 'value';
  return (
    info.columns.find((c) => c.key.toLowerCase() === lower) ??
    info.columns.find((c) => String(c.id) === name || c.name.toLowerCase() === lower || (c.alias ?? '').toLowerCase() === lower) ??
    null
  );
}

/** The engine's field name of a column: t{id} (the type's own id for the value). */
export function columnId(info: TypeInfo, column: Column | 'value'): number {
  return column === 'value' ? info.id : column.id;
}

export async function loadType(caller: Caller, typeParam: string): Promise<TypeInfo> {
  if (!/^\d+$/.test(typeParam)) throw new HttpError(404, `Type "${typeParam}" not found (use the numeric type id)`, 'type_not_found');
  const notFound = () => new HttpError(404, `Type ${typeParam} not found in database "${caller.db}"`, 'type_not_found');
  let value: unknown;
  try {
    value = await caller.call('metadata', { id: typeParam });
  } catch (err) {
    // the engine answers an unknown id with an empty or error body
    if (err instanceof HttpError && err.status === 422) throw notFound();
    throw err;
  }
  const meta = value as EngineType | null;
  if (!meta || typeof meta !== 'object' || Array.isArray(meta) || String(meta.id) !== typeParam) throw notFound();
  return typeInfo(meta);
}

export async function countObjects(caller: Caller, typeId: number, filters: Record<string, string> = {}): Promise<number> {
  const value = (await caller.call('object', { id: String(typeId), query: { JSON_OBJ: '', _count: '1', ...filters } })) as { count?: unknown };
  return Number(value?.count ?? 0);
}

export function bindTypeRoutes(router: Router, services: ApiServices): void {
  router.get('/databases/:db/types', jsonApiRoute(async (req, res) => {
    const caller = await resolveCaller(services, req, String(req.params.db));
    const terms = (await caller.call('terms')) as { id: number | string; type: number | string; name: string; alias?: string }[];
    const all = (await caller.call('metadata')) as EngineType[];
    const metaById = new Map((Array.isArray(all) ? all : []).map((m) => [String(m.id), m]));
    const data = await Promise.all((Array.isArray(terms) ? terms : []).map(async (term) => {
      const meta = metaById.get(String(term.id));
      const info = meta ? typeInfo(meta) : null;
      return {
        type: 'integram-type',
        id: String(term.id),
        attributes: {
          name: term.name,
          alias: term.alias ?? null,
          baseType: baseName(term.type),
          unique: info?.unique ?? false,
          columnCount: info?.columns.length ?? 0,
          objectCount: await countObjects(caller, Number(term.id)),
        },
        links: { self: `${V2_BASE}/databases/${caller.db}/types/${term.id}` },
      };
    }));
    sendDocument(res, 200, { data, meta: { total: data.length }, links: { self: `${V2_BASE}/databases/${caller.db}/types` } });
  }));

  router.get('/databases/:db/types/:type', jsonApiRoute(async (req, res) => {
    const caller = await resolveCaller(services, req, String(req.params.db));
    const info = await loadType(caller, String(req.params.type));
    const base = `${V2_BASE}/databases/${caller.db}/types/${info.id}`;
    sendDocument(res, 200, {
      data: {
        type: 'integram-type',
        id: String(info.id),
        attributes: {
          name: info.name, alias: info.alias, baseType: info.baseType, unique: info.unique, columnCount: info.columns.length,
          objectCount: await countObjects(caller, info.id),
          columns: info.columns.map((c) => ({
            id: c.id, name: c.name, alias: c.alias, attribute: c.key, baseType: c.baseType, ...(c.ref !== undefined ? { ref: c.ref } : {}),
            ...(c.table !== undefined ? { table: c.table } : {}), required: c.required, multi: c.multi,
          })),
        },
        links: { self: base, objects: `${base}/objects` },
      },
    });
  }));
}
