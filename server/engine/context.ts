/**
 * One request's state while the engine answers it: the parsed parameters, the
 * authenticated user, and helpers that end the request the way the PHP engine
 * does (`my_die`, `die`, `api_dump`, redirects) by throwing an EngineExit.
 */
import type { Store, TenantStore } from '../storage/types.js';
import type { FileChange, LegacyBody, LegacyRequest, LegacyResponse, ResponseCookie } from './types.js';
import type { TenantMeta } from './meta.js';
import type { Session } from './session.js';
import type { FormatEnv } from './format.js';
import type { EngineState } from './engine-state.js';
import { htmlentities, setOwn, urlencode } from './php.js';

/**
 * Thrown to end a request with a finished answer (PHP's die/exit). Not an Error:
 * it is control flow, and capturing a stack trace on every answer costs time.
 */
export class EngineExit {
  /**
   * true for the success answers a state-changing command gives from inside its transaction:
   * the transaction commits before the answer is sent. Every other exit (an error, a plain-text
   * refusal) rolls the command's writes back (docs/compatibility.md, "Rejected requests change nothing").
   */
  readonly commits: boolean;

  constructor(readonly response: LegacyResponse, commits = false) {
    this.commits = commits;
  }
}

export type Params = Record<string, unknown>;

export class RequestContext {
  readonly db: string;
  readonly store: Store;
  readonly get: Params;
  readonly post: Params;
  readonly cookiesOut: ResponseCookie[] = [];
  readonly headersOut: Record<string, string> = {};
  readonly nowMs: number;
  session: Session | null = null;
  meta!: TenantMeta;
  warning: string | undefined;
  tzone = 0;
  /** files a write command stores or removes (files.ts): applied around its commit by runWrite */
  readonly fileChanges: FileChange[] = [];
  private merged: Params | null = null;
  /** the tenant table; inside a write transaction, bound to the transaction's connection */
  private tenantStore: TenantStore;

  constructor(readonly core: EngineState, readonly req: LegacyRequest, store: Store) {
    this.db = req.db;
    this.store = store;
    this.tenantStore = store.tenant(req.db);
    this.get = { ...req.query };
    this.post = { ...req.post };
    this.nowMs = core.clock.now();
    const tz = req.cookies.tzone;
    if (tz !== undefined && /^-?\d+$/.test(tz)) this.tzone = Number(tz);
  }

  get t(): TenantStore {
    return this.tenantStore;
  }

  /**
   * Runs fn in one store transaction with `ctx.t` bound to it; rolls back when fn throws.
   * On MySQL a deadlock victim runs fn again, so fn must only touch the database (and undo
   * its own changes to the request state: see `checkpoint`).
   */
  async inTransaction<T>(fn: () => Promise<T>): Promise<T> {
    const outside = this.tenantStore;
    try {
      return await this.store.transaction(this.db, (tx) => {
        this.tenantStore = tx;
        return fn();
      });
    } finally {
      this.tenantStore = outside;
    }
  }

  /** captures what a command may change in the request state; the returned function puts it back */
  checkpoint(): () => void {
    const warning = this.warning;
    const merged = this.merged ? { ...this.merged } : null;
    const cookieCount = this.cookiesOut.length;
    const headers = { ...this.headersOut };
    const fileChangeCount = this.fileChanges.length;
    return () => {
      this.fileChanges.length = fileChangeCount;
      this.warning = warning;
      this.merged = merged ? { ...merged } : null;
      this.cookiesOut.length = cookieCount;
      for (const k of Object.keys(this.headersOut)) delete this.headersOut[k];
      Object.assign(this.headersOut, headers);
    };
  }

  get nowSec(): number {
    return Math.floor(this.nowMs / 1000);
  }

  /** PHP isApi(): any GET or POST key that starts with "JSON" (or the /api/ prefix) */
  get api(): boolean {
    if (this.req.forceJson) return true;
    for (const k of Object.keys(this.get)) if (k.startsWith('JSON')) return true;
    for (const k of Object.keys(this.post)) if (k.startsWith('JSON')) return true;
    return false;
  }

  /** PHP $_REQUEST after authentication: POST ∪ GET, GET wins, POST key order first */
  get request(): Params {
    if (!this.merged) {
      const m: Params = {};
      for (const [k, v] of Object.entries(this.post)) setOwn(m, k, v);
      for (const [k, v] of Object.entries(this.get)) setOwn(m, k, v);
      this.merged = m;
    }
    return this.merged;
  }

  /** mutate $_REQUEST (the engine injects defaults into it) */
  setRequest(key: string, value: unknown): void {
    setOwn(this.request, key, value);
  }

