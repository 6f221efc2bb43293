// The workspace's sign-in by QR code in Chromium against the real server (in process, embedded
// PGlite), EN and RU: the login screen asks `qrnew` and shows the code (read back from the page's
// pixels: it holds the engine's url), the pair number, the countdown and the url as text; a second
// client, plain HTTP signed in as the user as a phone would be, opens `qrlogin` (the same pair
// number), confirms with its `_xsrf`, and the page signs in by itself; a phone's browser without a
// session is sent by the engine to its login page, by the server on to the workspace's login, signs
// in there and is back on the confirmation page. A code the engine's clock
// has expired offers a new one that works; a poll with another screen's secret is denied by the
// engine; with five open codes from the address the engine's 429 is said. Opened at 127.0.0.1 the
// screen says a phone cannot reach that address; opened by a LAN name (resolved to this server by
// Chromium) the QR holds that name and no hint shows, also in a narrow window. Every request
// leaving the origin is blocked and must not happen. Screenshots: tests/artifacts/screenshots/ws-qr-*.png.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import jsqr from 'jsqr';
import { PNG } from 'pngjs';
import { chromiumMissing, launchChromium, screenshot } from './support/browser.js';
import { poll } from './support/console.js';
import { blockForeignRequests, chooseLocale, LegacyScript, workspaceMissing } from './support/workspace.js';
import { workspaceSuite } from './support/workspace-suite.js';
import type { InProcessServer } from '../support/server.js';

// jsqr is CommonJS whose types declare a default export: the function is its `default` either way
const jsQR = jsqr.default;

if (workspaceMissing) console.warn(`[e2e] workspace QR sign-in tests SKIPPED: ${workspaceMissing}`);

const DB = 'wsqr';
const ADMIN = { login: 'admin', password: 'admin-pass-1' };
const USER = { login: 'ivan', password: 'ivan-pass-1' };
const CYRILLIC = /[А-Яа-яЁё]/;
/** the engine's session documents (server/engine/qr-login.ts) */
const QR_KIND = 'qr-login';
const LAN_NAME = 'office-pc.lan';

const TEXT = {
  en: { expired: 'The code has expired.', denied: 'The server refused the sign-in with this code. Ask for a new code.', tooMany: 'Too many sign-ins by QR code are waiting', countdown: /^The code is valid for [12]:\d\d$/, confirmed: 'Sign-in confirmed', loopback: 'a phone cannot reach it' },
  ru: { expired: 'Срок действия кода истёк.', denied: 'Сервер отказал во входе по этому коду. Запросите новый код.', tooMany: 'Слишком много входов по QR-коду ждут подтверждения', countdown: /^Код действует ещё [12]:\d\d$/, confirmed: 'Вход подтверждён', loopback: 'телефон по нему не откроет страницу' },
};

