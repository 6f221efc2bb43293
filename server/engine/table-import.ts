/**
 * Import of a file into a table (`POST object/{type}?import`, the file in the multipart field
 * `bki_file`), as the PHP engine reads it: a file that starts with a `DATA` line holds records only
 * (the "plain" or CSV-like form: `value;cell;cell;…;` per record, the cells in the table's column
 * order), a file that starts with structure lines is a BKI file (table-export.ts writes one); a BKI
 * file makes the tables and columns it describes that are not here (as the engine does) and adds its records.
 *
 * The records are written in one transaction (commands.ts runs the import through runWrite): a file
 * the import refuses part-way leaves the table as it was (docs/compatibility.md: PHP keeps the
 * records it wrote before the error). After the import the engine answers the table's list page.
 */
import type { NewRow, Row } from '../storage/types.js';
import type { RequestContext } from './context.js';
import { checkXsrf } from './auth.js';
import { checkGrantOrDie } from './access.js';
import { formatVal } from './format.js';
import { BASE_NAMES } from './meta.js';
import { parseAttrs } from './attrs.js';
import { describeTable, emptyStructure } from './table-export.js';
import { findKeyDuplicate, keyValueOf, unmask, type KeyValue } from './import-keys.js';
import { isNumeric, toInt } from './php.js';
import { paramString } from './context.js';

/** the engine's limit for an imported file */
export const IMPORT_MAX_BYTES = 8_388_608;
/** PHP BATCH_LIMIT: pending cells are written once their INSERT would grow past this length */
const BATCH_LIMIT = 31_000;

/** one column of the table as the import fills it */
interface ImportColumn {
  id: number;
  /** the base type name the value is formatted with (a reference column's is SHORT) */
  base: string;
  /** for a reference column, the table its targets are records of */
  refTarget: number | null;
  multi: boolean;
  /** the column's term (its `t`) */
  term: number;
  /** part of the table's composite unique key (`:KEY:`) */
  key: boolean;
}

/**
 * Splits a line at `;` the way the engine does: `\\`, `\:`, `\;` and `\,` are kept inside the field
 * (still escaped), so a field is unescaped afterwards with unmask().
 */
function splitFields(line: string, sep: ';' | ',' | ':'): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === '\\' && i + 1 < line.length && '\\:;,'.includes(line[i + 1])) {
      cur += ch + line[i + 1];
      i++;
    } else if (ch === sep) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/** PHP rtrim($v, "\t\n\r\0\x0B") */
const LINE_END_CHARS = new Set(['\t', '\n', '\r', '\0', '\v']);
function rtrimLine(v: string): string {
  let end = v.length;
  while (end > 0 && LINE_END_CHARS.has(v[end - 1])) end--;
  return v.slice(0, end);
}

/** the file's lines as fgets() returns them: each with its line break */
function fileLines(text: string): string[] {
  const out: string[] = [];
  let at = 0;
  while (at < text.length) {
    const nl = text.indexOf('\n', at);
    const end = nl === -1 ? text.length : nl + 1;
    out.push(text.slice(at, end));
    at = end;
  }
  return out;
}

/** the uploaded file, checked: present, within the size limit, UTF-8 (a BOM dropped) */
function importedText(ctx: RequestContext): string {
  const file = (ctx.req.files ?? []).find((f) => f.field === 'bki_file');
  if (!file || file.size === 0) ctx.dieText(`Выберите файл (максимальный размер: ${IMPORT_MAX_BYTES} Б)`);
  if (file.size > IMPORT_MAX_BYTES) ctx.dieText(`Ошибка. Максимальный размер файла: ${IMPORT_MAX_BYTES} Б`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(file.content);
  } catch {
    // docs/compatibility.md: PHP stores the bytes as they are; a file in another encoding is refused here
    ctx.myDie('Файл импорта должен быть в кодировке UTF-8');
  }
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}

