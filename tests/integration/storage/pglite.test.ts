import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openPgliteStore } from '../../../server/storage/pglite/index.js';
import { isStoreError } from '../../../server/storage/errors.js';
import { storeContract } from './contract.js';

storeContract('pglite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'integram-pglite-'));
  return {
    open: () => openPgliteStore(join(dir, 'pglite')),
    destroy: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

describe('pglite folder lock', () => {
  it('refuses a second open of a held folder, and takes over a stale lock', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'integram-pglite-lock-'));
    const store = await openPgliteStore(dir);
    await expect(openPgliteStore(dir)).rejects.toSatisfy(
      (e) => isStoreError(e, 'in_use') && /is in use by a running server \(pid \d+\); stop it or use the console/.test((e as Error).message));
    await store.close();
    const { writeFileSync } = await import('node:fs');
    // a lock left by a process that no longer exists
    writeFileSync(join(dir, 'integram-appliance.lock'), JSON.stringify({ pid: 2 ** 22 + 12345, host: (await import('node:os')).hostname(), since: '' }));
    const again = await openPgliteStore(dir);
    expect(await again.ping()).toBeGreaterThanOrEqual(0);
    await again.close();
    rmSync(dir, { recursive: true, force: true });
  }, 180_000); // a new PGlite folder runs initdb: slow on a busy machine
});
