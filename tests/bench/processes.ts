/**
 * Child processes of the benchmark: the compiled server (`node dist/server/index.js`), a bare
 * node:http server answering "ok", and "PGlite alone" (a process that only opens the store) —
 * each in its own process so the load generator never shares their event loop. Resident memory
 * is read from /proc/<pid>/status.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { freePort } from '../support/net.js';
export { freePort };

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const SERVER_ENTRY = path.join(ROOT, 'dist/server/index.js');

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** resident set size of a process in MB (VmRSS), null when it is gone */
export function rssMb(pid: number): number | null {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** samples a process's RSS until stopped; returns the maximum seen */
export function sampleRss(pid: number, everyMs = 200): { stop(): number } {
  let max = rssMb(pid) ?? 0;
  const timer = setInterval(() => {
    max = Math.max(max, rssMb(pid) ?? 0);
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(max, rssMb(pid) ?? 0);
    },
  };
}

export interface Child {
  child: ChildProcess;
  pid: number;
  url: string;
  output(): string;
  stop(): Promise<void>;
}

function track(child: ChildProcess, url: string): Child {
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    output = (output + chunk).slice(-20_000);
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    output = (output + chunk).slice(-20_000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    pid: child.pid ?? 0,
    url,
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timeout = sleep(60_000).then(() => child.kill('SIGKILL'));
      await Promise.race([exited, timeout]);
      await exited;
    },
  };
}

async function waitFor(check: () => Promise<boolean>, child: ChildProcess, what: string, timeoutMs: number, output: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}:\n${output()}`);
    if (await check().catch(() => false)) return;
    await sleep(250);
  }
  throw new Error(`${what} not ready within ${timeoutMs} ms:\n${output()}`);
}

/** The compiled server with the given environment; resolves once the legacy API answers. */
export async function startServer(env: Record<string, string>, db: string, nodeFlags: string[] = []): Promise<Child> {
  const port = await freePort();
  const child = spawn(process.execPath, [...nodeFlags, SERVER_ENTRY], {
    cwd: env.DATA_DIR,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', HOST: '127.0.0.1', PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = `http://127.0.0.1:${port}`;
  const handle = track(child, url);
  // ready = the store is connected and the legacy API answers for the database
  await waitFor(async () => (await fetch(`${url}/${db}/xsrf?JSON`)).status !== 503, child, 'the server', 180_000, handle.output);
  return handle;
}

/** A bare node:http server answering "ok" (keep-alive), the reference for the ratios. */
export async function startBareServer(): Promise<Child> {
  const port = await freePort();
  const code = `require('node:http').createServer((req, res) => { res.setHeader('Content-Type', 'text/plain'); res.end('ok'); }).listen(${port}, '127.0.0.1');`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'pipe'] });
  const url = `http://127.0.0.1:${port}`;
  const handle = track(child, url);
  await waitFor(async () => (await fetch(url)).ok, child, 'the bare server', 30_000, handle.output);
  return handle;
}

/**
 * A process that only opens the PGlite store (compiled storage module), runs one query on the
 * database and idles: the baseline for the server's memory on PGlite.
 */
export async function startPgliteAlone(pgliteDir: string, db: string): Promise<Child> {
  const storage = path.join(ROOT, 'dist/server/storage/index.js');
  const code = `
    const { openStore } = await import(${JSON.stringify(storage)});
    const store = await openStore({ pgliteDir: ${JSON.stringify(pgliteDir)} });
    await store.tenant(${JSON.stringify(db)}).count({ up: 1 });
    console.log('PGLITE-READY');
    process.on('SIGTERM', () => store.close().then(() => process.exit(0)));
    setInterval(() => {}, 1 << 30);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'pipe'] });
  const handle = track(child, '');
  await waitFor(async () => handle.output().includes('PGLITE-READY'), child, 'PGlite alone', 180_000, handle.output);
  return handle;
}
