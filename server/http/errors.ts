/**
 * The server's one HTTP error type and the error envelope of each API family, in one place:
 *
 *   plain    the app's own routes (store gate, health, 404, this handler): {"error": message, "code"?}
 *   admin    the console's admin API (admin/contract.ts AdminError): {"error": {code, message, fields?}}
 *   api      /api/auth, /api/organizations: {"success": false, "error": message, "code"?, "details"?}
 *   jsonapi  /api/v2/integram: a JSON:API 1.1 document {"jsonapi", "errors": [...]}
 *
 * A handler throws an `HttpError` (its router's error middleware sends it in the router's family)
 * or calls `sendError(res, family, error)`. The legacy URL API is not a family here: its error
 * answers are the engine's, formatted by legacy/index.ts formatResponse.
 *
 * Also the app's last-resort error handler: a user's mistake is a 4xx with a clear message, a
 * database outage is a 503, only a real bug is a 500 (logged with the request id), and no
 * answer ever carries a stack trace or SQL.
 */
import type { ErrorRequestHandler, Request, Response } from 'express';
import type { z } from 'zod';
import type { StoreHandle } from '../storage/handle.js';
import type { AdminError, FieldCode, MessageCode, MessageParams } from './admin/contract.js';
import { databaseErrorReason, isConnectionError } from '../storage/connection-errors.js';

/** Values a message code's text interpolates ({name} in the console's table, docs/messages.md). */
export type { FieldCode, MessageCode, MessageParams } from './admin/contract.js';

export interface HttpErrorOptions {
  /** per-field problems (the admin API's `fields`, the modern API's `details`) */
  details?: Record<string, string>;
  /** the same problems as codes with parameters (the admin API's `fieldCodes`) */
  fieldCodes?: Record<string, FieldCode>;
  /** the values the message names, for the code's text in another language */
  params?: MessageParams;
  /** JSON:API: where in the request the problem is */
  source?: { pointer?: string; parameter?: string; header?: string };
  /** headers the answer carries, e.g. Retry-After or WWW-Authenticate */
  headers?: Record<string, string>;
}

export class HttpError extends Error {
  readonly details?: Record<string, string>;
  readonly fieldCodes?: Record<string, FieldCode>;
  readonly params?: MessageParams;
  readonly source?: HttpErrorOptions['source'];
  readonly headers: Record<string, string>;

  constructor(
    readonly status: number,
    message: string,
    /** stable machine-readable code, e.g. not_found (docs/messages.md lists them); never absent */
    readonly code: MessageCode,
    options: HttpErrorOptions = {},
  ) {
    super(message);
    this.name = 'HttpError';
    this.details = options.details;
    this.fieldCodes = options.fieldCodes;
    this.params = options.params;
    this.source = options.source;
    this.headers = options.headers ?? {};
  }
}

export type ErrorFamily = 'plain' | 'admin' | 'api' | 'jsonapi';

export const JSONAPI_MEDIA_TYPE = 'application/vnd.api+json';

const JSONAPI_TITLES: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 406: 'Not Acceptable',
  409: 'Conflict', 415: 'Unsupported Media Type', 422: 'Unprocessable Content', 503: 'Service Unavailable',
};

interface Envelope {
  /** the answer's status for these errors (default: the one error's) */
  status?(errors: readonly HttpError[]): number;
  /** headers the family adds for a status */
  headers?(status: number): Record<string, string>;
  /** sent as this media type (default: res.json) */
  mediaType?: string;
  body(errors: readonly HttpError[]): unknown;
}

const ENVELOPES: Record<ErrorFamily, Envelope> = {
  plain: {
    body: ([e]) => ({ error: e.message, code: e.code, ...(e.params ? { params: e.params } : {}) }),
  },
  admin: {
    body: ([e]): AdminError => ({
      error: {
        code: e.code, message: e.message,
        ...(e.params ? { params: e.params } : {}),
        ...(e.details ? { fields: e.details } : {}),
        ...(e.fieldCodes ? { fieldCodes: e.fieldCodes } : {}),
      },
    }),
  },
  api: {
    body: ([e]) => ({
      success: false, error: e.message, code: e.code,
      ...(e.params ? { params: e.params } : {}), ...(e.details ? { details: e.details } : {}),
    }),
  },
  jsonapi: {
    status: (errors) => (errors.length === 1 ? errors[0].status : Math.max(...errors.map((e) => e.status)) >= 500 ? 500 : 400),
    headers: (status): Record<string, string> => (status === 401 ? { 'WWW-Authenticate': 'Bearer' } : status === 503 ? { 'Retry-After': '5' } : {}),
    mediaType: JSONAPI_MEDIA_TYPE,
    body: (errors) => ({
      jsonapi: { version: '1.1' },
      errors: errors.map((e) => ({
        status: String(e.status), code: e.code, title: JSONAPI_TITLES[e.status] ?? 'Error', detail: e.message,
        ...(e.source ? { source: e.source } : {}),
        ...(e.params ? { meta: { params: e.params } } : {}),
      })),
    }),
  },
};

