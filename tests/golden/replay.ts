/**
 * Golden replay: sends every recorded exchange to a running server in order and
 * compares the answers by the rules of docs/testing-fixtures.md ("How they are replayed") and
 * docs/compatibility.md, "How answers are compared" (status; JSON body after normalising tokens, activity
 * timestamps and today's dates; plain text trimmed; 302 by status only;
 * Set-Cookie names, paths and Max-Age lifetimes: AUTH_COOKIE_EXPIRE's default must give what
 * the PHP engine sent).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Row } from '../../server/storage/types.js';
import { URL_REFUSED } from '../../server/engine/report-plan.js';

export const FIXTURES = new URL('./fixtures/', import.meta.url);

export interface Exchange {
  seq: number;
  name: string;
  note?: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | null;
  /** the request body when it is not UTF-8 text (a binary file upload) */
  body_base64?: string;
  status: number;
  response_headers: Record<string, string | string[]>;
  response_is_json: boolean;
  response: unknown;
  /** a response body that is not UTF-8 text, compared byte for byte */
  response_base64?: string;
}

export function loadExchanges(file: string): Exchange[] {
  return readFileSync(new URL(file, FIXTURES), 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Exchange);
}

export function loadRows(file: string): { id: number; up: number; ord: number; t: number; val: string }[] {
  const parsed = JSON.parse(readFileSync(new URL(file, FIXTURES), 'utf8')) as { rows: { id: number; up: number; ord: number; t: number; val: string }[] };
  return parsed.rows;
}

/** the report tables' metadata as the reports recording starts with it: the rows the bootstrap lacks */
export function reportMetadataRows(): { id: number; up: number; ord: number; t: number; val: string }[] {
  const bootstrap = new Set(loadRows('bootstrap-rows.json').map((r) => r.id));
  return loadRows('reports-start-rows.json').filter((r) => !bootstrap.has(r.id) && r.id < 1012);
}

const HEX = /^[0-9a-f]{64}$|^[0-9a-f]{128}$/;
const ACTIVITY_TS = /^\d{9,11}\.\d{1,6}$/;
/**
 * An activity stamp that fell on a whole second has no fraction (PHP's float to string, and ours,
 * drop ".0": one write in a thousand): accepted as one only between the first recording and the
 * replay, so other whole numbers (phones, codes) are still compared as they are.
 */
function isWholeSecondStamp(value: string): boolean {
  if (!/^\d{10}$/.test(value)) return false;
  const seconds = Number(value);
  return seconds >= Date.UTC(2026, 10, 1) / 1000 && seconds <= Date.now() / 1000 + 86_400;
}

function todayForms(): Set<string> {
  const out = new Set<string>();
  // the replay day and the days the recordings were made
  for (const d of [new Date(), new Date(Date.UTC(2026, 10, 26)), new Date(Date.UTC(2026, 11, 7))]) {
    const dd = String(d.getUTCDate()).padStart(2, '0');
    const mm = String(d.getUTCMonth() + 1).padStart(2, '0');
    const yyyy = String(d.getUTCFullYear());
    out.add(`${dd}.${mm}.${yyyy}`);
    out.add(`${yyyy}${mm}${dd}`);
    out.add(`${yyyy}-${mm}-${dd}`);
  }
  return out;
}

export function normalise(value: unknown, today = todayForms()): unknown {
  if (typeof value === 'string') {
    if (HEX.test(value)) return '<hex>';
    if (ACTIVITY_TS.test(value) || isWholeSecondStamp(value)) return '<activity>';
    if (today.has(value)) return '<today>';
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => normalise(v, today));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) out[k] = normalise((value as Record<string, unknown>)[k], today);
    return out;
  }
  return value;
}

/** a short path-wise diff of two normalised JSON values */
export function jsonDiff(expected: unknown, actual: unknown, path = '$', out: string[] = []): string[] {
  if (out.length > 12) return out;
  if (JSON.stringify(expected) === JSON.stringify(actual)) return out;
  if (expected && actual && typeof expected === 'object' && typeof actual === 'object' && Array.isArray(expected) === Array.isArray(actual)) {
    const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
    for (const k of keys) {
      const e = (expected as Record<string, unknown>)[k];
      const a = (actual as Record<string, unknown>)[k];
      if (!(k in (expected as object))) out.push(`${path}.${k}: unexpected ${JSON.stringify(a)?.slice(0, 200)}`);
      else if (!(k in (actual as object))) out.push(`${path}.${k}: missing (expected ${JSON.stringify(e)?.slice(0, 200)})`);
      else jsonDiff(e, a, `${path}.${k}`, out);
    }
    return out;
  }
  out.push(`${path}: expected ${JSON.stringify(expected)?.slice(0, 300)} got ${JSON.stringify(actual)?.slice(0, 300)}`);
  return out;
}

