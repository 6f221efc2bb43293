/**
 * Opening the embedded store takes seconds (PGlite starts Postgres in WebAssembly) and happens in
 * its worker thread, so it can begin as soon as the configuration is read, while this thread still
 * loads the HTTP server's modules (about a second): the store handle's first attempt then takes
 * over the opening already under way instead of starting it.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { AppConfig } from '../config/index.js';
import { openStoreTarget, storeTargetFromConfig, type StoreOpener } from '../storage/target.js';

/** An opener whose first call for the embedded store returns the opening begun now; null: nothing to begin. */
export function startOpeningEarly(config: AppConfig): StoreOpener | null {
  let target;
  try {
    target = storeTargetFromConfig(config);
  } catch {
    return null; // a bad database setting: the boot reports it
  }
  // only an existing folder: a new one is created (initdb) after the port check, so a start that
  // ends at once (port in use) never leaves a half-created database behind
  if (target.driver !== 'pglite' || !existsSync(path.join(target.dir, 'PG_VERSION'))) return null;
  const dir = target.dir;
  let early: ReturnType<StoreOpener> | null = openStoreTarget(target);
  // whoever takes it over sees the outcome; until then a failure must not count as unhandled
  early.catch(() => undefined);
  return (requested, events) => {
    if (early && requested.driver === 'pglite' && requested.dir === dir) {
      const opening = early;
      early = null;
      return opening;
    }
    return openStoreTarget(requested, events);
  };
}
