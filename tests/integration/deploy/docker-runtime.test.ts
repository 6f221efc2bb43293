/**
 * What the Docker image ships, without Docker (this machine cannot pull images): the Dockerfile's
 * runtime step (deploy/install-runtime.sh) run into a temp folder, from npm's cache only.
 * It holds the server's production dependencies and nothing of the desktop app, the console's
 * build tools or the test tools; the console admin password is set with the CLI the Dockerfile's
 * header names, through the image's entrypoint (which creates the settings file in a new volume);
 * the server starts from it, serves the console and opens its store.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../support/net.mjs';
import { makeTempDir, removeDir, REPO_ROOT, startProcess, type TrackedProcess } from '../../support/server.js';

const SCRIPT = path.join(REPO_ROOT, 'deploy', 'install-runtime.sh');
/** packages that must never be in the image: desktop, build, lint and test tools */
const DEV_ONLY = ['electron', 'electron-builder', 'vite', '@vitejs', 'vue', 'vitest', 'typescript', 'eslint', 'playwright-core', 'pm2', 'autocannon', 'tsx', 'fast-check', 'dependency-cruiser'];

describe('the Docker image runtime (deploy/install-runtime.sh)', { timeout: 300_000 }, () => {
  let work = '';
  let runtime = '';
  let server: TrackedProcess | null = null;

  beforeAll(() => {
    work = makeTempDir('integram-runtime-');
    runtime = path.join(work, 'app');
    execFileSync('bash', [SCRIPT, runtime, '--offline'], { stdio: 'pipe', env: { ...process.env, npm_config_cache: process.env.npm_config_cache ?? '' } });
  });

  afterAll(async () => {
    await server?.stop();
    if (work) removeDir(work);
  });

  it('has the server, the console and the templates, and no desktop, build or test tools', () => {
    expect(existsSync(path.join(runtime, 'dist', 'server', 'index.js'))).toBe(true);
    expect(existsSync(path.join(runtime, 'dist', 'renderer', 'index.html'))).toBe(true);
    expect(readdirSync(path.join(runtime, 'resources', 'templates')).length).toBeGreaterThan(0);
    const modules = readdirSync(path.join(runtime, 'node_modules'));
    const scoped = modules.filter((m) => m.startsWith('@')).flatMap((scope) => readdirSync(path.join(runtime, 'node_modules', scope)).map((m) => `${scope}/${m}`));
    const installed = new Set([...modules, ...scoped]);
    expect(DEV_ONLY.filter((name) => installed.has(name))).toEqual([]);
    // every production dependency the server declares is there
    const declared = Object.keys((JSON.parse(readFileSync(path.join(REPO_ROOT, 'server', 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies);
    expect(declared.filter((name) => !installed.has(name))).toEqual([]);
  });

  it('sets the console admin password with the CLI, then serves the console and opens its store', async () => {
    const env = { PATH: process.env.PATH, HOME: work, NODE_ENV: 'production', DATA_DIR: path.join(work, 'data'), ENV_FILE: path.join(work, 'data', '.env'), LOG_LEVEL: 'warn' };
    // as in the image: every command goes through its entrypoint (which creates the settings file)
    const set = spawnSync('./entrypoint.sh', [process.execPath, 'dist/server/cli/admin.js', 'set-password', '--password-stdin'], { cwd: runtime, env, input: 'docker-runtime-password\n', encoding: 'utf8' });
    expect(set.status, set.stderr).toBe(0);
    const port = await freePort();
    server = startProcess(['dist/server/index.js'], { cwd: runtime, env: { ...env, HOST: '127.0.0.1', PORT: String(port) } });
    expect(existsSync(env.ENV_FILE)).toBe(true);
    const url = `http://127.0.0.1:${port}`;
    await server.waitFor(async () => (await fetch(`${url}/health/ready`)).ok, 'store open (/health/ready 200)', 60_000);
    const consolePage = await fetch(`${url}/console/`);
    expect(consolePage.status).toBe(200);
    expect(await consolePage.text()).toContain('<div id="app"');
    const login = await fetch(`${url}/api/admin/login`, {
      method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Requested-With': 'integram-console' }, body: JSON.stringify({ password: 'docker-runtime-password' }),
    });
    expect(login.status).toBe(200);
  });
});
