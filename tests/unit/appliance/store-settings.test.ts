import { describe, expect, it } from 'vitest';
import { sameStore, storeChosenInEnvironment, storeSettings } from '../../../server/appliance/store-move.js';
import { embeddedTarget, mysqlTarget } from '../../../server/storage/target.js';

const base = { host: '127.0.0.1', port: 3306, user: 'app', password: 'pw', database: 'integram' };

describe('the settings a store move writes, with a unix socket', () => {
  it('writes DB_SOCKET for a socket target and removes it for TCP and the embedded store', () => {
    expect(storeSettings(mysqlTarget({ ...base, socketPath: '/run/mysqld/mysqld.sock' }))).toMatchObject({
      DATABASE_URL: null, DB_SOCKET: '/run/mysqld/mysqld.sock', DB_USER: 'app', DB_PASSWORD: 'pw', DB_NAME: 'integram',
    });
    expect(storeSettings(mysqlTarget(base))).toMatchObject({ DB_SOCKET: null, DB_HOST: '127.0.0.1', DB_PORT: '3306' });
    expect(storeSettings(embeddedTarget('/tmp/data'))).toMatchObject({ DB_SOCKET: null, DB_HOST: null, DATABASE_URL: null });
  });

  it('tells the same socket from another socket and from TCP', () => {
    const socket = mysqlTarget({ ...base, socketPath: '/run/mysqld/mysqld.sock' });
    expect(sameStore(socket, mysqlTarget({ ...base, host: 'localhost', socketPath: '/run/mysqld/mysqld.sock', database: 'INTEGRAM' }))).toBe(true);
    expect(sameStore(socket, mysqlTarget({ ...base, socketPath: '/tmp/other.sock' }))).toBe(false);
    expect(sameStore(socket, mysqlTarget(base))).toBe(false);
  });

  it('counts DB_SOCKET in the environment as choosing the store', () => {
    expect(storeChosenInEnvironment({ DB_SOCKET: '/run/mysqld/mysqld.sock' })).toEqual(['DB_SOCKET']);
  });
});