/** Sends the error(s) in the family's envelope (nothing when the answer has started). */
export function sendError(res: Response, family: ErrorFamily, error: HttpError | readonly HttpError[]): void {
  if (res.headersSent) return;
  const errors: readonly HttpError[] = error instanceof HttpError ? [error] : error;
  const envelope = ENVELOPES[family];
  const status = envelope.status?.(errors) ?? errors[0].status;
  for (const e of errors) for (const [name, value] of Object.entries(e.headers)) res.set(name, value);
  for (const [name, value] of Object.entries(envelope.headers?.(status) ?? {})) res.set(name, value);
  res.status(status);
  const body = envelope.body(errors);
  if (envelope.mediaType) res.type(envelope.mediaType).send(JSON.stringify(body));
  else res.json(body);
}

/** zod issues → {field: first message}; a problem with the whole body is named `rootKey`. */
export function issueFields(error: z.ZodError, rootKey: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.length > 0 ? issue.path.join('.') : rootKey;
    fields[key] ??= issue.message;
  }
  return fields;
}

export function databaseUnavailableMessage(reason: string | undefined): string {
  return `Database unavailable: ${reason ?? 'not connected yet'}`;
}

/** The one answer to "the database is not there": 503, the public reason, try again in 5 s. */
export function databaseUnavailable(reason: string | undefined): HttpError {
  return new HttpError(503, databaseUnavailableMessage(reason), 'database_unavailable', {
    headers: { 'Retry-After': '5' }, ...(reason ? { params: { reason } } : {}),
  });
}

/**
 * That answer for an error that means the connection is gone (the driver's StoreError
 * 'unreachable', or a driver error), else null. The store handle has already been told by the
 * driver; telling it again changes nothing.
 */
export function lostDatabase(error: unknown, storeHandle?: StoreHandle): HttpError | null {
  if (!isConnectionError(error)) return null;
  storeHandle?.reportFailure(error);
  return databaseUnavailable(databaseErrorReason(error));
}

/** body-parser's error types, as 4xx answers */
const BODY_ERRORS: Record<string, { status: number; code: MessageCode; message: (limit?: unknown) => string }> = {
  'entity.parse.failed': { status: 400, code: 'invalid_json', message: () => 'The request body is not valid JSON' },
  'entity.too.large': { status: 413, code: 'payload_too_large', message: (limit) => `The request body is too large${typeof limit === 'number' ? ` (limit ${limit} bytes)` : ''}` },
  'parameters.too.many': { status: 413, code: 'too_many_parameters', message: () => 'The request has too many parameters' },
  'encoding.unsupported': { status: 415, code: 'unsupported_encoding', message: () => 'Unsupported content encoding' },
  'charset.unsupported': { status: 415, code: 'unsupported_charset', message: () => 'Unsupported charset' },
  'request.aborted': { status: 400, code: 'request_aborted', message: () => 'The request was aborted' },
  'request.size.invalid': { status: 400, code: 'request_size_invalid', message: () => 'The request size does not match Content-Length' },
  'stream.encoding.set': { status: 500, code: 'internal', message: () => 'Internal server error' },
};

export function fieldOf(error: unknown, field: string): unknown {
  return typeof error === 'object' && error !== null ? (error as Record<string, unknown>)[field] : undefined;
}

/** The app's last-resort handler: every error a router let through, in the plain envelope. */
export function errorHandler(deps: { storeHandle?: StoreHandle }): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    if (res.headersSent) {
      // the answer is half sent: all we can do is cut it, so the client sees a failure
      req.log?.error({ err: error }, 'error after the response started');
      res.destroy();
      return;
    }
    sendError(res, 'plain', plainError(error, req, deps));
  };
}

function plainError(error: unknown, req: Request, deps: { storeHandle?: StoreHandle }): HttpError {
  if (error instanceof HttpError) return error;
  const type = fieldOf(error, 'type');
  if (typeof type === 'string' && BODY_ERRORS[type] && type !== 'stream.encoding.set') {
    const known = BODY_ERRORS[type];
    const limit = fieldOf(error, 'limit');
    return new HttpError(known.status, known.message(limit), known.code, typeof limit === 'number' ? { params: { limit } } : {});
  }
  const lost = lostDatabase(error, deps.storeHandle);
  if (lost) {
    req.log?.warn({ err: error }, 'database connection lost while serving the request');
    return lost;
  }
  // an http-errors style error deliberately marked safe to show (e.g. from a library)
  const status = fieldOf(error, 'status') ?? fieldOf(error, 'statusCode');
  if (typeof status === 'number' && status >= 400 && status < 500 && fieldOf(error, 'expose') === true) {
    return new HttpError(status, String(fieldOf(error, 'message') ?? 'Bad request'), 'bad_request');
  }
  req.log?.error({ err: error }, 'unhandled error');
  return new HttpError(500, `Internal server error (request id ${req.id})`, 'internal', { params: { requestId: String(req.id) } });
}
