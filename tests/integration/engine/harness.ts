/**
 * Test harness for engine integration suites: a real store (PGlite, or MariaDB
 * when TEST_MYSQL_URL is set) loaded with the golden start state, our legacy
 * router on 127.0.0.1, and a tiny client that speaks the PHP engine's API.
 */
import { startLegacyServer, type LegacyServer, type LegacyStackOptions } from '../../support/legacy.js';
import { TEST_MYSQL_URL, TEST_STORES, type StoreKind } from '../../support/stores.js';
import type { Store } from '../../../server/storage/index.js';
import { loadRows } from '../../golden/replay.js';

export type { StoreKind };
export const MYSQL_URL = TEST_MYSQL_URL;
export const STORES = TEST_STORES;

if (!MYSQL_URL) console.log('engine integration suites on MariaDB skipped: TEST_MYSQL_URL is not set');

export interface Answer {
  status: number;
  text: string;
  json: unknown;
  headers: Headers;
}

export class TestServer {
  url = '';
  private server?: LegacyServer;
  store!: Store;
  private cleanupStore?: () => Promise<void>;

  static async start(kind: StoreKind, options: { masterPassword?: string; rows?: string; stack?: Partial<LegacyStackOptions> } = {}): Promise<TestServer> {
    const ts = new TestServer();
    const opened = await kind.open();
    ts.store = opened.store;
    ts.cleanupStore = opened.cleanup;
    await ts.store.importRows('my', loadRows(options.rows ?? 'start-rows.json'));
    // the oracle's settings; a test may leave out the master password
    ts.server = await startLegacyServer(() => ts.store, { ...('masterPassword' in options ? { masterPassword: options.masterPassword } : {}), ...(options.stack ?? {}) });
    ts.url = ts.server.url;
    return ts;
  }

  /** drops the engine's caches of a database the test changed behind its back */
  invalidate(db: string): void {
    this.server?.engine.invalidate(db);
  }

  async stop(): Promise<void> {
    await this.server?.close();
    await this.cleanupStore?.();
  }

  async request(method: string, path: string, opts: { form?: Record<string, string | string[]>; json?: unknown; multipart?: FormData; headers?: Record<string, string> } = {}): Promise<Answer> {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    let body: string | FormData | undefined;
    if (opts.multipart) body = opts.multipart; // fetch writes the multipart body and its boundary
    else if (opts.form) {
      const p = new URLSearchParams();
      for (const [k, v] of Object.entries(opts.form)) {
        if (Array.isArray(v)) for (const x of v) p.append(`${k}[]`, x);
        else p.append(k, v);
      }
      body = p.toString();
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
    } else if (opts.json !== undefined) {
      body = typeof opts.json === 'string' ? opts.json : JSON.stringify(opts.json);
      headers['Content-Type'] = 'application/json';
    }
    const res = await fetch(this.url + path, { method, headers, body, redirect: 'manual' });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, text, json, headers: res.headers };
  }
}

export class Client {
  token = '';
  xsrf = '';
  constructor(readonly server: TestServer, readonly db = 'my') {}

  async login(login: string, pwd: string): Promise<Answer> {
    const a = await this.server.request('POST', `/${this.db}/auth?JSON`, { form: { login, pwd } });
    const j = a.json as { token?: string; _xsrf?: string };
    if (a.status === 200 && j?.token) {
      this.token = j.token;
      this.xsrf = j._xsrf ?? '';
    }
    return a;
  }

  get(path: string): Promise<Answer> {
    return this.server.request('GET', `/${this.db}/${path}`, { headers: { 'X-Authorization': this.token } });
  }

  post(path: string, form: Record<string, string | string[]> = {}): Promise<Answer> {
    return this.server.request('POST', `/${this.db}/${path}`, { form: { _xsrf: this.xsrf, ...form }, headers: { 'X-Authorization': this.token } });
  }

  /** a multipart/form-data POST (the session's _xsrf first); a field given as a File is a file part */
  postMultipart(path: string, fields: Record<string, string | File>, options: { xsrf?: boolean } = {}): Promise<Answer> {
    const form = new FormData();
    if (options.xsrf !== false) form.append('_xsrf', this.xsrf);
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    return this.server.request('POST', `/${this.db}/${path}`, { multipart: form, headers: { 'X-Authorization': this.token } });
  }

  postJson(path: string, json: Record<string, unknown>): Promise<Answer> {
    return this.server.request('POST', `/${this.db}/${path}`, { json: { _xsrf: this.xsrf, ...json }, headers: { 'X-Authorization': this.token } });
  }

  /** create a table with scalar columns; returns the type id and column requisite ids */
  async table(name: string, base: number, columns: { name: string; base: number }[], unique = false): Promise<{ type: number; cols: number[] }> {
    const t = await this.post('_d_new?JSON', { val: name, t: String(base), ...(unique ? { unique: '1' } : {}) });
    const type = Number((t.json as { obj: number }).obj);
    const cols: number[] = [];
    for (const c of columns) {
      const term = await this.post('_d_new?JSON', { val: c.name, t: String(c.base) });
      const req = await this.post(`_d_req/${type}?JSON`, { t: String((term.json as { obj: number }).obj) });
      cols.push(Number((req.json as { id: number }).id));
    }
    return { type, cols };
  }

  async record(type: number, values: Record<string, string | string[]>, up = 1): Promise<number> {
    const a = await this.post(`_m_new/${type}?JSON`, { up: String(up), ...values });
    return Number((a.json as { id: number }).id);
  }
}
