// Once per `vitest run`, before any suite: the PGlite template (tests/support/pglite-template.ts).
// Workers start after this and inherit its environment variable.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TEMPLATE_ENV, makePgliteTemplate } from './pglite-template.js';

export default async function setup(): Promise<() => void> {
  const parent = mkdtempSync(path.join(os.tmpdir(), 'integram-test-template-'));
  const dir = path.join(parent, 'pglite');
  await makePgliteTemplate(dir);
  process.env[TEMPLATE_ENV] = dir;
  return () => rmSync(parent, { recursive: true, force: true });
}
