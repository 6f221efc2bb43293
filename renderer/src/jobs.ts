import type { JobProgress, JobStep } from './contract.js';
import { locale } from './i18n/index.js';
import { jobStepText } from './i18n/messages.js';
import type { ConsoleBridge } from './bridge/types.js';

const POLL_MS = 400;

/** Polls a job until it is done or failed, reporting each step; resolves with the final state. */
export async function followJob(
  bridge: ConsoleBridge,
  job: JobProgress,
  onProgress: (job: JobProgress) => void,
): Promise<JobProgress> {
  let current = job;
  onProgress(current);
  while (current.state === 'running') {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    current = await bridge.getJob(current.id);
    onProgress(current);
  }
  return current;
}

/** what a job says (a run's step, or a job's last step), in the console's language */
export function jobText(said: { step?: JobStep | null; message?: string | null }): string {
  return jobStepText(locale.value, said.step, said.message ?? null);
}
