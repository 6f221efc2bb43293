// The console against a headless server on a MariaDB that this test owns: the wizard chooses MySQL
// (with a successful connection test), the server restarts onto it, and the health page turns
// "degraded" when MariaDB stops and "ok" again when it starts. Skips visibly without mariadbd or
// Chromium.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { chromiumMissing, screenshot } from './support/browser.js';
import { goTo, openConsole, poll, signIn } from './support/console.js';
import { consoleSuite } from './support/console-suite.js';
import { findMariadbd, startMariadb, type Mariadb } from '../support/start-mariadb.mjs';
import { serverMissingReason, type TestServer } from './support/server.js';

// a MariaDB of the test's own: stopping the shared one would break the other suites
const MARIADBD = findMariadbd();
if (!MARIADBD) console.warn('[e2e] MariaDB outage test SKIPPED: mariadbd is not installed (apt-get install mariadb-server)');
const startPrivateMariadb = () => startMariadb({ user: 'integram_e2e', password: 'integram-e2e-pw', innodbBufferPoolSize: '64M', prefix: 'integram-e2e-mariadb-' });

const serverMissing = serverMissingReason();
if (serverMissing) console.warn(`[e2e] console MariaDB test SKIPPED: ${serverMissing}`);

const PASSWORD = 'office admin 2026';
const DB_NAME = 'integram_e2e';

describe.skipIf(chromiumMissing || !MARIADBD || serverMissing !== null)('console health follows a MariaDB outage', { timeout: 180_000 }, () => {
  let mariadb: Mariadb;
  // no admin password: the first-run wizard is what the suite drives
  const suite = consoleSuite({
    before: async () => {
      // MariaDB first: it binds its port only after its install step
      mariadb = await startPrivateMariadb();
      mariadb.sql(`CREATE DATABASE IF NOT EXISTS ${DB_NAME} CHARACTER SET utf8mb4`);
    },
    servers: [{}],
    viewport: { width: 1280, height: 860 },
    after: async () => { await mariadb?.destroy(); },
    setupTimeout: 120_000,
  });
  let server: TestServer;
  let page: Page;
  beforeAll(() => { ({ server, page } = suite); });

  it('sets up the server on MySQL through the wizard and restarts onto it', async () => {
    await openConsole(page, server.url);
    await page.getByTestId('wizard').waitFor();
    await page.getByTestId('wizard-next').click();
    await page.getByTestId('wizard-db-mysql').check();
    await page.getByTestId('mysql-host').fill(mariadb.host);
    await page.getByTestId('mysql-port').fill(String(mariadb.port));
    await page.getByTestId('mysql-user').fill(mariadb.user);
    await page.getByTestId('mysql-password').fill(mariadb.password);
    await page.getByTestId('mysql-database').fill(DB_NAME);
    // through the server's unix socket, host and port unused (a port where nothing listens): connected too
    await page.getByTestId('mysql-port').fill('1');
    await page.getByTestId('mysql-socket').fill(mariadb.socket);
    await page.getByTestId('mysql-test').click();
    await poll(() => page.getByTestId('mysql-test-result').textContent()).toContain('Connected in');
    await screenshot(page, 'wizard-2-database-mysql-socket-ok');
    // a socket that is not there: said in a sentence
    await page.getByTestId('mysql-socket').fill(`${mariadb.socket}.missing`);
    await page.getByTestId('mysql-test').click();
    await poll(() => page.getByTestId('mysql-test-result').textContent()).toContain('There is no socket');
    // back to TCP for the rest of the suite
    await page.getByTestId('mysql-socket').fill('');
    await page.getByTestId('mysql-port').fill(String(mariadb.port));
    await page.getByTestId('mysql-test').click();
    await poll(() => page.getByTestId('mysql-test-result').textContent()).toContain('Connected in');
    await screenshot(page, 'wizard-2-database-mysql-ok');
    await page.getByTestId('wizard-next').click();
    await page.getByTestId('wizard-next').click();
    await page.getByTestId('wizard-password-1').fill(PASSWORD);
    await page.getByTestId('wizard-password-2').fill(PASSWORD);
    const restartsBefore = server.restarts();
    await page.getByTestId('wizard-finish').click();
    await page.getByTestId('wizard-done').waitFor();
    // the database choice applies at the next start: the wizard restarts the server and waits for it
    await page.getByTestId('wizard-restarted').waitFor({ timeout: 90_000 });
    expect(server.restarts()).toBe(restartsBefore + 1);
    await screenshot(page, 'wizard-3-restarted-on-mysql');
    await page.getByTestId('wizard-go-login').click();

    // the session lived in the embedded store; on MySQL the console asks to sign in again
    await page.getByTestId('login').or(page.getByTestId('page-health')).waitFor({ timeout: 15_000 });
    if (await page.getByTestId('login').isVisible()) await signIn(page, PASSWORD);
    await goTo(page, 'health');
    await poll(() => page.getByTestId('health-db').textContent()).toContain('mysql');
    await poll(() => page.getByTestId('health-status').getAttribute('data-status')).toBe('ok');

    // and it ends as the embedded first run does: database my, its Integram user admin with the console password
    const login = await fetch(`${server.url}/my/auth?JSON`, {
      method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: `login=admin&pwd=${encodeURIComponent(PASSWORD)}`,
    });
    expect(login.status).toBe(200);
    expect(((await login.json()) as { token?: string }).token).toBeTruthy();
  });

  it('turns degraded when MariaDB stops, stays usable for the admin, and recovers when it starts again', async () => {
    await mariadb.stop();
    await poll(() => page.getByTestId('health-status').getAttribute('data-status'), 30_000).toBe('degraded');
    await poll(() => page.getByTestId('health-db').getAttribute('data-connected')).toBe('false');
    await screenshot(page, 'health-degraded');
    // the admin sees which database and why
    await poll(() => page.getByTestId('health-db-reason').textContent()).toMatch(/\S/);

    // the console stays usable: sign out, sign in again (against the copy of the admin password in
    // the data folder), and the settings, where the database is configured, open
    await page.getByTestId('logout').click();
    await signIn(page, PASSWORD);
    await goTo(page, 'settings');
    await page.getByTestId('settings-task-advanced').click();
    await page.locator('#setting-DB_HOST').waitFor();
    await screenshot(page, 'settings-while-mysql-down');
    await goTo(page, 'health');

    await mariadb.start();
    await poll(() => page.getByTestId('health-status').getAttribute('data-status'), 60_000).toBe('ok');
    await poll(() => page.getByTestId('health-db').getAttribute('data-connected')).toBe('true');
    await screenshot(page, 'health-recovered');
  });
});
