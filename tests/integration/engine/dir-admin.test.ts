/**
 * `dir_admin` (docs/legacy-api.md, "dir_admin"): the JSON listing (ours), and that no request
 * reaches anything outside the database's folder: `..` in names, `add_path` and `gf`, upload file
 * names with folders, `del[]` with separators, and a link placed inside the folder that points out
 * of it. The answers themselves are replayed from the engine's recording (diradmin.jsonl).
 * PGlite and (with TEST_MYSQL_URL) MariaDB, real HTTP, real folders.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, STORES, TestServer } from './harness.js';

/** every entry below a folder, as paths relative to it (folders end with /) */
function tree(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)) + (e.isDirectory() ? '/' : ''))
    .sort();
}

interface Listing {
  folder: string;
  another: string;
  path: string;
  add_path: string;
  folders: string[];
  files: Array<{ name: string; size: string; bytes: number; time: string }>;
}

for (const kind of STORES) {
  describe.skipIf(!kind.enabled)(`dir_admin on ${kind.name}`, () => {
    let server: TestServer;
    let c: Client;
    let sandbox: string;
    let templates: string;
    let uploads: string;
    let outside: string;
    beforeAll(async () => {
      sandbox = mkdtempSync(path.join(tmpdir(), 'integram-diradmin-test-'));
      templates = path.join(sandbox, 'templates');
      uploads = path.join(sandbox, 'uploads');
      outside = path.join(sandbox, 'outside');
      for (const d of [templates, uploads, outside]) mkdirSync(d);
      writeFileSync(path.join(outside, 'secret.txt'), 'secret');
      // another database's folder next to ours, and a file beside the databases' folders
      mkdirSync(path.join(templates, 'other'));
      writeFileSync(path.join(templates, 'other', 'theirs.txt'), 'theirs');
      writeFileSync(path.join(templates, 'beside.txt'), 'beside');
      server = await TestServer.start(kind, { stack: { uploadDir: uploads, templatesFilesDir: templates } });
      c = new Client(server);
      expect((await c.login('tester', 'tester-pass-1')).status).toBe(200);
    }, 120_000);
    afterAll(async () => {
      await server?.stop();
      rmSync(sandbox, { recursive: true, force: true });
    }, 120_000);

    const untouched = (): void => {
      expect(readFileSync(path.join(outside, 'secret.txt'), 'utf8')).toBe('secret');
      expect(tree(outside)).toEqual(['secret.txt']);
      expect(tree(path.join(templates, 'other'))).toEqual(['theirs.txt']);
      expect(readFileSync(path.join(templates, 'beside.txt'), 'utf8')).toBe('beside');
    };

    it('lists a folder as JSON: folders and files sorted, sizes as the engine writes them', async () => {
      expect((await c.post('dir_admin/?JSON=1&mkdir=1&dir_name=Docs')).json).toEqual({ ok: true, action: 'mkdir', folder: 'templates', add_path: '' });
      const up = await c.postMultipart('dir_admin/?JSON=1&add_path=/docs', { upload: '1', file: new File(['x'.repeat(2048)], 'b.txt') });
      expect(up.json).toEqual({ ok: true, action: 'upload', folder: 'templates', add_path: '/docs' });
      await c.postMultipart('dir_admin/?JSON=1&add_path=/docs', { upload: '1', file: new File(['hi'], 'a.txt') });
      await c.post('dir_admin/?JSON=1&add_path=/docs&mkdir=1&dir_name=sub');
      const list = (await c.get('dir_admin/?JSON=1&add_path=/docs')).json as Listing;
      expect(list).toMatchObject({ folder: 'templates', another: 'download', path: 'templates/custom/my/docs', add_path: '/docs', folders: ['sub'] });
      expect(list.files.map((f) => [f.name, f.size, f.bytes])).toEqual([['a.txt', '2 B', 2], ['b.txt', '2 KB', 2048]]);
      expect(list.files[0].time).toMatch(/^\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}:\d{2}$/);
      expect(tree(path.join(templates, 'my'))).toEqual(['docs/', 'docs/a.txt', 'docs/b.txt', 'docs/sub/']);
      // the download folder is the FILE columns' folder
      await c.postMultipart('dir_admin/?JSON=1&download=1', { upload: '1', file: new File(['d'], 'd.csv') });
      expect(readFileSync(path.join(uploads, 'my', 'd.csv'), 'utf8')).toBe('d');
      expect(((await c.get('dir_admin/?JSON=1&download=1')).json as Listing).files.map((f) => f.name)).toEqual(['d.csv']);
      // without a JSON flag: a page, names escaped
      const page = await server.request('GET', `/my/dir_admin/?add_path=/docs`, { headers: { Cookie: `idb_my=${c.token}` } });
      expect(page.status).toBe(200);
      expect(page.text).toContain('a.txt');
      expect(page.text).not.toContain('<script');
    });

    it('keeps every path inside the database folder', async () => {
      const before = tree(path.join(templates, 'my'));
      // upload names with folders keep only their base name; `..` inside a name is refused
      for (const name of ['../../outside/evil.txt', '..\\..\\evil2.txt']) {
        const r = await c.postMultipart('dir_admin/?JSON=1', { upload: '1', file: new File(['evil'], name) });
        expect(r.status).toBe(200);
      }
      expect(tree(path.join(templates, 'my')).filter((n) => n.includes('evil')).sort()).toEqual(['evil.txt', 'evil2.txt']);
      expect((await c.postMultipart('dir_admin/?JSON=1', { upload: '1', file: new File(['x'], 'a..txt') })).text).toBe('Недопустимое имя файла');
      // add_path with .. is dropped; so is one that is no folder
      expect((await c.post('dir_admin/?JSON=1&add_path=/../../outside&mkdir=1&dir_name=made')).json).toMatchObject({ add_path: '' });
      expect((await c.post('dir_admin/?JSON=1&add_path=/docs/../..&mkdir=1&dir_name=made2')).json).toMatchObject({ add_path: '' });
      // gf with .. or into another folder finds nothing
      for (const q of ['gf=../outside/secret.txt', 'gf=../../outside/secret.txt', 'add_path=/..&gf=beside.txt', 'gf=../beside.txt', 'add_path=/../other&gf=theirs.txt', 'gf=%2e%2e/beside.txt']) {
        const r = await c.get(`dir_admin/?JSON=1&${q}`);
        expect([q, r.status, r.text]).toEqual([q, 200, 'Файл не найден']);
      }
      // del[] with separators or .. is skipped, `.` too (it would be the folder itself)
      for (const name of ['../beside.txt', '../other', '..', '.', 'docs/../../beside.txt', '..\\beside.txt']) {
        const r = await c.post('dir_admin/?JSON=1', { delete: '1', del: [name] });
        expect([name, r.json]).toEqual([name, { ok: true, action: 'delete', folder: 'templates', add_path: '' }]);
      }
      expect(tree(path.join(templates, 'my'))).toEqual([...before, 'evil.txt', 'evil2.txt', 'made/', 'made2/'].sort());
      untouched();
    });

    it('does not follow a link that leads out of the folder', async () => {
      symlinkSync(outside, path.join(templates, 'my', 'link'));
      symlinkSync(path.join(outside, 'secret.txt'), path.join(templates, 'my', 'secret-link.txt'));
      expect((await c.get('dir_admin/?JSON=1&add_path=/link&gf=secret.txt')).text).toBe('Файл не найден');
      expect((await c.get('dir_admin/?JSON=1&gf=link/secret.txt')).text).toBe('Файл не найден');
      expect((await c.get('dir_admin/?JSON=1&gf=secret-link.txt')).text).toBe('Файл не найден');
      // the link is no folder of ours: add_path falls back to the top, where the file lands
      const up = await c.postMultipart('dir_admin/?JSON=1&add_path=/link', { upload: '1', file: new File(['in'], 'via-link.txt') });
      expect(up.json).toMatchObject({ action: 'upload', add_path: '' });
      expect(readFileSync(path.join(templates, 'my', 'via-link.txt'), 'utf8')).toBe('in');
      // writing through a link to a file is refused, the target unchanged
      const over = await c.postMultipart('dir_admin/?JSON=1&rewrite=1', { upload: '1', file: new File(['pwned'], 'secret-link.txt') });
      expect(over.status).toBe(200);
      expect(over.text).toBe('Не удалось загрузить файл');
      expect((await c.post('dir_admin/?JSON=1&add_path=/link&mkdir=1&dir_name=x')).json).toMatchObject({ add_path: '' });
      const listing = (await c.get('dir_admin/?JSON=1&add_path=/link')).json as Listing;
      expect(listing.add_path).toBe('');
      expect(listing.files.map((f) => f.name)).not.toContain('secret.txt');
      untouched();
    });

    it('refuses commands without the session _xsrf and changes nothing', async () => {
      const before = tree(path.join(templates, 'my'));
      const r = await server.request('POST', '/my/dir_admin/?JSON=1&mkdir=1&dir_name=nope', { form: { _xsrf: 'wrong' }, headers: { 'X-Authorization': c.token } });
      expect(r.status).toBe(400);
      expect(r.json).toEqual([{ error: 'Неверный или устаревший токен CSRF<br/>' }]);
      const d = await server.request('POST', '/my/dir_admin/?JSON=1', { form: { delete: '1', 'del[]': 'docs' }, headers: { 'X-Authorization': c.token } });
      expect(d.status).toBe(400);
      expect(tree(path.join(templates, 'my'))).toEqual(before);
    });
  });
}
