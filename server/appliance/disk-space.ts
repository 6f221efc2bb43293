/**
 * Free space of the data folder's file system: /api/health shows it, and the admin alert
 * (./admin-alerts.ts) mails the console admin when it runs low.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';

/** Size and free space of the file system holding `dir` (or its nearest existing parent). */
export async function diskSpace(dir: string): Promise<{ total: number; free: number } | null> {
  let current = path.resolve(dir);
  for (let depth = 0; depth < 32; depth++) {
    try {
      const stats = await fs.statfs(current);
      return { total: stats.blocks * stats.bsize, free: stats.bavail * stats.bsize };
    } catch (err) {
      const parent = path.dirname(current);
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || parent === current) return null;
      current = parent;
    }
  }
  return null;
}
