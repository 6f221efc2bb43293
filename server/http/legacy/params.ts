/**
 * PHP's parsing of query strings, url-encoded bodies and cookies
 * (parse_str semantics: `a[]=` appends, `a[k]=` nests, the last plain key wins,
 * dots and spaces in names become underscores).
 */

import { setOwn } from '../../engine/index.js';

/**
 * Text the stores can hold: NUL characters are dropped and lone surrogates replaced
 * (PostgreSQL text cannot store NUL; a NUL in a field is never meaningful input).
 */
export function cleanText(s: string): string {
  const noNul = s.includes('\u0000') ? s.split('\u0000').join('') : s;
  return noNul.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

function decode(s: string): string {
  const plus = s.replace(/\+/g, ' ');
  try {
    return cleanText(decodeURIComponent(plus));
  } catch {
    // keep undecodable sequences as PHP does (it decodes byte-wise); fall back per escape
    return cleanText(plus.replace(/%([0-9a-f]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))));
  }
}

/** cleanText applied to every string of a parsed JSON value; null when it nests deeper than PHP accepts */
export function cleanValue(v: unknown, depth = 0): unknown {
  if (typeof v === 'string') return cleanText(v);
  if (depth >= JSON_MAX_DEPTH && v && typeof v === 'object') throw new JsonTooDeep();
  if (Array.isArray(v)) return v.map((x) => cleanValue(x, depth + 1));
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) setOwn(out, cleanText(k), cleanValue(x, depth + 1));
    return out;
  }
  return v;
}

/** thrown by cleanValue: the value is not JSON to PHP (json_decode gives up past its depth) */
export class JsonTooDeep extends Error {}

/** PHP json_decode's default depth: a body nested deeper is not JSON to the engine */
export const JSON_MAX_DEPTH = 512;

/**
 * Whether JSON text nests arrays/objects deeper than `max` (scanned without recursion, so a
 * hostile body cannot overflow the stack before it is even parsed).
 */
export function jsonNestsDeeperThan(raw: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

type Bag = Record<string, unknown>;

/** an own property only: never a value inherited from a prototype */
function ownValue(target: Bag, key: string): unknown {
  return Object.hasOwn(target, key) ? target[key] : undefined;
}

function assign(target: Bag, rawKey: string, value: string): void {
  const bracket = rawKey.indexOf('[');
  let base = bracket > 0 ? rawKey.slice(0, bracket) : rawKey;
  base = base.replace(/[. ]/g, '_');
  if (bracket <= 0 || !rawKey.endsWith(']')) {
    setOwn(target, bracket > 0 ? rawKey.replace(/[. []/g, '_') : base, value);
    return;
  }
  const path = rawKey.slice(bracket + 1, -1).split('][');
  let node: Bag = target;
  let key = base;
  for (const part of path) {
    let child = ownValue(node, key);
    if (child === null || typeof child !== 'object') {
      child = [];
      setOwn(node, key, child);
    }
    const container = child as Bag | unknown[];
    if (part === '') {
      if (Array.isArray(container)) {
        key = String(container.length);
        node = container as unknown as Bag;
      } else {
        const next = Object.keys(container).filter((k) => /^\d+$/.test(k)).reduce((m, k) => Math.max(m, Number(k) + 1), 0);
        key = String(next);
        node = container;
      }
    } else {
      if (Array.isArray(container) && !/^\d+$/.test(part)) {
        const obj: Bag = { ...container };
        setOwn(node, key, obj);
        node = obj;
      } else node = container as Bag;
      key = part;
    }
  }
  setOwn(node, key, value);
}

export function parseQueryString(qs: string): Record<string, string | string[]> {
  const out: Bag = {};
  if (!qs) return out as Record<string, string | string[]>;
  for (const pair of qs.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const k = decode(eq >= 0 ? pair.slice(0, eq) : pair);
    const v = eq >= 0 ? decode(pair.slice(eq + 1)) : '';
    if (k === '') continue;
    assign(out, k, v);
  }
  return out as Record<string, string | string[]>;
}

/** name/value pairs (e.g. the text fields of a multipart body) read the way PHP reads form fields */
export function fieldsToParams(pairs: ReadonlyArray<readonly [string, string]>): Record<string, unknown> {
  const out: Bag = {};
  for (const [k, v] of pairs) if (k !== '') assign(out, k, v);
  return out;
}

export function parseFormBody(body: string): Record<string, unknown> {
  return parseQueryString(body);
}

export function parseCookies(header: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if (!name || Object.hasOwn(out, name)) continue;
    setOwn(out, name.replace(/[. ]/g, '_'), decode(part.slice(eq + 1).trim()));
  }
  return out;
}
