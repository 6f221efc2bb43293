// The console's Users & roles page and the Databases page's workspace hand-off, in Chromium against
// a real headless server, in English and in Russian: adds a role and a user with it, changes the
// role's grant in the matrix and sees the effect through the legacy URL API (what the user gets
// from /{db}/object/{t}?JSON_KV), refusals shown by code in the chosen language, disabling a user,
// and "Open" signing the workspace tab in as the database's admin. Every request the console makes
// must stay on the server's origin: foreign ones are blocked and recorded. Screenshots go to
// tests/artifacts/screenshots/users-*.png.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromiumMissing, launchChromium, screenshot } from './support/browser.js';
import { AdminClient, assertConsoleServed, eventually, openConsole, poll, setupAdminViaApi, signIn } from './support/console.js';
import { REPO_ROOT } from './support/paths.js';
import { serverMissingReason, startServer, type TestServer } from './support/server.js';

const serverMissing = serverMissingReason();
if (serverMissing) console.warn(`[e2e] console users tests SKIPPED: ${serverMissing}`);

const PASSWORD = 'correct horse battery';
const BOSS = { login: 'boss', password: 'Boss-pass-123' };

interface LegacySession { token: string; _xsrf: string }

const TEXTS = {
  en: { roleCreated: 'created', userAdded: 'added with the role', grantSaved: 'saved', taken: 'is taken', disabled: 'disabled', opened: 'opened in a new tab', hint: 'Log in at' },
  ru: { roleCreated: 'создана', userAdded: 'добавлен с ролью', grantSaved: 'сохранено', taken: 'уже занят', disabled: 'отключён', opened: 'открыто в новой вкладке', hint: 'Войдите по адресу' },
} as const;

