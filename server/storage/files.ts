/**
 * The files of FILE columns on disk (the engine's FileStore): `{root}/{db}/{folder}/{file}`, the
 * folder layout of the PHP engine's `download/{db}/` (engine/files.ts makes the paths). The root is
 * UPLOAD_DIR. Paths are checked here again: a database name and two plain segments, nothing that
 * could leave the root.
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FileStore } from './types.js';

const DB = /^[a-z0-9_]{1,64}$/i;
const SEGMENT = /^[^/\\\0]+$/;

export class DiskFileStore implements FileStore {
  constructor(readonly root: string) {}

  private resolve(db: string, relPath: string): string {
    const parts = relPath.split('/');
    if (!DB.test(db) || parts.length !== 2 || !parts.every((p) => SEGMENT.test(p) && p !== '.' && p !== '..')) {
      throw new Error(`not a file path of the engine: ${db}/${relPath}`);
    }
    const full = path.resolve(this.root, db, ...parts);
    if (!full.startsWith(path.resolve(this.root) + path.sep)) throw new Error(`outside the upload folder: ${db}/${relPath}`);
    return full;
  }

  async write(db: string, relPath: string, content: Uint8Array): Promise<void> {
    const full = this.resolve(db, relPath);
    await mkdir(path.dirname(full), { recursive: true });
    // a reader never sees half a file: write beside it, then rename over it
    const temp = `${full}.${process.pid}.${Date.now()}.part`;
    await writeFile(temp, content);
    await rename(temp, full);
  }

  async read(db: string, relPath: string): Promise<Uint8Array | null> {
    try {
      return await readFile(this.resolve(db, relPath));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'EISDIR') return null;
      throw err;
    }
  }

  async remove(db: string, relPath: string): Promise<void> {
    await rm(this.resolve(db, relPath), { force: true });
  }
}
