/**
 * GET /backups, POST /backups (a manual backup job), POST /backups/{id}/restore (a restore job,
 * confirmed), DELETE /backups/{id}. Progress: GET /jobs/{id}.
 */
import type { RequestHandler } from 'express';
import { BackupError, backupsDir, deleteBackup, listBackups, readManifest, type BackupManifest } from '../../appliance/backups.js';
import { BACKUP_JOB, RESTORE_JOB } from '../../appliance/jobs.js';
import { HttpError } from '../errors.js';
import type { AdminContext, AdminRoutes } from './context.js';
import type { BackupInfo } from './contract.js';
import { startJob } from './jobs.js';

function toBackupInfo(m: BackupManifest): BackupInfo {
  return { id: m.id, createdAt: m.createdAt, sizeBytes: m.sizeBytes, driver: m.driver, databases: m.databases, kind: m.kind };
}

/** A backup's refusal as an answer: 404 for an unknown backup, else 422. */
async function backupAnswer<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof BackupError) throw new HttpError(err.code === 'not_found' ? 404 : 422, err.message, err.code);
    throw err;
  }
}

export function bindBackupRoutes(routes: AdminRoutes, ctx: AdminContext): void {
  const { deps } = ctx;
  const dir = backupsDir(deps.config.DATA_DIR);

  const list: RequestHandler = async (_req, res) => {
    const backups = (await listBackups(dir)).map(toBackupInfo);
    res.json({ backups, schedule: deps.backupPolicy.schedule, keep: deps.backupPolicy.keep });
  };

  const create: RequestHandler = async (_req, res) => {
    ctx.store();
    await startJob(ctx, res, BACKUP_JOB, { kind: 'manual' });
  };

  const restore: RequestHandler = async (req, res) => {
    ctx.store();
    const id = String(req.params.id);
    if ((req.body as { confirm?: unknown } | undefined)?.confirm !== true) {
      throw new HttpError(400, 'a restore replaces the current data; send {"confirm": true}', 'confirmation_required', { details: { confirm: 'required' } });
    }
    await backupAnswer(readManifest(dir, id));
    deps.logger.warn({ backupId: id }, 'restore requested from the console');
    await startJob(ctx, res, RESTORE_JOB, { backupId: id });
  };

  const remove: RequestHandler = async (req, res) => {
    await backupAnswer(deleteBackup(dir, String(req.params.id)));
    res.status(204).end();
  };

  routes.protected.get('/backups', list);
  routes.protected.post('/backups', create);
  routes.protected.post('/backups/:id/restore', restore);
  routes.protected.delete('/backups/:id', remove);
}