describe.skipIf(chromiumMissing || serverMissing !== null)('console users and roles in a browser', { timeout: 180_000 }, () => {
  let server: TestServer;
  let browser: Browser;
  let city = 0;

  async function legacy(method: 'GET' | 'POST', route: string, options: { form?: Record<string, string>; token?: string } = {}): Promise<{ status: number; body: unknown }> {
    const res = await fetch(`${server.url}${route}`, {
      method,
      headers: { ...(options.form ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}), ...(options.token ? { 'X-Authorization': options.token } : {}) },
      body: options.form ? new URLSearchParams(options.form).toString() : undefined,
    });
    const text = await res.text();
    try {
      return { status: res.status, body: JSON.parse(text) as unknown };
    } catch {
      return { status: res.status, body: text };
    }
  }

  async function legacyLogin(login: string, password: string): Promise<LegacySession | null> {
    const r = await legacy('POST', '/shop/auth?JSON', { form: { login, pwd: password } });
    const body = r.body as Partial<LegacySession>;
    return r.status === 200 && typeof body.token === 'string' ? { token: body.token, _xsrf: body._xsrf ?? '' } : null;
  }

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launchChromium()]);
    // a loaded machine opens the embedded store slowly: give it longer than assertConsoleServed's 30 s
    await eventually(() => fetch(`${server.url}/api/admin/setup`).then((r) => r.status, () => 0), (status) => status !== 503, 150_000, 'the store to open');
    await assertConsoleServed(server.url);
    await setupAdminViaApi(server.url, PASSWORD);
    const client = new AdminClient(server.url);
    await client.login(PASSWORD);
    await client.request('POST', '/databases', { name: 'shop', template: 'en', adminLogin: BOSS.login, adminPassword: BOSS.password });
    // a database made from rows alone has no user: the console cannot open it for the admin
    const template = JSON.parse(readFileSync(path.join(REPO_ROOT, 'resources', 'templates', 'en.json'), 'utf8')) as unknown;
    await client.request('POST', '/databases/bare/import', { rows: Array.isArray(template) ? template : (template as { rows: unknown[] }).rows });
    // a table with a record, made by the database's admin through the legacy API
    const boss = (await legacyLogin(BOSS.login, BOSS.password))!;
    const table = await legacy('POST', '/shop/_d_new?JSON', { form: { _xsrf: boss._xsrf, val: 'City', t: '3' }, token: boss.token });
    city = Number((table.body as { obj: number }).obj);
    await legacy('POST', `/shop/_m_new/${city}?JSON`, { form: { _xsrf: boss._xsrf, up: '1', [`t${city}`]: 'Moscow' }, token: boss.token });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  for (const lang of ['en', 'ru'] as const) {
    it(`adds a user with a role, changes a grant and sees the effect (${lang})`, async () => {
      const texts = TEXTS[lang];
      const context: BrowserContext = await browser.newContext({ locale: lang === 'ru' ? 'ru-RU' : 'en-US', viewport: { width: 1280, height: 900 } });
      context.setDefaultTimeout(20_000);
      const origin = new URL(server.url).origin;
      const foreign: string[] = [];
      let consolePage: Page | null = null;
      // every request leaving the server's origin is blocked; those of the console are a failure
      await context.route('**/*', async (route) => {
        const request = route.request();
        if (new URL(request.url()).origin === origin) return route.continue();
        let fromConsole = true;
        try {
          fromConsole = request.frame().page() === consolePage;
        } catch {
          // a request without a frame (a worker) counts as the console's
        }
        if (fromConsole) foreign.push(request.url());
        return route.abort('blockedbyclient');
      });
      const page = await context.newPage();
      consolePage = page;
      try {
        await openConsole(page, server.url);
        await signIn(page, PASSWORD);
        await page.getByTestId('nav-users').click();
        await page.getByTestId('page-users').waitFor();
        await poll(() => page.getByTestId('users-database').inputValue()).not.toBe('');
        await page.getByTestId('users-database').selectOption('shop');
        await page.locator('[data-testid="user-row"][data-login="boss"]').waitFor();
        expect(await page.locator('[data-testid="user-row"][data-login="boss"] [data-testid="user-console-admin"]').count()).toBe(1);

        // a role, then a user with it
        const role = `clerk_${lang}`;
        const login = `ivan_${lang}`;
        await page.getByTestId('role-add-name').fill(role);
        await page.getByTestId('role-add-submit').click();
        await poll(() => page.getByTestId('users-notice').textContent()).toContain(texts.roleCreated);
        await page.getByTestId('grants-matrix').waitFor();
        await page.getByTestId('user-add-login').fill(login);
        await page.getByTestId('user-add-password').fill('Ivan-pass-1');
        await page.getByTestId('user-add-role').selectOption({ label: role });
        await page.getByTestId('user-add-submit').click();
        await poll(() => page.getByTestId('users-notice').textContent()).toContain(texts.userAdded);
        const row = page.locator(`[data-testid="user-row"][data-login="${login}"]`);
        await poll(() => row.getByTestId('user-role').textContent()).toBe(role);
        await screenshot(page, `users-${lang}-1-user-added`);

        // the user logs in through the legacy API and cannot read the table yet
        const session = (await legacyLogin(login, 'Ivan-pass-1'))!;
        expect(session).not.toBeNull();
        const list = () => legacy('GET', `/shop/object/${city}?JSON_KV`, { token: session.token });
        expect((await list()).status).toBe(403);

        // READ in the matrix: the list answers at once
        await page.getByTestId(`grant-${city}-READ`).check();
        await poll(() => page.getByTestId('users-notice').textContent()).toContain(texts.grantSaved);
        await poll(() => page.locator(`[data-testid="grant-row"][data-object="${city}"]`).getAttribute('data-level')).toBe('READ');
        const readable = await list();
        expect(readable.status).toBe(200);
        expect(JSON.stringify(readable.body)).toContain('Moscow');
        await page.locator(`[data-testid="grant-row"][data-object="${city}"]`).scrollIntoViewIfNeeded();
        await screenshot(page, `users-${lang}-2-grant-read`, { fullPage: false });

        // BARRED: refused again
        await page.getByTestId(`grant-${city}-BARRED`).check();
        await poll(() => page.locator(`[data-testid="grant-row"][data-object="${city}"]`).getAttribute('data-level')).toBe('BARRED');
        expect((await list()).status).toBe(403);

        // a refusal, shown by its code in the chosen language
        await page.getByTestId('user-add-login').fill(login.toUpperCase());
        await page.getByTestId('user-add-password').fill('Other-pass-9');
        await page.getByTestId('user-add-submit').click();
        await poll(() => page.getByTestId('users-error').textContent()).toContain(texts.taken);
        await screenshot(page, `users-${lang}-3-login-taken`);

        // disable: the engine refuses the user from now on
        await row.getByTestId('user-disable').click();
        await page.getByTestId('confirm-ok').click();
        await poll(() => row.getByTestId('user-state').textContent()).toBe(texts.disabled);
        const again = await legacyLogin(login, 'Ivan-pass-1');
        expect(JSON.stringify((await legacy('GET', '/shop/xsrf?JSON', { token: again?.token ?? 'none' })).body)).toContain('не задана роль');
        await screenshot(page, `users-${lang}-4-disabled`);

        // Databases: "Open" signs a new tab in as the database's admin; a database without one gets a hint
        await page.getByTestId('nav-databases').click();
        await page.getByTestId('page-databases').waitFor();
        const [tab] = await Promise.all([context.waitForEvent('page'), page.getByTestId('database-open-shop').click()]);
        await poll(() => tab.url()).toBe(`${server.url}/shop/`);
        await poll(() => page.getByTestId('databases-notice').textContent()).toContain(texts.opened);
        const who = await tab.evaluate(async () => (await fetch('/shop/xsrf?JSON')).json() as Promise<{ user: string }>);
        expect(who.user).toBe('boss');
        await tab.close();
        await page.getByTestId('database-open-bare').click();
        await poll(() => page.getByTestId('databases-error').textContent()).toContain(texts.hint);
        expect(await page.getByTestId('databases-api-docs').getAttribute('href')).toBe('/api/docs');
        expect(await page.getByTestId('database-link-shop').getAttribute('href')).toBe('/shop/');
        await screenshot(page, `users-${lang}-5-databases`);

        expect(foreign).toEqual([]);
      } finally {
        await context.close();
      }
    });
  }
});
