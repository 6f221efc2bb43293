/**
 * Child processes of the benchmark (tests/support/server.ts): the compiled server (`node dist/server/index.js`), a bare
 * node:http server answering "ok", and "PGlite alone" (a process that only opens the store) —
 * each in its own process so the load generator never shares their event loop. Resident memory
 * is read from /proc/<pid>/status.
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { freePort, sleep } from '../support/net.mjs';
import { DIST_ENTRY, REPO_ROOT, spawnServer, startProcess, type TrackedProcess } from '../support/server.js';
export { freePort, sleep };

export const ROOT = REPO_ROOT;
export const SERVER_ENTRY = DIST_ENTRY;

/** resident set size of a process in MB (VmRSS), null when it is gone */
export function rssMb(pid: number): number | null {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** CPU time (user + system) a process has used so far, in ms (/proc/<pid>/stat, clock ticks of 10 ms); null when it is gone */
export function cpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
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

function asChild(proc: TrackedProcess, url: string): Child {
  return {
    child: proc.child,
    pid: proc.pid,
    url,
    output: () => proc.output(),
    stop: async () => {
      await proc.stop();
      await proc.exited;
    },
  };
}

/** The compiled server with the given environment; resolves once the legacy API answers. */
export async function startServer(env: Record<string, string>, db: string, nodeFlags: string[] = []): Promise<Child> {
  const server = await spawnServer({ entry: 'built', env, dataDir: env.DATA_DIR, cwd: env.DATA_DIR, nodeFlags, killAfterMs: 60_000 });
  // ready = the store is connected and the legacy API answers for the database
  try {
    await server.waitFor(async () => (await fetch(`${server.url}/${db}/xsrf?JSON`)).status !== 503, 'the server ready', 180_000, 250);
  } catch (error) {
    await server.close();
    throw error;
  }
  const child = asChild(server, server.url);
  return { ...child, stop: async () => { await child.stop(); server.cleanup(); } };
}

/** A bare node:http server answering "ok" (keep-alive), the reference for the ratios. */
export async function startBareServer(): Promise<Child> {
  const port = await freePort();
  const code = `require('node:http').createServer((req, res) => { res.setHeader('Content-Type', 'text/plain'); res.end('ok'); }).listen(${port}, '127.0.0.1');`;
  const proc = startProcess(['-e', code], { killAfterMs: 60_000 });
  const url = `http://127.0.0.1:${port}`;
  await proc.waitFor(async () => (await fetch(url)).ok, 'the bare server ready', 30_000, 250);
  return asChild(proc, url);
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
  const proc = startProcess(['--input-type=module', '-e', code], { killAfterMs: 60_000 });
  await proc.waitFor(async () => proc.output().includes('PGLITE-READY'), 'PGlite alone ready', 180_000, 250);
  return asChild(proc, '');
}

export interface ColdStart {
  /** from spawning the process to the first /health answer */
  healthMs: number;
  /** to /health/ready answering 200: the store is open */
  connectedMs: number;
}

/**
 * Starts the built server `runs` times on the same data (each time a new process, stopped after),
 * timing /health and /health/ready from the spawn; `entryFile` runs another entry (the launcher
 * of npm start). Returns each run, in order.
 */
export async function coldStarts(env: Record<string, string>, runs: number, entryFile?: string): Promise<ColdStart[]> {
  const results: ColdStart[] = [];
  for (let i = 0; i < runs; i++) {
    const spawned = performance.now();
    const server = await spawnServer({ entry: 'built', ...(entryFile ? { entryFile } : {}), env, dataDir: env.DATA_DIR, cwd: env.DATA_DIR, killAfterMs: 60_000 });
    try {
      const status = async (pathName: string) => fetch(`${server.url}${pathName}`).then((r) => r.status, () => 0);
      const waitFor = async (pathName: string, what: string) => {
        while ((await status(pathName)) !== 200) {
          if (performance.now() - spawned > 120_000) throw new Error(`${what} within 120 s (${server.url}):\n${server.output()}`);
          await sleep(10);
        }
      };
      await waitFor('/health', 'the server did not answer /health');
      const healthMs = performance.now() - spawned;
      await waitFor('/health/ready', 'the store did not open');
      results.push({ healthMs, connectedMs: performance.now() - spawned });
    } finally {
      await server.stop();
      server.cleanup();
    }
    await sleep(500);
  }
  return results;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
