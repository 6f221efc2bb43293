/**
 * The modern API, mounted at /api (behind the store gate, before the legacy router, so that
 * /api/auth is never taken for a database named "api"):
 *
 *   /api/auth            login, register, refresh, logout, me          (./auth.ts)
 *   /api/v2/integram     JSON:API 1.1 over the engine                  (./v2/)
 *   /api/organizations   tenant databases registered in the appliance  (./organizations.ts)
 *   /api/chat            the AI chat, grounded in what the caller may read (./chat.ts)
 *
 * Wired in server/runtime/compose.ts (routers.api), sharing the legacy router's engine:
 *   api: createApiRouter({ config, getStore: () => storeHandle.current(), engine: legacy.engine, logger })
 */
import express, { type Router } from 'express';
import { createAuthRouter } from './auth.js';
import { createChatRouter } from './chat.js';
import { createServices, envelopeErrors, type ApiRouterDeps } from './context.js';
import { createOrganizationsRouter } from './organizations.js';
import { createV2Router } from './v2/index.js';

export type { ApiRouterDeps, ApiConfig } from './context.js';

export function createApiRouter(deps: ApiRouterDeps): Router {
  const services = createServices(deps);
  const router = express.Router();
  router.use('/auth', createAuthRouter(services), envelopeErrors(deps.logger));
  router.use('/v2/integram', createV2Router(services));
  router.use('/organizations', createOrganizationsRouter(services), envelopeErrors(deps.logger));
  router.use('/chat', createChatRouter(services), envelopeErrors(deps.logger));
  return router;
}
