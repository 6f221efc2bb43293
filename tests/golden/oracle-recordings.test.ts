/**
 * Replays every recording made with tests/golden/record (a `<name>.jsonl` with its
 * `<name>-start-rows.json` and `<name>-final-rows.json`) on PGlite and, when TEST_MYSQL_URL is set,
 * on MariaDB: each answer must match the engine's (docs/testing-fixtures.md), and afterwards the
 * tenant's rows must equal the engine's rows after the same requests.
 * REPLAY_ONLY=<name>.jsonl runs one recording only (a comma list: those).
 */
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLegacyServer, type LegacyServer } from '../support/legacy.js';
import { TEST_STORES, type TestStore } from '../support/stores.js';
import { FIXTURES, formatMismatches, loadExchanges, loadRows, replay, rowDiff } from './replay.js';

const dir = fileURLToPath(FIXTURES);
const RECORDINGS = readdirSync(dir)
  // a recorder recording has both rows files (core.jsonl has a final-rows file of its own use, no start-rows)
  .filter((f) => f.endsWith('.jsonl') && ['start', 'final'].every((k) => existsSync(`${dir}/${f.replace(/\.jsonl$/, '')}-${k}-rows.json`)))
  .filter((f) => !process.env.REPLAY_ONLY || process.env.REPLAY_ONLY.split(',').includes(f))
  .map((file) => {
    const name = file.replace(/\.jsonl$/, '');
    const exchanges = loadExchanges(file);
    // the tenant is the first path segment of the first request
    const db = /^\/([^/?]+)/.exec(exchanges[0]?.url ?? '')?.[1] ?? '';
    // other tenants the scenario created, whose rows are compared too
    const others = readdirSync(dir)
      .map((f) => new RegExp(`^${name}-final-rows\\.([a-z0-9_]+)\\.json$`).exec(f)?.[1])
      .filter((t): t is string => t !== undefined);
    // more tenants the scenario started from
    const starts = readdirSync(dir)
      .map((f) => new RegExp(`^${name}-start-rows\\.([a-z0-9_]+)\\.json$`).exec(f)?.[1])
      .filter((t): t is string => t !== undefined);
    return { file, name, db, exchanges, others, starts };
  });

describe('oracle recordings are present', () => {
  it('finds the recordings made with tests/golden/record', () => {
    expect(RECORDINGS.length).toBeGreaterThan(0);
  });
});

for (const factory of TEST_STORES) {
  describe.skipIf(!factory.enabled)(`oracle recordings on ${factory.name}`, () => {
    for (const rec of RECORDINGS) {
      describe(rec.file, () => {
        let server: LegacyServer;
        let opened: TestStore;
        beforeAll(async () => {
          opened = await factory.open();
          await opened.store.importRows(rec.db, loadRows(`${rec.name}-start-rows.json`));
          for (const other of rec.starts) await opened.store.importRows(other, loadRows(`${rec.name}-start-rows.${other}.json`));
          server = await startLegacyServer(() => opened.store);
        }, 120_000);
        afterAll(async () => {
          await server?.close();
          await opened?.cleanup();
        }, 120_000);
        it('answers every exchange as the engine did and leaves the same rows', async () => {
          const { passed, mismatches } = await replay(server.url, rec.exchanges);
          console.log(`${factory.name} ${rec.file}: ${passed}/${rec.exchanges.length}`);
          if (mismatches.length) console.log(formatMismatches(rec.file, mismatches));
          const rows = rowDiff(loadRows(`${rec.name}-final-rows.json`), await opened.store.exportRows(rec.db), rec.db);
          for (const other of rec.others) {
            const ours = (await opened.store.databaseExists(other)) ? await opened.store.exportRows(other) : [];
            rows.push(...rowDiff(loadRows(`${rec.name}-final-rows.${other}.json`), ours).map((line) => `${other}: ${line}`));
          }
          if (rows.length) console.log(`${rec.file} rows:\n  ${rows.join('\n  ')}`);
          expect({ exchanges: mismatches.map((m) => `#${m.seq} ${m.name}`), rows }).toEqual({ exchanges: [], rows: [] });
        }, 180_000);
      });
    }
  });
}
