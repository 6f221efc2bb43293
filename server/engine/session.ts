/**
 * Who a request runs as, and the cache entry that lets a validated token skip the
 * user lookup on the next request. auth.ts fills both; the request context carries
 * the session and the engine state keeps the cache, so the types live apart from all three.
 */
import type { GrantTable } from './grants.js';

export interface Session {
  /** lower-cased login ("admin" for the master admin) */
  user: string;
  userId: number;
  role: string;
  roleId: number;
  xsrf: string;
  token: string;
  grants: GrantTable;
  guest?: boolean;
}

export interface CachedSession {
  session: Session;
  activityRowId: number | null;
  expires: number;
}

/** what a token lookup found (auth.ts): the session, and what the first request of it must still write */
export interface FoundSession {
  session: Session;
  roleId: number;
  activityRowId: number | null;
  hadXsrf: boolean;
}
