/**
 * The built server under Bun (from npm: the `bun` package's Linux binary), as the deployment guide
 * runs it (`bun dist/server/index.js`): it starts, opens its store, and answers the PHP engine's
 * core recording exactly as under Node, on the embedded PGlite (worker thread included) and on MariaDB.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withStore } from '../../bench/seed.js';
import { formatMismatches, loadExchanges, loadRows, replay } from '../../golden/replay.js';
import { ORACLE } from '../../support/legacy.js';
import { REPO_ROOT, spawnServer, type ServerProcess } from '../../support/server.js';
import { dropSchema, privateSchemaOptions, TEST_MYSQL_URL } from '../../support/stores.js';

/** the binary of the `bun` dev dependency's platform package (the repository's .npmrc runs no install scripts, so not .bin/bun) */
const BUN = [`bun-${process.platform}-${process.arch}`, `bun-${process.platform}-${process.arch}-baseline`, `bun-${process.platform}-${process.arch === 'arm64' ? 'aarch64' : process.arch}`]
  .map((pkg) => path.join(REPO_ROOT, 'node_modules', '@oven', pkg, 'bin', 'bun'))
  .find((file) => existsSync(file)) ?? '';
const hasBun = BUN !== '';
if (!hasBun) {
  if (process.env.CI === 'true' || process.env.CI === '1') throw new Error('bun is not installed (npm ci installs it from npm): in CI the Bun suite must run');
  console.warn('[deploy/bun] no Bun binary for this platform under node_modules/@oven (npm ci): suite skipped');
}

const STORES = [
  { name: 'PGlite', enabled: true },
  { name: 'MariaDB', enabled: Boolean(TEST_MYSQL_URL) },
];

for (const kind of STORES) {
  describe.skipIf(!hasBun || !kind.enabled)(`under Bun on ${kind.name}`, { timeout: 180_000 }, () => {
    let server: ServerProcess;
    const schema = kind.name === 'MariaDB' ? privateSchemaOptions('bun') : null;

    beforeAll(async () => {
      const env: Record<string, string> = {
        AUTH_SALT: ORACLE.salt, INTEGRAM_MASTER_PASSWORD: ORACLE.masterPassword, SERVER_NAME: ORACLE.serverName, LOG_LEVEL: 'warn', LOG_FILE: 'off',
      };
      if (schema) {
        await withStore({ mysql: schema }, (store) => store.importRows('my', loadRows('start-rows.json')));
        env.DATABASE_URL = `${TEST_MYSQL_URL!.replace(/\/+$/, '')}/${schema.database}`;
      }
      server = await spawnServer({ executable: BUN, entry: 'built', env });
      if (!schema) {
        // the embedded store of a fresh data folder, then the recording's rows through the same folder
        await server.waitFor(async () => (await fetch(`${server.url}/health/ready`)).ok, 'store open', 120_000);
        await server.stop();
        await withStore({ pgliteDir: path.join(server.dataDir, 'pglite') }, (store) => store.importRows('my', loadRows('start-rows.json')));
        server = await spawnServer({ executable: BUN, entry: 'built', env, dataDir: server.dataDir });
      }
      await server.waitFor(async () => (await fetch(`${server.url}/health/ready`)).ok, 'store open', 120_000);
    });

    afterAll(async () => {
      await server?.close();
      if (schema) await dropSchema(schema);
    });

    it('runs under Bun', async () => {
      const info = await fetch(`${server.url}/api/deployment-info`).then((r) => r.json() as Promise<{ bunVersion?: string }>);
      expect(info.bunVersion).toMatch(/^1\.\d+\.\d+/);
    });

    it('answers the PHP engine\'s core recording exactly', async () => {
      const exchanges = loadExchanges('core.jsonl');
      const { passed, mismatches } = await replay(server.url, exchanges);
      if (mismatches.length) console.log(formatMismatches('core.jsonl', mismatches));
      expect(mismatches.map((m) => `#${m.seq} ${m.name}`)).toEqual([]);
      expect(passed).toBe(exchanges.length);
    });
  });
}
