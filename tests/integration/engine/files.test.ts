/**
 * FILE columns (docs/legacy-api.md, "Files"): upload, replace, download, delete, and the refusals
 * (blocked type, oversize, a column that is not a FILE column, a missing record, path tricks,
 * a reader without READ): each refusal is a clear error and writes nothing, no row and no file.
 * PGlite and (with TEST_MYSQL_URL) MariaDB, real HTTP, real folder.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, STORES, TestServer } from './harness.js';

/** every file below a folder, as paths relative to it */
function filesBelow(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)))
    .sort();
}

for (const kind of STORES) {
  describe.skipIf(!kind.enabled)(`FILE columns on ${kind.name}`, () => {
    let server: TestServer;
    let c: Client;
    let uploads: string;
    let type: number;
    let fileCol: number;
    let noteCol: number;
    beforeAll(async () => {
      uploads = mkdtempSync(path.join(tmpdir(), 'integram-files-test-'));
      server = await TestServer.start(kind, { stack: { uploadDir: uploads, uploadLimitBytes: 32 * 1024 } });
      c = new Client(server);
      expect((await c.login('tester', 'tester-pass-1')).status).toBe(200);
      const t = await c.table('Attachments', 3, [{ name: 'Scan', base: 10 }, { name: 'Remark', base: 3 }]);
      type = t.type;
      [fileCol, noteCol] = t.cols;
    }, 120_000);
    afterAll(async () => {
      await server?.stop();
      rmSync(uploads, { recursive: true, force: true });
    }, 120_000);

    const linkOf = (html: string): string => /href="([^"]+)"/.exec(html)?.[1] ?? '';
    const cellHtml = async (id: number): Promise<string> => {
      const rows = (await c.get(`object/${type}?JSON_DATA`)).json as Array<{ i: number; r: string[] }>;
      return rows.find((r) => r.i === id)?.r[1] ?? '';
    };
    const download = (link: string, token = c.token): Promise<Response> => fetch(server.url + link, { headers: token ? { 'X-Authorization': token } : {} });

    it('uploads with _m_new, shows a link, serves the file, replaces it with _m_set and _m_save, deletes it with the record', async () => {
      const created = await c.postMultipart(`_m_new/${type}?JSON`, { up: '1', [`t${type}`]: 'scan 1', [`t${fileCol}`]: new File(['first'], 'scan.txt', { type: 'text/plain' }) });
      expect(created.status).toBe(200);
      const id = Number((created.json as { id: number }).id);
      const html = await cellHtml(id);
      expect(html).toMatch(/^<a target="_blank" href="\/download\/my\/\d+[0-9a-f]{8}\/\d{3}[0-9a-f]{8}\.txt">scan\.txt<\/a>$/);
      const link = linkOf(html);
      const res = await download(link);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('first');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(filesBelow(uploads)).toEqual([link.replace('/download/', '')]);

      // _m_set replaces the content at the same place; a new extension moves it and the old file goes
      const set = await c.postMultipart(`_m_set/${id}?JSON`, { [`t${fileCol}`]: new File(['second'], 'scan.txt') });
      expect((set.json as { args: string }).args).toBe(link.slice(1));
      expect(await (await download(link)).text()).toBe('second');
      const saved = await c.postMultipart(`_m_save/${id}?JSON`, { [`t${noteCol}`]: 'pdf now', [`t${fileCol}`]: new File(['%PDF-1'], 'scan.PDF') });
      expect(saved.status).toBe(200);
      const pdfLink = linkOf(await cellHtml(id));
      expect(pdfLink).toMatch(/\.PDF$/);
      const pdf = await download(pdfLink);
      expect(pdf.headers.get('content-type')).toBe('application/pdf');
      expect(await pdf.text()).toBe('%PDF-1');
      expect(filesBelow(uploads)).toEqual([pdfLink.replace('/download/', '')]);

      // clearing the cell removes the file; deleting a record removes its files
      await c.post(`_m_set/${id}?JSON`, { [`t${fileCol}`]: '' });
      expect(filesBelow(uploads)).toEqual([]);
      expect((await download(pdfLink)).status).toBe(404);
      const again = await c.postMultipart(`_m_set/${id}?JSON`, { [`t${fileCol}`]: new File(['third'], 'x.bin') });
      expect(again.status).toBe(200);
      expect(filesBelow(uploads)).toHaveLength(1);
      expect((await c.post(`_m_del/${id}?JSON`)).status).toBe(200);
      expect(filesBelow(uploads)).toEqual([]);
    });

    it('copying a record copies its file (as PHP does)', async () => {
      const created = await c.postMultipart(`_m_new/${type}?JSON`, { up: '1', [`t${type}`]: 'to copy', [`t${fileCol}`]: new File(['copied bytes'], 'c.txt') });
      const id = Number((created.json as { id: number }).id);
      const copy = await c.post(`_m_save/${id}?JSON`, { copybtn: '1', [`t${type}`]: 'the copy' });
      expect(copy.status).toBe(200);
      const rows = (await c.get(`object/${type}?JSON_DATA`)).json as Array<{ i: number; r: string[] }>;
      const copied = rows.find((r) => r.r[0] === 'the copy')!;
      const link = linkOf(copied.r[1]);
      expect(link).not.toBe(linkOf(await cellHtml(id)));
      expect(await (await download(link)).text()).toBe('copied bytes');
      await c.post(`_m_del/${id}?JSON`);
      await c.post(`_m_del/${copied.i}?JSON`);
      expect(filesBelow(uploads)).toEqual([]);
    });

    it('keeps only the base name of a file name with folders in it (path traversal)', async () => {
      for (const name of ['../../evil.txt', '..\\..\\evil.txt', '/etc/evil.txt']) {
        const created = await c.postMultipart(`_m_new/${type}?JSON`, { up: '1', [`t${type}`]: `trav ${name}`, [`t${fileCol}`]: new File(['x'], name) });
        expect(created.status).toBe(200);
        const id = Number((created.json as { id: number }).id);
        expect(await cellHtml(id)).toMatch(/>evil\.txt<\/a>$/);
        await c.post(`_m_del/${id}?JSON`);
      }
      expect(existsSync(path.join(uploads, '..', 'evil.txt'))).toBe(false);
      expect(filesBelow(uploads)).toEqual([]);
    });

    it('refuses, with a clear error and without writing a row or a file: blocked types, oversize, a column that is not FILE, a missing record', async () => {
      const before = await server.store.exportRows('my');
      for (const name of ['shell.php', 'SHELL.PHP', 'x.phtml', 'run.sh', '.htaccess']) {
        const r = await c.postMultipart(`_m_new/${type}?JSON`, { up: '1', [`t${type}`]: 'blocked', [`t${fileCol}`]: new File(['<?php'], name) });
        expect(r.status, name).toBe(400);
        expect(r.json).toEqual([{ error: 'Недопустимый тип файла!' }]);
      }
      const big = await c.postMultipart(`_m_new/${type}?JSON`, { up: '1', [`t${type}`]: 'big', [`t${fileCol}`]: new File([new Uint8Array(33 * 1024)], 'big.txt') });
      expect(big.status).toBe(413);
      expect(big.json).toEqual([{ error: expect.stringMatching(/larger than 32768 bytes/) }]);
      const wrongColumn = await c.postMultipart(`_m_new/${type}?JSON`, { up: '1', [`t${type}`]: 'wrong', [`t${noteCol}`]: new File(['x'], 'a.txt') });
      expect(wrongColumn.status).toBe(400);
      expect((wrongColumn.json as Array<{ error: string }>)[0].error).toMatch(/не является файловым/);
      const missing = await c.postMultipart(`_m_set/99999999?JSON`, { [`t${fileCol}`]: new File(['x'], 'a.txt') });
      expect(missing.status).toBe(404);
      expect(missing.json).toEqual([{ error: 'Запись 99999999 не найдена' }]);
      expect(await server.store.exportRows('my')).toEqual(before);
      expect(filesBelow(uploads)).toEqual([]);
    });

    it('serves a file only to users who may read the record; odd paths are 404', async () => {
      const created = await c.postMultipart(`_m_new/${type}?JSON`, { up: '1', [`t${type}`]: 'secret', [`t${fileCol}`]: new File(['top secret'], 's.txt') });
      const id = Number((created.json as { id: number }).id);
      const link = linkOf(await cellHtml(id));
      // a role without grants
      const t = server.store.tenant('my');
      const role = await t.insert({ up: 1, ord: 9, t: 42, val: 'nofiles' });
      const user = await t.insert({ up: 1, ord: 1, t: 18, val: 'nofiles' });
      await t.insert({ up: user, ord: 1, t: 20, val: createHash('sha512').update('oracle-saltmypw-nofiles').digest('hex') });
      await t.insert({ up: user, ord: 1, t: role, val: '115' });
      const other = new Client(server);
      expect((await other.login('nofiles', 'pw-nofiles')).status).toBe(200);
      const refused = await download(link, other.token);
      expect(refused.status).toBe(404);
      expect(await refused.text()).not.toContain('top secret');
      expect((await download(link, '')).status).toBe(401);
      const folder = link.split('/')[3];
      for (const odd of [`/download/my/${folder}/..%2F..%2Fsecrets`, `/download/my/${folder}%2F..%2F..%2Fetc/passwd`, `/download/my/${folder}/000deadbeef.txt`, `/download/my/x`, `/download/nosuchdb/${folder}/000deadbeef.txt`]) {
        const r = await download(odd);
        expect(r.status, odd).toBeGreaterThanOrEqual(400);
        expect(r.status, odd).toBeLessThan(500);
      }
      // the cookie of a browser session works too
      const viaCookie = await fetch(server.url + link, { headers: { Cookie: `idb_my=${c.token}` } });
      expect(await viaCookie.text()).toBe('top secret');
      expect(readFileSync(path.join(uploads, link.replace('/download/', ''))).toString()).toBe('top secret');
      await c.post(`_m_del/${id}?JSON`);
    });
  });
}
