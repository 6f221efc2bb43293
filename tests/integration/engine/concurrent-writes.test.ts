/**
 * Writes under concurrency, on the real server over PGlite and over MariaDB (TEST_MYSQL_URL):
 * - a unique table keeps one record per value when many `_m_new` with that value arrive at once
 *   (the check and the insert were separate steps: MariaDB stored 2 of 50 parallel requests);
 * - `_m_save` of two records to the same value at once leaves at most one of them with it;
 * - every acknowledged `_m_new` (distinct values, 100 at a time) is in the table afterwards.
 * On the embedded store more requests at once than its admission queue admits within 300 ms are
 * answered `503 busy` (a busy machine gets there with 100); the client sends those again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropServerStore, serverStores } from '../../support/stores.js';
import { bootLegacyApp, LegacyClient, type LegacyApp } from '../../support/bench-app.js';
import { loadRows } from '../../golden/replay.js';

const MYSQL_URL = process.env.TEST_MYSQL_URL;
if (!MYSQL_URL) console.log('concurrent writes on MariaDB skipped: TEST_MYSQL_URL is not set');

const STORES = serverStores('t_conc');

for (const kind of STORES) {
  describe.skipIf(!kind.enabled)(`concurrent writes on ${kind.name}`, () => {
    let app: LegacyApp;
    let c: LegacyClient;
    let uniqueType: number;
    let plainType: number;
    beforeAll(async () => {
      app = await bootLegacyApp({ databaseUrl: kind.databaseUrl });
      await app.store().importRows('my', loadRows('start-rows.json'));
      c = new LegacyClient(app.url);
      await c.login('tester', 'tester-pass-1');
      uniqueType = await c.type('UniqueCode', 3, true);
      plainType = await c.type('PlainNote', 3);
    }, 300_000);
    afterAll(async () => {
      await app?.close();
      await dropServerStore(kind);
    }, 120_000);

    /**
     * A client as it should behave with the embedded store's admission queue: a `503 busy` (with
     * Retry-After) is not an answer to the request, which is sent again; anything else is.
     */
    const postAnswered = async (path: string, form: Record<string, string>) => {
      for (let attempt = 0; ; attempt++) {
        const answer = await c.post(path, form);
        const busy = answer.status === 503 && (answer.json as { code?: string } | null)?.code === 'busy';
        if (!busy || attempt >= 20) return answer;
        await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 400));
      }
    };

    const stored = async (type: number, val?: string) =>
      (await app.store().tenant('my').find({ t: type, up: 1 })).filter((r) => val === undefined || r.val === val);

    it('50 parallel _m_new of one value in a unique table store exactly one record', async () => {
      const answers = await Promise.all(Array.from({ length: 50 }, () => postAnswered(`_m_new/${uniqueType}?JSON`, { up: '1', [`t${uniqueType}`]: 'SAME-CODE' })));
      expect(answers.every((a) => a.status === 200)).toBe(true);
      const records = await stored(uniqueType, 'SAME-CODE');
      expect(records).toHaveLength(1);
      // every answer names that one record: the first created it, the others were told it exists
      const ids = new Set(answers.map((a) => Number((a.json as { id: number }).id)));
      expect([...ids]).toEqual([records[0].id]);
      expect(answers.filter((a) => (a.json as { warning?: string }).warning === 'Запись уже существует')).toHaveLength(49);
    }, 120_000);

    it('two records saved to one value at once: at most one gets it', async () => {
      const a = await c.record(uniqueType, { [`t${uniqueType}`]: 'FIRST' });
      const b = await c.record(uniqueType, { [`t${uniqueType}`]: 'SECOND' });
      await Promise.all([a, b, a, b].map((id) => postAnswered(`_m_save/${id}?JSON`, { [`t${uniqueType}`]: 'CLASH' })));
      expect(await stored(uniqueType, 'CLASH')).toHaveLength(1);
    }, 120_000);

    it('every acknowledged _m_new of distinct values, 100 at a time, is stored', async () => {
      const acknowledged: number[] = [];
      for (let round = 0; round < 3; round++) {
        const answers = await Promise.all(Array.from({ length: 100 }, (_, i) =>
          postAnswered(`_m_new/${plainType}?JSON`, { up: '1', [`t${plainType}`]: `note ${round}-${i}` })));
        for (const a of answers) {
          expect(a.status).toBe(200);
          acknowledged.push(Number((a.json as { id: number }).id));
        }
      }
      const ids = new Set((await stored(plainType)).map((r) => r.id));
      expect(acknowledged.filter((id) => !ids.has(id))).toEqual([]);
      expect(new Set(acknowledged).size).toBe(300);
    }, 180_000);
  });
}
