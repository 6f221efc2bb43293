// A real headless Integram server as a child process for the console tests: a temp data folder,
// its own .env, a free port on 127.0.0.1. It restarts the server when it exits with code 75 (the
// admin API's "restart requested"), as systemd or the desktop supervisor would.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from './paths.js';
import { freePort, sleep } from '../../support/net.js';

const RESTART_EXIT_CODE = 75;
const DIST_ENTRY = path.join(REPO_ROOT, 'dist', 'server', 'index.js');
const SOURCE_ENTRY = path.join(REPO_ROOT, 'server', 'index.ts');
const TSX_LOADER = path.join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs');

/**
 * How to start the server: E2E_SERVER_ENTRY when set (a .js or .ts file), else the built entry
 * (npm test builds first), else the TypeScript source via tsx.
 */
export function serverCommand(): string[] | null {
  const override = process.env.E2E_SERVER_ENTRY;
  if (override) return /\.m?ts$/.test(override) ? ['--import', pathToImport(TSX_LOADER), override] : [override];
  const preferSource = process.env.E2E_SERVER_FROM_SOURCE === '1';
  if (existsSync(DIST_ENTRY) && !preferSource) return [DIST_ENTRY];
  if (existsSync(SOURCE_ENTRY)) return ['--import', pathToImport(TSX_LOADER), SOURCE_ENTRY];
  return null;
}

function pathToImport(file: string): string {
  return new URL(`file://${file}`).href;
}

/** Why the console suites cannot run yet, or null. */
export function serverMissingReason(): string | null {
  if (!serverCommand()) return 'no server entry (dist/server/index.js or server/index.ts) exists yet';
  if (!existsSync(path.join(REPO_ROOT, 'dist', 'renderer', 'index.html'))) return 'the console is not built (npm run build:renderer)';
  return null;
}

export interface TestServer {
  url: string;
  port: number;
  dataDir: string;
  envFile: string;
  /** everything the server printed (stdout and stderr), for failure messages */
  output(): string;
  /** how many times it was restarted after exit code 75 */
  restarts(): number;
  /** resolves when /health answers 200 again (after a requested restart) */
  waitHealthy(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** extra environment (e.g. DATABASE_URL) */
  env?: Record<string, string>;
  /** lines for the .env file the console edits */
  envFileLines?: string[];
}

export async function startServer(options: StartOptions = {}): Promise<TestServer> {
  const command = serverCommand();
  if (!command) throw new Error('no server entry to start');
  const root = mkdtempSync(path.join(os.tmpdir(), 'integram-e2e-'));
  const dataDir = path.join(root, 'data');
  const envFile = path.join(root, '.env');
  writeFileSync(envFile, (options.envFileLines ?? []).map((l) => `${l}\n`).join(''));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    DATA_DIR: dataDir,
    ENV_FILE: envFile,
    LOG_LEVEL: 'info',
    ...options.env,
  };

  let output = '';
  let child: ChildProcess | null = null;
  let restarts = 0;
  let stopping = false;
  /** set when the server exited on its own with a code other than "restart" */
  let exitedWith: number | null = null;

  const launch = (): void => {
    const proc = spawn(process.execPath, command, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    const keep = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.length > 200_000) output = output.slice(-100_000);
    };
    proc.stdout?.on('data', keep);
    proc.stderr?.on('data', keep);
    proc.on('exit', (code) => {
      if (child === proc) child = null;
      if (stopping) return;
      if (code === RESTART_EXIT_CODE) {
        restarts += 1;
        launch();
      } else {
        exitedWith = code ?? -1;
      }
    });
  };

  const healthy = async (): Promise<boolean> => {
    try {
      return (await fetch(`${url}/health`)).ok;
    } catch {
      return false;
    }
  };

  const waitHealthy = async (timeoutMs = 30_000): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (exitedWith !== null) throw new Error(`the server exited with code ${exitedWith}; its output:\n${output.slice(-4000)}`);
      if (await healthy()) return;
      await sleep(150);
    }
    throw new Error(`the server did not become healthy within ${timeoutMs} ms; its output:\n${output.slice(-4000)}`);
  };

  const stop = async (): Promise<void> => {
    stopping = true;
    const proc: ChildProcess | null = child;
    if (proc && proc.exitCode === null) {
      const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(root, { recursive: true, force: true });
  };

  launch();
  try {
    await waitHealthy();
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, port, dataDir, envFile, output: () => output, restarts: () => restarts, waitHealthy, stop };
}
