/**
 * The workspace's one client of the legacy URL API (docs/legacy-api.md): the same calls the PHP
 * engine's own pages and scripts make, so every grant the engine applies holds here, and the
 * workspace works against the PHP engine too. Every view goes through this module; nothing else
 * calls fetch. Paths are relative to the page's origin (`/{db}/...`): no request leaves it.
 *
 * The engine answers a refusal in several shapes: `[{"error":"…"}]` (400/403/409), an object
 * `{"error":"…"}` (a wrong login), or plain text with 200 ("У вас нет прав …"). All of them become
 * an EngineError carrying the engine's own (Russian) message; views show it through tr() in
 * ./messages.ts.
 */

export class EngineError extends Error {
  constructor(message: string, readonly status: number) {
    super(message);
    this.name = 'EngineError';
  }
}

/** Base type ids (docs/legacy-api.md, "Base types"). */
export const BASE = {
  FREE_LINK: 1, HTML: 2, SHORT: 3, DATETIME: 4, GRANT: 5, PWD: 6, BUTTON: 7, CHARS: 8, DATE: 9,
  FILE: 10, BOOLEAN: 11, MEMO: 12, NUMBER: 13, SIGNED: 14, CALCULATABLE: 15, REPORT_COLUMN: 16, PATH: 17,
} as const;

export const BASE_NAMES: Record<number, string> = Object.fromEntries(Object.entries(BASE).map(([name, id]) => [id, name]));

export interface Session {
  user: string;
  role: string;
  id: string;
  xsrf: string;
}

export interface ColumnMeta {
  /** the requisite id: the `t{id}` to send */
  id: string;
  num: number;
  /** the term's (or target table's) name; the alias is in attrs */
  val: string;
  orig: string;
  /** base type id of the column (the target's base for a reference) */
  type: string;
  ref?: string;
  ref_id?: string;
  arr_id?: string;
  attrs?: string;
  granted?: string;
}

export interface TableMeta {
  id: string;
  up: string;
  type: string;
  val: string;
  unique: string;
  granted?: string;
  referenced?: string;
  alias?: string;
  attrs?: string;
  export?: string;
  delete?: string;
  reqs?: ColumnMeta[];
}

export interface ListRow {
  /** record id */
  i: number;
  /** parent */
  u: number;
  /** order */
  o: number;
  /** r[0] the first column, then one per column of the metadata, in its order */
  r: string[];
}

export interface CardCell {
  type: string;
  order: string;
  value: string;
  base: string;
  ref_type?: string;
  ref?: string;
  attrs?: string;
  arr?: number;
  arr_type?: string | null;
  multiselect?: { id: string[]; val: string[]; ord: string[]; ref_val: string[] };
}

export interface Card {
  obj: { id: string; val: string; parent: string; typ: string; typ_name: string; base_typ: string };
  reqs?: Record<string, CardCell>;
}

export interface CommandAnswer {
  id?: number | string | null;
  obj?: number | string | null;
  next_act?: string;
  args?: string;
  warnings?: string;
  warning?: string;
  val?: string;
}

/** `_m_del_batch`: the deleted ids and the engine's refusal per id that was not deleted */
export interface BatchDeleteAnswer {
  deleted: number[];
  errors: Record<string, string>;
}

export interface ReportColumn {
  id: string;
  type: string;
  format: string;
  name: string;
  granted?: number | string;
  totals?: string | number;
}

export interface ReportAnswer {
  columns: ReportColumn[];
  /** column-major */
  data: Array<Array<string | number | null>>;
  header?: string;
}

export interface ListQuery {
  /** 0-based offset and page size */
  offset: number;
  limit: number;
  /** column id (the table id = first column); negative = descending */
  order?: number;
  /** F_{col} values in the engine's filter syntax */
  filters?: Record<string, string>;
  /** parent record of a subordinate list */
  parent?: number;
}

/** one item of the user's menu (a menu record of table 151: 153 is its address) */
export interface MenuItem {
  id: string;
  /** the parent item's id ('' at the top) */
  up: string;
  name: string;
  /** the engine's address relative to the database: `object/{table}`, `report/{id}`, `dict`, a page name … */
  href: string;
}

/** `qrnew`: the code (in the QR's address), the secret (only this screen has it), the pair number, the address, seconds to live */
export interface QrNewAnswer {
  code: string;
  secret: string;
  pair: string;
  url: string;
  ttl: number;
}

/** the engine's `qrpoll` answer (docs/legacy-api.md, "Sign-in by QR code") */
export type QrPollAnswer =
  | { status: 'pending' }
  | { status: 'expired' }
  | { status: 'denied' }
  | { status: 'confirmed'; token: string; _xsrf: string; user: string };

