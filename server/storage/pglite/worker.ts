/**
 * The thread that owns the embedded PGlite database. PGlite runs every statement
 * synchronously on the thread that calls it (WebAssembly), so on the HTTP thread a slow
 * statement, and the seconds-long open of a data folder, stopped the server from reading
 * requests at all. Here it only delays other statements. Protocol: protocol.ts.
 */
import { fsyncSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite, type PGliteOptions, type Transaction } from '@electric-sql/pglite';
import type { WorkerError, WorkerHello, WorkerOptions, WorkerReply, WorkerRequest } from './protocol.js';
import { escapeParams, unescapeRow } from './text-escape.js';
import type { SqlRow } from '../sql/executor.js';

if (!parentPort) throw new Error('the PGlite worker must run in a worker thread');
const port = parentPort;
const options = workerData as WorkerOptions;

interface OpenTransaction {
  tx: Transaction;
  finish(commit: boolean): void;
  /** settles when PGlite has committed or rolled back */
  done: Promise<void>;
}

const transactions = new Map<number, OpenTransaction>();
let nextTransaction = 1;

function toWorkerError(error: unknown): WorkerError {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? { message: error.message, code } : { message: error.message };
  }
  return { message: String(error) };
}

/** PGlite's transaction(), held open until the server thread ends it */
function begin(pg: PGlite): Promise<number> {
  const number = nextTransaction++;
  return new Promise((resolve, reject) => {
    let finish: (commit: boolean) => void = () => undefined;
    const ended = new Promise<boolean>((resolveEnd) => { finish = resolveEnd; });
    const done = pg
      .transaction(async (tx) => {
        transactions.set(number, { tx, finish, done });
        resolve(number);
        if (!(await ended)) await tx.rollback();
      })
      .then(() => undefined);
    // a transaction that could not begin rejects begin(); one that fails later rejects done
    done.catch((error: unknown) => {
      if (!transactions.has(number)) reject(error);
    });
  });
}

async function end(number: number, commit: boolean): Promise<void> {
  const open = transactions.get(number);
  if (!open) throw new Error(`transaction ${number} is not open`);
  open.finish(commit);
  try {
    await open.done;
  } finally {
    transactions.delete(number);
  }
}

async function handle(pg: PGlite, request: WorkerRequest): Promise<WorkerReply> {
  switch (request.op) {
    case 'query': {
      const conn = request.tx === null ? pg : transactions.get(request.tx)?.tx;
      if (!conn) throw new Error(`transaction ${request.tx} is not open`);
      const result = await conn.query<SqlRow>(request.sql, escapeParams(request.params));
      return { id: request.id, ok: true, rows: result.rows.map(unescapeRow), affected: result.affectedRows ?? 0 };
    }
    case 'exec':
      await pg.exec(request.sql);
      return { id: request.id, ok: true };
    case 'begin':
      return { id: request.id, ok: true, tx: await begin(pg) };
    case 'end':
      await end(request.tx, request.commit);
      return { id: request.id, ok: true };
    case 'close':
      for (const open of transactions.values()) open.finish(false);
      await pg.close();
      return { id: request.id, ok: true };
  }
}

/**
 * PGlite's start parameters, changed in two ways.
 *
 * A smaller shared memory: Postgres zeroes all of it when it starts, and with initdb's 128 MB buffer
 * pool that was most of the cost of opening a folder (a CPU profile: `memset` 0.88 s of 1.4 s), and
 * every page it touched stayed resident. PGlite reads table files through the operating system's page
 * cache, so the smaller pool costs no measurable throughput (server CPU per list page and per
 * filtered page within the noise on 60,000 records); measured: 1.0 s instead of 1.4-1.5 s of CPU to
 * open, 166-179 MB resident instead of 316-318 MB. One backend is all PGlite ever runs, so the
 * per-connection tables can be small too.
 *
 * Commits that reach the disk: PGlite starts Postgres with fsync off (`-F`), and its file system
 * layer would drop the calls anyway (`fdatasync` is a no-op there). Unless PGLITE_SYNC_COMMITS is off,
 * Postgres runs with fsync on and `wal_sync_method=fsync`, whose calls reach the file's stream, which
 * `syncToDisk` teaches to sync.
 */
