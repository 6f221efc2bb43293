// A real headless Integram server as a child process for the console tests (tests/support/server.ts):
// a temp data folder, its own .env, a free port on 127.0.0.1. It restarts the server when it exits
// with code 75 (the admin API's "restart requested"), as systemd or the desktop supervisor would.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './paths.js';
import { serverCommand, spawnServer, type ServerProcess } from '../../support/server.js';

const RESTART_EXIT_CODE = 75;

/** Why the console suites cannot run yet, or null. */
export function serverMissingReason(): string | null {
  if (!serverCommand('auto')) return 'no server entry (dist/server/index.js or server/index.ts) exists yet';
  if (!existsSync(path.join(REPO_ROOT, 'dist', 'renderer', 'index.html'))) return 'the console is not built (npm run build:renderer)';
  return null;
}

/** the server process; its .env file is always there */
export type TestServer = ServerProcess & { envFile: string };

export interface StartOptions {
  /** extra environment (e.g. DATABASE_URL) */
  env?: Record<string, string>;
  /** lines for the .env file the console edits */
  envFileLines?: string[];
}

/**
 * E2E_SERVER_ENTRY when set (a .js or .ts file), else the built entry (npm test builds first),
 * else the TypeScript source via tsx; resolves once /health answers. `close()` stops it.
 */
export async function startServer(options: StartOptions = {}): Promise<TestServer> {
  const server = await spawnServer({
    entry: 'auto',
    prefix: 'integram-e2e-',
    env: { NODE_ENV: 'production', LOG_LEVEL: 'info', ...options.env },
    envFile: (options.envFileLines ?? []).map((l) => `${l}\n`).join(''),
    restartOnExitCode: RESTART_EXIT_CODE,
    killAfterMs: 10_000,
  });
  try {
    await server.waitHealthy();
  } catch (error) {
    await server.close();
    throw error;
  }
  return server as TestServer;
}