/** An answer body of `qrpoll` as the engine sent it (403 `denied` included), or null when it is none of them. */
export function parsePollAnswer(body: unknown): QrPollAnswer | null {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return null;
  const b = body as Record<string, unknown>;
  if (b.status === 'pending' || b.status === 'expired' || b.status === 'denied') return { status: b.status };
  if (b.status === 'confirmed' && typeof b.token === 'string' && b.token !== '') {
    return { status: 'confirmed', token: b.token, _xsrf: typeof b._xsrf === 'string' ? b._xsrf : '', user: typeof b.user === 'string' ? b.user : '' };
  }
  return null;
}

/** A file to upload as the multipart field `t{requisite}`. */
export interface UploadField {
  field: string;
  file: Blob;
  name: string;
}

type Params = Record<string, string | number | undefined>;

function query(params: Params): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) continue;
    parts.push(v === '' ? encodeURIComponent(k) : `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  }
  return parts.join('&');
}

/** The engine's error out of an answer, or null when it is no error. */
export function engineError(body: unknown): string | null {
  if (Array.isArray(body) && body.length > 0 && typeof body[0] === 'object' && body[0] !== null && 'error' in body[0]) {
    return String((body[0] as { error: unknown }).error);
  }
  if (body && typeof body === 'object' && !Array.isArray(body) && 'error' in body && Object.keys(body).length <= 3) {
    return String((body as { error: unknown }).error);
  }
  return null;
}

/** The engine's HTML-ish message as plain text (`<br>`, entities). */
export function plainMessage(text: string): string {
  return text
    .replace(/<br\s*\/?>/gi, ' ')
    .replace(/<[^>]+>/g, '')
    .replace(/&laquo;/g, '«').replace(/&raquo;/g, '»').replace(/&quot;/g, '"').replace(/&#0?39;/g, "'")
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

export class LegacyClient {
  private xsrf = '';
  /** called when the engine says the session is gone (401 outside the login calls) */
  onSignedOut: (() => void) | null = null;

  constructor(readonly db: string, private readonly origin = '') {}

  url(path: string, params: Params = {}): string {
    const q = query(params);
    return `${this.origin}/${this.db}/${path}${q ? `?${q}` : ''}`;
  }

  private async request<T>(method: 'GET' | 'POST', path: string, params: Params, body?: string | FormData): Promise<T> {
    const headers: Record<string, string> = {};
    if (typeof body === 'string') headers['Content-Type'] = 'application/x-www-form-urlencoded';
    let response: Response;
    try {
      response = await fetch(this.url(path, params), { method, body, headers, credentials: 'same-origin', redirect: 'manual' });
    } catch {
      throw new EngineError('NETWORK', 0);
    }
    const text = await response.text();
    if (response.status === 401 && path !== 'auth' && path !== 'xsrf') this.onSignedOut?.();
    let parsed: unknown;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      // a plain-text refusal (200) or an error page
      throw new EngineError(plainMessage(text) || `HTTP ${response.status}`, response.status);
    }
    const error = engineError(parsed);
    // a token that matches nobody (logged out everywhere): the engine's "Ошибка авторизации {db}"
    if (error !== null && error.startsWith('Ошибка авторизации') && path !== 'auth' && path !== 'xsrf') this.onSignedOut?.();
    if (error !== null) throw new EngineError(plainMessage(error), response.status);
    if (response.status >= 400) throw new EngineError(`HTTP ${response.status}`, response.status);
    return parsed as T;
  }

  get<T>(path: string, params: Params = {}): Promise<T> {
    return this.request<T>('GET', path, { JSON: '', ...params });
  }

  /** a `_m_*` / `_d_*` command: POST with `_xsrf` in the body */
  command<T = CommandAnswer>(path: string, fields: Params = {}, files: UploadField[] = []): Promise<T> {
    const all: Params = { ...fields, _xsrf: this.xsrf };
    const entries = Object.entries(all).filter((e): e is [string, string | number] => e[1] !== undefined);
    if (files.length === 0) {
      return this.request<T>('POST', path, { JSON: '' }, entries.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&'));
    }
    const form = new FormData();
    for (const [k, v] of entries) form.append(k, String(v));
    for (const f of files) form.append(f.field, f.file, f.name);
    return this.request<T>('POST', path, { JSON: '' }, form);
  }

  // ---- session --------------------------------------------------------------------------

  async login(login: string, password: string): Promise<Session> {
    const answer = await this.request<{ _xsrf: string }>('POST', 'auth', { JSON: '' }, query({ login, pwd: password }));
    this.xsrf = answer._xsrf;
    const session = await this.session();
    if (!session) throw new EngineError('NO_SESSION', 401);
    return session;
  }

  /** `qrnew`: a code for a sign-in by QR (no login needed); too many open codes: EngineError 429 */
  qrNew(): Promise<QrNewAnswer> {
    return this.request<QrNewAnswer>('POST', 'qrnew', { JSON: '' }, '');
  }

  /** `qrpoll` with the code and its secret in the body (never in the address: it lands in logs) */
  async qrPoll(code: string, secret: string): Promise<QrPollAnswer> {
    try {
      const body = await this.request<unknown>('POST', 'qrpoll', { JSON: '' }, query({ c: code, s: secret }));
      const answer = parsePollAnswer(body);
      if (!answer) throw new EngineError('HTTP 200', 200);
      return answer;
    } catch (error) {
      // the engine answers a wrong secret with 403 {"status":"denied"}
      if (error instanceof EngineError && error.status === 403) return { status: 'denied' };
      throw error;
    }
  }

  /** the current session from the cookie, or null when nobody (or only the guest) is logged in */
  async session(): Promise<Session | null> {
    try {
      const s = await this.get<{ _xsrf?: string; user?: string; role?: string; id?: string | number }>('xsrf');
      if (!s || !s.user || !s._xsrf || s.user === 'guest') return null;
      this.xsrf = s._xsrf;
      return { user: s.user, role: s.role ?? '', id: String(s.id ?? ''), xsrf: s._xsrf };
    } catch {
      return null;
    }
  }

  async logout(): Promise<void> {
    await this.get('exit').catch(() => undefined);
    this.xsrf = '';
  }

  // ---- metadata -------------------------------------------------------------------------

  /** the tables the user may read: id → name */
  dict(): Promise<Record<string, string>> {
    return this.get<Record<string, string> | []>('dict').then((d) => (Array.isArray(d) ? {} : d));
  }

  metadata(type: number | string): Promise<TableMeta> {
    return this.get<TableMeta>(`metadata/${type}`);
  }

  /** every table with its columns (not filtered by grants; `granted` says) */
  allMetadata(): Promise<TableMeta[]> {
    return this.get<TableMeta[] | Record<string, TableMeta>>('metadata').then((m) => (Array.isArray(m) ? m : Object.values(m)));
  }

  // ---- records --------------------------------------------------------------------------

  private listParams(q: Pick<ListQuery, 'filters' | 'parent'>): Params {
    const params: Params = {};
    if (q.parent !== undefined) params.F_U = q.parent;
    for (const [col, value] of Object.entries(q.filters ?? {})) if (value !== '') params[`F_${col}`] = value;
    return params;
  }

  async list(type: number | string, q: ListQuery): Promise<ListRow[]> {
    const params: Params = { JSON_OBJ: '', LIMIT: `${q.offset},${q.limit}`, ...this.listParams(q) };
    if (q.order !== undefined && q.order !== 0) params.ORDER = q.order;
    const rows = await this.request<ListRow[] | null>('GET', `object/${type}`, params);
    return (rows ?? []).map((row) => ({ ...row, r: row.r.map((v) => (v === null || v === undefined ? '' : String(v))) }));
  }

  async count(type: number | string, q: Pick<ListQuery, 'filters' | 'parent'>): Promise<number> {
    const answer = await this.get<{ count: string | number }>(`object/${type}`, { _count: '', ...this.listParams(q) });
    return Number(answer.count) || 0;
  }

  card(id: number | string): Promise<Card> {
    return this.get<Card>(`edit_obj/${id}`);
  }

  /** options of a reference column's picker: id → label */
  async refOptions(requisite: number | string, q = ''): Promise<Array<{ id: string; label: string }>> {
    const answer = await this.get<Record<string, string> | []>(`_ref_reqs/${requisite}`, q ? { q } : {});
    const entries = Array.isArray(answer) ? [] : Object.entries(answer);
    return entries.map(([id, label]) => ({ id, label: plainMessage(label) })).sort((a, b) => a.label.localeCompare(b.label));
  }

  create(type: number | string, up: number, fields: Params, files: UploadField[] = []): Promise<CommandAnswer> {
    return this.command(`_m_new/${type}`, { up, ...fields }, files);
  }

  save(id: number | string, fields: Params, files: UploadField[] = []): Promise<CommandAnswer> {
    return this.command(`_m_save/${id}`, fields, files);
  }

  copy(id: number | string): Promise<CommandAnswer> {
    return this.command(`_m_save/${id}`, { copybtn: 1 });
  }

  remove(id: number | string): Promise<CommandAnswer> {
    return this.command(`_m_del/${id}`);
  }

  move(id: number | string, up: number): Promise<CommandAnswer> {
    return this.command(`_m_move/${id}`, { up });
  }

  /** `_m_del_batch/{type}`: several records of one table in one command; each refusal per id */
  async removeMany(type: number | string, ids: Array<number | string>): Promise<BatchDeleteAnswer> {
    const answer = await this.command<{ deleted?: unknown; errors?: unknown }>(`_m_del_batch/${type}`, { ids: ids.join(',') });
    const deleted = Array.isArray(answer?.deleted) ? answer.deleted.map(Number) : [];
    // PHP writes no errors as an empty array `[]`, some as an object id → reason
    const errors: Record<string, string> = {};
    if (answer?.errors && typeof answer.errors === 'object' && !Array.isArray(answer.errors)) {
      for (const [id, reason] of Object.entries(answer.errors as Record<string, unknown>)) errors[id] = plainMessage(String(reason));
    }
    return { deleted, errors };
  }

  /**
   * `_m_del_select` on `object/{type}`: every record matching the list's filters (and parent) that no
   * other record refers to is deleted; the engine answers how many. The filters go in the address as
   * the list's own, `_xsrf` in the body.
   */
  async removeFiltered(type: number | string, q: Pick<ListQuery, 'filters' | 'parent'>): Promise<number> {
    const body = query({ _xsrf: this.xsrf });
    const answer = await this.request<{ deleted?: unknown }>('POST', `object/${type}`, { JSON: '', _m_del_select: 1, ...this.listParams(q) }, body);
    return Number(answer?.deleted) || 0;
  }

  /**
   * `_m_ord/{id}`: the record takes the order number `order` among its parent's rows, those in
   * between shift by one (subordinate records only). `order` is the `o` of the row whose place it takes.
   */
  setOrder(id: number | string, order: number): Promise<CommandAnswer> {
    return this.command(`_m_ord/${id}`, { order });
  }

  /** `_m_up/{id}`: the record swaps places with the sibling before it (subordinate records' order) */
  moveUp(id: number | string): Promise<CommandAnswer> {
    return this.command(`_m_up/${id}`);
  }

  /** a link that downloads the table as the engine's CSV (EXPORT grant) */
  exportUrl(type: number | string, format: 'csv' | 'bki', filters: Record<string, string> = {}): string {
    return this.url(`object/${type}`, { [format]: '', ...this.listParams({ filters }) });
  }

  /** the engine's import (`object/{type}?import`): the file in `bki_file`; answers the list */
  async importFile(type: number | string, file: Blob, name: string): Promise<void> {
    await this.request<unknown>('POST', `object/${type}`, { import: 1, JSON_OBJ: '', LIMIT: '0,1' }, (() => {
      const form = new FormData();
      form.append('_xsrf', this.xsrf);
      form.append('bki_file', file, name);
      return form;
    })());
  }

  // ---- reports --------------------------------------------------------------------------

  runReport(id: number | string, params: Params = {}): Promise<ReportAnswer> {
    return this.get<ReportAnswer>(`report/${id}`, params);
  }

  /**
   * The user's menu as the PHP engine's own pages build it: the stored report `MyRoleMenu` over the
   * menu records (table 151) of the user's role, `JSON_KV` rows with `menu_id`, `menu_up`, `name`,
   * `href` (and `icon`, HTML meant for an icon font the workspace does not load). null when the
   * database has no such report or the user may not run it.
   */
  async roleMenu(): Promise<MenuItem[] | null> {
    let rows: unknown;
    try {
      rows = await this.request<unknown>('GET', 'report/MyRoleMenu', { JSON_KV: '' });
    } catch {
      return null;
    }
    if (!Array.isArray(rows)) return null;
    const text = (v: unknown) => (v === null || v === undefined ? '' : plainMessage(String(v)));
    return rows
      .filter((row): row is Record<string, unknown> => typeof row === 'object' && row !== null)
      .map((row) => ({ id: text(row.menu_id), up: text(row.menu_up), name: text(row.name), href: text(row.href).trim() }))
      .filter((item) => item.name !== '');
  }

  // ---- structure (type editor) ------------------------------------------------------------

  structure(command: string, id: number | string | null, fields: Params = {}): Promise<CommandAnswer> {
    return this.command(id === null ? command : `${command}/${id}`, fields);
  }
}