  has(key: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.request, key);
  }

  /** a request parameter as a string ("" when absent; arrays joined with ",") */
  str(key: string): string {
    return paramString(this.request[key]);
  }

  postStr(key: string): string | undefined {
    if (!Object.prototype.hasOwnProperty.call(this.post, key)) return undefined;
    return paramString(this.post[key]);
  }

  getStr(key: string): string | undefined {
    if (!Object.prototype.hasOwnProperty.call(this.get, key)) return undefined;
    return paramString(this.get[key]);
  }

  warn(text: string): void {
    this.warning = (this.warning ?? '') + text;
  }

  setCookie(name: string, value: string, maxAge?: number): void {
    this.cookiesOut.push({ name, value, maxAge, path: '/' });
  }

  formatEnv(): FormatEnv {
    const s = this.session;
    return {
      nowSec: this.nowSec,
      tzone: this.tzone,
      user: s?.user ?? '',
      userId: s ? String(s.userId) : '',
      role: s?.role ?? '',
      roleId: s ? String(s.roleId) : '',
      remoteAddr: this.req.remoteAddr,
      host: this.req.host,
      uri: this.req.uri,
      userAgent: this.req.headers['user-agent'] ?? '',
      referer: this.req.headers.referer ?? '',
      warn: (text: string) => this.warn(text),
    };
  }

  response(status: number, body: LegacyBody): LegacyResponse {
    return { status, headers: { ...this.headersOut }, cookies: [...this.cookiesOut], body };
  }

  /** PHP api_dump(): JSON, HTTP 200 unless a status was set */
  apiDump(value: unknown, filename = 'api.json', status = 200): never {
    throw new EngineExit(this.response(status, { kind: 'json', value, filename }));
  }

  /** a success answer given from inside a write transaction (it commits first); JSON */
  successJson(value: unknown, filename?: string): never {
    throw new EngineExit(this.response(200, { kind: 'json', value, ...(filename === undefined ? {} : { filename }) }), true);
  }

  /** a success redirect given from inside a write transaction (it commits first) */
  successRedirect(location: string): never {
    throw new EngineExit(this.response(302, { kind: 'redirect', location }), true);
  }

  /** a JSON body the PHP engine prints with die() (text/html there) */
  dieJson(value: unknown, status = 200): never {
    throw new EngineExit(this.response(status, { kind: 'json', value }));
  }

  /** PHP die("text"): HTTP 200 plain text */
  dieText(text: string, status = 200): never {
    throw new EngineExit(this.response(status, { kind: 'text', text }));
  }

  /** PHP my_die($msg, $code): API → [{"error":msg}] with the code (400 by default); browser → text */
  myDie(msg: string, status = 400): never {
    if (this.api) throw new EngineExit(this.response(status, { kind: 'json', value: [{ error: msg }] }));
    throw new EngineExit(this.response(status, { kind: 'text', text: msg }));
  }

  /** an export as the answer: these bytes, offered as a file named `filename` */
  sendDownload(filename: string, content: Uint8Array, contentType: string): never {
    throw new EngineExit(this.response(200, { kind: 'download', filename, content, contentType }));
  }

  /** a stored file as the answer (download) */
  sendFile(filename: string, content: Uint8Array): never {
    throw new EngineExit(this.response(200, { kind: 'file', filename, content }));
  }

  redirect(location: string): never {
    throw new EngineExit(this.response(302, { kind: 'redirect', location }));
  }

  /** PHP login($z, $u, $message, $details) on this request's database */
  login(message: string, login = '', details = ''): never {
    this.loginIn(this.db, message, login, details);
  }

  /**
   * PHP login() naming the database (`''` for none, as the OAuth error callback does). Without a
   * login the page gets the request's `u` or `login` parameter, HTML-escaped, as PHP does.
   */
  loginIn(db: string, message: string, login = '', details = ''): never {
    if (this.api) this.apiDump({ message, db, login, details }, 'login.json');
    let p = '?';
    if (db) p += `db=${db}&`;
    const named = login || this.getStr('u') || this.getStr('login');
    if (named) p += `login=${login ? login : htmlentities(named)}&`;
    if (message) p += `r=${message}&`;
    if (message === 'reenter') this.redirect(this.req.uri);
    if (!this.req.uri.toLowerCase().includes('auth.asp')) p += `uri=${this.req.uri}&`;
    if (details) p += `d=${urlencode(details)}&`;
    this.redirect(`/start.html${p.slice(0, -1)}`);
  }
}

export function paramString(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return typeof v === 'boolean' ? (v ? '1' : '') : String(v);
  if (Array.isArray(v)) return v.map(paramString).join(',');
  return '';
}
