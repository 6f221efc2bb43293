/**
 * Settings reach the code that implements them in the composed product (server/runtime/compose.ts
 * through bootServer): a value in the configuration changes what the server does on the wire.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
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
  // a fake OAuth provider on 127.0.0.1 that refuses every code, and what it was sent
  const exchanges: string[] = [];
  let provider: Server;
  beforeAll(async () => {
    provider = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => { body += chunk.toString(); });
      req.on('end', () => {
        exchanges.push(body);
        res.writeHead(400, { 'Content-Type': 'application/json' }).end('{"error":"invalid_grant","error_description":"Bad code"}');
      });
    });
    await new Promise<void>((resolve) => provider.listen(0, '127.0.0.1', resolve));
    const fake = `http://127.0.0.1:${(provider.address() as AddressInfo).port}`;
    server = await startProduct({
      REGISTRATION_ENABLED: 'true', AUTH_COOKIE_EXPIRE: '3600', TOKEN_TTL: '1',
      OAUTH_GOOGLE_CLIENT_ID: 'wired-client', OAUTH_GOOGLE_CLIENT_SECRET: 'wired-secret', OAUTH_GOOGLE_TOKEN_URL: `${fake}/token`, OAUTH_GOOGLE_USERINFO_URL: `${fake}/info`,
      PUBLIC_URL: 'https://crm.example.org',
    });
    const reg = await http(server.url, 'POST', '/api/auth/register', { body: { login: 'ivan', password: 'Secret-123' } });
    expect(reg.status).toBe(201);
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await new Promise<void>((resolve) => { if (provider) provider.close(() => resolve()); else resolve(); });
  });

  it('OAUTH_GOOGLE_* and PUBLIC_URL reach the OAuth callback; a provider without a client id is off', async () => {
    const google = await fetch(`${server.url}/auth.asp?code=abc&state=`, { redirect: 'manual' });
    expect(google.status).toBe(302);
    expect(google.headers.get('location')).toBe('/start.html?r=oauthError&d=Bad+code');
    expect(exchanges).toHaveLength(1);
    expect(Object.fromEntries(new URLSearchParams(exchanges[0]))).toMatchObject({ client_id: 'wired-client', client_secret: 'wired-secret', redirect_uri: 'https://crm.example.org/auth.asp' });
    const yandex = await fetch(`${server.url}/auth.asp?code=abc2&state=yandex`, { redirect: 'manual' });
    expect(yandex.headers.get('location')).toBe('/start.html?r=oauthError&d=providerNotConfigured');
    expect(exchanges).toHaveLength(1);
  });

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
