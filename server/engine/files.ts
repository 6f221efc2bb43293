/**
 * FILE columns (base type 10): where an uploaded file is kept, how a cell shows it, and the file
 * changes of one write command (docs/legacy-api.md, "Files").
 *
 * A FILE cell holds the original file name; the bytes live in the host's `FileStore` (UPLOAD_DIR)
 * at the PHP engine's path `{db}/{floor(id/1000)}{sha8(floor(id/1000))}/{last3(id)}{sha8(id)}.{ext}`
 * with `id` the cell row and `sha8(x)` the first 8 hex of sha512(SALT + db + x), so a database moved
 * from the PHP engine keeps its links. The link is `/download/{db}/{that path}`, served only to
 * users who may read the record (files.ts `downloadFile`, a deliberate difference: PHP serves the
 * folder to anyone).
 *
 * File writes and removals are side effects outside the store: a command only queues them on the
 * request (`ctx.fileChanges`); `runWrite` writes the new files just before the transaction commits
 * (a failed write rolls the rows back) and removes files only after it has committed.
 */
import type { RequestContext } from './context.js';
import type { CommandState } from './command-state.js';
import type { UploadedFile } from './types.js';
import type { Row } from '../storage/types.js';
import { htmlspecialchars } from './php.js';
import { grantOk } from './access.js';

/** FILE base type id */
export const FILE_BASE = 10;

/** the extensions the PHP engine refuses (its BlackList), compared without case */
const BLOCKED_EXTENSIONS = new Set([
  'php', 'php2', 'php3', 'php4', 'php5', 'php6', 'php7', 'php8', 'phps', 'phtml', 'pht', 'phar', 'shtml', 'cgi', 'pl', 'fcgi', 'fpl', 'asp', 'jsp',
  'htaccess', 'htpasswd', 'sh',
]);

/** PHP BlackList($ext): an extension the engine never stores */
export function isBlockedExtension(ext: string): boolean {
  return BLOCKED_EXTENSIONS.has(ext.toLowerCase());
}

/** PHP substr(strrchr($name, '.'), 1): what follows the last dot, '' without one */
export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(dot + 1);
}

/** the file's path inside the database's upload folder (PHP GetSubdir + GetFilename) */
export function filePath(ctx: RequestContext, cellId: number, name: string): string {
  return storedFilePath((value) => ctx.core.saltedHash(ctx.db, value), cellId, name);
}

/**
 * The same path from the salted hash of a database alone (sha512(SALT + db + value)): for code
 * that places files without a request, e.g. a database brought over from another server.
 */
export function storedFilePath(saltedHash: (value: string) => string, cellId: number, name: string): string {
  const sha8 = (value: number): string => saltedHash(String(value)).slice(0, 8);
  const thousand = Math.floor(cellId / 1000);
  return `${thousand}${sha8(thousand)}/${`00${cellId}`.slice(-3)}${sha8(cellId)}.${extensionOf(name)}`;
}

/**
 * How lists and the card show a FILE cell (PHP Format_Val_View for FILE): a link to the file.
 * The name is HTML-escaped (PHP prints it raw: a file name with markup would be injected).
 */
export function fileLink(ctx: RequestContext, cellId: number, name: string): string {
  return `<a target="_blank" href="/download/${ctx.db}/${filePath(ctx, cellId, name)}">${htmlspecialchars(name)}</a>`;
}


/** whether a requisite (column) id is a FILE column */
export function isFileColumn(ctx: RequestContext, reqId: number): boolean {
  const info = ctx.meta.req(reqId);
  return !!info && info.refTarget === null && info.base === FILE_BASE;
}

/** the FILE cells among rows (e.g. a record's subtree about to be deleted) */
export function fileCells(ctx: RequestContext, rows: readonly Row[]): Row[] {
  return rows.filter((r) => r.up > 0 && r.val !== '' && isFileColumn(ctx, r.t));
}

/** queue the removal of the files of these cells (done after the commit) */
export function removeFilesOf(ctx: RequestContext, cells: readonly Row[]): void {
  for (const c of cells) ctx.fileChanges.push({ kind: 'remove', path: filePath(ctx, c.id, c.val) });
}

