/**
 * Value normalisation on write (PHP Format_Val), display formatting
 * (Format_Val_View) and built-in placeholders (BuiltIn); docs/legacy-api.md, "Base types".
 * Everything works on base type NAMES ("DATE", "NUMBER", ...).
 */
import { createHash } from 'node:crypto';
import { checkDate, dateDMY, dateDMYHIS, floatToString, isNumeric, strtotime, toFloat, toInt, looseNotZero } from './php.js';
import { PASSWORD_STARS } from './ids.js';

export interface FormatEnv {
  nowSec: number;
  /** user's time-zone shift in seconds (cookie tzone) */
  tzone: number;
  user: string;
  userId: string;
  role: string;
  roleId: string;
  remoteAddr: string;
  host: string;
  uri: string;
  userAgent: string;
  referer: string;
  /** appended to when a value is suspicious (PHP $GLOBALS["warning"]) */
  warn(text: string): void;
}

export function sha512hex(s: string): string {
  return createHash('sha512').update(s, 'utf8').digest('hex');
}
export function sha1hex(s: string): string {
  return createHash('sha1').update(s, 'utf8').digest('hex');
}

/** PHP BuiltIn($par): exact placeholder match only. */
export function builtIn(par: string, env: FormatEnv): string {
  const day = 86400;
  const now = env.nowSec + env.tzone;
  switch (par) {
    case '[TODAY]': return dateDMY(now);
    case '[NOW]': return dateDMYHIS(now);
    case '[YESTERDAY]': return dateDMY(now - day);
    case '[TOMORROW]': return dateDMY(now + day);
    case '[MONTH_AGO]': return dateDMY(shiftMonths(env.nowSec, -1) + env.tzone);
    case '[WEEK_AGO]': return dateDMY(env.nowSec - 7 * day + env.tzone);
    case '[MONTH_PLUS]': return dateDMY(shiftMonths(env.nowSec, 1) + env.tzone);
    case '[USER]': return env.user;
    case '[USER_ID]': return env.userId;
    case '[ROLE]': return env.role;
    case '[ROLE_ID]': return env.roleId;
    case '[TSHIFT]': return String(env.tzone);
    case '[REMOTE_ADDR]': return env.remoteAddr;
    case '[REMOTE_HOST]': return env.remoteAddr;
    case '[HTTP_USER_AGENT]': return env.userAgent;
    case '[HTTP_REFERER]': return env.referer;
    case '[HTTP_HOST]': return env.host;
    case '[REQUEST_URI]': return env.uri;
    default: return par;
  }
}

function shiftMonths(sec: number, months: number): number {
  const d = new Date(sec * 1000);
  d.setUTCMonth(d.getUTCMonth() + months);
  return Math.floor(d.getTime() / 1000);
}

/** PHP Format_Val for a base type name; returns the value to store (string). */
export function formatVal(base: string, input: string, env: FormatEnv): string {
  let val = input;
  if (val === 'NULL') return val;
  switch (base) {
    case 'DATE': {
      if (val !== '' && !val.startsWith('[') && !val.startsWith('_request_.')) {
        val = val.trim();
        const iso = /^([0-9]{4})[-/.]?([0-9]{2})[-/.]?([0-9]{2})/.exec(val);
        if (iso) return iso[1] + iso[2] + iso[3];
        const v = val.replace(/ /g, '/').replace(/,/g, '/').replace(/\./g, '/').split('/');
        const now = new Date(env.nowSec * 1000);
        const dy = v.length > 2 ? (v[2].length === 4 ? toInt(v[2]) : 2000 + toInt(v[2])) : now.getUTCFullYear();
        const dm = v.length > 1 ? toInt(v[1]) : now.getUTCMonth() + 1;
        const dd = toInt(v[0]);
        if (!checkDate(dm, dd, dy)) env.warn(`Неверная дата ${val}!<br>`);
        return `${dy}${`0${dm}`.slice(-2)}${`0${dd}`.slice(-2)}`;
      }
      return val;
    }
    case 'NUMBER': {
      const v = toInt(val.replace(/ /g, '').replace(/,/g, '.'));
      return v !== 0 ? String(v) : val;
    }
    case 'BOOLEAN':
      return val === '' || val === '0' || val.toLowerCase() === 'false' || val === '-1' || val === ' ' ? '' : '1';
    case 'SIGNED': {
      const v = toFloat(val.replace(/[ \u00a0]/g, '').replace(/,/g, '.'));
      return v !== 0 ? floatToString(v) : val;
    }
    case 'DATETIME': {
      if (val !== '' && !val.startsWith('[')) {
        val = val.trim();
        if (/^\d{4}[./\-,]\d{2}[./\-,]\d{2}/.test(val)) val = val.replace(/^(\d{4})(.)(\d{2})(.)(\d{2})/, '$5.$3.$1');
        if (isNumeric(val) && toFloat(val) > 10000) return floatToString(toFloat(val) - env.tzone);
        const ts = strtotime(val, env.nowSec);
        if (ts === null || ts < 10000) {
          // the DATE rules warn about an impossible date, as the engine's nested Format_Val does
          const asDate = strtotime(formatVal('DATE', val, env), env.nowSec);
          return String((asDate ?? 0) - env.tzone);
        }
        return String(ts - env.tzone);
      }
      return val;
    }
    default:
      return val;
  }
}

/**
 * PHP Format_Val_View in API mode. `json_obj` = the JSON_OBJ flag (GRANT and
 * REPORT_COLUMN values get an `id:` prefix there).
 */
export function formatView(base: string, val: string, env: Pick<FormatEnv, 'tzone'>, api: boolean): string {
  if (val === '' || val === 'NULL') return val;
  switch (base) {
    case 'DATE':
      if (val.length > 8) return dateDMY(toFloat(val) + env.tzone);
      return `${val.slice(6, 8)}.${val.slice(4, 6)}.${val.slice(0, 4)}`;
    case 'DATETIME':
      return api ? val : dateDMYHIS(toInt(val) + env.tzone);
    case 'BOOLEAN':
      return 'X';
    case 'NUMBER':
      return looseNotZero(val) ? numberFormat0(toFloat(val)) : val;
    case 'SIGNED': {
      const parts = val.trim().split('.');
      const frac = parts.length > 1 ? parts[1] : undefined;
      const width = Math.max(2, frac === undefined ? 1 : frac.length);
      return `${numberFormat0(toFloat(parts[0]))}.${`${frac ?? ''}00`.slice(0, width)}`.trim();
    }
    case 'PWD':
      return PASSWORD_STARS;
    default:
      return val;
  }
}

/** PHP number_format($f, 0, "", "") */
function numberFormat0(f: number): string {
  const r = Math.round(f);
  return Object.is(r, -0) ? '-0' : String(r);
}

/** PHP Get_Align by base name */
export function alignOf(base: string): string {
  switch (base) {
    case 'PWD':
    case 'DATE':
    case 'BOOLEAN':
      return 'CENTER';
    case 'NUMBER':
    case 'SIGNED':
      return 'RIGHT';
    default:
      return 'LEFT';
  }
}
