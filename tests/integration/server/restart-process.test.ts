/**
 * A restart asked for from the console (the admin API's POST /restart: the server drains and exits
 * with 75) brings the server back however it was started: under the launcher `npm start` runs
 * (dist/server/launch.js), and as plain `node dist/server/index.js`, which starts its own
 * replacement. Both on the real built server and its embedded store, with the data kept.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { getJson } from '../../support/http.js';
import { REPO_ROOT, spawnServer, type ServerProcess } from '../../support/server.js';
import path from 'node:path';
import { restartOwner } from '../../../server/runtime/self-restart.js';
import { CONSOLE_HEADERS, firstRunSetup, restartAndWaitBack } from '../../support/console-admin.js';

const PASSWORD = 'restart-test-password';
const CONSOLE = CONSOLE_HEADERS;
const setUpAndLogin = (url: string) => firstRunSetup(url, PASSWORD);

describe('restart requested from the console', { timeout: 180_000 }, () => {
  let server: ServerProcess | null = null;
  const strays: number[] = [];
  afterEach(async () => {
    for (const pid of strays.splice(0)) {
      try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
    }
    await server?.close();
    server = null;
  });

  it('under the launcher of npm start: the server comes back, the launcher stays, data and logins are kept', async () => {
    server = await spawnServer({ entryFile: path.join(REPO_ROOT, 'dist', 'server', 'launch.js'), prefix: 'integram-launch-' });
    const token = await setUpAndLogin(server.url);
    const tookMs = await restartAndWaitBack(server.url, token);
    console.log(`launcher: back and connected ${tookMs} ms after the restart request`);
    expect(server.stderr()).toContain('Restarting the server (requested from the console)');
    // the same launcher process, a new server: the console admin can log in again
    const again = await getJson(`${server.url}/api/admin/login`, { method: 'POST', headers: CONSOLE, body: JSON.stringify({ password: PASSWORD }) });
    expect(again.status).toBe(200);
    // SIGTERM to the launcher stops the server and ends the launcher with 0
    expect((await server.stop('SIGTERM')).code).toBe(0);
    const gone = await fetch(`${server.url}/health`).then(() => false, () => true);
    expect(gone).toBe(true);
  });

  it('as plain node dist/server/index.js: it starts its own replacement, which takes over the port and the data', async () => {
    server = await spawnServer({ entry: 'built', prefix: 'integram-plain-' });
    const token = await setUpAndLogin(server.url);
    const tookMs = await restartAndWaitBack(server.url, token);
    console.log(`plain node: back and connected ${tookMs} ms after the restart request`);
    const line = /a new server process \(pid (\d+)\) takes over/.exec(server.stderr());
    expect(line).not.toBeNull();
    strays.push(Number(line![1]));
    // the first process is gone (its pipes stay open: the replacement writes to the same output)
    const alive = (pid: number) => { try { process.kill(pid, 0); return true; } catch { return false; } };
    expect(alive(server.pid)).toBe(false);
    const again = await getJson(`${server.url}/api/admin/login`, { method: 'POST', headers: CONSOLE, body: JSON.stringify({ password: PASSWORD }) });
    expect(again.status).toBe(200);
    process.kill(Number(line![1]), 'SIGTERM');
    for (let i = 0; i < 300 && alive(Number(line![1])); i++) await new Promise((r) => setTimeout(r, 100));
    expect(alive(Number(line![1]))).toBe(false);
  });
});

describe('who restarts the server', () => {
  it('the launcher, a parent with a channel, systemd, PM2; otherwise the server itself', () => {
    expect(restartOwner({ INTEGRAM_SUPERVISED: 'launcher' }, false)).toBe('launcher');
    expect(restartOwner({}, true)).toBe('parent process');
    expect(restartOwner({ INVOCATION_ID: 'abc' }, false)).toBe('systemd');
    expect(restartOwner({ pm_id: '0' }, false)).toBe('pm2');
    // this test process is neither PID 1 nor a container init's child
    expect(restartOwner({}, false)).toBe('itself');
  });
});

describe('npm run start:high-mem', { timeout: 120_000 }, () => {
  let server: ServerProcess | null = null;
  afterEach(async () => {
    await server?.close();
    server = null;
  });

  it('runs the server (under the launcher) with a 4 GB JavaScript heap', async () => {
    server = await spawnServer({ entryFile: path.join(REPO_ROOT, 'scripts', 'start.mjs'), args: ['--high-mem'] });
    const token = await firstRunSetup(server.url, PASSWORD);
    const resources = await getJson<{ memory: { heapLimit: number } }>(`${server.url}/api/system-resources`, { headers: { Authorization: `Bearer ${token}` } });
    expect(resources.status).toBe(200);
    expect(resources.body.memory.heapLimit).toBeGreaterThanOrEqual(4096 * 1024 * 1024);
  });
});
