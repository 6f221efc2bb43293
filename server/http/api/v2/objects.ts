/**
 * /api/v2/integram/databases/{db}/objects and /types/{type}/objects: the records of a database
 * as `integram-object` resources, read and written through the engine with the caller's token.
 */
import type { Request, Response, Router } from 'express';
import { HttpError } from '../../errors.js';
import type { ApiServices } from '../context.js';
import { resolveCaller, type Caller } from './caller.js';
import { jsonApiRoute, positiveInt, queryParams, relationshipId, resourceBody, sendDocument, V2_BASE } from './document.js';
import { columnId, countObjects, findColumn, loadType, type TypeInfo } from './types.js';

const DEFAULT_PAGE_SIZE = 20;
const MAX_PAGE_SIZE = 1000;

interface EngineObject { i: number | string; u: number | string; o?: number | string; r: unknown[] }

function splitReference(value: string): { ids: string[]; text: string } {
  const colon = value.indexOf(':');
  if (colon < 0) return { ids: [], text: value };
  return { ids: value.slice(0, colon).split(',').filter((id) => /^\d+$/.test(id)), text: value.slice(colon + 1) };
}

function objectResource(db: string, info: TypeInfo, row: EngineObject) {
  const attributes: Record<string, unknown> = { value: row.r[0] ?? '' };
  const relationships: Record<string, unknown> = {
    type: { data: { type: 'integram-type', id: String(info.id) } },
    parent: { data: Number(row.u) > 1 ? { type: 'integram-object', id: String(row.u) } : null },
  };
  info.columns.forEach((column, index) => {
    const raw = row.r[index + 1];
    if (column.ref !== undefined && typeof raw === 'string') {
      const { ids, text } = splitReference(raw);
      attributes[column.key] = text;
      relationships[column.key] = { data: column.multi ? ids.map((id) => ({ type: 'integram-object', id })) : ids.length ? { type: 'integram-object', id: ids[0] } : null };
    } else {
      attributes[column.key] = raw ?? '';
    }
  });
  const id = String(row.i);
  return {
    type: 'integram-object',
    id,
    attributes,
    relationships,
    meta: { order: Number(row.o ?? 0) },
    links: { self: `${V2_BASE}/databases/${db}/objects/${id}` },
  };
}

type ObjectResource = ReturnType<typeof objectResource>;

function sendObject(res: Response, status: number, resource: ObjectResource): void {
  sendDocument(res, status, { data: resource, links: { self: resource.links.self } });
}

async function fetchObject(services: ApiServices, caller: Caller, id: number): Promise<{ info: TypeInfo; resource: ObjectResource }> {
  const notFound = () => new HttpError(404, `Object ${id} not found in database "${caller.db}"`, 'object_not_found');
  const t = services.store().tenant(caller.db);
  const row = await t.get(id);
  const typeRow = row && row.up !== 0 ? await t.get(row.t) : null;
  // a record: its t is a table (metadata row that is not a base type), and it hangs under 1 or under a record
  const parent = row && row.up > 1 ? await t.get(row.up) : null;
  if (!row || !typeRow || typeRow.up !== 0 || typeRow.id === typeRow.t || (row.up !== 1 && (!parent || parent.up === 0))) throw notFound();
  const info = await loadType(caller, String(row.t));
  const query: Record<string, string> = { JSON_OBJ: '', F_I: String(id) };
  if (row.up > 1) query.F_U = String(row.up);
  const list = (await caller.call('object', { id: String(row.t), query })) as EngineObject[];
  const found = Array.isArray(list) ? list.find((o) => String(o.i) === String(id)) : undefined;
  if (!found) throw notFound();
  return { info, resource: objectResource(caller.db, info, found) };
}

const scalar = (v: unknown): string | null => (v === null ? '' : typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : null);

