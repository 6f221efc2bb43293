/**
 * The modern API wired exactly as the mount instructions say, through the real runtime
 * (bootServer): securityMiddleware as earlyMiddleware, docs as routers.public, createApiLayer's
 * router at /api, the admin layer, the legacy router last (sharing its engine).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../server/config/index.js';
import { createApiLayer } from '../../../server/http/api/wire.js';
import { adminLayerFor } from '../../../server/http/admin/wire.js';
import { createLegacyRouter } from '../../../server/http/legacy/index.js';
import { securityMiddleware } from '../../../server/http/security.js';
import { bootServer, type BootedServer } from '../../../server/runtime/boot.js';
import { http } from './harness.js';

describe('the API wired through bootServer', () => {
  let booted: BootedServer;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'integram-api-wired-'));

  beforeAll(async () => {
    const loaded = loadConfig({ env: { DATA_DIR: dataDir, PORT: '0', NODE_ENV: 'test', LOG_FILE: 'off', REGISTRATION_ENABLED: 'true' }, argv: [], cwd: dataDir });
    if (!loaded.ok) throw new Error(loaded.errors.join('; '));
    booted = await bootServer({
      config: loaded.config,
      stdout: new PassThrough(),
      earlyMiddleware: (ctx) => [securityMiddleware(ctx.config)],
      isAdminRequest: (ctx) => adminLayerFor(ctx).isAdminRequest,
      routers: (context) => {
        const admin = adminLayerFor(context);
        context.onShutdown(() => admin.stop());
        const legacy = createLegacyRouter({ getStore: () => context.storeHandle.current()!, salt: context.config.AUTH_SALT });
        const api = createApiLayer(context, legacy.engine);
        return { public: api.docs, admin: admin.router, api: api.router, legacy };
      },
    });
    await booted.storeHandle.ready(30_000);
  }, 120_000);
  afterAll(async () => {
    await booted?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves the modern, legacy and docs routes side by side', async () => {
    const base = booted.url;
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
