/**
 * Everything the server entry needs from the modern API, built from its ServerContext.
 *
 * In server/index.ts (buildRouters), next to the legacy router whose engine it shares:
 *
 *   const legacy = createLegacyRouter({ getStore: () => context.storeHandle.current()!, salt: config.AUTH_SALT, ... });
 *   const api = createApiLayer(context, legacy.engine);
 *   return { public: api.docs, admin: ..., api: api.router, legacy };
 *
 * and in bootServer({...}): `earlyMiddleware: (ctx) => [securityMiddleware(ctx.config)]`.
 */
import type { Router } from 'express';
import type { Engine } from '../../engine/index.js';
import type { ServerContext } from '../../runtime/boot.js';
import { buildInfo } from '../health/build-info.js';
import { createDocsRouter } from '../docs/index.js';
import { createApiRouter } from './index.js';

export interface ApiLayer {
  /** mount at /api (routers.api: behind the store gate, before the legacy router) */
  router: Router;
  /** /api/openapi.json, /api/docs, /api/v2/docs (routers.public: needs no database) */
  docs: Router;
}

export function createApiLayer(context: ServerContext, engine: Engine): ApiLayer {
  const { config, storeHandle, logs } = context;
  return {
    router: createApiRouter({
      config,
      getStore: () => storeHandle.current(),
      engine,
      logger: logs.logger.child({ component: 'api' }),
    }),
    docs: createDocsRouter({ version: buildInfo().version }),
  };
}
