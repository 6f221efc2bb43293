/**
 * What a job says while it runs and when it ends, as a stable code with parameters (the console
 * shows each in the admin's language, docs/messages.md "Job steps"), plus the English text the
 * log, the CLI and scripts read. One table: a new step is an entry here and a text in the
 * console's table (renderer/src/i18n/messages.ts jobSteps), which the compiler checks.
 */
export const JOB_STEP_TEXT = {
  job_starting: 'starting',
  job_done: 'done',
  job_failed: '{detail}',
  job_no_store: 'the database is not available',
  job_running_elsewhere: 'skipped: another instance runs this job',
  job_already_running: 'the job is already running (on this or another server instance)',
  backup_start: 'backing up {count} database(s)',
  backup_database: '{db}: {rows} rows',
  backup_written: 'backup {id} written',
  backup_done: 'backup {id} of {count} database(s) written',
  restore_verify: 'verifying backup {id}',
  restore_safety_backup: 'taking a backup of the current state',
  restore_database: '{db}: {rows} rows restored',
  restore_reverting: 'the restore failed; putting back {count} database(s) as they were',
  restore_restored: 'restored {count} database(s) from {id}',
  restore_done: 'restored {count} database(s) from {id} (previous state saved as {previous})',
  restore_done_salt: 'restored {count} database(s) from {id} (previous state saved as {previous}); the backup\'s AUTH_SALT is written and applies after a restart',
  move_open: 'opening {target}',
  move_copy_database: 'copying {name} ({n} of {total})',
  move_copy_own: 'copying the server\'s own records',
  move_check: 'checking that nothing changed meanwhile',
  move_copied: 'copied {count} database(s) and {records} record(s)',
  move_moved: 'moved {count} database(s) to {target}; restart to use it',
  move_done: 'moved {count} database(s) and {records} record(s) to {target}; restart to use it',
  cleanup_done: '{count} expired record(s) removed',
  pull_sign_in: 'signing in to {source}',
  pull_dump: 'the source writes its dump',
  pull_rows_read: '{rows} rows read',
  pull_files: 'files: {copied} of {total}',
  pull_writing: 'writing {rows} rows as "{db}"',
  pull_verifying: 'verifying the copy',
  pull_sampling: 'comparing a sample of records',
  pull_verified: 'copied and verified',
  pull_differences: 'copied; the verification found differences',
  pull_done: '{source} copied as {db}: {rows} rows, {files} files; verification OK',
  pull_done_differences: '{source} copied as {db}: {rows} rows, {files} files; the verification found differences',
} as const;

export type JobStepCode = keyof typeof JOB_STEP_TEXT;
export type JobStepParams = Record<string, string | number>;

export interface JobStep {
  code: JobStepCode;
  params?: JobStepParams;
}

/** the step's English text, its {names} filled in */
export function stepText(step: JobStep): string {
  return JOB_STEP_TEXT[step.code].replace(/\{(\w+)\}/g, (whole, name: string) => (step.params && name in step.params ? String(step.params[name]) : whole));
}

export function step(code: JobStepCode, params?: JobStepParams): JobStep {
  return params ? { code, params } : { code };
}

/** reports a step and how far the work is (0..100) */
export type StepProgress = (percent: number, step: JobStep) => void | Promise<void>;
