// Bringing a database over from the console: the Databases page's form, started from the settings
// (INTEGRAM_API_BASE_URL in the server's .env), against the PHP engine on 127.0.0.1 (the oracle). The
// job's progress, the verification's summary, the database in the list, its user signing in with the
// source's password; then a refused login, and the panel in Russian. Skips visibly without the
// oracle, Chromium or a built console.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { chromiumMissing, screenshot } from './support/browser.js';
import { goTo, openConsole, poll, signIn } from './support/console.js';
import { consoleSuite } from './support/console-suite.js';
import { serverMissingReason, type TestServer } from './support/server.js';
import { buildSource, IVAN, ORACLE_SALT, ORACLE_URL, oracleProblem, OWNER } from '../integration/pull/oracle-source.js';

const oracle = await oracleProblem();
if (oracle) console.warn(`[e2e] pull test SKIPPED: ${oracle}`);
const serverMissing = serverMissingReason();
if (serverMissing) console.warn(`[e2e] pull test SKIPPED: ${serverMissing}`);

const PASSWORD = 'office admin 2026';
const SOURCE = 'pullweb';

describe.skipIf(chromiumMissing || oracle !== null || serverMissing !== null)('bringing a database over from the console', { timeout: 240_000 }, () => {
  const suite = consoleSuite({
    before: async () => { await buildSource(SOURCE); },
    servers: [{ envFileLines: ['HOST=127.0.0.1', `AUTH_SALT=${ORACLE_SALT}`, `INTEGRAM_API_BASE_URL=${ORACLE_URL}`], password: PASSWORD }],
    viewport: { width: 1280, height: 1100 },
    stepTimeout: 30_000,
  });
  let server: TestServer;
  let page: Page;
  beforeAll(() => { ({ server, page } = suite); });

  it('pulls with progress and shows the verification; the copy is listed and its users sign in', async () => {
    await openConsole(page, server.url);
    await signIn(page, PASSWORD);
    await goTo(page, 'databases');
    // the address comes from INTEGRAM_API_BASE_URL
    await poll(() => page.getByTestId('pull-url').inputValue()).toBe(ORACLE_URL);
    await page.getByTestId('pull-db').fill(SOURCE);
    await page.getByTestId('pull-login').fill(SOURCE);
    await page.getByTestId('pull-password').fill(OWNER.password);
    await screenshot(page, 'pull-1-form');
    await page.getByTestId('pull-start').click();
    await poll(() => page.getByTestId('pull-result').getAttribute('data-verified'), 120_000).toBe('true');
    expect(await page.getByTestId('pull-verdict').textContent()).toContain(`${SOURCE} is copied as ${SOURCE} and the check found no difference.`);
    expect(await page.getByTestId('pull-summary').textContent()).toMatch(/2 users, 1 files\. Record counts equal in (\d+) of \1 tables; (\d+) of \2 sampled records equal\./);
    expect(await page.getByTestId('pull-passwords').textContent()).toBe('Passwords: copied, and they work here.');
    await poll(() => page.locator(`[data-testid="database-row"][data-database="${SOURCE}"]`).count()).toBe(1);
    await screenshot(page, 'pull-2-done');
    const login = await fetch(`${server.url}/${SOURCE}/auth?JSON`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ login: IVAN.login, pwd: IVAN.password }).toString() });
    expect(login.status).toBe(200);

    // again under the same name: refused (the server's code in the console's language)
    await page.getByTestId('pull-start').click();
    await poll(() => page.getByTestId('pull-error').textContent()).toContain('already exists');

    // a wrong password, under another name: the failure said in the console's language, nothing created
    await page.getByTestId('pull-as').fill('pullnone');
    await page.getByTestId('pull-password').fill('wrong password');
    await page.getByTestId('pull-start').click();
    await poll(() => page.getByTestId('pull-error').textContent(), 60_000).toBe('The server refused the login or the token; nothing was created here.');
    expect(await page.getByTestId('pull-server-message').textContent()).toContain('the source refused the login');
    expect(await page.locator('[data-testid="database-row"][data-database="pullnone"]').count()).toBe(0);

    await page.getByTestId('language').selectOption('ru');
    await poll(() => page.getByTestId('pull').textContent()).toContain('Перенести с сервера Integram');
    expect(await page.getByTestId('pull-error').textContent()).toBe('Сервер не принял логин или токен; здесь ничего не создано.');
    await screenshot(page, 'pull-3-ru');
    await page.getByTestId('language').selectOption('en');
  });
});
