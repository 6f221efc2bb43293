import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The recorded fixtures kept in the repository (tests/golden/fixtures/; what they are and how
 * they were recorded: docs/testing-fixtures.md). Tests read them from here, never from a folder
 * outside the clone.
 */
export const GOLDEN_FIXTURES_DIR = fileURLToPath(new URL('../golden/fixtures/', import.meta.url));

/** Absolute path of one fixture file, e.g. goldenFixture('bootstrap-rows.json'). */
export function goldenFixture(name: string): string {
  return path.join(GOLDEN_FIXTURES_DIR, name);
}
