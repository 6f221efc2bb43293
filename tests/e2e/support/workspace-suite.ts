// The frame the workspace's browser suites on their own server share: the real server in process
// (embedded PGlite) with the demo database, Chromium, and pages whose requests outside the server's
// origin are blocked and noted, page errors collected. Registers the suite's beforeAll/afterAll.
import { afterAll, beforeAll } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './browser.js';
import { createDemoDatabase } from './demo-database.js';
import { blockForeignRequests, chooseLocale, signInWorkspace, type DemoIds, type LegacyScript } from './workspace.js';
import { startInProcessServer, type InProcessServer } from '../../support/server.js';

export interface WorkspaceSuite {
  readonly server: InProcessServer;
  readonly browser: Browser;
  /** the demo database's admin, through the legacy API */
  readonly admin: LegacyScript;
  readonly ids: DemoIds;
  /** a page in a context of its own */
  newPage(viewport?: { width: number; height: number }): Promise<Page>;
  /**
   * A new page signed in to the workspace as `login` in `locale` (then sent to `hash`), and the
   * engine commands it sends from then on as `note` writes them (a request it answers null for is
   * not noted). By default every request with `_m_` in its address, as `POST _m_ord/12?JSON`.
   */
  signIn(login: { login: string; password: string }, locale: 'en' | 'ru', hash?: string, note?: (method: string, url: URL) => string | null): Promise<{ page: Page; commands: string[] }>;
  /** the requests of a page that tried to leave the origin (blocked) */
  blockedOf(page: Page): string[];
  /** every page's errors, and every blocked request of every page */
  pageErrors(): string[];
  foreign(): string[];
}

export function workspaceSuite(options: {
  db: string;
  prefix: string;
  admin: { login: string; password: string };
  user: { login: string; password: string };
}): WorkspaceSuite {
  let server: InProcessServer | undefined;
  let browser: Browser | undefined;
  let demo: { admin: LegacyScript; ids: DemoIds } | undefined;
  const contexts: BrowserContext[] = [];
  const errors: string[] = [];
  const blocked = new Map<Page, string[]>();

  beforeAll(async () => {
    [server, browser] = await Promise.all([startInProcessServer({ prefix: options.prefix, waitForStore: 180_000 }), launchChromium()]);
    demo = await createDemoDatabase(server, options.db, options.admin, options.user);
  }, 300_000);

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await server?.close();
  });

  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the workspace suite has no ${what} (its beforeAll failed)`);
    return value;
  };

  return {
    get server() { return ready(server, 'server'); },
    get browser() { return ready(browser, 'browser'); },
    get admin() { return ready(demo, 'demo database').admin; },
    get ids() { return ready(demo, 'demo database').ids; },
    async newPage(viewport = { width: 1280, height: 860 }) {
      const context = await ready(browser, 'browser').newContext({ viewport, acceptDownloads: true });
      context.setDefaultTimeout(20_000);
      contexts.push(context);
      const foreign = await blockForeignRequests(context, new URL(ready(server, 'server').url).origin);
      const page = await context.newPage();
      page.on('pageerror', (error) => errors.push(error.message));
      blocked.set(page, foreign);
      return page;
    },
    async signIn(login, locale, hash = '', note) {
      const url = ready(server, 'server').url;
      const page = await this.newPage();
      const commands: string[] = [];
      const noteOf = note ?? ((method: string, address: URL) => (/_m_/.test(address.pathname + address.search) ? `${method} ${address.pathname.replace(`/${options.db}/`, '')}${address.search}` : null));
      page.on('request', (request) => {
        const noted = noteOf(request.method(), new URL(request.url()));
        if (noted !== null) commands.push(noted);
      });
      await page.goto(`${url}/${options.db}`);
      await chooseLocale(page, locale);
      await signInWorkspace(page, login.login, login.password);
      if (hash) await page.goto(`${url}/${options.db}${hash}`);
      return { page, commands };
    },
    blockedOf: (page) => blocked.get(page) ?? [],
    pageErrors: () => [...errors],
    foreign: () => [...blocked.values()].flat(),
  };
}
