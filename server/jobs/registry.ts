/**
 * The job registry: named jobs, optionally on a cron schedule (node-cron), that can also be run
 * on demand. Every run takes a store lock (`store.withLock('job:<name>')`) so that with several
 * instances on one MySQL only one runs a given job; runs and their progress are recorded in the
 * appliance store (kind 'job-run', ref = job name; kind 'job-state' per job with the last run),
 * so every instance shows the same last run and progress.
 */
import { randomBytes } from 'node:crypto';
import cron, { type Logger as CronLogger, type ScheduledTask } from 'node-cron';
import type { Store } from '../storage/types.js';
import { step, stepText, type JobStep } from './steps.js';

/** A job as the console lists it, and one run's progress (also the admin API's wire shapes). */
export interface JobInfo {
  name: string; schedule: string | null; lastRunAt: string | null; lastResult: 'ok' | 'error' | null; nextRunAt: string | null;
  /** the last run (its progress: GET /jobs/{id}) and its closing message (English; `lastStep` its code) */
  lastRunId: string | null;
  lastMessage: string | null;
  lastStep: JobStep | null;
  /** whether it can be run as it is (POST /jobs/{name}/run); false: another page starts it with what it needs */
  runnable: boolean;
}
/** `message` is the step's English text (log, CLI, scripts); `step` its code and parameters (the console's text) */
export interface JobProgress {
  id: string; name: string; state: 'running' | 'done' | 'failed'; percent: number; message: string; step: JobStep;
  startedAt: string; finishedAt: string | null; result?: unknown;
}

export const JOB_RUN_KIND = 'job-run';
export const JOB_STATE_KIND = 'job-state';
/** finished runs are kept this long in the appliance store */
const RUN_RECORD_TTL_MS = 30 * 24 * 60 * 60 * 1000;

export interface JobContext {
  runId: string;
  reason: 'scheduled' | 'manual';
  /** reports progress (0..100) and the step; recorded for every instance to see */
  progress(percent: number, step: JobStep): Promise<void>;
}

export interface JobDefinition<P = unknown> {
  name: string;
  /** cron expression, or null for on-demand jobs */
  schedule: string | null;
  /** what a run does; its return value becomes JobProgress.result */
  run(ctx: JobContext, params: P | undefined): Promise<unknown>;
  /** the closing step when the run succeeded (default job_done) */
  describeResult?(result: unknown): JobStep;
  /** false: a run needs parameters (a backup to restore, a target), so "run now" without them is refused; default true */
  runnable?: boolean;
}

interface JobState { lastRunAt: string; lastResult: 'ok' | 'error'; lastRunId: string; lastMessage?: string; lastStep?: JobStep }

export interface JobLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export class JobBusyError extends Error {
  constructor(readonly jobName: string) {
    super(`the job "${jobName}" is already running`);
    this.name = 'JobBusyError';
  }
}

export class UnknownJobError extends Error {
  constructor(readonly jobName: string) {
    super(`no job named "${jobName}"`);
    this.name = 'UnknownJobError';
  }
}

interface Entry {
  def: JobDefinition;
  task: ScheduledTask | null;
}

export interface JobRegistryOptions {
  /** the store, or null while it is unavailable (a scheduled run is then skipped) */
  getStore: () => Store | null;
  logger?: JobLogger;
  /** IANA time zone for schedules; default: the machine's */
  timezone?: string;
}

export class JobRegistry {
  private readonly entries = new Map<string, Entry>();
  /** runs started by this process, with their completion */
  private readonly local = new Map<string, { progress: JobProgress; done: Promise<JobProgress> }>();
  private started = false;

  constructor(private readonly options: JobRegistryOptions) {}

  register<P>(def: JobDefinition<P>): void {
    if (this.entries.has(def.name)) throw new Error(`job "${def.name}" is registered twice`);
    if (def.schedule !== null && !cron.validate(def.schedule)) throw new Error(`job "${def.name}": invalid cron expression "${def.schedule}"`);
    const entry: Entry = { def: def as JobDefinition, task: null };
    this.entries.set(def.name, entry);
    if (this.started) this.schedule(entry);
  }

  names(): string[] {
    return [...this.entries.keys()];
  }

