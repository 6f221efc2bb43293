/**
 * The server entry: `node dist/server/index.js` (npm start), `tsx server/index.ts` (npm run dev),
 * and what the desktop supervisor forks.
 *
 * Exit codes: 0 after a graceful stop, 1 configuration or startup error, 2 port in use (or not
 * allowed), 3 LAN mode refused (no console admin password yet), 75 restart requested.
 * When forked, it reports `{type:'ready', port, host, url}` to the parent (child_process IPC
 * or Electron's utilityProcess parentPort) and stops gracefully on `{type:'shutdown'}`.
 */
import { startHeapKeeper } from './runtime/heap.js';
import { connectServiceManager } from './runtime/service-manager.js';
import { EXIT_RESTART } from './runtime/launcher.js';
import { restartOwner, spawnReplacement, waitForPredecessor } from './runtime/self-restart.js';
import type { BootedServer } from './runtime/boot.js';

interface ParentPortLike {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
}

/** Electron's utilityProcess gives the child `process.parentPort`; plain Node does not. */
function parentPort(): ParentPortLike | undefined {
  const port: unknown = (process as NodeJS.Process & { parentPort?: unknown }).parentPort;
  if (typeof port !== 'object' || port === null) return undefined;
  const candidate = port as Partial<ParentPortLike>;
  return typeof candidate.postMessage === 'function' && typeof candidate.on === 'function' ? (port as ParentPortLike) : undefined;
}

function isShutdownMessage(message: unknown): boolean {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'shutdown';
}

function tellParent(message: Record<string, unknown>): void {
  process.send?.(message);
  parentPort()?.postMessage(message);
}

async function main(): Promise<void> {
  // a closed stdout/stderr pipe (`npm start | head`, a supervisor gone) must not crash the server
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
    });
  }
  // before the rest of the server loads: loading it alone would grow V8's young generation
  // (runtime/heap.ts: idle memory, docs/benchmarks.md "Targets")
  const heapKeeper = startHeapKeeper();
  // a replacement started by a server restarting itself: the old one still holds the port
  await waitForPredecessor();
  const { loadConfig } = await import('./config/index.js');
  const { EXIT_CONFIG, StartupError } = await import('./http/server.js');
  const loaded = loadConfig();
  if (!loaded.ok) {
    for (const error of loaded.errors) process.stderr.write(`Configuration error: ${error}\n`);
    process.stderr.write('Run `npm run verify-env` to see every setting.\n');
    process.exit(EXIT_CONFIG);
  }
  const config = loaded.config;
  // the embedded store opens in its own thread while the rest of the server loads
  const { startOpeningEarly } = await import('./runtime/early-store.js');
  const openStore = startOpeningEarly(config);
  const { bootServer } = await import('./runtime/boot.js');
  const { productBootOptions } = await import('./runtime/compose.js');
  // an escape hatch: the keeper adjusts V8 at run time (runtime/heap.ts), which Node asks to do with care
  if (!config.HEAP_KEEPER) heapKeeper.stop();

  let booted: BootedServer | null = null;
  let stopping = false;
  const serviceManager = connectServiceManager();
  const stop = (exitCode: number, reason: string) => {
    if (stopping) {
      process.stderr.write(`${reason} again: exiting now\n`);
      process.exit(exitCode === 0 ? 1 : exitCode);
    }
    stopping = true;
    serviceManager.stopping();
    const server = booted;
    if (!server) process.exit(exitCode);
    server.logs.logger.info({ reason, exitCode }, `Stopping: ${reason}`);
    // a hard stop only if closing hangs well past the drain deadline: closing the embedded store
    // flushes it to disk, which may take a while on a busy machine and must not be cut short
    setTimeout(() => {
      process.stderr.write('Stopping took too long; exiting without a clean close\n');
      process.exit(exitCode === 0 ? 1 : exitCode);
    }, config.SHUTDOWN_TIMEOUT_MS + 60_000).unref();
    server
      .close(config.SHUTDOWN_TIMEOUT_MS)
      .catch((err: unknown) => process.stderr.write(`Error while stopping: ${String(err)}\n`))
      .finally(() => {
        // forked by the desktop supervisor (IPC or Electron's parentPort): it restarts the server
        if (exitCode === EXIT_RESTART && restartOwner(process.env, Boolean(process.send) || Boolean(parentPort())) === 'itself') {
          const pid = spawnReplacement();
          process.stderr.write(`Restarting: a new server process (pid ${pid ?? '?'}) takes over\n`);
          process.exit(0);
        }
        process.exit(exitCode);
      });
  };

  process.on('SIGTERM', () => stop(0, 'SIGTERM'));
  process.on('SIGINT', () => stop(0, 'SIGINT'));
  process.on('message', (message: unknown) => {
    if (isShutdownMessage(message)) stop(0, 'shutdown requested by the parent process');
  });
  parentPort()?.on('message', (event) => {
    if (isShutdownMessage(event.data)) stop(0, 'shutdown requested by the desktop app');
  });

  try {
    booted = await bootServer({
      config,
      ...productBootOptions(),
      ...(openStore ? { open: openStore } : {}),
      requestShutdown: (exitCode, reason) => stop(exitCode, reason),
      onFatal: (message, exitCode) => {
        process.stderr.write(`${message}\n`);
        stop(exitCode, message);
      },
    });
  } catch (err) {
    if (err instanceof StartupError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(err.exitCode);
    }
    throw err;
  }

  const logger = booted.logs.logger;
  // a typo, or a setting an older version had: ignored, but said once (names only, never values)
  if (loaded.unknownFileKeys.length > 0) {
    logger.warn({ keys: loaded.unknownFileKeys, envFile: loaded.envFile }, `Not settings of this version, ignored: ${loaded.unknownFileKeys.join(', ')}`);
  }
  // ready = the store's first connection attempt is over (opening the embedded store is busy too)
  void booted.storeHandle.firstAttempt().catch(() => undefined).then(() => heapKeeper.serverReady());
  process.on('uncaughtException', (err) => {
    logger.fatal({ err }, 'uncaught exception; stopping');
    stop(1, 'uncaught exception');
  });
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: reason }, 'unhandled promise rejection');
  });

  const { address } = booted.running;
  tellParent({ type: 'ready', port: address.port, host: address.host, url: address.url });
  serviceManager.ready();
}

main().catch((err: unknown) => {
  process.stderr.write(`Server failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
