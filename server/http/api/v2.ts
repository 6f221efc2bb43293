/**
 * /api/v2/integram: JSON:API 1.1 over the Integram engine (spec/modern-api.md "Integram v2").
 *
 * Every read and write is an engine request made with the caller's legacy token, so grants,
 * masks, value formats and reference checks are exactly the legacy API's. Callers present either
 * an access JWT (Bearer) or a legacy token (X-Authorization, or Bearer with the 64-hex token).
 * A JWT works for its own database and, as the PHP engine's cabinet single sign-on does, for the
 * organizations its user owns (the owner account there is used).
 */
import express, { type Request, type Response, type Router } from 'express';
import { BASE_NAMES } from '../../engine/index.js';
import { parseAttrs } from '../../engine/index.js';
import { isRoutableDbName } from '../../storage/db-names.js';
import { bearerToken, looksLikeJwt, route, type ApiServices } from './context.js';
import { EngineCallError, type LegacyCredentials } from '../../engine/index.js';
import { ORGANIZATION_KIND, type OrganizationRecord } from '../../appliance/organizations.js';
import { TokenError } from './tokens.js';
import { HttpError } from '../errors.js';

export const JSONAPI_MEDIA_TYPE = 'application/vnd.api+json';
const V2_BASE = '/api/v2/integram';
const DEFAULT_PAGE_SIZE = 20;
const MAX_PAGE_SIZE = 1000;

export interface JsonApiErrorObject {
  status: string;
  code: string;
  title: string;
  detail: string;
  source?: { pointer?: string; parameter?: string; header?: string };
}

const TITLES: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 406: 'Not Acceptable',
  409: 'Conflict', 415: 'Unsupported Media Type', 422: 'Unprocessable Content', 503: 'Service Unavailable',
};

export class JsonApiError extends Error {
  constructor(readonly status: number, readonly code: string, detail: string, readonly source?: JsonApiErrorObject['source']) {
    super(detail);
    this.name = 'JsonApiError';
  }

  toObject(): JsonApiErrorObject {
    const error: JsonApiErrorObject = { status: String(this.status), code: this.code, title: TITLES[this.status] ?? 'Error', detail: this.message };
    if (this.source) error.source = this.source;
    return error;
  }
}

function send(res: Response, status: number, document?: unknown): void {
  res.status(status).type(JSONAPI_MEDIA_TYPE);
  if (document === undefined) res.end();
  else res.send(JSON.stringify(document));
}

function sendErrors(res: Response, errors: JsonApiError[]): void {
  if (res.headersSent) return;
  const status = errors.length === 1 ? errors[0].status : Math.max(...errors.map((e) => e.status)) >= 500 ? 500 : 400;
  if (status === 401) res.set('WWW-Authenticate', 'Bearer');
  if (status === 503) res.set('Retry-After', '5');
  send(res, status, { jsonapi: { version: '1.1' }, errors: errors.map((e) => e.toObject()) });
}

/** The engine's refusal as a JSON:API error. */
function fromEngine(err: EngineCallError): JsonApiError {
  switch (err.status) {
    case 401: return new JsonApiError(401, 'unauthorized', err.message);
    case 403: return new JsonApiError(403, 'forbidden', err.message);
    case 404: return new JsonApiError(404, 'not_found', err.message);
    case 409: return new JsonApiError(409, 'conflict', err.message);
    case 503: return new JsonApiError(503, 'database_unavailable', err.message);
    default: return new JsonApiError(422, 'refused', err.message);
  }
}

// ---------------------------------------------------------------------------
// Metadata as the engine reports it (GET /{db}/metadata/{type})
// ---------------------------------------------------------------------------

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