/** the table's columns in the order their cells come in a record line */
async function importColumns(ctx: RequestContext, typeId: number): Promise<ImportColumn[]> {
  const cols: ImportColumn[] = [];
  for (const req of await ctx.t.find({ up: typeId }, { orderBy: 'ord,id' })) {
    if (req.t === typeId) continue;
    const term = await ctx.t.get(req.t);
    if (!term) continue;
    const baseRow = await ctx.t.get(term.t);
    if (!baseRow) continue;
    const attrs = parseAttrs(req.val);
    if (term.t !== baseRow.t) cols.push({ id: req.id, base: 'SHORT', refTarget: term.t, multi: attrs.multi, term: req.t, key: attrs.key });
    else cols.push({ id: req.id, base: BASE_NAMES[baseRow.t] ?? '', refTarget: null, multi: false, term: req.t, key: attrs.key });
  }
  return cols;
}

/** may this user import into the table: the admin, the owner, or EXPORT with WRITE on it or on everything */
function mayImport(ctx: RequestContext, typeId: number): boolean {
  const g = ctx.session!;
  const granted = (key: string) => g.grants.exportable.has(key) && g.grants.levels.get(key) === 'WRITE';
  return granted('1') || granted(String(typeId)) || g.user === 'admin' || g.user === ctx.db;
}

/**
 * a user without the table-wide right may still import under a parent: with `F_U` in the form body,
 * by the grant on that record (PHP Check_Grant: a refusal there is its 403); with `autoParent`, by
 * EXPORT with WRITE on the parent table's column of this table
 */
async function mayImportUnderParent(ctx: RequestContext, typeId: number): Promise<boolean> {
  if (ctx.post.F_U !== undefined) {
    await checkGrantOrDie(ctx, toInt(paramString(ctx.post.F_U)), typeId);
    return true;
  }
  if (ctx.post.autoParent === undefined) return false;
  const parentType = toInt(paramString(ctx.post.autoParent));
  const column = ctx.meta.get(parentType)?.up === 0 ? ctx.meta.childRows(parentType).find((r) => r.t === typeId && r.t !== r.up) : undefined;
  if (!column) return false;
  const g = ctx.session!.grants;
  return g.exportable.has(String(column.id)) && g.levels.get(String(column.id)) === 'WRITE';
}

/** pending cells, written together as the engine's batch does (which decides their ids) */
class CellBatch {
  /** per record, per kind (0 scalar, 1 reference, 2 multi-reference, -1 as is), per column: the rows */
  private pending = new Map<number, Map<number, Map<number | string, NewRow[]>>>();
  private length = 0;

  /** called after pending rows were written (the import's index of pending keys is then stale) */
  onFlush: () => void = () => undefined;

  constructor(private readonly ctx: RequestContext) {}

  private static rowLength(r: NewRow): number {
    return `(${r.up},${r.ord},${r.t},'${r.val}'),`.length;
  }

  put(kind: 0 | 1 | 2, column: number, row: NewRow): void {
    let byKind = this.pending.get(row.up);
    if (!byKind) this.pending.set(row.up, (byKind = new Map()));
    let byCol = byKind.get(kind);
    if (!byCol) byKind.set(kind, (byCol = new Map()));
    const rows = byCol.get(column) ?? [];
    // a single-value column holds one pending row: a later line's value replaces it
    if (kind !== 2) {
      for (const r of rows) this.length -= CellBatch.rowLength(r);
      rows.length = 0;
    } else {
      const same = rows.findIndex((r) => r.t === row.t);
      if (same >= 0) {
        this.length -= CellBatch.rowLength(rows[same]);
        rows.splice(same, 1);
      }
    }
    rows.push(row);
    this.length += CellBatch.rowLength(row);
    byCol.set(column, rows);
  }

  /** PHP Insert_batch(…, BATCH_ASIS): every distinct row once; written when the batch grows too long */
  async putAsIs(row: NewRow): Promise<void> {
    const key = `${row.ord}\0${row.t}\0${row.val}`;
    let byKind = this.pending.get(row.up);
    if (!byKind) this.pending.set(row.up, (byKind = new Map()));
    let byCol = byKind.get(-1);
    if (!byCol) byKind.set(-1, (byCol = new Map()));
    if (byCol.has(key)) return;
    byCol.set(key, [row]);
    this.length += CellBatch.rowLength(row);
    if (this.length > BATCH_LIMIT) await this.flush();
  }

