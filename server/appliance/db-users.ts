/**
 * Users, roles and grants of a tenant database, as the console manages them (docs/console.md,
 * "Users and roles"). Every change is a legacy command (`_m_new`, `_m_set`, `_m_move`, `_m_del`)
 * sent through the engine as the database's admin user, the commands a PHP-engine client sends, so
 * the engine's grant checks, value rules and refusals apply unchanged. Reading is done on the rows.
 *
 * The engine's data model (docs/legacy-api.md, "Well-known ids", "Grants"):
 * - a user is a record of table 18 (value = login) with a password cell (20), a role cell (a
 *   reference through the user table's role column, 115 in the templates), activity (124, the
 *   time of the last authenticated request) and token (125);
 * - a role is a record of table 42; its grants are its 116 children (value = the granted object),
 *   each with a level cell (a reference to a WRITE/READ/BARRED record of table 47), a mask (49) and
 *   the EXPORT (55) and DELETE (56) flags.
 *
 * "Disabled": a user without a role. The engine refuses every request of such a user ("No role
 * assigned to user x"), whatever the credential (password, token, secret, Basic); disabling also
 * deletes the user's token, so open sessions end at once. Enabling gives a role again.
 *
 * The one write not done through the engine: the level column of grant records (136 in real PHP
 * databases), which the templates, like the engine's bootstrap, lack and which no legacy command can
 * add (`_d_req/116` is refused). It is added once, as real databases have it, before the first grant
 * is written.
 */
import { randomBytes } from 'node:crypto';
import {
  ACTIVITY, EngineCallError, GRANT_PSEUDO_OBJECTS, LEVEL, loadGrants, referenceRequisite, ROLE, ROLE_OBJECT, roleRequisite, TOKEN, USER,
  type EngineOperations,
} from '../engine/index.js';
import type { Row, Store, TenantStore } from '../storage/types.js';

export const GRANT_LEVELS = ['READ', 'WRITE', 'BARRED'] as const;
export type GrantLevel = (typeof GRANT_LEVELS)[number];

export interface DbUser {
  id: number;
  login: string;
  roleId: number | null;
  role: string | null;
  /** the engine's activity cell as an ISO time, or null (never used) */
  lastActivity: string | null;
  /** no role: the engine refuses every request of the user */
  disabled: boolean;
  /** the user the console acts as (and opens the workspace as) */
  consoleAdmin: boolean;
}

export interface DbRole { id: number; name: string; users: number }

/** Something a grant can be on: a pseudo object (all objects, type editor, files), a table or a column of one. */
export interface GrantObject { id: number; name: string; kind: 'pseudo' | 'table' | 'column'; table: number | null }

export interface RoleGrant { object: number; level: GrantLevel | null; mask: string; export: boolean; delete: boolean }

export interface RoleGrants { role: DbRole; objects: GrantObject[]; grants: RoleGrant[] }

export interface GrantChange {
  /** null: no grant on the object (the grant record is deleted) */
  level: GrantLevel | null;
  export: boolean;
  delete: boolean;
}

export type DbUsersErrorCode =
  | 'no_database' | 'no_user_table' | 'no_admin_user' | 'login_taken' | 'role_taken' | 'no_such_user' | 'no_such_role'
  | 'no_such_object' | 'console_admin' | 'console_admin_role' | 'engine_refused';

/** A refusal a console user can cause: a stable code and its parameters. */
export class DbUsersError extends Error {
  constructor(readonly code: DbUsersErrorCode, message: string, readonly params: Record<string, string> = {}) {
    super(message);
    this.name = 'DbUsersError';
  }
}

export interface DbUsersDeps {
  store: () => Store;
  operations: EngineOperations;
  /** drops the engine's caches of a database changed outside it */
  invalidate: (db: string) => void;
}

interface Acting { userId: number; login: string; token: string; xsrf: string }

/** ids the PHP databases use for the level column of grant records and its reference type (taken when free) */
const LEVEL_COLUMN_ID = 136;
const LEVEL_REF_ID = 46;
/** the pseudo object "all objects" */
const ROOT_OBJECT = 1;

