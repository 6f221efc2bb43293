/**
 * The benchmark's data on one store, prepared the same way for every kind of run (`npm run bench`,
 * `--scale`): a throw-away MariaDB (or TEST_MYSQL_URL) or a PGlite folder, the start state, the
 * schema created through the API by the compiled server, then the bulk records through the store.
 * `env` is what a server process needs to open exactly that data.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseMysqlUrl } from '../../server/storage/index.js';
import { LegacyClient } from '../support/bench-app.js';
import { findMariadbd, startMariadb, type Mariadb } from '../support/start-mariadb.mjs';
import { dropSchema } from '../support/stores.js';
import { startServer } from './processes.js';
import { BENCH_DB, BENCH_LOGIN, BENCH_PASSWORD, createSchema, recordSeeder, startRows, withStore, type BenchSchema, type RecordSeeder, type StoreSpec } from './seed.js';

export const BENCH_SALT = 'bench-salt-not-a-secret';

export interface PreparedData {
  kind: 'mysql' | 'pglite';
  /** the server's environment for this data (DATA_DIR, AUTH_SALT, DATABASE_URL on MySQL, with ?socket= under BENCH_MYSQL_SOCKET) */
  env: Record<string, string>;
  spec: StoreSpec;
  databaseUrl: string | null;
  dataDir: string;
  schema: BenchSchema;
  /** grows the records further (the data-size run) */
  seeder: RecordSeeder;
  records: { items: number; orders: number };
  /** drops the schema / folder and the throw-away MariaDB (or says where they are with keep) */
  cleanup(): Promise<void>;
}

/**
 * BENCH_MYSQL_SOCKET: the measured server connects to MariaDB through a unix socket instead of TCP
 * (DATABASE_URL `?socket=`). `1`: the socket of the MariaDB the run uses (the throw-away one's, the
 * PHP kit's with --php); an absolute path: that socket (with TEST_MYSQL_URL); unset or `0`: TCP.
 * Seeding, statement counting and cleanup stay on TCP.
 */
export function benchSocket(ownSocket: string | null): string | null {
  const value = (process.env.BENCH_MYSQL_SOCKET ?? '').trim();
  if (value === '' || value === '0') return null;
  if (value === '1') {
    if (!ownSocket) throw new Error('BENCH_MYSQL_SOCKET=1 needs a MariaDB whose socket the bench knows (not TEST_MYSQL_URL): give the socket\'s path instead');
    return ownSocket;
  }
  if (!path.isAbsolute(value)) throw new Error(`BENCH_MYSQL_SOCKET: expected 1, 0 or an absolute path, got "${value}"`);
  return value;
}

/** the URL with `?socket=` added (no socket: the URL itself) */
export function withSocket(databaseUrl: string, socket: string | null): string {
  return socket ? `${databaseUrl}${databaseUrl.includes('?') ? '&' : '?'}socket=${encodeURIComponent(socket)}` : databaseUrl;
}

/** TEST_MYSQL_URL, or a throw-away MariaDB when mariadbd is installed; null: neither */
async function mariadb(log: (message: string) => void): Promise<Pick<Mariadb, 'url' | 'destroy'> & { socket: string | null } | null> {
  if (process.env.TEST_MYSQL_URL) return { url: process.env.TEST_MYSQL_URL, socket: null, destroy: async () => undefined };
  if (!findMariadbd()) return null;
  log('starting a throw-away MariaDB (tests/support/start-mariadb.mjs)');
  return startMariadb({ log });
}

/** null: MySQL was asked for and there is none (said in the log) */
export async function prepareData(kind: 'mysql' | 'pglite', options: {
  counts: { items: number; orders: number };
  log: (message: string) => void;
  keep?: boolean;
  logLevel?: string;
  /**
   * MySQL: seed tenant `bench` into this existing schema (a URL with the database) with this salt,
   * instead of a schema of its own: the PHP engine's schema, so both engines read the same table.
   * Cleanup then drops only the tenant.
   */
  shared?: { databaseUrl: string; salt: string; socket: string | null };
}): Promise<PreparedData | null> {
  const { log, shared } = options;
  const db = kind === 'mysql' && !shared ? await mariadb(log) : null;
  if (kind === 'mysql' && !db && !shared) {
    log('MariaDB skipped: TEST_MYSQL_URL is not set and mariadbd is not installed (apt-get install mariadb-server)');
    return null;
  }
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `integram-bench-${kind}-`));
  const salt = shared?.salt ?? BENCH_SALT;
  // the product's defaults, not the test harness's (which turns the embedded store's per-commit sync off)
  const env: Record<string, string> = { DATA_DIR: dataDir, AUTH_SALT: salt, NODE_ENV: 'production', PGLITE_SYNC_COMMITS: 'true' };
  if (options.logLevel) env.LOG_LEVEL = options.logLevel;
  let spec: StoreSpec;
  let databaseUrl: string | null = null;
  if (shared) {
    databaseUrl = shared.databaseUrl;
    env.DATABASE_URL = withSocket(databaseUrl, benchSocket(shared.socket));
    spec = { mysql: parseMysqlUrl(databaseUrl) };
  } else if (db) {
    databaseUrl = `${db.url.replace(/\/$/, '')}/bench_${randomBytes(4).toString('hex')}`;
    env.DATABASE_URL = withSocket(databaseUrl, benchSocket(db.socket));
    spec = { mysql: parseMysqlUrl(databaseUrl) };
  } else {
    spec = { pgliteDir: path.join(dataDir, 'pglite') };
  }
  if (env.DATABASE_URL) {
    const reached = parseMysqlUrl(env.DATABASE_URL);
    log(`the servers reach MariaDB ${reached.socketPath ? `through the unix socket ${reached.socketPath}` : `over TCP at ${reached.host}:${reached.port}`}`);
  }
  const cleanup = async () => {
    if (options.keep) {
      log(`kept (BENCH_KEEP=1): ${databaseUrl ?? dataDir}`);
      return;
    }
    if (shared) await withStore(spec, (store) => store.dropDatabase(BENCH_DB)).catch(() => undefined);
    else if (databaseUrl) await dropSchema(parseMysqlUrl(databaseUrl)).catch(() => undefined);
    await db?.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    log('seeding: start state, schema through the API, then bulk records through the store');
    await withStore(spec, async (store) => {
      // a tenant left by an interrupted run of the shared schema
      if (shared && await store.databaseExists(BENCH_DB)) await store.dropDatabase(BENCH_DB);
      await store.importRows(BENCH_DB, startRows(salt));
    });
    const server = await startServer(env, BENCH_DB);
    let created: Awaited<ReturnType<typeof createSchema>>;
    try {
      const setup = new LegacyClient(server.url, BENCH_DB);
      await setup.login(BENCH_LOGIN, BENCH_PASSWORD);
      created = await createSchema(setup);
    } finally {
      await server.stop();
    }
    const { seeder, records } = await withStore(spec, async (store) => {
      const grower = await recordSeeder(store, created.schema, created.samples);
      return { seeder: grower, records: await grower.grow(store, options.counts, log) };
    });
    return { kind, env, spec, databaseUrl, dataDir, schema: created.schema, seeder, records, cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
