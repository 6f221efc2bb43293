// The console's Health, Logs and Jobs pages in Chromium against a real headless server (embedded
// store), in English and in Russian: health charts drawn from the server's history, who is
// connected, database sizes; the log filtered by status shows only that status and a line opens
// in a detail view; a job runs from the Jobs page and its result shows. Every request the console
// makes must stay on the server's origin: anything else is blocked and fails the suite.
// Screenshots go to tests/artifacts/screenshots/health-*.png.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromiumMissing, launchChromium, screenshot } from './support/browser.js';
import { AdminClient, assertConsoleServed, goTo, openConsole, poll, setupAdminViaApi, signIn } from './support/console.js';
import { serverMissingReason, startServer, type TestServer } from './support/server.js';

const serverMissing = serverMissingReason();
if (serverMissing) console.warn(`[e2e] console health tests SKIPPED: ${serverMissing}`);

const PASSWORD = 'health page password';

/** Requests of the signed-in legacy user `admin` of the first run's database, and some that end in 404. */
async function makeTraffic(baseUrl: string, admin: AdminClient): Promise<void> {
  const login = await fetch(`${baseUrl}/my/auth?JSON`, {
    method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: `login=admin&pwd=${encodeURIComponent(PASSWORD)}`,
  });
  const { token } = (await login.json()) as { token: string };
  for (let i = 0; i < 3; i++) {
    const answer = await fetch(`${baseUrl}/my/object/18?JSON`, { headers: { 'X-Authorization': token } });
    expect(answer.status).toBe(200);
  }
  for (let i = 0; i < 2; i++) await admin.request('GET', `/no-such-route-${i}`).catch(() => undefined);
}

