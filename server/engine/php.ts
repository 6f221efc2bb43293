/**
 * Small re-statements of PHP runtime behaviour the engine's answers depend on:
 * numeric casts of strings, loose comparisons, HTML escaping, date formatting.
 * Each helper documents the PHP rule it follows.
 */
import { HTML401_ENTITIES_ABOVE_LATIN1 } from './html-entities.js';

const LEADING_NUMBER = /^[ \t\n\r\v\f]*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/;
const WHOLE_NUMBER = /^[ \t\n\r\v\f]*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?[ \t\n\r\v\f]*$/;

/** PHP 8 `is_numeric()` for strings. */
export function isNumeric(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  if (typeof value !== 'string') return false;
  return WHOLE_NUMBER.test(value);
}

/** PHP `(float)$string`: the leading numeric part, else 0. */
export function toFloat(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value !== 'string') return 0;
  const m = LEADING_NUMBER.exec(value);
  return m ? Number(m[0].trim()) : 0;
}

/** PHP `(int)$string`: the leading numeric part truncated toward zero, else 0. */
export function toInt(value: unknown): number {
  const f = toFloat(value);
  if (!Number.isFinite(f)) return 0;
  const t = Math.trunc(f);
  // PHP saturates out-of-range floats differently per platform; clamp to int64-safe range
  if (t > Number.MAX_SAFE_INTEGER) return Number.MAX_SAFE_INTEGER;
  if (t < -Number.MAX_SAFE_INTEGER) return -Number.MAX_SAFE_INTEGER;
  return t === 0 ? 0 : t;
}

/** PHP string conversion of a float (serialize_precision = -1). */
export function floatToString(f: number): string {
  if (Number.isInteger(f) && Math.abs(f) < 1e15) return String(f);
  const s = String(f);
  // PHP writes exponents as 1.0E+25
  return s.replace(/e([+-])(\d+)$/, (_m, sign: string, exp: string) => `.0E${sign}${exp}`).replace(/\.(\d+)\.0E/, '.$1E');
}

/**
 * PHP 8 loose `$a != 0` where $a is a string: numeric strings compare as numbers,
 * non-numeric strings compare as strings with "0" (so "abc" != 0 is true).
 */
export function looseNotZero(value: string): boolean {
  if (isNumeric(value)) return toFloat(value) !== 0;
  return value !== '0';
}

/** PHP 8 loose `$a != $b` between two scalars as the engine uses it (strings, numbers, null). */
export function looseNotEqual(a: unknown, b: unknown): boolean {
  const na = a === null || a === undefined ? '' : a;
  const nb = b === null || b === undefined ? '' : b;
  if (typeof na === 'number' || typeof nb === 'number') {
    const sa = String(na);
    const sb = String(nb);
    if (isNumeric(sa) && isNumeric(sb)) return toFloat(sa) !== toFloat(sb);
    return sa !== sb;
  }
  const sa = String(na);
  const sb = String(nb);
  if (isNumeric(sa) && isNumeric(sb)) return toFloat(sa) !== toFloat(sb);
  return sa !== sb;
}

const SPECIAL: Record<string, string> = { '&': '&amp;', '"': '&quot;', "'": '&#039;', '<': '&lt;', '>': '&gt;' };

/** PHP 8.1+ `htmlspecialchars($s)` (ENT_QUOTES | ENT_SUBSTITUTE | ENT_HTML401). */
/** PHP 8's strtolower: ASCII letters only (a role "Sales Менеджер" becomes "sales Менеджер") */
export function strtolower(s: string): string {
  return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

/** PHP urlencode(): like encodeURIComponent, but a space is `+` and `!'()*~` are encoded too (a lone surrogate becomes U+FFFD) */
export function urlencode(s: string): string {
  return encodeURIComponent(s.replace(/\p{Cs}/gu, '\ufffd')).replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).replace(/%20/g, '+');
}