/** JSON:API attributes → the engine's t{id} fields; unknown attributes are a 422 with a pointer. */
function cellFields(info: TypeInfo, attributes: Record<string, unknown>): Record<string, unknown> {
  const post: Record<string, unknown> = {};
  const errors: HttpError[] = [];
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'typeId') continue;
    const column = findColumn(info, name);
    const source = { pointer: `/data/attributes/${name}` };
    if (column === null) {
      errors.push(new HttpError(422, `Type ${info.id} (${info.name}) has no column "${name}"`, 'unknown_attribute', { source }));
      continue;
    }
    if (Array.isArray(value)) {
      const parts = value.map(scalar);
      if (parts.some((p) => p === null)) errors.push(new HttpError(422, `"${name}" must be a string, a number or a list of them`, 'invalid_value', { source }));
      else post[`t${columnId(info, column)}`] = parts.join(',');
      continue;
    }
    const text = scalar(value);
    if (text === null) errors.push(new HttpError(422, `"${name}" must be a string, a number or a boolean`, 'invalid_value', { source }));
    else post[`t${columnId(info, column)}`] = column !== 'value' && column.baseType === 'BOOLEAN' && typeof value === 'boolean' ? (value ? '1' : '') : text;
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, errors.map((e) => e.message).join('; '));
  return post;
}

async function createObject(services: ApiServices, req: Request, res: Response, typeFromPath: string | null): Promise<void> {
  const caller = await resolveCaller(services, req, String(req.params.db));
  const resource = resourceBody(req);
  const typeId = typeFromPath ?? relationshipId(resource.relationships, 'type') ?? (resource.attributes.typeId !== undefined ? String(resource.attributes.typeId) : null);
  if (typeId === null) {
    throw new HttpError(422, 'Give the type: relationships.type.data.id or attributes.typeId', 'type_required', { source: { pointer: '/data/relationships/type' } });
  }
  if (typeFromPath === null && !/^\d+$/.test(typeId)) {
    throw new HttpError(422, 'The type id must be a number', 'invalid_type', { source: { pointer: '/data/attributes/typeId' } });
  }
  const info = await loadType(caller, typeId);
  const post = cellFields(info, resource.attributes);
  const parent = relationshipId(resource.relationships, 'parent');
  const answer = (await caller.call('_m_new', { id: String(info.id), post: { up: parent ?? '1', ...post } })) as { id?: unknown; warning?: unknown };
  if (typeof answer?.warning === 'string' && answer.warning !== '' && answer.id !== undefined) {
    throw new HttpError(409, `${answer.warning}: object ${String(answer.id)} (type ${info.id} is unique)`, 'duplicate', { source: { pointer: '/data/attributes/value' } });
  }
  const id = Number(answer?.id);
  if (!Number.isInteger(id) || id <= 0) throw new HttpError(422, 'The engine did not create the object', 'refused');
  const { resource: created } = await fetchObject(services, caller, id);
  res.location(created.links.self);
  sendObject(res, 201, created);
}

function objectId(req: Request): number {
  const raw = String(req.params.id);
  if (!/^\d+$/.test(raw)) throw new HttpError(404, `Object "${raw}" not found`, 'object_not_found');
  return Number(raw);
}

/** filter[id], filter[parent] and filter[<column>] → the engine's F_I, F_U and F_{id}. */
function objectFilters(info: TypeInfo, params: URLSearchParams): Record<string, string> {
  const filters: Record<string, string> = {};
  for (const [key, value] of params) {
    const match = /^filter\[(.+)\]$/.exec(key);
    if (!match) continue;
    const name = match[1];
    if (name === 'id' || name === 'parent') {
      if (!/^\d+$/.test(value)) throw new HttpError(400, `filter[${name}] must be an object id`, 'invalid_filter', { source: { parameter: key } });
      filters[name === 'id' ? 'F_I' : 'F_U'] = value;
      continue;
    }
    const column = findColumn(info, name);
    if (column === null) throw new HttpError(400, `Type ${info.id} has no column "${name}"`, 'invalid_filter', { source: { parameter: key } });
    filters[`F_${columnId(info, column)}`] = value;
  }
  return filters;
}

