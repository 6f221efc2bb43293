/**
 * The OpenAPI document: it validates (@apidevtools/swagger-parser), covers every area with one
 * operation per legacy action, and every operation it lists is served by a running server: each
 * is called with real credentials and concrete ids, and none may fall through to a "no such
 * route" 404 (a 404 about a missing resource, from the route itself, is fine) or fail with 500.
 */
import { get as httpGet } from 'node:http';
import SwaggerParser from '@apidevtools/swagger-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setAdminPassword } from '../../../server/appliance/admin-account.js';
import { ADMIN_CSRF_HEADER, ADMIN_CSRF_VALUE } from '../../../server/http/admin/contract.js';
import { LEGACY_ACTIONS } from '../../../server/http/docs/legacy-actions.js';
import { addUser, http, login, startApiHarness, type ApiHarness, type LoginData } from './harness.js';

interface Operation { security?: Record<string, string[]>[]; operationId?: string; requestBody?: unknown }
type OpenApiDoc = { openapi: string; paths: Record<string, Record<string, Operation>> };

/** Answers that mean "nothing is mounted here", from each router's catch-all. */
const NO_ROUTE = /^Not found: |No such endpoint|no such admin route|База «.*» не найдена/;

describe('OpenAPI document', () => {
  let h: ApiHarness;
  let doc: OpenApiDoc;
  let boss: LoginData;
  let adminToken = '';
  let throwaway = '';

  beforeAll(async () => {
    h = await startApiHarness({ withAdmin: true });
    await addUser(h, 'my', 'boss', 'Secret-123', 'admin');
    boss = await login(h, 'boss', 'Secret-123');
    await setAdminPassword(h.store.appliance, 'correct-horse-battery', { bcryptRounds: 4 });
    const adminLogin = await http<{ token: string }>(h.url, 'POST', '/api/admin/login', {
      body: { password: 'correct-horse-battery' }, headers: { [ADMIN_CSRF_HEADER]: ADMIN_CSRF_VALUE },
    });
    adminToken = adminLogin.body.token;
    const org = await http(h.url, 'POST', '/api/organizations', { token: boss.accessToken, body: { name: 'docsorg' } });
    expect(org.status).toBe(201);
    const role = await http<{ data: { id: string } }>(h.url, 'POST', '/api/v2/integram/databases/my/types/42/objects', {
      token: boss.accessToken, contentType: 'application/vnd.api+json', body: { data: { type: 'integram-object', attributes: { value: 'throwaway' } } },
    });
    throwaway = role.body.data.id;
    const r = await http<OpenApiDoc>(h.url, 'GET', '/api/openapi.json');
    expect(r.status).toBe(200);
    doc = r.body;
  }, 120_000);
  afterAll(async () => h?.close());

  it('is a valid OpenAPI 3.1 document', async () => {
    expect(doc.openapi).toBe('3.1.0');
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeTruthy();
    // patterns are plain ECMA-262 regexes (a zod regex flag must not leak in as "/i")
    const patterns = [...JSON.stringify(doc).matchAll(/"pattern":"((?:[^"\\]|\\.)*)"/g)].map((m) => JSON.parse(`"${m[1]}"`) as string);
    expect(patterns.length).toBeGreaterThan(0);
    for (const pattern of patterns) {
      expect(pattern, pattern).not.toMatch(/\/[a-z]+$/);
      expect(() => new RegExp(pattern, 'u')).not.toThrow();
    }
  });

  it('covers the modern API, health, admin and each legacy action as its own operation', () => {
    const paths = Object.keys(doc.paths);
    for (const p of [
      '/api/auth/login', '/api/auth/register', '/api/auth/refresh', '/api/auth/logout', '/api/auth/me',
      '/api/v2/integram/databases/{db}/types', '/api/v2/integram/databases/{db}/types/{type}', '/api/v2/integram/databases/{db}/types/{type}/objects',
      '/api/v2/integram/databases/{db}/objects', '/api/v2/integram/databases/{db}/objects/{id}',
      '/api/organizations', '/api/organizations/{id}', '/api/organizations/{id}/database-info',
      '/health', '/api/health', '/api/deployment-info', '/api/system-resources',
      '/api/admin/login', '/api/admin/settings', '/api/admin/backups', '/api/admin/databases',
      '/{db}/auth', '/{db}/xsrf', '/{db}/_m_new/{typeId}', '/{db}/object/{typeId}', '/{db}/_d_new', '/{db}/metadata/{typeId}',
    ]) expect(paths, p).toContain(p);
    const legacyOps = Object.entries(doc.paths).filter(([p]) => !p.startsWith('/api') && p !== '/health' && p !== '/health/ready')
      .flatMap(([, ops]) => Object.values(ops));
    expect(legacyOps.length).toBe(LEGACY_ACTIONS.length);
    expect(new Set(legacyOps.map((o) => o.operationId)).size).toBe(LEGACY_ACTIONS.length);
    expect(paths.some((p) => p.includes('{action}'))).toBe(false);
  });

  it('every listed operation is answered by the running server', async () => {
    const destructiveLast = ['/{db}/exit', '/api/auth/logout', '/api/admin/logout', '/api/admin/restart'];
    const operations = Object.entries(doc.paths)
      .flatMap(([p, ops]) => Object.entries(ops).map(([method, op]) => ({ path: p, method: method.toUpperCase(), op })))
      .sort((a, b) => Number(destructiveLast.includes(a.path)) - Number(destructiveLast.includes(b.path)));
    expect(operations.length).toBeGreaterThan(70);
    const problems: string[] = [];
    const notImplemented: string[] = [];
    for (const { path: template, method, op } of operations) {
      const isV2Object = template.startsWith('/api/v2/') && template.endsWith('/objects/{id}');
      const route = template
        .replace('{db}', 'my')
        .replace(/\{(type|typeId)\}/g, '18')
        .replace('{reqId}', '20')
        .replace('{reportId}', '1')
        .replace('{name}', 'nosuchjob')
        .replace('{id}', template.startsWith('/api/organizations') ? 'docsorg' : isV2Object ? throwaway : template.startsWith('/api/admin') ? 'nosuchid' : '145');
      const headers: Record<string, string> = {};
      const schemes = (op.security ?? []).flatMap((s) => Object.keys(s));
      let url = route;
      if (template.startsWith('/api/admin') || schemes[0] === 'adminAuth') {
        headers.Authorization = `Bearer ${adminToken}`;
        headers[ADMIN_CSRF_HEADER] = ADMIN_CSRF_VALUE;
      } else if (!template.startsWith('/api') && template !== '/health' && template !== '/health/ready') {
        headers['X-Authorization'] = boss.legacy!.token;
        url = `${route}?JSON`;
      } else if (schemes.includes('bearerAuth')) {
        headers.Authorization = `Bearer ${boss.accessToken}`;
      }
      const body = method === 'GET' ? undefined : template.startsWith('/api/v2') ? { data: { type: 'integram-object', attributes: {} } } : {};
      const contentType = template.startsWith('/api/v2') ? 'application/vnd.api+json' : 'application/json';
      if (template.endsWith('/logs/stream')) {
        // server-sent events never end: the status line is the answer; a connection of its own,
        // destroyed afterwards, so no pooled connection is left half-read
        const status = await new Promise<number>((resolve, reject) => {
          const req = httpGet(`${h.url}${url}`, { headers, agent: false }, (res) => {
            resolve(res.statusCode ?? 0);
            req.destroy();
          });
          req.on('error', (err) => (req.destroyed ? undefined : reject(err)));
        });
        if (status === 404 || status >= 500) problems.push(`${method} ${url}: ${status}`);
        continue;
      }
      const r = await http(h.url, method, url, { headers, body, contentType });
      const text = r.text.slice(0, 300);
      if (r.status === 404 && NO_ROUTE.test(typeof r.body === 'object' && r.body !== null ? JSON.stringify(r.body).replace(/^.*?"(?:error|detail|message)":"/, '') : text)) {
        problems.push(`${method} ${url}: no route (${text})`);
      } else if (r.status === 501) {
        // the route exists and says the engine does not do this yet: visible, not a failure
        notImplemented.push(`${method} ${url}: ${text}`);
      } else if (r.status >= 500) {
        problems.push(`${method} ${url}: ${r.status} ${text}`);
      }
    }
    if (notImplemented.length) console.warn(`[api/openapi] answered 501 (not implemented by the engine yet):\n  ${notImplemented.join('\n  ')}`);
    expect(problems).toEqual([]);
  }, 120_000);

  it('is served without the database and with the docs page', async () => {
    const page = await fetch(`${h.url}/api/docs/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).not.toMatch(/<script>(?!<\/script>)/);
    expect(html).not.toContain('http');
    const alias = await fetch(`${h.url}/api/v2/docs`, { redirect: 'manual' });
    expect(alias.status).toBe(301);
    expect(alias.headers.get('location')).toBe('/api/v2/docs/');
    const asset = await fetch(`${h.url}/api/docs/swagger-ui-bundle.js`);
    expect(asset.status).toBe(200);
    const init = await (await fetch(`${h.url}/api/docs/swagger-initializer.js`)).text();
    expect(init).toContain('/api/openapi.json');
    expect(init).toContain('validatorUrl: null');
  });
});
