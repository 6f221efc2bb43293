/**
 * Opening a store. Which driver to use is the configuration's decision; this module just
 * opens what it is told: MySQL when `mysql` is given, else PGlite in `pgliteDir`.
 */
import path from 'node:path';
import { StoreError } from './errors.js';
import type { Store } from './types.js';
import { withReportCache } from './report-cache.js';

export * from './types.js';
export { DiskFileStore } from './files.js';
export { DiskFolders } from './folders.js';
export { SingleFlight } from './single-flight.js';
export { StoreError, isStoreError, type StoreErrorCode } from './errors.js';
export {
  APPLIANCE_TABLE_PREFIX, checkNewDbName, isRoutableDbName, normalizeDbName, tenantTableName, type NewDbNameCheck,
} from './db-names.js';
export { LATEST_SCHEMA_VERSION } from './migrations.js';
export { folderLockHolder, folderInUseMessage } from './lock-file.js';
import type { MysqlOptions } from './mysql/index.js';
import { socketOfUrl } from './mysql/endpoint.js';

export type { MysqlOptions };
export { describeEndpoint, type MysqlEndpoint } from './mysql/endpoint.js';


export interface OpenStoreOptions {
  mysql?: MysqlOptions;
  pgliteDir?: string;
  /** sync every commit of the embedded store to the disk (default true; PGLITE_SYNC_COMMITS) */
  pgliteSyncCommits?: boolean;
}

/**
 * How long a report result is reused without a write through this process (report-cache.ts):
 * MySQL may have other writers (instances, the PHP engine), seen within the engine's metadata
 * bound; a PGlite folder has one process only.
 */
const REPORT_CACHE_MS = { mysql: 1500, pglite: Infinity } as const;

export async function openStore(options: OpenStoreOptions): Promise<Store> {
  if (options.mysql) {
    const { openMysqlStore } = await import('./mysql/index.js');
    return withReportCache(await openMysqlStore(options.mysql), { ttlMs: REPORT_CACHE_MS.mysql });
  }
  if (options.pgliteDir) {
    const { openPgliteStore } = await import('./pglite/index.js');
    return withReportCache(await openPgliteStore(options.pgliteDir, { syncCommits: options.pgliteSyncCommits }), { ttlMs: REPORT_CACHE_MS.pglite });
  }
  throw new StoreError('unsupported', 'openStore: give either mysql options or a pgliteDir');
}

/**
 * `mysql://user:pass@host:port/db` → MysqlOptions (port 3306, database `integram`, charset
 * utf8mb4 unless given; `?charset=` is read). `?socket=/path` (or `socketPath=`, `unix_socket=`)
 * connects through that unix socket instead of host and port (`mysql://user:pass@localhost/db?socket=/run/mysqld/mysqld.sock`). `postgresql://` is refused: not supported yet.
 */
export function parseMysqlUrl(url: string): MysqlOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new StoreError('unsupported', 'DATABASE_URL is not a valid URL (expected mysql://user:password@host:port/database)');
  }
  const scheme = parsed.protocol.replace(/:$/, '').toLowerCase();
  if (scheme === 'postgres' || scheme === 'postgresql') {
    throw new StoreError('unsupported', 'postgresql:// database URLs are not supported yet; use mysql://… or leave DATABASE_URL unset for the embedded store');
  }
  if (scheme !== 'mysql' && scheme !== 'mariadb') {
    throw new StoreError('unsupported', `DATABASE_URL scheme "${scheme}" is not supported (expected mysql://user:password@host:port/database)`);
  }
  if (!parsed.hostname) throw new StoreError('unsupported', 'DATABASE_URL has no host');
  const port = parsed.port ? Number(parsed.port) : 3306;
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || 'integram';
  const socketPath = socketOfUrl(parsed.searchParams);
  if (socketPath !== null && !path.isAbsolute(socketPath)) {
    throw new StoreError('unsupported', `DATABASE_URL names the socket "${socketPath}": expected an absolute path such as /run/mysqld/mysqld.sock`);
  }
  return {
    ...(socketPath ? { socketPath } : {}),
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port,
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    database,
    charset: parsed.searchParams.get('charset') ?? 'utf8mb4',
  };
}
