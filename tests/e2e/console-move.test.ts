// Moving the data from the console: a headless server set up on the embedded store moves every
// database to a MariaDB this test owns, restarts onto it, then moves back, with the Integram logins
// working at every stop. The move panel is also shown in Russian. Skips visibly without mariadbd or
// Chromium.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { chromiumMissing, screenshot } from './support/browser.js';
import { goTo, legacyAdminLogin, openConsole, poll, signIn } from './support/console.js';
import { consoleSuite } from './support/console-suite.js';
import { findMariadbd, startMariadb, type Mariadb } from '../support/start-mariadb.mjs';
import { serverMissingReason, type TestServer } from './support/server.js';

const MARIADBD = findMariadbd();
if (!MARIADBD) console.warn('[e2e] data move test SKIPPED: mariadbd is not installed (apt-get install mariadb-server)');
const serverMissing = serverMissingReason();
if (serverMissing) console.warn(`[e2e] data move test SKIPPED: ${serverMissing}`);

const PASSWORD = 'office admin 2026';
const DB_NAME = 'integram_moved';


describe.skipIf(chromiumMissing || !MARIADBD || serverMissing !== null)('moving the data from the console', { timeout: 240_000 }, () => {
  let mariadb: Mariadb;
  const suite = consoleSuite({
    before: async () => {
      mariadb = await startMariadb({ user: 'integram_mv', password: 'integram-mv-pw', innodbBufferPoolSize: '64M', prefix: 'integram-e2e-move-' });
    },
    servers: [{ envFileLines: ['HOST=127.0.0.1'], password: PASSWORD }],
    viewport: { width: 1280, height: 900 },
    stepTimeout: 30_000,
    after: async () => { await mariadb?.destroy(); },
  });
  let server: TestServer;
  let page: Page;
  beforeAll(() => { ({ server, page } = suite); });

  it('moves embedded → MariaDB and back, restarting onto each, with logins working', async () => {
    await poll(() => legacyAdminLogin(server.url, PASSWORD), 60_000).toBe(200);
    await openConsole(page, server.url);
    await signIn(page, PASSWORD);
    await goTo(page, 'settings');
    await page.getByTestId('settings-task-database').click();
    await poll(() => page.getByTestId('store-current').getAttribute('data-driver')).toBe('pglite');

    await page.getByTestId('move-to-mysql').check();
    await page.getByTestId('move-host').fill(mariadb.host);
    await page.getByTestId('move-port').fill(String(mariadb.port));
    await page.getByTestId('move-user').fill(mariadb.user);
    await page.getByTestId('move-password').fill(mariadb.password);
    await page.getByTestId('move-database').fill(DB_NAME);
    await screenshot(page, 'move-1-to-mysql');
    await page.getByTestId('move-start').click();
    await page.getByTestId('confirm-ok').click();
    await poll(() => page.getByTestId('move-done').textContent(), 120_000).toContain('Restart the server');
    await screenshot(page, 'move-2-done');
    // the old store is not written any more: the data API waits for the restart
    expect(await legacyAdminLogin(server.url, PASSWORD)).toBe(-503);
    await page.getByTestId('restart-server').click();
    await poll(() => page.getByTestId('store-current').getAttribute('data-driver'), 120_000).toBe('mysql');
    await poll(() => legacyAdminLogin(server.url, PASSWORD), 60_000).toBe(200);
    await screenshot(page, 'move-3-on-mysql');

    // back to the embedded store (its earlier folder is kept aside, never deleted)
    await page.getByTestId('move-to-embedded').check();
    await page.getByTestId('move-start').click();
    await page.getByTestId('confirm-ok').click();
    await poll(() => page.getByTestId('move-done').textContent(), 120_000).toContain('Restart the server');
    await page.getByTestId('restart-server').click();
    await poll(() => page.getByTestId('store-current').getAttribute('data-driver'), 120_000).toBe('pglite');
    await poll(() => legacyAdminLogin(server.url, PASSWORD), 60_000).toBe(200);

    await page.getByTestId('language').selectOption('ru');
    await poll(() => page.getByTestId('store-move').textContent()).toContain('Где хранятся данные');
    await screenshot(page, 'move-4-ru');
    await page.getByTestId('language').selectOption('en');
  });
});
