/**
 * AUTH_COOKIE_EXPIRE (EngineOptions.cookieExpireSeconds) is the PHP engine's COOKIES_EXPIRE: the
 * lifetime of the `idb_{db}` cookie a password login and the guest user set, and of `tzone`.
 * As in PHP, a login first sets the 360-day cookie of updateTokens() and then replaces it with
 * COOKIES_EXPIRE (the browser keeps the last). Default 30 days; 0 = a session cookie.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../../../server/storage/index.js';
import { createEngine, type LegacyRequest, type LegacyResponse } from '../../../server/engine/index.js';
import { USER } from '../../../server/engine/ids.js';
import { loadRows } from '../../golden/replay.js';

const NOW_MS = Date.UTC(2026, 0, 15, 12, 0, 0);

function request(action: string, post: Record<string, unknown> = {}, json = true): LegacyRequest {
  return {
    db: 'my', action, segments: [action], query: json ? { JSON: '' } : {}, post, cookies: {}, headers: {},
    method: Object.keys(post).length ? 'POST' : 'GET', remoteAddr: '127.0.0.1', host: '127.0.0.1', uri: `/my/${action}${json ? '?JSON' : ''}`,
  };
}

/** Max-Age of each cookie of that name, in the order set (undefined = a session cookie). */
function maxAges(response: LegacyResponse, name: string): Array<number | undefined> {
  return response.cookies.filter((c) => c.name === name).map((c) => c.maxAge);
}

describe('AUTH_COOKIE_EXPIRE: lifetime of the legacy login cookies', () => {
  let dir: string;
  let store: Store;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'engine-cookie-'));
    store = await openStore({ pgliteDir: dir });
    await store.importRows('my', loadRows('start-rows.json'));
  }, 120_000);
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const engineWith = (cookieExpireSeconds?: number) =>
    createEngine({ store: () => store, salt: 'oracle-salt', metaTtlMs: 0, clock: { now: () => NOW_MS }, cookieExpireSeconds });
  const login = { login: 'tester', pwd: 'tester-pass-1', tzone: String(NOW_MS / 1000) };

  it('default: 30 days, as the recorded PHP answers (360 days first, then COOKIES_EXPIRE)', async () => {
    const response = await engineWith().handle(request('auth', login));
    expect(response.status).toBe(200);
    expect(maxAges(response, 'idb_my')).toEqual([31_104_000, 2_592_000]);
    expect(maxAges(response, 'tzone')).toEqual([2_592_000]);
  });

  it('a non-default value is the lifetime of the login and tzone cookies', async () => {
    const response = await engineWith(3600).handle(request('auth', login));
    expect(response.status).toBe(200);
    expect(maxAges(response, 'idb_my')).toEqual([31_104_000, 3600]);
    expect(maxAges(response, 'tzone')).toEqual([3600]);
  });

  it('0 makes them session cookies (gone when the browser closes)', async () => {
    const response = await engineWith(0).handle(request('auth', login));
    expect(response.status).toBe(200);
    expect(maxAges(response, 'idb_my')).toEqual([31_104_000, undefined]);
    expect(maxAges(response, 'tzone')).toEqual([undefined]);
  });

  it("the guest user's cookie follows it too (a page request without credentials)", async () => {
    const guestId = await store.tenant('my').insert({ up: 1, ord: 0, t: USER, val: 'guest' });
    try {
      expect(maxAges(await engineWith().handle(request('xsrf', {}, false)), 'idb_my')).toEqual([2_592_000]);
      expect(maxAges(await engineWith(600).handle(request('xsrf', {}, false)), 'idb_my')).toEqual([600]);
    } finally {
      await store.tenant('my').deleteTree(guestId);
    }
  });
});
