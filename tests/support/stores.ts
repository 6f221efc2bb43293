/**
 * Real stores for the suites: an embedded PGlite in a temp folder, or a private MySQL schema
 * (t_<random>) on TEST_MYSQL_URL that is dropped at the end.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { openStore, parseMysqlUrl, type MysqlOptions } from '../../server/storage/index.js';
import type { Store } from '../../server/storage/types.js';
import { seedPgliteFolder } from './pglite-template.js';

export const TEST_MYSQL_URL = process.env.TEST_MYSQL_URL;

/** TEST_MYSQL_URL with a new schema name (not created yet: the store creates it). */
export function privateSchemaOptions(prefix = 't'): MysqlOptions {
  if (!TEST_MYSQL_URL) throw new Error('TEST_MYSQL_URL is not set');
  return { ...parseMysqlUrl(TEST_MYSQL_URL), database: `${prefix}_${randomBytes(6).toString('hex')}` };
}

export async function dropSchema(options: MysqlOptions): Promise<void> {
  const conn = await mysql.createConnection({ host: options.host, port: options.port, user: options.user, password: options.password });
  try {
    await conn.query(`DROP DATABASE IF EXISTS \`${options.database}\``);
  } finally {
    await conn.end();
  }
}

/** a plain connection to the schema, for checks the store does not expose (SHOW CREATE TABLE ...) */
export function rawConnection(options: MysqlOptions) {
  return mysql.createConnection({ host: options.host, port: options.port, user: options.user, password: options.password, database: options.database });
}

export interface TestStore {
  store: Store;
  /** closes the store and removes what it wrote (the temp folder, the schema) */
  cleanup(): Promise<void>;
}

/**
 * Test stores do not sync each commit to the disk (~8 ms an fsync on this machine's disk), as the
 * throw-away MariaDB runs with innodb-flush-log-at-trx-commit=2; the sync itself is tested in
 * tests/integration/storage/pglite.test.ts. Test servers get PGLITE_SYNC_COMMITS=false for the same reason.
 */
export const TEST_SYNC_COMMITS = false;

/** PGlite in `<dataDir>/pglite`, as the server puts it (the folder is kept), or in a new temp folder (removed by cleanup). */
export async function openTestPglite(dataDir?: string): Promise<TestStore> {
  const folder = dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'integram-test-pglite-'));
  const pgliteDir = dataDir ? path.join(dataDir, 'pglite') : folder;
  seedPgliteFolder(pgliteDir);
  const store = await openStore({ pgliteDir, pgliteSyncCommits: TEST_SYNC_COMMITS });
  return {
    store,
    cleanup: async () => {
      await store.close();
      if (!dataDir) rmSync(folder, { recursive: true, force: true });
    },
  };
}

/** A private schema on TEST_MYSQL_URL, dropped by cleanup. */
export async function openTestMysql(): Promise<TestStore & { schema: string }> {
  return openTestMysqlOn(privateSchemaOptions());
}

/** A private schema (t_<random>) on the MySQL server of `base`, dropped by cleanup. */
export async function openTestMysqlOn(base: MysqlOptions): Promise<TestStore & { schema: string }> {
  const options = { ...base, database: `t_${randomBytes(6).toString('hex')}` };
  const store = await openStore({ mysql: options });
  return {
    store,
    schema: options.database,
    cleanup: async () => {
      await store.close();
      await dropSchema(options);
    },
  };
}

export interface StoreKind {
  name: 'PGlite' | 'MariaDB';
  enabled: boolean;
  open(): Promise<TestStore>;
}

/** The stores a suite runs on: PGlite always, MariaDB when TEST_MYSQL_URL is set. */
export const TEST_STORES: StoreKind[] = [
  { name: 'PGlite', enabled: true, open: () => openTestPglite() },
  { name: 'MariaDB', enabled: !!TEST_MYSQL_URL, open: () => openTestMysql() },
];

/** A store a server under test runs on: PGlite in its own data folder, or a private schema of TEST_MYSQL_URL. */
export interface ServerStoreKind {
  name: 'PGlite' | 'MariaDB';
  enabled: boolean;
  /** DATABASE_URL for the server (a schema that does not exist yet); none for PGlite */
  databaseUrl?: string;
}

/** The stores a server-level suite runs on: PGlite always, MariaDB when TEST_MYSQL_URL is set. */
export function serverStores(prefix = 't'): ServerStoreKind[] {
  return [
    { name: 'PGlite', enabled: true },
    { name: 'MariaDB', enabled: !!TEST_MYSQL_URL, databaseUrl: TEST_MYSQL_URL ? `${TEST_MYSQL_URL.replace(/\/$/, '')}/${prefix}_${randomBytes(4).toString('hex')}` : undefined },
  ];
}

/** Drops the schema of a serverStores() MariaDB URL (nothing for PGlite). */
export async function dropServerStore(kind: ServerStoreKind): Promise<void> {
  if (kind.databaseUrl) await dropSchema(parseMysqlUrl(kind.databaseUrl));
}
