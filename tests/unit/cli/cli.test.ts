/** verify-env and generate-jwt-secret as real processes (as `npm run` starts them), from a temp folder. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cliArgs, type CliTool } from '../../support/cli.js';


const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'integram-cli-test-'));
  dirs.push(dir);
  return dir;
}

/** The machine's environment without any Integram setting, so only the test's values count. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME };
  return { ...env, ...extra };
}

function run(tool: CliTool, args: string[], cwd: string, env: Record<string, string>) {
  const result = spawnSync(process.execPath, cliArgs(tool, ...args), {
    cwd,
    env: cleanEnv(env),
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('npm run verify-env', () => {
  it('prints every setting with its status and description, masks secrets, exits 0 when valid', () => {
    const cwd = tempDir();
    const dataDir = path.join(cwd, 'data');
    writeFileSync(path.join(cwd, '.env'), 'PORT=9005\nDB_PASSWORD=hunter2-very-secret\nTYPO_KEY=1\n');
    const out = run('verify-env', [], cwd, { DATA_DIR: dataDir, HOST: '127.0.0.1' });
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(out.stdout).toContain(`Settings from the environment and ${path.join(cwd, '.env')} (the environment wins)`);
    expect(out.stdout).toMatch(/ok\s+PORT=9005 \[file\]\n\s+TCP port of the HTTP server/);
    expect(out.stdout).toMatch(/ok\s+HOST=127\.0\.0\.1 \[env\]/);
    expect(out.stdout).toMatch(/default DB_PORT=3306\n/);
    expect(out.stdout).toMatch(/ok\s+DB_PASSWORD=\*\*\*\*\*\*\*\* \(19 chars\) \[file\]/);
    expect(out.stdout).not.toContain('hunter2');
    expect(out.stdout).toContain('[auth]');
    expect(out.stdout).toMatch(/JWT_SECRET=\*{8} \(96 chars\) \[generated\]\n.*\n\s+not set; will be generated into .*jwt-secret at first start/);
    expect(out.stdout).toContain('warning: TYPO_KEY in the .env file is not a known setting (ignored)');
    expect(out.stdout).toMatch(/\d+ settings: \d+ ok, \d+ default, 0 error/);
    // verify-env only looks: it must not create the secrets
    expect(existsSync(path.join(dataDir, 'secrets'))).toBe(false);
  });

  it('a .env with settings taken out of the schema (temp dir, session secret) is no error: each is named as unknown, values not shown; an AI key is a setting, masked', () => {
    const cwd = tempDir();
    writeFileSync(path.join(cwd, '.env'), 'TEMP_DIR=/tmp/old\nSESSION_SECRET=old-session-secret\nOPENAI_API_KEY=sk-old-key\n');
    const out = run('verify-env', [], cwd, { DATA_DIR: path.join(cwd, 'data') });
    expect(out.code).toBe(0);
    for (const name of ['TEMP_DIR', 'SESSION_SECRET']) {
      expect(out.stdout).toContain(`warning: ${name} in the .env file is not a known setting (ignored)`);
    }
    expect(out.stdout).not.toContain('old-session-secret');
    // the AI chat's keys are settings since the chat exists: read, and shown masked
    expect(out.stdout).not.toContain('OPENAI_API_KEY in the .env file is not a known setting');
    expect(out.stdout).toMatch(/ok +OPENAI_API_KEY=\*+ \[file\]/);
    expect(out.stdout).not.toContain('sk-old-key');
  });

  it('shows the mail settings with the SMTP password masked', () => {
    const cwd = tempDir();
    writeFileSync(path.join(cwd, '.env'), 'SMTP_HOST=mail.example.org\nSMTP_USER=robot@example.org\nSMTP_PASSWORD=the-mail-secret-42\n');
    const out = run('verify-env', [], cwd, { DATA_DIR: path.join(cwd, 'data') });
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('[mail]');
    expect(out.stdout).toContain('SMTP_HOST');
    expect(out.stdout).not.toContain('the-mail-secret-42');
    expect(out.stdout).not.toContain('SMTP_HOST in the .env file is not a known setting');
  });

  it('exits 1 and names each error', () => {
    const cwd = tempDir();
    const out = run('verify-env', [], cwd, {
      DATA_DIR: path.join(cwd, 'data'),
      NODE_ENV: 'production',
      JWT_SECRET: 'changeme',
      AUTH_MODE: 'mock',
      PORT: 'eighty',
    });
    expect(out.code).toBe(1);
    expect(out.stdout).toMatch(/error\s+PORT=eighty \[env\]/);
    expect(out.stdout).toContain('Configuration errors:');
    expect(out.stdout).toContain('  PORT: expected a whole number');
    expect(out.stdout).toMatch(/ {2}JWT_SECRET: is a well-known example value/);
    expect(out.stdout).toContain('  AUTH_MODE: mock is allowed only with NODE_ENV=development');
    expect(out.stdout).not.toContain('changeme');
  });

  it('reads the file given by --env-file, and --json gives a machine-readable report', () => {
    const cwd = tempDir();
    const file = path.join(cwd, 'other.env');
    writeFileSync(file, 'PORT=9010\n');
    const out = run('verify-env', ['--json', '--env-file', file], cwd, { DATA_DIR: path.join(cwd, 'data') });
    expect(out.code).toBe(0);
    const report = JSON.parse(out.stdout) as { ok: boolean; envFile: string; settings: Array<{ key: string; value: unknown }> };
    expect(report.ok).toBe(true);
    expect(report.envFile).toBe(file);
    expect(report.settings.find((s) => s.key === 'PORT')?.value).toBe(9010);
  });

  it('--example prints a commented .env example covering every setting', () => {
    const cwd = tempDir();
    const out = run('verify-env', ['--example'], cwd, {});
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('# PORT=8081');
    expect(out.stdout).toContain('# AUTH_SALT=');
    expect(out.stdout).toContain('(also read as INTEGRAM_SALT)');
  });
});

describe('npm run generate-jwt-secret', () => {
  it('prints a fresh 96-character secret', () => {
    const cwd = tempDir();
    const a = run('generate-secret', [], cwd, {});
    const b = run('generate-secret', [], cwd, {});
    expect(a.code).toBe(0);
    expect(a.stdout.trim()).toMatch(/^[A-Za-z0-9_-]{96}$/);
    expect(a.stdout).not.toBe(b.stdout);
  });

  it('--write stores it in the .env file, keeping other lines and a backup', () => {
    const cwd = tempDir();
    const file = path.join(cwd, '.env');
    writeFileSync(file, '# my settings\nPORT=9000\nJWT_SECRET=old\n');
    const out = run('generate-secret', ['--write'], cwd, {});
    expect(out.code).toBe(0);
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(/^# my settings\nPORT=9000\nJWT_SECRET=[A-Za-z0-9_-]{96}\n$/);
    expect(readFileSync(`${file}.bak`, 'utf8')).toContain('JWT_SECRET=old');
  });
});
