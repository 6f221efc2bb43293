/** The typed engine operations (for a later /api/v2) run the same rules as the legacy URL API. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../../../server/storage/index.js';
import { createEngine, type Engine } from '../../../server/engine/index.js';
import { EngineOperationError } from '../../../server/engine/operations.js';
import { loadRows } from '../../golden/replay.js';

describe('engine operations', () => {
  let dir: string;
  let store: Store;
  let engine: Engine;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'engine-ops-'));
    store = await openStore({ pgliteDir: dir });
    await store.importRows('my', loadRows('start-rows.json'));
    engine = createEngine({ store: () => store, salt: 'oracle-salt' });
  }, 120_000);
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('login, list types, create, read, update and delete a record', async () => {
    const creds = await engine.operations.login('my', 'tester', 'tester-pass-1');
    expect(creds).toMatchObject({ xsrf: '4c9d4f2ebbfac8393dad26', userId: 1012 });
    const types = await engine.operations.listTypes('my', creds);
    expect(types.map((t) => t.id)).toEqual([151, 18, 42, 47]);
    const meta = (await engine.operations.getType('my', creds, 42)) as { val: string };
    expect(meta.val).toBe('Роль');
    const { id } = await engine.operations.createObject('my', creds, 47, { 47: 'AUDIT' });
    await engine.operations.updateObject('my', creds, id, { 47: 'AUDITOR' });
    const rows = await engine.operations.listObjects('my', creds, 47);
    expect(rows.find((r) => r.i === id)?.r[0]).toBe('AUDITOR');
    await engine.operations.deleteObject('my', creds, id);
    expect((await engine.operations.listObjects('my', creds, 47)).some((r) => r.i === id)).toBe(false);
  });

  it('failures become EngineOperationError with the engine status', async () => {
    await expect(engine.operations.login('my', 'tester', 'nope')).rejects.toBeInstanceOf(EngineOperationError);
    const creds = await engine.operations.login('my', 'tester', 'tester-pass-1');
    await expect(engine.operations.deleteObject('my', creds, 999999)).rejects.toMatchObject({ status: 403 });
  });

  it('TOKEN_TTL: an idle token stops authenticating (compat), login brings it back', async () => {
    let now = Date.now();
    const timed = createEngine({ store: () => store, salt: 'oracle-salt', tokenTtlSeconds: 60, metaTtlMs: 0, clock: { now: () => now } });
    const creds = await timed.operations.login('my', 'tester', 'tester-pass-1');
    expect((await timed.operations.listTypes('my', creds)).length).toBeGreaterThan(0);
    now += 120_000;
    await expect(timed.operations.listTypes('my', creds)).rejects.toMatchObject({ status: 400 });
    const again = await timed.operations.login('my', 'tester', 'tester-pass-1');
    expect(again.token).toBe(creds.token);
    expect((await timed.operations.listTypes('my', again)).length).toBeGreaterThan(0);
  });

  it('an unavailable store is a 503, not a crash', async () => {
    const broken = createEngine({ store: () => { throw new Error('degraded'); }, salt: 'x' });
    const res = await broken.handle({ db: 'my', action: 'xsrf', segments: ['xsrf'], query: { JSON: '' }, post: {}, cookies: {}, headers: {}, method: 'GET', remoteAddr: '127.0.0.1', host: 'h', uri: '/my/xsrf?JSON' });
    expect(res.status).toBe(503);
  });
});
