import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isStoreError, openStore, parseMysqlUrl } from '../../../server/storage/index.js';
import { storeTargetFromConfig, type DatabaseSettings } from '../../../server/storage/target.js';
import { exportTenantToJson, importTenantFromJson, listJsonTenants, phase0RowsPath } from '../../../server/storage/json-files.js';
import { goldenFixture } from '../../support/fixtures.js';

const DB_DEFAULTS: DatabaseSettings = {
  DATABASE_URL: undefined, DB_SOCKET: undefined, DB_HOST: undefined, DB_PORT: 3306, DB_NAME: 'integram', DB_USER: undefined,
  DB_PASSWORD: undefined, DB_CHARSET: 'utf8mb4', DATA_DIR: '/tmp/unused',
};

describe('parseMysqlUrl', () => {
  it('reads user, password, host, port, database with defaults', () => {
    expect(parseMysqlUrl('mysql://root:p%40ss@127.0.0.1:33306/crm')).toEqual({
      host: '127.0.0.1', port: 33306, user: 'root', password: 'p@ss', database: 'crm', charset: 'utf8mb4',
    });
    expect(parseMysqlUrl('mysql://u@db.local')).toMatchObject({ host: 'db.local', port: 3306, database: 'integram', password: '' });
    expect(parseMysqlUrl('mariadb://u:p@h:1/x?charset=utf8mb4_bin')).toMatchObject({ charset: 'utf8mb4_bin' });
  });

  it('reads a unix socket from ?socket=, ?socketPath= or ?unix_socket=, and refuses a relative one', () => {
    expect(parseMysqlUrl('mysql://app:pw@localhost/crm?socket=/run/mysqld/mysqld.sock')).toEqual({
      socketPath: '/run/mysqld/mysqld.sock', host: 'localhost', port: 3306, user: 'app', password: 'pw', database: 'crm', charset: 'utf8mb4',
    });
    expect(parseMysqlUrl('mysql://app@localhost/crm?socketPath=%2Ftmp%2Fmysql.sock')).toMatchObject({ socketPath: '/tmp/mysql.sock' });
    expect(parseMysqlUrl('mysql://app@localhost/crm?unix_socket=/tmp/m.sock&charset=utf8mb4_bin')).toMatchObject({ socketPath: '/tmp/m.sock', charset: 'utf8mb4_bin' });
    expect(parseMysqlUrl('mysql://app@localhost/crm')).not.toHaveProperty('socketPath');
    expect(() => parseMysqlUrl('mysql://app@localhost/crm?socket=mysqld.sock')).toThrow(/socket "mysqld\.sock": expected an absolute path/);
  });

  it('names the target "socket /path" for a socket and host:port otherwise (startup line, /api/health)', () => {
    expect(storeTargetFromConfig({ ...DB_DEFAULTS, DB_SOCKET: '/run/mysqld/mysqld.sock', DB_USER: 'app' })).toMatchObject({
      driver: 'mysql', target: 'socket /run/mysqld/mysqld.sock', mysql: { socketPath: '/run/mysqld/mysqld.sock', user: 'app' },
    });
    // DB_SOCKET alone chooses MySQL (as DB_HOST or DB_USER do)
    expect(storeTargetFromConfig({ ...DB_DEFAULTS, DB_SOCKET: '/s.sock' })).toMatchObject({ driver: 'mysql', target: 'socket /s.sock' });
    expect(storeTargetFromConfig({ ...DB_DEFAULTS, DATABASE_URL: 'mysql://u:p@localhost/x?socket=/s.sock' }).target).toBe('socket /s.sock');
    expect(storeTargetFromConfig({ ...DB_DEFAULTS, DB_HOST: '::1' }).target).toBe('[::1]:3306');
  });

  it('refuses postgresql:// and other schemes clearly', () => {
    expect(() => parseMysqlUrl('postgresql://u:p@h/db')).toThrow(/not supported yet/);
    expect(() => parseMysqlUrl('postgres://u:p@h/db')).toThrow(/not supported yet/);
    expect(() => parseMysqlUrl('redis://h')).toThrow(/scheme "redis" is not supported/);
    expect(() => parseMysqlUrl('not a url')).toThrow(/not a valid URL/);
  });
});

describe('openStore and phase-0 JSON files (PGlite)', () => {
  it('opens PGlite, exports a tenant to DATA_DIR/integram/{db}/tables/rows.json and imports it back', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'integram-json-'));
    try {
      await expect(openStore({})).rejects.toSatisfy((e) => isStoreError(e, 'unsupported'));
      const store = await openStore({ pgliteDir: path.join(dataDir, 'pglite') });
      expect(store.info.driver).toBe('pglite');
      const rows = (JSON.parse(readFileSync(goldenFixture('bootstrap-rows.json'), 'utf8')) as { rows: [] }).rows;
      await store.createDatabase('My', rows);
      const file = await exportTenantToJson(store, dataDir, 'My');
      expect(file).toBe(path.join(dataDir, 'integram', 'my', 'tables', 'rows.json'));
      expect(phase0RowsPath(dataDir, 'my')).toBe(file);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(await listJsonTenants(dataDir)).toEqual(['my']);
      await store.dropDatabase('my');
      expect(await importTenantFromJson(store, dataDir, 'my')).toBe(59);
      expect(await store.exportRows('my')).toEqual(rows);
      await store.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 180_000);
});