/** how our server words a report's formula/filter error: the faulty part, never SQL (docs/compatibility.md) */
export const REPORT_ERROR_PREFIX = 'Ошибка в отчёте ';
const SQL_ERROR_PREFIX = "Couldn't execute query";
const SQL_WORDS = /\b(SELECT|FROM|WHERE|JOIN)\b/;

/**
 * Deliberate difference 1 (docs/testing-fixtures.md, "Recorded errors"): where the engine put its SQL
 * error text into a report cell, ours must hold a report error naming the faulty part and no SQL.
 * Both become "<query error>"; everything around them is compared as usual.
 */
export function maskQueryErrors(expected: unknown, actual: unknown): [unknown, unknown] {
  if (typeof expected === 'string' && expected.startsWith(SQL_ERROR_PREFIX)) {
    const ours = typeof actual === 'string' && actual.startsWith(REPORT_ERROR_PREFIX) && !SQL_WORDS.test(actual);
    return ours ? ['<query error>', '<query error>'] : [expected, actual];
  }
  if (expected && actual && typeof expected === 'object' && typeof actual === 'object' && Array.isArray(expected) === Array.isArray(actual)) {
    const e: Record<string, unknown> = Array.isArray(expected) ? ([...expected] as unknown as Record<string, unknown>) : { ...expected };
    const a: Record<string, unknown> = Array.isArray(actual) ? ([...actual] as unknown as Record<string, unknown>) : { ...actual };
    for (const k of Object.keys(e)) if (k in a) [e[k], a[k]] = maskQueryErrors(e[k], a[k]);
    return [e, a];
  }
  return [expected, actual];
}

/**
 * Deliberate difference 2: the recorded engine died with a PHP fatal "Call to undefined function"
 * (a report function whose PHP include is missing). Ours answers 501 with a JSON error naming the
 * function, without file, line or stack. True when the exchange is such a case and ours is that answer.
 */
export function isUndefinedFunctionFatal(ex: Exchange, status: number, actual: unknown): boolean {
  const rec = ex.response as Record<string, unknown> | null;
  if (ex.status !== 500 || !rec || typeof rec !== 'object' || rec.error !== 'PHP Fatal error') return false;
  const fn = /Call to undefined function (\w+)\(\)/.exec(String(rec.message ?? ''))?.[1];
  if (!fn || status !== 501 || !Array.isArray(actual) || actual.length !== 1) return false;
  const error = (actual[0] as Record<string, unknown> | null)?.error;
  return typeof error === 'string' && error.includes(fn) && !/Stack trace|\.php/.test(error);
}

/**
 * Recorded error "mail diagnostics" (docs/testing-fixtures.md, "Recorded errors"): creating a database makes the
 * engine mail its operator, and with no mail server reachable it printed its SMTP diagnostics
 * (`0<br>php_network_getaddresses: … fsockopen failed`) before the JSON answer. The answer is the
 * JSON after them; ours must be that JSON alone.
 */
