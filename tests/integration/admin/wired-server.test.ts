/**
 * The admin layer wired into the real server (bootServer + createAdminLayer), the way
 * runtime/compose.ts mounts it: health details for an admin, job summaries in /api/health,
 * the status page from the health measurements, restart -> exit code 75.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';

// opens its own embedded stores: slow on a busy machine
vi.setConfig({ testTimeout: 120_000, hookTimeout: 180_000 });
import { createAdminLayer, EXIT_RESTART, type AdminLayer } from '../../../server/runtime/admin-layer.js';
import type { ServerContext } from '../../../server/runtime/boot.js';
import type { ServerStatus } from '../../../server/http/admin/contract.js';
import { startInProcessServer, type InProcessServer } from '../../support/server.js';
import { ADMIN_PASSWORD, call } from './harness.js';

let server: InProcessServer | null = null;
// one admin layer per server, as the composition builds it
let layer: AdminLayer | null = null;
const adminLayerFor = (ctx: ServerContext): AdminLayer => (layer ??= createAdminLayer(ctx));
afterEach(async () => {
  if (server) {
    await adminLayerFor(server.booted.context).stop();
    await server.close(1000);
  }
  server = null;
  layer = null;
});

describe('admin layer in the real server', () => {
  it('setup, login, status, health details, job summaries and restart through the booted server', async () => {
    const shutdowns: Array<[number, string]> = [];
    // the console edits the .env file the server read (ENV_FILE), never one in the test's cwd
    server = await startInProcessServer({
      prefix: 'integram-admin-wired-',
      env: { BCRYPT_ROUNDS: '4', LOG_LEVEL: 'info' },
      envFile: '# test\n',
      // only the admin layer, the way runtime/compose.ts mounts it
      product: false,
      boot: {
        routers: (ctx) => ({ admin: adminLayerFor(ctx).router }),
        isAdminRequest: (ctx) => (req) => adminLayerFor(ctx).isAdminRequest(req),
        jobs: (ctx) => () => adminLayerFor(ctx).jobSummaries(),
        requestShutdown: (code, reason) => { shutdowns.push([code, reason]); },
      },
      waitForStore: 30_000,
    });
    const { booted, config, dataDir } = server;
    const envFile = server.envFile!;
    const admin = { url: `${booted.url}/api/admin` };

    const setup = await call<{ firstRun: boolean; dataDir: string }>(admin, 'GET', '/setup');
    expect(setup.body).toMatchObject({ firstRun: true, dataDir: config.DATA_DIR });
    expect((await call(admin, 'POST', '/setup', { body: { adminPassword: ADMIN_PASSWORD, database: { kind: 'embedded' }, access: 'local' } })).status).toBe(200);
    const login = await call<{ token: string }>(admin, 'POST', '/login', { body: { password: ADMIN_PASSWORD } });
    expect(login.status).toBe(200);
    const token = login.body.token;

    const status = await call<ServerStatus>(admin, 'GET', '/status', { token });
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({ status: 'ok', database: { driver: 'pglite', connected: true } });
    expect(status.body.disk.total).toBeGreaterThan(0);
    expect(status.body.restartRequired).toBe(true); // the wizard wrote HOST into the .env file
    expect(readFileSync(envFile, 'utf8')).toBe('# test\nHOST=127.0.0.1\n');

    // /api/health: the jobs come from the registry; paths only for the admin
    const anonymous = await (await fetch(`${booted.url}/api/health`)).json() as { database: { target: string | null }; jobs: Array<{ name: string; nextRunAt: string | null }> };
    expect(anonymous.database.target).toBeNull();
    expect(anonymous.jobs.map((j) => j.name).sort()).toEqual(['backup', 'cleanup', 'pull', 'restore', 'store-move']);
    expect(anonymous.jobs.find((j) => j.name === 'backup')?.nextRunAt).toBeTruthy();
    const asAdmin = await (await fetch(`${booted.url}/api/health`, { headers: { Authorization: `Bearer ${token}` } })).json() as { database: { target: string | null } };
    expect(asAdmin.database.target).toContain(dataDir);
    expect((await fetch(`${booted.url}/api/system-resources`, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);

    // the server's own request log reaches the console's log tail
    const logs = await call<{ lines: Array<{ msg: string; url?: string }> }>(admin, 'GET', '/logs?q=first-run', { token });
    expect(logs.body.lines.some((l) => l.msg.includes('first-run setup completed'))).toBe(true);

    expect((await call(admin, 'POST', '/restart', { token })).status).toBe(202);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(shutdowns).toEqual([[EXIT_RESTART, 'restart requested from the console']]);
  });
});