/** every FILE cell in the subtrees of these rows, the rows included (before they are deleted) */
export async function fileCellsBelow(ctx: RequestContext, ids: number[]): Promise<Row[]> {
  if (!ids.length || !ctx.meta.hasFileColumns()) return [];
  const roots = await ctx.t.find({ id: ids });
  return fileCells(ctx, [...roots, ...(await ctx.t.descendants(ids))]);
}

/** the file parts of the request that go into FILE cells: field `t{requisite}`, a non-empty name (PHP $_FILES loop) */
export function uploadsForCells(ctx: RequestContext): Array<{ t: number; file: UploadedFile }> {
  const out: Array<{ t: number; file: UploadedFile }> = [];
  for (const file of ctx.req.files ?? []) {
    if (file.name.length === 0 || !file.field.startsWith('t')) continue;
    const rest = file.field.slice(1);
    if (!/^\d+$/.test(rest) || Number(rest) === 0) continue;
    out.push({ t: Number(rest), file });
  }
  return out;
}

/**
 * Checks one upload before anything is stored: the column is a FILE column of the record's table
 * (PHP stores any field; ours refuses the rest), the extension is allowed, and there is a folder
 * to keep it in. Every refusal is an error answer, and the command's rows roll back.
 */
export function checkUpload(ctx: RequestContext, recordType: number, t: number, file: UploadedFile): void {
  if (isBlockedExtension(extensionOf(file.name))) ctx.myDie('Недопустимый тип файла!');
  const column = ctx.meta.childRows(recordType).find((r) => r.id === t);
  if (!column || !isFileColumn(ctx, t)) ctx.myDie(`Поле t${t} не является файловым реквизитом этой таблицы`);
  if (!ctx.core.files) ctx.myDie('Хранилище файлов не настроено (UPLOAD_DIR)', 503);
}

/**
 * Stores an upload into the record's cell of column t: updates the cell when there is one (its old
 * file goes when the name's extension changes, as the path changes with it), inserts it otherwise.
 * Returns the cell id.
 */
export async function storeUpload(ctx: RequestContext, record: number, t: number, file: UploadedFile, existing: Row | undefined): Promise<number> {
  let cellId: number;
  if (existing) {
    cellId = existing.id;
    if (existing.val !== file.name) await ctx.t.update(existing.id, { val: file.name });
    if (existing.val !== '' && extensionOf(existing.val) !== extensionOf(file.name)) removeFilesOf(ctx, [existing]);
  } else cellId = await ctx.t.insert({ up: record, ord: 1, t, val: file.name });
  ctx.fileChanges.push({ kind: 'write', path: filePath(ctx, cellId, file.name), content: file.content });
  return cellId;
}

/**
 * `GET /download/{db}/{folder}/{file}` (the link fileLink gives): the file, when the path is one
 * the engine makes, its cell exists and is a FILE cell, and the user may read the record. Anything
 * else is 404 (no hint whether a file exists for a record one may not read).
 */
export async function downloadFile(ctx: RequestContext, s: CommandState): Promise<never> {
  const folder = ctx.req.id ?? '';
  const name = ctx.req.extra ?? '';
  const notFound = (): never => ctx.myDie('Файл не найден', 404);
  const folderMatch = /^(\d+)([0-9a-f]{8})$/.exec(folder);
  const nameMatch = /^(\d{3})([0-9a-f]{8})\.([^/\\]*)$/.exec(name);
  if (!folderMatch || !nameMatch || ctx.req.segments.length !== 3) return notFound();
  const thousand = Number(folderMatch[1]);
  const cellId = thousand * 1000 + Number(nameMatch[1]);
  if (!Number.isSafeInteger(cellId) || cellId <= 0) return notFound();
  const cell = await ctx.t.get(cellId);
  if (!cell || !isFileColumn(ctx, cell.t) || filePath(ctx, cellId, cell.val) !== `${folder}/${name}`) return notFound();
  if (!(await grantOk(ctx, cell.up, cell.t, 'READ'))) return notFound();
  const content = ctx.core.files ? await ctx.core.files.read(ctx.db, `${folder}/${name}`) : null;
  if (!content) return notFound();
  void s;
  ctx.sendFile(cell.val, content);
}
