import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RowDataPacket } from 'mysql2/promise';
import { openMysqlStore } from '../../../server/storage/mysql/index.js';
import { isStoreError, openStore, type ListQuery, type MysqlOptions, type Store } from '../../../server/storage/index.js';
import { mysqlDialect } from '../../../server/storage/sql/dialect.js';
import { SqlTenantStore } from '../../../server/storage/sql/tenant.js';
import { storeContract } from './contract.js';
import { dropSchema, privateSchemaOptions, rawConnection, TEST_MYSQL_URL } from '../../support/stores.js';
import { RecordingExecutor } from './recording-executor.js';

if (!TEST_MYSQL_URL) console.warn('MySQL storage suites SKIPPED: TEST_MYSQL_URL is not set');

storeContract('mysql', async () => {
  const options = privateSchemaOptions();
  return { open: () => openMysqlStore(options), destroy: () => dropSchema(options) };
}, { skip: !TEST_MYSQL_URL });

describe.skipIf(!TEST_MYSQL_URL)('mysql specifics', () => {
  let options: MysqlOptions;
  let store: Store;

  beforeAll(async () => {
    options = privateSchemaOptions();
    store = await openMysqlStore(options);
  });
  afterAll(async () => {
    await store?.close();
    if (options) await dropSchema(options);
  });

  it('creates tenant tables exactly like the PHP engine (docs/legacy-api.md, "The table")', async () => {
    await store.createDatabase('phpshape');
    const conn = await rawConnection(options);
    try {
      const [rows] = await conn.query<RowDataPacket[]>('SHOW CREATE TABLE `phpshape`');
      const ddl = String(rows[0]['Create Table']).replace(/\s+/g, ' ');
      expect(ddl).toMatch(/`id` int(\(10\))? unsigned NOT NULL AUTO_INCREMENT/);
      expect(ddl).toMatch(/`up` int(\(10\))? unsigned NOT NULL DEFAULT '?0'?/);
      expect(ddl).toMatch(/`ord` int(\(11\))? NOT NULL DEFAULT '?0'?/);
      expect(ddl).toMatch(/`t` int(\(10\))? unsigned NOT NULL DEFAULT '?0'?/);
      expect(ddl).toMatch(/`val` mediumtext (COLLATE utf8mb4_unicode_ci )?NOT NULL/);
      expect(ddl).toContain('PRIMARY KEY (`id`)');
      expect(ddl).toContain('KEY `up_t` (`up`,`t`)');
      expect(ddl).toContain('KEY `t_up` (`t`,`up`)');
      expect(ddl).toContain('KEY `t_val` (`t`,`val`(191))');
      expect(ddl).toContain('KEY `up_ord` (`up`,`ord`)');
      expect(ddl).toContain('ENGINE=InnoDB');
      expect(ddl).toContain('CHARSET=utf8mb4');
      expect(ddl).toContain('utf8mb4_unicode_ci');
      const [mode] = await conn.query<RowDataPacket[]>('SELECT @@SESSION.sql_mode AS m');
      expect(typeof mode[0].m).toBe('string');
    } finally {
      await conn.end();
    }
  });

  it('uses a PHP-created table in place and lists it', async () => {
    const conn = await rawConnection(options);
    try {
      await conn.query(`CREATE TABLE phpmade (id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, up INT UNSIGNED NOT NULL DEFAULT 0,
        ord INT NOT NULL DEFAULT 0, t INT UNSIGNED NOT NULL DEFAULT 0, val MEDIUMTEXT NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
      await conn.query(`INSERT INTO phpmade (id, up, ord, t, val) VALUES (1, 0, 0, 1, 'x'), (1014, 1, 0, 18, 'Тест')`);
      await conn.query('CREATE TABLE not_eav (a INT)');
    } finally {
      await conn.end();
    }
    const dbs = await store.listDatabases();
    expect(dbs).toContain('phpmade');
    expect(dbs).not.toContain('not_eav');
    expect((await store.tenant('phpmade').find({ val: 'тест' }))[0].id).toBe(1014);
    expect(await store.tenant('phpmade').insert({ up: 1, ord: 0, t: 3, val: 'y' })).toBe(1015);
  });

  it('session sql_mode is the PHP one', async () => {
    const rows = await store.transaction('phpshape', async () => null);
    expect(rows).toBeNull();
    // strict mode: a value outside INT UNSIGNED is an error, not a silent clamp
    await expect(store.tenant('phpshape').insert({ up: -1, ord: 0, t: 0, val: '' })).rejects.toThrow();
  });

  it('a transaction chosen as deadlock victim is run again and both commit', async () => {
    await store.createDatabase('deadlock', [
      { id: 1, up: 1, ord: 0, t: 3, val: 'one' },
      { id: 2, up: 1, ord: 0, t: 3, val: 'two' },
    ]);
    const barrier = () => { let open!: () => void; const p = new Promise<void>((r) => { open = r; }); return { p, open }; };
    const aHolds = barrier();
    const bHolds = barrier();
    let runs = 0;
    const cross = (first: number, second: number, mine: ReturnType<typeof barrier>, theirs: ReturnType<typeof barrier>, tag: string) =>
      store.transaction('deadlock', async (tx) => {
        runs++;
        await tx.update(first, { val: `${tag} first` });
        mine.open();
        await theirs.p;
        await tx.update(second, { val: `${tag} second` });
      });
    await Promise.all([cross(1, 2, aHolds, bHolds, 'a'), cross(2, 1, bHolds, aHolds, 'b')]);
    expect(runs).toBe(3);
    const vals = (await store.exportRows('deadlock')).map((r) => r.val);
    // whichever ran last wrote both rows
    expect([['a first', 'a second'], ['b second', 'b first']]).toContainEqual(vals);
  });

  // guards that the hint keeps the page sort-free; the 50,000-record case where MariaDB without it
  // walked the primary key is measured by tests/integration/storage/perf/list-plans.ts
  it('a page by id reads 20 entries of (t, up) in id order, without a filesort', async () => {
    // older records of another type with their cells, then this type's
    const other = Array.from({ length: 12_000 }, (_, i) => ({ id: 2 + i, up: i % 4 === 0 ? 1 : 2 + i - (i % 4), ord: 1, t: 300 + (i % 4), val: `o${i}` }));
    const mine = Array.from({ length: 2000 }, (_, i) => ({ id: 20_000 + i, up: 1, ord: 1, t: 400, val: `m${i}` }));
    await store.createDatabase('pageplan', [{ id: 1, up: 1, ord: 0, t: 1, val: 'root' }]);
    await store.tenant('pageplan').insertMany([...other, ...mine]);
    const query: ListQuery = { typeId: 400, parent: { kind: 'root' }, filters: [], order: { by: 'id' }, limit: 20 };
    expect((await store.tenant('pageplan').listRecords(query)).map((r) => r.id)).toEqual(mine.slice(0, 20).map((r) => r.id));
    const conn = await rawConnection(options);
    try {
      // the statement the store sends, recorded instead of run
      const recorder = new RecordingExecutor();
      await new SqlTenantStore(recorder, mysqlDialect, { insertBatch: async () => [] }, 'pageplan').listRecords(query);
      const sent = recorder.last!;
      const [plan] = await conn.query<RowDataPacket[]>(`ANALYZE ${sent.sql}`, [...sent.params]);
      expect(['up_t', 't_up']).toContain(plan[0].key);
      expect(String(plan[0].Extra)).not.toMatch(/filesort/);
      expect(Number(plan[0].r_rows)).toBeLessThanOrEqual(20);
    } finally {
      await conn.end();
    }
  });

  it('listPage keeps the page plan inside (20 entries of (t, up), a probe per record for LIKE) and no temporary table with text', async () => {
    // older rows of another type, then records with a comment (1 in 10 with "abc") and a reference
    const other = Array.from({ length: 12_000 }, (_, i) => ({ id: 2 + i, up: 1, ord: 1, t: 300, val: `o${i}` }));
    const mine = Array.from({ length: 2000 }, (_, i) => [
      { id: 20_000 + 3 * i, up: 1, ord: 1, t: 400, val: `m${i}` },
      { id: 20_001 + 3 * i, up: 20_000 + 3 * i, ord: 1, t: 401, val: i % 10 === 0 ? `urgent abc ${i}` : `regular ${i}` },
      { id: 20_002 + 3 * i, up: 20_000 + 3 * i, ord: 2, t: 2 + i, val: '402' },
    ]).flat();
    await store.createDatabase('pageplan2', [{ id: 1, up: 1, ord: 0, t: 1, val: 'root' }]);
    await store.tenant('pageplan2').insertMany([...other, ...mine]);
    const plain: ListQuery = { typeId: 400, parent: { kind: 'root' }, filters: [], order: { by: 'id' }, limit: 20 };
    const filtered: ListQuery = { ...plain, limit: 10, filters: [{ column: { kind: 'cell', reqId: 401 }, predicate: { op: 'like', pattern: '%abc%' } }] };
    const page = await store.tenant('pageplan2').listPage(plain);
    expect(page.records.map((r) => r.id)).toEqual(mine.filter((r) => r.t === 400).slice(0, 20).map((r) => r.id));
    expect(page.cells.length).toBe(40);
    expect((await store.tenant('pageplan2').listPage(filtered)).records.length).toBe(10);

    const conn = await rawConnection(options);
    try {
      const recorder = new RecordingExecutor();
      const plan = async (query: ListQuery) => {
        await new SqlTenantStore(recorder, mysqlDialect, { insertBatch: async () => [] }, 'pageplan2').listPage(query);
        const sent = recorder.last!;
        const [rows] = await conn.query<RowDataPacket[]>(`ANALYZE FORMAT=JSON ${sent.sql}`, [...sent.params]);
        return JSON.parse(String(Object.values(rows[0])[0])) as unknown;
      };
      for (const [query, pageReads] of [[plain, 20], [filtered, 150]] as const) {
        const tree = await plan(query);
        const text = JSON.stringify(tree);
        // no TEXT column in a temporary table (MariaDB would put it in an on-disk Aria table)
        expect(text).not.toContain('temporary_table');
        const tables = planTables(tree);
        const record = tables.find((t) => t.table_name === 'r' && t.inDerived);
        expect(['up_t', 't_up']).toContain(record?.key);
        expect(Number(record?.r_rows)).toBeLessThanOrEqual(pageReads);
        expect(tables.find((t) => t.table_name === 'rec')).toMatchObject({ access_type: 'eq_ref', key: 'PRIMARY' });
        expect(tables.find((t) => t.table_name === 'cell')).toMatchObject({ access_type: 'ref' });
        expect(tables.find((t) => t.table_name === 'target')).toMatchObject({ access_type: 'eq_ref', key: 'PRIMARY' });
        // nothing reads the whole type or the whole column of cells
        for (const t of tables) expect(Number(t.r_rows ?? 0)).toBeLessThanOrEqual(pageReads);
      }
    } finally {
      await conn.end();
    }
  });

  it('unreachable and wrong-password connects give a short reason', async () => {
    await expect(openStore({ mysql: { ...options, port: 1 } })).rejects.toSatisfy(
      (e) => isStoreError(e, 'unreachable') && (e as Error).message === 'ECONNREFUSED 127.0.0.1:1');
    await expect(openStore({ mysql: { ...options, password: 'wrong-password' } })).rejects.toSatisfy(
      (e) => isStoreError(e, 'unreachable') && /^Access denied for user/.test((e as Error).message));
  });

  it('two instances starting at once apply each migration once', async () => {
    const fresh = privateSchemaOptions();
    try {
      const [a, b] = await Promise.all([openMysqlStore(fresh), openMysqlStore(fresh)]);
      expect(a.info.schemaVersion).toBe(b.info.schemaVersion);
      const conn = await rawConnection(fresh);
      const [rows] = await conn.query<RowDataPacket[]>('SELECT version, COUNT(*) AS n FROM integram_appliance_schema GROUP BY version');
      await conn.end();
      expect(rows.every((r) => Number(r.n) === 1)).toBe(true);
      expect(rows.length).toBe(a.info.schemaVersion);
      await Promise.all([a.close(), b.close()]);
    } finally {
      await dropSchema(fresh);
    }
  });
});

interface PlanTable { table_name: string; access_type?: string; key?: string; r_rows?: number; inDerived: boolean }

/** every "table" of a MariaDB ANALYZE FORMAT=JSON plan, marked when it is inside a materialized derived table */
function planTables(node: unknown, inDerived = false): PlanTable[] {
  if (Array.isArray(node)) return node.flatMap((x) => planTables(x, inDerived));
  if (node === null || typeof node !== 'object') return [];
  const out: PlanTable[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (key === 'table' && value && typeof value === 'object' && 'table_name' in value) {
      out.push({ ...(value as Omit<PlanTable, 'inDerived'>), inDerived });
    }
    out.push(...planTables(value, inDerived || key === 'materialized'));
  }
  return out;
}
