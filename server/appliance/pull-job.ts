/**
 * The console's "Bring over from an Integram server" as a job with progress (appliance/pull.ts).
 * The source's token or password travel only in the job's parameters, which are never recorded;
 * the result (PullResult) names no secret. A failure's message starts with its PullError code
 * (`pull_login_failed: …`) so the console can say it in its language.
 */
import path from 'node:path';
import type { JobRegistry } from '../jobs/registry.js';
import { step } from '../jobs/steps.js';
import type { Store } from '../storage/types.js';
import { PULL_JOB } from './job-names.js';
import { pullDatabase, PullError, type PullResult, type PullSource } from './pull.js';
import { defaultTemplatesDir } from './templates.js';

export interface PullJobParams {
  source: PullSource;
  as?: string;
  replace?: boolean;
}

export interface PullJobOptions {
  getStore: () => Store | null;
  dataDir: string;
  authSalt?: string;
  uploadDir?: string;
  /** drops the engine's caches of the database written */
  invalidate?: (db: string) => void;
}

export function registerPullJob(registry: JobRegistry, options: PullJobOptions): void {
  registry.register<PullJobParams>({
    name: PULL_JOB,
    schedule: null,
    runnable: false,
    async run(ctx, params) {
      if (!params?.source) throw new Error('no source named');
      const store = options.getStore();
      if (!store) throw new Error('the database is not available');
      try {
        return await pullDatabase(
          {
            store, templatesDir: defaultTemplatesDir(), salt: options.authSalt ?? '', invalidate: options.invalidate,
            uploadDir: options.uploadDir ?? path.join(options.dataDir, 'uploads'),
          },
          params.source,
          { as: params.as, replace: params.replace, onProgress: (p, next) => ctx.progress(p, next) },
        );
      } catch (err) {
        if (err instanceof PullError) throw new Error(`${err.code}: ${err.message}`);
        throw err;
      }
    },
    describeResult(result) {
      const r = result as PullResult;
      return step(r.verification.ok ? 'pull_done' : 'pull_done_differences', { source: `${r.source.url}/${r.source.db}`, db: r.db, rows: r.rows, files: r.files.copied });
    },
  });
}
