/**
 * Import of a file into a table (`POST object/{type}?import`, multipart field `bki_file`,
 * docs/legacy-api.md "Export, import, backups and files"): bad input gets a clear error and writes
 * no row — a bad encoding, a record cut short (naming its line), a file over the upload limit (413),
 * no file, a missing or wrong XSRF token, no grant, a BKI file changing the structure whose records fail (no column made), a BKI record line
 * with too many cells or an unknown type, an import into a missing table — and a failed import leaves the rows it would have written before the error out
 * (one transaction). PGlite and (with TEST_MYSQL_URL) MariaDB.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, STORES, TestServer } from './harness.js';

for (const kind of STORES) {
  describe.skipIf(!kind.enabled)(`table import on ${kind.name}`, () => {
    let server: TestServer;
    let tester: Client;
    let owner: Client;
    let type: number;
    let cols: number[];
    beforeAll(async () => {
      server = await TestServer.start(kind, { stack: { uploadLimitBytes: 32 * 1024 } });
      tester = new Client(server);
      expect((await tester.login('tester', 'tester-pass-1')).status).toBe(200);
      ({ type, cols } = await tester.table('Товары', 3, [{ name: 'Цена', base: 13 }, { name: 'Заметка', base: 12 }]));
      // the database's owner: a user whose login is the database name (admin role)
      const rows = server.store.tenant('my');
      const uid = await rows.insert({ up: 1, ord: 1, t: 18, val: 'my' });
      await rows.insert({ up: uid, ord: 1, t: 20, val: createHash('sha512').update('oracle-saltmyowner-pass').digest('hex') });
      await rows.insert({ up: uid, ord: 1, t: 145, val: '115' });
      owner = new Client(server);
      expect((await owner.login('my', 'owner-pass')).status).toBe(200);
    }, 120_000);
    afterAll(async () => server?.stop(), 120_000);

    const upload = (client: Client, content: string | Uint8Array, options: { xsrf?: boolean; path?: string } = {}) =>
      client.postMultipart(options.path ?? `object/${type}?JSON&import=1`, { bki_file: new File([content], 'data.csv', { type: 'text/csv' }) }, { xsrf: options.xsrf });

    async function expectNothingWritten(run: () => Promise<void>): Promise<void> {
      const before = await server.store.exportRows('my');
      await run();
      const after = await server.store.exportRows('my');
      // logins and tokens aside (type 125 token, 40 xsrf, 124 activity rows change with any request)
      const data = (rows: { id: number; t: number }[]) => rows.filter((r) => r.id > 1000 && ![124, 125, 40].includes(r.t));
      expect(data(after)).toEqual(data(before));
    }

    it('imports a DATA file: values per base type, a line break inside a value, the list page as the answer', async () => {
      const res = await upload(owner, 'DATA\r\nСтол;1 234;дуб\\; массив;\r\nСтул;40;строка 1\r\nстрока 2;\r\n');
      expect(res.status).toBe(200);
      const page = res.json as { object: { val: string }[]; reqs: Record<string, Record<string, string>> };
      expect(page.object.map((o) => o.val)).toEqual(['Стол', 'Стул']);
      const cells = Object.values(page.reqs);
      expect(cells[0]).toEqual({ [cols[0]]: '1234', [cols[1]]: 'дуб; массив' });
      expect(cells[1][cols[1]]).toBe('строка 1\r\nстрока 2');
    });

    it('refuses a record cut short, naming the line it starts on, and writes none of the file', async () => {
      await expectNothingWritten(async () => {
        const res = await upload(owner, 'DATA\r\nА;1;;\r\nБ;2;;\r\nВ;3\r\n');
        expect(res.status).toBe(400);
        expect(res.json).toEqual([{ error: expect.stringMatching(/^Неожиданный конец файла: запись, начатая в строке 4,/) }]);
      });
    });

    it('refuses a file that is not UTF-8 (e.g. Windows-1251) and writes nothing', async () => {
      await expectNothingWritten(async () => {
        const res = await upload(owner, new Uint8Array([...Buffer.from('DATA\r\n'), 0xd1, 0xf2, 0xee, 0xeb, 0x3b, 0x31, 0x3b, 0x3b, 0x0d, 0x0a]));
        expect(res.status).toBe(400);
        expect(res.json).toEqual([{ error: 'Файл импорта должен быть в кодировке UTF-8' }]);
      });
    });

    it('answers 413 for a file over the upload limit, and writes nothing', async () => {
      await expectNothingWritten(async () => {
        const res = await upload(owner, `DATA\r\n${'Х;1;;\r\n'.repeat(6000)}`);
        expect(res.status).toBe(413);
      });
    });

    it('refuses without a file, without the XSRF token, and without the grant, as the engine words it', async () => {
      await expectNothingWritten(async () => {
        const none = await owner.postMultipart(`object/${type}?JSON&import=1`, { note: 'x' });
        expect(none.text).toBe('Выберите файл (максимальный размер: 8388608 Б)');
        const noXsrf = await upload(owner, 'DATA\r\nА;1;;\r\n', { xsrf: false });
        expect(noXsrf.status).toBe(400);
        expect(noXsrf.json).toEqual([{ error: 'Неверный или устаревший токен CSRF<br/>' }]);
        const notGranted = await upload(tester, 'DATA\r\nА;1;;\r\n');
        expect(notGranted.text).toBe(`У вас нет прав на загрузку объектов этого типа (${type})`);
      });
    });

    it('imports a BKI file whose structure matches the table; a bad record line later in it undoes the whole file', async () => {
      const header = `${type}:Товары:SHORT;Цена:NUMBER;Заметка:MEMO;\r\nDATA\r\n`;
      const ok = await upload(owner, `${header}${type}::Шкаф;70;a\\:b;\r\n`);
      expect(ok.status).toBe(200);
      const page = ok.json as { object: { id: string; val: string }[]; reqs: Record<string, Record<string, string>> };
      const shkaf = page.object.find((o) => o.val === 'Шкаф');
      expect(page.reqs[shkaf!.id]).toEqual({ [cols[0]]: '70', [cols[1]]: 'a:b' });
      await expectNothingWritten(async () => {
        const tooMany = await upload(owner, `${header}${type}::Комод;1;;\r\n${type}::Тумба;2;x;лишнее;\r\n`);
        expect(tooMany.status).toBe(400);
        expect(tooMany.json).toEqual([{ error: `Тип ${type} (${type}) не имеет реквизита №3 (дано слишком много реквизитов)` }]);
        const unknownType = await upload(owner, `${header}${type}::Комод;1;;\r\n99999::Х;\r\n`);
        expect(unknownType.status).toBe(400);
        expect((unknownType.json as { error: string }[])[0].error).toMatch(/^Строка 2: Недопустимый тип 99999/);
      });
    });

    it('a BKI file with a new column makes it; one whose records fail later makes no column either; an import into a type that is not a table', async () => {
      // a structure change in a file that fails at its second record: neither the column nor a record stays
      await expectNothingWritten(async () => {
        const failing = await upload(owner, `${type}:Товары:SHORT;Цена:NUMBER;Заметка:MEMO;Другая:SHORT;\r\nDATA\r\n${type}::Б;1;;y;\r\n${type}::В;2;;z;лишнее;\r\n`);
        expect(failing.status).toBe(400);
        expect(failing.json).toEqual([{ error: expect.stringMatching(/не имеет реквизита №4/) }]);
        const missing = await upload(owner, 'DATA\r\nА;\r\n', { path: 'object/99999?JSON&import=1' });
        expect(missing.status).toBeGreaterThanOrEqual(200);
        expect(missing.text).not.toMatch(/Stack|at .*\.ts/);
      });
      expect((await server.store.tenant('my').find({ up: 0, val: 'Другая' })).length).toBe(0);
      // structure lines the stores cannot hold or that point nowhere: a clear text, nothing made
      await expectNothingWritten(async () => {
        for (const [file, message] of [
          [`${type}:Товары:SHORT;Цена:NUMBER;Заметка:MEMO;\r\n0:Ноль:SHORT;\r\nDATA\r\n`, /^Недопустимый id «0»/],
          [`${type}:Товары:SHORT;Цена:NUMBER;Заметка:MEMO;\r\n99999999999:Х:SHORT;\r\nDATA\r\n`, /^Недопустимый id «99999999999»/],
          [`${type}:Товары:SHORT;Цена:NUMBER;Заметка:MEMO;ref:1900000:1900001;\r\nDATA\r\n`, /^Ссылка 1900000 указывает на таблицу 0/],
          [`${type}:Товары:SHORT;Цена:NUMBER;Заметка:MEMO;arr:1900002;\r\nDATA\r\n`, /^Подчинённая таблица 1900002 не описана/],
          [`${type}:Товары:SHORT;Цена:NUMBER;Заметка:MEMO;Цвет:COLOUR;\r\nDATA\r\n`, /^Неизвестный базовый тип «COLOUR»/],
        ] as const) {
          const res = await upload(owner, file);
          expect([res.status, res.text]).toEqual([200, expect.stringMatching(message)]);
        }
      });
      const bki = await upload(owner, `${type}:Товары:SHORT;Цена:NUMBER;Заметка:MEMO;Новая:SHORT;\r\nDATA\r\n${type}::А;1;;x;\r\n`);
      expect(bki.status).toBe(200);
      const term = (await server.store.tenant('my').find({ up: 0, val: 'Новая', t: 3 }))[0];
      expect(term).toBeDefined();
      const column = (await server.store.tenant('my').find({ up: type, t: term.id }))[0];
      expect(column).toBeDefined();
      // the answer's list page already has the new column and the record's cell in it
      const page = bki.json as { object: { id: string; val: string }[]; reqs: Record<string, Record<string, string>> };
      const a = page.object.find((o) => o.val === 'А');
      expect(page.reqs[a!.id]).toEqual({ [cols[0]]: '1', [column.id]: 'x' });
    });
  });
}
