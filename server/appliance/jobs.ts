/**
 * The appliance's own jobs: scheduled backups (BACKUP_SCHEDULE, keeping BACKUP_KEEP per kind),
 * on-demand restore, and the hourly cleanup of expired appliance documents (sessions, login
 * counters, old job runs). With alerts (./admin-alerts.ts) a failed scheduled backup is mailed to
 * ADMIN_EMAIL, and the backup and the cleanup look at the free disk space.
 */
import { applyRetention, backupsDir, createBackup, restoreBackup, type BackupKind, type BackupManifest, type RestoreResult } from './backups.js';
import type { Store } from '../storage/types.js';
import { errorText, type JobRegistry } from '../jobs/registry.js';
import { step } from '../jobs/steps.js';
import { adoptAuthSalt, type SaltContext } from './auth-salt.js';
import type { SettingsContext } from './settings.js';
import { moveStore } from './store-move.js';
import { registerPullJob } from './pull-job.js';
import type { StoreOpener, StoreTarget } from '../storage/target.js';
import type { AdminAlerts } from './admin-alerts.js';

import { BACKUP_JOB, CLEANUP_JOB, RESTORE_JOB, STORE_MOVE_JOB, type BackupPolicy } from './job-names.js';

export { BACKUP_JOB, CLEANUP_JOB, RESTORE_JOB, STORE_MOVE_JOB, type BackupPolicy };

export interface StoreMoveJobParams {
  /** where the data goes (a MySQL password travels only in these parameters, which are never recorded) */
  target: StoreTarget;
}

/** What the move job needs from the running server. */
export interface StoreMoveOptions {
  /** the store in use, as the configuration names it */
  sourceTarget: StoreTarget;
  open: StoreOpener;
  /** the .env file the move rewrites */
  settings: SettingsContext;
  /** closes the data API for the move (StoreHandle.pause); returns the function that reopens it */
  pause(reason: string): () => void;
}

export interface BackupJobParams { kind?: BackupKind }
export interface RestoreJobParams {
  backupId: string;
  /** adopt the AUTH_SALT the backup carries (the console asked the admin; a restart applies it) */
  applySalt?: boolean;
}

export interface ApplianceJobsOptions {
  getStore: () => Store | null;
  dataDir: string;
  policy: BackupPolicy;
  /** the running server's AUTH_SALT, written into every backup */
  authSalt?: string;
  /** UPLOAD_DIR: uploaded files are backed up and restored with their databases */
  uploadDir?: string;
  /** DATA_DIR/templates: each database's template folder (dir_admin) is backed up and restored with it */
  templateFolders?: string;
  /** where an adopted salt is written (the .env file the console edits); none: a restore never adopts one */
  saltContext?: SaltContext;
  /** none: this server cannot move its data (the job is not registered) */
  storeMove?: StoreMoveOptions;
  /** drops the engine's caches of a database a job wrote (a pulled one) */
  invalidate?: (db: string) => void;
  /** mail to the console admin (failed scheduled backup, low disk); none: no alerts */
  alerts?: AdminAlerts;
}

function requireStore(getStore: () => Store | null): Store {
  const store = getStore();
  if (!store) throw new Error('the database is not available');
  return store;
}