interface TypeInfo {
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
function findColumn(info: TypeInfo, name: string): Column | 'value' | null {
  const lower = name.toLowerCase();
  if (lower === 'value' || lower === String(info.id)) return 'value';
  return (
    info.columns.find((c) => c.key.toLowerCase() === lower) ??
    info.columns.find((c) => String(c.id) === name || c.name.toLowerCase() === lower || (c.alias ?? '').toLowerCase() === lower) ??
    null
  );
}

// ---------------------------------------------------------------------------
// Objects
// ---------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------
// Request helpers
// ---------------------------------------------------------------------------

/** JSON:API: a request body must be sent as the media type without parameters (ext/profile aside). */
function requireJsonApiBody(req: Request): void {
  const header = req.get('content-type');
  if (!header) throw new JsonApiError(415, 'unsupported_media_type', `Send the body as ${JSONAPI_MEDIA_TYPE}`, { header: 'Content-Type' });
  const [type, ...params] = header.split(';').map((part) => part.trim());
  if (type.toLowerCase() !== JSONAPI_MEDIA_TYPE) {
    throw new JsonApiError(415, 'unsupported_media_type', `Content-Type must be ${JSONAPI_MEDIA_TYPE}, not ${type}`, { header: 'Content-Type' });
  }
  const bad = params.filter((p) => p !== '' && !/^(ext|profile)=/i.test(p));
  if (bad.length) throw new JsonApiError(415, 'unsupported_media_type', `Media type parameters are not allowed: ${bad.join('; ')}`, { header: 'Content-Type' });
}

function queryParams(req: Request): URLSearchParams {
  const url = req.originalUrl;
  const q = url.indexOf('?');
  return new URLSearchParams(q >= 0 ? url.slice(q + 1) : '');
}

function positiveInt(value: string | null, fallback: number, parameter: string, max: number): number {
  if (value === null || value === '') return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new JsonApiError(400, 'invalid_parameter', `${parameter} must be a positive whole number`, { parameter });
  return Math.min(Number(value), max);
}

interface Resolved { db: string; creds: LegacyCredentials }

export function createV2Router(services: ApiServices): Router {
  const { ops } = services;
  const router = express.Router();
  router.use(express.json({ type: JSONAPI_MEDIA_TYPE, limit: '1mb' }));
  // JSON:API 1.1: 406 when every JSON:API media type the client accepts carries parameters
  router.use((req, res, next) => {
    const accepted = (req.get('accept') ?? '').split(',').map((part) => part.trim()).filter((part) => part.toLowerCase().startsWith(JSONAPI_MEDIA_TYPE));
    if (accepted.length > 0 && accepted.every((part) => part.split(';').slice(1).some((p) => p.trim() !== '' && !/^(ext|profile|q)=/i.test(p.trim())))) {
      return sendErrors(res, [new JsonApiError(406, 'not_acceptable', `Accept ${JSONAPI_MEDIA_TYPE} without media type parameters`, { header: 'Accept' })]);
    }
    next();
  });

  /** The caller's legacy credentials for this database (JWT, SSO to owned organizations, or a legacy token). */
  async function credentials(req: Request, db: string): Promise<Resolved> {
    if (!isRoutableDbName(db)) throw new JsonApiError(404, 'database_not_found', `Database "${db}" not found`);
    const lower = db.toLowerCase();
    const bearer = bearerToken(req);
    const legacyHeader = req.get('x-authorization');
    if (bearer && looksLikeJwt(bearer)) {
      let family;
      let claims;
      try {
        claims = services.tokens.verify(bearer, 'access');
        family = await services.tokens.session(claims);
      } catch (err) {
        if (err instanceof TokenError) throw new JsonApiError(401, err.code, err.message);
        throw err;
      }
      if (!family) throw new JsonApiError(403, 'mock_token', 'Mock tokens (AUTH_MODE=mock) cannot read or write data');
      if (family.db === lower) {
        const who = await ops.whoami(lower, family.legacyToken);
        if (!who) throw new JsonApiError(401, 'session_ended', 'The legacy session behind this token has ended (logged out); log in again');
        return { db: lower, creds: { token: who.token, xsrf: who.xsrf } };
      }
      const org = await services.store().appliance.get<OrganizationRecord>(ORGANIZATION_KIND, lower);
      if (org && org.body.owner.database === family.db && org.body.owner.userId === family.userId) {
        return { db: lower, creds: await ops.ensureToken(lower, org.body.ownerUserId) };
      }
      throw new JsonApiError(403, 'forbidden', `Your login (database "${family.db}") gives no access to database "${lower}"; log in to it`);
    }
    const token = legacyHeader ?? bearer;
    if (!token) throw new JsonApiError(401, 'unauthorized', 'Send Authorization: Bearer <access token> or X-Authorization: <legacy token>');
    if (!(await services.store().databaseExists(lower))) throw new JsonApiError(404, 'database_not_found', `Database "${lower}" not found`);
    const who = await ops.whoami(lower, token.trim());
    if (!who) throw new JsonApiError(401, 'unauthorized', `The token is not valid for database "${lower}"`);
    return { db: lower, creds: { token: who.token, xsrf: who.xsrf } };
  }

  async function engine(db: string, action: string, creds: LegacyCredentials, options: { id?: string; query?: Record<string, string>; post?: Record<string, unknown> } = {}): Promise<unknown> {
    try {
      const post = options.post ? { _xsrf: creds.xsrf, ...options.post } : undefined;
      return await ops.call(db, action, { id: options.id, query: options.query, post, token: creds.token });
    } catch (err) {
      if (err instanceof EngineCallError) throw fromEngine(err);
      throw err;
    }
  }

  async function loadType(r: Resolved, typeParam: string): Promise<TypeInfo> {
    if (!/^\d+$/.test(typeParam)) throw new JsonApiError(404, 'type_not_found', `Type "${typeParam}" not found (use the numeric type id)`);
    let value: unknown;
    try {
      value = await engine(r.db, 'metadata', r.creds, { id: typeParam });
    } catch (err) {
      // the engine answers an unknown id with an empty or error body
      if (err instanceof JsonApiError && err.status === 422) throw new JsonApiError(404, 'type_not_found', `Type ${typeParam} not found in database "${r.db}"`);
      throw err;
    }
    const meta = value as EngineType | null;
    if (!meta || typeof meta !== 'object' || Array.isArray(meta) || String(meta.id) !== typeParam) {
      throw new JsonApiError(404, 'type_not_found', `Type ${typeParam} not found in database "${r.db}"`);
    }
    return typeInfo(meta);
  }

  async function countObjects(r: Resolved, typeId: number, filters: Record<string, string> = {}): Promise<number> {
    const value = (await engine(r.db, 'object', r.creds, { id: String(typeId), query: { JSON_OBJ: '', _count: '1', ...filters } })) as { count?: unknown };
    return Number(value?.count ?? 0);
  }

  async function fetchObject(r: Resolved, id: number): Promise<{ info: TypeInfo; resource: ReturnType<typeof objectResource> }> {
    const t = services.store().tenant(r.db);
    const row = await t.get(id);
    const typeRow = row && row.up !== 0 ? await t.get(row.t) : null;
    // a record: its t is a table (metadata row that is not a base type), and it hangs under 1 or under a record
    const parent = row && row.up > 1 ? await t.get(row.up) : null;
    if (!row || !typeRow || typeRow.up !== 0 || typeRow.id === typeRow.t || (row.up !== 1 && (!parent || parent.up === 0))) {
      throw new JsonApiError(404, 'object_not_found', `Object ${id} not found in database "${r.db}"`);
    }
    const info = await loadType(r, String(row.t));
    const query: Record<string, string> = { JSON_OBJ: '', F_I: String(id) };
    if (row.up > 1) query.F_U = String(row.up);
    const list = (await engine(r.db, 'object', r.creds, { id: String(row.t), query })) as EngineObject[];
    const found = Array.isArray(list) ? list.find((o) => String(o.i) === String(id)) : undefined;
    if (!found) throw new JsonApiError(404, 'object_not_found', `Object ${id} not found in database "${r.db}"`);
    return { info, resource: objectResource(r.db, info, found) };
  }

  /** JSON:API attributes → the engine's t{id} fields; unknown attributes are a 422 with a pointer. */
  function cellFields(info: TypeInfo, attributes: Record<string, unknown>): Record<string, unknown> {
    const post: Record<string, unknown> = {};
    const errors: JsonApiError[] = [];
    for (const [name, value] of Object.entries(attributes)) {
      if (name === 'typeId') continue;
      const column = findColumn(info, name);
      const pointer = `/data/attributes/${name}`;
      if (column === null) {
        errors.push(new JsonApiError(422, 'unknown_attribute', `Type ${info.id} (${info.name}) has no column "${name}"`, { pointer }));
        continue;
      }
      const scalar = (v: unknown): string | null => (v === null ? '' : typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : null);
      if (Array.isArray(value)) {
        const parts = value.map(scalar);
        if (parts.some((p) => p === null)) errors.push(new JsonApiError(422, 'invalid_value', `"${name}" must be a string, a number or a list of them`, { pointer }));
        else post[`t${column === 'value' ? info.id : column.id}`] = parts.join(',');
        continue;
      }
      const text = scalar(value);
      if (text === null) errors.push(new JsonApiError(422, 'invalid_value', `"${name}" must be a string, a number or a boolean`, { pointer }));
      else post[`t${column === 'value' ? info.id : column.id}`] = column !== 'value' && column.baseType === 'BOOLEAN' && typeof value === 'boolean' ? (value ? '1' : '') : text;
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new MultiError(errors);
    return post;
  }

  /** The resource object of a POST/PATCH body. */
  function resourceBody(req: Request): { id?: unknown; type?: unknown; attributes: Record<string, unknown>; relationships: Record<string, unknown> } {
    requireJsonApiBody(req);
    const body: unknown = req.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body) || !('data' in body)) {
      throw new JsonApiError(400, 'invalid_document', 'The body must be a JSON:API document with a top-level "data" member', { pointer: '' });
    }
    const data = (body as { data: unknown }).data;
    if (typeof data !== 'object' || data === null || Array.isArray(data)) {
      throw new JsonApiError(400, 'invalid_document', '"data" must be a single resource object', { pointer: '/data' });
    }
    const resource = data as Record<string, unknown>;
    if (resource.type !== 'integram-object') {
      throw new JsonApiError(409, 'type_mismatch', `"data.type" must be "integram-object"`, { pointer: '/data/type' });
    }
    const attributes = resource.attributes ?? {};
    const relationships = resource.relationships ?? {};
    if (typeof attributes !== 'object' || attributes === null || Array.isArray(attributes)) {
      throw new JsonApiError(400, 'invalid_document', '"attributes" must be an object', { pointer: '/data/attributes' });
    }
    if (typeof relationships !== 'object' || relationships === null || Array.isArray(relationships)) {
      throw new JsonApiError(400, 'invalid_document', '"relationships" must be an object', { pointer: '/data/relationships' });
    }
    return { id: resource.id, type: resource.type, attributes: attributes as Record<string, unknown>, relationships: relationships as Record<string, unknown> };
  }

