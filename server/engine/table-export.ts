/**
 * BKI export of a table (`object/{type}?bki`): the engine's own exchange format.
 *
 * The text is a header (one line per table met: the exported table, the tables its references
 * point to, its subordinate tables), a `DATA` line, then one line per record, the records a
 * reference points to written before the record using them. Lines end with CRLF; inside a line
 * `\`, `:` and `;` are escaped with a backslash. docs/legacy-api.md ("BKI") describes the format.
 */
import type { Row } from '../storage/types.js';
import type { RequestContext } from './context.js';
import { BASE_NAMES } from './meta.js';
import { parseAttrs } from './attrs.js';

/** PHP MaskDelimiters(): `\` → `\\`, `:` → `\:`, `;` → `\;` */
export function maskBkiDelimiters(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/:/g, '\\:').replace(/;/g, '\\;');
}

/** what the header walk learnt about the tables it met */
export interface BkiStructure {
  /** per table, in the order met: its header fields (key 0 the table itself, then column ids) */
  lines: Map<number, Map<number, string>>;
  /** tables some reference definition points to: their records are written with their ids */
  linked: Set<number>;
  /** subordinate tables: their records are written under their parent record */
  arrays: Set<number>;
  /** PWD columns: left out of the export */
  passwords: Set<number>;
  /** per table, the table whose walk met it first (0 for the first one) */
  parents: Map<number, number>;
  /** reference columns: the table their targets are records of */
  refs: Map<number, number>;
  /** reference columns that hold several targets */
  multi: Set<number>;
}

export function emptyStructure(): BkiStructure {
  return { lines: new Map(), linked: new Set(), arrays: new Set(), passwords: new Set(), parents: new Map(), refs: new Map(), multi: new Set() };
}

/** PHP constructHeader(): the header fields of a table and of every table its columns lead to */
export async function describeTable(ctx: RequestContext, s: BkiStructure, id: number, parent = 0): Promise<void> {
  if (s.lines.has(id)) return;
  if (!s.parents.has(id)) s.parents.set(id, parent);
  const obj = await ctx.t.get(id);
  if (!obj) return;
  const fields = new Map<number, string>();
  s.lines.set(id, fields);
  // a reference definition (empty value) is written as `id:target`
  const t = obj.val.length === 0 ? obj.id : obj.t;
  const name = obj.val.length === 0 ? String(obj.t) : obj.val;
  const base = BASE_NAMES[t];
  fields.set(0, `${id}:${maskBkiDelimiters(name)}${base !== undefined ? `:${base}` : ''}${obj.ord === 1 ? ':unique' : ''}`);
  if ((await ctx.t.count({ up: 0, t: id })) > 0) s.linked.add(id);
  const reqs = await ctx.t.find({ up: id }, { orderBy: 'ord,id' });
  for (const req of reqs) {
    if (req.t === id) continue;
    const refr = await ctx.t.get(req.t);
    if (!refr) continue;
    const baseRow = await ctx.t.get(refr.t);
    const attrs = req.val ? `:${maskBkiDelimiters(req.val)}` : '';
    if (baseRow && refr.t !== baseRow.t) {
      fields.set(req.id, `ref:${req.id}:${req.t}${attrs}`);
      await describeTable(ctx, s, req.t, id);
      await describeTable(ctx, s, refr.t, id);
      s.refs.set(req.id, refr.t);
      if (parseAttrs(req.val).multi) s.multi.add(req.id);
    } else if ((await ctx.t.find({ up: req.t, ord: 1, tGreaterThan: 0 }, { limit: 1 })).length > 0) {
      fields.set(req.id, `arr:${req.t}${attrs}`);
      if (!s.lines.has(req.t)) {
        await describeTable(ctx, s, req.t, id);
        s.arrays.add(req.t);
      }
    } else {
      const baseName = BASE_NAMES[refr.t] ?? '';
      fields.set(req.id, `${maskBkiDelimiters(refr.val)}:${baseName}${attrs}`);
      if (baseName === 'PWD') s.passwords.add(req.id);
    }
  }
}

/**
 * One record's lines: the records its references point to, the record, then its subordinate
 * records. `val` is written masked; a referenced record's value arrives masked already and is
 * masked again, as the engine does.
 */
async function recordLines(ctx: RequestContext, s: BkiStructure, exported: Set<number>, typeId: number, rec: { id: number; val: string }, refPrefix: string, mainType: number, subordinateList: boolean): Promise<string> {
  if (exported.has(rec.id)) return '';
  exported.add(rec.id);
  const cells = await ctx.t.find({ up: rec.id }, { orderBy: 'ord,id' });
  const values = new Map<number, string>();
  let refs = '';
  let children = '';
  for (const cell of cells) {
    const req = await ctx.t.get(cell.t);
    if (req && req.up !== typeId && req.up !== 0) {
      // a reference cell: t is the record pointed to, val the column
      const column = Number(cell.val);
      values.set(column, values.has(column) ? `${values.get(column) ?? ''},${cell.t}` : String(cell.t));
      const parent = await ctx.t.get(req.up);
      const prefix = parent?.up === 1 ? `${cell.val}:` : '0';
      refs += await recordLines(ctx, s, exported, req.t, { id: req.id, val: maskBkiDelimiters(req.val) }, prefix, mainType, subordinateList);
    } else if (s.arrays.has(cell.t)) {
      children += await recordLines(ctx, s, exported, cell.t, cell, '', mainType, subordinateList);
    } else if (!s.passwords.has(cell.t)) {
      values.set(cell.t, maskBkiDelimiters(cell.val));
    }
  }
  let line = '';
  for (const key of s.lines.get(typeId)?.keys() ?? []) {
    line += key === 0 ? `${maskBkiDelimiters(rec.val)};` : `${values.get(key) ?? ''};`;
  }
  if (s.arrays.has(typeId) || !s.linked.has(typeId) || (typeId === mainType && subordinateList)) line = `${typeId}::${line}\r\n`;
  else line = `${refPrefix}${typeId}:${rec.id}:${line}\r\n`;
  return refs + line + children;
}

/**
 * The BKI text of a table's records (those the list's filters selected, in the list's order).
 * `subordinateList`: the list is one parent's records (F_U > 1), whose ids are not written.
 */
export async function bkiExport(ctx: RequestContext, typeId: number, records: readonly Row[], subordinateList: boolean): Promise<string> {
  const s = emptyStructure();
  await describeTable(ctx, s, typeId);
  const exported = new Set<number>();
  let data = '';
  for (const rec of records) data += await recordLines(ctx, s, exported, typeId, rec, '', typeId, subordinateList);
  let header = '';
  for (const fields of s.lines.values()) header += `${[...fields.values()].join(';')};\r\n`;
  return `${header}DATA\r\n${data}`;
}

/**
 * The engine writes the BKI text as a download and then goes on with the page: an API request gets
 * the list page's JSON (without records) right after the BKI text, in the same body. A browser
 * gets the BKI text alone here (docs/compatibility.md: the HTML page is not appended).
 */
export function sendBki(ctx: RequestContext, bki: string, page: unknown): never {
  const tail = ctx.api ? JSON.stringify(page) : '';
  ctx.sendDownload('data_export.bki', Buffer.from(bki + tail, 'utf8'), 'text/html; charset=UTF-8');
}
