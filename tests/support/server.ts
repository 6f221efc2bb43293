/**
 * The one way the suites start a real server.
 *
 *  - In process: `startInProcessServer()` — bootServer (server/runtime/boot.ts) with the product's
 *    composition (`productBootOptions()`, server/runtime/compose.ts) or a suite's own, on a fresh
 *    temp data folder, a loaded config (PORT 0, LOG_FILE off, NODE_ENV test), silent stdout.
 *  - As a child process: `spawnServer()` — `node dist/server/index.js` or
 *    `node --import tsx server/index.ts` in a temp working folder (so no .env of the checkout is
 *    read), with a temp DATA_DIR and a free port on 127.0.0.1; stdout/stderr captured, waits for
 *    /health or a line, stop (signal) / kill / restart on a given exit code.
 *
 * And the pieces for suites that compose a server of their own (only the admin router, only the
 * legacy stack): `makeTempDir`, `serverConfig`, `silentStream`, `listen`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { loadConfig, type AppConfig } from '../../server/config/index.js';
import { bootServer, type BootOptions, type BootedServer } from '../../server/runtime/boot.js';
import { productBootOptions } from '../../server/runtime/compose.js';
import { freePort, sleep } from './net.mjs';
import { seedPgliteFolder } from './pglite-template.js';
import { TEST_SYNC_COMMITS } from './stores.js';

export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
export const DIST_ENTRY = path.join(REPO_ROOT, 'dist', 'server', 'index.js');
export const SOURCE_ENTRY = path.join(REPO_ROOT, 'server', 'index.ts');
const TSX_LOADER = pathToFileURL(path.join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

// ---------------------------------------------------------------------------------------------
// shared pieces

/** A new folder under the OS temp directory. */
export function makeTempDir(prefix = 'integram-test-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Puts the run's initialised PGlite folder (tests/support/pglite-template.ts) where a server on the
 * embedded store will open it, unless the settings name a MySQL server or `fresh` asks for a
 * first start.
 */
function seedEmbeddedStore(dataDir: string, settings: string, fresh: boolean | undefined): void {
  if (fresh || /\b(DATABASE_URL|DB_HOST)\b/.test(settings)) return;
  seedPgliteFolder(path.join(dataDir, 'pglite'));
}

/** A stream that swallows what the server would print. */
export function silentStream(): NodeJS.WritableStream {
  return new Writable({ write: (_chunk, _enc, done) => done() });
}

/**
 * The server's configuration as loadConfig reads it, from `env` only (not this process's):
 * DATA_DIR (default `<cwd>/data`), PORT 0, NODE_ENV test, LOG_FILE off, PGLITE_SYNC_COMMITS false (stores.ts), then `env`.
 */
export function serverConfig(env: Record<string, string> = {}, options: { cwd?: string; dataDir?: string } = {}): AppConfig {
  const cwd = options.cwd ?? makeTempDir('integram-config-');
  const loaded = loadConfig({
    env: { DATA_DIR: options.dataDir ?? path.join(cwd, 'data'), PORT: '0', NODE_ENV: 'test', LOG_FILE: 'off', PGLITE_SYNC_COMMITS: String(TEST_SYNC_COMMITS), ...env },
    argv: [],
    cwd,
  });
  if (!loaded.ok) throw new Error(`config: ${loaded.errors.join('; ')}`);
  return loaded.config;
}

export interface Listening {
  server: Server;
  url: string;
  port: number;
  /** closes every connection and the listener */
  close(): Promise<void>;
}

/** Listens on 127.0.0.1, on a free port (for suites that mount only a part of the server). */
export async function listen(handler: RequestListener, port = 0): Promise<Listening> {
  const server = createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    server,
    url: `http://127.0.0.1:${bound}`,
    port: bound,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// ---------------------------------------------------------------------------------------------
// in process

export interface InProcessOptions {
  /** settings on top of the defaults (DATA_DIR, PORT 0, NODE_ENV test, LOG_FILE off) */
  env?: Record<string, string>;
  /** mysql://user:pw@host:port/schema: DATABASE_URL (unset: the embedded store in the data folder) */
  mysqlUrl?: string;
  /** writes this .env file into the data folder and points ENV_FILE at it (the console edits it) */
  envFile?: string;
  port?: number;
  /** false: not the product's composition, only what `boot` gives (a suite's own routers) */
  product?: boolean;
  /** boot options on top of (or instead of) the product's */
  boot?: Partial<Omit<BootOptions, 'config'>>;
  /** waits for the store's first connection (ms, default 60 s) and fails without one; false: does not wait */
  waitForStore?: number | false;
  /** of the temp folder */
  prefix?: string;
  /** true: the embedded store starts in a new folder (initdb), not from the run's template */
  freshStore?: boolean;
}

export interface InProcessServer {
  url: string;
  booted: BootedServer;
  config: AppConfig;
  /** the temp folder: DATA_DIR, working folder and the place of the .env file */
  dataDir: string;
  envFile: string | null;
  /** closes the server (graceful, with the deadline) and removes the temp folder */
  close(deadlineMs?: number): Promise<void>;
}

export async function startInProcessServer(options: InProcessOptions = {}): Promise<InProcessServer> {
  const dataDir = makeTempDir(options.prefix ?? 'integram-inproc-');
  try {
    let envFile: string | null = null;
    const env: Record<string, string> = { PORT: String(options.port ?? 0), ...options.env };
    if (options.envFile !== undefined) {
      envFile = path.join(dataDir, '.env');
      writeFileSync(envFile, options.envFile);
      env.ENV_FILE = envFile;
    }
    if (options.mysqlUrl) env.DATABASE_URL = options.mysqlUrl;
    seedEmbeddedStore(dataDir, `${Object.keys(env).join(' ')} ${options.envFile ?? ''}`, options.freshStore);
    const config = serverConfig(env, { cwd: dataDir, dataDir });
    const booted = await bootServer({
      config,
      stdout: silentStream(),
      ...(options.product === false ? {} : productBootOptions()),
      ...options.boot,
    });
    const server: InProcessServer = {
      url: booted.url,
      booted,
      config,
      dataDir,
      envFile,
      async close(deadlineMs?: number) {
        try {
          await booted.close(deadlineMs);
        } finally {
          removeDir(dataDir);
        }
      },
    };
    if (options.waitForStore !== false) {
      const store = await booted.storeHandle.ready(options.waitForStore ?? 60_000);
      if (!store) {
        const reason = booted.storeHandle.status().reason ?? 'unknown reason';
        await booted.close(1000);
        throw new Error(`the store did not open: ${reason}`);
      }
    }
    return server;
  } catch (error) {
    removeDir(dataDir);
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// as a child process

/**
 * `source`: server/index.ts through tsx; `built`: dist/server/index.js; `auto`: E2E_SERVER_ENTRY
 * when set (a .js or .ts file), else the built entry (npm test builds first; not with
 * E2E_SERVER_FROM_SOURCE=1), else the source. Returns node's arguments, or null: no entry.
 */
export function serverCommand(entry: 'source' | 'built' | 'auto' = 'source'): string[] | null {
  const run = (file: string) => (/\.m?ts$/.test(file) ? ['--import', TSX_LOADER, file] : [file]);
  if (entry === 'source') return run(SOURCE_ENTRY);
  if (entry === 'built') return [DIST_ENTRY];
  const override = process.env.E2E_SERVER_ENTRY;
  if (override) return run(override);
  if (existsSync(DIST_ENTRY) && process.env.E2E_SERVER_FROM_SOURCE !== '1') return [DIST_ENTRY];
  if (existsSync(SOURCE_ENTRY)) return run(SOURCE_ENTRY);
  return null;
}

export interface ExitResult {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ProcessOptions {
  /** the program (default: this node); e.g. bun */
  executable?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** an IPC channel, as a supervisor forks it: the server sends its ready message there */
  ipc?: boolean;
  /** starts the process again when it exits with this code (75: a restart the console asked for) */
  restartOnExitCode?: number;
  /** stop(): SIGKILL when the process is still there after this long (default 20 s) */
  killAfterMs?: number;
}

/** A node child process with its output captured. */
export interface TrackedProcess {
  /** the current process (a new one after a restart) */
  readonly child: ChildProcess;
  readonly pid: number;
  stdout(): string;
  stderr(): string;
  /** stdout and stderr as they came, for failure messages */
  output(): string;
  /** IPC messages the process sent (the server's ready message); with `ipc` only */
  messages: unknown[];
  /** how many times it was started again after `restartOnExitCode` */
  restarts(): number;
  /** resolves with the first stdout/stderr line matching, rejects after the timeout */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** polls `check` until it is true; fails when the process exits meanwhile or after the timeout */
  waitFor(check: () => Promise<boolean>, what: string, timeoutMs?: number, intervalMs?: number): Promise<void>;
  /** the exit (not one that is followed by a restart) */
  exited: Promise<ExitResult>;
  /** sends the signal (default SIGTERM) and waits for the exit; SIGKILL after `killAfterMs` */
  stop(signal?: NodeJS.Signals): Promise<ExitResult>;
}

/** Keeps at most this much of each stream (the newer half when it grows past it). */
const OUTPUT_LIMIT = 4 * 1024 * 1024;
const keepTail = (text: string) => (text.length > OUTPUT_LIMIT ? text.slice(-OUTPUT_LIMIT / 2) : text);

/** Runs `node <args>` (or `executable <args>`) and captures what it prints. */
export function startProcess(args: string[], options: ProcessOptions = {}): TrackedProcess {
  const killAfterMs = options.killAfterMs ?? 20_000;
  let out = '';
  let err = '';
  let all = '';
  const messages: unknown[] = [];
  let restarts = 0;
  let stopping = false;
  let final: ExitResult | null = null;
  let resolveExited: (result: ExitResult) => void = () => undefined;
  const exited = new Promise<ExitResult>((resolve) => (resolveExited = resolve));
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const waiter of waiters) waiter();
  };

  let child!: ChildProcess;
  const launch = (): void => {
    // a harness that restarts the server is its supervisor: the server must not restart itself
    const env = options.restartOnExitCode !== undefined ? { ...(options.env ?? process.env), INTEGRAM_SUPERVISED: 'test harness' } : options.env;
    const proc = spawn(options.executable ?? process.execPath, args, {
      cwd: options.cwd,
      env,
      stdio: options.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    proc.on('message', (message: unknown) => messages.push(message));
    proc.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      out = keepTail(out + chunk);
      all = keepTail(all + chunk);
      notify();
    });
    proc.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      err = keepTail(err + chunk);
      all = keepTail(all + chunk);
      notify();
    });
    // 'close', not 'exit': by then everything it printed has been read
    proc.once('close', (code, signal) => {
      if (!stopping && options.restartOnExitCode !== undefined && code === options.restartOnExitCode) {
        restarts += 1;
        launch();
      } else {
        final = { code, signal };
        resolveExited(final);
      }
      notify();
    });
  };
  launch();

  const waitForLine = (pattern: RegExp, timeoutMs = 15_000) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const line = `${out}\n${err}`.split('\n').find((text) => pattern.test(text));
        if (line !== undefined) {
          done();
          resolve(line);
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms; stdout:\n${out}\nstderr:\n${err}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });

  const waitFor = async (check: () => Promise<boolean>, what: string, timeoutMs = 30_000, intervalMs = 150): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (final) throw new Error(`exited with ${final.code ?? final.signal} before ${what}; its output:\n${all.slice(-4000)}`);
      if (await check().catch(() => false)) return;
      await sleep(intervalMs);
    }
    throw new Error(`not ${what} within ${timeoutMs} ms; its output:\n${all.slice(-4000)}`);
  };

  const stop = async (signal: NodeJS.Signals = 'SIGTERM'): Promise<ExitResult> => {
    stopping = true;
    if (!final) child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<ExitResult>((resolve) => {
      timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve({ code: null, signal: 'SIGKILL' });
      }, killAfterMs);
    });
    try {
      return await Promise.race([exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    get child() {
      return child;
    },
    get pid() {
      return child.pid ?? 0;
    },
    stdout: () => out,
    stderr: () => err,
    output: () => all,
    messages,
    restarts: () => restarts,
    waitForLine,
    waitFor,
    exited,
    stop,
  };
}

export interface SpawnOptions extends Omit<ProcessOptions, 'env' | 'cwd'> {
  /** which entry (default: the source through tsx) */
  entry?: 'source' | 'built' | 'auto';
  /** another entry file instead (the launcher, dist/server/launch.js) */
  entryFile?: string;
  /** environment on top of PATH, HOME, NODE_ENV=test, HOST=127.0.0.1, PORT, DATA_DIR */
  env?: Record<string, string>;
  /** default: a free port */
  port?: number;
  /** reuse a data folder (a second start; kept on cleanup); default `<workDir>/data` */
  dataDir?: string;
  /** working folder (default: the temp folder, so no .env of the checkout is read) */
  cwd?: string;
  /** writes `<workDir>/.env` with these contents and points ENV_FILE at it */
  envFile?: string;
  /** node flags before the entry (--cpu-prof ...) */
  nodeFlags?: string[];
  /** arguments after the entry */
  args?: string[];
  /** of the temp folder */
  prefix?: string;
  /** true: the embedded store starts in a new folder (initdb), not from the run's template */
  freshStore?: boolean;
}

export interface ServerProcess extends TrackedProcess {
  port: number;
  url: string;
  dataDir: string;
  workDir: string;
  envFile: string | null;
  /** resolves when /health answers 200 (again, after a restart) */
  waitHealthy(timeoutMs?: number): Promise<void>;
  /** SIGKILL if still running; removes the temp folder */
  cleanup(): void;
  /** stop() and cleanup() */
  close(): Promise<ExitResult>;
}

/** The real server entry as a child process; returns at once (wait with waitHealthy / waitForLine). */
export async function spawnServer(options: SpawnOptions = {}): Promise<ServerProcess> {
  const command = options.entryFile ? [options.entryFile] : serverCommand(options.entry ?? 'source');
  if (!command) throw new Error('no server entry to start (dist/server/index.js or server/index.ts)');
  const workDir = makeTempDir(options.prefix ?? 'integram-server-test-');
  const dataDir = options.dataDir ?? path.join(workDir, 'data');
  const port = options.port ?? (await freePort());
  let envFile: string | null = null;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: String(port),
    DATA_DIR: dataDir,
    PGLITE_SYNC_COMMITS: String(TEST_SYNC_COMMITS),
  };
  if (options.envFile !== undefined) {
    envFile = path.join(workDir, '.env');
    writeFileSync(envFile, options.envFile);
    env.ENV_FILE = envFile;
  }
  Object.assign(env, options.env);
  seedEmbeddedStore(dataDir, `${Object.keys(options.env ?? {}).join(' ')} ${options.envFile ?? ''}`, options.freshStore);
  const proc = startProcess([...(options.nodeFlags ?? []), ...command, ...(options.args ?? [])], { ...options, cwd: options.cwd ?? workDir, env });
  const url = `http://127.0.0.1:${port}`;
  let exitedYet = false;
  void proc.exited.then(() => (exitedYet = true));
  const cleanup = () => {
    if (!exitedYet) proc.child.kill('SIGKILL');
    removeDir(workDir);
  };
  return Object.assign(proc, {
    port,
    url,
    dataDir,
    workDir,
    envFile,
    waitHealthy: (timeoutMs = 30_000) => proc.waitFor(async () => (await fetch(`${url}/health`)).ok, 'healthy (/health answering 200)', timeoutMs),
    cleanup,
    async close() {
      const result = await proc.stop();
      cleanup();
      return result;
    },
  });
}
