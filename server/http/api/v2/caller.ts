/**
 * Who calls /api/v2/integram, as the engine's legacy credentials for one database. Callers present
 * either an access JWT (Bearer) or a legacy token (X-Authorization, or Bearer with the 64-hex
 * token). A JWT works for its own database and, as the PHP engine's cabinet single sign-on does,
 * for the organizations its user owns (the owner account there is used).
 */
import type { Request } from 'express';
import type { RequestActor } from '../../../log/request-context.js';
import { EngineCallError, type LegacyCredentials } from '../../../engine/index.js';
import { ORGANIZATION_KIND, type OrganizationRecord } from '../../../appliance/organizations.js';
import { isRoutableDbName } from '../../../storage/db-names.js';
import { HttpError } from '../../errors.js';
import { bearerToken, looksLikeJwt, type ApiServices } from '../context.js';
import { TokenError } from '../../../appliance/api-tokens.js';
import { fromEngine } from './document.js';

export interface EngineCallOptions {
  id?: string;
  query?: Record<string, string>;
  post?: Record<string, unknown>;
}

export interface Caller {
  /** the database, lower-cased */
  db: string;
  creds: LegacyCredentials;
  /** an engine request with the caller's token (and _xsrf on a post); a refusal throws its JSON:API error */
  call(action: string, options?: EngineCallOptions): Promise<unknown>;
}

/** The caller's legacy credentials for this database (JWT, SSO to owned organizations, or a legacy token). */
export async function resolveCaller(services: ApiServices, req: Request, db: string): Promise<Caller> {
  const creds = await credentials(services, req, db);
  const lower = db.toLowerCase();
  return {
    db: lower,
    creds,
    async call(action, options = {}) {
      try {
        const post = options.post ? { _xsrf: creds.xsrf, ...options.post } : undefined;
        return await services.ops.call(lower, action, { id: options.id, query: options.query, post, token: creds.token });
      } catch (err) {
        if (err instanceof EngineCallError) throw fromEngine(err);
        throw err;
      }
    },
  };
}

/** Says who the caller is on the response's locals (the log line and the active-session list read it). */
function noteActor(req: Request, actor: RequestActor): void {
  if (req.res) req.res.locals.actor = actor;
}

async function credentials(services: ApiServices, req: Request, db: string): Promise<LegacyCredentials> {
  const { ops } = services;
  if (!isRoutableDbName(db)) throw new HttpError(404, `Database "${db}" not found`, 'database_not_found');
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
      if (err instanceof TokenError) throw new HttpError(401, err.message, err.code);
      throw err;
    }
    if (!family) throw new HttpError(403, 'Mock tokens (AUTH_MODE=mock) cannot read or write data', 'mock_token');
    if (family.db === lower) {
      const who = await ops.whoami(lower, family.legacyToken);
      if (!who) throw new HttpError(401, 'The legacy session behind this token has ended (logged out); log in again', 'session_ended');
      noteActor(req, { kind: 'jwt', user: claims.login.toLowerCase(), db: lower });
      return { token: who.token, xsrf: who.xsrf };
    }
    const org = await services.store().appliance.get<OrganizationRecord>(ORGANIZATION_KIND, lower);
    if (org && org.body.owner.database === family.db && org.body.owner.userId === family.userId) {
      noteActor(req, { kind: 'jwt', user: claims.login.toLowerCase(), db: lower });
      return ops.ensureToken(lower, org.body.ownerUserId);
    }
    throw new HttpError(403, `Your login (database "${family.db}") gives no access to database "${lower}"; log in to it`, 'forbidden');
  }
  const token = legacyHeader ?? bearer;
  if (!token) throw new HttpError(401, 'Send Authorization: Bearer <access token> or X-Authorization: <legacy token>', 'unauthorized');
  if (!(await services.store().databaseExists(lower))) throw new HttpError(404, `Database "${lower}" not found`, 'database_not_found');
  const who = await ops.whoami(lower, token.trim());
  if (!who) throw new HttpError(401, `The token is not valid for database "${lower}"`, 'unauthorized');
  if (who.login && who.login !== 'guest') noteActor(req, { kind: 'legacy', user: who.login.toLowerCase(), db: lower });
  return { token: who.token, xsrf: who.xsrf };
}
