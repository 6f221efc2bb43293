/**
 * The appliance's own jobs: scheduled backups (BACKUP_SCHEDULE, keeping BACKUP_KEEP per kind),
 * on-demand restore, and the hourly cleanup of expired appliance documents (sessions, login
 * counters, old job runs).
 */
import { applyRetention, backupsDir, createBackup, restoreBackup, type BackupKind, type BackupManifest, type RestoreResult } from './backups.js';
import type { Store } from '../storage/types.js';
import type { JobRegistry } from '../jobs/registry.js';
import { adoptAuthSalt, type SaltContext } from './auth-salt.js';

export const BACKUP_JOB = 'backup';
export const RESTORE_JOB = 'restore';
export const CLEANUP_JOB = 'cleanup';

export interface BackupJobParams { kind?: BackupKind }
export interface RestoreJobParams {
  backupId: string;
  /** adopt the AUTH_SALT the backup carries (the console asked the admin; a restart applies it) */
  applySalt?: boolean;
}

/** Mutable so the console can change them without a restart. */
export interface BackupPolicy {
  schedule: string | null;
  keep: number;
}

export interface ApplianceJobsOptions {
  getStore: () => Store | null;
  dataDir: string;
  policy: BackupPolicy;
  /** the running server's AUTH_SALT, written into every backup */
  authSalt?: string;
  /** UPLOAD_DIR: uploaded files are backed up and restored with their databases */
  uploadDir?: string;
  /** where an adopted salt is written (the .env file the console edits); none: a restore never adopts one */
  saltContext?: SaltContext;
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
      const store = requireStore(options.getStore);
      const kind: BackupKind = params?.kind ?? (ctx.reason === 'scheduled' ? 'scheduled' : 'manual');
      const manifest = await createBackup(store, dir, { kind, authSalt: options.authSalt, uploadDir: options.uploadDir, onProgress: (p, m) => ctx.progress(p, m) });
      const deleted = await applyRetention(dir, options.policy.keep);
      return { backupId: manifest.id, databases: manifest.databases, sizeBytes: manifest.sizeBytes, deleted };
    },
    describeResult(result) {
      const r = result as { backupId: string; databases: string[] };
      return `backup ${r.backupId} of ${r.databases.length} database(s) written`;
    },
  });

  registry.register<RestoreJobParams>({
    name: RESTORE_JOB,
    schedule: null,
    async run(ctx, params) {
      if (!params?.backupId) throw new Error('no backup named');
      const store = requireStore(options.getStore);
      const result: RestoreResult = await restoreBackup(store, dir, params.backupId, {
        authSalt: options.authSalt, uploadDir: options.uploadDir, onProgress: (p, m) => ctx.progress(p, m),
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
      return `restored ${Object.keys(r.restored).length} database(s) from ${r.backupId} (previous state saved as ${r.preRestoreBackupId})` +
        (r.saltAdopted ? '; the backup\'s AUTH_SALT is written and applies after a restart' : '');
    },
  });

  registry.register({
    name: CLEANUP_JOB,
    schedule: '17 * * * *',
    async run() {
      const store = requireStore(options.getStore);
      return { deleted: await store.appliance.deleteExpired() };
    },
    describeResult(result) {
      return `${(result as { deleted: number }).deleted} expired record(s) removed`;
    },
  });
}

export type { BackupManifest };
