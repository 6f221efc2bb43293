/**
 * Users, roles and grants of a tenant database, and the workspace hand-off (contract.ts,
 * "Users and roles"). Thin: validates the input (zod), calls appliance/db-users.ts (which works
 * through the engine as the database's admin) and answers with a stable code and its parameters.
 */
import type { Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import { DbUsers, DbUsersError, GRANT_LEVELS, type DbUsersErrorCode } from '../../appliance/db-users.js';
import { isRoutableDbName } from '../../storage/db-names.js';
import { LOGIN_RULE, passwordProblems } from '../api/schemas.js';
import { HttpError, issueFields } from '../errors.js';
import type { AdminContext, AdminRoutes } from './context.js';
import type { DbUsersSuccessCode } from './contract.js';

const STATUS: Record<DbUsersErrorCode, number> = {
  no_database: 404, no_user_table: 422, no_admin_user: 409, login_taken: 409, role_taken: 409, no_such_user: 404,
  no_such_role: 404, no_such_object: 404, console_admin: 409, console_admin_role: 409, engine_refused: 422,
};

const newUserSchema = z.object({
  login: z.string().trim().regex(LOGIN_RULE, { error: 'invalid_login' }),
  password: z.string().min(1, { error: 'required' }).max(200),
  roleId: z.number().int().positive(),
});
const passwordSchema = z.object({ password: z.string().min(1, { error: 'required' }).max(200) });
const roleSchema = z.object({ roleId: z.number().int().positive() });
const newRoleSchema = z.object({ name: z.string().trim().min(1, { error: 'required' }).max(100) });
const grantSchema = z.object({
  level: z.enum(GRANT_LEVELS).nullable(),
  export: z.boolean().optional(),
  delete: z.boolean().optional(),
});
const idParam = z.coerce.number().int().nonnegative();

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) throw new HttpError(400, 'the request is not valid; see fields', 'invalid_request', { details: issueFields(parsed.error, '_body') });
  return parsed.data;
}

function dbParam(req: Request): string {
  const db = String(req.params.db).toLowerCase();
  if (!isRoutableDbName(db)) throw new HttpError(404, `no database named "${db}"`, 'no_database', { details: { db }, params: { db } });
  return db;
}

function idOf(req: Request, name: string): number {
  const parsed = idParam.safeParse(req.params[name]);
  if (!parsed.success) throw new HttpError(400, `${name} must be a number`, 'invalid_request', { details: { [name]: 'not a number' } });
  return parsed.data;
}

/** The console's password rule (the one new databases' admins follow). */
function checkPassword(password: string, login: string): void {
  const problems = passwordProblems(password, login);
  if (problems.length > 0) throw new HttpError(422, problems.join(' '), 'weak_password', { details: { password: problems.join(' ') } });
}

/** Runs a use case; its refusals become admin errors with their code and parameters. */
async function run<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof DbUsersError) {
      const status = err.code === 'engine_refused' && err.params.status === '403' ? 403 : STATUS[err.code];
      throw new HttpError(status, err.message, err.code, { details: err.params, params: err.params });
    }
    throw err;
  }
}

function done(res: Response, status: number, code: DbUsersSuccessCode, params: Record<string, string>, body: object): void {
  res.status(status).json({ ...body, code, params });
}

