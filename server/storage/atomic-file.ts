/**
 * Atomic file writes: a temp file in the same folder, fsync, rename over the target, fsync of the
 * folder. A crash leaves the old file or the new one, never a half-written file. Used for rows
 * snapshots, backup manifests and the `.env` file.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

/** Writes `content` to `file` atomically (temp file + fsync + rename + folder fsync). */
export async function writeFileAtomic(file: string, content: string, options: { mode?: number } = {}): Promise<void> {
  const dir = path.dirname(file);
  await fs.mkdir(dir, { recursive: true });
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const mode = options.mode ?? (await existingMode(file)) ?? 0o600;
  const handle = await fs.open(temp, 'w', mode);
  try {
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } catch (err) {
    await handle.close();
    await fs.rm(temp, { force: true });
    throw err;
  }
  await handle.close();
  try {
    await fs.rename(temp, file);
  } catch (err) {
    await fs.rm(temp, { force: true });
    throw err;
  }
  await syncDirectory(dir);
}

async function existingMode(file: string): Promise<number | null> {
  try {
    return (await fs.stat(file)).mode & 0o777;
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}

async function syncDirectory(dir: string): Promise<void> {
  // Windows cannot open a folder for fsync; the rename is still atomic there.
  if (process.platform === 'win32') return;
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function isNotFound(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'ENOENT';
}
