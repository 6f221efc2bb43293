/**
 * `dir_admin`: the engine's file manager for a database's two folders (docs/legacy-api.md,
 * "dir_admin"): `templates` (PHP `templates/custom/{db}`) and, with `download`, `download` (PHP
 * `download/{db}`, where the FILE columns' files are). Listing, `gf` (download a file), and the
 * commands `mkdir`, `touch`, `upload`, `delete` with the PHP engine's grant rule, refusals and answers.
 *
 * The folders are the host's `FolderStore` (storage/folders.ts checks every path again); names
 * reach it only as plain names, so nothing here can address anything outside the database's folder.
 * Deliberate differences (docs/compatibility.md): the listing is JSON in JSON mode (the engine
 * renders its dir_admin.html page), `delete` skips the name `.` (the engine would empty the
 * folder), and `kill` (a MySQL session) is not offered.
 */
import type { RequestContext } from './context.js';
import type { FolderEntry, FolderRoot, FolderStore } from './types.js';
import { checkXsrf } from './auth.js';
import { extensionOf, FILE_BASE, isBlockedExtension } from './files.js';
import { dateDMYHIS, htmlspecialchars } from './php.js';

/** PHP DIR_MASK and FILE_MASK (checked on the lower-cased name) */
const DIR_MASK = /^[a-z0-9_-]+$/i;
const FILE_MASK = /^[a-z0-9_.-]+$/i;

/** PHP RepoGrant(): the role's grant on the FILE base type, else WRITE for the owner and admin, else BARRED */
export function repoGrant(ctx: RequestContext): string {
  const s = ctx.session!;
  const explicit = s.grants.levels.get(String(FILE_BASE));
  if (explicit !== undefined) return explicit;
  return s.user === ctx.db || s.user === 'admin' ? 'WRITE' : 'BARRED';
}

/** PHP NormalSize() */
export function normalSize(size: number): string {
  const round2 = (v: number): string => String(Math.round(v * 100) / 100);
  if (size < 1024) return `${size} B`;
  if (size < 1048576) return `${round2(size / 1024)} KB`;
  if (size < 1073741824) return `${round2(size / 1048576)} MB`;
  if (size < 1099511627776) return `${round2(size / 1073741824)} GB`;
  return `${round2(size / 1099511627776)} TB`;
}

/**
 * The names of a path given as `/a/b` (PHP appends it to the folder's path as it is): empty and `.`
 * parts mean nothing; null when a part is not a plain name (`..`, a backslash, NUL).
 */
function pathNames(text: string): string[] | null {
  const names = text.split('/').filter((n) => n !== '' && n !== '.');
  return names.every((n) => n !== '..' && !/[\\\0]/.test(n)) ? names : null;
}

