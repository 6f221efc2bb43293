/**
 * Writing an Integram user (a record of type 18) the way the PHP engine does, for callers that
 * create users outside a logged-in session: self-registration, a new organization's owner, the
 * first-run admin of the default database. Pure data logic on a TenantStore (no HTTP, no SQL).
 */
import { createHash } from 'node:crypto';
import type { TenantStore } from '../storage/types.js';
import { ACTIVITY, EMAIL, PASSWORD, ROLE, TOKEN, USER, XSRF } from './ids.js';
import { dateYmd } from './php.js';

/** The legacy password hash: lowercase hex sha512(SALT + db + password) (docs/legacy-api.md, "Password hashes"). */
export function legacyPasswordHash(salt: string, db: string, password: string): string {
  return createHash('sha512').update(salt + db + password, 'utf8').digest('hex');
}

/** The XSRF value of password logins: the first 22 hex of sha512(SALT + db + db). */
export function legacyXsrf(salt: string, db: string): string {
  return legacyPasswordHash(salt, db, db).slice(0, 22);
}

export class UserWriteError extends Error {
  constructor(readonly status: 409 | 422, message: string) {
    super(message);
    this.name = 'UserWriteError';
  }
}

export interface NewUser {
  db: string;
  salt: string;
  login: string;
  password?: string;
  email?: string;
  /** name of a record of the role table (42): 'admin' (145) or 'user' (164) in the templates */
  roleName: string;
  /** also write a legacy token (and xsrf, activity) so the user can call the URL API at once */
  token?: string;
  now: number;
}

/** The first column of `table` that references `target` (its type is a reference type to it), or null. */
export async function referenceRequisite(t: TenantStore, table: number, target: number): Promise<number | null> {
  const reqs = await t.find({ up: table });
  if (reqs.length === 0) return null;
  const terms = await t.find({ id: [...new Set(reqs.map((r) => r.t))], up: 0, t: target });
  const refTypes = new Set(terms.map((r) => r.id));
  return reqs.find((r) => refTypes.has(r.t))?.id ?? null;
}

/** The requisite of the user table that links to a role (115 in the templates). */
export function roleRequisite(t: TenantStore): Promise<number | null> {
  return referenceRequisite(t, USER, ROLE);
}

/**
 * Inserts the user's rows in the order the PHP engine writes them. Run it inside
 * `store.transaction(db, tx => insertUser(tx, ...))` so a refusal leaves nothing behind.
 */
export async function insertUser(tx: TenantStore, user: NewUser): Promise<{ userId: number; xsrf: string }> {
  if ((await tx.find({ t: USER, val: user.login }, { limit: 1 })).length > 0) {
    throw new UserWriteError(409, `The login "${user.login}" is taken`);
  }
  const roleReq = await roleRequisite(tx);
  const role = (await tx.find({ t: ROLE, up: 1, val: user.roleName }, { limit: 1 }))[0];
  if (roleReq === null || role === undefined) {
    throw new UserWriteError(422, `The database "${user.db}" has no user table with roles; it cannot hold users`);
  }
  const xsrf = legacyXsrf(user.salt, user.db);
  const userId = await tx.insert({ up: 1, ord: 1, t: USER, val: user.login });
  if (user.password !== undefined) {
    await tx.insert({ up: userId, ord: 1, t: PASSWORD, val: legacyPasswordHash(user.salt, user.db, user.password) });
  }
  if (user.email) await tx.insert({ up: userId, ord: 1, t: EMAIL, val: user.email });
  await tx.insert({ up: userId, ord: 1, t: role.id, val: String(roleReq) });
  const dateReq = (await tx.find({ up: USER, t: 9 }, { limit: 1 }))[0];
  if (dateReq) await tx.insert({ up: userId, ord: 1, t: dateReq.id, val: dateYmd(user.now / 1000) });
  if (user.token !== undefined) {
    await tx.insert({ up: userId, ord: 1, t: TOKEN, val: user.token });
    await tx.insert({ up: userId, ord: 1, t: XSRF, val: xsrf });
    await tx.insert({ up: userId, ord: 0, t: ACTIVITY, val: (user.now / 1000).toFixed(4) });
  }
  return { userId, xsrf };
}
