/**
 * Moving the server's data between stores (server/appliance/store-move.ts) on real stores:
 * embedded → embedded elsewhere always, embedded → MariaDB and back when TEST_MYSQL_URL is set.
 * Every database keeps its ids and rows, the appliance's records come along, the .env file names
 * the target only after a verified copy, and every refusal or failure leaves the source untouched
 * and the target empty.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyStore, moveStore, rowsChecksum, StoreMoveError, type MoveDeps } from '../../../server/appliance/store-move.js';
import { openStoreTarget, type StoreTarget } from '../../../server/storage/target.js';
import { folderRoots } from '../../../server/storage/folders.js';
import type { Store } from '../../../server/storage/types.js';
import { loadRows } from '../../golden/replay.js';
import { dropSchema, privateSchemaOptions, TEST_MYSQL_URL } from '../../support/stores.js';

const pgliteTarget = (dir: string): StoreTarget => ({ driver: 'pglite', dir, target: dir, syncCommits: false });

/**
 * A database's file-manager folders (templates, uploads) are files kept by the database's name
 * beside the store, not in it: whichever store the server moves to, they are where the database
 * finds them. These are written before the moves and read after them.
 */
function databaseFolderFiles(dataDir: string): Array<[string, string]> {
  const roots = folderRoots(dataDir, path.join(dataDir, 'uploads'));
  return [
    [path.join(roots.templates, 'shop', 'forms', 'invoice.html'), '<p>счёт</p>'],
    [path.join(roots.download, 'shop', '1abcdef12', '025deadbeef.txt'), 'a FILE cell'],
  ];
}

