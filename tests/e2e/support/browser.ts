// Chromium for the console tests: Debian's /usr/bin/chromium (or CHROMIUM_PATH) driven by
// playwright-core. When no binary exists the suites skip and say why.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { REPO_ROOT } from './paths.js';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const chromiumMissing = !existsSync(CHROMIUM_PATH);
if (chromiumMissing) {
  console.warn(`[e2e] console browser tests SKIPPED: no Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)`);
}

/** `extraArgs`: more Chromium switches (e.g. `--host-resolver-rules` to open a server by a LAN name) */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', ...extraArgs],
  });
}

export const SCREENSHOT_DIR = path.join(REPO_ROOT, 'tests', 'artifacts', 'screenshots');

/**
 * Saves a screenshot as tests/artifacts/screenshots/<name>.png: the whole page, or only the
 * window (for long pages, after scrolling to what matters).
 */
export async function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: options.fullPage ?? true });
  return file;
}