export function bindDbUserRoutes(routes: AdminRoutes, ctx: AdminContext): void {
  const engine = ctx.deps.engine;
  const users = (): DbUsers => {
    if (!engine) throw new HttpError(503, 'user management needs the engine, which this server was started without', 'engine_unavailable');
    return new DbUsers({ store: () => ctx.store(), operations: engine.operations, invalidate: (db) => engine.invalidate(db) });
  };
  const log = (obj: object, msg: string): void => ctx.deps.logger.info(obj, msg);

  const listUsers: RequestHandler = async (req, res) => {
    const db = dbParam(req);
    res.json({ users: await run(() => users().listUsers(db)) });
  };

  const createUser: RequestHandler = async (req, res) => {
    const db = dbParam(req);
    const input = parse(newUserSchema, req.body);
    checkPassword(input.password, input.login);
    const user = await run(() => users().createUser(db, input));
    log({ db, login: user.login, role: user.role }, 'database user created from the console');
    done(res, 201, 'user_created', { login: user.login, role: user.role ?? '' }, { user });
  };

  const setPassword: RequestHandler = async (req, res) => {
    const db = dbParam(req);
    const userId = idOf(req, 'user');
    const { password } = parse(passwordSchema, req.body);
    const current = await run(() => users().listUsers(db)).then((list) => list.find((u) => u.id === userId));
    checkPassword(password, current?.login ?? '');
    const user = await run(() => users().setPassword(db, userId, password));
    log({ db, login: user.login }, 'database user password reset from the console');
    done(res, 200, 'password_reset', { login: user.login }, { user });
  };

  const setRole: RequestHandler = async (req, res) => {
    const db = dbParam(req);
    const { roleId } = parse(roleSchema, req.body);
    const user = await run(() => users().setRole(db, idOf(req, 'user'), roleId));
    log({ db, login: user.login, role: user.role }, 'database user role set from the console');
    done(res, 200, 'role_set', { login: user.login, role: user.role ?? '' }, { user });
  };

  const disable: RequestHandler = async (req, res) => {
    const db = dbParam(req);
    const user = await run(() => users().disableUser(db, idOf(req, 'user')));
    log({ db, login: user.login }, 'database user disabled from the console');
    done(res, 200, 'user_disabled', { login: user.login }, { user });
  };

  const listRoles: RequestHandler = async (req, res) => {
    const db = dbParam(req);
    res.json({ roles: await run(() => users().listRoles(db)) });
  };

  const createRole: RequestHandler = async (req, res) => {
    const db = dbParam(req);
    const { name } = parse(newRoleSchema, req.body);
    const role = await run(() => users().createRole(db, name));
    log({ db, role: role.name }, 'database role created from the console');
    done(res, 201, 'role_created', { role: role.name }, { role });
  };

  const roleGrants: RequestHandler = async (req, res) => {
    const db = dbParam(req);
    res.json(await run(() => users().roleGrants(db, idOf(req, 'role'))));
  };

  const setGrant: RequestHandler = async (req, res) => {
    const db = dbParam(req);
    const input = parse(grantSchema, req.body);
    const object = idOf(req, 'object');
    const grants = await run(() => users().setGrant(db, idOf(req, 'role'), object, {
      level: input.level, export: input.export === true, delete: input.delete === true,
    }));
    log({ db, role: grants.role.name, object, level: input.level }, 'database grant set from the console');
    done(res, 200, 'grant_set', { role: grants.role.name, object: String(object), level: input.level ?? '' }, grants);
  };

  /** Sets the engine's session cookie of the database's admin (path /, as the engine sets it) and names the workspace. */
  const workspaceSession: RequestHandler = async (req, res) => {
    const db = dbParam(req);
    const session = await run(() => users().adminSession(db));
    res.append('Set-Cookie', `idb_${db}=${encodeURIComponent(session.token)}; path=/`);
    log({ db, login: session.login }, 'workspace opened from the console');
    done(res, 200, 'workspace_ready', { db, login: session.login }, { url: `/${db}/`, login: session.login });
  };

  routes.protected.get('/databases/:db/users', listUsers);
  routes.protected.post('/databases/:db/users', createUser);
  routes.protected.put('/databases/:db/users/:user/password', setPassword);
  routes.protected.put('/databases/:db/users/:user/role', setRole);
  routes.protected.post('/databases/:db/users/:user/disable', disable);
  routes.protected.get('/databases/:db/roles', listRoles);
  routes.protected.post('/databases/:db/roles', createRole);
  routes.protected.get('/databases/:db/roles/:role/grants', roleGrants);
  routes.protected.put('/databases/:db/roles/:role/grants/:object', setGrant);
  routes.protected.post('/databases/:db/workspace-session', workspaceSession);
}
