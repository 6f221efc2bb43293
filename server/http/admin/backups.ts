/**
 * GET /backups, POST /backups (a manual backup job), POST /backups/{id}/restore (a restore job,
 * confirmed), DELETE /backups/{id}. Progress: GET /jobs/{id}.
 */
import type { RequestHandler } from 'express';
import { authSaltSource } from '../../appliance/auth-salt.js';
import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { adoptBackupFile, BackupError, backupsDir, deleteBackup, listBackups, readManifest, saltFingerprint, type BackupManifest } from '../../appliance/backups.js';
import { BACKUP_JOB, RESTORE_JOB } from '../../appliance/jobs.js';
import { HttpError } from '../errors.js';
import type { AdminContext, AdminRoutes } from './context.js';
import type { BackupInfo } from './contract.js';
import { startJob } from './jobs.js';

/** The largest backup archive the console may upload. */
const BACKUP_UPLOAD_MAX_BYTES = 4 * 2 ** 30;

/** true: made with this server's AUTH_SALT; false: another one (logins need it); null: an older backup that does not say */
function saltMatches(m: BackupManifest, currentSalt: string): boolean | null {
  return m.authSaltFingerprint === undefined ? null : m.authSaltFingerprint === saltFingerprint(currentSalt);
}

export function toBackupInfo(m: BackupManifest, currentSalt: string): BackupInfo {
  return {
    id: m.id, createdAt: m.createdAt, sizeBytes: m.sizeBytes, driver: m.driver, databases: m.databases, kind: m.kind,
    saltMatches: saltMatches(m, currentSalt),
  };
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
    const backups = (await listBackups(dir)).map((m) => toBackupInfo(m, deps.config.AUTH_SALT));
    res.json({ backups, schedule: deps.backupPolicy.schedule, keep: deps.backupPolicy.keep });
  };

  const create: RequestHandler = async (_req, res) => {
    ctx.store();
    await startJob(ctx, res, BACKUP_JOB, { kind: 'manual' });
  };

  const restore: RequestHandler = async (req, res) => {
    ctx.store();
    const id = String(req.params.id);
    const body = (req.body ?? {}) as { confirm?: unknown; applySalt?: unknown };
    if (body.confirm !== true) {
      throw new HttpError(400, 'a restore replaces the current data; send {"confirm": true}', 'confirmation_required', { details: { confirm: 'required' } });
    }
    const manifest = await backupAnswer(readManifest(dir, id));
    // a backup from a server with another AUTH_SALT: its Integram passwords work only with that salt
    const applySalt = body.applySalt === true;
    const saltDiffers = saltMatches(manifest, deps.config.AUTH_SALT) === false;
    if (saltDiffers) {
      if (typeof body.applySalt !== 'boolean') {
        throw new HttpError(409, 'this backup was made on a server with another AUTH_SALT, and the Integram passwords in it work only with that salt: ' +
          'send "applySalt": true to adopt its salt (applies after a restart; passwords set on this server since then stop working) or false to keep this server\'s', 'salt_differs', {
          details: { applySalt: 'required' },
        });
      }
      if (applySalt && authSaltSource({ dataDir: deps.config.DATA_DIR, ...deps.settings }) === 'env') {
        throw new HttpError(409, 'AUTH_SALT is set in the server\'s environment, so it cannot be changed from here: set it there to the backup\'s server\'s value and restart', 'salt_in_environment');
      }
    }
    deps.logger.warn({ backupId: id, applySalt }, 'restore requested from the console');
    // the salt is written by the job and read at the next start
    if (applySalt && saltDiffers) ctx.restart.pending = true;
    await startJob(ctx, res, RESTORE_JOB, { backupId: id, applySalt });
  };

  const download: RequestHandler = async (req, res) => {
    const manifest = await backupAnswer(readManifest(dir, String(req.params.id)));
    res.setHeader('Content-Type', 'application/gzip');
    res.setHeader('Content-Disposition', `attachment; filename="${manifest.file}"`);
    res.setHeader('Content-Length', String(manifest.sizeBytes));
    await pipeline(createReadStream(path.join(dir, manifest.file)), res);
  };

  /** The archive arrives as the raw body (application/gzip or octet-stream), streamed to disk. */
  const upload: RequestHandler = async (req, res) => {
    await fs.mkdir(dir, { recursive: true });
    const temp = path.join(dir, `upload-${randomBytes(6).toString('hex')}.partial`);
    let size = 0;
    const limit = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        size += chunk.length;
        if (size > BACKUP_UPLOAD_MAX_BYTES) done(new HttpError(413, `a backup file may be at most ${BACKUP_UPLOAD_MAX_BYTES / 2 ** 30} GiB`, 'backup_too_large', { params: { maxGiB: BACKUP_UPLOAD_MAX_BYTES / 2 ** 30 } }));
        else done(null, chunk);
      },
    });
    try {
      await pipeline(req, limit, createWriteStream(temp, { mode: 0o600 }));
    } catch (err) {
      await fs.rm(temp, { force: true });
      if (err instanceof HttpError) throw err;
      throw new HttpError(400, 'the upload did not arrive completely', 'upload_incomplete');
    }
    if (size === 0) {
      await fs.rm(temp, { force: true });
      throw new HttpError(422, 'the file is empty', 'empty_file');
    }
    const manifest = await backupAnswer(adoptBackupFile(dir, temp));
    deps.logger.info({ backupId: manifest.id, sizeBytes: manifest.sizeBytes }, 'backup uploaded from the console');
    res.status(201).json(toBackupInfo(manifest, deps.config.AUTH_SALT));
  };

  const remove: RequestHandler = async (req, res) => {
    await backupAnswer(deleteBackup(dir, String(req.params.id)));
    res.status(204).end();
  };

  routes.protected.get('/backups', list);
  routes.protected.post('/backups', create);
  routes.protected.post('/backups/:id/restore', restore);
  routes.protected.delete('/backups/:id', remove);
  routes.protected.get('/backups/:id/download', download);
  routes.protected.post('/backups/upload', upload);
}