describe.skipIf(chromiumMissing || serverMissing !== null)('console: health, logs and jobs in a browser', { timeout: 180_000 }, () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const foreign: string[] = [];
  const admin = () => new AdminClient(server.url);

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launchChromium()]);
    await assertConsoleServed(server.url);
    await setupAdminViaApi(server.url, PASSWORD);
    context = await browser.newContext({ locale: 'en-US', viewport: { width: 1366, height: 900 } });
    context.setDefaultTimeout(30_000);
    // nothing may leave the server's origin: record and block every other request
    const origin = new URL(server.url).origin;
    await context.route('**/*', async (route) => {
      const url = route.request().url();
      if (url.startsWith('data:') || url.startsWith('blob:') || new URL(url).origin === origin) return route.continue();
      foreign.push(url);
      return route.abort('blockedbyclient');
    });
    page = await context.newPage();
    const client = admin();
    await client.login(PASSWORD);
    await makeTraffic(server.url, client);
    await openConsole(page, server.url);
    await signIn(page, PASSWORD);
  }, 150_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.close();
  });

  it('EN: health charts with data, who is connected, backups and database sizes', async () => {
    await goTo(page, 'health');
    await poll(() => page.getByTestId('health-status').getAttribute('data-status')).toBe('ok');
    for (const chart of ['health-chart', 'health-chart-latency', 'health-chart-memory']) {
      await poll(async () => Number(await page.getByTestId(chart).getAttribute('data-points'))).toBeGreaterThan(0);
      expect(await page.locator(`[data-testid="${chart}"] canvas`).count()).toBe(1);
    }
    // the requests of the legacy user, by user, database and address
    const session = page.getByTestId('health-session').filter({ hasText: 'admin' });
    await poll(() => session.count()).toBeGreaterThan(0);
    expect(await session.first().textContent()).toMatch(/admin\s*my\s*classic.*127\.0\.0\.1/);
    // the first run's database with its size on disk
    await poll(() => page.getByTestId('health-database').filter({ hasText: 'my' }).count()).toBe(1);
    expect(await page.getByTestId('health-database').filter({ hasText: 'my' }).textContent()).toMatch(/\d+(\.\d)? (KB|MB)/);
    expect(await page.getByTestId('health-lan').getAttribute('data-enabled')).toBe('false');
    expect(await page.getByTestId('health-backup-next').textContent()).toMatch(/Next scheduled/);
    // the history lives on the server: a page change keeps it, a longer span asks for more
    await page.getByTestId('health-span-1440').click();
    await poll(() => page.getByTestId('health-span-1440').getAttribute('aria-pressed')).toBe('true');
    await screenshot(page, 'health-page-en');
  });

  it('EN: the log filtered by status shows only that status, and a line opens in a detail view', async () => {
    await goTo(page, 'logs');
    await poll(async () => Number(await page.getByTestId('logs-chart').getAttribute('data-points'))).toBeGreaterThan(0);
    await page.getByTestId('logs-status').fill('404');
    const lines = page.getByTestId('log-line');
    await poll(async () => {
      const statuses = await lines.evaluateAll((els) => els.map((el) => el.getAttribute('data-status')));
      return statuses.length > 0 && statuses.every((s) => s === '404');
    }).toBe(true);
    expect(await lines.first().textContent()).toContain('/api/admin/no-such-route-');
    await screenshot(page, 'health-logs-status-404-en', { fullPage: false });

    await lines.first().click();
    const detail = page.getByTestId('log-detail');
    await detail.waitFor();
    expect(await page.getByTestId('log-detail-status').textContent()).toBe('404');
    expect(await page.getByTestId('log-detail-method').textContent()).toBe('GET');
    expect(await page.getByTestId('log-detail-url').textContent()).toContain('/api/admin/no-such-route-');
    await screenshot(page, 'health-logs-detail-en', { fullPage: false });
    await page.getByTestId('log-detail-close').click();
    await poll(() => detail.count()).toBe(0);

    // by user: the legacy user's requests carry their name
    await page.getByTestId('logs-clear').click();
    await page.getByTestId('logs-user').fill('admin');
    await poll(async () => {
      const texts = await lines.allTextContents();
      return texts.length > 0 && texts.every((text) => text.includes('user=admin'));
    }).toBe(true);
    await page.getByTestId('logs-clear').click();
  });

  it('EN: runs a job from the Jobs page and shows its result', async () => {
    await goTo(page, 'jobs');
    const row = page.locator('[data-testid="job-row"][data-job="cleanup"]');
    await row.waitFor();
    expect(await page.locator('[data-testid="job-row"][data-job="restore"] [data-testid="job-not-runnable"]').count()).toBe(1);
    await row.getByTestId('job-run').click();
    await poll(() => page.locator('[data-job-result="cleanup"] [data-testid="job-run-result"]').textContent()).toMatch(/^Done: \d+ expired record\(s\) removed$/);
    await poll(() => row.getAttribute('data-result')).toBe('ok');
    // the server's message of a successful run is the result's tooltip
    expect(await row.getByTestId('job-result-badge').getAttribute('title')).toMatch(/expired record\(s\) removed/);
    expect(await row.getByTestId('job-next-run').textContent()).not.toBe('—');
    await screenshot(page, 'health-jobs-en');
  });

  it('RU: the same pages in Russian, a backup run from the Jobs page', async () => {
    await page.getByTestId('language').selectOption('ru');
    await poll(() => page.getByTestId('nav-jobs').textContent()).toBe('Задания');
    const row = page.locator('[data-testid="job-row"][data-job="backup"]');
    await row.getByTestId('job-run').click();
    await poll(() => page.locator('[data-job-result="backup"] [data-testid="job-run-result"]').textContent(), 60_000).toMatch(/^Готово: записана копия \S+, баз в ней: 1$/);
    await poll(() => row.getAttribute('data-result')).toBe('ok');
    await screenshot(page, 'health-jobs-ru');

    await goTo(page, 'logs');
    await page.getByTestId('logs-status').fill('2xx');
    const lines = page.getByTestId('log-line');
    await poll(async () => {
      const statuses = await lines.evaluateAll((els) => els.map((el) => el.getAttribute('data-status')));
      return statuses.length > 0 && statuses.every((s) => s !== null && s.startsWith('2'));
    }).toBe(true);
    expect(await page.getByTestId('page-logs').textContent()).toContain('Статус');
    await screenshot(page, 'health-logs-status-2xx-ru', { fullPage: false });

    await goTo(page, 'health');
    await poll(async () => Number(await page.getByTestId('health-chart').getAttribute('data-points'))).toBeGreaterThan(0);
    // the backup just made is the last one now
    await poll(() => page.getByTestId('health-backup-last').textContent()).not.toContain('пока нет');
    const text = await page.getByTestId('page-health').textContent();
    for (const words of ['Запросы и ошибки в минуту', 'Кто подключён', 'Базы данных', 'Резервные копии']) expect(text).toContain(words);
    await screenshot(page, 'health-page-ru');
    await page.getByTestId('language').selectOption('en');
  });

  it('in the desktop app shows the shell\'s LAN addresses and the server process\'s crash history', async () => {
    // Electron cannot run here; a stand-in for the preload script's window.integramDesktop (main/ipc-contract.ts)
    const desktop = await browser.newContext({ locale: 'en-US', viewport: { width: 1366, height: 900 } });
    desktop.setDefaultTimeout(30_000);
    await desktop.addInitScript(() => {
      const state = {
        state: 'running', port: 8081, host: '0.0.0.0', since: '2026-12-07T06:00:00.000Z', restarts: 2,
        lastExit: { code: 1, signal: null }, recentStderr: ['FATAL: out of memory in the test stand-in'],
      };
      Object.assign(globalThis, {
        integramDesktop: {
          openDataFolder: async () => undefined, openLogsFolder: async () => undefined, quit: async () => undefined, installUpdate: async () => undefined,
          restartServer: async () => state, getServerState: async () => state, onServerState: () => () => undefined,
          getDesktopInfo: async () => ({
            appVersion: '0.1.0', electronVersion: '38', platform: 'linux', dataDir: '/data', logsDir: '/logs',
            lanUrls: ['http://192.168.77.10:8081'], startAtLogin: false, packageType: 'AppImage',
          }),
          setStartAtLogin: async () => ({}), checkForUpdates: async () => ({}), downloadUpdate: async () => ({}), onUpdateProgress: () => () => undefined,
        },
      });
    });
    const origin = new URL(server.url).origin;
    await desktop.route('**/*', async (route) => {
      const url = route.request().url();
      if (url.startsWith('data:') || url.startsWith('blob:') || new URL(url).origin === origin) return route.continue();
      foreign.push(url);
      return route.abort('blockedbyclient');
    });
    const app = await desktop.newPage();
    try {
      await openConsole(app, server.url);
      await signIn(app, PASSWORD);
      await goTo(app, 'health');
      await poll(() => app.getByTestId('health-desktop-restarts').textContent()).toBe('Restarts after a crash: 2');
      expect(await app.getByTestId('health-desktop-stderr').textContent()).toContain('out of memory in the test stand-in');
      const lan = app.getByTestId('health-lan');
      expect(await lan.getAttribute('data-enabled')).toBe('true');
      expect(await lan.textContent()).toContain('http://192.168.77.10:8081');
      expect(await lan.textContent()).toContain('as the desktop app sees them');
      await screenshot(app, 'health-page-desktop-en');
    } finally {
      await desktop.close();
    }
  });

  it('made no request outside the server\'s origin (and such a request would have been blocked)', async () => {
    expect(foreign).toEqual([]);
    // the server's CSP already stops a script's request elsewhere; a navigation reaches the route and is blocked there
    expect(await page.evaluate(() => fetch('https://example.com/beacon').then(() => 'sent', () => 'blocked'))).toBe('blocked');
    const probe = await context.newPage();
    const navigation = await probe.goto('https://example.com/').then(() => 'loaded', (err: unknown) => String(err));
    await probe.close();
    expect(navigation).toMatch(/ERR_BLOCKED_BY_CLIENT/);
    expect(foreign).toEqual(['https://example.com/']);
  });
});
