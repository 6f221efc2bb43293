/**
 * The real server as a child process on the embedded store: copying the root record of the first
 * run's database (`my`, whose row 1 is its own parent, as in real databases) once never ended,
 * stopped every answer (even /health) and grew the process until V8 gave up. It must end with an
 * answer while /health keeps answering.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep } from '../../support/net.mjs';
import { getJson, request, waitForHttp } from '../../support/http.js';
import { spawnServer, type ServerProcess } from '../../support/server.js';

const STARTUP_TIMEOUT_MS = 60_000;

describe('server process: copying the root record', { timeout: 120_000 }, () => {
  let server: ServerProcess;
  let token = '';
  let xsrf = '';

  beforeAll(async () => {
    server = await spawnServer();
    await waitForHttp(`${server.url}/health`, STARTUP_TIMEOUT_MS);
    await server.waitForLine(/ Database: /, STARTUP_TIMEOUT_MS);
    const setup = await getJson(`${server.url}/api/admin/setup`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Requested-With': 'integram-console' },
      body: JSON.stringify({ adminPassword: 'copy-root-password', database: { kind: 'embedded' }, access: 'local' }),
    });
    expect(setup.status).toBe(200);
    const login = await getJson<{ token: string; _xsrf: string }>(`${server.url}/my/auth?JSON`, {
      method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'login=admin&pwd=copy-root-password',
    });
    expect(login.status).toBe(200);
    ({ token, _xsrf: xsrf } = login.body);
  }, 2 * STARTUP_TIMEOUT_MS);

  afterAll(async () => {
    await server.stop();
    server.cleanup();
  });

  it('answers the copy with an error while /health keeps answering', async () => {
    let copyDone = false;
    const copy = request(`${server.url}/my/_m_save/1?JSON`, {
      method: 'POST',
      headers: { 'X-Authorization': token, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `_xsrf=${xsrf}&copybtn=1`,
      timeoutMs: 30_000,
    }).finally(() => { copyDone = true; });
    const healthTimes: number[] = [];
    while (!copyDone) {
      const started = Date.now();
      const health = await request(`${server.url}/health`, { timeoutMs: 5_000 });
      expect(health.status).toBe(200);
      healthTimes.push(Date.now() - started);
      await sleep(50);
    }
    const answer = await copy;
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text)).toEqual([{ error: 'Cannot copy the root record' }]);
    expect(Math.max(...healthTimes)).toBeLessThan(2_000);
  });
});
