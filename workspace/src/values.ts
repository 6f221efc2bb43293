/**
 * Values between the engine's wire form and the workspace's inputs, per base type, and the
 * friendly filter editor's conditions in the engine's filter syntax (docs/legacy-api.md,
 * "Filter syntax"). Pure functions: the grid, the card and the filter editor share them.
 */
import { BASE, plainMessage, type ColumnMeta, type MenuItem, type TableMeta } from './api/legacy.js';

/** one column of a table as the workspace uses it: the first column too */
export interface Column {
  /** the `t{id}` to send and the `F_{id}` to filter; the table id for the first column */
  id: string;
  name: string;
  base: number;
  first: boolean;
  ref?: string;
  multi: boolean;
  required: boolean;
  /** subordinate table id */
  arr?: string;
  /**
   * an explicit READ grant on the column: its input is disabled. A table's READ grant only marks
   * the card (a mask may still give WRITE per record): the engine decides, its refusal is shown.
   */
  readOnly: boolean;
  /** index of the column in a JSON_OBJ row's `r` */
  index: number;
}

/** an attribute's flag as the engine reads it */
const truthy = (v: unknown): boolean => v === true || v === 1 || v === '1' || v === 'true' || v === 'yes';

/** The attributes of a requisite, markers or JSON (docs/legacy-api.md, "Requisite attributes"). */
export function parseAttrs(attrs: string | undefined): { required: boolean; multi: boolean; alias: string } {
  const out = { required: false, multi: false, alias: '' };
  if (!attrs) return out;
  if (attrs.trim().startsWith('{')) {
    try {
      const json = JSON.parse(attrs) as Record<string, unknown>;
      out.required = truthy(json.required) || truthy(json.notNull) || truthy(json.not_null);
      out.multi = truthy(json.multi);
      out.alias = typeof json.alias === 'string' ? json.alias : '';
      return out;
    } catch {
      // markers then
    }
  }
  out.required = attrs.includes(':!NULL:');
  out.multi = attrs.includes(':MULTI:');
  const alias = /:ALIAS=([^:]*):/.exec(attrs);
  if (alias) out.alias = alias[1];
  return out;
}

/** whether a requisite is part of the table's composite key (`key` in JSON, `:KEY:` as a marker) */
export function attrKey(attrs: string | undefined): boolean {
  if (!attrs) return false;
  if (attrs.trim().startsWith('{')) {
    try {
      return truthy((JSON.parse(attrs) as Record<string, unknown>).key);
    } catch {
      // markers then
    }
  }
  return attrs.includes(':KEY:');
}

export function columnsOf(meta: TableMeta): Column[] {
  const firstAttrs = parseAttrs(meta.attrs);
  const first: Column = {
    id: meta.id, name: plainMessage(meta.alias || firstAttrs.alias || meta.val), base: Number(meta.type), first: true,
    multi: false, required: true, readOnly: false, index: 0,
  };
  const rest = (meta.reqs ?? []).map((req: ColumnMeta, i): Column => {
    const attrs = parseAttrs(req.attrs);
    return {
      id: req.id,
      name: plainMessage(attrs.alias || req.val),
      base: Number(req.type),
      first: false,
      ref: req.ref,
      multi: attrs.multi,
      required: attrs.required,
      arr: req.arr_id,
      readOnly: req.granted === 'READ',
      index: i + 1,
    };
  });
  return [first, ...rest];
}

/** "ids:values" of a reference cell in a JSON_OBJ row → the shown values */
export function refParts(cell: string): { ids: string[]; labels: string[] } {
  const m = /^([\d,]+):(.*)$/s.exec(cell);
  if (!m) return { ids: [], labels: cell ? [cell] : [] };
  const ids = m[1].split(',');
  const labels = ids.length > 1 ? m[2].split(',').map((v) => v.replace(/&comma;/g, ',')) : [m[2]];
  return { ids, labels };
}

/** a FILE cell (an HTML link) → its name and address */
export function fileLink(cell: string): { name: string; href: string } | null {
  const m = /href="([^"]+)"[^>]*>([^<]*)</.exec(cell);
  return m ? { href: m[1], name: plainMessage(m[2]) } : null;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** DATETIME: the engine's seconds (already in the user's zone) as text, read as UTC */
