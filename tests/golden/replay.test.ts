/**
 * Replays core.jsonl, core.unpatched.jsonl (database `my`) and reports.jsonl (database `rep1`),
 * recorded from the PHP engine, against our server on PGlite and, when TEST_MYSQL_URL is set, on
 * MariaDB. Every mismatch is reported with its seq/name and a path-wise diff.
 * REPLAY_ONLY=<file> runs one recording only (while working on it; a comma list: those).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLegacyServer, type LegacyServer } from '../support/legacy.js';
import { TEST_STORES, type TestStore } from '../support/stores.js';
import { formatMismatches, loadExchanges, loadRows, replay } from './replay.js';

const CASES = [
  { file: 'core.jsonl', rows: 'start-rows.json', db: 'my' },
  { file: 'core.unpatched.jsonl', rows: 'start-rows.unpatched.json', db: 'my' },
  { file: 'reports.jsonl', rows: 'reports-start-rows.json', db: 'rep1' },
];

if (!process.env.TEST_MYSQL_URL) console.log('golden replay on MariaDB skipped: TEST_MYSQL_URL is not set');

for (const factory of TEST_STORES) {
  describe.skipIf(!factory.enabled)(`golden replay on ${factory.name}`, () => {
    for (const c of CASES.filter((x) => !process.env.REPLAY_ONLY || process.env.REPLAY_ONLY.split(',').includes(x.file))) {
      describe(c.file, () => {
        let server: LegacyServer;
        let opened: TestStore;
        beforeAll(async () => {
          opened = await factory.open();
          await opened.store.importRows(c.db, loadRows(c.rows));
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
