/**
 * The Integram engine: answers the PHP engine's URL API without any HTTP
 * framework. `createEngine(options).handle(request)` is the whole surface the
 * legacy HTTP adapter needs; `operations` are typed entry points for other
 * APIs (e.g. a future /api/v2) that reuse the same rules.
 */
import { EngineCore } from './core.js';
import type { EngineOptions, LegacyRequest, LegacyResponse } from './types.js';
import { createOperations, type EngineOperations } from './operations.js';

export type {
  EngineOptions, LegacyRequest, LegacyResponse, LegacyBody, ResponseCookie, EngineClock, EngineLogger, EngineLoginThrottle, LoginThrottleVerdict,
} from './types.js';
export type { EngineOperations } from './operations.js';
export { ENGINE_HEADERS } from './core.js';

export interface Engine {
  handle(request: LegacyRequest): Promise<LegacyResponse>;
  readonly operations: EngineOperations;
  /** drop cached metadata of a database (e.g. after an import done outside the engine) */
  invalidate(db: string): void;
}

export function createEngine(options: EngineOptions): Engine {
  const core = new EngineCore(options);
  return {
    handle: (request) => core.handle(request),
    operations: createOperations(core),
    invalidate: (db) => {
      core.invalidateMeta(db);
      core.invalidateSessions(db);
    },
  };
}
