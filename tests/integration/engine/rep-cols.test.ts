/**
 * `rep_cols` beyond the recording (tests/golden/fixtures/rep-cols.jsonl): a column whose type is
 * gone keeps its place empty, and then the engine's answer is an object keyed by position (PHP's
 * json_encode of an array with a hole). PGlite and MariaDB.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, STORES, TestServer } from './harness.js';

for (const kind of STORES) {
  describe.skipIf(!kind.enabled)(`rep_cols on ${kind.name}`, () => {
    let server: TestServer;
    let c: Client;
    beforeAll(async () => {
      server = await TestServer.start(kind);
      c = new Client(server);
      expect((await c.login('tester', 'tester-pass-1')).status).toBe(200);
    }, 120_000);
    afterAll(async () => server?.stop(), 120_000);

    it('answers an array, and an object keyed by position once a column has no type', async () => {
      const table = await c.table('Aaa склад', 3, [{ name: 'Aaa вес', base: 13 }]);
      const before = await c.get('rep_cols?JSON');
      expect(Array.isArray(before.json)).toBe(true);
      const list = before.json as { id: string; name: string }[];
      const at = list.findIndex((col) => col.id === String(table.type));
      expect(list[at + 1]).toEqual({ id: String(table.cols[0]), name: 'Aaa склад -> Aaa вес', type: expect.any(String), base: 'NUMBER', table: String(table.type) });
      // a column pointing at a type that no longer exists
      await server.store.transaction('my', (tx) => tx.insert({ up: table.type, ord: 2, t: 999_999, val: '' }));
      server.invalidate('my');
      const after = await c.get('rep_cols?JSON');
      const keyed = after.json as Record<string, { id: string }>;
      expect(Array.isArray(keyed)).toBe(false);
      expect(keyed[String(at + 1)].id).toBe(String(table.cols[0]));
      expect(keyed[String(at + 2)]).toBeUndefined();
      expect(keyed[String(at + 3)]).toBeDefined();
      expect(Object.values(keyed).at(-1)).toEqual({ id: '0', name: 'Вычисляемое' });
    });
  });
}
