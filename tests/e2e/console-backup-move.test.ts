// A backup carried to a new machine from the console: server A (its own data folder and AUTH_SALT)
// makes a backup that is downloaded; server B, fresh, uploads it, restores it adopting A's salt and
// restarts; the Integram login of A's admin then works on B. In English; the dialog also in Russian.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { chromiumMissing, screenshot } from './support/browser.js';
import { goTo, legacyAdminLogin, openConsole, poll, signIn } from './support/console.js';
import { consoleSuite } from './support/console-suite.js';
import { serverMissingReason, type TestServer } from './support/server.js';

const serverMissing = serverMissingReason();
if (serverMissing) console.warn(`[e2e] backup move test SKIPPED: ${serverMissing}`);

const PASSWORD_A = 'old office pc 2026';
const PASSWORD_B = 'new office pc 2026';


describe.skipIf(chromiumMissing || serverMissing !== null)('a backup carried to a new machine', { timeout: 240_000 }, () => {
  const suite = consoleSuite({
    servers: [{ envFileLines: ['HOST=127.0.0.1'], password: PASSWORD_A }, { envFileLines: ['HOST=127.0.0.1'], password: PASSWORD_B }],
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
    stepTimeout: 30_000,
  });
  let a: TestServer;
  let b: TestServer;
  let page: Page;
  beforeAll(() => { ({ servers: [a, b], page } = suite); });

  it('downloads on A, uploads and restores on B with A\'s salt, and A\'s login works on B', async () => {
    await poll(() => legacyAdminLogin(a.url, PASSWORD_A), 60_000).toBe(200);
    // before: A's password is not a login on B
    expect(await legacyAdminLogin(b.url, PASSWORD_A)).not.toBe(200);

    await openConsole(page, a.url);
    await signIn(page, PASSWORD_A);
    await goTo(page, 'backups');
    await page.getByTestId('backup-run').click();
    await poll(() => page.getByTestId('backup-result').textContent(), 60_000).toContain('Done');
    const downloading = page.waitForEvent('download');
    await page.locator('[data-testid="backup-row"][data-kind="manual"]').getByTestId('backup-download').click();
    const archive = readFileSync(await (await downloading).path());

    await openConsole(page, b.url);
    await signIn(page, PASSWORD_B);
    await goTo(page, 'backups');
    await page.getByTestId('backup-upload').setInputFiles({ name: 'from-old-pc.jsonl.gz', mimeType: 'application/gzip', buffer: archive });
    await poll(() => page.getByTestId('backup-result').textContent()).toContain('Uploaded');
    await page.getByTestId('language').selectOption('ru');
    await page.locator('[data-testid="backup-row"][data-kind="manual"]').getByTestId('backup-restore').click();
    // the backup was made with another AUTH_SALT: the dialog offers to adopt it (checked)
    await page.getByTestId('restore-salt').waitFor();
    expect(await page.getByTestId('restore-adopt-salt').isChecked()).toBe(true);
    await screenshot(page, 'backup-move-restore-dialog-ru');
    await page.getByTestId('confirm-ok').click();
    await poll(() => page.getByTestId('backup-result').textContent(), 60_000).toMatch(/\S/);
    await page.getByTestId('language').selectOption('en');
    // the salt applies after a restart
    await goTo(page, 'settings');
    await page.getByTestId('restart-server').click();
    await poll(() => legacyAdminLogin(b.url, PASSWORD_A), 120_000).toBe(200);
    await screenshot(page, 'backup-move-restored');
  });
});
