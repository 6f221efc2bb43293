/**
 * deploy/ecosystem.config.cjs under PM2 (from npm, its own PM2_HOME, loopback): the built server
 * starts, comes back after a kill -9 and after a restart asked for from the console (exit 75),
 * with its data; `pm2 stop` stops it for good.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstRunSetup, restartAndWaitBack } from '../../support/console-admin.js';
import { getJson } from '../../support/http.js';
import { freePort, sleep } from '../../support/net.mjs';
import { makeTempDir, removeDir, REPO_ROOT } from '../../support/server.js';

const PM2 = path.join(REPO_ROOT, 'node_modules', 'pm2', 'bin', 'pm2');
const ECOSYSTEM = path.join(REPO_ROOT, 'deploy', 'ecosystem.config.cjs');

interface Pm2Process { pid: number; pm2_env: { status: string; restart_time: number; unstable_restarts: number } }

describe('PM2 with deploy/ecosystem.config.cjs', { timeout: 180_000 }, () => {
  let work = '';
  let url = '';
  let env: NodeJS.ProcessEnv = {};
  const pm2 = (...args: string[]) => execFileSync(process.execPath, [PM2, ...args], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const processes = () => JSON.parse(pm2('jlist')) as Pm2Process[];
  const current = () => {
    const [proc] = processes();
    if (!proc) throw new Error('PM2 lists no process');
    return proc;
  };
  /** the server's pid once a process other than `oldPid` serves /health */
  async function servedBy(oldPid: number | null, timeoutMs = 60_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const proc = current();
      const healthy = await fetch(`${url}/health/ready`).then((r) => r.status === 200, () => false);
      if (healthy && proc.pid > 0 && proc.pid !== oldPid && proc.pm2_env.status === 'online') return proc.pid;
      if (Date.now() > deadline) throw new Error(`PM2 did not bring a server back within ${timeoutMs} ms: ${JSON.stringify(proc.pm2_env.status)}`);
      await sleep(200);
    }
  }

  beforeAll(async () => {
    work = makeTempDir('integram-pm2-');
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    writeFileSync(path.join(work, '.env'), '');
    env = {
      PATH: process.env.PATH, HOME: work, PM2_HOME: path.join(work, 'pm2'),
      PORT: String(port), HOST: '127.0.0.1', DATA_DIR: path.join(work, 'data'), ENV_FILE: path.join(work, '.env'), LOG_LEVEL: 'warn',
    };
    pm2('start', ECOSYSTEM);
  });

  afterAll(() => {
    try {
      pm2('kill');
    } catch {
      // the daemon is gone already
    }
    if (work) removeDir(work);
  });

  it('starts the built server', async () => {
    const pid = await servedBy(null);
    expect(pid).toBeGreaterThan(0);
    expect(current().pm2_env.restart_time).toBe(0);
  });

  it('brings it back after a kill -9', async () => {
    const before = current().pid;
    process.kill(before, 'SIGKILL');
    const after = await servedBy(before);
    expect(after).not.toBe(before);
    expect(current().pm2_env.restart_time).toBe(1);
  });

  it('brings it back after a restart asked for from the console (exit 75), with its data', async () => {
    const token = await firstRunSetup(url, 'pm2-test-password');
    const before = current().pid;
    await restartAndWaitBack(url, token);
    expect(current().pid).not.toBe(before);
    expect(current().pm2_env.restart_time).toBe(2);
    // the setup survived: the console admin logs in again, the database answers its admin
    const login = await getJson(`${url}/api/admin/login`, {
      method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Requested-With': 'integram-console' }, body: JSON.stringify({ password: 'pm2-test-password' }),
    });
    expect(login.status).toBe(200);
  });

  it('pm2 stop stops it for good', async () => {
    pm2('stop', 'integram');
    await sleep(1500);
    expect(await fetch(`${url}/health`).then(() => 'answered', () => 'refused')).toBe('refused');
    expect(current().pm2_env.status).toBe('stopped');
  });
});
