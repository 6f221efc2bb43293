/**
 * systemd's notify protocol, for a unit with `Type=notify` and `WatchdogSec=` (README, "Running
 * it headless"): READY=1 once the server listens, STOPPING=1 when it stops, and WATCHDOG=1 at half
 * the watchdog interval from a timer on the event loop. A server whose loop hangs (a runaway
 * request) stops sending them, and systemd kills and restarts it.
 *
 * Node cannot send to a unix datagram socket, so each message goes through `systemd-notify`; its
 * sender is then a child process, hence `NotifyAccess=all` in the unit. Without NOTIFY_SOCKET
 * (not under systemd) nothing happens.
 */
import { execFile } from 'node:child_process';

export interface ServiceManager {
  ready(): void;
  stopping(): void;
}

const NONE: ServiceManager = { ready: () => undefined, stopping: () => undefined };

function notify(...assignments: string[]): void {
  // the server's own pid, so systemd attributes the message to the main process
  execFile('systemd-notify', [`--pid=${process.pid}`, ...assignments], { timeout: 5_000 }, () => undefined);
}

/** the watchdog interval systemd gave this process, in ms; null when there is none for us */
export function watchdogIntervalMs(env: NodeJS.ProcessEnv = process.env, pid = process.pid): number | null {
  const usec = Number(env.WATCHDOG_USEC);
  if (!Number.isFinite(usec) || usec <= 0) return null;
  if (env.WATCHDOG_PID && Number(env.WATCHDOG_PID) !== pid) return null;
  return usec / 1000;
}

export function connectServiceManager(env: NodeJS.ProcessEnv = process.env): ServiceManager {
  if (!env.NOTIFY_SOCKET) return NONE;
  let timer: NodeJS.Timeout | null = null;
  return {
    ready() {
      notify('READY=1', 'STATUS=serving');
      const interval = watchdogIntervalMs(env);
      if (interval !== null && !timer) {
        timer = setInterval(() => notify('WATCHDOG=1'), Math.max(100, interval / 2));
        timer.unref();
      }
    },
    stopping() {
      if (timer) clearInterval(timer);
      timer = null;
      notify('STOPPING=1');
    },
  };
}
