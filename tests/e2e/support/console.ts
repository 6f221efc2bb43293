// Steps the console tests share: a small admin API client for arranging state from the test
// side, and browser steps (open, sign in, go to a section) keyed on data-testid attributes.
import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import type { JobProgress } from '../../../server/http/admin/contract.js';
import { sleep } from '../../support/net.mjs';

const CSRF = { 'X-Requested-With': 'integram-console' };

/** An admin API client for the test itself (Bearer token, CSRF header). */
export class AdminClient {
  private token = '';
  constructor(private readonly baseUrl: string) {}

  async login(password: string): Promise<void> {
    const answer = await this.request<{ token: string }>('POST', '/login', { password });
    this.token = answer.token;
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.baseUrl}/api/admin${path}`, {
      method,
      headers: {
        ...(method === 'GET' ? {} : CSRF),
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...(this.token ? { Authorization: `Bearer ${this.token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} → ${response.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  async waitForJob(job: JobProgress, timeoutMs = 60_000): Promise<JobProgress> {
    const deadline = Date.now() + timeoutMs;
    let current = job;
    while (current.state === 'running' && Date.now() < deadline) {
      await sleep(200);
      current = await this.request<JobProgress>('GET', `/jobs/${current.id}`);
    }
    return current;
  }
}

/**
 * The legacy login of the default database's `admin` (made at the first run with the console
 * password): 200 when it gives a token, else the status negated (a 200 without a token is -200).
 */
export async function legacyAdminLogin(baseUrl: string, password: string): Promise<number> {
  const res = await fetch(`${baseUrl}/my/auth?JSON`, {
    method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: `login=admin&pwd=${encodeURIComponent(password)}`,
  });
  const body = (await res.json().catch(() => ({}))) as { token?: string };
  return res.status === 200 && typeof body.token === 'string' ? 200 : -res.status;
}

/** First-run setup through the API (for suites that are not about the wizard). */
export async function setupAdminViaApi(baseUrl: string, password: string): Promise<void> {
  const client = new AdminClient(baseUrl);
  await client.request('POST', '/setup', { adminPassword: password, database: { kind: 'embedded' }, access: 'local' });
}

/**
 * Fails with a sentence naming the missing server piece, instead of every step timing out:
 * the built console at /console/ and the admin API at /api/admin must both be mounted.
 */
export async function assertConsoleServed(baseUrl: string): Promise<void> {
  const page = await fetch(`${baseUrl}/console/`);
  const html = await page.text();
  if (page.status !== 200 || !html.includes('<div id="app">')) {
    throw new Error(`GET /console/ answered ${page.status}: the server does not serve the built console (dist/renderer) at /console yet`);
  }
  // 503 while the store is still opening (a loaded machine): wait for it; 404: not mounted
  // a first start creates the embedded store: on a loaded 2-core machine that has taken over a minute
  const deadline = Date.now() + 120_000;
  let status = 0;
  while (Date.now() < deadline) {
    status = await fetch(`${baseUrl}/api/admin/setup`).then((r) => r.status, () => 0);
    if (status === 200) return;
    if (status === 404) throw new Error('GET /api/admin/setup answered 404: the admin API (createAdminRouter) is not mounted at /api/admin yet');
    await sleep(300);
  }
  throw new Error(`GET /api/admin/setup still answered ${status} after 120 s (the store did not open?)`);
}

export async function openConsole(page: Page, baseUrl: string): Promise<void> {
  const response = await page.goto(`${baseUrl}/console/`);
  expect(response?.status(), 'the server must serve the built console at /console/').toBe(200);
}

export async function signIn(page: Page, password: string): Promise<void> {
  await page.getByTestId('login').waitFor();
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  // the console opens on the section in the URL; its navigation shows whichever it is
  await page.getByTestId('nav-health').waitFor();
}

export async function goTo(page: Page, section: 'health' | 'settings' | 'logs' | 'jobs' | 'backups' | 'databases' | 'updates'): Promise<void> {
  await page.getByTestId(`nav-${section}`).click();
  await page.getByTestId(`page-${section}`).waitFor();
}

/**
 * expect.poll with a timeout fit for a loaded CI machine (vitest's default is 1 s): the console
 * polls every 2 s, and servers, browsers and databases share two cores here.
 */
export function poll<T>(read: () => Promise<T> | T, timeoutMs = 15_000) {
  return expect.poll(read, { timeout: timeoutMs, interval: 100 });
}

/** Waits until `read()` returns something `accept` likes; fails with the last value seen. */
export async function eventually<T>(read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await read();
  while (!accept(last)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last)}`);
    await sleep(200);
    last = await read();
  }
  return last;
}
