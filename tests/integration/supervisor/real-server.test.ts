import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { desktopServerEnv } from '../../../main/server-env.js';
import { NodeSpawner } from '../../../main/spawner-node.js';
import { ServerSupervisor } from '../../../main/supervisor.js';
import { freePort, getHealth, isAlive, tempDir } from './helpers.js';

const entry = resolve('dist/server/index.js');
const built = existsSync(entry);
if (!built) console.log(`[supervisor] SKIP real-server test: ${entry} is missing; build it with "npx tsc -p tsconfig.build.json"`);

/** Opens a connection and sends half a request, so the server is mid-request when it dies. */
function halfRequest(port: number): Promise<{ closed: Promise<string> }> {
  return new Promise((resolveConnected, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    const closed = new Promise<string>((resolveClosed) => socket.on('close', () => resolveClosed(received)));
    socket.on('error', () => undefined);
    socket.once('connect', () => {
      socket.write('POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"login":');
      resolveConnected({ closed });
    });
    socket.once('error', reject);
  });
}

describe.skipIf(!built)('supervisor with the real built server (dist/server/index.js)', () => {
  const data = tempDir('real-server-');
  afterAll(() => data.remove());

  it('comes back healthy after a SIGKILL in the middle of a request, and stops gracefully', async () => {
    const port = await freePort();
    const supervisor = new ServerSupervisor({
      spawner: new NodeSpawner(),
      entry,
      cwd: data.path,
      port,
      host: '127.0.0.1',
      // Only what a process needs: no DB_HOST/DATABASE_URL from the developer's shell.
      baseEnv: { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: process.env.TMPDIR, SystemRoot: process.env.SystemRoot },
      // Exactly what the desktop app passes (main/index.ts), on a first start without any .env.
      env: () => ({ ...desktopServerEnv({ dataDir: data.path, appVersion: '0.0.0-test' }), LOG_LEVEL: 'warn' }),
      startTimeoutMs: 90_000, // a fresh PGlite data folder is initialised on first start
      stopTimeoutMs: 10_000,
      restartExitCodes: [75],
      fatalExitCodes: [2, 3],
    });
    const timeline: string[] = [];
    const started = Date.now();
    supervisor.on('state', (s) => timeline.push(`+${Date.now() - started} ms ${s.state}${s.reason ? `: ${s.reason.split('\n').slice(0, 3).join(' | ')}` : ''}`));
    try {
      const t0 = Date.now();
      const first = await supervisor.start();
      expect(first.state, first.reason).toBe('running');
      console.log(`[supervisor] real server first start (fresh data folder) ready in ${Date.now() - t0} ms`);
      const firstPid = first.pid as number;
      expect(await getHealth(port)).toBe(200);

      const pending = await halfRequest(port);
      const killedAt = Date.now();
      process.kill(firstPid, 'SIGKILL');
      const answer = await pending.closed;
      expect(answer).toBe(''); // the request died with the process: no response at all

      const restarting = await supervisor.waitFor((s) => s.state === 'restarting', 10_000);
      expect(restarting.reason).toMatch(/killed by SIGKILL; restarting in 250 ms/);
      const back = await supervisor.waitFor((s) => s.state === 'running' || s.state === 'crash-loop' || s.state === 'failed', 90_000);
      expect(back.state, timeline.join('\n')).toBe('running');
      expect(await getHealth(port)).toBe(200);
      const recoveredMs = Date.now() - killedAt;
      console.log(`[supervisor] real server: SIGKILL mid-request -> healthy again in ${recoveredMs} ms`);
      // Recovery = 250 ms backoff + the server's own warm start (PGlite open: ~1.7 s on an idle
      // 2-core box, 5+ s while other suites load it). The 2 s target is asserted on the fixture
      // server; here: one restart, and the supervisor relaunched within backoff + 1 s of the crash.
      const events = timeline;
      expect(events.filter((line) => line.includes(' restarting:')), events.join('\n')).toHaveLength(1);
      const at = (prefix: string): number => Number(/^\+(\d+) ms/.exec(events.find((line) => line.includes(prefix)) ?? '')?.[1]);
      expect(at(' starting: restart 1') - at(' restarting:'), events.join('\n')).toBeLessThan(1_250);
      expect(back.pid).not.toBe(firstPid);
      expect(isAlive(firstPid)).toBe(false);

      const info = (await (await fetch(`http://127.0.0.1:${port}/api/deployment-info`)).json()) as { mode?: string };
      expect(info.mode).toBe('desktop');

      // The server answers (ready) before its store is open; the embedded store then opens
      // (taking over the lock the killed process left behind) without another restart.
      type Health = { status: string; database: { driver: string; connected: boolean; reason?: string } };
      let health: Health | null = null;
      for (const until = Date.now() + 60_000; Date.now() < until;) {
        // opening the embedded store blocks the server's event loop for a few seconds, after
        // which it drops idle keep-alive sockets a pooled fetch may just have reused: ask again
        health = await fetch(`http://127.0.0.1:${port}/api/health`).then((r) => r.json() as Promise<Health>, () => health);
        if (health?.database.connected) break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(health?.database).toMatchObject({ driver: 'pglite', connected: true });
      expect(supervisor.status().pid).toBe(back.pid); // no restart while the store opened

      const pid = back.pid as number;
      const stopped = await supervisor.stop();
      expect(stopped.lastExit).toEqual({ code: 0, signal: null });
      expect(isAlive(pid)).toBe(false);
    } finally {
      console.log(`[supervisor] real server timeline:\n${timeline.join('\n')}`);
      await supervisor.stop('test cleanup');
    }
  }, 240_000);
});
