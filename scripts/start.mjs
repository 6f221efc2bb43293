#!/usr/bin/env node
// `npm start`: builds only when a source is newer than the build (the first start after a clone or
// a pull), then runs the server under its launcher (dist/server/launch.js), which starts it again
// after a restart requested from the console. Plain JavaScript: it must run before anything is built.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
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

function buildIsStale() {
  const outputs = OUTPUTS.map((file) => path.join(root, file));
  if (outputs.some((file) => !existsSync(file))) return 'no build yet';
  const built = Math.min(...outputs.map((file) => statSync(file).mtimeMs));
  const changed = SOURCES.find((source) => newest(path.join(root, source)) > built);
  return changed ? `${changed} changed since the last build` : null;
}

// `npm run start:high-mem`: a 4 GB JavaScript heap for large imports and reports; NODE_OPTIONS
// reaches the server process the launcher starts (and every restart of it)
if (process.argv.includes('--high-mem')) {
  process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --max-old-space-size=4096`.trim();
}

const stale = buildIsStale();
if (stale) {
  console.log(`> building (${stale}): npm run build`);
  const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) {
    console.error('> the build failed; the server was not started');
    process.exit(build.status ?? 1);
  }
}
await import(pathToFileURL(path.join(root, 'dist/server/launch.js')).href);
