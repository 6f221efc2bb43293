import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';

// opens its own embedded stores: slow on a busy machine
vi.setConfig({ testTimeout: 120_000, hookTimeout: 180_000 });
import { call, startHarness, type Harness } from '../admin/harness.js';
import { cliArgs } from '../../support/cli.js';


let h: Harness | null = null;
let dataDir: string | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  dataDir = null;
});

function runCli(args: string[], input: string | null, env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // cwd is the data folder, so no .env of the project is read
    const child = spawn(process.execPath, cliArgs('admin', ...args), { cwd: env.DATA_DIR, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
    if (input !== null) child.stdin.end(input);
    else child.stdin.end();
  });
}

describe('npm run admin -- set-password', () => {
  it('sets the password from stdin; then the console login works with it', async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'integram-admin-cli-'));
    const env = { DATA_DIR: dataDir, BCRYPT_ROUNDS: '4', NODE_ENV: 'test' };
    const before = await runCli(['status'], null, env);
    expect(before.stdout).toMatch(/no console admin password yet/);

    const short = await runCli(['set-password', '--password-stdin'], 'short\n', env);
    expect(short.code).toBe(1);
    expect(short.stderr).toMatch(/at least 8 characters/);

    const set = await runCli(['set-password', '--password-stdin'], 'from-the-cli-42\n', env);
    expect(set.stderr).toBe('');
    expect(set.code).toBe(0);
    expect(set.stdout).toMatch(/Console admin password set \(pglite\)/);

    // the server opens the same data folder: the password works, the trailing newline was not part of it
    h = await startHarness({ dataDir });
    const login = await call<{ token: string }>(h, 'POST', '/login', { body: { password: 'from-the-cli-42' } });
    expect(login.status).toBe(200);
    expect((await call(h, 'POST', '/setup', { body: { adminPassword: 'another-one-1', database: { kind: 'embedded' }, access: 'local' } })).status).toBe(409);

    // while the server holds the embedded store the CLI refuses with a clear message
    const busy = await runCli(['set-password', '--password-stdin'], 'yet-another-pw\n', env);
    expect(busy.code).toBe(1);
    expect(busy.stderr).toMatch(/Stop the server first/);
    expect(busy.stderr).not.toMatch(/\n\s+at /);
  });

  it('without a terminal and without --password-stdin it explains what to do', async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'integram-admin-cli-'));
    const r = await runCli(['set-password'], null, { DATA_DIR: dataDir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--password-stdin/);
    const unknown = await runCli(['frobnicate'], null, { DATA_DIR: dataDir });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/unknown command/);
  });
});

/** util-linux `script` gives the CLI a real terminal (pty), so the hidden prompts can be tested. */
const SCRIPT = '/usr/bin/script';
if (!existsSync(SCRIPT)) console.log('admin CLI terminal prompt test SKIPPED: /usr/bin/script (util-linux) is not installed');

function runOnTerminal(answers: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(SCRIPT, ['-qec', [process.execPath, ...cliArgs('admin', 'set-password')].join(' '), '/dev/null'], {
      cwd: env.DATA_DIR, env: { PATH: process.env.PATH, HOME: process.env.HOME, TERM: 'dumb', ...env }, stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    const pending = [...answers];
    let prompts = 0;
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
      // answer each prompt once it is shown (the terminal is in raw mode by then)
      const seen = (output.match(/password: /g) ?? []).length;
      while (prompts < seen && pending.length > 0) {
        prompts++;
        const answer = pending.shift()!;
        setTimeout(() => child.stdin.write(`${answer}\r`), 200);
      }
    });
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, output }));
  });
}

describe.skipIf(!existsSync(SCRIPT))('npm run admin -- set-password on a terminal', () => {
  it('asks twice without echoing; different answers change nothing; equal answers set the password', async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'integram-admin-tty-'));
    const env = { DATA_DIR: dataDir, BCRYPT_ROUNDS: '4', NODE_ENV: 'test' };
    const differ = await runOnTerminal(['first-answer-1', 'second-answer-2'], env);
    expect(differ.output).toMatch(/New console admin password: /);
    expect(differ.output).toMatch(/Repeat the password: /);
    expect(differ.output).toMatch(/the two passwords differ/);
    expect(differ.output).not.toContain('first-answer-1');
    expect(differ.code).toBe(1);
    expect((await runCli(['status'], null, env)).stdout).toMatch(/no console admin password yet/);

    const same = await runOnTerminal(['typed-on-a-tty-3', 'typed-on-a-tty-3'], env);
    expect(same.output).toMatch(/Console admin password set/);
    expect(same.output).not.toContain('typed-on-a-tty-3');
    expect(same.code).toBe(0);
    h = await startHarness({ dataDir });
    expect((await call(h, 'POST', '/login', { body: { password: 'typed-on-a-tty-3' } })).status).toBe(200);
  });
});