function activityIso(row: Row | undefined): string | null {
  const seconds = row ? Number(row.val) : 0;
  return Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000).toISOString() : null;
}

export class DbUsers {
  constructor(private readonly deps: DbUsersDeps) {}

  private async tenant(db: string): Promise<TenantStore> {
    const store = this.deps.store();
    if (!(await store.databaseExists(db))) throw new DbUsersError('no_database', `no database named "${db}"`, { db });
    return store.tenant(db);
  }

  private async roles(t: TenantStore): Promise<Map<number, string>> {
    return new Map((await t.find({ t: ROLE, up: 1 })).map((r) => [r.id, r.val]));
  }

  /** Every user with role, last activity and state; the console's admin is the first user with the role "admin". */
  async listUsers(db: string): Promise<DbUser[]> {
    const t = await this.tenant(db);
    const users = (await t.find({ t: USER })).filter((u) => u.up !== 0).sort((a, b) => a.id - b.id);
    const roles = await this.roles(t);
    const cells = users.length ? await t.find({ up: users.map((u) => u.id) }) : [];
    const list = users.map((u): DbUser => {
      const own = cells.filter((c) => c.up === u.id);
      const roleCell = own.find((c) => roles.has(c.t));
      return {
        id: u.id, login: u.val, roleId: roleCell?.t ?? null, role: roleCell ? (roles.get(roleCell.t) ?? null) : null,
        lastActivity: activityIso(own.find((c) => c.t === ACTIVITY)), disabled: roleCell === undefined, consoleAdmin: false,
      };
    });
    const admin = list.find((u) => u.role?.toLowerCase() === 'admin');
    if (admin) admin.consoleAdmin = true;
    return list;
  }

  async listRoles(db: string): Promise<DbRole[]> {
    const t = await this.tenant(db);
    const users = await this.listUsers(db);
    return [...(await this.roles(t)).entries()]
      .map(([id, name]) => ({ id, name, users: users.filter((u) => u.roleId === id).length }))
      .sort((a, b) => a.id - b.id);
  }

  /** The user the console acts as: the first user with the role "admin" (the one a new database is created with). */
  async consoleAdmin(db: string): Promise<{ userId: number; login: string }> {
    const admin = (await this.listUsers(db)).find((u) => u.consoleAdmin);
    if (!admin) {
      throw new DbUsersError('no_admin_user', `the database "${db}" has no user with the role "admin"; log in to its workspace with a login of its own`, { db });
    }
    return { userId: admin.id, login: admin.login };
  }

  /** A legacy session of the database's admin (its token, created when it has none): what the workspace hand-off sets as the cookie. */
  async adminSession(db: string): Promise<Acting> {
    const admin = await this.consoleAdmin(db);
    const credentials = await this.deps.operations.ensureToken(db, admin.userId);
    return { ...admin, ...credentials };
  }

  /** One legacy command as the database's admin; the engine's refusal becomes engine_refused with its text. */
  private async command(db: string, acting: Acting, action: string, id: number, post: Record<string, string>): Promise<Record<string, unknown>> {
    try {
      const value = await this.deps.operations.call(db, action, { id: String(id), post: { ...post, _xsrf: acting.xsrf }, token: acting.token });
      return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
    } catch (err) {
      if (err instanceof EngineCallError) {
        throw new DbUsersError('engine_refused', `the engine refused ${action}: ${err.message}`, { action, message: err.message, status: String(err.status) });
      }
      throw err;
    }
  }

  /** `t{col}: ''` for every column of a table except `keep`: the bootstrap's column names are not written as defaults. */
  private async blankColumns(t: TenantStore, table: number, keep: number[]): Promise<Record<string, string>> {
    const reqs = await t.find({ up: table });
    return Object.fromEntries(reqs.filter((r) => !keep.includes(r.id)).map((r) => [`t${r.id}`, '']));
  }

  private async roleColumn(t: TenantStore, db: string): Promise<number> {
    const column = await roleRequisite(t);
    if (column === null) throw new DbUsersError('no_user_table', `the database "${db}" has no user table with roles`, { db });
    return column;
  }

