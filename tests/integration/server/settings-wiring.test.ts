/**
 * Settings reach the code that implements them in the composed product (server/runtime/compose.ts
 * through bootServer): a value in the configuration changes what the server does on the wire.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, startProduct, type ProductServer } from '../api/harness.js';

/** POST /my/auth with a form body; the raw Set-Cookie lines */
async function legacyLogin(base: string, login: string, pwd: string): Promise<{ status: number; cookies: string[] }> {
  const response = await fetch(`${base}/my/auth?JSON`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ login, pwd }).toString(),
  });
  await response.text();
  return { status: response.status, cookies: response.headers.getSetCookie() };
}

describe('settings wired into the product', () => {
  let server: ProductServer;
  beforeAll(async () => {
    server = await startProduct({ REGISTRATION_ENABLED: 'true', AUTH_COOKIE_EXPIRE: '3600', TOKEN_TTL: '1' });
    const reg = await http(server.url, 'POST', '/api/auth/register', { body: { login: 'ivan', password: 'Secret-123' } });
    expect(reg.status).toBe(201);
  }, 120_000);
  afterAll(async () => server?.close());

  it('AUTH_COOKIE_EXPIRE is the lifetime of the idb_{db} cookie a legacy login leaves', async () => {
    const before = Date.now();
    const { status, cookies } = await legacyLogin(server.url, 'ivan', 'Secret-123');
    expect(status).toBe(200);
    const idb = cookies.filter((line) => line.startsWith('idb_my='));
    // PHP's order: updateTokens() sets 360 days, the login then sets COOKIES_EXPIRE; the last one counts
    expect(idb).toHaveLength(2);
    expect(idb[0]).toContain('Max-Age=31104000');
    const last = idb[1];
    expect(last).toContain('Max-Age=3600;');
    const expires = Date.parse(/expires=([^;]+)/.exec(last)?.[1] ?? '');
    expect(expires).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 3_600_000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 3_600_000);
  });

  it('TOKEN_TTL: a legacy token idle longer than the setting stops working; logging in again revives it', async () => {
    const xsrf = (token: string) => http<{ user?: string }>(server.url, 'GET', '/my/xsrf?JSON', { headers: { 'X-Authorization': token } });
    const { cookies } = await legacyLogin(server.url, 'ivan', 'Secret-123');
    const token = decodeURIComponent(/^idb_my=([^;]*)/.exec(cookies.at(-1) ?? '')?.[1] ?? '');
    expect(token).not.toBe('');
    expect((await xsrf(token)).body.user).toBe('ivan');
    // idle for more than TOKEN_TTL=1s (and longer than the engine's 2 s session cache)
    await new Promise((resolve) => setTimeout(resolve, 3200));
    expect((await xsrf(token)).body.user).toBeUndefined();
    await legacyLogin(server.url, 'ivan', 'Secret-123');
    expect((await xsrf(token)).body.user).toBe('ivan');
  });
});