  function relationshipId(relationships: Record<string, unknown>, name: string): string | null {
    const rel = relationships[name];
    if (rel === undefined || rel === null) return null;
    const data = typeof rel === 'object' && rel !== null && 'data' in rel ? (rel as { data: unknown }).data : undefined;
    if (data === null) return null;
    const id = typeof data === 'object' && data !== null && 'id' in data ? (data as { id: unknown }).id : undefined;
    if ((typeof id !== 'string' && typeof id !== 'number') || !/^\d+$/.test(String(id))) {
      throw new JsonApiError(400, 'invalid_document', `relationships.${name}.data must be {"type", "id"} with a numeric id`, { pointer: `/data/relationships/${name}` });
    }
    return String(id);
  }

  async function createObject(req: Request, res: Response, r: Resolved, typeFromPath: string | null): Promise<void> {
    const resource = resourceBody(req);
    const typeId = typeFromPath ?? relationshipId(resource.relationships, 'type') ?? (resource.attributes.typeId !== undefined ? String(resource.attributes.typeId) : null);
    if (typeId === null) {
      throw new JsonApiError(422, 'type_required', 'Give the type: relationships.type.data.id or attributes.typeId', { pointer: '/data/relationships/type' });
    }
    if (typeFromPath === null && !/^\d+$/.test(typeId)) throw new JsonApiError(422, 'invalid_type', 'The type id must be a number', { pointer: '/data/attributes/typeId' });
    const info = await loadType(r, typeId);
    const post = cellFields(info, resource.attributes);
    const parent = relationshipId(resource.relationships, 'parent');
    const answer = (await engine(r.db, '_m_new', r.creds, { id: String(info.id), post: { up: parent ?? '1', ...post } })) as { id?: unknown; warning?: unknown };
    if (typeof answer?.warning === 'string' && answer.warning !== '' && answer.id !== undefined) {
      throw new JsonApiError(409, 'duplicate', `${answer.warning}: object ${String(answer.id)} (type ${info.id} is unique)`, { pointer: '/data/attributes/value' });
    }
    const id = Number(answer?.id);
    if (!Number.isInteger(id) || id <= 0) throw new JsonApiError(422, 'refused', 'The engine did not create the object');
    const { resource: created } = await fetchObject(r, id);
    res.location(created.links.self);
    send(res, 201, { jsonapi: { version: '1.1' }, data: created, links: { self: created.links.self } });
  }

