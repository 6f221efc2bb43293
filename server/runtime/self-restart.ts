/**
 * Who brings the server back after a restart requested from the console (exit code 75)?
 * The launcher of `npm start`, the desktop supervisor, systemd (`RestartForceExitStatus=75`),
 * PM2 and a container's restart policy do. A server started as plain `node dist/server/index.js`
 * has nobody: it starts its own replacement (same command, same terminal) and exits; the
 * replacement waits until its predecessor is gone, so the port and the data folder are free.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { processAlive } from '../storage/lock-file.js';
import { SUPERVISED_ENV } from './launcher.js';

export const REPLACES_PID_ENV = 'INTEGRAM_REPLACES_PID';

export type RestartOwner = 'launcher' | 'parent process' | 'systemd' | 'pm2' | 'container' | 'itself';

export function restartOwner(env: NodeJS.ProcessEnv = process.env, hasParentChannel = Boolean(process.send)): RestartOwner {
  if (env[SUPERVISED_ENV]) return 'launcher';
  if (hasParentChannel) return 'parent process';
  if (env.INVOCATION_ID || env.NOTIFY_SOCKET) return 'systemd';
  if (env.pm_id !== undefined || env.PM2_HOME) return 'pm2';
  if (isContainerMainProcess()) return 'container';
  return 'itself';
}

/** the container's main process, or the child of its minimal init: its restart policy restarts it */
function isContainerMainProcess(): boolean {
  if (!existsSync('/.dockerenv') && !existsSync('/run/.containerenv')) return false;
  if (process.pid === 1) return true;
  if (process.ppid !== 1) return false;
  try {
    return CONTAINER_INITS.has(readFileSync('/proc/1/comm', 'utf8').trim());
  } catch {
    return false;
  }
}

/** what `docker run --init` and common images run as PID 1 in front of the server */
const CONTAINER_INITS = new Set(['tini', 'docker-init', 'dumb-init', 'catatonit']);

/** Starts the same server again, detached from this process, which is about to exit. */
export function spawnReplacement(): number | undefined {
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    detached: true,
    stdio: 'inherit',
    env: { ...process.env, [REPLACES_PID_ENV]: String(process.pid) },
  });
  child.unref();
  return child.pid;
}

/** In a replacement: waits (at most `timeoutMs`) until the process it replaces has exited. */
export async function waitForPredecessor(env: NodeJS.ProcessEnv = process.env, timeoutMs = 120_000): Promise<void> {
  const pid = Number(env[REPLACES_PID_ENV]);
  if (!Number.isInteger(pid) || pid <= 0) return;
  delete process.env[REPLACES_PID_ENV];
  const deadline = Date.now() + timeoutMs;
  while (processAlive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
}
