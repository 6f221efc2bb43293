/**
 * The legacy URL API stack as the product composes it (runtime/compose.ts): one engine with the
 * store-backed login throttle, and the legacy router over it. For suites that mount only this.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import express, { type Router } from 'express';
import { newDatabasePort } from '../../server/appliance/databases.js';
import { DiskFileStore } from '../../server/storage/files.js';
import { DiskFolders } from '../../server/storage/folders.js';
import { legacyLoginThrottle } from '../../server/appliance/login-throttle.js';
import { defaultTemplatesDir } from '../../server/appliance/templates.js';
import { createEngine, type Engine, type EngineClock, type EngineOAuthPort } from '../../server/engine/index.js';
import { createLegacyRouter } from '../../server/http/legacy/index.js';
import type { Store } from '../../server/storage/types.js';
import { listen, type Listening } from './server.js';

export interface LegacyStackOptions {
  getStore: () => Store;
  salt: string;
  masterPassword?: string;
  serverName?: string;
  /** lifetime of cached metadata/sessions in ms (engine default 2000) */
  cacheTtlMs?: number;
  tokenTtlSeconds?: number;
  bodyLimit?: string;
  /** INTEGRAM_TEMPLATES for `_new_db` (default ':ru:en:') */
  templates?: string;
  /** folder of FILE column uploads (default: a fresh temporary folder per stack) */
  uploadDir?: string;
  /** the file manager's `templates` folders (default: a fresh temporary folder per stack) */
  templatesFilesDir?: string;
  /** largest uploaded file in bytes (UPLOAD_MAX_SIZE) */
  uploadLimitBytes?: number;
  /** the engine's clock (default: the real one) */
  clock?: EngineClock;
  /** OAuth sign-in (default: none, every callback answers oauthError) */
  oauth?: EngineOAuthPort;
  logger?: { info: (...args: unknown[]) => void; warn: (...args: unknown[]) => void; error: (...args: unknown[]) => void };
}

export type LegacyStack = Router & { engine: Engine };

export function legacyStack(options: LegacyStackOptions): LegacyStack {
  const { logger } = options;
  const uploadDir = options.uploadDir ?? mkdtempSync(path.join(tmpdir(), 'integram-uploads-'));
  const templatesFilesDir = options.templatesFilesDir ?? mkdtempSync(path.join(tmpdir(), 'integram-templates-'));
  const engine = createEngine({
    store: options.getStore,
    salt: options.salt,
    masterPassword: options.masterPassword,
    serverName: options.serverName,
    metaTtlMs: options.cacheTtlMs,
    tokenTtlSeconds: options.tokenTtlSeconds,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.oauth ? { oauth: options.oauth } : {}),
    loginThrottle: legacyLoginThrottle(options.getStore),
    databases: newDatabasePort(
      () => ({ store: options.getStore(), templatesDir: defaultTemplatesDir(), salt: options.salt, invalidate: (db) => engine.invalidate(db) }),
      options.templates ?? ':ru:en:',
    ),
    files: new DiskFileStore(uploadDir),
    folders: new DiskFolders({ templates: templatesFilesDir, download: uploadDir }),
    logger: logger ? { info: (o, m) => logger.info(o, m), warn: (o, m) => logger.warn(o, m), error: (o, m) => logger.error(o, m) } : undefined,
  });
  const router = createLegacyRouter({ engine, bodyLimit: options.bodyLimit, uploadLimitBytes: options.uploadLimitBytes, logger });
  return Object.assign(router, { engine });
}

/** The PHP engine's settings when the golden transcripts were recorded. */
export const ORACLE = { salt: 'oracle-salt', masterPassword: 'oracle-master', serverName: '127.0.0.1' };

export interface LegacyServer extends Listening {
  engine: Engine;
}

/** Only the legacy stack on 127.0.0.1 (a free port), with the oracle's settings unless told otherwise. */
export async function startLegacyServer(getStore: () => Store, options: Partial<LegacyStackOptions> = {}): Promise<LegacyServer> {
  const stack = legacyStack({ getStore, ...ORACLE, ...options });
  const app = express();
  app.use(stack);
  return Object.assign(await listen(app), { engine: stack.engine });
}
