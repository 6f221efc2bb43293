import type { JobProgress } from './contract.js';
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
