/**
 * The appliance's job names and the backup policy, apart from the jobs themselves so that the
 * settings module (which reschedules backups) does not depend on what the jobs depend on.
 */
export const BACKUP_JOB = 'backup';
export const RESTORE_JOB = 'restore';
export const CLEANUP_JOB = 'cleanup';
export const STORE_MOVE_JOB = 'store-move';

/** Mutable so the console can change them without a restart. */
export interface BackupPolicy {
  schedule: string | null;
  keep: number;
}
export const PULL_JOB = 'pull';
