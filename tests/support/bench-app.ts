/**
 * The real server, in-process on 127.0.0.1 (tests/support/server.ts: bootServer with the product's
 * composition, a temp data folder) with the golden salt — for the fuzz test. Also a small client
 * of the legacy API that logs in and builds a schema, shared with the benchmark.
 */
import type { Engine } from '../../server/engine/index.js';
import { productEngine } from '../../server/runtime/compose.js';
import type { BootedServer } from '../../server/runtime/boot.js';
import type { Store } from '../../server/storage/types.js';
import { startInProcessServer } from './server.js';

/** the golden transcripts' salt: the start rows' password hashes depend on it */
export const GOLDEN_SALT = 'oracle-salt';

export interface LegacyApp {
  url: string;
  booted: BootedServer;
  engine: Engine;
  store(): Store;
  close(): Promise<void>;
}

export interface LegacyAppOptions {
  /** mysql://user:pw@host:port/schema; unset = embedded PGlite in a temp data folder */
  databaseUrl?: string;
  salt?: string;
  port?: number;
}

export async function bootLegacyApp(options: LegacyAppOptions = {}): Promise<LegacyApp> {
  const server = await startInProcessServer({
    prefix: 'integram-legacy-app-',
    port: options.port,
    mysqlUrl: options.databaseUrl,
    env: { HOST: '127.0.0.1', LOG_LEVEL: 'warn', AUTH_SALT: options.salt ?? GOLDEN_SALT },
    waitForStore: 120_000,
  });
  const { booted } = server;
  return {
    url: booted.url,
    booted,
    engine: productEngine(booted.context),
    store: () => {
      const current = booted.storeHandle.current();
      if (!current) throw new Error('store not connected');
      return current;
    },
    close: () => server.close(5000),
  };
}

export interface Answer {
  status: number;
  text: string;
  json: unknown;
  headers: Headers;
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A logged-in legacy API user (X-Authorization + _xsrf), with helpers to build a schema. */
export class LegacyClient {
  token = '';
  xsrf = '';
  userId = '';
  constructor(readonly baseUrl: string, readonly db = 'my') {}

  async request(method: string, pathAndQuery: string, opts: { form?: Record<string, string>; json?: unknown; rawBody?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    let body: string | undefined;
    if (opts.form) {
      body = new URLSearchParams(opts.form).toString();
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
    } else if (opts.json !== undefined) {
      body = JSON.stringify(opts.json);
      headers['Content-Type'] = 'application/json';
    } else if (opts.rawBody !== undefined) {
      body = opts.rawBody;
    }
    const res = await fetch(this.baseUrl + pathAndQuery, { method, headers, body, redirect: 'manual' });
    const text = await res.text();
    return { status: res.status, text, json: parseJson(text), headers: res.headers };
  }

  async login(login: string, pwd: string): Promise<void> {
    const a = await this.request('POST', `/${this.db}/auth?JSON`, { form: { login, pwd } });
    const j = a.json as { token?: string; _xsrf?: string; id?: string } | undefined;
    if (a.status !== 200 || !j?.token) throw new Error(`login ${login} failed: ${a.status} ${a.text.slice(0, 200)}`);
    this.token = j.token;
    this.xsrf = j._xsrf ?? '';
    this.userId = String(j.id ?? '');
  }

  get(pathAndQuery: string): Promise<Answer> {
    return this.request('GET', `/${this.db}/${pathAndQuery}`, { headers: { 'X-Authorization': this.token } });
  }

  post(pathAndQuery: string, form: Record<string, string> = {}): Promise<Answer> {
    return this.request('POST', `/${this.db}/${pathAndQuery}`, { form: { _xsrf: this.xsrf, ...form }, headers: { 'X-Authorization': this.token } });
  }

  /** a command that must succeed; returns its JSON answer */
  async command(pathAndQuery: string, form: Record<string, string> = {}): Promise<Record<string, unknown>> {
    const a = await this.post(pathAndQuery, form);
    const j = a.json as Record<string, unknown> | undefined;
    if (a.status !== 200 || !j || typeof j !== 'object' || 'error' in j || Array.isArray(j)) {
      throw new Error(`${pathAndQuery} failed: ${a.status} ${a.text.slice(0, 300)}`);
    }
    return j;
  }

  /** a new type (table); returns its id */
  async type(name: string, base: number, unique = false): Promise<number> {
    const j = await this.command('_d_new?JSON', { val: name, t: String(base), ...(unique ? { unique: '1' } : {}) });
    return Number(j.obj);
  }

  /** a scalar column: a new term of that base attached to the type; returns the requisite id */
  async column(type: number, name: string, base: number): Promise<number> {
    const term = await this.type(name, base);
    return this.attach(type, term);
  }

  /** attaches a term (or a reference type, or a subordinate table type); returns the requisite id */
  async attach(type: number, term: number, multiselect = false): Promise<number> {
    const j = await this.command(`_d_req/${type}?JSON`, { t: String(term), ...(multiselect ? { multiselect: '1' } : {}) });
    return Number(j.id);
  }

  /** a reference column to `target`; returns the requisite id */
  async reference(type: number, target: number, multiselect = false): Promise<number> {
    const ref = await this.command(`_d_ref/${target}?JSON`);
    return this.attach(type, Number(ref.obj), multiselect);
  }

  async record(type: number, values: Record<string, string>, up = 1): Promise<number> {
    const j = await this.command(`_m_new/${type}?JSON`, { up: String(up), ...values });
    return Number(j.id);
  }
}
