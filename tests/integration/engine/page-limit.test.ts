/**
 * A list page is bounded whatever LIMIT says (docs/compatibility.md, "Deliberate differences"):
 * PHP's (int) turns LIMIT=1e99 or a 24-digit LIMIT into PHP_INT_MAX and answers every record;
 * here such a page holds MAX_PAGE_ROWS records. Values PHP's (int) reads as numbers keep their
 * meaning (1e2 = 100, 10.5 = 10, "abc" = 0).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootLegacyApp, LegacyClient, type LegacyApp } from '../../support/bench-app.js';
import { loadRows } from '../../golden/replay.js';
import type { Row } from '../../../server/storage/types.js';
import { MAX_PAGE_ROWS } from '../../../server/engine/lists.js';

describe('list page bound on PGlite', () => {
  let app: LegacyApp;
  let c: LegacyClient;
  let type: number;
  beforeAll(async () => {
    app = await bootLegacyApp({});
    await app.store().importRows('my', loadRows('start-rows.json'));
    c = new LegacyClient(app.url);
    await c.login('tester', 'tester-pass-1');
    type = await c.type('Bounded', 3);
    const rows = await app.store().exportRows('my');
    const next = Math.max(...rows.map((r) => r.id)) + 1;
    const records: Row[] = Array.from({ length: MAX_PAGE_ROWS + 50 }, (_, i) => ({ id: next + i, up: 1, ord: 1, t: type, val: `r${i}` }));
    await app.store().importRows('my', [...rows, ...records], { replace: true });
    app.engine.invalidate('my');
  }, 300_000);
  afterAll(async () => {
    await app?.close();
  }, 120_000);

  const count = async (limit: string): Promise<number> => {
    const a = await c.get(`object/${type}?JSON_OBJ&LIMIT=${encodeURIComponent(limit)}`);
    expect(a.status).toBe(200);
    return (a.json as unknown[]).length;
  };

  it('LIMIT=1e99 and a 24-digit LIMIT answer one bounded page, not every record', async () => {
    expect(await count('1e99')).toBe(MAX_PAGE_ROWS);
    expect(await count('999999999999999999999999')).toBe(MAX_PAGE_ROWS);
    expect(await count(`0,${'9'.repeat(24)}`)).toBe(MAX_PAGE_ROWS);
  }, 60_000);

  it('LIMIT values PHP reads as numbers keep their meaning', async () => {
    expect(await count('1e2')).toBe(100);
    expect(await count('10.5')).toBe(10);
    expect(await count('abc')).toBe(0);
    expect(await count('5,3')).toBe(3);
  }, 60_000);
});