  private async requireRole(t: TenantStore, roleId: number): Promise<string> {
    const name = (await this.roles(t)).get(roleId);
    if (name === undefined) throw new DbUsersError('no_such_role', `no role with id ${roleId}`, { role: String(roleId) });
    return name;
  }

  private async requireUser(db: string, userId: number): Promise<DbUser> {
    const user = (await this.listUsers(db)).find((u) => u.id === userId);
    if (!user) throw new DbUsersError('no_such_user', `no user with id ${userId}`, { user: String(userId) });
    return user;
  }

  /** `_m_new/18` with login, password and role. */
  async createUser(db: string, input: { login: string; password: string; roleId: number }): Promise<DbUser> {
    const t = await this.tenant(db);
    const roleColumn = await this.roleColumn(t, db);
    await this.requireRole(t, input.roleId);
    const users = await this.listUsers(db);
    if (users.some((u) => u.login.toLowerCase() === input.login.toLowerCase())) {
      throw new DbUsersError('login_taken', `the login "${input.login}" is taken`, { login: input.login });
    }
    const acting = await this.adminSession(db);
    const answer = await this.command(db, acting, '_m_new', USER, {
      ...(await this.blankColumns(t, USER, [20, roleColumn])),
      up: '1', [`t${USER}`]: input.login, t20: input.password, [`t${roleColumn}`]: String(input.roleId),
    });
    // a unique table answers an existing record with a warning instead of creating one
    if (answer.warning !== undefined) throw new DbUsersError('login_taken', `the login "${input.login}" is taken`, { login: input.login });
    return this.requireUser(db, Number(answer.obj));
  }

  /** `_m_set/{user}` of the password (the engine hashes it). */
  async setPassword(db: string, userId: number, password: string): Promise<DbUser> {
    const user = await this.requireUser(db, userId);
    await this.command(db, await this.adminSession(db), '_m_set', user.id, { t20: password });
    return user;
  }

  /** `_m_set/{user}` of the role cell; also how a disabled user is enabled again. */
  async setRole(db: string, userId: number, roleId: number): Promise<DbUser> {
    const t = await this.tenant(db);
    const roleColumn = await this.roleColumn(t, db);
    await this.requireRole(t, roleId);
    const user = await this.requireUser(db, userId);
    if (user.consoleAdmin && (await this.roles(t)).get(roleId)?.toLowerCase() !== 'admin') {
      throw new DbUsersError('console_admin', `"${user.login}" is the admin the console acts as; it keeps the admin role`, { login: user.login });
    }
    await this.command(db, await this.adminSession(db), '_m_set', user.id, { [`t${roleColumn}`]: String(roleId) });
    return this.requireUser(db, userId);
  }

  /** `_m_set/{user}` deleting the role cell and the token: the engine then refuses the user. */
  async disableUser(db: string, userId: number): Promise<DbUser> {
    const t = await this.tenant(db);
    const roleColumn = await this.roleColumn(t, db);
    const user = await this.requireUser(db, userId);
    if (user.consoleAdmin) {
      throw new DbUsersError('console_admin', `"${user.login}" is the admin the console acts as; it cannot be disabled`, { login: user.login });
    }
    await this.command(db, await this.adminSession(db), '_m_set', user.id, { [`t${roleColumn}`]: '', [`t${TOKEN}`]: '' });
    return this.requireUser(db, userId);
  }

  /** `_m_new/42` without grants (the grant column's default is not written). */
  async createRole(db: string, name: string): Promise<DbRole> {
    const t = await this.tenant(db);
    if ([...(await this.roles(t)).values()].some((r) => r.toLowerCase() === name.toLowerCase())) {
      throw new DbUsersError('role_taken', `the role "${name}" exists`, { role: name });
    }
    const answer = await this.command(db, await this.adminSession(db), '_m_new', ROLE, {
      ...(await this.blankColumns(t, ROLE, [])), up: '1', [`t${ROLE}`]: name,
    });
    if (answer.warning !== undefined) throw new DbUsersError('role_taken', `the role "${name}" exists`, { role: name });
    const id = Number(answer.obj);
    return { id, name, users: 0 };
  }