export function registerApplianceJobs(registry: JobRegistry, options: ApplianceJobsOptions): void {
  const dir = backupsDir(options.dataDir);

  registry.register<BackupJobParams>({
    name: BACKUP_JOB,
    schedule: options.policy.schedule,
    async run(ctx, params) {
      const kind: BackupKind = params?.kind ?? (ctx.reason === 'scheduled' ? 'scheduled' : 'manual');
      try {
        const store = requireStore(options.getStore);
        const manifest = await createBackup(store, dir, { kind, authSalt: options.authSalt, uploadDir: options.uploadDir, templateFolders: options.templateFolders, onProgress: (p, next) => ctx.progress(p, next) });
        const deleted = await applyRetention(dir, options.policy.keep);
        await options.alerts?.checkDisk().catch(() => null);
        return { backupId: manifest.id, databases: manifest.databases, sizeBytes: manifest.sizeBytes, deleted };
      } catch (err) {
        // nobody watches a scheduled run: its failure is mailed (a manual one shows in the console)
        if (ctx.reason === 'scheduled' && options.alerts) await options.alerts.backupFailed(errorText(err), ctx.runId);
        throw err;
      }
    },
    describeResult(result) {
      const r = result as { backupId: string; databases: string[] };
      return step('backup_done', { id: r.backupId, count: r.databases.length });
    },
  });

  registry.register<RestoreJobParams>({
    name: RESTORE_JOB,
    schedule: null,
    runnable: false,
    async run(ctx, params) {
      if (!params?.backupId) throw new Error('no backup named');
      const store = requireStore(options.getStore);
      const result: RestoreResult = await restoreBackup(store, dir, params.backupId, {
        authSalt: options.authSalt, uploadDir: options.uploadDir, templateFolders: options.templateFolders, onProgress: (p, next) => ctx.progress(p, next),
      });
      await applyRetention(dir, options.policy.keep);
      const { authSalt, ...summary } = result;
      // never part of a job's result (results are listed to the console)
      let saltAdopted = false;
      if (params.applySalt && authSalt !== null && authSalt !== options.authSalt) {
        if (!options.saltContext) throw new Error('this server cannot adopt a backup\'s salt');
        await adoptAuthSalt(options.saltContext, authSalt);
        saltAdopted = true;
      }
      return { backupId: params.backupId, ...summary, saltAdopted, restartRequired: saltAdopted };
    },
    describeResult(result) {
      const r = result as { backupId: string; restored: Record<string, number>; preRestoreBackupId: string; saltAdopted?: boolean };
      return step(r.saltAdopted ? 'restore_done_salt' : 'restore_done', { count: Object.keys(r.restored).length, id: r.backupId, previous: r.preRestoreBackupId });
    },
  });

  const { storeMove } = options;
  if (storeMove) {
    registry.register<StoreMoveJobParams>({
      name: STORE_MOVE_JOB,
      schedule: null,
      runnable: false,
      async run(ctx, params) {
        if (!params?.target) throw new Error('no target named');
        const source = requireStore(options.getStore);
        // nothing may be written behind the copy's back; after a move the old store must not be
        // written either, so the data API stays closed until the restart that opens the new one
        const reopen = storeMove.pause(`its data is moving to ${params.target.target}`);
        try {
          const result = await moveStore(
            { source, sourceTarget: storeMove.sourceTarget, open: storeMove.open, settings: storeMove.settings },
            params.target,
            (p, next) => ctx.progress(p, next),
          );
          storeMove.pause(`its data moved to ${params.target.target}; it opens there after a restart`);
          return { target: params.target.target, databases: result.databases, documents: result.documents, setAside: result.setAside, restartRequired: true };
        } catch (err) {
          reopen();
          throw err;
        }
      },
      describeResult(result) {
        const r = result as { target: string; databases: unknown[]; documents: number };
        return step('move_done', { count: r.databases.length, records: r.documents, target: r.target });
      },
    });
  }

  registerPullJob(registry, { getStore: options.getStore, dataDir: options.dataDir, authSalt: options.authSalt, uploadDir: options.uploadDir, invalidate: options.invalidate });

  registry.register({
    name: CLEANUP_JOB,
    schedule: '17 * * * *',
    async run() {
      const store = requireStore(options.getStore);
      const deleted = await store.appliance.deleteExpired();
      await options.alerts?.checkDisk().catch(() => null);
      return { deleted };
    },
    describeResult(result) {
      return step('cleanup_done', { count: (result as { deleted: number }).deleted });
    },
  });
}

export type { BackupManifest };