  drop(up: number, kind: 0 | 1 | 2, column: number): void {
    const rows = this.pending.get(up)?.get(kind)?.get(column);
    if (!rows) return;
    for (const r of rows) this.length -= CellBatch.rowLength(r);
    this.pending.get(up)?.get(kind)?.delete(column);
  }

  async maybeFlush(): Promise<void> {
    if (this.length > BATCH_LIMIT) await this.flush();
  }

  async flush(): Promise<void> {
    const rows: NewRow[] = [];
    for (const byKind of this.pending.values()) for (const byCol of byKind.values()) for (const list of byCol.values()) rows.push(...list);
    this.pending.clear();
    this.length = 0;
    if (rows.length) await this.ctx.t.insertMany(rows);
    this.onFlush();
  }
}

/**
 * Runs the import of the request's file into table `typeId`; returns normally when the records are
 * written (the caller then answers the list page). Refusals end the request with the engine's answer.
 */
export async function importTable(ctx: RequestContext, typeId: number, fu: number): Promise<boolean> {
  const table = await ctx.t.get(typeId);
  // not a table: the list answers its own error
  if (!table || table.up !== 0 || typeId <= 1) return false;
  checkXsrf(ctx);
  const text = importedText(ctx);
  const lines = fileLines(text);
  const first = lines[0] ?? '';
  const plain = first.startsWith('DATA');
  const declared = plain ? typeId : parseInt(first.slice(0, Math.max(first.indexOf(':'), 0)), 10) || 0;
  if (!mayImport(ctx, declared) && !(await mayImportUnderParent(ctx, declared))) ctx.dieText(`У вас нет прав на загрузку объектов этого типа (${declared})`);
  if (declared <= 1) ctx.dieText(`Недопустимый тип метаданных ${declared} `);
  if (!plain) return importBki(ctx, typeId, declared, fu, lines);
  const tableBase = BASE_NAMES[table.t] ?? '';
  const cols = await importColumns(ctx, typeId);
  const env = ctx.formatEnv();
  const byFirstField = autoParentOf(ctx, typeId);
  const fieldsNeeded = cols.length + 1 + (byFirstField ? 1 : 0);
  let parent = fu > 1 ? fu : 1;
  let nextOrd = parent !== 1 ? (await ctx.t.maxOrd({ up: parent, t: typeId })) + 1 : 0;
  const unique = table.ord === 1;
  const batch = new CellBatch(ctx);
  /** names of reference targets already resolved in this import, per target table */
  const targets = new Map<string, number>();
  // composite unique key (import-keys.ts): the key columns with their field's position
  const keyCols = cols.map((col, i) => ({ col, field: i + 1 })).filter((k) => k.col.key);
  const keysOf = async (fields: string[]): Promise<Map<number, KeyValue>> => {
    const keys = new Map<number, KeyValue>();
    for (const k of keyCols) keys.set(k.col.id, await keyValueOf(ctx, k.col, unmask(fields[k.field] ?? '')));
    return keys;
  };
  /** PHP SQLbatchKeys: records made by this import whose key cells are still pending, by parent, value and key */
  const pendingKeys = new Map<string, number>();
  batch.onFlush = () => pendingKeys.clear();

  let count = 1;
  let at = 1;
  while (at < lines.length) {
    const startLine = at + 1;
    let buffer = lines[at++];
    let fields = splitFields(buffer, ';');
    // a value may hold line breaks: the record goes on until it has all its fields
    const completeRecord = (): void => {
      while (fields.length <= fieldsNeeded) {
        if (at >= lines.length) ctx.myDie(`Неожиданный конец файла: запись, начатая в строке ${startLine}, не закончена (нужно полей: ${fieldsNeeded}, каждое с «;» в конце)`);
        buffer += lines[at++];
        fields = splitFields(buffer, ';');
        count++;
      }
      fields[fields.length - 1] = rtrimLine(fields[fields.length - 1]);
    };
    if (fields[0] === '') {
      if (keyCols.length && !byFirstField) {
        // an emptied first column of a table with a composite key: the record the key finds is deleted
        completeRecord();
        const old = await findKeyDuplicate(ctx, typeId, parent, '', await keysOf(fields), false);
        if (old) {
          await ctx.t.deleteTree(old.id);
          ctx.warn(`Удалена запись типа ${typeId} с пустым значением (строка ${count})`);
          count++;
          continue;
        }
      }
      ctx.warn(`Пропущен пустой объект типа ${typeId} (строка ${count})`);
      continue;
    }
    completeRecord();
    count++;
    if (byFirstField) {
      // autoParent: the first field names the parent record (by value, or by id when numeric)
      const found = await findParents(ctx, byFirstField, fields[0]);
      if (found.length) {
        parent = Math.min(...found.map((r) => r.id));
        const siblings = await ctx.t.find({ up: found.map((r) => r.id), t: typeId });
        nextOrd = siblings.length ? Math.max(...siblings.map((r) => r.ord)) + 1 : 1;
      } else if (ctx.post.createParent !== undefined) {
        parent = await ctx.t.insert({ up: 1, ord: 1, t: byFirstField.type, val: formatVal(byFirstField.base, unmask(fields[0]), env) });
        nextOrd = 1;
      } else {
        ctx.warn(`Пропущен объект с ненайденным родителем (строка ${count})`);
        continue;
      }
      fields.shift();
      if (fields[0] === '' && !ctx.has('allowEmptyValue')) {
        // an emptied value removes the parent's record the composite key finds, or under a unique table its record of this table
        const old = keyCols.length
          ? await findKeyDuplicate(ctx, typeId, parent, '', await keysOf(fields), false)
          : unique ? (await ctx.t.find({ up: parent, t: typeId }, { limit: 1 }))[0] : undefined;
        if (old) {
          await ctx.t.deleteTree(old.id);
          ctx.warn(`Удалена запись типа ${typeId} с пустым значением (строка ${count})`);
          count++;
        } else if (!unique && !keyCols.length) ctx.warn(`Пропущен пустой объект типа ${typeId} (строка ${count})`);
        continue;
      }
    }
    const value = formatVal(tableBase, unmask(fields[0]), env);
    let existing: { id: number; val: string } | null = null;
    const existingCells = new Map<number, Row>();
    let pendingKey: string | null = null;
    if (keyCols.length) {
      const keys = await keysOf(fields);
      pendingKey = `${parent}\0${unique ? value : ''}\0${JSON.stringify([...keys])}`;
      const pendingId = pendingKeys.get(pendingKey);
      // a record made earlier by this import: its cells are pending, so none are loaded (as PHP)
      if (pendingId !== undefined) existing = { id: pendingId, val: '' };
      else {
        existing = await findKeyDuplicate(ctx, typeId, parent, value, keys, unique);
        if (existing) for (const c of await ctx.t.find({ up: existing.id })) if (c.t !== 0) existingCells.set(c.t, c);
      }
      // matched by its key alone: the record's value follows the file
      if (existing && !unique && (pendingId !== undefined || existing.val !== value)) await ctx.t.update(existing.id, { val: value });
    } else if (unique) {
      existing = (await ctx.t.find({ up: parent, t: typeId, val: value }, { limit: 1 }))[0] ?? null;
      if (existing) for (const c of await ctx.t.find({ up: existing.id })) if (c.t !== 0) existingCells.set(c.t, c);
    }
    const recordId = existing ? existing.id : await ctx.t.insert({ up: parent, ord: parent !== 1 ? nextOrd++ : 1, t: typeId, val: value });
    if (!existing && pendingKey !== null) pendingKeys.set(pendingKey, recordId);
    for (let i = 0; i < cols.length; i++) {
      const col = cols[i];
      const raw = fields[i + 1];
      if (raw.length === 0) continue;
      const val = formatVal(col.base, unmask(raw), env);
      if (col.refTarget !== null) {
        const refType = col.refTarget;
        if (raw === ' ') {
          for (const c of existingCells.values()) if (c.val === String(col.id)) await ctx.t.deleteTree(c.id);
          batch.drop(recordId, 1, col.id);
          batch.drop(recordId, 2, col.id);
          continue;
        }
        // the names are looked up as they stand in the file (escapes included), as the engine does
        const names = col.multi ? splitFields(raw, ',') : [raw];
        let ord = 1;
        for (const name of names.map((n) => n.trim())) {
          const key = `${refType}\0${name}`;
          let target = targets.get(key);
          if (target === undefined) {
            const found = await ctx.t.find({ t: refType, val: name }, { limit: 1 });
            target = found[0]?.id ?? (await ctx.t.insert({ up: 1, ord: 1, t: refType, val: name }));
            targets.set(key, target);
          }
          if (!col.multi) {
            const current = [...existingCells.values()].find((c) => c.val === String(col.id));
            if (current) {
              if (current.t !== target) await ctx.t.update(current.id, { t: target });
              continue;
            }
          }
          if (!existingCells.has(target)) batch.put(col.multi ? 2 : 1, col.id, { up: recordId, ord: ord++, t: target, val: String(col.id) });
        }
      } else if (existing && existingCells.has(col.id)) {
        const cell = existingCells.get(col.id)!;
        if (col.base === 'BOOLEAN' && (raw.toLowerCase() === 'false' || raw === '-1' || raw === ' ')) await ctx.t.deleteTree(cell.id);
        else if (cell.val !== val) {
          if (val === ' ') await ctx.t.deleteTree(cell.id);
          else await ctx.t.update(cell.id, { val });
        }
      } else if (col.base === 'BOOLEAN' && (raw.toLowerCase() === 'false' || raw === '-1' || raw === ' ')) batch.drop(recordId, 0, col.id);
      else if (val !== ' ') batch.put(0, col.id, { up: recordId, ord: 1, t: col.id, val });
      else batch.drop(recordId, 0, col.id);
    }
    await batch.maybeFlush();
  }
  await batch.flush();
  return false;
}