  /** What a grant can be on: the pseudo objects, then each table with its columns. */
  async grantObjects(db: string): Promise<GrantObject[]> {
    const t = await this.tenant(db);
    const meta = await t.find({ up: 0 });
    const byId = new Map(meta.map((r) => [r.id, r]));
    const typeName = (id: number): string => {
      const type = byId.get(id);
      if (!type) return String(id);
      if (type.val === '' && type.t > 17) return byId.get(type.t)?.val ?? String(id); // a reference type: its table's name
      return type.val;
    };
    const tables = meta.filter((r) => r.id !== r.t && r.t <= 17 && r.val !== '').sort((a, b) => a.val.localeCompare(b.val) || a.id - b.id);
    const columns = tables.length ? await t.find({ up: tables.map((r) => r.id) }) : [];
    const objects: GrantObject[] = GRANT_PSEUDO_OBJECTS.map(([id, name]) => ({ id, name, kind: 'pseudo' as const, table: null }));
    for (const table of tables) {
      objects.push({ id: table.id, name: table.val, kind: 'table', table: null });
      for (const col of columns.filter((c) => c.up === table.id).sort((a, b) => a.ord - b.ord || a.id - b.id)) {
        objects.push({ id: col.id, name: col.t <= 17 ? col.val : typeName(col.t), kind: 'column', table: table.id });
      }
    }
    return objects;
  }

  /** A role's grants (as the engine loads them at a request) with every object a grant can be on. */
  async roleGrants(db: string, roleId: number): Promise<RoleGrants> {
    const t = await this.tenant(db);
    const name = await this.requireRole(t, roleId);
    const table = await loadGrants(t, roleId);
    const keys = new Set([...table.levels.keys(), ...table.masks.keys(), ...table.exportable, ...table.deletable]);
    const grants = [...keys].map((key): RoleGrant => {
      const level = table.levels.get(key);
      return {
        object: Number(key),
        level: GRANT_LEVELS.includes(level as GrantLevel) ? (level as GrantLevel) : null,
        mask: [...(table.masks.get(key)?.keys() ?? [])][0] ?? '',
        export: table.exportable.has(key),
        delete: table.deletable.has(key),
      };
    });
    const users = (await this.listUsers(db)).filter((u) => u.roleId === roleId).length;
    return { role: { id: roleId, name, users }, objects: await this.grantObjects(db), grants };
  }

  /** The level column of grant records (136 in real databases), added once where the templates lack it. */
  private async levelColumn(db: string): Promise<number> {
    const store = this.deps.store();
    const existing = await referenceRequisite(store.tenant(db), ROLE_OBJECT, LEVEL);
    if (existing !== null) return existing;
    const column = await store.transaction(db, async (tx) => {
      const free = async (id: number): Promise<boolean> => (await tx.find({ id }, { limit: 1 })).length === 0;
      const refType = (await tx.find({ up: 0, t: LEVEL, val: '' }, { limit: 1 }))[0]?.id
        ?? await tx.insert({ ...(await free(LEVEL_REF_ID) ? { id: LEVEL_REF_ID } : {}), up: 0, ord: 0, t: LEVEL, val: '' });
      const ord = (await tx.maxOrd({ up: ROLE_OBJECT })) + 1;
      return tx.insert({ ...(await free(LEVEL_COLUMN_ID) ? { id: LEVEL_COLUMN_ID } : {}), up: ROLE_OBJECT, ord, t: refType, val: '' });
    });
    this.deps.invalidate(db);
    return column;
  }

