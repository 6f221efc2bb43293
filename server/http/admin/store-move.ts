/**
 * POST /store/move: moves every database and the server's own records to another store (the
 * embedded one, or a MySQL database) as a job (appliance/store-move.ts), after the checks that
 * can answer at once: the target reachable, not the store in use, the store not fixed in the
 * environment. Progress: GET /jobs/{id}; the job's result says a restart is needed.
 */
import type { RequestHandler } from 'express';
import { z } from 'zod';
import { STORE_MOVE_JOB } from '../../appliance/jobs.js';
import { mysqlSocketPath } from '../../config/schema.js';
import { sameStore, storeChosenInEnvironment } from '../../appliance/store-move.js';
import { testMysqlConnection } from '../../storage/mysql/connection-test.js';
import { embeddedTarget, mysqlTarget, type StoreTarget } from '../../storage/target.js';
import { HttpError, issueFields } from '../errors.js';
import type { AdminContext, AdminRoutes } from './context.js';
import { startJob } from './jobs.js';

const DB_NAME = /^[a-z0-9_]{1,64}$/i;

export const storeMoveRequestSchema = z.discriminatedUnion('driver', [
  z.object({ driver: z.literal('embedded') }),
  z.object({
    driver: z.literal('mysql'),
    host: z.string().trim().min(1, { error: 'the MySQL server\'s host name or address' }),
    port: z.coerce.number().int().min(1).max(65535).default(3306),
    user: z.string().trim().min(1, { error: 'a MySQL user' }),
    password: z.string().default(''),
    database: z.string().trim().regex(DB_NAME, { error: 'letters, digits and _ only' }),
    /** a unix socket: host and port are then not used */
    socketPath: mysqlSocketPath().optional(),
  }),
]);

export function bindStoreMoveRoutes(routes: AdminRoutes, ctx: AdminContext): void {
  const { deps } = ctx;

  const move: RequestHandler = async (req, res) => {
    ctx.store();
    const parsed = storeMoveRequestSchema.safeParse(req.body);
    if (!parsed.success) throw new HttpError(422, 'the target is not complete', 'invalid_request', { details: issueFields(parsed.error, '_body') });
    const request = parsed.data;
    const fixed = storeChosenInEnvironment(deps.settings.env ?? process.env);
    if (fixed.length > 0) {
      throw new HttpError(409, `${fixed.join(', ')} set in the server's environment choose the store; change them there instead`, 'set_in_environment', { params: { keys: fixed.join(', ') } });
    }
    let target: StoreTarget;
    if (request.driver === 'embedded') {
      target = embeddedTarget(deps.config.DATA_DIR, deps.config.PGLITE_SYNC_COMMITS);
    } else {
      const { host, port, socketPath, user, password, database } = request;
      // the server and the credentials; a database that does not exist yet is created by the move
      const probe = await testMysqlConnection({ host, port, socketPath, user, password, database: '' });
      if (!probe.ok) throw new HttpError(422, probe.error ?? 'cannot connect to MySQL', 'unreachable', { details: { host: probe.error ?? 'cannot connect' }, params: { reason: probe.error ?? 'no answer' } });
      target = mysqlTarget({ host, port, ...(socketPath ? { socketPath } : {}), user, password, database, charset: deps.config.DB_CHARSET });
    }
    if (!deps.storeTarget) throw new HttpError(501, 'this server cannot move its data', 'unsupported');
    if (sameStore(deps.storeTarget, target)) {
      throw new HttpError(409, 'that is the store in use', 'same_store');
    }
    deps.logger.warn({ target: target.target }, 'data move requested from the console');
    await startJob(ctx, res, STORE_MOVE_JOB, { target });
  };

  routes.protected.post('/store/move', move);
}