/** the parent table `autoParent` names (POST only), with its base; refused when it has no such column */
function autoParentOf(ctx: RequestContext, typeId: number): { type: number; base: string } | null {
  if (ctx.post.autoParent === undefined) return null;
  const parentType = toInt(paramString(ctx.post.autoParent));
  if (parentType <= 1) ctx.myDie('Неверный тип родителя (autoParent)');
  const par = ctx.meta.get(parentType);
  if (!par || !ctx.meta.childRows(parentType).some((r) => r.t === typeId && r.t !== r.up)) ctx.myDie('Не найден родитель (autoParent)');
  return { type: parentType, base: BASE_NAMES[par.t] ?? '' };
}

/** the records of the parent table a line's first field names: by its value, or by id when it is numeric */
async function findParents(ctx: RequestContext, by: { type: number; base: string }, field: string): Promise<Row[]> {
  const byValue = await ctx.t.find({ t: by.type, val: formatVal(by.base, unmask(field), ctx.formatEnv()) });
  if (!isNumeric(field)) return byValue;
  const byId = await ctx.t.get(toInt(field));
  return byId && byId.t === by.type && !byValue.some((r) => r.id === byId.id) ? [...byValue, byId] : byValue;
}

/** the base type ids by name (PHP $GLOBALS["BT"]) */
const BASE_IDS = new Map(Object.entries(BASE_NAMES).map(([id, name]) => [name, Number(id)]));