describe('moving the data between stores', () => {
  let work: string;
  let envFile: string;
  let envBefore: string;
  let source: Store;
  let sourceTarget: StoreTarget;
  let sourceBefore: Awaited<ReturnType<typeof everything>>;
  const opened: Store[] = [];
  const open = async (target: StoreTarget) => {
    const store = await openStoreTarget(target);
    opened.push(store);
    return store;
  };
  const deps = (env: NodeJS.ProcessEnv = {}): MoveDeps => ({ source, sourceTarget, open: openStoreTarget, settings: { envFile, env, cwd: work } });

  beforeAll(async () => {
    work = mkdtempSync(path.join(os.tmpdir(), 'integram-move-'));
    envFile = path.join(work, '.env');
    envBefore = `DATA_DIR=${work}\nHOST=127.0.0.1\n`;
    writeFileSync(envFile, envBefore);
    sourceTarget = pgliteTarget(path.join(work, 'pglite'));
    source = await open(sourceTarget);
    await source.importRows('my', loadRows('start-rows.json'));
    await source.importRows('shop', loadRows('reports-start-rows.json'));
    await source.appliance.put('admin', 'console', { login: 'boss' });
    await source.appliance.put('organization', 'shop', { name: 'Лавка' }, { ref: 'owner' });
    sourceBefore = await everything(source);
    for (const [file, text] of databaseFolderFiles(work)) {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, text);
    }
  }, 60_000);
  afterAll(async () => {
    for (const store of opened.splice(0)) await store.close().catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  }, 60_000);

  it('refuses when the store is chosen in the process environment, before touching anything', async () => {
    await expect(moveStore(deps({ DB_HOST: 'db.example' }), pgliteTarget(path.join(work, 'moved')))).rejects.toMatchObject({ code: 'set_in_environment' });
    await expect(moveStore(deps(), sourceTarget)).rejects.toMatchObject({ code: 'same_store' });
    expect(readdirSync(work)).not.toContain('moved');
  });

  it('refuses a target that holds data and adds nothing to it', async () => {
    const occupied = await open(pgliteTarget(path.join(work, 'occupied')));
    await occupied.createDatabase('stranger', loadRows('bootstrap-rows.json'));
    const before = await everything(occupied);
    await expect(copyStore(source, occupied)).rejects.toMatchObject({ code: 'target_not_empty' });
    expect(await everything(occupied)).toEqual(before);
  }, 60_000);

  it('copies every database with its ids and the appliance records into another embedded folder, the source only read', async () => {
    const target = pgliteTarget(path.join(work, 'moved'));
    const progress: number[] = [];
    const result = await moveStore(deps(), target, (p) => { progress.push(p); });
    expect(result.databases.map((d) => d.name).sort()).toEqual(['my', 'shop']);
    expect(result.documents).toBe(2);
    expect(progress.at(-1)).toBe(100);
    expect(await everything(await open(target))).toEqual(sourceBefore);
    expect(await everything(source)).toEqual(sourceBefore);
    // an embedded target: no MySQL settings in the file
    expect(readFileSync(envFile, 'utf8')).toBe(envBefore);
    for (const [file, text] of databaseFolderFiles(work)) expect(readFileSync(file, 'utf8')).toBe(text);
  }, 60_000);

  describe.skipIf(!TEST_MYSQL_URL)('with MariaDB', () => {
    it('moves embedded → MariaDB and back: same rows and records, the earlier folder set aside, never deleted', async () => {
      const mysql = privateSchemaOptions('mv');
      const toMysql: StoreTarget = { driver: 'mysql', mysql, target: `${mysql.host}:${mysql.port}` };
      const home = pgliteTarget(path.join(work, 'home'));
      const homeStore = await open(home);
      for (const db of await source.listDatabases()) await homeStore.createDatabase(db, await source.exportRows(db));
      await homeStore.appliance.importDocs(await source.appliance.exportDocs());
      try {
        const there = await moveStore({ ...deps(), source: homeStore, sourceTarget: home }, toMysql);
        expect(there.setAside).toBeNull();
        const env = readFileSync(envFile, 'utf8');
        expect(env).toContain(`DB_HOST=${mysql.host}`);
        expect(env).toContain(`DB_NAME=${mysql.database}`);
        const onMysql = await open(toMysql);
        expect(await everything(onMysql)).toEqual(sourceBefore);
        // and back, from MariaDB into the embedded folder, which still holds the old data
        await homeStore.close();
        const back = await moveStore({ ...deps(), source: onMysql, sourceTarget: toMysql }, home);
        expect(back.setAside).toMatch(/home\.before-move-/);
        expect(readdirSync(back.setAside!).length).toBeGreaterThan(0);
        expect(await everything(await open(home))).toEqual(sourceBefore);
        expect(readFileSync(envFile, 'utf8')).not.toMatch(/DB_HOST|DB_NAME/);
        // the embedded folder set aside took only the store: the database's folders are in place
        for (const [file, text] of databaseFolderFiles(work)) expect(readFileSync(file, 'utf8')).toBe(text);
      } finally {
        await dropSchema(mysql);
      }
    }, 120_000);

    it('refuses a MariaDB target that holds data, and an unreachable one, clearly', async () => {
      const mysql = privateSchemaOptions('mv');
      const toMysql: StoreTarget = { driver: 'mysql', mysql, target: `${mysql.host}:${mysql.port}` };
      try {
        const there = await open(toMysql);
        await there.createDatabase('stranger', loadRows('bootstrap-rows.json'));
        await expect(moveStore(deps(), toMysql)).rejects.toMatchObject({ code: 'target_not_empty' });
        expect(await there.listDatabases()).toEqual(['stranger']);
        expect(readFileSync(envFile, 'utf8')).not.toMatch(/DB_HOST/);
      } finally {
        await dropSchema(mysql);
      }
      const closed: StoreTarget = { driver: 'mysql', mysql: { ...mysql, port: 1 }, target: '127.0.0.1:1' };
      await expect(moveStore(deps(), closed)).rejects.toMatchObject({ code: 'unreachable' });
    }, 60_000);
  });

  // last: it writes into the source
  it('notices a write made while copying, empties the target and keeps the settings', async () => {
    const target = pgliteTarget(path.join(work, 'moved-again'));
    const envNow = readFileSync(envFile, 'utf8');
    let wrote = false;
    const failing = moveStore(deps(), target, async (_p, next) => {
      if (!wrote && next.code === 'move_copy_database' && next.params?.n === 2 && next.params.total === 2) {
        wrote = true;
        await source.transaction('my', (tx) => tx.insert({ up: 1, ord: 0, t: 18, val: 'late' }));
      }
    });
    await expect(failing).rejects.toBeInstanceOf(StoreMoveError);
    await expect(failing).rejects.toMatchObject({ code: 'source_changed' });
    expect(readFileSync(envFile, 'utf8')).toBe(envNow);
    const left = await open(target);
    expect(await left.listDatabases()).toEqual([]);
    expect(await left.appliance.exportDocs()).toEqual([]);
  }, 60_000);
});

async function everything(store: Store) {
  const databases: Record<string, string> = {};
  for (const db of await store.listDatabases()) databases[db] = rowsChecksum(await store.exportRows(db));
  return { databases, docs: (await store.appliance.exportDocs()).map((d) => `${d.kind}/${d.id}`) };
}
