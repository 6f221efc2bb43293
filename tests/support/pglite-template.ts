/**
 * One initialised PGlite folder per test run, copied wherever a suite needs a new embedded store.
 *
 * Opening a new PGlite folder runs initdb and the store's migrations: ~5 s on this machine, where
 * opening a copy of an initialised one takes ~1.4 s and the copy ~0.1 s. The suites open a few
 * hundred stores, so the template is made once (tests/support/global-setup.ts, with the store's own
 * code: it is exactly what a first start leaves) and copied. Suites about the first start itself
 * (a new data folder) open without it.
 */
import { cpSync, existsSync, readdirSync } from 'node:fs';
import { openStore } from '../../server/storage/index.js';
import { LOCK_FILE_NAME } from '../../server/storage/lock-file.js';

export const TEMPLATE_ENV = 'INTEGRAM_TEST_PGLITE_TEMPLATE';

/** Initialises a PGlite folder in `dir` (new and empty) through the store itself, and closes it. */
export async function makePgliteTemplate(dir: string): Promise<void> {
  const store = await openStore({ pgliteDir: dir });
  await store.close();
}

/**
 * Copies the run's template into `dir` when there is one and `dir` holds nothing yet; returns
 * whether it did (false: the store will initialise the folder itself, as on a first start).
 */
export function seedPgliteFolder(dir: string): boolean {
  const template = process.env[TEMPLATE_ENV];
  if (!template || !existsSync(template)) return false;
  if (existsSync(dir) && readdirSync(dir).length > 0) return false;
  cpSync(template, dir, { recursive: true, filter: (source) => !source.endsWith(LOCK_FILE_NAME) });
  return true;
}
