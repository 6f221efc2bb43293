/**
 * The Integram engine: answers the PHP engine's URL API without any HTTP framework.
 * `createEngine(options).handle(request)` is the whole surface the legacy HTTP adapter needs;
 * `operations` is the typed facade every other caller uses (engine/operations.ts), so both
 * run the same rules.
 */
import { EngineCore } from './core.js';
import type { EngineOptions, LegacyRequest, LegacyResponse } from './types.js';
import { EngineOperations } from './operations.js';

export type {
  EngineOptions, LegacyRequest, LegacyResponse, LegacyBody, UploadedFile, FileStore, FolderStore, ResponseCookie, EngineClock, EngineLogger, EngineLoginThrottle, LoginThrottleVerdict, NewDatabasePort, EngineMailPort, EngineOAuthPort, OAuthProvider, OAuthHttpRequest,
} from './types.js';
export { EngineCallError, EngineOperations, type CallOptions, type LegacyCredentials, type LegacyUser } from './operations.js';
export { ENGINE_HEADERS } from './core.js';
export { parseAttrs } from './attrs.js';
export { BASE_NAMES } from './meta.js';
export { setOwn } from './php.js';
export { FILE_BASE, storedFilePath } from './files.js';
export { insertUser, legacyPasswordHash, referenceRequisite, roleRequisite, UserWriteError, type NewUser } from './users.js';
export { loadGrants, type GrantTable } from './grants.js';
// the data model of users, roles and grants, for the appliance's user management (appliance/db-users.ts)
export {
  ACTIVITY, DELETE_FLAG, EXPORT_FLAG, GRANT_PSEUDO_OBJECTS, LEVEL, MASK, PASSWORD, ROLE, ROLE_OBJECT, TOKEN, USER,
} from './ids.js';

export interface Engine {
  handle(request: LegacyRequest): Promise<LegacyResponse>;
  readonly operations: EngineOperations;
  /** drop cached metadata of a database (e.g. after an import done outside the engine) */
  invalidate(db: string): void;
}

export function createEngine(options: EngineOptions): Engine {
  const core = new EngineCore(options);
  const invalidate = (db: string): void => {
    core.invalidateMeta(db);
    core.invalidateSessions(db);
  };
  const clock = options.clock ?? { now: Date.now };
  return {
    handle: (request) => core.handle(request),
    operations: new EngineOperations({
      handle: (request) => core.handle(request),
      invalidate,
      store: options.store,
      salt: options.salt,
      now: () => clock.now(),
    }),
    invalidate,
  };
}
