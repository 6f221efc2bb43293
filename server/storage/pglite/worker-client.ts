/**
 * The server thread's side of the PGlite worker (worker.ts): sends statements, waits for their
 * replies. While the worker is busy the server thread keeps reading requests, serving health
 * checks and answering "busy" (admission.ts) instead of freezing. A worker that dies fails every
 * waiting and later statement with StoreError 'unreachable', so the store handle reopens the folder.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { StoreError } from '../errors.js';
import type { SqlRow } from '../sql/executor.js';
import type { WorkerError, WorkerHello, WorkerOptions, WorkerReply, WorkerRequest } from './protocol.js';

export interface StatementResult {
  rows: SqlRow[];
  affected: number;
}

/** a request without its id (the client numbers them) */
type Request = WorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

interface Pending {
  resolve(reply: Extract<WorkerReply, { ok: true }>): void;
  reject(error: Error): void;
}

function databaseError(error: WorkerError): Error {
  return Object.assign(new Error(error.message), error.code ? { code: error.code } : {});
}

/**
 * The built server runs worker.js. Under the TypeScript sources (tests, `npm run dev`) the
 * worker is worker.ts, loaded through tsx, whose hooks a worker thread must register itself
 * (tsx registers them on the main thread only; tsx is a dev dependency, as are the sources).
 */
function workerEntry(): URL {
  const worker = new URL(import.meta.url.endsWith('.ts') ? './worker.ts' : './worker.js', import.meta.url);
  if (worker.pathname.endsWith('.js')) return worker;
  const tsxRoot = dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  const tsxApi = pathToFileURL(join(tsxRoot, 'dist', 'esm', 'api', 'index.mjs')).href;
  const boot = `import { register } from ${JSON.stringify(tsxApi)}; register(); await import(${JSON.stringify(worker.href)});`;
  return new URL(`data:text/javascript,${encodeURIComponent(boot)}`);
}

/** the process's node options less those only a main script may have (`node --input-type=module -e`) */
function workerExecArgv(): string[] {
  const args: string[] = [];
  for (let i = 0; i < process.execArgv.length; i++) {
    const arg = process.execArgv[i];
    if (arg === '--input-type') i++;
    else if (!arg.startsWith('--input-type=')) args.push(arg);
  }
  return args;
}

export class PgliteWorker {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private failure: StoreError | null = null;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (message: WorkerReply) => this.settle(message));
    worker.on('error', (error) => this.fail(`the embedded database stopped: ${error.message}`));
    worker.on('exit', (code) => this.fail(`the embedded database stopped (worker exit ${code})`));
    worker.unref();
  }

  /** Starts the worker and opens the folder in it; rejects with the open's error. */
  static open(dir: string, syncCommits: boolean): Promise<PgliteWorker> {
    const worker = new Worker(workerEntry(), { workerData: { dir, syncCommits } satisfies WorkerOptions, execArgv: workerExecArgv() });
    return new Promise((resolve, reject) => {
      const onExit = (code: number) => reject(new StoreError('unreachable', `the embedded database could not start (worker exit ${code})`));
      worker.once('error', reject);
      worker.once('exit', onExit);
      worker.once('message', (hello: WorkerHello) => {
        worker.off('error', reject);
        worker.off('exit', onExit);
        if (hello.ready) resolve(new PgliteWorker(worker));
        else void worker.terminate().finally(() => reject(databaseError(hello.error)));
      });
    });
  }

  async query(sql: string, params: readonly unknown[], tx: number | null): Promise<StatementResult> {
    const reply = await this.send({ op: 'query', sql, params: [...params], tx });
    return { rows: reply.rows ?? [], affected: reply.affected ?? 0 };
  }

  /** several statements in one string, no parameters (schema scripts) */
  async exec(sql: string): Promise<void> {
    await this.send({ op: 'exec', sql });
  }

  async begin(): Promise<number> {
    const reply = await this.send({ op: 'begin' });
    if (reply.tx === undefined) throw new Error('the PGlite worker began no transaction');
    return reply.tx;
  }

  async end(tx: number, commit: boolean): Promise<void> {
    await this.send({ op: 'end', tx, commit });
  }

  /** closes the database and ends the worker; safe to call on a dead worker */
  async close(): Promise<void> {
    if (!this.failure) {
      try {
        await this.send({ op: 'close' });
      } finally {
        this.failure = new StoreError('unreachable', 'the embedded database is closed');
        await this.worker.terminate();
      }
    }
  }

  private send(request: Request): Promise<Extract<WorkerReply, { ok: true }>> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // the worker holds the process open only while a statement is waiting (a CLI exits when done)
      if (this.pending.size === 1) this.worker.ref();
      this.worker.postMessage({ ...request, id } as WorkerRequest);
    });
  }

  private settle(reply: WorkerReply): void {
    const waiting = this.pending.get(reply.id);
    if (!waiting) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker.unref();
    if (reply.ok) waiting.resolve(reply);
    else waiting.reject(databaseError(reply.error));
  }

  private fail(reason: string): void {
    if (this.failure) return;
    this.failure = new StoreError('unreachable', reason);
    for (const waiting of this.pending.values()) waiting.reject(this.failure);
    this.pending.clear();
  }
}