function baseIdOf(ctx: RequestContext, name: string | undefined, line: string): number {
  const id = BASE_IDS.get(name ?? '');
  // the engine's query fails here (200, its SQL error as text): a plain text too, naming the line
  if (id === undefined) ctx.dieText(`Неизвестный базовый тип «${name ?? ''}» в описании структуры: ${rtrimLine(line)}`);
  return id;
}

/** an id the file gives for a table, a reference definition or a column: a row id the stores can hold */
function structureId(ctx: RequestContext, text: string, line: string): number {
  const id = /^\d{1,10}$/.test(text) ? Number(text) : 0;
  if (id <= 1 || id > 2_147_483_647) ctx.dieText(`Недопустимый id «${text}» в описании структуры: ${rtrimLine(line)}`);
  return id;
}

/** the first row of a search, by id (the engine's unordered LIMIT 1 on the primary key) */
async function firstRow(ctx: RequestContext, match: Parameters<RequestContext['t']['find']>[0], except?: (r: Row) => boolean): Promise<Row | undefined> {
  return (await ctx.t.find(match, { orderBy: 'id' })).find((r) => !except || !except(r));
}

/**
 * A BKI file (structure lines, `DATA`, record lines), read as the engine reads it: a table line whose
 * id is free creates the table with that id; one whose id holds something else is matched by name and
 * base with an existing table, else created anew (and the file's id stands for it from then on); each
 * column is matched by the start of its description (`Name:BASE`, `arr:table`) in its table, else
 * created (a plain column over an existing term of that name and base, or a new term; a subordinate
 * column; a reference column with its reference definition, ids kept where free). The records are then
 * added as the engine adds them (ids kept where free, a record with the same type and value reused,
 * references by id).
 */