function startParams(syncCommits: boolean): string[] {
  const params = [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB', '-c', 'max_connections=5'];
  return syncCommits ? [...params.filter((param) => param !== '-F'), '-c', 'wal_sync_method=fsync'] : params;
}

interface NodeFsStream {
  nfd?: number;
  node?: { mode: number };
}

/** the parts of PGlite's Emscripten module that `syncToDisk` needs (not in PGlite's typings) */
interface EmscriptenFs {
  NODEFS?: { stream_ops?: { fsync?: (stream: NodeFsStream) => number }; tryFSOperation?: (operation: () => void) => void };
}

const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;

/**
 * Gives the streams of PGlite's Node file system an fsync that syncs the real file, so a commit is on
 * the disk before it is acknowledged (a power cut keeps it). Returns false when this PGlite's module
 * has another shape (a test checks that it does not). Windows cannot sync a directory opened read-only:
 * there a directory's sync is skipped, as Postgres itself does on Windows.
 */
function syncToDisk(pg: PGlite): boolean {
  const nodefs = (pg as unknown as { mod?: EmscriptenFs }).mod?.NODEFS;
  const ops = nodefs?.stream_ops;
  const tryOperation = nodefs?.tryFSOperation;
  if (!ops || !tryOperation) return false;
  ops.fsync = (stream) => {
    const fd = stream.nfd;
    if (fd === undefined) return 0;
    if (process.platform === 'win32' && stream.node && (stream.node.mode & S_IFMT) === S_IFDIR) return 0;
    // a failure becomes the errno Postgres sees (it stops rather than go on after a lost write)
    tryOperation(() => fsyncSync(fd));
    return 0;
  };
  return true;
}

/** the part of the WebAssembly global used here (the project's `lib` has no WebAssembly types) */
declare const WebAssembly: { Module: new (bytes: Uint8Array) => PgliteWasmModule };
type PgliteWasmModule = NonNullable<PGliteOptions['pgliteWasmModule']>;

/**
 * PGlite's WebAssembly, compiled synchronously here. Left to PGlite, the compile is asynchronous, and
 * V8 finishing that job kept this thread from running its event loop for ~0.2 s after the open had
 * resolved, so the server's first statements waited (timestamps in both threads; 0.5 s instead of
 * 0.8 s from the call to the first answer, docs/benchmarks.md "Cold start"). The same package's file.
 */
function compilePgliteWasm(): PgliteWasmModule {
  const dist = path.dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
  return new WebAssembly.Module(readFileSync(path.join(dist, 'pglite.wasm')));
}

async function main(): Promise<void> {
  let pg: PGlite;
  try {
    pg = await PGlite.create(options.dir, { startParams: startParams(options.syncCommits), pgliteWasmModule: compilePgliteWasm() });
  } catch (error) {
    port.postMessage({ ready: false, error: toWorkerError(error) } satisfies WorkerHello);
    return;
  }
  if (!syncToDisk(pg)) {
    // package-lock pins PGlite and a test checks this; an upgrade that breaks it must not run silently
    await pg.close().catch(() => undefined);
    const error = { message: 'this PGlite version cannot sync its files to disk (server/storage/pglite/worker.ts)' };
    port.postMessage({ ready: false, error } satisfies WorkerHello);
    return;
  }
  port.on('message', (request: WorkerRequest) => {
    handle(pg, request).then(
      (reply) => port.postMessage(reply),
      (error: unknown) => port.postMessage({ id: request.id, ok: false, error: toWorkerError(error) } satisfies WorkerReply),
    );
  });
  port.postMessage({ ready: true } satisfies WorkerHello);
}

void main();
