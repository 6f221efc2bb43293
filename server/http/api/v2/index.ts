/**
 * /api/v2/integram: JSON:API 1.1 over the Integram engine (docs/modern-api.md, "Integram v2 (/api/v2/integram)").
 *
 * Every read and write is an engine request made with the caller's legacy token (./caller.ts), so
 * grants, masks, value formats and reference checks are exactly the legacy API's.
 *
 *   ./types.ts     GET /databases/{db}/types, /types/{type}
 *   ./objects.ts   GET, POST /databases/{db}/types/{type}/objects; POST /databases/{db}/objects;
 *                  GET, PATCH, DELETE /databases/{db}/objects/{id}
 *   ./document.ts  documents, media types, request bodies, the error wrapper
 */
import express, { type Router } from 'express';
import { HttpError, sendError } from '../../errors.js';
import type { ApiServices } from '../context.js';
import { JSONAPI_MEDIA_TYPE, requireAcceptable, V2_BASE } from './document.js';
import { bindObjectRoutes } from './objects.js';
import { bindTypeRoutes } from './types.js';

export { JSONAPI_MEDIA_TYPE } from './document.js';

export function createV2Router(services: ApiServices): Router {
  const router = express.Router();
  router.use(express.json({ type: JSONAPI_MEDIA_TYPE, limit: '1mb' }), requireAcceptable);
  bindTypeRoutes(router, services);
  bindObjectRoutes(router, services);
  router.use((req, res) => sendError(res, 'jsonapi', new HttpError(404, `No such endpoint: ${req.method} ${V2_BASE}${req.path}`, 'not_found')));
  return router;
}
