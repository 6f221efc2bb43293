/**
 * Copy and move never walk into their own output (docs/compatibility.md, "Deliberate differences"):
 * the PHP engine copies a self-parented root (id 1, up 1, as real databases have it) into itself
 * without end, growing the table until the request is killed. Here a copy reads the subtree before
 * it writes, the root is refused, one copy is bounded, and a record never moves into its own
 * subtree. On the real server over PGlite, and over MariaDB when TEST_MYSQL_URL is set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropServerStore, serverStores } from '../../support/stores.js';
import { bootLegacyApp, LegacyClient, type LegacyApp } from '../../support/bench-app.js';
import { loadRows } from '../../golden/replay.js';
import type { Row } from '../../../server/storage/types.js';
import { forbiddenChanges } from '../fuzz/snapshots.js';
import { COPY_ROW_LIMIT } from '../../../server/engine/dml.js';

const MYSQL_URL = process.env.TEST_MYSQL_URL;
if (!MYSQL_URL) console.log('structure guards on MariaDB skipped: TEST_MYSQL_URL is not set');

const STORES = serverStores('t_guard');

const errorOf = (json: unknown): string | undefined => (Array.isArray(json) ? (json[0] as { error?: string } | undefined)?.error : undefined);

for (const kind of STORES) {
  describe.skipIf(!kind.enabled)(`copy and move guards on ${kind.name}`, () => {
    let app: LegacyApp;
    let c: LegacyClient;
    let folder: number;
    let parentRecord: number;
    let childRecord: number;
    let rows: () => Promise<Row[]>;
    beforeAll(async () => {
      app = await bootLegacyApp({ databaseUrl: kind.databaseUrl });
      await app.store().importRows('my', loadRows('start-rows.json'));
      rows = () => app.store().exportRows('my');
      c = new LegacyClient(app.url);
      await c.login('tester', 'tester-pass-1');
      // a table whose records hold records of the same table (a subordinate table of itself)
      folder = await c.type('GuardFolder', 3);
      await c.attach(folder, folder);
      parentRecord = await c.record(folder, { [`t${folder}`]: 'parent' });
      childRecord = await c.record(folder, { [`t${folder}`]: 'child' }, parentRecord);
      // a move target must hold rows of its own
      await c.record(folder, { [`t${folder}`]: 'grandchild' }, childRecord);
    }, 300_000);
    afterAll(async () => {
      await app?.close();
      await dropServerStore(kind);
    }, 120_000);

    it('copying the root (id 1, its own parent) is refused at once and writes nothing', async () => {
      const before = await rows();
      expect(before.find((r) => r.id === 1)).toMatchObject({ up: 1 });
      const a = await c.post('_m_save/1?JSON', { copybtn: '1' });
      expect(a.status).toBe(400);
      expect(errorOf(a.json)).toBe('Cannot copy the root record');
      expect(forbiddenChanges(before, await rows())).toEqual([]);
    });

    it('copying metadata is refused as the PHP engine refuses it', async () => {
      const before = await rows();
      const a = await c.post('_m_save/18?JSON', { copybtn: '1' });
      expect(a.text).toBe('Cannot update meta-data');
      expect(forbiddenChanges(before, await rows())).toEqual([]);
    });

    it('a record with a subordinate record is copied once, with its subtree, under the same parent', async () => {
      const before = await rows();
      const a = await c.post(`_m_save/${parentRecord}?JSON`, { copybtn: '1' });
      expect(a.status).toBe(200);
      const copy = Number((a.json as { obj: number }).obj);
      const after = await rows();
      const added = after.filter((r) => !before.some((b) => b.id === r.id));
      // the record and its child record: the same values, the child under the copy
      expect(added.find((r) => r.id === copy)).toMatchObject({ up: 1, t: folder, val: 'parent' });
      expect(added.filter((r) => r.up === copy && r.t === folder).map((r) => r.val)).toEqual(['child']);
      const subtree = (id: number): Row[] => before.filter((r) => r.up === id).flatMap((r) => [r, ...subtree(r.id)]);
      expect(added).toHaveLength(1 + subtree(parentRecord).length);
    });

    it(`a copy of more than ${COPY_ROW_LIMIT} rows is refused with a clear error and writes nothing`, async () => {
      const big = await c.record(folder, { [`t${folder}`]: 'big' });
      const current = await rows();
      const maxId = Math.max(...current.map((r) => r.id));
      const cells: Row[] = Array.from({ length: COPY_ROW_LIMIT + 1 }, (_, i) => ({ id: maxId + 1 + i, up: big, ord: i + 1, t: folder, val: `cell ${i}` }));
      await app.store().importRows('my', [...current, ...cells], { replace: true });
      app.engine.invalidate('my');
      const before = await rows();
      const a = await c.post(`_m_save/${big}?JSON`, { copybtn: '1' });
      expect(a.status).toBe(400);
      expect(errorOf(a.json)).toBe(`The record is too large to copy (more than ${COPY_ROW_LIMIT} rows)`);
      expect((await rows()).length).toBe(before.length);
    }, 120_000);

    it('a record does not move under itself or under its own subordinate record; the root does not move', async () => {
      const before = await rows();
      for (const [id, up] of [[parentRecord, parentRecord], [parentRecord, childRecord], [1, parentRecord]]) {
        const a = await c.post(`_m_move/${id}?JSON`, { up: String(up) });
        expect(a.status, `move ${id} under ${up}: ${a.text}`).toBe(400);
        expect(errorOf(a.json)).toBe('Cannot move a record into its own subtree');
      }
      expect(forbiddenChanges(before, await rows())).toEqual([]);
    });
  });
}
