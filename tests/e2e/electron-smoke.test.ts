/**
 * Launches the desktop app with Playwright's Electron driver when an Electron binary is
 * installed (node_modules/electron/dist); otherwise skips and says why. Needs `npm run build`
 * first (dist/main, dist/server). On headless Linux run it under xvfb-run.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { _electron as electron } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { freePort } from '../support/net.mjs';

function electronBinary(): { path?: string; reason?: string } {
  try {
    // The electron package exports the binary's path, and throws when the binary was never downloaded.
    const path = createRequire(import.meta.url)('electron') as unknown;
    if (typeof path !== 'string') return { reason: 'the electron package did not return a binary path' };
    return existsSync(path) ? { path } : { reason: `Electron binary not found at ${path}` };
  } catch (error) {
    return { reason: `no Electron binary installed (${(error as Error).message.split('\n')[0]})` };
  }
}

const binary = electronBinary();
const mainEntry = resolve('dist/main/index.js');
const skipReason = binary.reason ?? (existsSync(mainEntry) ? undefined : `${mainEntry} missing: run npm run build first`);
if (skipReason) console.log(`[electron-smoke] SKIP: ${skipReason}`);

describe.skipIf(skipReason !== undefined)('desktop app smoke test (Playwright _electron)', () => {
  it('starts the server, opens a hardened console window with the desktop bridge, and quits cleanly', async () => {
    const profile = mkdtempSync(join(tmpdir(), 'integram-electron-'));
    const port = await freePort();
    const app = await electron.launch({
      executablePath: binary.path,
      args: ['.'],
      cwd: resolve('.'),
      env: { ...process.env, INTEGRAM_USER_DATA_DIR: profile, DATA_DIR: join(profile, 'data'), PORT: String(port), HOST: '127.0.0.1' },
      timeout: 60_000,
    });
    try {
      const window = await app.firstWindow({ timeout: 90_000 });
      await expect.poll(() => window.url(), { timeout: 90_000 }).toBe(`http://127.0.0.1:${port}/console`);

      const health = await fetch(`http://127.0.0.1:${port}/health`);
      expect(health.status).toBe(200);

      // Renderer: no Node, the narrow bridge only.
      expect(await window.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
      const bridge = await window.evaluate(() => Object.keys((globalThis as { integramDesktop?: object }).integramDesktop ?? {}).sort());
      expect(bridge).toEqual(expect.arrayContaining(['getServerState', 'installUpdate', 'openDataFolder', 'quit', 'restartServer']));
      const state = await window.evaluate(() =>
        (globalThis as unknown as { integramDesktop: { getServerState(): Promise<{ state: string }> } }).integramDesktop.getServerState(),
      );
      expect(state.state).toBe('running');

      // Context isolation: the page's world sees neither Node's process nor Electron's ipcRenderer.
      expect(await window.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe('undefined');
      expect(await window.evaluate(() => typeof (globalThis as { ipcRenderer?: unknown }).ipcRenderer)).toBe('undefined');

      // Navigation away from the console is refused.
      await window.evaluate(() => {
        (globalThis as unknown as { location: { href: string } }).location.href = 'file:///etc/hostname';
      });
      await new Promise((settle) => setTimeout(settle, 500));
      expect(window.url()).toBe(`http://127.0.0.1:${port}/console`);
    } finally {
      await app.close();
      rmSync(profile, { recursive: true, force: true });
    }
    // Quitting stops the server gracefully.
    const after = await fetch(`http://127.0.0.1:${port}/health`).then(
      (response) => response.status,
      () => 0,
    );
    expect(after).toBe(0);
  }, 240_000);
});