describe.skipIf(chromiumMissing || workspaceMissing !== null)('the workspace signs in by QR code', { timeout: 240_000 }, () => {
  const suite = workspaceSuite({ db: DB, prefix: 'integram-ws-qr-e2e-', admin: ADMIN, user: USER });
  let server: InProcessServer;
  let lanBrowser: Browser | undefined;
  beforeAll(() => {
    ({ server } = suite);
  });
  afterAll(async () => {
    await lanBrowser?.close();
  });

  const store = () => {
    const s = server.booted.storeHandle.current();
    if (!s) throw new Error('no store');
    return s.appliance;
  };

  /** every open code made older than its two minutes: the engine's clock then calls it expired */
  async function ageCodes(code?: string): Promise<void> {
    for (const doc of await store().list<{ code: string; createdAt: number }>(QR_KIND, { ref: DB })) {
      if (code !== undefined && doc.body.code !== code) continue;
      await store().put(QR_KIND, doc.id, { ...doc.body, createdAt: doc.body.createdAt - 121_000 }, { ref: DB, expiresAt: doc.expiresAt });
    }
  }
  // the engine allows five open codes per caller address (all of ours are 127.0.0.1)
  beforeEach(() => ageCodes());

  /** the login screen in `locale`, switched to the QR sign-in; the QR's requests to `qrpoll` noted */
  async function openQr(page: Page, base: string, locale: 'en' | 'ru'): Promise<{ polls: Array<{ url: string; body: string }> }> {
    const polls: Array<{ url: string; body: string }> = [];
    page.on('request', (request) => {
      if (request.url().includes('/qrpoll')) polls.push({ url: request.url(), body: request.postData() ?? '' });
    });
    await page.goto(`${base}/${DB}`);
    await chooseLocale(page, locale);
    await page.getByTestId('ws-login').waitFor();
    await page.getByTestId('ws-login-qr').click();
    return { polls };
  }

  /** the code on the screen: its url (the text alternative), the pair number, and what the QR's pixels say */
  async function shownCode(page: Page): Promise<{ url: string; code: string; pair: string; decoded: string | null }> {
    await page.getByTestId('ws-qr-code').waitFor();
    const url = await page.getByTestId('ws-qr-url').inputValue();
    const pair = (await page.getByTestId('ws-qr-pair').getAttribute('aria-label')) ?? '';
    const png = PNG.sync.read(await page.getByTestId('ws-qr-code').screenshot());
    const decoded = jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data ?? null;
    return { url, code: new URL(url).searchParams.get('c') ?? '', pair, decoded };
  }

  /**
   * The phone: plain HTTP signed in as the user (the engine's cookie), opens the QR's url, reads the
   * pair number and `_xsrf` off the confirmation page and confirms. Answers the pair number it saw.
   */
  async function phoneConfirms(url: string, locale: 'en' | 'ru'): Promise<string> {
    const phone = new LegacyScript(server.url, DB);
    await phone.login(USER.login, USER.password);
    const cookie = `idb_${DB}=${phone.token}${locale === 'en' ? `; ${DB}_locale=EN` : ''}`;
    // the QR's url names the host the screen used; the phone reaches the same server
    const address = new URL(url);
    const local = `${server.url}${address.pathname}${address.search}`;
    const page = await fetch(local, { headers: { Cookie: cookie }, redirect: 'manual' });
    const html = await page.text();
    expect(page.status, html.slice(0, 300)).toBe(200);
    const xsrf = /name="_xsrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
    const pair = /letter-spacing[^>]*>(\d{6})</.exec(html)?.[1] ?? '';
    expect(xsrf).toBe(phone.xsrf);
    const confirm = await fetch(local, {
      method: 'POST',
      headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ c: address.searchParams.get('c') ?? '', _xsrf: xsrf }).toString(),
      redirect: 'manual',
    });
    expect(await confirm.text()).toContain(TEXT[locale].confirmed);
    return pair;
  }

  for (const locale of ['en', 'ru'] as const) {
    it(`shows the QR of the engine's url and the pair number; the phone confirms and the page signs in by itself (${locale})`, async () => {
      const page = await suite.newPage();
      const { polls } = await openQr(page, server.url, locale);
      const shown = await shownCode(page);
      expect(shown.url).toMatch(new RegExp(`^${server.url}/${DB}/qrlogin\\?c=[0-9a-f]{64}$`));
      expect(shown.decoded).toBe(shown.url);
      expect(shown.pair).toMatch(/^\d{6}$/);
      expect(await page.getByTestId('ws-qr-pair').textContent()).toBe(`${shown.pair.slice(0, 3)} ${shown.pair.slice(3)}`);
      expect(await page.getByTestId('ws-qr-code').getAttribute('aria-label')).toContain(shown.url);
      expect(await page.getByTestId('ws-qr-countdown').textContent()).toMatch(TEXT[locale].countdown);
      // opened at 127.0.0.1: a phone cannot reach it, and the screen says so
      expect(await page.getByTestId('ws-qr-loopback').textContent()).toContain(TEXT[locale].loopback);
      expect(await page.getByTestId('ws-qr-loopback').textContent()).toContain(new URL(server.url).host);
      if (locale === 'en') expect(await page.getByTestId('ws-qr').textContent()).not.toMatch(CYRILLIC);
      await poll(() => polls.length).toBeGreaterThan(0);
      await screenshot(page, `ws-qr-${locale}-code`);

      // the code and its secret go in the body, never in the address
      expect(polls.every((p) => !/[?&](c|s)=/.test(p.url) && new URLSearchParams(p.body).get('c') === shown.code && /^[0-9a-f]{64}$/.test(new URLSearchParams(p.body).get('s') ?? ''))).toBe(true);

      expect(await phoneConfirms(shown.url, locale)).toBe(shown.pair);
      await page.getByTestId('ws-menu').waitFor();
      expect(await page.getByTestId('ws-user').textContent()).toBe(USER.login);
      // signed in as the password login leaves it: the user's token in the engine's cookie, the
      // tables of the user's role, and a reload keeps the session
      const cookies = await page.context().cookies();
      expect(cookies.find((c) => c.name === `idb_${DB}`)?.value).toBeTruthy();
      await poll(() => page.locator('[data-testid^="menu-table-"]').count()).toBe(2);
      await screenshot(page, `ws-qr-${locale}-signed-in`);
      // the polls stopped with the QR view
      const after = polls.length;
      await page.waitForTimeout(4500);
      expect(polls.length).toBe(after);
      await page.reload();
      await page.getByTestId('ws-menu').waitFor();
      expect(await page.getByTestId('ws-user').textContent()).toBe(USER.login);
    });
  }

  it('a phone without a session opens the QR, is sent to the workspace\'s login, signs in and confirms in its browser; the screen signs in (en)', async () => {
    const page = await suite.newPage();
    await openQr(page, server.url, 'en');
    const shown = await shownCode(page);
    const phone = await suite.newPage({ width: 390, height: 844 });
    await phone.goto(shown.url);
    // the engine sends a guest to its login page; the server sends that to the workspace's login, the address kept
    await phone.getByTestId('ws-login-qr-confirm').waitFor();
    expect(new URL(phone.url()).pathname).toBe(`/${DB}`);
    expect(new URL(phone.url()).searchParams.get('uri')).toBe(`/${DB}/qrlogin?c=${shown.code}`);
    await chooseLocale(phone, 'en');
    expect(await phone.getByTestId('ws-login-qr-confirm').textContent()).toBe('Sign in here to confirm the sign-in by QR code on the other screen.');
    expect(await phone.getByTestId('ws-login-qr').count()).toBe(0);
    await screenshot(phone, 'ws-qr-en-phone-login');
    await phone.getByTestId('ws-login-name').fill(USER.login);
    await phone.getByTestId('ws-login-password').fill(USER.password);
    await phone.getByTestId('ws-login-submit').click();
    // back on the engine's confirmation page, with the same pair number as the screen
    await phone.waitForURL(`${server.url}/${DB}/qrlogin?c=${shown.code}`);
    expect(await phone.locator('body').textContent()).toContain(shown.pair);
    await phone.locator('form button[type="submit"]').click();
    await poll(() => phone.locator('body').textContent()).toContain(TEXT.ru.confirmed);
    await page.getByTestId('ws-menu').waitFor();
    expect(await page.getByTestId('ws-user').textContent()).toBe(USER.login);
  });

  it('a code expired by the engine offers a new code, and the new one signs in (ru)', async () => {
    const page = await suite.newPage();
    await openQr(page, server.url, 'ru');
    const first = await shownCode(page);
    await ageCodes(first.code);
    await poll(() => page.getByTestId('ws-qr').getAttribute('data-state')).toBe('expired');
    expect(await page.getByTestId('ws-qr-status').textContent()).toBe(TEXT.ru.expired);
    expect(await page.getByTestId('ws-qr-code').count()).toBe(0);
    await screenshot(page, 'ws-qr-ru-expired');
    await page.getByTestId('ws-qr-renew').click();
    const second = await shownCode(page);
    expect(second.code).not.toBe(first.code);
    expect(second.decoded).toBe(second.url);
    expect(await phoneConfirms(second.url, 'ru')).toBe(second.pair);
    await page.getByTestId('ws-menu').waitFor();
    expect(await page.getByTestId('ws-user').textContent()).toBe(USER.login);
  });

  it('a poll the engine denies (another secret) is said, and going back to the password form stops the polls (en)', async () => {
    const page = await suite.newPage();
    // the engine's 403 {"status":"denied"} to a secret that is not this code's
    await page.route('**/qrpoll*', (route) => {
      const body = new URLSearchParams(route.request().postData() ?? '');
      body.set('s', 'e'.repeat(64));
      return route.continue({ postData: body.toString() });
    });
    const { polls } = await openQr(page, server.url, 'en');
    await shownCode(page);
    await poll(() => page.getByTestId('ws-qr').getAttribute('data-state')).toBe('denied');
    expect(await page.getByTestId('ws-qr-status').textContent()).toBe(TEXT.en.denied);
    await screenshot(page, 'ws-qr-en-denied');
    await page.getByTestId('ws-qr-renew').click();
    await shownCode(page);
    await page.getByTestId('ws-qr-back').click();
    await page.getByTestId('ws-login-name').waitFor();
    const after = polls.length;
    await page.waitForTimeout(4500);
    expect(polls.length).toBe(after);
  });

  it('with five codes already waiting from this address the engine refuses a sixth, and the screen says so (en, ru)', async () => {
    let status = 0;
    for (let n = 0; n < 6 && status !== 429; n++) {
      status = (await fetch(`${server.url}/${DB}/qrnew?JSON`, { method: 'POST' })).status;
    }
    expect(status).toBe(429);
    const page = await suite.newPage();
    await openQr(page, server.url, 'en');
    await poll(() => page.getByTestId('ws-qr').getAttribute('data-state')).toBe('too-many');
    expect(await page.getByTestId('ws-qr-status').textContent()).toContain(TEXT.en.tooMany);
    expect(await page.getByTestId('ws-qr').textContent()).not.toMatch(CYRILLIC);
    await screenshot(page, 'ws-qr-en-too-many');
    await chooseLocale(page, 'ru');
    expect(await page.getByTestId('ws-qr-status').textContent()).toContain(TEXT.ru.tooMany);
    // the codes free again: a new code is shown
    await ageCodes();
    await page.getByTestId('ws-qr-renew').click();
    await shownCode(page);
  });

  it('opened by the computer\'s LAN name the QR holds that name and no hint shows; it fits a narrow window (ru)', async () => {
    const port = new URL(server.url).port;
    const origin = `http://${LAN_NAME}:${port}`;
    // Chromium resolves the LAN name to this server: the page's Host is the LAN name, as on a phone's network
    lanBrowser = await launchChromium([`--host-resolver-rules=MAP ${LAN_NAME} 127.0.0.1`]);
    const context = await lanBrowser.newContext({ viewport: { width: 360, height: 740 } });
    context.setDefaultTimeout(20_000);
    const foreign = await blockForeignRequests(context, origin);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await openQr(page, origin, 'ru');
    const shown = await shownCode(page);
    expect(shown.url).toMatch(new RegExp(`^${origin}/${DB}/qrlogin\\?c=[0-9a-f]{64}$`));
    expect(shown.decoded).toBe(shown.url);
    expect(await page.getByTestId('ws-qr-loopback').count()).toBe(0);
    // narrow: nothing wider than the window, the whole QR inside it
    expect(Number(await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth'))).toBeLessThanOrEqual(0);
    const box = await page.getByTestId('ws-qr-code').boundingBox();
    expect(box && box.x >= 0 && box.x + box.width <= 360 && box.width >= 150).toBe(true);
    // a LAN address over http has no clipboard API: the copy falls back to the selection
    await page.getByTestId('ws-qr-copy').click();
    await poll(() => page.getByTestId('ws-qr-copy').textContent()).toBe('Скопировано');
    await screenshot(page, 'ws-qr-ru-lan-narrow');
    expect(await phoneConfirms(shown.url, 'ru')).toBe(shown.pair);
    await page.getByTestId('ws-menu').waitFor();
    await context.close();
    expect(errors).toEqual([]);
    expect(foreign).toEqual([]);
  });

  it('no page error and no request outside the origin', () => {
    expect(suite.pageErrors()).toEqual([]);
    expect(suite.foreign()).toEqual([]);
  });
});
