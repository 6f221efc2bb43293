/**
 * The import rules of .dependency-cruiser.cjs (run by `npm run lint`) catch what they are for:
 * an upward import between layers, an import circle, main/ importing the server. Checked on a
 * small tree of the same layout in a temp folder, with the project's own config.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const depcruise = path.join(root, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');

let dir: string;

function write(file: string, text: string): void {
  mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  writeFileSync(path.join(dir, file), text);
}

/** Runs the project's rules on the temp tree; returns the rule names reported. */
function violations(): string[] {
  const result = spawnSync(process.execPath, [
    depcruise, 'server', 'main', '--config', path.join(root, '.dependency-cruiser.cjs'), '--output-type', 'json',
  ], { cwd: dir, encoding: 'utf8' });
  const report = JSON.parse(result.stdout) as { summary: { violations: { rule: { name: string }; from: string; to: string }[] } };
  return report.summary.violations.map((v) => `${v.rule.name} ${v.from} -> ${v.to}`).sort();
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'import-rules-'));
  write('tsconfig.json', JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true } }));
  write('server/config/index.ts', 'export const port = 1;\n');
  write('server/storage/store.ts', "import { port } from '../config/index.js';\nexport const store = port;\n");
  write('server/engine/index.ts', "import { store } from '../storage/store.js';\nexport const engine = store;\n");
  write('server/http/app.ts', "import { engine } from '../engine/index.js';\nexport const app = engine;\n");
  write('main/index.ts', 'export const shell = 1;\n');
}, 30_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('import rules', () => {
  it('a tree whose layers only point down passes', () => {
    expect(violations()).toEqual([]);
  });

  it('an upward import, a circle, a reach past the engine index and main -> server each fail', () => {
    write('server/storage/upward.ts', "import { app } from '../http/app.js';\nexport const up = app;\n");
    write('server/engine/a.ts', "import { b } from './b.js';\nexport const a = (): number => b();\n");
    write('server/engine/b.ts', "import type { a } from './a.js';\nexport const b = (): number => 1;\nexport type A = typeof a;\n");
    write('server/http/deep.ts', "import { a } from '../engine/a.js';\nexport const deep = a;\n");
    write('main/server-import.ts', "import { app } from '../server/http/app.js';\nexport const wrong = app;\n");
    const found = violations();
    expect(found).toContain('layer-storage server/storage/upward.ts -> server/http/app.ts');
    expect(found).toContain('no-circular server/engine/a.ts -> server/engine/b.ts');
    expect(found).toContain('engine-through-its-index server/http/deep.ts -> server/engine/a.ts');
    expect(found).toContain('desktop-apart-from-server main/server-import.ts -> server/http/app.ts');
    // npm run lint fails on them: the command exits non-zero
    const cli = spawnSync(process.execPath, [depcruise, 'server', 'main', '--config', path.join(root, '.dependency-cruiser.cjs'), '--output-type', 'err'], { cwd: dir, encoding: 'utf8' });
    expect(cli.status).not.toBe(0);
  });
});