  /** whether the job can be run without parameters (see JobDefinition.runnable); throws for an unknown job */
  runnable(name: string): boolean {
    return this.entry(name).def.runnable !== false;
  }

  /** Starts the cron timers. */
  start(): void {
    if (this.started) return;
    this.started = true;
    for (const entry of this.entries.values()) this.schedule(entry);
  }

  /** Stops the cron timers (runs in progress finish on their own). */
  async stop(): Promise<void> {
    this.started = false;
    for (const entry of this.entries.values()) {
      if (entry.task) await entry.task.destroy();
      entry.task = null;
    }
  }

  /** Changes a job's schedule at run time (e.g. BACKUP_SCHEDULE saved in the console). */
  async reschedule(name: string, schedule: string | null): Promise<void> {
    const entry = this.entry(name);
    if (schedule !== null && !cron.validate(schedule)) throw new Error(`invalid cron expression "${schedule}"`);
    if (entry.task) await entry.task.destroy();
    entry.task = null;
    entry.def = { ...entry.def, schedule };
    if (this.started) this.schedule(entry);
  }

  private schedule(entry: Entry): void {
    if (entry.def.schedule === null) return;
    const task = cron.createTask(entry.def.schedule, async () => {
      await this.execute(entry, this.newRunId(entry.def.name), 'scheduled', undefined).catch(() => undefined);
    }, { name: `integram:${entry.def.name}`, timezone: this.options.timezone, noOverlap: true, logger: this.cronLogger(entry.def.name) });
    void task.start();
    entry.task = task;
  }

  /** node-cron's own messages go to our log (warnings only), never straight to stderr. */
  private cronLogger(job: string): CronLogger {
    const warn = (message: string | Error) => this.options.logger?.warn({ job }, `scheduler: ${message instanceof Error ? message.message : message}`);
    return { info: () => undefined, debug: () => undefined, warn, error: warn };
  }

  private entry(name: string): Entry {
    const entry = this.entries.get(name);
    if (!entry) throw new UnknownJobError(name);
    return entry;
  }