async function importBki(ctx: RequestContext, typeId: number, declared: number, fu: number, lines: string[]): Promise<boolean> {
  // the records of the file's first table go under the parent record F_U names (else under the root)
  const up = fu > 1 ? fu : 1;
  // PHP reads the structure of the addressed table first: its subordinate tables then have it as their parent
  const s = emptyStructure();
  await describeTable(ctx, s, typeId);
  await describeTable(ctx, s, declared);
  // PHP "Check Typ's independence": only a type that does not exist is refused (and only under a parent);
  // its test of the type's own parent reads a column its query does not select, so it never refuses
  if (declared !== typeId && up !== 1 && !(await ctx.t.get(declared))) {
    ctx.dieText(`Несуществующий реквизит типа ${declared} (реквизиты можно импортировать только в составе типа)`);
  }
  if (up !== 1) {
    // PHP "Validate Parent ID": the parent's table must have the file's table as a column (its text names the type's id)
    const parentRow = await ctx.t.get(up);
    if (!parentRow) ctx.dieText(`Родительская запись с id=${declared} не найдена`);
    const column = (await ctx.t.find({ up: parentRow.t, t: declared })).find((r) => r.t !== r.up);
    if (!column) ctx.dieText(`Реквизит типа ${declared} отсутствует у родителя ${up} типа`);
  }
  const imported = new Map<number, string[]>();
  /** PHP local_struct["subst"]: the file's table, column and reference ids that stand for others here */
  const subst = new Map<number, number>();
  const sub = (id: number): number => subst.get(id) ?? id;
  /** whether the file made tables or columns (the metadata is then read again) */
  let changed = false;
  const insertStructure = (row: NewRow): Promise<number> => {
    changed = true;
    return ctx.t.insert(row);
  };
  let at = 0;
  // structure lines, up to DATA: the tables
  for (; at < lines.length; at++) {
    const line = lines[at];
    if (line === 'DATA\r\n' || line === 'DATA\n') break;
    const fields = splitFields(line, ';');
    fields.pop();
    const typ = splitFields(fields[0] ?? '', ':');
    const obj = structureId(ctx, typ[0] ?? '', line);
    imported.set(obj, fields);
    if (typ.length <= 2) continue;
    const base = baseIdOf(ctx, typ[2], line);
    const name = unmask(typ[1] ?? '');
    if (await ctx.t.get(obj)) {
      await describeTable(ctx, s, obj);
      if (s.lines.get(obj)?.get(0) === fields[0]) continue;
      // PHP ResolveType: a table of that name and base, else a new one
      const same = await firstRow(ctx, { val: name, up: 0, t: base });
      let id: number;
      if (same) {
        id = same.id;
        await describeTable(ctx, s, id);
      } else {
        id = await insertStructure({ up: 0, ord: typ[3] !== undefined ? 1 : 0, t: base, val: name });
        s.lines.set(id, new Map([[0, `${id}:${typ[1] ?? ''}:${base}${typ[3] !== undefined ? ':unique' : ''}`]]));
      }
      if (id !== obj) subst.set(obj, id);
    } else {
      await insertStructure({ id: obj, up: 0, ord: typ[3] !== undefined ? 1 : 0, t: base, val: name });
      s.lines.set(obj, new Map([[0, fields[0]]]));
    }
  }
  at++;
  // the columns of each imported table: matched with ours by the start of their description, else created
  const localTypes = new Map<number, Map<number, number>>();
  for (const [par, fields] of imported) {
    const parent = sub(par);
    const mapped = new Map<number, number>();
    localTypes.set(par, mapped);
    for (let order = 1; order < fields.length; order++) {
      const req = fields[order];
      const typ = splitFields(req, ':');
      // PHP compares `kind:subst(id)` (a reference's prefix glues its definition on without a colon, so it never matches)
      const second = typ[1] ?? '';
      let value = `${typ[0]}:${/^\d+$/.test(second) ? sub(Number(second)) : second}`;
      if (typ[0] === 'ref') value += typ[2] ?? '';
      const local = s.lines.get(parent) ?? new Map<number, string>();
      if (!s.lines.has(parent)) s.lines.set(parent, local);
      const found = [...local.entries()].find(([, v]) => v.startsWith(value));
      if (found) {
        mapped.set(order, typ[0] === 'ref' ? toInt(typ[2] ?? '') : found[0]);
        continue;
      }
      if (typ[0] === 'ref') {
        const fileReq = structureId(ctx, second, req);
        const fileRef = structureId(ctx, typ[2] ?? '', req);
        const target = sub(toInt(splitFields(imported.get(fileRef)?.[0] ?? '', ':')[1] ?? ''));
        // the engine would point the definition at whatever the id is; ours needs a table there
        if ((await ctx.t.get(target))?.up !== 0 || target <= 1) ctx.dieText(`Ссылка ${fileReq} указывает на таблицу ${target}, которой нет ни в файле, ни в базе: ${rtrimLine(req)}`);
        const attrs = typ[3] !== undefined ? unmask(typ[3]) : '';
        let refId = fileRef;
        if (await ctx.t.get(fileRef)) {
          const def = await firstRow(ctx, { up: 0, t: target, val: '' });
          if (def) refId = def.id;
          else {
            refId = await insertStructure({ up: 0, ord: 0, t: target, val: '' });
            subst.set(fileRef, refId);
          }
        } else await insertStructure({ id: fileRef, up: 0, ord: 0, t: target, val: '' });
        let reqId = fileReq;
        if (await ctx.t.get(fileReq)) {
          const column = await firstRow(ctx, { t: refId, up: parent });
          if (column) reqId = column.id;
          else {
            reqId = await insertStructure({ up: parent, ord: order, t: refId, val: attrs });
            subst.set(fileReq, reqId);
          }
        } else await insertStructure({ id: fileReq, up: parent, ord: order, t: refId, val: '' });
        mapped.set(order, sub(reqId));
      } else if (typ[0] === 'arr') {
        const child = sub(structureId(ctx, second, req));
        if ((await ctx.t.get(child))?.up !== 0) ctx.dieText(`Подчинённая таблица ${child} не описана ни в файле, ни в базе: ${rtrimLine(req)}`);
        const reqId = await insertStructure({ up: parent, ord: order, t: child, val: typ[2] !== undefined ? unmask(typ[2]) : '' });
        local.set(reqId, req);
        mapped.set(order, reqId);
      } else {
        const base = baseIdOf(ctx, typ[1], req);
        const name = typ[0] ?? '';
        const term = (await firstRow(ctx, { val: name, up: 0, t: base }, (r) => r.id === r.t))?.id ?? (await insertStructure({ up: 0, ord: 0, t: base, val: name }));
        const reqId = await insertStructure({ up: parent, ord: (await ctx.t.maxOrd({ up: parent })) + 1, t: term, val: typ[2] !== undefined ? unmask(typ[2]) : '' });
        local.set(reqId, req);
        mapped.set(order, reqId);
      }
    }
  }
  // the structure as it is now, for the records
  if (changed) {
    const fresh = emptyStructure();
    await describeTable(ctx, fresh, typeId);
    await describeTable(ctx, fresh, sub(declared));
    for (const par of imported.keys()) await describeTable(ctx, fresh, sub(par));
    Object.assign(s, fresh);
  }
  const batch = new CellBatch(ctx);
  const objSubst = new Map<number, number>();
  const curParent = new Map<number, number>([[0, up]]);
  const curOrder = new Map<number, number>();
  let count = 1;
  while (at < lines.length) {
    let buffer = lines[at++];
    let fields = splitFields(buffer, ';');
    const typ = splitFields(fields[0], ':');
    let isRef = 0;
    if (typ.length === 4) isRef = toInt(typ.shift() ?? '');
    const orig = toInt(typ[0]);
    const needed = imported.get(orig)?.length ?? 0;
    while (fields.length <= needed) {
      if (at >= lines.length) ctx.myDie(`Неожиданный конец файла: запись строки ${count} не закончена`);
      buffer += lines[at++];
      fields = splitFields(buffer, ';');
      count++;
    }
    const t = sub(orig);
    if (!s.lines.has(t)) ctx.myDie(`Строка ${count}: Недопустимый тип ${t}, остутствующий в мета-данных (${rtrimLine(buffer)})`);
    count++;
    fields.pop();
    let newId = 0;
    let order = 0;
    for (const value of fields) {
      if (newId) {
        order++;
        const key = localTypes.get(orig)?.get(order);
        if (key === undefined) ctx.myDie(`Тип ${orig} (${t}) не имеет реквизита №${order} (дано слишком много реквизитов)`);
        if (!value.length) continue;
        if (!s.refs.has(key)) await batch.putAsIs({ up: newId, ord: 1, t: key, val: unmask(value) });
        else if (s.multi.has(key)) {
          let ord = 1;
          for (const ref of value.split(',')) if (toInt(ref) !== 0) await batch.putAsIs({ up: newId, ord: ord++, t: objSubst.get(toInt(ref)) ?? toInt(ref), val: String(key) });
        } else if (value.includes(':') || toInt(value) === 0) {
          // the engine looks the target table up under the column's id, where it never is
          ctx.myDie(`Строка ${count}: Тип ${key} остутствует в мета-данных (${rtrimLine(buffer)})`);
        } else await batch.putAsIs({ up: newId, ord: 1, t: objSubst.get(toInt(value)) ?? toInt(value), val: String(key) });
        continue;
      }
      if ((typ[2] ?? '') === '') ctx.myDie(`Строка ${count}: Пустой объект типа ${t} (строка ${count}) (${rtrimLine(buffer)})`);
      let parent = 1;
      let ord = 1;
      const parentOf = curParent.get(s.parents.get(t) ?? -1);
      if (parentOf !== undefined) {
        parent = parentOf;
        const last = curOrder.get(parent);
        ord = last !== undefined ? last + 1 : (await ctx.t.maxOrd({ up: parent, t })) + 1;
        curOrder.set(parent, ord);
      }
      const val = unmask(typ[2] ?? '');
      if ((typ[1] ?? '') === '') newId = await ctx.t.insert({ up: parent, ord, t, val });
      else {
        newId = toInt(typ[1]);
        const same = (await ctx.t.find({ t, val }, { limit: 1 }))[0];
        const taken = same ? null : await ctx.t.get(newId);
        if (same) {
          objSubst.set(newId, same.id);
          newId = same.id;
        } else if (taken) {
          if (taken.t === t && taken.val === val) break;
          const fresh = await ctx.t.insert({ up: parent, ord, t, val });
          objSubst.set(newId, fresh);
          newId = fresh;
        } else if (isRef) await ctx.t.insert({ id: newId, up: 1, ord: 1, t, val });
        else await ctx.t.insert({ id: newId, up: parent, ord, t, val });
      }
      curParent.set(t, newId);
    }
  }
  await batch.flush();
  return changed;
}
