/**
 * A lock file that says "this folder is open in process N". A PGlite data folder must
 * be opened by one process only; the CLI uses the same lock to refuse with a clear
 * message while the server runs. A lock left by a dead process is taken over.
 */
import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync, fsyncSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { StoreError } from './errors.js';

export const LOCK_FILE_NAME = 'integram-appliance.lock';

interface LockInfo {
  pid: number;
  host: string;
  since: string;
}

function readLock(path: string): LockInfo | null {
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (parsed && typeof parsed === 'object' && 'pid' in parsed && typeof parsed.pid === 'number') {
      const host = 'host' in parsed && typeof parsed.host === 'string' ? parsed.host : '';
      const since = 'since' in parsed && typeof parsed.since === 'string' ? parsed.since : '';
      return { pid: parsed.pid, host, since };
    }
    return null;
  } catch {
    return null;
  }
}

/** whether a process with this pid exists on this machine */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Who holds the folder, or null when nobody (alive) does. */
export function folderLockHolder(dir: string): LockInfo | null {
  const info = readLock(join(dir, LOCK_FILE_NAME));
  if (!info) return null;
  if (info.host && info.host !== hostname()) return info;
  return processAlive(info.pid) ? info : null;
}

export function folderInUseMessage(dir: string, pid: number): string {
  return `the data folder ${dir} is in use by a running server (pid ${pid}); stop it or use the console`;
}

/** Takes the lock or throws StoreError('in_use'); returns the release function. */
export function acquireFolderLock(dir: string): () => void {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, LOCK_FILE_NAME);
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx', 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = folderLockHolder(dir);
      if (holder) throw new StoreError('in_use', folderInUseMessage(dir, holder.pid));
      // stale (dead pid, or unreadable after a crash mid-write): take it over
      try { unlinkSync(path); } catch { /* someone else removed it first */ }
      continue;
    }
    const info: LockInfo = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
    writeSync(fd, JSON.stringify(info));
    fsyncSync(fd);
    closeSync(fd);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const current = readLock(path);
      if (current && current.pid === process.pid) {
        try { unlinkSync(path); } catch { /* already gone */ }
      }
    };
  }
  throw new StoreError('in_use', `could not take the lock on the data folder ${dir}`);
}
