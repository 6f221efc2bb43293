/**
 * The store's lifecycle: open it per the configured target, watch it, and reconnect.
 *
 * - MySQL unreachable at start: the server still starts (degraded), retries with backoff
 *   (at most a second apart) and never falls back to the embedded store.
 * - Connection lost while running (a failed periodic ping, or any statement failing for want of
 *   a connection, which the MySQL driver reports at once): `current()` turns null (the HTTP
 *   layer answers 503), the handle pings at least every second until the server answers again,
 *   reopening the store when pings keep failing, and recovers by itself within a second of the
 *   database accepting connections again.
 * - Exactly one startup line about the database (docs/modern-api.md, "Startup and the database"), then one line per change.
 */
import type { Logger } from 'pino';
import type { Store } from './types.js';
import { databaseErrorDetail, databaseErrorReason, isConnectionError } from './connection-errors.js';
import { openStoreTarget, type DriverName, type StoreOpener, type StoreTarget } from './target.js';

export type StoreState = 'connecting' | 'connected' | 'reconnecting' | 'closed';

export interface StoreStatus {
  driver: DriverName;
  /** host:port or the PGlite folder; show only to admins */
  target: string;
  connected: boolean;
  state: StoreState;
  /** round trip of the last successful ping */
  latencyMs: number | null;
  /** why it is not connected, safe to show anyone ('starting' during the first attempt) */
  reason?: string;
  /** the full error, for admins and the log */
  detail?: string;
  /** when the state last changed (ISO) */
  since: string;
  schemaVersion: number | null;
}

export type StoreStatusListener = (status: StoreStatus) => void;

export interface StoreHandle {
  readonly driver: DriverName;
  readonly target: string;
  /** the store while connected, else null (callers answer 503) */
  current(): Store | null;
  status(): StoreStatus;
  /** resolves with the store once connected; with a timeout, null when it is not by then */
  ready(timeoutMs?: number): Promise<Store | null>;
  /** a query failed: when it is a connection error the handle goes degraded and reconnects */
  reportFailure(error: unknown): void;
  /** resolves when the first open attempt has finished, either way (the startup line is written) */
  firstAttempt(): Promise<void>;
  onChange(listener: StoreStatusListener): () => void;
  /**
   * Closes the data API (not the console) while the data is copied elsewhere, so that nothing is
   * written behind the copy's back: requests get 503 with `reason`. Returns the function that
   * reopens it (a finished move keeps it closed until the restart that opens the new store).
   */
  pause(reason: string): () => void;
  /** why the data API is closed, or null */
  paused(): string | null;
  close(): Promise<void>;
}

export interface StartStoreOptions {
  target: StoreTarget;
  logger: Logger;
  /** how the startup line is written (default logger.info); see LogSystem.announce */
  announce?: (message: string) => void;
  /** default: the storage package */
  open?: StoreOpener;
  pingIntervalMs?: number;
  retryMinMs?: number;
  retryMaxMs?: number;
  /** after this many failed pings in a row the store is closed and opened afresh */
  reopenAfterFailedPings?: number;
}

export function describeTarget(target: StoreTarget): string {
  return target.driver === 'mysql' ? `MySQL at ${target.target}` : `embedded pglite at ${target.dir}`;
}

