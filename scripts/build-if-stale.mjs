// Shared by `npm start` and the command-line tools (`npm run db`, `npm run admin`, ...): builds the
// project only when a source is newer than the build (the first run after a clone or a pull), so
// everything then runs the compiled JavaScript in dist/ (fast to start, no dev dependency needed).
// Plain JavaScript: it must run before anything is built.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SOURCES = ['server', 'main', 'renderer/src', 'renderer/index.html', 'renderer/vite.config.ts', 'renderer/package.json',
  'workspace/src', 'workspace/index.html', 'workspace/vite.config.ts', 'workspace/package.json', 'package.json', 'server/package.json', 'tsconfig.json', 'tsconfig.build.json'];
const OUTPUTS = ['dist/server/index.js', 'dist/server/launch.js', 'dist/renderer/index.html', 'dist/workspace/index.html'];

/** newest modification time under a file or folder (0 when it does not exist) */
function newest(target) {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = 0;
  for (const entry of readdirSync(target, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    latest = Math.max(latest, newest(path.join(target, entry.name)));
  }
  return latest;
}

/** why the build must be redone, or null when dist/ is up to date */
function buildIsStale() {
  const outputs = OUTPUTS.map((file) => path.join(root, file));
  if (outputs.some((file) => !existsSync(file))) return 'no build yet';
  const built = Math.min(...outputs.map((file) => statSync(file).mtimeMs));
  const changed = SOURCES.find((source) => newest(path.join(root, source)) > built);
  return changed ? `${changed} changed since the last build` : null;
}

/**
 * Builds when needed; exits the process when the build fails. The build's output goes to stderr,
 * so a tool whose stdout is data (`npm run db -- export`) keeps it clean.
 */
export function ensureBuilt(what) {
  const stale = buildIsStale();
  if (!stale) return;
  console.error(`> building (${stale}): npm run build`);
  const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: ['ignore', process.stderr, process.stderr] });
  if (build.status !== 0) {
    console.error(`> the build failed; ${what} was not started`);
    process.exit(build.status ?? 1);
  }
}
