/**
 * CSV and BKI export of a table (`object/{type}?csv`, `?bki`, docs/legacy-api.md "Export, import, backups and files"):
 * who may export, the Windows-1251 bytes, quoting, the whole list rather than a page, filters.
 * PGlite and (with TEST_MYSQL_URL) MariaDB.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, STORES, TestServer } from './harness.js';

const cp1251 = new TextDecoder('windows-1251');

for (const kind of STORES) {
  describe.skipIf(!kind.enabled)(`CSV export on ${kind.name}`, () => {
    let server: TestServer;
    let c: Client;
    let owner: Client;
    let type: number;
    let priceCol: number;
    beforeAll(async () => {
      server = await TestServer.start(kind);
      c = new Client(server);
      expect((await c.login('tester', 'tester-pass-1')).status).toBe(200);
      const t = await c.table('Товары', 3, [{ name: 'Цена', base: 13 }, { name: 'Заметка', base: 12 }]);
      type = t.type;
      priceCol = t.cols[0];
      for (let i = 1; i <= 30; i++) await c.record(type, { [`t${type}`]: `товар ${i}`, [`t${t.cols[0]}`]: String(i * 10), [`t${t.cols[1]}`]: i === 1 ? 'a;"b"' : '' });
      // the database's owner: a user whose login is the database name (admin role)
      const rows = server.store.tenant('my');
      const uid = await rows.insert({ up: 1, ord: 1, t: 18, val: 'my' });
      await rows.insert({ up: uid, ord: 1, t: 20, val: createHash('sha512').update('oracle-saltmyowner-pass').digest('hex') });
      await rows.insert({ up: uid, ord: 1, t: 145, val: '115' });
      owner = new Client(server);
      expect((await owner.login('my', 'owner-pass')).status).toBe(200);
    }, 120_000);
    afterAll(async () => server?.stop(), 120_000);

    const csv = (client: Client, query: string): Promise<Response> => fetch(`${server.url}/my/object/${type}?${query}`, { headers: { Cookie: `idb_my=${client.token}` } });

    it('refuses a user without the EXPORT grant, as PHP does (the admin role is not enough)', async () => {
      const res = await csv(c, 'csv');
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('У вас нет прав на выгрузку объектов этого типа');
    });

    it('gives the owner every record (not a page) in Windows-1251 with PHP fputcsv quoting', async () => {
      const res = await csv(owner, 'csv');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-disposition')).toBe('attachment;filename=data_export.csv');
      const lines = cp1251.decode(await res.arrayBuffer()).split('\n');
      expect(lines[0]).toBe('Товары;Цена;Заметка');
      expect(lines[1]).toBe('"товар 1";10;"a;""b"""');
      expect(lines.filter((l) => l !== '')).toHaveLength(31);
      const filtered = cp1251.decode(await (await csv(owner, `csv&F_${priceCol}=300`)).arrayBuffer());
      expect(filtered).toBe('Товары;Цена;Заметка\n"товар 30";300;\n');
    });

    it('refuses a BKI export to a user without the EXPORT grant', async () => {
      const res = await csv(c, 'bki');
      expect(await res.text()).toBe('У вас нет прав на выгрузку объектов этого типа');
    });

    it('gives the owner the BKI text of every record: alone to a browser, followed by the page JSON to the API', async () => {
      const res = await csv(owner, 'bki');
      expect(res.headers.get('content-disposition')).toBe('attachment;filename=data_export.bki');
      const text = await res.text();
      expect(text.startsWith(`${type}:Товары:SHORT;Цена:NUMBER;Заметка:MEMO;\r\nDATA\r\n${type}::товар 1;10;a\\;"b";\r\n`)).toBe(true);
      expect(text.split('\r\n').filter((l) => l.startsWith(`${type}::`))).toHaveLength(30);
      expect(text.endsWith(`${type}::товар 30;300;;\r\n`)).toBe(true);
      const api = await (await csv(owner, `bki&JSON&F_${priceCol}=300`)).text();
      const [bki, page] = [api.slice(0, api.lastIndexOf('\r\n') + 2), api.slice(api.lastIndexOf('\r\n') + 2)];
      expect(bki.endsWith(`DATA\r\n${type}::товар 30;300;;\r\n`)).toBe(true);
      const json = JSON.parse(page) as Record<string, unknown>;
      expect(json.type).toEqual({ id: type, up: 1, val: 'Товары', base: 'SHORT' });
      expect(json.object).toBeUndefined();
    });
  });
}
