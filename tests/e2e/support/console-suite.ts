// The frame the console's browser suites share: real headless servers as child processes (each with
// its own data folder and .env), Chromium, the console admin set up through the API, and one page in
// a context with the console's locale and a step timeout. Registers the suite's beforeAll/afterAll.
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './browser.js';
import { assertConsoleServed, setupAdminViaApi } from './console.js';
import { startServer, type StartOptions, type TestServer } from './server.js';
import { blockForeignRequests } from './workspace.js';

export interface ConsoleServerOptions extends Omit<StartOptions, 'envFileLines'> {
  /** lines for the server's .env file; a function when they are known only after `before` */
  envFileLines?: string[] | (() => string[]);
  /** the console admin's password, set up through the API; none leaves the first-run wizard */
  password?: string;
}

export interface ConsoleSuiteOptions {
  /** the servers, started one after the other (two embedded stores opening at once are slow) */
  servers: ConsoleServerOptions[];
  viewport: { width: number; height: number };
  /** each browser step's timeout: fails a step well before the test's own */
  stepTimeout?: number;
  acceptDownloads?: boolean;
  /** block and note every request of the page outside the first server's origin */
  blockForeign?: boolean;
  /** what the suite needs before the servers start (run while Chromium launches) */
  before?: () => Promise<void>;
  /** what the suite tears down after the servers stopped */
  after?: () => Promise<void>;
  /** beforeAll's timeout */
  setupTimeout?: number;
}

export interface ConsoleSuite {
  /** the first server */
  readonly server: TestServer;
  readonly servers: readonly TestServer[];
  readonly browser: Browser;
  /** the page in the suite's context (locale en-US) */
  readonly page: Page;
  /** a context like the suite's (same locale, viewport, timeout and blocking), closed at the end */
  newContext(): Promise<BrowserContext>;
  /** the requests outside the server's origin the suite's contexts blocked */
  foreign(): string[];
}

export function consoleSuite(options: ConsoleSuiteOptions): ConsoleSuite {
  const servers: TestServer[] = [];
  let browser: Browser | undefined;
  let page: Page | undefined;
  const contexts: BrowserContext[] = [];
  const blocked: string[][] = [];

  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the console suite has no ${what} (its beforeAll failed)`);
    return value;
  };

  const newContext = async (): Promise<BrowserContext> => {
    const context = await ready(browser, 'browser').newContext({
      locale: 'en-US', viewport: options.viewport, ...(options.acceptDownloads ? { acceptDownloads: true } : {}),
    });
    contexts.push(context);
    context.setDefaultTimeout(options.stepTimeout ?? 20_000);
    if (options.blockForeign) blocked.push(await blockForeignRequests(context, new URL(ready(servers[0], 'server').url).origin));
    return context;
  };

  beforeAll(async () => {
    [browser] = await Promise.all([launchChromium(), options.before?.()]);
    for (const spec of options.servers) {
      const lines = typeof spec.envFileLines === 'function' ? spec.envFileLines() : spec.envFileLines;
      const server = await startServer({ ...(spec.env ? { env: spec.env } : {}), envFileLines: lines });
      servers.push(server);
      await assertConsoleServed(server.url).catch((error: unknown) => {
        throw new Error(`${String(error)}\nserver output:\n${server.output().slice(-3000)}`);
      });
    }
    for (const [i, spec] of options.servers.entries()) {
      if (spec.password !== undefined) await setupAdminViaApi(servers[i].url, spec.password);
    }
    page = await (await newContext()).newPage();
  }, options.setupTimeout ?? 180_000);

  // a failed step says what the servers printed (and whether they restarted): the page alone rarely tells
  afterEach(({ task }) => {
    if (task.result?.state !== 'fail') return;
    for (const [i, server] of servers.entries()) {
      console.error(`[e2e] server ${i + 1} (${server.url}, restarts ${server.restarts()}), the end of its output:\n${server.output().slice(-6000)}`);
    }
  });

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    for (const server of servers) await server.close();
    await options.after?.();
  });

  return {
    get server() { return ready(servers[0], 'server'); },
    get servers() { return servers; },
    get browser() { return ready(browser, 'browser'); },
    get page() { return ready(page, 'page'); },
    newContext,
    foreign: () => blocked.flat(),
  };
}