export function htmlspecialchars(s: string): string {
  return s.replace(/[&"'<>]/g, (c) => SPECIAL[c]);
}

// HTML 4.01 named entities of the Latin-1 range (160..255), in code point order.
const LATIN1_NAMES = (
  'nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn sup2 sup3 acute micro ' +
  'para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest Agrave Aacute Acirc Atilde Auml Aring AElig Ccedil ' +
  'Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash Ugrave ' +
  'Uacute Ucirc Uuml Yacute THORN szlig agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc euml ' +
  'igrave iacute icirc iuml eth ntilde ograve oacute ocirc otilde ouml divide oslash ugrave uacute ucirc uuml yacute ' +
  'thorn yuml'
).split(' ');

/** PHP 8.1+ `htmlentities($s)`: htmlspecialchars plus every named entity of HTML 4.01. */
export function htmlentities(s: string): string {
  let out = '';
  for (const ch of s) {
    const special = SPECIAL[ch];
    if (special) {
      out += special;
      continue;
    }
    const cp = ch.codePointAt(0) ?? 0;
    if (cp >= 160 && cp <= 255) out += `&${LATIN1_NAMES[cp - 160]};`;
    else {
      const name = cp > 255 ? HTML401_ENTITIES_ABOVE_LATIN1.get(cp) : undefined;
      out += name ? `&${name};` : ch;
    }
  }
  return out;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** PHP `date("d.m.Y", ts)` in UTC (the appliance runs the engine clock in UTC). */
export function dateDMY(tsSeconds: number): string {
  const d = new Date(Math.trunc(tsSeconds) * 1000);
  if (Number.isNaN(d.getTime())) return '01.01.1970';
  return `${pad2(d.getUTCDate())}.${pad2(d.getUTCMonth() + 1)}.${d.getUTCFullYear()}`;
}

/** PHP `date("d.m.Y H:i:s", ts)` in UTC. */
export function dateDMYHIS(tsSeconds: number): string {
  const d = new Date(Math.trunc(tsSeconds) * 1000);
  if (Number.isNaN(d.getTime())) return '01.01.1970 00:00:00';
  return `${dateDMY(tsSeconds)} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
}

/** PHP `date("Ymd", ts)` in UTC. */
export function dateYmd(tsSeconds: number): string {
  const d = new Date(Math.trunc(tsSeconds) * 1000);
  return `${d.getUTCFullYear()}${pad2(d.getUTCMonth() + 1)}${pad2(d.getUTCDate())}`;
}

/** PHP `checkdate(m, d, y)`. */
export function checkDate(m: number, d: number, y: number): boolean {
  if (m < 1 || m > 12 || d < 1 || y < 1) return false;
  const dim = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d <= dim;
}

/** The subset of PHP `strtotime()` the engine relies on (UTC). Returns null when unparseable. */
export function strtotime(input: string, nowSeconds: number): number | null {
  const s = input.trim();
  if (s === '') return null;
  let m = /^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[T\s]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*$/i.exec(s);
  if (m) return utc(+m[3], +m[2], +m[1], m[4], m[5], m[6]);
  m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T\s]+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(s);
  if (m) {
    const base = utc(+m[1], +m[2], +m[3], m[4], m[5], m[6]);
    if (base === null || !m[7] || m[7].toUpperCase() === 'Z') return base;
    const sign = m[7].startsWith('-') ? -1 : 1;
    const digits = m[7].replace(/[+-:]/g, '');
    return base - sign * (Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2)) * 60);
  }
  m = /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (m) return utc(+m[1], +m[2], +m[3]);
  m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(s);
  if (m) return utc(+m[3], +m[1], +m[2], m[4], m[5], m[6]);
  m = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(s);
  if (m) {
    const d = new Date(nowSeconds * 1000);
    return utc(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), m[1], m[2], m[3]);
  }
  const lower = s.toLowerCase();
  if (lower === 'now') return nowSeconds;
  if (lower === 'today') return Math.floor(nowSeconds / 86400) * 86400;
  if (lower === 'tomorrow') return Math.floor(nowSeconds / 86400) * 86400 + 86400;
  if (lower === 'yesterday') return Math.floor(nowSeconds / 86400) * 86400 - 86400;
  return null;
}

function utc(y: number, mo: number, d: number, h?: string, mi?: string, se?: string): number | null {
  // PHP's parser takes month and day 0 (the month or day before: 2026-12-00 is 30 November), not 13 or 32
  if (mo < 0 || mo > 12 || d < 0 || d > 31) return null;
  const hh = h ? Number(h) : 0;
  const mm = mi ? Number(mi) : 0;
  const ss = se ? Number(se) : 0;
  if (hh > 24 || mm > 59 || ss > 60) return null;
  return Math.floor(Date.UTC(y, mo - 1, d, hh, mm, ss) / 1000);
}

/** `microtime(TRUE)` printed the way PHP concatenates a float (14 significant digits). */
export function microtimeString(ms: number): string {
  const v = ms / 1000;
  return String(Number(v.toPrecision(14)));
}

/**
 * Request keys are data: `__proto__` from a query string, a form or a JSON body is an ordinary
 * key to PHP. A plain `obj[key] = value` would instead replace the object's prototype, and a path
 * such as `a[__proto__][x]=1` would write into Object.prototype itself (prototype pollution).
 */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  else target[key] = value;
}
