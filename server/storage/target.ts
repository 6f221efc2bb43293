/**
 * Which store the configuration asks for, and how to open it. The only module of the runtime
 * that imports the storage package, so a change of its entry point is one edit here.
 *
 * Policy (docs/modern-api.md, "Startup and the database"): MySQL when DATABASE_URL, DB_SOCKET, DB_HOST or DB_USER is set;
 * otherwise embedded PGlite at `${DATA_DIR}/pglite`. Never a silent fallback between them.
 */
import path from 'node:path';
import type { AppConfig } from '../config/index.js';
import { describeEndpoint, openStore, parseMysqlUrl, type MysqlOptions } from './index.js';
import type { DriverName, Store } from './types.js';

export type StoreTarget =
  | { driver: 'mysql'; mysql: MysqlOptions; /** host:port or `socket /path`, for people */ target: string }
  | { driver: 'pglite'; dir: string; target: string; /** PGLITE_SYNC_COMMITS */ syncCommits: boolean };

/** What an open store reports back to whoever holds it. */
export interface StoreEvents {
  /** a statement failed because the connection to the database is gone */
  onConnectionLost?: (error: unknown) => void;
}

export type StoreOpener = (target: StoreTarget, events?: StoreEvents) => Promise<Store>;

export type DatabaseSettings = Pick<
  AppConfig,
  'DATABASE_URL' | 'DB_SOCKET' | 'DB_HOST' | 'DB_PORT' | 'DB_NAME' | 'DB_USER' | 'DB_PASSWORD' | 'DB_CHARSET' | 'DATA_DIR'
> & Partial<Pick<AppConfig, 'PGLITE_SYNC_COMMITS'>>;

export function storeTargetFromConfig(config: DatabaseSettings): StoreTarget {
  if (config.DATABASE_URL) {
    return mysqlTarget(parseMysqlUrl(config.DATABASE_URL));
  }
  if (config.DB_SOCKET || config.DB_HOST || config.DB_USER) {
    const mysql: MysqlOptions = {
      ...(config.DB_SOCKET ? { socketPath: config.DB_SOCKET } : {}),
      host: config.DB_HOST ?? '127.0.0.1',
      port: config.DB_PORT,
      user: config.DB_USER ?? 'root',
      password: config.DB_PASSWORD ?? '',
      database: config.DB_NAME,
      charset: config.DB_CHARSET,
    };
    return mysqlTarget(mysql);
  }
  return embeddedTarget(config.DATA_DIR, config.PGLITE_SYNC_COMMITS ?? true);
}

/** The embedded store of a data folder. */
export function embeddedTarget(dataDir: string, syncCommits = true): StoreTarget {
  const dir = path.join(dataDir, 'pglite');
  return { driver: 'pglite', dir, target: dir, syncCommits };
}

export function mysqlTarget(mysql: MysqlOptions): StoreTarget {
  return { driver: 'mysql', mysql, target: describeEndpoint(mysql) };
}

export const openStoreTarget: StoreOpener = (target, events = {}) =>
  target.driver === 'mysql' ? openStore({ mysql: { ...target.mysql, onConnectionLost: events.onConnectionLost } }) : openStore({ pgliteDir: target.dir, pgliteSyncCommits: target.syncCommits });

export type { DriverName, Store };
export { describeEndpoint };