  /**
   * Sets one object's grant of a role: deletes the grant record (no level), or makes sure one grant
   * record exists and sets its level and flags with `_m_set`. A new grant record comes the way a PHP
   * client makes one (`_m_new/116` is refused): the role's first one by `_m_set` of its grant column;
   * a further one from a helper role created with the object in its grant column, the record moved
   * under the role (`_m_move`; the engine moves only under a role that has rows), the helper deleted.
   */
  async setGrant(db: string, roleId: number, objectId: number, change: GrantChange): Promise<RoleGrants> {
    const t = await this.tenant(db);
    await this.requireRole(t, roleId);
    if (!(await this.grantObjects(db)).some((o) => o.id === objectId)) {
      throw new DbUsersError('no_such_object', `nothing with id ${objectId} can be granted`, { object: String(objectId) });
    }
    await this.guardConsoleRole(db, t, roleId, objectId, change.level);
    const acting = await this.adminSession(db);
    const records = await t.find({ up: roleId, t: ROLE_OBJECT, val: String(objectId) });
    if (change.level === null) {
      for (const record of records) await this.command(db, acting, '_m_del', record.id, {});
      return this.roleGrants(db, roleId);
    }
    const levelColumn = await this.levelColumn(db);
    const levelRecord = (await t.find({ t: LEVEL, val: change.level }, { limit: 1 }))[0];
    if (!levelRecord) throw new DbUsersError('no_user_table', `the database "${db}" has no access level ${change.level}`, { db, level: change.level });
    const record = records[0]?.id ?? (await this.newGrantRecord(db, t, acting, roleId, objectId));
    const levelIds = new Set((await t.find({ t: LEVEL })).map((r) => r.id));
    const stray = (await t.find({ up: record })).filter((cell) => levelIds.has(cell.t) && cell.val !== String(levelColumn));
    await this.command(db, acting, '_m_set', record, {
      [`t${levelColumn}`]: String(levelRecord.id), t55: change.export ? '1' : '', t56: change.delete ? '1' : '',
    });
    // level cells written without the column (the templates' grants) would leave the record with two
    // levels; deleted after the new one is in, while the old level still lets the admin do it
    for (const cell of stray) await this.command(db, acting, '_m_del', cell.id, {});
    return this.roleGrants(db, roleId);
  }

  /**
   * The console acts as its admin through the admin's role: a grant of that role that would take away
   * its write access to everything (1), to roles and grants (42, 116, the level column, the levels 47)
   * would lock the console out of every later change, undoing this one included. Refused here.
   */
  private async guardConsoleRole(db: string, t: TenantStore, roleId: number, objectId: number, level: GrantLevel | null): Promise<void> {
    const admin = (await this.listUsers(db)).find((u) => u.consoleAdmin);
    if (!admin || admin.roleId !== roleId || level === 'WRITE') return;
    const levelColumn = await referenceRequisite(t, ROLE_OBJECT, LEVEL);
    const vital = objectId === ROOT_OBJECT ? true : [ROLE, ROLE_OBJECT, LEVEL, levelColumn].includes(objectId) && level !== null;
    if (vital) {
      throw new DbUsersError('console_admin_role', `the console acts as "${admin.login}" with the role "${admin.role ?? ''}"; it keeps WRITE on object ${objectId}`, {
        login: admin.login, role: admin.role ?? '', object: String(objectId),
      });
    }
  }

  private async newGrantRecord(db: string, t: TenantStore, acting: Acting, roleId: number, objectId: number): Promise<number> {
    const recordOf = async (role: number): Promise<number> => {
      const record = (await t.find({ up: role, t: ROLE_OBJECT, val: String(objectId) }, { limit: 1 }))[0];
      if (!record) throw new DbUsersError('engine_refused', 'the engine made no grant record', { action: '_m_set', message: 'no grant record' });
      return record.id;
    };
    // the role's first grant record: its grant column set like any cell
    if ((await t.find({ up: roleId, t: ROLE_OBJECT }, { limit: 1 })).length === 0) {
      await this.command(db, acting, '_m_set', roleId, { [`t${ROLE_OBJECT}`]: String(objectId) });
      return recordOf(roleId);
    }
    const helperName = `~grant ${randomBytes(6).toString('hex')}`;
    const helper = await this.command(db, acting, '_m_new', ROLE, {
      ...(await this.blankColumns(t, ROLE, [ROLE_OBJECT])), up: '1', [`t${ROLE}`]: helperName, [`t${ROLE_OBJECT}`]: String(objectId),
    });
    const helperId = Number(helper.obj);
    try {
      const record = await recordOf(helperId);
      await this.command(db, acting, '_m_move', record, { up: String(roleId) });
      return record;
    } finally {
      await this.command(db, acting, '_m_del', helperId, {});
    }
  }
}
