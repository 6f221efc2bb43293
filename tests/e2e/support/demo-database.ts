// The workspace suites' demo database on a server of their own (in process): kept apart from
// ./workspace.ts so that suites against the PHP engine do not load the server's modules.
import { readFileSync } from 'node:fs';
import { createDatabase } from '../../../server/appliance/databases.js';
import { defaultTemplatesDir } from '../../../server/appliance/templates.js';
import { productEngine } from '../../../server/runtime/compose.js';
import type { Row } from '../../../server/storage/types.js';
import { goldenFixture } from '../../support/fixtures.js';
import type { InProcessServer } from '../../support/server.js';
import { LEVEL_REQ, LegacyScript, seedDemo, type DemoIds } from './workspace.js';

/**
 * The demo database on a running server: the rows of a PHP tenant with the report tables (the
 * reports recording's start) plus the grant records' level column that real databases have
 * (docs/legacy-api.md, "Grants"), its admin, and the demo data of seedDemo.
 */
export async function createDemoDatabase(
  server: InProcessServer, name: string, admin: { login: string; password: string }, user: { login: string; password: string },
): Promise<{ admin: LegacyScript; ids: DemoIds }> {
  const store = server.booted.storeHandle.current();
  if (!store) throw new Error('no store');
  const engine = productEngine(server.booted.context);
  const rows = (JSON.parse(readFileSync(goldenFixture('reports-start-rows.json'), 'utf8')) as { rows: Row[] }).rows;
  await createDatabase(
    { store, templatesDir: defaultTemplatesDir(), salt: server.booted.context.config.AUTH_SALT, invalidate: (db) => engine.invalidate(db) },
    {
      name,
      source: { rows },
      owner: { login: admin.login, password: admin.password, roleName: 'admin' },
      populate: async (tx) => {
        const levelRef = await tx.insert({ up: 0, ord: 0, t: 47, val: '' });
        await tx.insertMany([{ id: LEVEL_REQ, up: 116, ord: 5, t: levelRef, val: '' }]);
      },
    },
  );
  const script = new LegacyScript(server.url, name);
  await script.login(admin.login, admin.password);
  const grantOf = async (role: number) => (await store.tenant(name).find({ up: role, t: 116 }))[0].id;
  return { admin: script, ids: await seedDemo(script, user, grantOf) };
}

