/**
 * The security middleware on a running server: helmet headers and the CSP, CORS from
 * CORS_ORIGIN for the modern API only (legacy keeps the PHP engine's *, admin sends none),
 * per-area body limits, and never a stack trace.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isModernApiPath } from '../../../server/http/security.js';
import { http, startApiHarness, type ApiHarness } from './harness.js';

describe('security middleware', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApiHarness({ env: { CORS_ORIGIN: 'http://app.example.test, http://other.example.test' }, withAdmin: true });
  }, 120_000);
  afterAll(async () => h?.close());

  it('tells modern API paths from legacy /api/{db} paths', () => {
    expect(isModernApiPath('/api/auth/login')).toBe(true);
    expect(isModernApiPath('/api/v2/integram/databases/my/types')).toBe(true);
    expect(isModernApiPath('/api/openapi.json')).toBe(true);
    expect(isModernApiPath('/api/my/terms')).toBe(false);
    expect(isModernApiPath('/api/admin/login')).toBe(false);
    expect(isModernApiPath('/my/terms')).toBe(false);
  });

  it('sends helmet headers and a CSP that allows only same-origin scripts', async () => {
    const r = await fetch(`${h.url}/api/deployment-info`);
    const csp = r.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(r.headers.get('strict-transport-security')).toBeNull();
    expect(r.headers.get('x-powered-by')).toBeNull();
  });

  it('answers CORS for listed origins on the modern API only', async () => {
    const preflight = await fetch(`${h.url}/api/auth/login`, {
      method: 'OPTIONS', headers: { Origin: 'http://app.example.test', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://app.example.test');
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    const stranger = await fetch(`${h.url}/api/auth/login`, { method: 'OPTIONS', headers: { Origin: 'http://evil.example.test', 'Access-Control-Request-Method': 'POST' } });
    expect(stranger.headers.get('access-control-allow-origin')).toBeNull();
    const v2 = await fetch(`${h.url}/api/v2/integram/databases/my/types`, { headers: { Origin: 'http://other.example.test' } });
    expect(v2.headers.get('access-control-allow-origin')).toBe('http://other.example.test');
    expect(v2.headers.get('access-control-expose-headers')).toContain('Location');
  });

  it('keeps the legacy API at * and sends no CORS from the admin API', async () => {
    const legacy = await fetch(`${h.url}/my/terms?JSON`, { headers: { Origin: 'http://evil.example.test' } });
    expect(legacy.headers.get('access-control-allow-origin')).toBe('*');
    const legacyApi = await fetch(`${h.url}/api/my/terms`, { headers: { Origin: 'http://evil.example.test' } });
    expect(legacyApi.headers.get('access-control-allow-origin')).toBe('*');
    const admin = await fetch(`${h.url}/api/admin/setup`, { headers: { Origin: 'http://app.example.test' } });
    expect(admin.status).toBe(200);
    expect(admin.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('covers the liveness probe too (mounted before everything)', async () => {
    const r = await fetch(`${h.url}/health`);
    expect(r.headers.get('content-security-policy')).toContain("default-src 'self'");
  });

  it('refuses oversized bodies per area with 413, never a 500', async () => {
    const big = 'x'.repeat(20 * 1024);
    const r = await http<{ success: boolean; code: string }>(h.url, 'POST', '/api/auth/login', { body: { login: 'a', password: big } });
    expect(r.status).toBe(413);
    expect(r.body.success).toBe(false);
    const huge = await http(h.url, 'POST', '/api/organizations', { body: { name: 'x', description: 'y'.repeat(70 * 1024) } });
    expect(huge.status).toBe(413);
  });

  it('never answers a stack trace', async () => {
    const r = await http(h.url, 'POST', '/api/v2/integram/databases/my/objects', { raw: '{"data": ', contentType: 'application/vnd.api+json' });
    expect(r.status).toBe(400);
    expect(r.text).not.toMatch(/at .*\.(ts|js):\d+/);
  });
});
