import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RotatingLog } from '../../../main/rotating-log.js';
import { NodeSpawner } from '../../../main/spawner-node.js';
import { ServerSupervisor, type ServerStatus, type SupervisorOptions } from '../../../main/supervisor.js';
import { fixture, freePort, getHealth, isAlive, tempDir } from './helpers.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

async function makeSupervisor(entry: string, overrides: Partial<SupervisorOptions> = {}) {
  const dir = tempDir('sup-');
  const port = overrides.port ?? (await freePort());
  const log = new RotatingLog({ file: join(dir.path, 'logs', 'server.log'), maxBytes: 64 * 1024, keep: 2 });
  const supervisor = new ServerSupervisor({
    spawner: new NodeSpawner(),
    entry: fixture(entry),
    cwd: dir.path,
    port,
    host: '127.0.0.1',
    startTimeoutMs: 5_000,
    stopTimeoutMs: 2_000,
    log,
    ...overrides,
  });
  const states: ServerStatus[] = [];
  supervisor.on('state', (status) => states.push(status));
  cleanups.push(async () => {
    await supervisor.stop('test cleanup');
    log.close();
    dir.remove();
  });
  return { supervisor, port, dir: dir.path, log, states };
}

// POSIX signals: on Windows SIGTERM cannot be caught (the supervisor sends a shutdown message there).
const posixOnly = process.platform === 'win32' ? it.skip : it;

