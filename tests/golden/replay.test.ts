/**
 * Replays core.jsonl and core.unpatched.jsonl (recorded from the PHP engine)
 * against our server on PGlite and, when TEST_MYSQL_URL is set, on MariaDB.
 * Every mismatch is reported with its seq/name and a path-wise diff.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { openStore, parseMysqlUrl, type Store } from '../../server/storage/index.js';
import { formatMismatches, loadExchanges, loadRows, replay, startLegacyServer, type RunningServer } from './replay.js';

const CASES = [
  { file: 'core.jsonl', rows: 'start-rows.json' },
  { file: 'core.unpatched.jsonl', rows: 'start-rows.unpatched.json' },
];

interface StoreFactory {
  name: string;
  open(): Promise<{ store: Store; cleanup(): Promise<void> }>;
}

const pglite: StoreFactory = {
  name: 'PGlite',
  async open() {
    const dir = mkdtempSync(join(tmpdir(), 'golden-pglite-'));
    const store = await openStore({ pgliteDir: dir });
    return { store, cleanup: async () => { await store.close(); rmSync(dir, { recursive: true, force: true }); } };
  },
};

const mysqlUrl = process.env.TEST_MYSQL_URL;
const mysql: StoreFactory = {
  name: 'MariaDB',
  async open() {
    const schema = `t_${randomBytes(4).toString('hex')}`;
    const opts = parseMysqlUrl(`${mysqlUrl!.replace(/\/$/, '')}/${schema}`);
    const store = await openStore({ mysql: opts });
    return {
      store,
      cleanup: async () => {
        const mysql2 = await import('mysql2/promise');
        const conn = await mysql2.createConnection({ host: opts.host, port: opts.port, user: opts.user, password: opts.password });
        await store.close();
        await conn.query(`DROP DATABASE IF EXISTS \`${schema}\``);
        await conn.end();
      },
    };
  },
};

if (!mysqlUrl) console.log('golden replay on MariaDB skipped: TEST_MYSQL_URL is not set');

for (const factory of [pglite, mysql]) {
  describe.skipIf(factory === mysql && !mysqlUrl)(`golden replay on ${factory.name}`, () => {
    for (const c of CASES) {
      describe(c.file, () => {
        let server: RunningServer;
        let opened: { store: Store; cleanup(): Promise<void> };
        beforeAll(async () => {
          opened = await factory.open();
          await opened.store.importRows('my', loadRows(c.rows));
          server = await startLegacyServer(() => opened.store);
        }, 120_000);
        afterAll(async () => {
          await server?.close();
          await opened?.cleanup();
        }, 120_000);
        it('matches every recorded exchange', async () => {
          const exchanges = loadExchanges(c.file);
          const { passed, mismatches } = await replay(server.url, exchanges);
          console.log(`${factory.name} ${c.file}: ${passed}/${exchanges.length}`);
          if (mismatches.length) console.log(formatMismatches(c.file, mismatches));
          expect(mismatches.map((m) => `#${m.seq} ${m.name}`)).toEqual([]);
        }, 120_000);
      });
    }
  });
}
