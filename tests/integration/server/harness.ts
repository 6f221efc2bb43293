/**
 * The real server as a child process (`node --import tsx server/index.ts`), in a temp working
 * folder (so no .env of the checkout is read) with a temp DATA_DIR and a free port on 127.0.0.1.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { freePort } from '../../support/net.js';
export { freePort };

export const ROOT = path.resolve(import.meta.dirname, '../../..');
const TSX = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
const ENTRY = path.join(ROOT, 'server/index.ts');

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface ExitResult {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  url: string;
  dataDir: string;
  workDir: string;
  stdout(): string;
  stderr(): string;
  /** IPC messages the server sent (the ready message) */
  messages: unknown[];
  /** resolves with the first stdout/stderr line matching, rejects after the timeout */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  exited: Promise<ExitResult>;
  /** sends the signal (default SIGTERM) and waits for the exit */
  stop(signal?: NodeJS.Signals): Promise<ExitResult>;
  /** removes the temp folders (after stop) */
  cleanup(): void;
}

export interface SpawnOptions {
  env?: Record<string, string>;
  port?: number;
  /** reuse a data folder (second start) */
  dataDir?: string;
}

export async function spawnServer(options: SpawnOptions = {}): Promise<ServerProcess> {
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'integram-server-test-'));
  const dataDir = options.dataDir ?? path.join(workDir, 'data');
  const port = options.port ?? (await freePort());
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: String(port),
    DATA_DIR: dataDir,
    ...options.env,
  };
  const child = spawn(process.execPath, ['--import', TSX, ENTRY], { cwd: workDir, env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  let out = '';
  let err = '';
  const messages: unknown[] = [];
  child.on('message', (message: unknown) => messages.push(message));
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const waiter of waiters) waiter();
  };
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    notify();
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
    notify();
  });
  const exited = new Promise<ExitResult>((resolve) => {
    child.on('exit', (code, signal) => {
      resolve({ code, signal });
      notify();
    });
  });

  const waitForLine = (pattern: RegExp, timeoutMs = 15_000) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const line = `${out}\n${err}`.split('\n').find((text) => pattern.test(text));
        if (line !== undefined) {
          cleanupWaiter();
          resolve(line);
        }
      };
      const timer = setTimeout(() => {
        cleanupWaiter();
        reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms; stdout:\n${out}\nstderr:\n${err}`));
      }, timeoutMs);
      const cleanupWaiter = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });

  return {
    child,
    port,
    url: `http://127.0.0.1:${port}`,
    dataDir,
    workDir,
    stdout: () => out,
    stderr: () => err,
    messages,
    waitForLine,
    exited,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timeout = sleep(20_000).then(() => {
        child.kill('SIGKILL');
        return { code: null, signal: 'SIGKILL' as NodeJS.Signals };
      });
      return Promise.race([exited, timeout]);
    },
    cleanup() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}

/** Polls GET url until it answers (any status); returns the time it took in ms. */
export async function waitForHttp(url: string, timeoutMs = 10_000): Promise<number> {
  const started = Date.now();
  for (;;) {
    try {
      await request(url, { timeoutMs: 2000 });
      return Date.now() - started;
    } catch {
      if (Date.now() - started > timeoutMs) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
      await sleep(100);
    }
  }
}

/**
 * One request on its own connection (no keep-alive): a pooled connection that the server closes
 * while the event loop of a busy test process is blocked would fail with ECONNRESET.
 */
export function request(url: string, init: { method?: string; headers?: Record<string, string>; body?: string; timeoutMs?: number } = {}): Promise<{ status: number; text: string; headers: Headers }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: init.method ?? 'GET', headers: init.headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        const headers = new Headers();
        for (const [name, value] of Object.entries(res.headers)) {
          if (typeof value === 'string') headers.set(name, value);
          else if (Array.isArray(value)) for (const item of value) headers.append(name, item);
        }
        resolve({ status: res.statusCode ?? 0, text, headers });
      });
    });
    req.on('error', reject);
    if (init.timeoutMs !== undefined) req.setTimeout(init.timeoutMs, () => req.destroy(new Error(`no answer within ${init.timeoutMs} ms`)));
    req.end(init.body);
  });
}

export async function getJson<T = Record<string, unknown>>(url: string, init?: { method?: string; headers?: Record<string, string>; body?: string }): Promise<{ status: number; body: T; headers: Headers }> {
  const res = await request(url, init);
  let body: unknown;
  try {
    body = JSON.parse(res.text);
  } catch {
    throw new Error(`${url}: not JSON (${res.status}): ${res.text.slice(0, 200)}`);
  }
  return { status: res.status, body: body as T, headers: res.headers };
}
