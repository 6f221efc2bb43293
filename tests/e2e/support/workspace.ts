// Steps the workspace suites share: a small legacy URL API client for arranging data from the test
// side (what a script would call), the seed of the demo database (tables, records, a role with
// WRITE and READ grants, a user, a report), and browser steps keyed on data-testid attributes.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { REPO_ROOT } from './paths.js';

export const WORKSPACE_INDEX = path.join(REPO_ROOT, 'dist', 'workspace', 'index.html');
export const workspaceMissing = existsSync(WORKSPACE_INDEX) ? null : 'the workspace is not built (npm run build)';

/** A legacy URL API client with a token (JSON mode, X-Authorization), as scripts use it. */
export class LegacyScript {
  token = '';
  xsrf = '';
  constructor(readonly baseUrl: string, readonly db: string) {}

  async login(login: string, password: string): Promise<void> {
    const res = await fetch(`${this.baseUrl}/${this.db}/auth?JSON`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ login, pwd: password }).toString(),
    });
    const body = (await res.json()) as { token?: string; _xsrf?: string };
    if (!body.token || !body._xsrf) throw new Error(`login ${login} at ${this.db}: ${res.status} ${JSON.stringify(body)}`);
    this.token = body.token;
    this.xsrf = body._xsrf;
  }

  async get<T>(pathAndQuery: string): Promise<T> {
    const res = await fetch(`${this.baseUrl}/${this.db}/${pathAndQuery}`, { headers: { 'X-Authorization': this.token } });
    const text = await res.text();
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new Error(`GET ${pathAndQuery}: ${res.status} ${text.slice(0, 300)}`);
    }
  }

  /** a `_m_*` / `_d_*` command; fails unless it answers JSON without an error */
  async cmd(command: string, form: Record<string, string | number> = {}): Promise<{ id?: unknown; obj?: unknown }> {
    const body = new URLSearchParams({ _xsrf: this.xsrf });
    for (const [k, v] of Object.entries(form)) body.set(k, String(v));
    const res = await fetch(`${this.baseUrl}/${this.db}/${command}${command.includes('?') ? '&' : '?'}JSON`, {
      method: 'POST',
      headers: { 'X-Authorization': this.token, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: body.toString(),
    });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new Error(`${command}: ${res.status} ${text.slice(0, 300)}`);
    }
    if (Array.isArray(parsed) || res.status >= 400) throw new Error(`${command}: ${res.status} ${text.slice(0, 300)}`);
    return parsed as { id?: unknown; obj?: unknown };
  }

  async newType(name: string, base: number): Promise<number> {
    return Number((await this.cmd('_d_new', { val: name, t: base })).obj);
  }

  async addColumn(table: number, term: number, extra: Record<string, string | number> = {}): Promise<number> {
    return Number((await this.cmd(`_d_req/${table}`, { t: term, ...extra })).id);
  }

  async newRecord(table: number, fields: Record<string, string | number>, up = 1): Promise<number> {
    return Number((await this.cmd(`_m_new/${table}`, { up, ...fields })).id);
  }
}

export interface DemoIds {
  city: number;
  client: number;
  phone: number;
  amount: number;
  cityCol: number;
  moscow: number;
  paris: number;
  alice: number;
  bob: number;
  carol: number;
  role: number;
  report: number;
  reportCity: number;
}

/** level records and the grant record's level column (LEVEL_REQ, added to the database's rows) */
export const WRITE = 170;
export const READ = 171;
export const LEVEL_REQ = 136;
/** SUM in the functions table (63) and in the totals table (65) of the report rows the demo starts from */
const SUM_FUNCTION = 73;
const SUM_TOTAL = 67;

/**
 * The demo data, through the legacy API as the database's admin: City and Client (Phone, Amount,
 * a reference to City), records, a role "Sales" with WRITE (and EXPORT) on Client and READ on
 * City, its user, and a report "Sales by city" (city, SUM of amounts).
 */
export async function seedDemo(
  admin: LegacyScript,
  user: { login: string; password: string },
  /** the grant record of a role (the API lists none: 116 is a column, not a table; a test reads the row) */
  grantOf: (role: number) => Promise<number>,
): Promise<DemoIds> {
  const city = await admin.newType('City', 3);
  const client = await admin.newType('Client', 3);
  const phone = await admin.addColumn(client, await admin.newType('Phone', 3));
  const amount = await admin.addColumn(client, await admin.newType('Amount', 14));
  const cityRef = Number((await admin.cmd(`_d_ref/${city}`)).obj);
  const cityCol = await admin.addColumn(client, cityRef);
  const moscow = await admin.newRecord(city, { [`t${city}`]: 'Moscow' });
  const paris = await admin.newRecord(city, { [`t${city}`]: 'Paris' });
  await admin.newRecord(city, { [`t${city}`]: 'Berlin' });
  const alice = await admin.newRecord(client, { [`t${client}`]: 'Alice', [`t${phone}`]: '555-01', [`t${amount}`]: '120.5', [`t${cityCol}`]: moscow });
  const bob = await admin.newRecord(client, { [`t${client}`]: 'Bob', [`t${phone}`]: '555-02', [`t${amount}`]: '80', [`t${cityCol}`]: paris });
  const carol = await admin.newRecord(client, { [`t${client}`]: 'Carol', [`t${phone}`]: '555-03', [`t${amount}`]: '42', [`t${cityCol}`]: moscow });

  // a role gets one grant record from its column's default; a second one comes from a helper role
  const role = await admin.newRecord(42, { t42: 'Sales' });
  const helper = await admin.newRecord(42, { t42: 'helper' });
  const gClient = await grantOf(role);
  const gCity = await grantOf(helper);
  await admin.cmd(`_m_move/${gCity}`, { up: role });
  await admin.cmd(`_m_del/${helper}`);
  await admin.cmd(`_m_save/${gClient}`, { t116: client, [`t${LEVEL_REQ}`]: WRITE, t55: '1' });
  await admin.cmd(`_m_save/${gCity}`, { t116: city, [`t${LEVEL_REQ}`]: READ });
  await admin.newRecord(18, { t18: user.login, t20: user.password, t115: role });

  const report = await admin.newRecord(22, { t22: 'Sales by city' });
  const reportCity = await admin.newRecord(28, { t28: cityCol }, report);
  await admin.cmd(`_m_set/${reportCity}`, { t100: 'city' });
  const total = await admin.newRecord(28, { t28: amount }, report);
  await admin.cmd(`_m_set/${total}`, { t100: 'total', t104: SUM_FUNCTION, t72: SUM_TOTAL });
  return { city, client, phone, amount, cityCol, moscow, paris, alice, bob, carol, role, report, reportCity };
}

/**
 * Every request of the page that leaves `origin` is aborted and noted: the workspace must work in
 * an office LAN without the internet.
 */
export async function blockForeignRequests(context: BrowserContext, origin: string): Promise<string[]> {
  const foreign: string[] = [];
  await context.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    if (url.origin === origin) return route.continue();
    foreign.push(url.href);
    return route.abort('blockedbyclient');
  });
  return foreign;
}

export async function chooseLocale(page: Page, locale: 'ru' | 'en'): Promise<void> {
  await page.getByTestId('ws-locale').selectOption(locale);
}

export async function signInWorkspace(page: Page, login: string, password: string): Promise<void> {
  await page.getByTestId('ws-login').waitFor();
  await page.getByTestId('ws-login-name').fill(login);
  await page.getByTestId('ws-login-password').fill(password);
  await page.getByTestId('ws-login-submit').click();
  await page.getByTestId('ws-menu').waitFor();
}
