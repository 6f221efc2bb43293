/**
 * Messages between the server thread and the worker thread that owns the PGlite instance
 * (worker.ts, worker-client.ts). Every request carries an id that its reply repeats.
 * A transaction is begun by one request and ended by another; the statements between carry
 * its number, and the worker runs them inside it, in order, until it is committed or rolled back.
 */
import type { SqlRow } from '../sql/executor.js';

export interface WorkerOptions {
  /** the PGlite data folder */
  dir: string;
  /** Postgres syncs every commit to the disk (PGLITE_SYNC_COMMITS) */
  syncCommits: boolean;
}

export type WorkerRequest =
  | { id: number; op: 'query'; sql: string; params: unknown[]; tx: number | null }
  | { id: number; op: 'exec'; sql: string }
  | { id: number; op: 'begin' }
  | { id: number; op: 'end'; tx: number; commit: boolean }
  | { id: number; op: 'close' };

/** what is left of a database error after crossing threads: its text and Postgres' SQLSTATE */
export interface WorkerError {
  message: string;
  code?: string;
}

export type WorkerReply =
  | { id: number; ok: true; rows?: SqlRow[]; affected?: number; tx?: number }
  | { id: number; ok: false; error: WorkerError };

/** the first message of the worker: the folder is open, or why it is not */
export type WorkerHello = { ready: true } | { ready: false; error: WorkerError };
