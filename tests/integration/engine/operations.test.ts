/** The engine's typed facade (used by /api/v2, /api/auth, organizations) runs the same rules as the legacy URL API. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../../server/storage/index.js';
import { createEngine, EngineCallError, type Engine, type LegacyCredentials } from '../../../server/engine/index.js';
import { loadRows } from '../../golden/replay.js';
import { openTestPglite, type TestStore } from '../../support/stores.js';

type Ops = Engine['operations'];
const listTypes = (ops: Ops, creds: LegacyCredentials) => ops.call('my', 'terms', { token: creds.token }) as Promise<{ id: number }[]>;
const listObjects = (ops: Ops, creds: LegacyCredentials, typeId: number) =>
  ops.call('my', 'object', { id: String(typeId), token: creds.token, query: { JSON_OBJ: '' } }) as Promise<{ i: number; r: unknown[] }[]>;
const post = (creds: LegacyCredentials, values: Record<string, string>) => ({ _xsrf: creds.xsrf, ...values });

describe('engine operations', () => {
  let opened: TestStore;
  let store: Store;
  let engine: Engine;
  beforeAll(async () => {
    opened = await openTestPglite();
    store = opened.store;
    await store.importRows('my', loadRows('start-rows.json'));
    engine = createEngine({ store: () => store, salt: 'oracle-salt' });
  }, 120_000);
  afterAll(async () => {
    await opened.cleanup();
  });

  it('login, list types, create, read, update and delete a record', async () => {
    const creds = await engine.operations.login('my', 'tester', 'tester-pass-1');
    expect(creds).toMatchObject({ xsrf: '4c9d4f2ebbfac8393dad26', userId: 1012 });
    const ops = engine.operations;
    const types = await listTypes(ops, creds);
    expect(types.map((t) => t.id)).toEqual([151, 18, 42, 47]);
    const meta = (await ops.call('my', 'metadata', { id: '42', token: creds.token })) as { val: string };
    expect(meta.val).toBe('Роль');
    const created = (await ops.call('my', '_m_new', { id: '47', token: creds.token, post: post(creds, { up: '1', t47: 'AUDIT' }) })) as { id: number };
    const id = Number(created.id);
    await ops.call('my', '_m_save', { id: String(id), token: creds.token, post: post(creds, { t47: 'AUDITOR' }) });
    const rows = await listObjects(ops, creds, 47);
    expect(rows.find((r) => r.i === id)?.r[0]).toBe('AUDITOR');
    await ops.call('my', '_m_del', { id: String(id), token: creds.token, post: post(creds, {}) });
    expect((await listObjects(ops, creds, 47)).some((r) => r.i === id)).toBe(false);
  });

  it('failures become EngineCallError with the engine status', async () => {
    await expect(engine.operations.login('my', 'tester', 'nope')).rejects.toBeInstanceOf(EngineCallError);
    const creds = await engine.operations.login('my', 'tester', 'tester-pass-1');
    await expect(engine.operations.call('my', '_m_del', { id: '999999', token: creds.token, post: post(creds, {}) })).rejects.toMatchObject({ status: 403 });
  });

  it('TOKEN_TTL: an idle token stops authenticating (compat), login brings it back', async () => {
    let now = Date.now();
    const timed = createEngine({ store: () => store, salt: 'oracle-salt', tokenTtlSeconds: 60, metaTtlMs: 0, clock: { now: () => now } });
    const creds = await timed.operations.login('my', 'tester', 'tester-pass-1');
    expect((await listTypes(timed.operations, creds)).length).toBeGreaterThan(0);
    now += 120_000;
    await expect(listTypes(timed.operations, creds)).rejects.toMatchObject({ status: 400 });
    const again = await timed.operations.login('my', 'tester', 'tester-pass-1');
    expect(again.token).toBe(creds.token);
    expect((await listTypes(timed.operations, again)).length).toBeGreaterThan(0);
  });

  it('an unavailable store is a 503, not a crash', async () => {
    const broken = createEngine({ store: () => { throw new Error('degraded'); }, salt: 'x' });
    const res = await broken.handle({ db: 'my', action: 'xsrf', segments: ['xsrf'], query: { JSON: '' }, post: {}, cookies: {}, headers: {}, method: 'GET', remoteAddr: '127.0.0.1', host: 'h', uri: '/my/xsrf?JSON' });
    expect(res.status).toBe(503);
  });
});