export async function dirAdmin(ctx: RequestContext): Promise<never> {
  const folders = ctx.core.folders;
  if (!folders) ctx.myDie('Файловый менеджер не настроен на этом сервере', 501);
  const grant = repoGrant(ctx);
  if (grant === 'BARRED') ctx.dieText('Недостаточно прав для доступа к этому рабочему месту');
  const root: FolderRoot = ctx.has('download') ? 'download' : 'templates';
  const shownBase = root === 'download' ? `download/${ctx.db}` : `templates/custom/${ctx.db}`;
  let addPath = ctx.has('add_path') ? ctx.str('add_path') : '';
  if (addPath.includes('..')) addPath = '';

  if (ctx.has('gf')) {
    const gf = ctx.str('gf');
    // PHP reads `{folder}{add_path}/{gf}`: an add_path without its leading slash names no folder of ours
    const names = gf.includes('..') || (addPath !== '' && !addPath.startsWith('/')) ? null : pathNames(`${addPath}/${gf}`);
    const content = names?.length ? await folders.read(root, ctx.db, names) : null;
    if (!names || !content) ctx.dieText('Файл не найден');
    ctx.sendDownload(names[names.length - 1], content, 'application/octet-stream');
  }

  // PHP is_dir($path.$add_path): a path that is no folder (or does not start with a slash) is dropped
  let here: string[] = [];
  const addNames = addPath.startsWith('/') ? pathNames(addPath) : null;
  if (addNames && (await folders.kind(root, ctx.db, addNames)) === 'dir') here = addNames;
  else addPath = '';
  const shownHere = shownBase + addPath;

  const done = (action: string, warning?: string): never => {
    if (ctx.has('JSON')) ctx.dieJson({ ok: true, action, folder: root, add_path: addPath });
    ctx.redirect(`/${ctx.db}/dir_admin/?${root}=1&add_path=${addPath}${warning === undefined ? '' : `&warning=${warning}`}`);
  };
  const needWrite = (refusal: string): void => {
    if (grant !== 'WRITE') ctx.dieText(refusal);
    checkXsrf(ctx);
  };

  if (ctx.has('kill')) {
    needWrite('Недостаточно прав для снятия сессий');
    ctx.myDie('Снятие сессий базы данных на этом сервере не поддерживается', 501);
  }
  const name = ctx.has('dir_name') ? ctx.str('dir_name').trim().toLowerCase() : '';
  if (ctx.has('mkdir')) {
    needWrite('Недостаточно прав для создания каталогов');
    if (!DIR_MASK.test(name)) ctx.dieText('Недопустимое имя каталога.');
    const existing = await folders.kind(root, ctx.db, [...here, name]);
    if (existing === 'dir') ctx.dieText('Такой каталог уже существует!');
    // PHP ignores a failed mkdir (a file of that name): the same answer, nothing created
    if (existing === null) await failing(ctx, 'Не удалось создать каталог', () => folders.mkdir(root, ctx.db, [...here, name]));
    done('mkdir');
  }
  if (ctx.has('touch')) {
    needWrite('Недостаточно прав для создания файлов');
    if (!FILE_MASK.test(name)) ctx.dieText('Недопустимое имя файла.');
    if (isBlockedExtension(extensionOf(name))) ctx.myDie('Недопустимый тип файла!');
    const fileName = name.includes('.') ? name : `${name}.html`;
    const target = [...here, fileName];
    // `.`/`..` (names the mask allows) are folders: touching them only changes their time
    const existing = fileName === '.' || fileName === '..' ? 'dir' : await folders.kind(root, ctx.db, target);
    if (existing === 'file') ctx.dieText(`Такой файл (${fileName}) уже существует!`);
    if (existing === null) await failing(ctx, 'Не удалось создать файл', () => folders.write(root, ctx.db, target, new Uint8Array()));
    done('touch');
  }
  if (ctx.postStr('upload') !== undefined) {
    needWrite('Недостаточно прав для загрузки файлов');
    const file = (ctx.req.files ?? []).find((f) => f.name.length > 0);
    if (file) {
      const base = file.name.replace(/\\/g, '/').split('/').pop() ?? '';
      if (base === '' || base.includes('..')) ctx.dieText('Недопустимое имя файла');
      if (isBlockedExtension(extensionOf(base))) ctx.myDie('Недопустимый тип файла!');
      if (base === '.' || /\0/.test(base)) ctx.dieText('Не удалось загрузить файл');
      const target = [...here, base];
      const existing = await folders.kind(root, ctx.db, target);
      let warning = '';
      if (existing !== null) {
        if (!ctx.has('rewrite')) ctx.dieText(`Такой файл (${base}) уже существует!`);
        warning = ' (перезаписан)';
        if (existing === 'dir') ctx.dieText('Не удалось загрузить файл');
      }
      await failing(ctx, 'Не удалось загрузить файл', () => folders.write(root, ctx.db, target, file.content));
      done('upload', `Файл ${base} загружен${warning}`);
    }
  }
  if (ctx.postStr('delete') !== undefined) {
    needWrite('Недостаточно прав для удаления файлов');
    const del = ctx.post.del;
    const list = Array.isArray(del) ? del : del !== null && typeof del === 'object' ? Object.values(del) : [];
    for (const value of list) {
      const entry = typeof value === 'string' ? value : '';
      // plain names only (PHP: no `..`, `/`, `\`); `.` would be the folder itself
      if (!entry.length || entry.includes('..') || entry.includes('/') || entry.includes('\\') || entry === '.' || entry.includes('\0')) continue;
      if (!(await folders.remove(root, ctx.db, [...here, entry]))) ctx.myDie(`Не удалось удалить файл '${shownHere}/${entry}'.`);
    }
    done('delete');
  }
  return listing(ctx, folders, root, here, addPath, shownHere);
}

/** a folder write that fails (a full disk, a name the file system refuses) is a plain refusal, as PHP's, and is logged */
async function failing(ctx: RequestContext, refusal: string, write: () => Promise<void>): Promise<void> {
  try {
    await write();
  } catch (err) {
    ctx.core.logger?.warn({ err: String(err), db: ctx.db }, 'dir_admin: a folder write failed');
    ctx.dieText(refusal);
  }
}

/** the folder's content: JSON in JSON mode, else a plain page (the engine renders its dir_admin.html) */
async function listing(ctx: RequestContext, folders: FolderStore, root: FolderRoot, here: string[], addPath: string, shownHere: string): Promise<never> {
  const entries: FolderEntry[] = (await folders.list(root, ctx.db, here)) ?? [];
  const byName = (a: FolderEntry, b: FolderEntry): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const dirs = entries.filter((e) => e.dir).sort(byName).map((e) => e.name);
  const files = entries.filter((e) => !e.dir).sort(byName).map((e) => ({ name: e.name, size: normalSize(e.size), bytes: e.size, time: dateDMYHIS(e.mtimeMs / 1000) }));
  const another = root === 'download' ? 'templates' : 'download';
  if (ctx.api) ctx.dieJson({ folder: root, another, path: shownHere, add_path: addPath, folders: dirs, files });
  const q = (extra: string): string => htmlspecialchars(`/${ctx.db}/dir_admin/?${root}=1&${extra}`);
  const rows = [
    ...(addPath ? [`<tr><td><a href="${q(`add_path=${encodeURIComponent(addPath.replace(/\/[^/]*$/, ''))}`)}">..</a></td><td></td><td></td></tr>`] : []),
    ...dirs.map((d) => `<tr><td><a href="${q(`add_path=${encodeURIComponent(`${addPath}/${d}`)}`)}">${htmlspecialchars(d)}/</a></td><td></td><td></td></tr>`),
    ...files.map((f) => `<tr><td><a href="${q(`add_path=${encodeURIComponent(addPath)}&gf=${encodeURIComponent(f.name)}`)}">${htmlspecialchars(f.name)}</a></td><td>${f.size}</td><td>${f.time}</td></tr>`),
  ];
  ctx.dieText(`<!DOCTYPE html><html><head><meta charset="utf-8"><title>${htmlspecialchars(shownHere)}</title></head><body>`
    + `<p>${htmlspecialchars(shownHere)} · <a href="${htmlspecialchars(`/${ctx.db}/dir_admin/?${another}=1`)}">${another}</a></p>`
    + `<table>${rows.join('')}</table></body></html>`);
}