export function startStoreHandle(options: StartStoreOptions): StoreHandle {
  const { target, logger } = options;
  const open = options.open ?? openStoreTarget;
  const announce = options.announce ?? ((message: string) => logger.info(message));
  const pingIntervalMs = options.pingIntervalMs ?? 5000;
  const retryMinMs = options.retryMinMs ?? 500;
  // a ping of a server that is down fails at once; a short cap brings service back within a second
  const retryMaxMs = options.retryMaxMs ?? 1000;
  const reopenAfter = options.reopenAfterFailedPings ?? 3;
  const log = logger.child({ component: 'database' });

  let store: Store | null = null;
  let state: StoreState = 'connecting';
  let connected = false;
  let everConnected = false;
  let startupLineWritten = false;
  let latencyMs: number | null = null;
  let reason: string | undefined;
  let detail: string | undefined;
  let since = new Date();
  let failures = 0;
  let timer: NodeJS.Timeout | null = null;
  let busy = false;
  const listeners = new Set<StoreStatusListener>();

  const status = (): StoreStatus => ({
    driver: target.driver,
    target: target.target,
    connected,
    state,
    latencyMs,
    ...(reason !== undefined ? { reason } : state === 'connecting' ? { reason: 'starting' } : {}),
    ...(detail !== undefined ? { detail } : {}),
    since: since.toISOString(),
    schemaVersion: store && connected ? store.info.schemaVersion : null,
  });

  const emit = () => {
    const snapshot = status();
    for (const listener of listeners) {
      try {
        listener(snapshot);
      } catch (err) {
        log.error({ err }, 'store status listener failed');
      }
    }
  };

  const schedule = (delayMs: number) => {
    if (state === 'closed') return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      void tick();
    }, delayMs);
    timer.unref();
  };

  const backoff = () => Math.min(retryMaxMs, retryMinMs * 2 ** Math.min(failures - 1, 10));

  function markConnected(latency: number): void {
    latencyMs = Math.round(latency * 10) / 10;
    const wasConnected = connected;
    failures = 0;
    if (!wasConnected) {
      connected = true;
      state = 'connected';
      reason = undefined;
      detail = undefined;
      since = new Date();
      if (!startupLineWritten) {
        startupLineWritten = true;
        announce(
          target.driver === 'mysql'
            ? `Database: Connected to ${target.target} (mysql)`
            : `Database: embedded pglite at ${target.dir} (MySQL not configured)`,
        );
      } else if (everConnected) {
        announce(`Database: reconnected to ${target.target} (${target.driver})`);
      } else {
        announce(`Database: Connected to ${target.target} (${target.driver})`);
      }
      everConnected = true;
      emit();
    }
  }

  function markDisconnected(error: unknown): void {
    failures += 1;
    const nextReason = databaseErrorReason(error);
    const nextDetail = databaseErrorDetail(error);
    const wasConnected = connected;
    const changed = wasConnected || reason !== nextReason || !startupLineWritten;
    connected = false;
    latencyMs = null;
    reason = nextReason;
    detail = nextDetail;
    if (state !== 'closed') state = everConnected ? 'reconnecting' : 'connecting';
    if (wasConnected) since = new Date();

    if (!startupLineWritten) {
      startupLineWritten = true;
      if (target.driver === 'mysql') {
        announce(`Database: MySQL at ${target.target} unreachable (${nextReason}); retrying, API answers 503 until connected`);
      } else {
        announce(`Database: embedded pglite at ${target.dir} could not be opened (${nextReason}); retrying, API answers 503 until it opens`);
      }
      log.warn({ detail: nextDetail }, 'database not available');
    } else if (wasConnected) {
      log.warn({ detail: nextDetail }, `Database: connection to ${describeTarget(target)} lost (${nextReason}); retrying, API answers 503 until connected`);
    } else {
      log.debug({ detail: nextDetail, failures }, 'database still not available');
    }
    if (changed) emit();
  }

  /** One step of the state machine: open, ping or recover, then schedule the next step. */
  // a function, so TypeScript does not keep a narrowed `state` across awaits
  const isClosed = () => state === 'closed';

  async function tick(): Promise<void> {
    if (busy || isClosed()) return;
    busy = true;
    try {
      if (!store) {
        const opened = await open(target, { onConnectionLost: (error) => lostConnection(error) });
        if (isClosed()) {
          await opened.close().catch(() => undefined);
          return;
        }
        store = opened;
      }
      const latency = await store.ping();
      if (isClosed()) return;
      markConnected(latency);
      schedule(pingIntervalMs);
    } catch (err) {
      if (isClosed()) return;
      markDisconnected(err);
      if (store && failures % reopenAfter === 0) {
        // pings keep failing: a fresh store (new pool / new PGlite instance) on the next attempt
        const stale = store;
        store = null;
        await stale.close().catch((closeErr: unknown) => log.debug({ err: closeErr }, 'closing the stale store failed'));
      }
      schedule(backoff());
    } finally {
      busy = false;
    }
  }

  /** A statement failed for want of a connection: degraded at once, reconnecting from now. */
  function lostConnection(error: unknown): void {
    if (!connected || !isConnectionError(error)) return;
    markDisconnected(error);
    schedule(0);
  }

  function onChange(listener: StoreStatusListener): () => void {
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }

  const firstAttempt = tick();
  void firstAttempt;
  let pausedFor: string | null = null;

  return {
    driver: target.driver,
    target: target.target,
    current: () => (connected ? store : null),
    status,
    ready(timeoutMs?: number) {
      if (connected && store) return Promise.resolve(store);
      return new Promise<Store | null>((resolve) => {
        let timeout: NodeJS.Timeout | null = null;
        const unsubscribe = onChange((next) => {
          if (next.connected || next.state === 'closed') {
            if (timeout) clearTimeout(timeout);
            unsubscribe();
            resolve(next.connected ? store : null);
          }
        });
        if (timeoutMs !== undefined) {
          timeout = setTimeout(() => {
            unsubscribe();
            resolve(connected ? store : null);
          }, timeoutMs);
          timeout.unref();
        }
      });
    },
    firstAttempt: () => firstAttempt,
    reportFailure: lostConnection,
    onChange,
    pause(reason: string) {
      pausedFor = reason;
      options.logger.warn({ reason }, 'the data API is paused');
      return () => {
        if (pausedFor !== reason) return;
        pausedFor = null;
        options.logger.info('the data API is open again');
      };
    },
    paused: () => pausedFor,
    async close() {
      if (state === 'closed') return;
      state = 'closed';
      connected = false;
      if (timer) clearTimeout(timer);
      timer = null;
      emit();
      listeners.clear();
      // let a running open/ping settle so the store it produces is closed, not leaked
      await firstAttempt.catch(() => undefined);
      const current = store;
      store = null;
      if (current) await current.close();
    },
  };
}
