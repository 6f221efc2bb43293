/**
 * What this build is: version from package.json, commit and build time from a
 * `build-info.json` the packaging step may write next to package.json, else from the git
 * checkout and the entry file's modification time. Read once.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface BuildInfo {
  version: string;
  commit: string | null;
  buildTime: string | null;
  /** the folder holding the package.json the version came from */
  root: string | null;
}

function readJson(file: string): Record<string, unknown> | null {
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The application's package.json: the workspace root (integram-appliance) when present, else the server package. */
function findPackageRoot(start: string): { root: string; version: string } | null {
  let fallback: { root: string; version: string } | null = null;
  let dir = start;
  for (let depth = 0; depth < 8; depth++) {
    const pkg = readJson(path.join(dir, 'package.json'));
    if (pkg && typeof pkg.version === 'string') {
      if (pkg.name === 'integram-appliance') return { root: dir, version: pkg.version };
      fallback ??= { root: dir, version: pkg.version };
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return fallback;
}

function gitCommit(root: string): string | null {
  try {
    const gitDir = path.join(root, '.git');
    const head = readFileSync(path.join(gitDir, 'HEAD'), 'utf8').trim();
    if (!head.startsWith('ref:')) return /^[0-9a-f]{40}$/.test(head) ? head : null;
    const ref = head.slice(4).trim();
    const loose = path.join(gitDir, ref);
    if (existsSync(loose)) return readFileSync(loose, 'utf8').trim();
    const packed = readFileSync(path.join(gitDir, 'packed-refs'), 'utf8');
    const line = packed.split('\n').find((entry) => entry.endsWith(` ${ref}`));
    return line ? line.split(' ')[0] : null;
  } catch {
    return null;
  }
}

let cached: BuildInfo | null = null;

export function buildInfo(): BuildInfo {
  if (cached) return cached;
  const here = path.dirname(fileURLToPath(import.meta.url));
  const found = findPackageRoot(here);
  const root = found?.root ?? null;
  const recorded = root ? readJson(path.join(root, 'build-info.json')) : null;
  let buildTime: string | null = typeof recorded?.buildTime === 'string' ? recorded.buildTime : null;
  if (!buildTime) {
    try {
      const entry = process.argv[1] ? path.resolve(process.argv[1]) : fileURLToPath(import.meta.url);
      buildTime = statSync(entry).mtime.toISOString();
    } catch {
      buildTime = null;
    }
  }
  cached = {
    version: found?.version ?? '0.0.0',
    commit: typeof recorded?.commit === 'string' ? recorded.commit : root ? gitCommit(root) : null,
    buildTime,
    root,
  };
  return cached;
}
