/**
 * The server under systemd (`Type=notify`, `WatchdogSec=`): READY=1 once it serves, WATCHDOG=1 at
 * half the interval while its event loop turns, STOPPING=1 on the way out. systemd's side is played
 * by a unix datagram socket read by python3 (Node cannot read one), the messages sent by the real
 * `systemd-notify`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeDir, REPO_ROOT, spawnServer, type ServerProcess } from '../../support/server.js';

const RECEIVER = `
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
print("listening", flush=True)
while True:
    print(s.recv(65536).decode().replace("\\n", " "), flush=True)
`;

const available = spawnSync('systemd-notify', ['--help']).status === 0 && spawnSync('python3', ['--version']).status === 0;
if (!available) console.log('systemd notify test skipped: systemd-notify or python3 is not installed');

describe.skipIf(!available)('server under systemd: readiness and the watchdog', { timeout: 90_000 }, () => {
  let dir: string;
  let receiver: ChildProcess;
  let received = '';
  let server: ServerProcess;

  beforeAll(async () => {
    dir = makeTempDir('integram-notify-');
    const socket = path.join(dir, 'notify.sock');
    receiver = spawn('python3', ['-c', RECEIVER, socket]);
    receiver.stdout?.on('data', (chunk: Buffer) => (received += chunk.toString()));
    for (let i = 0; i < 100 && !received.includes('listening'); i++) await new Promise((r) => setTimeout(r, 50));
    server = await spawnServer({ entry: 'built', env: { NOTIFY_SOCKET: socket, WATCHDOG_USEC: '400000' } });
  });

  afterAll(() => {
    receiver?.kill();
    server?.cleanup();
    removeDir(dir);
  });

  const lines = () => received.split('\n').filter((line) => line.includes(`MAINPID=${server.pid}`));
  const waitUntil = async (check: () => boolean, what: string) => {
    for (let i = 0; i < 600 && !check(); i++) await new Promise((r) => setTimeout(r, 50));
    if (!check()) throw new Error(`${what} did not arrive; received:\n${received}\nserver output:\n${server.output()}`);
  };

  it('says READY=1 once it serves, then WATCHDOG=1 every 200 ms, and STOPPING=1 when it stops', async () => {
    await waitUntil(() => lines().some((line) => line.includes('READY=1')), 'READY=1');
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    const pingsAtReady = lines().filter((line) => line.includes('WATCHDOG=1')).length;
    await new Promise((r) => setTimeout(r, 1_500));
    const pings = lines().filter((line) => line.includes('WATCHDOG=1')).length - pingsAtReady;
    // 400 ms interval → a ping every 200 ms: about 7 in 1.5 s (a busy machine may lose a few)
    expect(pings).toBeGreaterThanOrEqual(4);
    expect(pings).toBeLessThanOrEqual(9);
    expect((await server.stop('SIGTERM')).code).toBe(0);
    await waitUntil(() => lines().some((line) => line.includes('STOPPING=1')), 'STOPPING=1');
  });
});

const analyze = spawnSync('systemd-analyze', ['--version']).status === 0;
describe.skipIf(!analyze)('deploy/integram.service', () => {
  it('passes systemd-analyze verify (with this machine\'s node in ExecStart)', () => {
    const dir = makeTempDir('integram-unit-');
    try {
      const unit = readFileSync(path.join(REPO_ROOT, 'deploy', 'integram.service'), 'utf8');
      expect(unit).toMatch(/^Type=notify$/m);
      expect(unit).toMatch(/^WatchdogSec=\d+$/m);
      expect(unit).toMatch(/^RestartForceExitStatus=75$/m);
      const file = path.join(dir, 'integram.service');
      writeFileSync(file, unit.replace('/usr/bin/node', process.execPath));
      const result = spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8' });
      expect(`${result.stdout}${result.stderr}`.trim()).toBe('');
      expect(result.status).toBe(0);
    } finally {
      removeDir(dir);
    }
  });

  it('creates the settings file a new install lacks before the server starts (ExecStartPre), owner-only', () => {
    const unit = readFileSync(path.join(REPO_ROOT, 'deploy', 'integram.service'), 'utf8');
    const pre = /^ExecStartPre=\/bin\/sh -c '(.+)'$/m.exec(unit);
    expect(pre).not.toBeNull();
    const dir = makeTempDir('integram-unit-');
    try {
      const envFile = path.join(dir, '.env');
      const run = () => spawnSync('/bin/sh', ['-c', pre![1]], { env: { PATH: process.env.PATH, ENV_FILE: envFile }, encoding: 'utf8' });
      expect(run().status).toBe(0);
      expect(statSync(envFile).mode & 0o777).toBe(0o600);
      // an existing file (the console's settings) is left as it is
      writeFileSync(envFile, 'PORT=8081\n');
      expect(run().status).toBe(0);
      expect(readFileSync(envFile, 'utf8')).toBe('PORT=8081\n');
    } finally {
      removeDir(dir);
    }
  });
});