describe('ServerSupervisor with real child processes', () => {
  it('starts a server, sees the ready message and serves /health', async () => {
    const { supervisor, port } = await makeSupervisor('graceful.mjs');
    const status = await supervisor.start();
    expect(status.state).toBe('running');
    expect(status.url).toBe(`http://127.0.0.1:${port}`);
    expect(await getHealth(port)).toBe(200);
  });

  it('detects readiness through the /health probe when the server sends no message', async () => {
    const { supervisor, port } = await makeSupervisor('graceful.mjs', { env: () => ({ NO_READY_MESSAGE: '1' }) });
    const status = await supervisor.start();
    expect(status.state).toBe('running');
    expect(await getHealth(port)).toBe(200);
  });

  // Typically 350-500 ms. Retried because on a saturated machine (other suites in parallel, load
  // average ~19 on 2 cores) node's own process start alone can take seconds; every try prints its time.
  it('restarts a crashed server and it is healthy again within 2 s', { retry: 2 }, async () => {
    const state = tempDir('crash-state-');
    cleanups.push(state.remove);
    const { supervisor, port, states } = await makeSupervisor('crash-after-ready.mjs', {
      env: () => ({ CRASH_TIMES: '1', CRASH_STATE_FILE: join(state.path, 'count'), CRASH_DELAY_MS: '300' }),
    });
    expect((await supervisor.start()).state).toBe('running');
    const firstPid = supervisor.status().pid;

    const restarting = await supervisor.waitFor((s) => s.state === 'restarting', 5_000);
    const crashLine = restarting.recentStderr.find((line) => line.startsWith('boom:')) ?? '';
    const crashedAt = Number(/at (\d+)/.exec(crashLine)?.[1]);
    expect(crashedAt).toBeGreaterThan(0);
    expect(restarting.reason).toMatch(/exited with code 3; restarting in 250 ms/);

    await supervisor.waitFor((s) => s.state === 'running', 5_000);
    expect(await getHealth(port)).toBe(200);
    const healthyAfterMs = Date.now() - crashedAt;
    console.log(`[supervisor] crash -> healthy again in ${healthyAfterMs} ms (backoff 250 ms)`);
    expect(healthyAfterMs).toBeLessThan(2_000);
    expect(supervisor.status().pid).not.toBe(firstPid);
    expect(supervisor.status().restarts).toBe(1);
    expect(states.map((s) => s.state)).toEqual(['starting', 'running', 'restarting', 'starting', 'running']);
  });

  it('stops retrying after 5 crashes in 60 s and reports the crash loop with the last stderr lines', async () => {
    const { supervisor, states } = await makeSupervisor('crash-after-ready.mjs', {
      env: () => ({ CRASH_DELAY_MS: '20' }),
      backoff: { initialMs: 20, factor: 2, maxMs: 200 },
    });
    await supervisor.start();
    const final = await supervisor.waitFor((s) => s.state === 'crash-loop', 15_000);
    expect(final.reason).toMatch(/crash loop: 5 crashes within 60 s; not restarting/);
    expect(final.reason).toMatch(/boom: simulated crash/);
    expect(final.pid).toBeUndefined();
    expect(states.filter((s) => s.state === 'restarting')).toHaveLength(4);
    // No further restart is scheduled.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(supervisor.status().state).toBe('crash-loop');
  });

  it('restarts a server that stops answering while alive (the liveness watchdog), counted like a crash', async () => {
    const state = tempDir('hang-state-');
    cleanups.push(state.remove);
    const { supervisor, port, states } = await makeSupervisor('hang-after-ready.mjs', {
      env: () => ({ HANG_TIMES: '1', HANG_STATE_FILE: join(state.path, 'count'), HANG_DELAY_MS: '300' }),
      livenessTimeoutMs: 1_500,
      livenessProbeMs: 250,
    });
    expect((await supervisor.start()).state).toBe('running');
    const hungPid = supervisor.status().pid as number;

    const restarting = await supervisor.waitFor((s) => s.state === 'restarting', 10_000);
    expect(restarting.reason).toMatch(/^server stopped answering its health check for \d+ s \(hung\) and was killed; restarting in 250 ms$/);
    expect(restarting.lastExit?.signal).toBe('SIGKILL');
    expect(isAlive(hungPid)).toBe(false);
    await supervisor.waitFor((s) => s.state === 'running', 10_000);
    expect(await getHealth(port)).toBe(200);
    expect(supervisor.status().restarts).toBe(1);
    expect(states.map((s) => s.state)).toEqual(['starting', 'running', 'restarting', 'starting', 'running']);
  });

  it('reports a server that hangs before ready as failed and kills it', async () => {
    const { supervisor, states } = await makeSupervisor('hang-before-ready.mjs', { startTimeoutMs: 1_000 });
    const started = states.length;
    const status = await supervisor.start();
    expect(status.state).toBe('failed');
    expect(status.reason).toMatch(/^did not become ready within 1 s/);
    const pid = states[started]?.pid ?? states.find((s) => s.pid)?.pid;
    await supervisor.waitFor((s) => s.lastExit !== undefined, 5_000);
    if (pid) expect(isAlive(pid)).toBe(false);
    expect(supervisor.status().state).toBe('failed');
  });

  it('reports a clean exit it did not ask for, and does not restart it', async () => {
    const { supervisor } = await makeSupervisor('clean-exit.mjs');
    expect((await supervisor.start()).state).toBe('running');
    const stopped = await supervisor.waitFor((s) => s.state === 'stopped', 5_000);
    expect(stopped.reason).toMatch(/exited on its own \(code 0\) and was not restarted/);
    expect(stopped.reason).toMatch(/configuration says stop/);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(supervisor.status().state).toBe('stopped');
    expect(supervisor.status().restarts).toBe(0);
  });

  posixOnly('stops gracefully: the child gets SIGTERM and exits 0', async () => {
    const { supervisor, log } = await makeSupervisor('graceful.mjs');
    await supervisor.start();
    const pid = supervisor.status().pid as number;
    const stopped = await supervisor.stop();
    expect(stopped.state).toBe('stopped');
    expect(stopped.lastExit).toEqual({ code: 0, signal: null });
    expect(isAlive(pid)).toBe(false);
    expect(readFileSync(log.file, 'utf8')).toContain(`got SIGTERM (pid ${pid})`);
  });

  posixOnly('sends SIGKILL to a child that ignores SIGTERM after the deadline', async () => {
    const { supervisor, log } = await makeSupervisor('ignores-sigterm.mjs', { stopTimeoutMs: 700 });
    await supervisor.start();
    const pid = supervisor.status().pid as number;
    const t0 = Date.now();
    const stopped = await supervisor.stop();
    const took = Date.now() - t0;
    expect(stopped.lastExit).toEqual({ code: null, signal: 'SIGKILL' });
    expect(took).toBeGreaterThanOrEqual(650);
    expect(isAlive(pid)).toBe(false);
    const text = readFileSync(log.file, 'utf8');
    expect(text).toContain('ignoring SIGTERM');
    expect(text).toContain('sending SIGKILL');
  });

  it('probes the port first and names the port and its owner (this test process)', async () => {
    const port = await freePort();
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => blocker.close(() => resolve())));

    const { supervisor } = await makeSupervisor('graceful.mjs', { port });
    const status = await supervisor.start();
    expect(status.state).toBe('failed');
    expect(status.reason).toContain(`Port ${port} on 127.0.0.1 is already in use`);
    if (process.platform === 'linux' || process.platform === 'darwin') {
      expect(status.reason).toContain(`pid ${process.pid}`);
    }
    expect(status.pid).toBeUndefined();
  });

  it('captures stdout and stderr into its own log file and rotates it', async () => {
    const { supervisor, log, dir } = await makeSupervisor('graceful.mjs', { env: () => ({ CHATTY_LINES: '600' }) });
    await supervisor.start();
    // 600 lines of ~95 bytes on each stream > 64 KiB: at least one rotation; keep=2 caps the files.
    const deadline = Date.now() + 5_000;
    while (!readFileSync(log.file, 'utf8').includes('line 599') || !existsSync(`${log.file}.1`)) {
      if (Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    const files = readdirSync(join(dir, 'logs')).sort();
    expect(files).toContain('server.log.1');
    expect(files.every((f) => ['server.log', 'server.log.1', 'server.log.2'].includes(f))).toBe(true);
    const all = files.map((f) => readFileSync(join(dir, 'logs', f), 'utf8')).join('');
    expect(all).toContain('stdout line 599');
    expect(all).toContain('stderr line 599');
    expect(readFileSync(`${log.file}.1`).length).toBeLessThanOrEqual(64 * 1024);
  });

  it('treats a restart exit code as a request: starts again at once, no crash counted', async () => {
    const state = tempDir('exit-state-');
    cleanups.push(state.remove);
    const { supervisor, states } = await makeSupervisor('exit-code.mjs', {
      env: () => ({ EXIT_CODE: '75', EXIT_STATE_FILE: join(state.path, 'done') }),
      restartExitCodes: [75],
    });
    await supervisor.start();
    const restarting = await supervisor.waitFor((s) => s.state === 'restarting', 5_000);
    expect(restarting.reason).toBe('the server asked to be restarted (exit code 75)');
    await supervisor.waitFor((s) => s.state === 'running', 5_000);
    expect(states.map((s) => s.state)).toEqual(['starting', 'running', 'restarting', 'starting', 'running']);
    expect(supervisor.status().restarts).toBe(0);
  });

  it('does not retry a fatal exit code and shows why', async () => {
    const { supervisor } = await makeSupervisor('exit-code.mjs', { env: () => ({ EXIT_CODE: '2' }), fatalExitCodes: [2, 3] });
    await supervisor.start();
    const failed = await supervisor.waitFor((s) => s.state === 'failed', 5_000);
    expect(failed.reason).toMatch(/exit code 2 and was not restarted/);
    expect(failed.reason).toMatch(/exiting with 2/);
  });

  it('shows degraded while the server reports a problem, recovers, and never restarts for it', async () => {
    const state = tempDir('health-');
    cleanups.push(state.remove);
    const healthFile = join(state.path, 'health');
    writeFileSync(healthFile, 'degraded');
    const { supervisor } = await makeSupervisor('degraded.mjs', { env: () => ({ HEALTH_FILE: healthFile }), healthPollMs: 100 });
    await supervisor.start();
    const pid = supervisor.status().pid;
    const degraded = await supervisor.waitFor((s) => s.state === 'degraded', 5_000);
    expect(degraded.reason).toBe('server reports degraded: connect ECONNREFUSED 127.0.0.1:3306');
    writeFileSync(healthFile, 'ok');
    const recovered = await supervisor.waitFor((s) => s.state === 'running', 5_000);
    expect(recovered.reason).toBe('health recovered');
    expect(recovered.pid).toBe(pid);
    expect(recovered.restarts).toBe(0);
  });

  it('re-reads PORT/HOST before each start, so a changed port applies on restart', async () => {
    const [first, second] = [await freePort(), await freePort()];
    let port = first;
    const { supervisor } = await makeSupervisor('graceful.mjs', { port: first, endpoint: () => ({ port, host: '127.0.0.1' }) });
    expect((await supervisor.start()).url).toBe(`http://127.0.0.1:${first}`);
    port = second;
    const restarted = await supervisor.restart();
    expect(restarted).toMatchObject({ state: 'running', port: second, url: `http://127.0.0.1:${second}` });
    expect(await getHealth(second)).toBe(200);
    expect(await getHealth(first)).toBe(0);
  });

  it('concurrent restart requests (tray + console) start one new process, not two', async () => {
    const { supervisor, states } = await makeSupervisor('graceful.mjs');
    await supervisor.start();
    const [a, b] = await Promise.all([supervisor.restart(), supervisor.restart()]);
    expect(a.pid).toBe(b.pid);
    expect(states.filter((s) => s.state === 'starting')).toHaveLength(2); // the first start and one restart
    expect(states.filter((s) => s.state === 'running')).toHaveLength(2);
  });

  it('a stop during a restart wins: nothing is started afterwards', async () => {
    const { supervisor } = await makeSupervisor('graceful.mjs');
    await supervisor.start();
    const restarting = supervisor.restart();
    const stopped = await supervisor.stop('application quit');
    await restarting;
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(stopped.state).toBe('stopped');
    expect(supervisor.status()).toMatchObject({ state: 'stopped', reason: 'application quit' });
    expect(supervisor.status().pid).toBeUndefined();
  });

  it('restart() replaces the process and comes back running', async () => {
    const { supervisor, port } = await makeSupervisor('graceful.mjs');
    await supervisor.start();
    const before = supervisor.status().pid;
    const status = await supervisor.restart();
    expect(status.state).toBe('running');
    expect(status.pid).not.toBe(before);
    expect(await getHealth(port)).toBe(200);
  });
});
