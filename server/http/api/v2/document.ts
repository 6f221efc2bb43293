/**
 * JSON:API 1.1 for /api/v2/integram: sending a document, the media type rules (Accept,
 * Content-Type), the resource object of a write, query parameters, and the handler wrapper that
 * sends every refusal as a JSON:API error document (the `jsonapi` family of ../../errors.ts).
 */
import type { Request, RequestHandler, Response } from 'express';
import { EngineCallError } from '../../../engine/index.js';
import { HttpError, JSONAPI_MEDIA_TYPE, lostDatabase, sendError } from '../../errors.js';
import { route } from '../context.js';

export { JSONAPI_MEDIA_TYPE } from '../../errors.js';

export const V2_BASE = '/api/v2/integram';

/** A JSON:API document with these top-level members (none: an empty answer, e.g. 204). */
export function sendDocument(res: Response, status: number, members?: Record<string, unknown>): void {
  res.status(status).type(JSONAPI_MEDIA_TYPE);
  if (members === undefined) res.end();
  else res.send(JSON.stringify({ jsonapi: { version: '1.1' }, ...members }));
}

/** The engine's refusal as a JSON:API error. */
export function fromEngine(err: EngineCallError): HttpError {
  switch (err.status) {
    case 401: return new HttpError(401, err.message, 'unauthorized');
    case 403: return new HttpError(403, err.message, 'forbidden');
    case 404: return new HttpError(404, err.message, 'not_found');
    case 409: return new HttpError(409, err.message, 'conflict');
    case 503: return new HttpError(503, err.message, 'database_unavailable');
    default: return new HttpError(422, err.message, 'refused');
  }
}

/** The errors a v2 handler's failure is answered with; null for a bug (the app's handler words it). */
function jsonApiErrors(err: unknown): readonly HttpError[] | null {
  if (err instanceof HttpError) return [err];
  if (err instanceof AggregateError && err.errors.length > 0 && err.errors.every((e) => e instanceof HttpError)) return err.errors as HttpError[];
  if (err instanceof EngineCallError) return [fromEngine(err)];
  const lost = lostDatabase(err);
  return lost ? [lost] : null;
}

/** A v2 handler: its HttpErrors (several in an AggregateError) and engine refusals become a JSON:API error document. */
export function jsonApiRoute(handler: (req: Request, res: Response) => Promise<void>): RequestHandler {
  return route(async (req, res) => {
    try {
      await handler(req, res);
    } catch (err) {
      const errors = jsonApiErrors(err);
      if (!errors) throw err;
      sendError(res, 'jsonapi', errors);
    }
  });
}

/** JSON:API 1.1: 406 when every JSON:API media type the client accepts carries parameters. */
export const requireAcceptable: RequestHandler = (req, res, next) => {
  const accepted = (req.get('accept') ?? '').split(',').map((part) => part.trim()).filter((part) => part.toLowerCase().startsWith(JSONAPI_MEDIA_TYPE));
  if (accepted.length > 0 && accepted.every((part) => part.split(';').slice(1).some((p) => p.trim() !== '' && !/^(ext|profile|q)=/i.test(p.trim())))) {
    return sendError(res, 'jsonapi', new HttpError(406, `Accept ${JSONAPI_MEDIA_TYPE} without media type parameters`, 'not_acceptable', { source: { header: 'Accept' } }));
  }
  next();
};

/** JSON:API: a request body must be sent as the media type without parameters (ext/profile aside). */
function requireJsonApiBody(req: Request): void {
  const header = req.get('content-type');
  const source = { header: 'Content-Type' };
  if (!header) throw new HttpError(415, `Send the body as ${JSONAPI_MEDIA_TYPE}`, 'unsupported_media_type', { source });
  const [type, ...params] = header.split(';').map((part) => part.trim());
  if (type.toLowerCase() !== JSONAPI_MEDIA_TYPE) {
    throw new HttpError(415, `Content-Type must be ${JSONAPI_MEDIA_TYPE}, not ${type}`, 'unsupported_media_type', { source });
  }
  const bad = params.filter((p) => p !== '' && !/^(ext|profile)=/i.test(p));
  if (bad.length) throw new HttpError(415, `Media type parameters are not allowed: ${bad.join('; ')}`, 'unsupported_media_type', { source });
}

function invalidDocument(message: string, pointer: string): HttpError {
  return new HttpError(400, message, 'invalid_document', { source: { pointer } });
}

export interface ResourceBody {
  id?: unknown;
  type?: unknown;
  attributes: Record<string, unknown>;
  relationships: Record<string, unknown>;
}

/** The resource object of a POST/PATCH body. */
export function resourceBody(req: Request): ResourceBody {
  requireJsonApiBody(req);
  const body: unknown = req.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body) || !('data' in body)) {
    throw invalidDocument('The body must be a JSON:API document with a top-level "data" member', '');
  }
  const data = (body as { data: unknown }).data;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw invalidDocument('"data" must be a single resource object', '/data');
  const resource = data as Record<string, unknown>;
  if (resource.type !== 'integram-object') {
    throw new HttpError(409, `"data.type" must be "integram-object"`, 'type_mismatch', { source: { pointer: '/data/type' } });
  }
  const attributes = resource.attributes ?? {};
  const relationships = resource.relationships ?? {};
  if (typeof attributes !== 'object' || attributes === null || Array.isArray(attributes)) throw invalidDocument('"attributes" must be an object', '/data/attributes');
  if (typeof relationships !== 'object' || relationships === null || Array.isArray(relationships)) {
    throw invalidDocument('"relationships" must be an object', '/data/relationships');
  }
  return { id: resource.id, type: resource.type, attributes: attributes as Record<string, unknown>, relationships: relationships as Record<string, unknown> };
}

/** The numeric id of a to-one relationship, or null when it is absent or null. */
export function relationshipId(relationships: Record<string, unknown>, name: string): string | null {
  const rel = relationships[name];
  if (rel === undefined || rel === null) return null;
  const data = typeof rel === 'object' && rel !== null && 'data' in rel ? (rel as { data: unknown }).data : undefined;
  if (data === null) return null;
  const id = typeof data === 'object' && data !== null && 'id' in data ? (data as { id: unknown }).id : undefined;
  if ((typeof id !== 'string' && typeof id !== 'number') || !/^\d+$/.test(String(id))) {
    throw invalidDocument(`relationships.${name}.data must be {"type", "id"} with a numeric id`, `/data/relationships/${name}`);
  }
  return String(id);
}

/** The query string as sent (JSON:API parameter names such as page[size] stay as they are). */
export function queryParams(req: Request): URLSearchParams {
  const url = req.originalUrl;
  const q = url.indexOf('?');
  return new URLSearchParams(q >= 0 ? url.slice(q + 1) : '');
}

export function positiveInt(value: string | null, fallback: number, parameter: string, max: number): number {
  if (value === null || value === '') return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1) {
    throw new HttpError(400, `${parameter} must be a positive whole number`, 'invalid_parameter', { source: { parameter } });
  }
  return Math.min(Number(value), max);
}