/** sort=<column> or -<column> → the engine's ORDER; one column only. */
function objectOrder(info: TypeInfo, sort: string | null): string | null {
  if (sort === null || sort === '') return null;
  const source = { parameter: 'sort' };
  const keys = sort.split(',');
  if (keys.length > 1) throw new HttpError(400, 'Sorting by one column is supported', 'unsupported_sort', { source });
  const desc = keys[0].startsWith('-');
  const column = findColumn(info, desc ? keys[0].slice(1) : keys[0]);
  if (column === null) throw new HttpError(400, `Type ${info.id} has no column "${keys[0]}"`, 'invalid_sort', { source });
  const id = columnId(info, column);
  return desc ? `-${id}` : String(id);
}

export function bindObjectRoutes(router: Router, services: ApiServices): void {
  router.get('/databases/:db/types/:type/objects', jsonApiRoute(async (req, res) => {
    const caller = await resolveCaller(services, req, String(req.params.db));
    const info = await loadType(caller, String(req.params.type));
    const params = queryParams(req);
    const pageNumber = positiveInt(params.get('page[number]'), 1, 'page[number]', Number.MAX_SAFE_INTEGER);
    const pageSize = positiveInt(params.get('page[size]'), DEFAULT_PAGE_SIZE, 'page[size]', MAX_PAGE_SIZE);
    const filters = objectFilters(info, params);
    const query: Record<string, string> = { JSON_OBJ: '', ...filters, LIMIT: `${(pageNumber - 1) * pageSize},${pageSize}` };
    const order = objectOrder(info, params.get('sort'));
    if (order !== null) query.ORDER = order;
    const [list, total] = await Promise.all([
      caller.call('object', { id: String(info.id), query }) as Promise<EngineObject[]>,
      countObjects(caller, info.id, filters),
    ]);
    const data = (Array.isArray(list) ? list : []).map((row) => objectResource(caller.db, info, row));
    const lastPage = Math.max(1, Math.ceil(total / pageSize));
    const base = `${V2_BASE}/databases/${caller.db}/types/${info.id}/objects`;
    const link = (n: number) => {
      const p = new URLSearchParams(params);
      p.set('page[number]', String(n));
      p.set('page[size]', String(pageSize));
      return `${base}?${p.toString()}`;
    };
    sendDocument(res, 200, {
      data,
      meta: { total, page: { number: pageNumber, size: pageSize, last: lastPage } },
      links: {
        self: link(pageNumber), first: link(1), last: link(lastPage),
        prev: pageNumber > 1 ? link(Math.min(pageNumber - 1, lastPage)) : null,
        next: pageNumber < lastPage ? link(pageNumber + 1) : null,
      },
    });
  }));

  router.post('/databases/:db/types/:type/objects', jsonApiRoute((req, res) => createObject(services, req, res, String(req.params.type))));
  router.post('/databases/:db/objects', jsonApiRoute((req, res) => createObject(services, req, res, null)));

  router.get('/databases/:db/objects/:id', jsonApiRoute(async (req, res) => {
    const caller = await resolveCaller(services, req, String(req.params.db));
    const { resource } = await fetchObject(services, caller, objectId(req));
    sendObject(res, 200, resource);
  }));

  router.patch('/databases/:db/objects/:id', jsonApiRoute(async (req, res) => {
    const caller = await resolveCaller(services, req, String(req.params.db));
    const id = objectId(req);
    const resource = resourceBody(req);
    if (resource.id !== undefined && String(resource.id) !== String(id)) {
      throw new HttpError(409, `"data.id" (${String(resource.id)}) does not match the URL (${id})`, 'id_mismatch', { source: { pointer: '/data/id' } });
    }
    const { info } = await fetchObject(services, caller, id);
    const post = cellFields(info, resource.attributes);
    if (Object.keys(post).length > 0) await caller.call('_m_save', { id: String(id), post });
    const { resource: updated } = await fetchObject(services, caller, id);
    sendObject(res, 200, updated);
  }));

  router.delete('/databases/:db/objects/:id', jsonApiRoute(async (req, res) => {
    const caller = await resolveCaller(services, req, String(req.params.db));
    const id = objectId(req);
    await fetchObject(services, caller, id);
    await caller.call('_m_del', { id: String(id), post: {} });
    sendDocument(res, 204);
  }));
}
