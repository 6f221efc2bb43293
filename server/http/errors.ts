/**
 * One error envelope for the server's own routes, `{"error": "<message>", "code"?: "..."}`,
 * and the last-resort error handler: a user's mistake is a 4xx with a clear message, a
 * database outage is a 503, only a real bug is a 500 (logged with the request id), and no
 * answer ever carries a stack trace or SQL. Routers with their own envelope (the legacy API,
 * JSON:API, /api/auth) format their errors themselves and only let bugs reach this handler.
 */
import type { ErrorRequestHandler, Response } from 'express';
import type { StoreHandle } from '../storage/handle.js';
import { databaseErrorReason, isConnectionError } from '../storage/connection-errors.js';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export function sendError(res: Response, status: number, message: string, code?: string): void {
  if (res.headersSent) return;
  res.status(status).json(code ? { error: message, code } : { error: message });
}

export function databaseUnavailableMessage(reason: string | undefined): string {
  return `Database unavailable: ${reason ?? 'not connected yet'}`;
}

/** body-parser's error types, as 4xx answers */
const BODY_ERRORS: Record<string, { status: number; message: (limit?: unknown) => string }> = {
  'entity.parse.failed': { status: 400, message: () => 'The request body is not valid JSON' },
  'entity.too.large': { status: 413, message: (limit) => `The request body is too large${typeof limit === 'number' ? ` (limit ${limit} bytes)` : ''}` },
  'parameters.too.many': { status: 413, message: () => 'The request has too many parameters' },
  'encoding.unsupported': { status: 415, message: () => 'Unsupported content encoding' },
  'charset.unsupported': { status: 415, message: () => 'Unsupported charset' },
  'request.aborted': { status: 400, message: () => 'The request was aborted' },
  'request.size.invalid': { status: 400, message: () => 'The request size does not match Content-Length' },
  'stream.encoding.set': { status: 500, message: () => 'Internal server error' },
};

function fieldOf(error: unknown, field: string): unknown {
  return typeof error === 'object' && error !== null ? (error as Record<string, unknown>)[field] : undefined;
}

export function errorHandler(deps: { storeHandle?: StoreHandle }): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    if (res.headersSent) {
      // the answer is half sent: all we can do is cut it, so the client sees a failure
      req.log?.error({ err: error }, 'error after the response started');
      res.destroy();
      return;
    }
    if (error instanceof HttpError) {
      sendError(res, error.status, error.message, error.code);
      return;
    }
    const type = fieldOf(error, 'type');
    if (typeof type === 'string' && BODY_ERRORS[type] && type !== 'stream.encoding.set') {
      const known = BODY_ERRORS[type];
      sendError(res, known.status, known.message(fieldOf(error, 'limit')));
      return;
    }
    if (isConnectionError(error)) {
      deps.storeHandle?.reportFailure(error);
      req.log?.warn({ err: error }, 'database error while serving the request');
      sendError(res, 503, databaseUnavailableMessage(databaseErrorReason(error)));
      return;
    }
    // an http-errors style error deliberately marked safe to show (e.g. from a library)
    const status = fieldOf(error, 'status') ?? fieldOf(error, 'statusCode');
    if (typeof status === 'number' && status >= 400 && status < 500 && fieldOf(error, 'expose') === true) {
      sendError(res, status, String(fieldOf(error, 'message') ?? 'Bad request'));
      return;
    }
    req.log?.error({ err: error }, 'unhandled error');
    sendError(res, 500, `Internal server error (request id ${req.id})`);
  };
}