  private newRunId(name: string): string {
    return `${name}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
  }

  async list(): Promise<JobInfo[]> {
    const store = this.options.getStore();
    const infos: JobInfo[] = [];
    for (const { def, task } of this.entries.values()) {
      const state = store ? await store.appliance.get<JobState>(JOB_STATE_KIND, def.name).catch(() => null) : null;
      const next = task?.getNextRun() ?? null;
      infos.push({
        name: def.name,
        schedule: def.schedule,
        lastRunAt: state?.body.lastRunAt ?? null,
        lastResult: state?.body.lastResult ?? null,
        nextRunAt: next ? next.toISOString() : null,
        lastRunId: state?.body.lastRunId ?? null,
        lastMessage: state?.body.lastMessage ?? null,
        lastStep: state?.body.lastStep ?? null,
        runnable: def.runnable !== false,
      });
    }
    return infos;
  }

  /**
   * Starts a run now and returns its first progress record at once; the run goes on in the
   * background (see `get`/`wait`). Throws JobBusyError when this process already runs the job.
   */
  async runNow<P>(name: string, params?: P): Promise<JobProgress> {
    const entry = this.entry(name);
    for (const run of this.local.values()) {
      if (run.progress.name === name && run.progress.state === 'running') throw new JobBusyError(name);
    }
    const runId = this.newRunId(name);
    const done = this.execute(entry, runId, 'manual', params);
    done.catch(() => undefined);
    const local = this.local.get(runId);
    return local ? { ...local.progress } : done;
  }

  /** The progress of a run: from this process when it runs here, else from the store. */
  async get(runId: string): Promise<JobProgress | null> {
    const local = this.local.get(runId);
    if (local) return { ...local.progress };
    const store = this.options.getStore();
    if (!store || !/^[a-z0-9-]{1,80}$/i.test(runId)) return null;
    const doc = await store.appliance.get<JobProgress>(JOB_RUN_KIND, runId);
    return doc ? doc.body : null;
  }

  /** Resolves when a run started by this process has finished. */
  async wait(runId: string): Promise<JobProgress | null> {
    const local = this.local.get(runId);
    return local ? local.done : this.get(runId);
  }

  private execute(entry: Entry, runId: string, reason: 'scheduled' | 'manual', params: unknown): Promise<JobProgress> {
    const { def } = entry;
    const progress: JobProgress = {
      id: runId, name: def.name, state: 'running', percent: 0, ...said(step('job_starting')),
      startedAt: new Date().toISOString(), finishedAt: null,
    };
    let resolveDone: (p: JobProgress) => void = () => undefined;
    const done = new Promise<JobProgress>((resolve) => { resolveDone = resolve; });
    this.local.set(runId, { progress, done });

    const run = async (): Promise<JobProgress> => {
      const store = this.options.getStore();
      if (!store) {
        return this.finish(null, progress, 'failed', step('job_no_store'), undefined, reason);
      }
      await this.record(store, progress);
      const ctx: JobContext = {
        runId, reason,
        progress: async (percent, next) => {
          progress.percent = Math.max(0, Math.min(100, Math.round(percent)));
          Object.assign(progress, said(next));
          await this.record(store, progress).catch(() => undefined);
        },
      };
      let outcome: { ok: true; result: unknown } | { ok: false; error: unknown } | null;
      try {
        const result = await store.withLock(`job:${def.name}`, async () => ({ ok: true as const, result: await def.run(ctx, params) }));
        outcome = result;
      } catch (error) {
        outcome = { ok: false, error };
      }
      if (outcome === null) {
        if (reason === 'scheduled') {
          // another instance runs it: this one did nothing worth recording
          await store.appliance.delete(JOB_RUN_KIND, runId).catch(() => undefined);
          progress.state = 'failed';
          Object.assign(progress, said(step('job_running_elsewhere')));
          progress.finishedAt = new Date().toISOString();
          return progress;
        }
        return this.finish(store, progress, 'failed', step('job_already_running'), undefined, reason);
      }
      if (outcome.ok) {
        const closing = def.describeResult ? def.describeResult(outcome.result) : step('job_done');
        return this.finish(store, progress, 'done', closing, outcome.result, reason);
      }
      const detail = errorText(outcome.error);
      this.options.logger?.error({ job: def.name, runId, err: detail }, `job ${def.name} failed`);
      return this.finish(store, progress, 'failed', step('job_failed', { detail }), undefined, reason);
    };

    void run().then(resolveDone, (err: unknown) => {
      progress.state = 'failed';
      Object.assign(progress, said(step('job_failed', { detail: errorText(err) })));
      progress.finishedAt = new Date().toISOString();
      resolveDone(progress);
    }).finally(() => {
      // keep finished runs in memory a little for quick polling, then rely on the store
      setTimeout(() => this.local.delete(runId), 60_000).unref();
    });
    return done;
  }

  private async finish(
    store: Store | null, progress: JobProgress, state: 'done' | 'failed', closing: JobStep, result: unknown, reason: string,
  ): Promise<JobProgress> {
    progress.state = state;
    Object.assign(progress, said(closing));
    const { message } = progress;
    progress.finishedAt = new Date().toISOString();
    if (state === 'done') progress.percent = 100;
    if (result !== undefined) progress.result = result;
    if (store) {
      await this.record(store, progress).catch(() => undefined);
      const body: JobState = { lastRunAt: progress.startedAt, lastResult: state === 'done' ? 'ok' : 'error', lastRunId: progress.id, lastMessage: message, lastStep: closing };
      await store.appliance.put(JOB_STATE_KIND, progress.name, body).catch(() => undefined);
    }
    this.options.logger?.[state === 'done' ? 'info' : 'warn']({ job: progress.name, runId: progress.id, reason }, `job ${progress.name}: ${message}`);
    return progress;
  }

  private async record(store: Store, progress: JobProgress): Promise<void> {
    await store.appliance.put(JOB_RUN_KIND, progress.id, { ...progress }, {
      ref: progress.name,
      expiresAt: new Date(Date.now() + RUN_RECORD_TTL_MS),
    });
  }
}

/** a step as a progress record carries it: its English text and its code */
function said(next: JobStep): { message: string; step: JobStep } {
  return { message: stepText(next), step: next };
}

/** A short human message for an error (never a stack). */
export function errorText(err: unknown): string {
  if (err instanceof Error) return err.message.split('\n')[0].slice(0, 300) || err.name;
  return String(err).slice(0, 300);
}
