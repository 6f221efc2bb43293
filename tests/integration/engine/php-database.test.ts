/**
 * A database written by the PHP engine opens in place: core-final-rows.json is
 * table `my` exactly as the PHP engine left it after the core.jsonl run. It is
 * loaded into MariaDB with plain SQL (mysql2, not our driver), then our server
 * must answer like the final exchanges of core.jsonl and let `tester` log in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { openStore, parseMysqlUrl, type Store } from '../../../server/storage/index.js';
import { startLegacyServer, type LegacyServer } from '../../support/legacy.js';
import { loadExchanges, loadRows, normalise, jsonDiff } from '../../golden/replay.js';
import { dropSchema } from '../../support/stores.js';
import { MYSQL_URL } from './harness.js';

const PHP_TABLE_SQL = `CREATE TABLE my (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT, up INT UNSIGNED NOT NULL DEFAULT 0, ord INT NOT NULL DEFAULT 0,
  t INT UNSIGNED NOT NULL DEFAULT 0, val MEDIUMTEXT NOT NULL, PRIMARY KEY (id),
  KEY up_t (up, t), KEY t_up (t, up), KEY t_val (t, val(191)), KEY up_ord (up, ord)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`;

describe.skipIf(!MYSQL_URL)('a PHP-written MariaDB database opens in place', () => {
  const schema = `t_${randomBytes(4).toString('hex')}`;
  let store: Store;
  let server: LegacyServer | undefined;
  let url = '';
  let token = '';
  const opts = MYSQL_URL ? parseMysqlUrl(`${MYSQL_URL.replace(/\/$/, '')}/${schema}`) : null;
  const exchanges = loadExchanges('core.jsonl');
  const recorded = (seq: number): unknown => exchanges.find((e) => e.seq === seq)!.response;

  beforeAll(async () => {
    const mysql2 = await import('mysql2/promise');
    const conn = await mysql2.createConnection({ host: opts!.host, port: opts!.port, user: opts!.user, password: opts!.password, charset: 'utf8mb4' });
    await conn.query(`CREATE DATABASE \`${schema}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await conn.query(`USE \`${schema}\``);
    await conn.query(PHP_TABLE_SQL);
    const rows = loadRows('core-final-rows.json');
    for (let i = 0; i < rows.length; i += 200) {
      const chunk = rows.slice(i, i + 200);
      await conn.query('INSERT INTO my (id, up, ord, t, val) VALUES ?', [chunk.map((r) => [r.id, r.up, r.ord, r.t, r.val])]);
    }
    await conn.end();
    store = await openStore({ mysql: opts! });
    server = await startLegacyServer(() => store);
    url = server.url;
  });

  afterAll(async () => {
    await server?.close();
    await store?.close();
    if (opts) await dropSchema(opts);
  });

  const get = async (path: string): Promise<{ status: number; json: unknown }> => {
    const res = await fetch(url + path, { headers: { 'X-Authorization': token } });
    const text = await res.text();
    return { status: res.status, json: JSON.parse(text) as unknown };
  };

  it('tester logs in with tester-pass-1', async () => {
    const res = await fetch(`${url}/my/auth?JSON`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'login=tester&pwd=tester-pass-1' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { token: string; _xsrf: string; id: string };
    expect(body._xsrf).toBe('4c9d4f2ebbfac8393dad26');
    expect(body.id).toBe('1012');
    token = body.token;
  });

  it('metadata of Client matches the final recorded exchange', async () => {
    const res = await get('/my/metadata/1021?JSON');
    expect(jsonDiff(normalise(recorded(135)), normalise(res.json))).toEqual([]);
  });

  it('the Client list matches the recorded list after the deletions', async () => {
    const res = await get('/my/object/1021?JSON_KV');
    expect(jsonDiff(normalise(recorded(124)), normalise(res.json))).toEqual([]);
  });

  it('terms list every table, including the spare column term left by the run', async () => {
    const res = await get('/my/terms?JSON');
    const expected = [...(recorded(65) as { id: number; type: number; name: string }[])];
    expected.splice(2, 0, { id: 1078, type: 3, name: 'Spare' });
    expect(res.json).toEqual(expected);
  });

  it('a new record gets an id after every PHP-written row', async () => {
    const res = await fetch(`${url}/my/_m_new/1019?JSON`, {
      method: 'POST', headers: { 'X-Authorization': token, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `_xsrf=4c9d4f2ebbfac8393dad26&up=1&t1019=Madrid`,
    });
    const body = (await res.json()) as { id: number };
    expect(body.id).toBeGreaterThan(Math.max(...loadRows('core-final-rows.json').map((r) => r.id)));
  });
});
