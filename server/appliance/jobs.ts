/**
 * The appliance's own jobs: scheduled backups (BACKUP_SCHEDULE, keeping BACKUP_KEEP per kind),
 * on-demand restore, and the hourly cleanup of expired appliance documents (sessions, login
 * counters, old job runs).
 */
import { applyRetention, backupsDir, createBackup, restoreBackup, type BackupKind, type BackupManifest, type RestoreResult } from './backups.js';
import type { Store } from '../storage/types.js';
import type { JobRegistry } from '../jobs/registry.js';

export const BACKUP_JOB = 'backup';
export const RESTORE_JOB = 'restore';
export const CLEANUP_JOB = 'cleanup';

export interface BackupJobParams { kind?: BackupKind }
export interface RestoreJobParams { backupId: string }

/** Mutable so the console can change them without a restart. */
export interface BackupPolicy {
  schedule: string | null;
  keep: number;
}

export interface ApplianceJobsOptions {
  getStore: () => Store | null;
  dataDir: string;
  policy: BackupPolicy;
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
      const manifest = await createBackup(store, dir, { kind, onProgress: (p, m) => ctx.progress(p, m) });
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
      const result: RestoreResult = await restoreBackup(store, dir, params.backupId, { onProgress: (p, m) => ctx.progress(p, m) });
      await applyRetention(dir, options.policy.keep);
      return { backupId: params.backupId, ...result };
    },
    describeResult(result) {
      const r = result as { backupId: string; restored: Record<string, number>; preRestoreBackupId: string };
      return `restored ${Object.keys(r.restored).length} database(s) from ${r.backupId} (previous state saved as ${r.preRestoreBackupId})`;
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
