// The console end to end in Chromium against a real headless server (embedded PGlite store):
// first-run wizard, health, settings with an inline validation error, live logs, databases,
// backup → change → restore, updates, language switch, sign out and in. Every page is saved as a
// screenshot under tests/artifacts/screenshots/.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromiumMissing, launchChromium, screenshot } from './support/browser.js';
import { AdminClient, assertConsoleServed, goTo, openConsole, poll, signIn } from './support/console.js';
import { serverMissingReason, startServer, type TestServer } from './support/server.js';
import { freePort } from '../support/net.mjs';

const serverMissing = serverMissingReason();
if (serverMissing) console.warn(`[e2e] console browser tests SKIPPED: ${serverMissing}`);

const PASSWORD = 'correct horse battery';

describe.skipIf(chromiumMissing || serverMissing !== null)('console in a browser against a headless server', { timeout: 120_000 }, () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const cspViolations: string[] = [];
  const api = () => new AdminClient(server.url);

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launchChromium()]);
    await assertConsoleServed(server.url);
    context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 860 }, acceptDownloads: true });
    // fail a step well before the test's own timeout, so the report names the step
    context.setDefaultTimeout(20_000);
    page = await context.newPage();
    // the server's CSP (no inline scripts) must not block anything the console does
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) cspViolations.push(message.text());
    });
  }, 150_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.close();
  });

  it('completes the first-run wizard and lands in the console', async () => {
    await openConsole(page, server.url);
    await page.getByTestId('wizard').waitFor();
    await poll(() => page.getByTestId('wizard-data-dir').inputValue()).toBe(server.dataDir);
    await screenshot(page, 'wizard-1-folder');
    await page.getByTestId('wizard-next').click();

    // MySQL: a connection test against a closed port shows the error; embedded needs no test.
    await page.getByTestId('wizard-db-mysql').check();
    await page.getByTestId('mysql-port').fill(String(await freePort()));
    await page.getByTestId('mysql-user').fill('nobody');
    await page.getByTestId('wizard-next').click();
    await poll(() => page.getByTestId('wizard-error').textContent()).toContain('Test the connection');
    await page.getByTestId('mysql-test').click();
    await poll(() => page.getByTestId('mysql-test-result').textContent()).toContain('Connection failed');
    await screenshot(page, 'wizard-2-database-mysql-failed');
    await page.getByTestId('wizard-db-embedded').check();
    await screenshot(page, 'wizard-2-database');
    await page.getByTestId('wizard-next').click();

    await page.getByTestId('wizard-access-lan').check();
    await page.getByTestId('wizard-lan-warning').waitFor();
    await screenshot(page, 'wizard-3-access-lan');
    await page.getByTestId('wizard-access-local').check();
    await page.getByTestId('wizard-next').click();

    await page.getByTestId('wizard-password-1').fill(PASSWORD);
    await page.getByTestId('wizard-password-2').fill(`${PASSWORD}!`);
    await page.getByTestId('wizard-finish').click();
    await poll(() => page.getByTestId('wizard-password-problems').textContent()).toContain('differ');
    await screenshot(page, 'wizard-4-password-mismatch');
    await page.getByTestId('wizard-password-2').fill(PASSWORD);
    await page.getByTestId('wizard-finish').click();
    await page.getByTestId('wizard-done').waitFor();
    await screenshot(page, 'wizard-5-done');

    await page.getByTestId('wizard-go-login').click();
    await page.getByTestId('page-health').waitFor();
    const setup = await api().request<{ adminExists: boolean }>('GET', '/setup');
    expect(setup.adminExists).toBe(true);
  });

  it('shows health with a live chart', async () => {
    await goTo(page, 'health');
    await poll(() => page.getByTestId('health-status').getAttribute('data-status')).toBe('ok');
    await poll(() => page.getByTestId('health-db').textContent()).toContain('pglite');
    // the server's per-minute history: the console's own requests make the minute in progress count
    await poll(async () => Number(await page.getByTestId('health-chart').getAttribute('data-points'))).toBeGreaterThan(0);
    expect(await page.locator('[data-testid="health-chart"] canvas').count()).toBe(1);
    await screenshot(page, 'health');
  });

  it('shows an inline error for a bad setting while typing and refuses to save it', async () => {
    await goTo(page, 'settings');
    // every setting by its technical name: the Advanced section (the tasks: console-settings.test.ts)
    await page.getByTestId('settings-task-advanced').click();
    const input = page.getByTestId('input-BACKUP_KEEP');
    await input.waitFor();
    await screenshot(page, 'settings', { fullPage: false });
    // PORT comes from the server's environment: shown read-only with the reason
    expect(await page.getByTestId('input-PORT').getAttribute('readonly')).not.toBeNull();
    await page.getByTestId('env-note-PORT').waitFor();
    await input.fill('lots');
    const error = page.getByTestId('error-BACKUP_KEEP');
    await poll(() => error.isVisible()).toBe(true);
    expect((await error.textContent())?.trim().length).toBeGreaterThan(0);
    expect(await input.getAttribute('aria-invalid')).toBe('true');
    await page.getByTestId('setting-BACKUP_SCHEDULE').scrollIntoViewIfNeeded();
    await screenshot(page, 'settings-invalid', { fullPage: false });

    await page.getByTestId('settings-save').click();
    await poll(() => page.getByTestId('settings-error').textContent()).toContain('Fix the marked fields');

    await input.fill('5');
    await poll(() => error.isVisible()).toBe(false);
    await page.getByTestId('settings-save').click();
    await poll(() => page.getByTestId('settings-notice').textContent()).toContain('Saved');
    expect(readFileSync(server.envFile, 'utf8')).toMatch(/^BACKUP_KEEP=5$/m);
  });

  it('shows a new log line live, filters, pauses and resumes', async () => {
    await goTo(page, 'logs');
    await poll(() => page.getByTestId('logs-live').getAttribute('data-connected')).toBe('true');
    const client = api();
    await client.login(PASSWORD);

    const first = `live${Date.now().toString(36).slice(-6)}`;
    await client.request('POST', '/databases', { name: first, adminLogin: 'boss', adminPassword: 'First-pass-1' });
    const lines = page.getByTestId('log-line');
    await poll(() => lines.filter({ hasText: first }).count()).toBeGreaterThan(0);
    await screenshot(page, 'logs', { fullPage: false });

    await page.getByTestId('logs-search').fill(first);
    await poll(async () => (await lines.allTextContents()).every((text) => text.includes(first))).toBe(true);
    await screenshot(page, 'logs-search', { fullPage: false });

    await page.getByTestId('logs-pause').click();
    const second = `${first}b`;
    await client.request('POST', '/databases', { name: second, adminLogin: 'boss', adminPassword: 'Second-pass-1' });
    await poll(() => page.getByTestId('logs-paused').textContent()).toMatch(/[1-9]\d* new lines/);
    expect(await lines.filter({ hasText: second }).count()).toBe(0);
    await page.getByTestId('logs-pause').click();
    await poll(() => lines.filter({ hasText: second }).count()).toBeGreaterThan(0);
    await page.getByTestId('logs-search').fill('');

    const downloadPromise = page.waitForEvent('download');
    await page.getByTestId('logs-download').click();
    const download = await downloadPromise;
    expect(download.suggestedFilename()).toMatch(/\.log$/);
    // the file as written so far: at least the start-up lines
    expect(readFileSync(await download.path(), 'utf8')).toContain('listening on');
  });

  it('runs a backup, changes data, restores it and shows the data back', async () => {
    await goTo(page, 'databases');
    await page.getByTestId('database-name').fill('shop');
    await page.getByTestId('database-template').selectOption('en');
    // its first Integram user: a password the rules refuse is explained before anything is sent
    await page.getByTestId('database-admin-login').fill('boss');
    await page.getByTestId('database-admin-password').fill('short');
    await page.getByTestId('database-create-submit').click();
    await poll(() => page.getByTestId('databases-error').textContent()).toContain('at least 8 characters');
    await page.getByTestId('database-admin-password').fill('Shop-pass-1');
    await page.getByTestId('database-create-submit').click();
    await poll(() => page.getByTestId('databases-notice').textContent()).toContain('shop');
    expect(await page.getByTestId('databases-notice').textContent()).toContain('boss');
    const shopRows = page.locator('[data-testid="database-row"][data-database="shop"] [data-testid="database-rows"]');
    const originalRows = Number(await shopRows.textContent());
    expect(originalRows).toBeGreaterThan(4);
    await screenshot(page, 'databases');

    // export through the console (a real download)
    const downloadPromise = page.waitForEvent('download');
    await page.getByTestId('database-export-shop').click();
    const download = await downloadPromise;
    const exported = JSON.parse(readFileSync(await download.path(), 'utf8')) as { rows: unknown[] };
    expect(exported.rows.length).toBe(originalRows);

    await goTo(page, 'backups');
    await page.getByTestId('backup-run').click();
    await poll(() => page.getByTestId('backup-result').textContent(), 60_000).toContain('Done');
    await poll(() => page.locator('[data-testid="backup-row"][data-kind="manual"]').count()).toBe(1);
    await screenshot(page, 'backups');

    // change the data: replace shop's rows with a smaller set through the import
    await goTo(page, 'databases');
    await page.getByTestId('database-import-shop').click();
    await page.getByTestId('database-import-replace').check();
    const fewer = exported.rows.slice(0, Math.floor(exported.rows.length / 2));
    await page.getByTestId('database-import-file').setInputFiles({
      name: 'shop-fewer.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ rows: fewer })),
    });
    await poll(() => page.getByTestId('databases-notice').textContent()).toContain(`Imported ${fewer.length} rows`);
    await poll(async () => Number(await shopRows.textContent())).toBe(fewer.length);
    await screenshot(page, 'databases-after-import');

    await goTo(page, 'backups');
    await page.locator('[data-testid="backup-row"][data-kind="manual"] [data-testid="backup-restore"]').click();
    await page.getByTestId('confirm-dialog').waitFor();
    await screenshot(page, 'backups-confirm-restore');
    await page.getByTestId('confirm-ok').click();
    await poll(() => page.getByTestId('backup-result').textContent(), 60_000).toContain('Done');
    // the restore took a backup of the state before it; that one can be deleted again
    const preRestore = page.locator('[data-testid="backup-row"][data-kind="pre-restore"]');
    await poll(() => preRestore.count()).toBe(1);
    await preRestore.getByTestId('backup-delete').click();
    await page.getByTestId('confirm-ok').click();
    await poll(() => preRestore.count()).toBe(0);
    await poll(() => page.locator('[data-testid="backup-row"][data-kind="manual"]').count()).toBe(1);

    // a backup travels as a file: download it, delete it here, upload it again
    const manualRow = page.locator('[data-testid="backup-row"][data-kind="manual"]');
    const backupDownload = page.waitForEvent('download');
    await manualRow.getByTestId('backup-download').click();
    const archive = readFileSync(await (await backupDownload).path());
    expect(archive.subarray(0, 2).toString('hex')).toBe('1f8b');
    await manualRow.getByTestId('backup-delete').click();
    await page.getByTestId('confirm-ok').click();
    await poll(() => manualRow.count()).toBe(0);
    await page.getByTestId('backup-upload').setInputFiles({ name: 'office-backup.jsonl.gz', mimeType: 'application/gzip', buffer: archive });
    await poll(() => page.getByTestId('backup-result').textContent()).toContain('Uploaded');
    await poll(() => manualRow.count()).toBe(1);
    await screenshot(page, 'backups-uploaded');

    await goTo(page, 'databases');
    await poll(async () => Number(await shopRows.textContent())).toBe(originalRows);

    // CSV round trip: export, then import it back over the same database
    const csvDownload = page.waitForEvent('download');
    await page.getByTestId('database-export-csv-shop').click();
    const csvFile = await csvDownload;
    expect(csvFile.suggestedFilename()).toMatch(/\.csv$/);
    const csv = readFileSync(await csvFile.path(), 'utf8');
    expect(csv.split(/\r?\n/)[0].replace(/^\uFEFF/, '')).toBe('id,up,ord,t,val');
    await page.getByTestId('database-import-shop').click();
    await page.getByTestId('database-import-replace').check();
    await page.getByTestId('database-import-file').setInputFiles({ name: 'shop.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await poll(() => page.getByTestId('databases-notice').textContent()).toContain(`Imported ${originalRows} rows`);
    await poll(async () => Number(await shopRows.textContent())).toBe(originalRows);

    // the database's first user, created with it from the console, logs in as the PHP engine's clients do
    const login = await fetch(`${server.url}/shop/auth?JSON`, {
      method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'login=boss&pwd=Shop-pass-1',
    });
    expect(login.status).toBe(200);
    expect(((await login.json()) as { token?: string }).token).toBeTruthy();
  });

  it('says that a headless server is updated by its deployment', async () => {
    await goTo(page, 'updates');
    await poll(() => page.getByTestId('updates-unsupported').textContent()).toContain('managed by your deployment');
    await screenshot(page, 'updates');
  });

  it('switches to Russian and keeps the choice after a reload', async () => {
    await goTo(page, 'health');
    await page.getByTestId('language').selectOption('ru');
    await poll(() => page.getByTestId('nav-health').textContent()).toBe('Состояние');
    await page.reload();
    await page.getByTestId('page-health').waitFor();
    expect(await page.getByTestId('nav-settings').textContent()).toBe('Настройки');
    await poll(() => page.getByTestId('health-status').getAttribute('data-status')).toBe('ok');
    await screenshot(page, 'health-ru');
    await goTo(page, 'settings');
    await screenshot(page, 'settings-ru', { fullPage: false });
    await page.getByTestId('language').selectOption('en');
  });

  it('inside the desktop app uses the preload API for desktop actions and updates', async () => {
    // Electron cannot run here; a stand-in for the preload script's window.integramDesktop
    // (main/ipc-contract.ts) makes the console pick its IPC bridge, against the same real server.
    const desktop = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 860 } });
    desktop.setDefaultTimeout(20_000);
    await desktop.addInitScript(() => {
      type Listener = (event: unknown) => void;
      const calls: string[] = [];
      const listeners: Listener[] = [];
      const emit = (event: unknown) => listeners.forEach((listener) => listener(event));
      const base = { enabled: true, currentVersion: '0.1.0', packageType: 'AppImage' };
      const record = (name: string) => async () => { calls.push(name); };
      Object.assign(globalThis, {
        desktopCalls: calls,
        integramDesktop: {
          openDataFolder: record('openDataFolder'),
          openLogsFolder: record('openLogsFolder'),
          quit: record('quit'),
          installUpdate: record('installUpdate'),
          restartServer: async () => { calls.push('restartServer'); return { state: 'running', port: 0, host: '127.0.0.1', since: '', restarts: 1, recentStderr: [] }; },
          getServerState: async () => ({ state: 'running', port: 0, host: '127.0.0.1', since: '', restarts: 0, recentStderr: [] }),
          onServerState: () => () => undefined,
          getDesktopInfo: async () => ({}),
          setStartAtLogin: async () => ({}),
          checkForUpdates: async () => {
            emit({ kind: 'checking' });
            return { ...base, last: { kind: 'available', version: '0.2.0' } };
          },
          downloadUpdate: async () => {
            for (const percent of [20, 60]) {
              emit({ kind: 'progress', percent, transferred: percent, total: 100, bytesPerSecond: 1 });
              await new Promise((resolve) => setTimeout(resolve, 400));
            }
            emit({ kind: 'downloaded', version: '0.2.0' });
            return { ...base, last: { kind: 'downloaded', version: '0.2.0' } };
          },
          onUpdateProgress: (listener: Listener) => { listeners.push(listener); return () => undefined; },
        },
      });
    });
    const desk = await desktop.newPage();
    try {
      await openConsole(desk, server.url);
      await signIn(desk, PASSWORD);
      await desk.getByTestId('open-data-folder').click();
      // quitting stops the server for everyone: it asks first
      await desk.getByTestId('quit').click();
      await desk.getByTestId('confirm-dialog').waitFor();
      await desk.getByTestId('confirm-cancel').click();
      await goTo(desk, 'updates');
      await poll(() => desk.getByTestId('updates-current').textContent()).toBe('0.1.0');
      await desk.getByTestId('updates-check').click();
      await poll(() => desk.getByTestId('updates-available').textContent()).toBe('0.2.0');
      await desk.getByTestId('updates-download').click();
      await desk.getByTestId('updates-progress').waitFor();
      await screenshot(desk, 'updates-desktop-downloading', { fullPage: false });
      await poll(() => desk.getByTestId('updates-state').getAttribute('data-state')).toBe('downloaded');
      await screenshot(desk, 'updates-desktop', { fullPage: false });
      await desk.getByTestId('updates-install').click();
      await poll(() => desk.evaluate(() => (globalThis as unknown as { desktopCalls: string[] }).desktopCalls)).toEqual(['openDataFolder', 'installUpdate']);
    } finally {
      await desktop.close();
    }
  });

  it('signs out, rejects a wrong password with a clear message, signs in again', async () => {
    await page.getByTestId('logout').click();
    await page.getByTestId('login').waitFor();
    await page.getByTestId('login-password').fill('not the password');
    await page.getByTestId('login-submit').click();
    await poll(() => page.getByTestId('login-error').textContent()).toMatch(/wrong password/i);
    const text = (await page.getByTestId('login-error').textContent()) ?? '';
    expect(text).not.toMatch(/\bat \S+:\d+:\d+/);
    await screenshot(page, 'login');
    await signIn(page, PASSWORD);
  });

  it('ran without a Content-Security-Policy violation', () => {
    expect(cspViolations).toEqual([]);
  });
});
