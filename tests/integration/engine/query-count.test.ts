/**
 * A list request costs a constant number of store round trips (issue #3:
 * at most 3), whatever the number of rows and columns; a report run is one statement
 * after reading its definition. The store is the real
 * PGlite store; a thin counting wrapper records which tenant methods run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../../server/storage/index.js';
import { createEngine, type LegacyRequest } from '../../../server/engine/index.js';
import { startLegacyServer, type LegacyServer } from '../../support/legacy.js';
import { spyStore } from '../../support/store-spy.js';
import { openTestPglite, type TestStore } from '../../support/stores.js';
import { loadExchanges, loadRows, replay } from '../../golden/replay.js';

/** the store, noting the name of every tenant method called and of every databaseExists */
function counting(store: Store, calls: string[]): Store {
  return spyStore(store, {
    tenant: (method, call) => { calls.push(method); return call(); },
    store: (method, call) => { if (method === 'databaseExists') calls.push(method); return call(); },
  });
}

describe('queries per request', () => {
  let opened: TestStore;
  let store: Store;
  let server: LegacyServer;
  let url = '';
  const calls: string[] = [];
  let token = '';
  let xsrf = '';

  beforeAll(async () => {
    opened = await openTestPglite();
    store = opened.store;
    await store.importRows('my', loadRows('start-rows.json'));
    const wrapped = counting(store, calls);
    // long cache lifetimes so a slow CI machine cannot expire them between the two requests
    server = await startLegacyServer(() => wrapped, { masterPassword: undefined, cacheTtlMs: 60_000 });
    url = server.url;
    const login = await fetch(`${url}/my/auth?JSON`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'login=tester&pwd=tester-pass-1' });
    ({ token, _xsrf: xsrf } = (await login.json()) as { token: string; _xsrf: string });
    // a table with 6 columns (one reference) and 60 records
    const post = async (path: string, body: Record<string, string>): Promise<Record<string, unknown>> => {
      const res = await fetch(`${url}/my/${path}`, { method: 'POST', headers: { 'X-Authorization': token, 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _xsrf: xsrf, ...body }).toString() });
      return (await res.json()) as Record<string, unknown>;
    };
    const type = Number((await post('_d_new?JSON', { val: 'Wide', t: '3' })).obj);
    const cols: number[] = [];
    for (const [name, base] of [['c1', '3'], ['c2', '13'], ['c3', '9'], ['c4', '14'], ['c5', '11']]) {
      const term = Number((await post('_d_new?JSON', { val: name, t: base })).obj);
      cols.push(Number((await post(`_d_req/${type}?JSON`, { t: String(term) })).id));
    }
    const ref = Number((await post('_d_ref/18?JSON', {})).obj);
    cols.push(Number((await post(`_d_req/${type}?JSON`, { t: String(ref) })).id));
    for (let i = 0; i < 60; i++) {
      await post(`_m_new/${type}?JSON`, { up: '1', [`t${type}`]: `row ${i}`, [`t${cols[0]}`]: `x${i}`, [`t${cols[1]}`]: String(i), [`t${cols[2]}`]: '2024-01-01', [`t${cols[3]}`]: '1.5', [`t${cols[4]}`]: '1', [`t${cols[5]}`]: '1012' });
    }
    (globalThis as Record<string, unknown>).__wide = type;
  }, 120_000);

  afterAll(async () => {
    await server.close();
    await opened.cleanup();
  });

  const measure = async (path: string): Promise<string[]> => {
    await fetch(url + path, { headers: { 'X-Authorization': token } }); // warm the caches
    calls.length = 0;
    const res = await fetch(url + path, { headers: { 'X-Authorization': token } });
    expect(res.status).toBe(200);
    await res.text();
    return [...calls];
  };

  it('object list (JSON, JSON_OBJ, filtered, limited) costs one store round trip (the target is at most 3 queries, docs/benchmarks.md)', async () => {
    const type = (globalThis as Record<string, unknown>).__wide as number;
    for (const q of ['JSON', 'JSON_OBJ', 'JSON_KV&LIMIT=0,50', `JSON_OBJ&F_${type}=%25row 1%25`, 'JSON_DATA&LIMIT=20&ORDER=-' + type]) {
      const used = await measure(`/my/object/${type}?${q}`);
      expect(used, q).toEqual(['listPage']);
    }
  });

  it('metadata, dict, terms and xsrf cost at most one query (the activity write)', async () => {
    for (const p of ['/my/metadata/18?JSON', '/my/dict?JSON', '/my/terms?JSON', '/my/xsrf?JSON']) {
      const used = await measure(p);
      expect(used.length, `${p}: ${used.join(',')}`).toBeLessThanOrEqual(1);
    }
  });
});