const MAIL_DIAGNOSTICS = /^0<br>php_network_getaddresses:[^{[]*fsockopen failed(?=[[{])/;
export function withoutMailDiagnostics(ex: Exchange): Exchange {
  if (ex.response_is_json || typeof ex.response !== 'string' || !MAIL_DIAGNOSTICS.test(ex.response)) return ex;
  try {
    return { ...ex, response_is_json: true, response: JSON.parse(ex.response.replace(MAIL_DIAGNOSTICS, '')) as unknown };
  } catch {
    return ex;
  }
}

/**
 * Recorded error "SQL error as plain text": bad input made the engine's own SQL fail and it answered the error, with
 * the statement, as plain text. Ours must answer plain text too (same status, compared by the
 * caller) that is not empty and holds no SQL. True when the exchange is such a case and ours is that answer.
 */
export function isPlainQueryError(ex: Exchange, actualIsJson: boolean, text: string): boolean {
  if (ex.response_is_json || typeof ex.response !== 'string' || !ex.response.startsWith(SQL_ERROR_PREFIX)) return false;
  return !actualIsJson && text.trim() !== '' && !text.startsWith(SQL_ERROR_PREFIX) && !SQL_WORDS.test(text);
}

/**
 * A BKI export sent to an API request (`object/{type}?bki&JSON`): the engine writes the BKI text and
 * then the list page's JSON in one body. The BKI part (up to its last CRLF) must be equal byte for byte;
 * the JSON tail is compared as JSON (the engine's json_encode escapes `"` and `/` and keeps PHP's key
 * order, which JSON.stringify words differently). Returns the problems, or null when not such an exchange.
 */
export function bkiWithJsonProblems(ex: Exchange, text: string): string[] | null {
  const disposition = ex.response_headers['content-disposition'];
  if (ex.response_is_json || typeof ex.response !== 'string' || typeof disposition !== 'string' || !disposition.endsWith('data_export.bki')) return null;
  const split = (body: string): [string, string] => {
    const at = body.lastIndexOf('\r\n') + 2;
    return [body.slice(0, at), body.slice(at)];
  };
  const [expectedBki, expectedTail] = split(ex.response);
  const [ourBki, ourTail] = split(text);
  const problems: string[] = [];
  if (ourBki !== expectedBki) problems.push(`bki: expected ${JSON.stringify(expectedBki.slice(0, 300))} got ${JSON.stringify(ourBki.slice(0, 300))}`);
  if (expectedTail.trim() === '' || ourTail.trim() === '') {
    if (expectedTail.trim() !== ourTail.trim()) problems.push(`bki tail: expected ${JSON.stringify(expectedTail.slice(0, 200))} got ${JSON.stringify(ourTail.slice(0, 200))}`);
    return problems;
  }
  try {
    problems.push(...jsonDiff(normalise(JSON.parse(expectedTail)), normalise(JSON.parse(ourTail))));
  } catch {
    problems.push(`bki tail: expected JSON, got ${JSON.stringify(ourTail.slice(0, 200))}`);
  }
  return problems;
}

/** how our server words a list filter naming a column the table does not have (docs/compatibility.md) */
export const LIST_FILTER_ERROR_PREFIX = 'Неверный фильтр ';

/**
 * Recorded error "SQL error of a list filter": a list filter `F_<name>` whose name is no column of the table made the
 * engine's query fail, and it answered 200 with its SQL error as text (`Couldn't execute query [Get
 * filtered Objs set] Unknown column '<name>' …`). Ours answers 200 with a text naming the filter
 * and the name, without SQL. True when the exchange is such a case and ours is that answer.
 */
export function isListFilterSqlError(ex: Exchange, status: number, text: string): boolean {
  if (ex.response_is_json || ex.status !== 200) return false;
  const name = /^Couldn't execute query \[Get filtered Objs set\] Unknown column '([^']+)'/.exec(String(ex.response ?? ''))?.[1];
  if (!name || status !== 200) return false;
  const ours = text.trim();
  return ours.startsWith(LIST_FILTER_ERROR_PREFIX) && ours.includes(`«${name}»`) && !SQL_WORDS.test(ours);
}

export interface Mismatch {
  seq: number;
  name: string;
  problems: string[];
}

function cookieNames(v: string | string[] | undefined): string[] {
  const list = v === undefined ? [] : Array.isArray(v) ? v : [v];
  return [...new Set(list.map((c) => {
    const name = c.split('=')[0].trim();
    const path = /;\s*path=([^;]*)/i.exec(c)?.[1] ?? '';
    // the lifetime (not the date, which depends on when it was recorded); none = a session cookie
    const maxAge = /;\s*max-age=(-?\d+)/i.exec(c)?.[1];
    return maxAge === undefined ? `${name}@${path}` : `${name}@${path} max-age=${maxAge}`;
  }))].sort();
}

export async function replay(baseUrl: string, exchanges: Exchange[]): Promise<{ passed: number; mismatches: Mismatch[] }> {
  const tokenMap = new Map<string, string>();
  const substitute = (s: string): string => {
    let out = s;
    for (const [from, to] of tokenMap) out = out.split(from).join(to);
    return out;
  };
  const mismatches: Mismatch[] = [];
  let passed = 0;
  for (const [index, recorded] of exchanges.entries()) {
    const ex = withUrlRefused(withoutUnreadableColumns(withoutMailDiagnostics(recorded), exchanges.slice(0, index)));
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(ex.headers ?? {})) headers[k] = substitute(v);
    const init: RequestInit = { method: ex.method, headers, redirect: 'manual' };
    if (ex.body_base64 !== undefined) init.body = Buffer.from(ex.body_base64, 'base64');
    else if (ex.body !== null && ex.body !== undefined) init.body = substitute(typeof ex.body === 'string' ? ex.body : JSON.stringify(ex.body));
    const problems: string[] = [];
    let status = 0;
    let text = '';
    let setCookie: string[] = [];
    try {
      const res = await fetch(baseUrl + substitute(ex.url), init);
      status = res.status;
      const bytes = Buffer.from(await res.arrayBuffer());
      text = bytes.toString('utf8');
      if (ex.response_base64 !== undefined && bytes.toString('base64') !== ex.response_base64) {
        problems.push(`bytes: expected ${Buffer.from(ex.response_base64, 'base64').toString('hex').slice(0, 200)} got ${bytes.toString('hex').slice(0, 200)}`);
      }
      setCookie = res.headers.getSetCookie();
    } catch (err) {
      problems.push(`request failed: ${String(err)}`);
    }
    let actualJson: unknown;
    let actualIsJson = false;
    try {
      actualJson = JSON.parse(text);
      actualIsJson = true;
    } catch {
      actualIsJson = false;
    }
    const fatalReplaced = actualIsJson && isUndefinedFunctionFatal(ex, status, actualJson);
    const qr = ex.response_is_json && actualIsJson ? matchQrSession(ex.response, actualJson, baseUrl, tokenMap, problems) : undefined;
    const expectedJson = qr ?? ex.response;
    if (status !== ex.status && !fatalReplaced) problems.push(`status: expected ${ex.status} got ${status}`);
    if (ex.status !== 302 && !fatalReplaced) {
      if (ex.response_is_json) {
        if (!actualIsJson) problems.push(`body: expected JSON, got text ${JSON.stringify(text.slice(0, 300))}`);
        else problems.push(...jsonDiff(...maskQueryErrors(normalise(expectedJson), normalise(actualJson))));
      } else if (bkiWithJsonProblems(ex, text) !== null) {
        problems.push(...(bkiWithJsonProblems(ex, text) ?? []));
      } else {
        // recorded tokens and QR codes inside a page (a form's hidden field) are ours in our page
        const expected = substitute(String(ex.response ?? '')).trim();
        if (text.trim() !== expected && !isPlainQueryError(ex, actualIsJson, text) && !isListFilterSqlError(ex, status, text)) problems.push(`text: expected ${JSON.stringify(expected.slice(0, 300))} got ${JSON.stringify(text.trim().slice(0, 300))}`);
      }
    }
    const expectedCookies = cookieNames(ex.response_headers['set-cookie']);
    const actualCookies = cookieNames(setCookie);
    if (JSON.stringify(expectedCookies) !== JSON.stringify(actualCookies)) {
      problems.push(`set-cookie: expected ${expectedCookies.join(',')} got ${actualCookies.join(',')}`);
    }
    // learn token pairs (recorded → ours) for later requests
    const rec = ex.response as Record<string, unknown> | null;
    if (ex.response_is_json && rec && typeof rec === 'object' && typeof rec.token === 'string' && actualIsJson) {
      const ours = (actualJson as Record<string, unknown>)?.token;
      if (typeof ours === 'string' && rec.token !== ours) tokenMap.set(rec.token, ours);
    }
    if (problems.length) mismatches.push({ seq: ex.seq, name: ex.name, problems });
    else passed++;
  }
  return { passed, mismatches };
}

/** the pair number of a QR sign-in code as the PHP engine derives it: sha256 of the code, first 6 hex digits, mod 10^6 */
function qrPair(code: string): string {
  return String(parseInt(createHash('sha256').update(code).digest('hex').slice(0, 6), 16) % 1_000_000).padStart(6, '0');
}

/**
 * QR sign-in (`qrnew`): the code and secret are random, the pair number derives from the code and the
 * url holds the server's address. The recorded and our code, secret and pair are learnt as pairs (later
 * requests and pages carry ours); each pair number must derive from its own code; the expected url is
 * the recorded one with our code and our server's origin. Returns the answer to compare with, or
 * undefined when the answer is not a QR session.
 */
export function matchQrSession(recorded: unknown, actual: unknown, baseUrl: string, tokenMap: Map<string, string>, problems: string[]): unknown {
  const isQr = (v: unknown): v is { code: string; secret: string; pair: string; url: string } =>
    !!v && typeof v === 'object' && ['code', 'secret', 'pair', 'url'].every((k) => typeof (v as Record<string, unknown>)[k] === 'string');
  if (!isQr(recorded) || !isQr(actual)) return undefined;
  if (recorded.pair !== qrPair(recorded.code)) problems.push(`qr: the recorded pair ${recorded.pair} is not derived from its code`);
  if (actual.pair !== qrPair(actual.code)) problems.push(`qr: pair ${actual.pair} is not derived from the code`);
  tokenMap.set(recorded.code, actual.code);
  tokenMap.set(recorded.secret, actual.secret);
  tokenMap.set(recorded.pair, actual.pair);
  const url = new URL(recorded.url);
  const expectedUrl = new URL(baseUrl).origin + (url.pathname + url.search).split(recorded.code).join(actual.code);
  return { ...recorded, pair: actual.pair, url: expectedUrl };
}

/** the note that marks a report exchange run by a user who may not read some of its columns */
const UNREADABLE_NOTE = /^unreadable report columns: ((?:\d+:[^,;]+)(?:,\d+:[^,;]+)*)(?:; compare with (\S+))?$/;

/**
 * Deliberate difference "report columns the user may not read" (compatibility.md; docs/testing-fixtures.md,
 * "Recorded errors"): the engine shows every column of a report whatever the user's grants; ours leaves
 * out a column whose table or requisite he may not read, and no filter or order of it applies. An
 * exchange recorded with the note `unreadable report columns: <id>:<name>,…` is compared with its
 * recorded answer without those columns; with `; compare with <name>` (a request filtering or ordering
 * by such a column) with that earlier exchange's answer, of the same report, without them. Every listed
 * column must be in the recorded answer; nothing else changes. Returns the exchange to compare with.
 */
export function withoutUnreadableColumns(ex: Exchange, earlier: Exchange[]): Exchange {
  const m = ex.note ? UNREADABLE_NOTE.exec(ex.note) : null;
  if (!m) return ex;
  const path = (url: string) => url.split('?')[0];
  if (!/^\/[^/]+\/report\//.test(ex.url)) throw new Error(`#${ex.seq}: the unreadable-columns rule is for report answers only`);
  const source = m[2] === undefined ? ex : earlier.find((e) => e.name === m[2]);
  if (!source || path(source.url) !== path(ex.url) || source.status !== 200 || ex.status !== 200) {
    throw new Error(`#${ex.seq}: "compare with ${m[2]}" must name an earlier answer of the same report`);
  }
  const columns = m[1].split(',').map((pair) => {
    const [id, ...name] = pair.split(':');
    return { id, name: name.join(':') };
  });
  const ids = new Set(columns.map((c) => c.id));
  const names = new Set(columns.map((c) => c.name));
  const missing = () => new Error(`#${ex.seq}: a listed column is not in the recorded answer`);
  const flags = new URL(source.url, 'http://x').searchParams;
  const rec: unknown = JSON.parse(JSON.stringify(source.response));
  let response: unknown;
  if (flags.has('JSON_KV') || flags.has('JSON_DATA')) {
    const rows = (flags.has('JSON_KV') ? rec : [rec]) as Record<string, unknown>[];
    for (const row of rows) for (const n of names) if (!(n in row)) throw missing();
    response = flags.has('JSON_KV')
      ? rows.map((row) => Object.fromEntries(Object.entries(row).filter(([k]) => !names.has(k))))
      : Object.fromEntries(Object.entries(rows[0]).filter(([k]) => !names.has(k)));
  } else if (flags.has('JSON_CR')) {
    const cr = rec as { columns: { id: string }[]; rows: Record<string, unknown>[] | Record<string, Record<string, unknown>>; totalCount: number };
    if (columns.some((c) => !cr.columns.some((col) => col.id === c.id))) throw missing();
    const drop = (r: Record<string, unknown>) => Object.fromEntries(Object.entries(r).filter(([k]) => !ids.has(k)));
    const rows = Array.isArray(cr.rows) ? cr.rows.map(drop) : Object.fromEntries(Object.entries(cr.rows).map(([k, r]) => [k, drop(r)]));
    response = { ...cr, columns: cr.columns.filter((c) => !ids.has(c.id)), rows };
  } else {
    const js = rec as { columns: { id: string }[]; data: unknown[] };
    if (columns.some((c) => !js.columns.some((col) => col.id === c.id))) throw missing();
    const keep = js.columns.map((c) => !ids.has(c.id));
    response = { ...js, columns: js.columns.filter((_, i) => keep[i]), data: js.data.filter((_, i) => keep[i]) };
  }
  return { ...ex, response };
}

/** the note that marks a report exchange whose abn_URL columns the engine filled by fetching its URL */
const URL_NOTE = /^url report columns: ([^,;]+(?:,[^,;]+)*)$/;

/**
 * Deliberate difference "URL reports" (compatibility.md, "Security"): the engine fetches a report's
 * URL from the server for its abn_URL columns; ours never does and answers URL_REFUSED there. An
 * exchange recorded with the note `url report columns: <name>,…` (JSON_KV or JSON) is compared with
 * its recorded answer where every value of those columns is that text; nothing else changes.
 */
export function withUrlRefused(ex: Exchange): Exchange {
  const m = ex.note ? URL_NOTE.exec(ex.note) : null;
  if (!m) return ex;
  const names = new Set(m[1].split(','));
  const flags = new URL(ex.url, 'http://x').searchParams;
  const missing = () => new Error(`#${ex.seq}: a listed column is not in the recorded answer`);
  const rec: unknown = JSON.parse(JSON.stringify(ex.response));
  if (flags.has('JSON_KV')) {
    const rows = rec as Record<string, unknown>[];
    for (const row of rows) for (const n of names) if (!(n in row)) throw missing();
    return { ...ex, response: rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, names.has(k) ? URL_REFUSED : v]))) };
  }
  if (flags.has('JSON')) {
    const js = rec as { columns: { name: string }[]; data: unknown[][] };
    if ([...names].some((n) => !js.columns.some((c) => c.name === n))) throw missing();
    return { ...ex, response: { ...js, data: js.data.map((values, i) => (names.has(js.columns[i].name) ? values.map(() => URL_REFUSED) : values)) } };
  }
  throw new Error(`#${ex.seq}: the URL rule is for JSON_KV and JSON report answers only`);
}

/** records of `my` that register a user's database */
const DATABASE_RECORD = 271;

/**
 * The tenant's rows after a replay against the engine's after the recording: the same ids, parents,
 * orders, types and values (values normalised as answers are: tokens, activity stamps, today's dates).
 * Returns one line per differing id.
 */
export function rowDiff(expected: Row[], actual: Row[], db = ''): string[] {
  // the engine's billing meter (docs/compatibility.md, "Deliberate differences") adds to the ord of
  // a database's record in `my` on every request to that database; ours keeps no meter
  const metered = (r: Row) => db === 'my' && Number(r.t) === DATABASE_RECORD;
  const show = (r: Row | undefined) => (r ? JSON.stringify(normalise({ up: r.up, ord: metered(r) ? '<meter>' : r.ord, t: r.t, val: r.val })) : 'absent');
  const byId = (rows: Row[]) => new Map(rows.map((r) => [Number(r.id), r]));
  const e = byId(expected);
  const a = byId(actual);
  const out: string[] = [];
  for (const id of [...new Set([...e.keys(), ...a.keys()])].sort((x, y) => x - y)) {
    const want = show(e.get(id));
    const got = show(a.get(id));
    if (want !== got) out.push(`row ${id}: expected ${want.slice(0, 200)} got ${got.slice(0, 200)}`);
  }
  return out;
}

export function formatMismatches(file: string, mismatches: Mismatch[]): string {
  return mismatches.map((m) => `${file} #${m.seq} ${m.name}\n  ${m.problems.join('\n  ')}`).join('\n');
}
