/**
 * Column (requisite) attributes, stored in the requisite row's `val`
 * (docs/legacy-api.md, "Requisite attributes"). Two encodings are read: legacy markers
 * (`:!NULL:`, `:MULTI:`, `:KEY:`, `:ALIAS=x:`, remainder = default) and JSON.
 * Writes always produce the JSON form (or "" when nothing is set).
 */
import { setOwn } from './php.js';

export interface FieldAttrs {
  required: boolean;
  multi: boolean;
  key: boolean;
  alias: string | null;
  default: string;
  /** unknown JSON keys, preserved in order */
  extra: [string, unknown][];
}

const NOT_NULL = ':!NULL:';
const MULTI = ':MULTI:';
const KEY = ':KEY:';
const ALIAS_RE = /:ALIAS=(.*?):/u;
const ALIAS_RE_G = /:ALIAS=(.*?):/gu;

export function emptyAttrs(): FieldAttrs {
  return { required: false, multi: false, key: false, alias: null, default: '', extra: [] };
}

/** PHP FieldAttrsBool: true/false/0/1/"no"/"off"/"" */
export function attrBool(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string') {
    const v = value.trim().toLowerCase();
    if (/^[+-]?\d+(\.\d+)?$/.test(v)) return Math.trunc(Number(v)) !== 0;
    return !['', '0', 'false', 'no', 'off'].includes(v);
  }
  if (value === null || value === undefined) return false;
  if (Array.isArray(value)) return value.length > 0;
  return true;
}

export function parseAttrs(raw: string | null | undefined): FieldAttrs {
  const result = emptyAttrs();
  const attrs = raw ?? '';
  const trimmed = attrs.trim();
  if (trimmed === '') return result;
  if (trimmed.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      parsed = undefined;
    }
    if (parsed !== null && typeof parsed === 'object') {
      for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
        switch (k) {
          case 'required':
          case 'notNull':
          case 'not_null':
            result.required = attrBool(v);
            break;
          case 'multi':
            result.multi = attrBool(v);
            break;
          case 'key':
            result.key = attrBool(v);
            break;
          case 'alias':
            result.alias = v === null ? null : scalarString(v);
            break;
          case 'default':
          case 'defaultValue':
            result.default = v === null ? '' : scalarString(v);
            break;
          default:
            result.extra.push([k, v]);
        }
      }
      return result;
    }
  }
  result.required = attrs.includes(NOT_NULL);
  result.multi = attrs.includes(MULTI);
  result.key = attrs.includes(KEY);
  const alias = ALIAS_RE.exec(attrs);
  if (alias) result.alias = alias[1];
  result.default = attrs.split(NOT_NULL).join('').split(MULTI).join('').split(KEY).join('').replace(ALIAS_RE_G, '');
  return result;
}

function scalarString(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? '1' : '';
  if (typeof v === 'number') return String(v);
  return JSON.stringify(v);
}

export function serializeAttrs(a: FieldAttrs): string {
  const out: Record<string, unknown> = {};
  for (const [k, v] of a.extra) if (v !== null && v !== undefined) setOwn(out, k, v);
  if (a.required) out.required = true;
  if (a.multi) out.multi = true;
  if (a.key) out.key = true;
  if (a.alias !== null && a.alias !== '') out.alias = a.alias;
  if (a.default !== '') out.default = a.default;
  return Object.keys(out).length ? JSON.stringify(out) : '';
}

export type AttrFlag = 'required' | 'multi' | 'key';

export function toggleAttrFlag(raw: string, flag: AttrFlag): string {
  const a = parseAttrs(raw);
  a[flag] = !a[flag];
  return serializeAttrs(a);
}

export function setAttrAlias(raw: string, alias: string): string {
  const a = parseAttrs(raw);
  a.alias = alias;
  return serializeAttrs(a);
}

export function buildAttrs(def: string, required: boolean, multi: boolean, alias: string | null, key: boolean): string {
  return serializeAttrs({ required, multi, key, alias, default: def, extra: [] });
}

/** the alias, or the fallback when none */
export function attrsAlias(raw: string | null | undefined, fallback = ''): string {
  const a = parseAttrs(raw);
  return a.alias !== null && a.alias !== '' ? a.alias : fallback;
}
