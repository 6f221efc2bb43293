/** GET /jobs, GET /jobs/{id} (a run's progress), POST /jobs/{name}/run. */
import type { RequestHandler, Response } from 'express';
import { JobBusyError, UnknownJobError } from '../../jobs/registry.js';
import { RESTORE_JOB } from '../../appliance/jobs.js';
import { HttpError } from '../errors.js';
import type { AdminContext, AdminRoutes } from './context.js';
import type { JobProgress } from './contract.js';

/** Starts a job run: 202 {job}, 409 while one runs, 404 for an unknown job. */
export async function startJob(ctx: AdminContext, res: Response, name: string, params?: unknown): Promise<void> {
  let job: JobProgress;
  try {
    job = await ctx.deps.jobs.runNow(name, params);
  } catch (err) {
    if (err instanceof JobBusyError) throw new HttpError(409, err.message, 'job_running');
    if (err instanceof UnknownJobError) throw new HttpError(404, err.message, 'unknown_job');
    throw err;
  }
  res.status(202).json({ job });
}

export function bindJobRoutes(routes: AdminRoutes, ctx: AdminContext): void {
  const { jobs } = ctx.deps;

  const list: RequestHandler = async (_req, res) => {
    res.json({ jobs: await jobs.list() });
  };

  const progress: RequestHandler = async (req, res) => {
    const job = await jobs.get(String(req.params.id));
    if (!job) throw new HttpError(404, 'no such job run', 'job_not_found');
    res.json(job);
  };

  const run: RequestHandler = async (req, res) => {
    const name = String(req.params.name);
    if (name === RESTORE_JOB) throw new HttpError(400, 'a restore needs a backup: POST /api/admin/backups/{id}/restore', 'restore_needs_backup');
    if (jobs.names().includes(name) && !jobs.runnable(name)) {
      throw new HttpError(400, `the job "${name}" needs parameters; the console page it belongs to starts it`, 'job_needs_parameters', { params: { name } });
    }
    await startJob(ctx, res, name);
  };

  routes.protected.get('/jobs', list);
  routes.protected.get('/jobs/:id', progress);
  routes.protected.post('/jobs/:name/run', run);
}