describe('queries per report run', () => {
  let opened: TestStore;
  let server: LegacyServer;
  const calls: string[] = [];
  let token = '';

  beforeAll(async () => {
    opened = await openTestPglite();
    await opened.store.importRows('rep1', loadRows('reports-start-rows.json'));
    server = await startLegacyServer(() => counting(opened.store, calls), { masterPassword: undefined, cacheTtlMs: 60_000 });
    const { mismatches } = await replay(server.url, loadExchanges('reports.jsonl'));
    expect(mismatches).toEqual([]);
    const login = await fetch(`${server.url}/rep1/auth?JSON`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'login=tester&pwd=tester-pass-1' });
    token = ((await login.json()) as { token: string }).token;
  }, 120_000);

  afterAll(async () => {
    await server.close();
    await opened.cleanup();
  });

  it('a report is one statement (a count is its own), after the definition reads (record, its cells, its columns\' cells)', async () => {
    // orders_join with a filter, sales_by_client (grouped, totals), RECORD_COUNT
    for (const [path, statement] of [
      ['/rep1/report/1094?JSON_KV&FR_city=Moscow', 'reportRows'],
      ['/rep1/report/1114?JSON', 'reportRows'],
      ['/rep1/report/1094?JSON&RECORD_COUNT', 'reportCount'],
    ]) {
      await fetch(server.url + path, { headers: { 'X-Authorization': token } }); // warm the caches
      calls.length = 0;
      const res = await fetch(server.url + path, { headers: { 'X-Authorization': token } });
      expect(res.status).toBe(200);
      await res.text();
      expect(calls.filter((c) => c.startsWith('report')), path).toEqual([statement]);
      expect(calls.length, `${path}: ${calls.join(',')}`).toBeLessThanOrEqual(5);
    }
  });
});

describe('caches refilled under concurrency', () => {
  let opened: TestStore;
  const calls: string[] = [];

  beforeAll(async () => {
    opened = await openTestPglite();
    await opened.store.importRows('my', loadRows('start-rows.json'));
  }, 120_000);

  afterAll(async () => {
    await opened.cleanup();
  });

  it('32 requests arriving after the metadata and session caches expired share one load of each', async () => {
    let now = Date.UTC(2026, 0, 15, 12, 0, 0);
    const engine = createEngine({ store: () => counting(opened.store, calls), salt: 'oracle-salt', metaTtlMs: 1500, clock: { now: () => now } });
    const request = (action: string, extra: Partial<LegacyRequest> = {}): LegacyRequest => ({
      db: 'my', action, segments: [action], query: { JSON: '' }, post: {}, cookies: {}, headers: {}, method: 'GET',
      remoteAddr: '127.0.0.1', host: '127.0.0.1', uri: `/my/${action}?JSON`, ...extra,
    });
    const login = await engine.handle(request('auth', { method: 'POST', post: { login: 'tester', pwd: 'tester-pass-1' } }));
    const { token } = (login.body as { kind: 'json'; value: { token: string } }).value;
    const xsrf = () => engine.handle(request('xsrf', { cookies: { idb_my: token } }));
    expect((await xsrf()).status).toBe(200);
    const perRequest = [...calls];
    now += 10_000; // both caches expired; the activity write is due as well
    calls.length = 0;
    const answers = await Promise.all(Array.from({ length: 32 }, xsrf));
    expect(answers.map((a) => a.status)).toEqual(Array(32).fill(200));
    const count = (name: string) => calls.filter((c) => c === name).length;
    // one existence check, one metadata load (its two finds), one token lookup and one activity write, not 32 of each
    expect(count('databaseExists'), calls.join(',')).toBe(1);
    expect(count('update'), 'the activity cell is written once').toBe(1);
    const lookups = count('find');
    expect(lookups, calls.join(',')).toBeGreaterThan(2);
    expect(lookups, calls.join(',')).toBeLessThanOrEqual(perRequest.filter((c) => c === 'find').length + 2);
  });
});
