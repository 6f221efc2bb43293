/**
 * The file manager's folders on disk (storage/types.ts `FolderStore`): `{root}/{db}/{names…}`, one
 * root per kind (`templates`: DATA_DIR/templates, `download`: UPLOAD_DIR, where the FILE columns'
 * files are). Every path is checked here, whatever the caller checked before: the database name,
 * each name plain (no separators, no `.`/`..`, no NUL), and the real path (links resolved) inside
 * the database's folder.
 */
import { lstat, mkdir, readdir, readFile, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FolderEntry, FolderRoot, FolderStore } from './types.js';

const DB = /^[a-z0-9_]{1,64}$/i;
const NAME = /^[^/\\\0]+$/;

/** a path outside the database's folder or with a name that is not plain */
export class FolderPathError extends Error {}

export function isPlainName(name: string): boolean {
  return NAME.test(name) && name !== '.' && name !== '..';
}

function errno(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException).code;
}

export class DiskFolders implements FolderStore {
  constructor(private readonly roots: Record<FolderRoot, string>) {}

  /** the database's folder, created when missing */
  private async base(root: FolderRoot, db: string): Promise<string> {
    if (!DB.test(db)) throw new FolderPathError(`not a database name: ${db}`);
    const dir = path.resolve(this.roots[root], db.toLowerCase());
    await mkdir(dir, { recursive: true });
    return dir;
  }

  /**
   * The absolute path of names below the database's folder. The deepest existing ancestor is
   * resolved with its links and must stay inside the (resolved) folder, so a link placed in the
   * folder cannot lead out of it.
   */
  private async resolve(root: FolderRoot, db: string, names: readonly string[]): Promise<string> {
    if (!names.every(isPlainName)) throw new FolderPathError(`not a plain path: ${names.join('/')}`);
    const base = await this.base(root, db);
    const realBase = await realpath(base);
    const full = path.join(base, ...names);
    let probe = full;
    for (;;) {
      try {
        const real = await realpath(probe);
        if (real !== realBase && !real.startsWith(realBase + path.sep)) throw new FolderPathError(`outside the folder: ${names.join('/')}`);
        break;
      } catch (err) {
        if (err instanceof FolderPathError || errno(err) !== 'ENOENT') throw err;
        if (probe === base) break;
        probe = path.dirname(probe);
      }
    }
    return full;
  }

  async kind(root: FolderRoot, db: string, names: readonly string[]): Promise<'file' | 'dir' | null> {
    try {
      const st = await stat(await this.resolve(root, db, names));
      return st.isDirectory() ? 'dir' : st.isFile() ? 'file' : null;
    } catch (err) {
      if (err instanceof FolderPathError || errno(err) === 'ENOENT' || errno(err) === 'ENOTDIR') return null;
      throw err;
    }
  }

  async list(root: FolderRoot, db: string, names: readonly string[]): Promise<FolderEntry[] | null> {
    let dir: string;
    let entries: string[];
    try {
      dir = await this.resolve(root, db, names);
      entries = await readdir(dir);
    } catch (err) {
      if (err instanceof FolderPathError || errno(err) === 'ENOENT' || errno(err) === 'ENOTDIR') return null;
      throw err;
    }
    const out: FolderEntry[] = [];
    for (const name of entries) {
      try {
        const st = await stat(path.join(dir, name));
        out.push({ name, dir: st.isDirectory(), size: st.isDirectory() ? 0 : st.size, mtimeMs: st.mtimeMs });
      } catch {
        // a dangling link or an entry removed meanwhile: not listed
      }
    }
    return out;
  }

  async mkdir(root: FolderRoot, db: string, names: readonly string[]): Promise<void> {
    await mkdir(await this.resolve(root, db, names));
  }

  async write(root: FolderRoot, db: string, names: readonly string[], content: Uint8Array): Promise<void> {
    const full = await this.resolve(root, db, names);
    const temp = `${full}.${process.pid}.${Date.now()}.part`;
    await writeFile(temp, content);
    try {
      await rename(temp, full);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
  }

  async read(root: FolderRoot, db: string, names: readonly string[]): Promise<Uint8Array | null> {
    try {
      return await readFile(await this.resolve(root, db, names));
    } catch (err) {
      if (err instanceof FolderPathError || errno(err) === 'ENOENT' || errno(err) === 'EISDIR' || errno(err) === 'ENOTDIR') return null;
      throw err;
    }
  }

  async remove(root: FolderRoot, db: string, names: readonly string[]): Promise<boolean> {
    if (!names.length) throw new FolderPathError('the database folder itself is not removed');
    let full: string;
    try {
      full = await this.resolve(root, db, names);
      await lstat(full);
    } catch (err) {
      if (err instanceof FolderPathError || errno(err) === 'ENOENT' || errno(err) === 'ENOTDIR') return false;
      throw err;
    }
    await rm(full, { recursive: true, force: true });
    return true;
  }
}

/** the file manager's roots of a server: `templates` in DATA_DIR/templates, `download` in UPLOAD_DIR */
export function folderRoots(dataDir: string, uploadDir: string): Record<FolderRoot, string> {
  return { templates: path.join(dataDir, 'templates'), download: uploadDir };
}

/** Removes a database's folder under every root (the database was deleted); a folder that is not there is fine. */
export async function removeDatabaseFolders(roots: Record<FolderRoot, string>, db: string): Promise<void> {
  if (!DB.test(db)) throw new FolderPathError(`not a database name: ${db}`);
  for (const root of Object.values(roots)) {
    // the name is checked above: the folder is a direct child of the root
    await rm(path.join(path.resolve(root), db.toLowerCase()), { recursive: true, force: true });
  }
}