export function formatDatetime(seconds: string): string {
  const n = Number(seconds);
  if (!Number.isFinite(n) || seconds === '') return seconds;
  const d = new Date(n * 1000);
  return `${pad(d.getUTCDate())}.${pad(d.getUTCMonth() + 1)}.${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** how a JSON_OBJ cell is shown in the grid */
export function displayCell(column: Column, cell: string): string {
  if (cell === '') return '';
  if (column.ref) return refParts(cell).labels.join(', ');
  switch (column.base) {
    case BASE.DATETIME: return formatDatetime(cell);
    case BASE.BOOLEAN: return '✓';
    case BASE.FILE: return fileLink(cell)?.name ?? plainMessage(cell);
    case BASE.HTML: return plainMessage(cell);
    default: return cell;
  }
}

/** the card's value (edit_obj) → the input's value */
export function toInput(base: number, value: string): string {
  if (value === '') return '';
  if (base === BASE.DATE) {
    const m = /^(\d{2})\.(\d{2})\.(\d{4})$/.exec(value);
    return m ? `${m[3]}-${m[2]}-${m[1]}` : value;
  }
  if (base === BASE.DATETIME) {
    const n = Number(value);
    if (!Number.isFinite(n)) return '';
    return new Date(n * 1000).toISOString().slice(0, 19);
  }
  if (base === BASE.BOOLEAN) return value === '' || value === '0' ? '' : '1';
  return value;
}

/** the HTML input type of a base type's value (text for the types without one of their own) */
export function inputType(base: number): string {
  switch (base) {
    case BASE.DATE: return 'date';
    case BASE.DATETIME: return 'datetime-local';
    case BASE.NUMBER: case BASE.SIGNED: return 'number';
    case BASE.PWD: return 'password';
    default: return 'text';
  }
}

/** the input's `step`: decimals take any, date-times have seconds */
export function inputStep(base: number): string | number | undefined {
  return base === BASE.SIGNED ? 'any' : base === BASE.DATETIME ? 1 : undefined;
}

/** the input's value → what the engine is sent (`t{id}`) */
export function fromInput(base: number, value: string): string {
  if (value === '') return '';
  if (base === BASE.DATETIME) {
    const ms = Date.parse(`${value.length === 16 ? `${value}:00` : value}Z`);
    return Number.isFinite(ms) ? String(Math.round(ms / 1000)) : value;
  }
  return value;
}

// ---- the friendly filter editor ----------------------------------------------------------

export type FilterMode = 'contains' | 'equals' | 'starts' | 'empty' | 'notEmpty' | 'range' | 'bool' | 'refs' | 'raw';

export interface FilterCondition {
  column: string;
  mode: FilterMode;
  value: string;
  from: string;
  to: string;
  /** reference filters: the chosen records' labels */
  values: string[];
}

/** the modes a column offers, the first being the default */
export function filterModes(column: Column): FilterMode[] {
  if (column.ref) return ['refs', 'contains', 'empty', 'notEmpty', 'raw'];
  switch (column.base) {
    case BASE.NUMBER: case BASE.SIGNED: case BASE.DATE: case BASE.DATETIME:
      return ['range', 'equals', 'empty', 'notEmpty', 'raw'];
    case BASE.BOOLEAN: return ['bool'];
    case BASE.FILE: return ['empty', 'notEmpty', 'contains'];
    default: return ['contains', 'equals', 'starts', 'empty', 'notEmpty', 'raw'];
  }
}

function quoteList(values: string[]): string {
  return values.map((v) => `'${v.replace(/'/g, "''")}'`).join(',');
}

function boundValue(column: Column, v: string): string {
  // dates in filters: the engine normalises DD.MM.YYYY and YYYY-MM-DD alike; a datetime is seconds
  return column.base === BASE.DATETIME ? fromInput(BASE.DATETIME, v) : v;
}

/** the condition as an `F_{column}` value, or '' when it filters nothing */
export function filterValue(column: Column, c: FilterCondition): string {
  switch (c.mode) {
    case 'contains': return c.value ? `%${c.value}%` : '';
    case 'starts': return c.value ? `${c.value}%` : '';
    case 'equals': return c.value;
    case 'empty': return '!%';
    case 'notEmpty': return '%';
    case 'bool': return c.value === '1' ? '%' : c.value === '0' ? '!%' : '';
    case 'raw': return c.value;
    case 'refs': return c.values.length ? `IN(${quoteList(c.values)})` : '';
    case 'range': {
      const from = c.from ? boundValue(column, c.from) : '';
      const to = c.to ? boundValue(column, c.to) : '';
      if (from && to) return `${from}..${to}`;
      if (from) return `>=${from}`;
      if (to) return `<=${to}`;
      return '';
    }
  }
}

// ---- the user's own menu ---------------------------------------------------------------------

/** one line of the user's menu as the workspace shows it */
export interface MenuEntry {
  id: string;
  name: string;
  /** a view of the workspace (`#/…`), a page of the engine (`/{db}/…`), or '' for a heading */
  link: string;
  /** nesting depth (0 at the top) */
  depth: number;
}

/**
 * The engine's address of a menu item as a link: tables, records, reports and the structure open in
 * the workspace; any other page of the engine (its own templates) is linked as it is, on this origin.
 */
export function menuLink(href: string, db: string): string {
  const h = href.replace(/^\/+/, '').replace(new RegExp(`^${db}/`, 'i'), '');
  if (h === '') return '';
  const m = /^(object|edit_obj|report)\/(\d+)\/?(?:\?(.*))?$/.exec(h);
  if (m) {
    const parent = /(?:^|&)F_U=(\d+)/.exec(m[3] ?? '')?.[1];
    if (m[1] === 'object') return parent && Number(parent) > 1 ? `#/t/${m[2]}/${parent}` : `#/t/${m[2]}`;
    return m[1] === 'report' ? `#/report/${m[2]}` : `#/rec/${m[2]}`;
  }
  if (h === 'dict' || h === 'object') return '#/';
  if (h === 'report') return '#/reports';
  if (h === 'edit_types') return '#/schema';
  return `/${db}/${h}`;
}

/** the menu's items in tree order (an item after its parent), each with its depth and link */
export function menuEntries(all: MenuItem[], db: string): MenuEntry[] {
  // a report without a menu_id column still lists its items, each on its own
  const items = all.map((item, i) => (item.id === '' ? { ...item, id: `#${i}` } : item));
  const ids = new Set(items.map((item) => item.id));
  const children = new Map<string, MenuItem[]>();
  for (const item of items) {
    const up = item.up !== '' && item.up !== item.id && ids.has(item.up) ? item.up : '';
    children.set(up, [...(children.get(up) ?? []), item]);
  }
  const out: MenuEntry[] = [];
  const seen = new Set<string>();
  const walk = (up: string, depth: number) => {
    for (const item of children.get(up) ?? []) {
      if (seen.has(item.id)) continue;
      seen.add(item.id);
      out.push({ id: item.id, name: item.name, link: menuLink(item.href, db), depth });
      walk(item.id, depth + 1);
    }
  };
  walk('', 0);
  return out;
}