  const v2 = (handler: (req: Request, res: Response) => Promise<void>) =>
    route(async (req, res) => {
      try {
        await handler(req, res);
      } catch (err) {
        if (err instanceof JsonApiError) return sendErrors(res, [err]);
        if (err instanceof MultiError) return sendErrors(res, err.errors);
        if (err instanceof EngineCallError) return sendErrors(res, [fromEngine(err)]);
        if (err instanceof HttpError && err.status === 503) {
          return sendErrors(res, [new JsonApiError(503, 'database_unavailable', err.message)]);
        }
        throw err;
      }
    });

  router.get('/databases/:db/types', v2(async (req, res) => {
    const r = await credentials(req, String(req.params.db));
    const terms = (await engine(r.db, 'terms', r.creds)) as { id: number | string; type: number | string; name: string; alias?: string }[];
    const all = (await engine(r.db, 'metadata', r.creds)) as EngineType[];
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
          objectCount: await countObjects(r, Number(term.id)),
        },
        links: { self: `${V2_BASE}/databases/${r.db}/types/${term.id}` },
      };
    }));
    send(res, 200, { jsonapi: { version: '1.1' }, data, meta: { total: data.length }, links: { self: `${V2_BASE}/databases/${r.db}/types` } });
  }));

  router.get('/databases/:db/types/:type', v2(async (req, res) => {
    const r = await credentials(req, String(req.params.db));
    const info = await loadType(r, String(req.params.type));
    send(res, 200, {
      jsonapi: { version: '1.1' },
      data: {
        type: 'integram-type',
        id: String(info.id),
        attributes: {
          name: info.name, alias: info.alias, baseType: info.baseType, unique: info.unique, columnCount: info.columns.length,
          objectCount: await countObjects(r, info.id),
          columns: info.columns.map((c) => ({
            id: c.id, name: c.name, alias: c.alias, attribute: c.key, baseType: c.baseType, ...(c.ref !== undefined ? { ref: c.ref } : {}),
            ...(c.table !== undefined ? { table: c.table } : {}), required: c.required, multi: c.multi,
          })),
        },
        links: { self: `${V2_BASE}/databases/${r.db}/types/${info.id}`, objects: `${V2_BASE}/databases/${r.db}/types/${info.id}/objects` },
      },
    });
  }));

  router.get('/databases/:db/types/:type/objects', v2(async (req, res) => {
    const r = await credentials(req, String(req.params.db));
    const info = await loadType(r, String(req.params.type));
    const params = queryParams(req);
    const pageNumber = positiveInt(params.get('page[number]'), 1, 'page[number]', Number.MAX_SAFE_INTEGER);
    const pageSize = positiveInt(params.get('page[size]'), DEFAULT_PAGE_SIZE, 'page[size]', MAX_PAGE_SIZE);
    const filters: Record<string, string> = {};
    for (const [key, value] of params) {
      const match = /^filter\[(.+)\]$/.exec(key);
      if (!match) continue;
      const name = match[1];
      if (name === 'id') {
        if (!/^\d+$/.test(value)) throw new JsonApiError(400, 'invalid_filter', 'filter[id] must be an object id', { parameter: key });
        filters.F_I = value;
        continue;
      }
      if (name === 'parent') {
        if (!/^\d+$/.test(value)) throw new JsonApiError(400, 'invalid_filter', 'filter[parent] must be an object id', { parameter: key });
        filters.F_U = value;
        continue;
      }
      const column = findColumn(info, name);
      if (column === null) throw new JsonApiError(400, 'invalid_filter', `Type ${info.id} has no column "${name}"`, { parameter: key });
      filters[`F_${column === 'value' ? info.id : column.id}`] = value;
    }
    const query: Record<string, string> = { JSON_OBJ: '', ...filters, LIMIT: `${(pageNumber - 1) * pageSize},${pageSize}` };
    const sort = params.get('sort');
    if (sort !== null && sort !== '') {
      const keys = sort.split(',');
      if (keys.length > 1) throw new JsonApiError(400, 'unsupported_sort', 'Sorting by one column is supported', { parameter: 'sort' });
      const desc = keys[0].startsWith('-');
      const column = findColumn(info, desc ? keys[0].slice(1) : keys[0]);
      if (column === null) throw new JsonApiError(400, 'invalid_sort', `Type ${info.id} has no column "${keys[0]}"`, { parameter: 'sort' });
      const id = column === 'value' ? info.id : column.id;
      query.ORDER = desc ? `-${id}` : String(id);
    }
    const [list, total] = await Promise.all([
      engine(r.db, 'object', r.creds, { id: String(info.id), query }) as Promise<EngineObject[]>,
      countObjects(r, info.id, filters),
    ]);
    const data = (Array.isArray(list) ? list : []).map((row) => objectResource(r.db, info, row));
    const lastPage = Math.max(1, Math.ceil(total / pageSize));
    const base = `${V2_BASE}/databases/${r.db}/types/${info.id}/objects`;
    const link = (n: number) => {
      const p = new URLSearchParams(params);
      p.set('page[number]', String(n));
      p.set('page[size]', String(pageSize));
      return `${base}?${p.toString()}`;
    };
    send(res, 200, {
      jsonapi: { version: '1.1' },
      data,
      meta: { total, page: { number: pageNumber, size: pageSize, last: lastPage } },
      links: {
        self: link(pageNumber), first: link(1), last: link(lastPage),
        prev: pageNumber > 1 ? link(Math.min(pageNumber - 1, lastPage)) : null,
        next: pageNumber < lastPage ? link(pageNumber + 1) : null,
      },
    });
  }));

  router.post('/databases/:db/types/:type/objects', v2(async (req, res) => {
    const r = await credentials(req, String(req.params.db));
    await createObject(req, res, r, String(req.params.type));
  }));

  router.post('/databases/:db/objects', v2(async (req, res) => {
    const r = await credentials(req, String(req.params.db));
    await createObject(req, res, r, null);
  }));

  const objectId = (req: Request): number => {
    const raw = String(req.params.id);
    if (!/^\d+$/.test(raw)) throw new JsonApiError(404, 'object_not_found', `Object "${raw}" not found`);
    return Number(raw);
  };

  router.get('/databases/:db/objects/:id', v2(async (req, res) => {
    const r = await credentials(req, String(req.params.db));
    const { resource } = await fetchObject(r, objectId(req));
    send(res, 200, { jsonapi: { version: '1.1' }, data: resource, links: { self: resource.links.self } });
  }));

  router.patch('/databases/:db/objects/:id', v2(async (req, res) => {
    const r = await credentials(req, String(req.params.db));
    const id = objectId(req);
    const resource = resourceBody(req);
    if (resource.id !== undefined && String(resource.id) !== String(id)) {
      throw new JsonApiError(409, 'id_mismatch', `"data.id" (${String(resource.id)}) does not match the URL (${id})`, { pointer: '/data/id' });
    }
    const { info } = await fetchObject(r, id);
    const post = cellFields(info, resource.attributes);
    if (Object.keys(post).length > 0) await engine(r.db, '_m_save', r.creds, { id: String(id), post });
    const { resource: updated } = await fetchObject(r, id);
    send(res, 200, { jsonapi: { version: '1.1' }, data: updated, links: { self: updated.links.self } });
  }));

  router.delete('/databases/:db/objects/:id', v2(async (req, res) => {
    const r = await credentials(req, String(req.params.db));
    const id = objectId(req);
    await fetchObject(r, id);
    await engine(r.db, '_m_del', r.creds, { id: String(id), post: {} });
    send(res, 204);
  }));

  router.use((req, res) => sendErrors(res, [new JsonApiError(404, 'not_found', `No such endpoint: ${req.method} ${V2_BASE}${req.path}`)]));
  return router;
}

class MultiError extends Error {
  constructor(readonly errors: JsonApiError[]) {
    super(errors.map((e) => e.message).join('; '));
  }
}
