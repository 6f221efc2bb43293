/**
 * The modern API inside the product's own composition (server/runtime/compose.ts through
 * bootServer): security headers on every route, docs and console without the database, the API
 * at /api before the legacy router (which shares its engine), the legacy /api/{db} style intact.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, startProduct, type ProductServer } from './harness.js';

describe('the API in the composed product', () => {
  let server: ProductServer;
  beforeAll(async () => {
    server = await startProduct({ REGISTRATION_ENABLED: 'true' });
  }, 120_000);
  afterAll(async () => server?.close());

  it('serves the modern, legacy and docs routes side by side', async () => {
    const base = server.url;
    const health = await fetch(`${base}/health`);
    expect(health.headers.get('content-security-policy')).toContain("default-src 'self'");
    const reg = await http<{ data: { accessToken: string; legacy: { token: string } } }>(base, 'POST', '/api/auth/register', { body: { login: 'ivan', password: 'Secret-123' } });
    expect(reg.status).toBe(201);
    const types = await http<{ data: unknown[] }>(base, 'GET', '/api/v2/integram/databases/my/types', { token: reg.body.data.accessToken });
    expect(types.status).toBe(200);
    expect(types.body.data.length).toBeGreaterThan(0);
    const legacy = await http<{ user: string }>(base, 'GET', '/my/xsrf?JSON', { headers: { 'X-Authorization': reg.body.data.legacy.token } });
    expect(legacy.body.user).toBe('ivan');
    const legacyApi = await http<{ user: string }>(base, 'GET', '/api/my/xsrf', { headers: { 'X-Authorization': reg.body.data.legacy.token } });
    expect(legacyApi.body.user).toBe('ivan');
    expect((await fetch(`${base}/api/openapi.json`)).status).toBe(200);
    expect((await fetch(`${base}/api/docs/`)).status).toBe(200);
    const unknown = await http<{ success: boolean }>(base, 'GET', '/api/auth/nothing');
    expect(unknown.status).toBe(404);
    expect(unknown.body.success).toBe(false);
  });
});
