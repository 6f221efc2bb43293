import type { ServerStateName } from './ipc-contract.js';

export type TrayLook = 'running' | 'degraded' | 'stopped';

/** running = serving; degraded = up but not well, or on its way (starting/restarting); stopped = not serving. */
export function trayLook(state: ServerStateName): TrayLook {
  if (state === 'running') return 'running';
  if (state === 'degraded' || state === 'starting' || state === 'restarting') return 'degraded';
  return 'stopped';
}
