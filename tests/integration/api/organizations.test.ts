/**
 * /api/organizations on both stores: create from a template (owner with the admin role, legacy
 * login with the given password), name rules, ownership, patch, database-info, and delete only
 * with confirmation after a backup that is then restored (the database's folders — file-manager
 * templates, uploads — are removed with it and come back with the restore).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { folderRoots } from '../../../server/storage/folders.js';
import { backupsDir, readManifest, restoreBackup } from '../../../server/appliance/backups.js';
import { addUser, http, login, skipReason, startApiHarness, STORE_KINDS, type ApiHarness, type LoginData } from './harness.js';

type Envelope<T = unknown> = { success: boolean; data: T; error?: string; code?: string; details?: Record<string, string> };
interface Org { id: string; name: string; description: string; template: string; owner: { database: string; userId: number; login: string }; ownerUserId: number }

for (const kind of STORE_KINDS) {
  const reason = skipReason(kind);
  if (reason) console.warn(`[api/organizations] ${reason}`);

  describe.skipIf(reason !== null)(`/api/organizations on ${kind}`, () => {
    let h: ApiHarness;
    let ivan: LoginData;
    let olga: LoginData;
    beforeAll(async () => {
      h = await startApiHarness({ kind });
      await addUser(h, 'my', 'ivan', 'Secret-123');
      await addUser(h, 'my', 'olga', 'Secret-456');
      ivan = await login(h, 'ivan', 'Secret-123');
      olga = await login(h, 'olga', 'Secret-456');
    }, 120_000);
    afterAll(async () => h?.close());

    it('needs an access token', async () => {
      expect((await http(h.url, 'GET', '/api/organizations')).status).toBe(401);
      expect((await http(h.url, 'GET', '/api/organizations', { token: ivan.refreshToken })).status).toBe(401);
    });

    it('creates an organization from a template with the creator as its admin', async () => {
      const empty = await http<Envelope<Org[]>>(h.url, 'GET', '/api/organizations', { token: ivan.accessToken });
      expect(empty.body.data).toEqual([]);
      const r = await http<Envelope<Org>>(h.url, 'POST', '/api/organizations', {
        token: ivan.accessToken, body: { name: 'Acme', template: 'ru', description: 'Acme Ltd', password: 'Acme-pass-1' },
      });
      expect(r.status).toBe(201);
      expect(r.headers.get('location')).toBe('/api/organizations/acme');
      expect(r.body.data).toMatchObject({ id: 'acme', name: 'acme', description: 'Acme Ltd', template: 'ru', owner: { database: 'my', login: 'ivan' } });
      expect(await h.store.databaseExists('acme')).toBe(true);
      // registered in the appliance registry, not inside a tenant table
      const doc = await h.store.appliance.get('organization', 'acme');
      expect(doc?.ref).toBe(`my:${ivan.user.id}`);
      // the owner logs in to the new database with the given password and has the admin role
      const owner = await http<Envelope<LoginData>>(h.url, 'POST', '/api/auth/login', { body: { database: 'acme', login: 'ivan', password: 'Acme-pass-1' } });
      expect(owner.status).toBe(200);
      expect(owner.body.data.user).toMatchObject({ login: 'ivan', role: 'admin', database: 'acme', id: r.body.data.ownerUserId });
      const list = await http<Envelope<Org[]>>(h.url, 'GET', '/api/organizations', { token: ivan.accessToken });
      expect(list.body.data.map((o) => o.id)).toEqual(['acme']);
    });

    it('applies the name rules and refuses duplicates', async () => {
      const cases: [string, number][] = [['ab', 422], ['1abc', 422], ['api', 422], ['select', 422], ['acme', 409], ['my', 422]];
      for (const [name, status] of cases) {
        const r = await http<Envelope>(h.url, 'POST', '/api/organizations', { token: ivan.accessToken, body: { name } });
        expect(r.status, name).toBe(status);
        expect(r.body.success).toBe(false);
      }
      const template = await http<Envelope>(h.url, 'POST', '/api/organizations', { token: ivan.accessToken, body: { name: 'beta', template: 'xx' } });
      expect(template.status).toBe(422);
      expect(template.body.code).toBe('invalid_template');
      const weak = await http<Envelope>(h.url, 'POST', '/api/organizations', { token: ivan.accessToken, body: { name: 'beta', password: 'x' } });
      expect(weak.status).toBe(422);
      expect(await h.store.databaseExists('beta')).toBe(false);
      const noName = await http<Envelope>(h.url, 'POST', '/api/organizations', { token: ivan.accessToken, body: {} });
      expect(noName.status).toBe(400);
    });

    it('shows and changes only the caller\'s organizations', async () => {
      const mine = await http<Envelope<Org>>(h.url, 'GET', '/api/organizations/acme', { token: ivan.accessToken });
      expect(mine.status).toBe(200);
      const theirs = await http<Envelope>(h.url, 'GET', '/api/organizations/acme', { token: olga.accessToken });
      expect(theirs.status).toBe(404);
      expect((await http(h.url, 'GET', '/api/organizations', { token: olga.accessToken })).status).toBe(200);
      const patched = await http<Envelope<Org>>(h.url, 'PATCH', '/api/organizations/acme', { token: ivan.accessToken, body: { description: 'Acme and sons' } });
      expect(patched.status).toBe(200);
      expect(patched.body.data.description).toBe('Acme and sons');
      const extra = await http<Envelope>(h.url, 'PATCH', '/api/organizations/acme', { token: ivan.accessToken, body: { name: 'other' } });
      expect(extra.status).toBe(400);
      const byOlga = await http<Envelope>(h.url, 'PATCH', '/api/organizations/acme', { token: olga.accessToken, body: { description: 'mine now' } });
      expect(byOlga.status).toBe(404);
    });

    it('reports database sizes', async () => {
      const r = await http<Envelope<{ tables: number; records: number; rows: number; sizeBytes: number }>>(h.url, 'GET', '/api/organizations/acme/database-info', { token: ivan.accessToken });
      expect(r.status).toBe(200);
      const rows = await h.store.exportRows('acme');
      expect(r.body.data.rows).toBe(rows.length);
      expect(r.body.data.tables).toBe(4); // Пользователь, Роль, Уровень доступа, Меню in the ru template
      // the template's roles, levels and the owner are records
      expect(r.body.data.records).toBeGreaterThanOrEqual(6);
      expect(r.body.data.sizeBytes).toBeGreaterThan(rows.length * 20);
      expect((await http(h.url, 'GET', '/api/organizations/nosuch/database-info', { token: ivan.accessToken })).status).toBe(404);
    });

    it('deletes only with confirmation, after a backup that restores it', async () => {
      const none = await http<Envelope>(h.url, 'DELETE', '/api/organizations/acme', { token: ivan.accessToken });
      expect(none.status).toBe(400);
      expect(none.body.code).toBe('confirmation_required');
      const wrong = await http<Envelope>(h.url, 'DELETE', '/api/organizations/acme', { token: ivan.accessToken, body: { confirm: 'acm' } });
      expect(wrong.status).toBe(400);
      const byOlga = await http<Envelope>(h.url, 'DELETE', '/api/organizations/acme', { token: olga.accessToken, body: { confirm: 'acme' } });
      expect(byOlga.status).toBe(404);
      expect(await h.store.databaseExists('acme')).toBe(true);

      const rowsBefore = await h.store.exportRows('acme');
      // the database's folders: a template of the file manager (nested), an uploaded FILE cell, a
      // file the file manager put in the download folder; another database's folder is not touched
      const roots = folderRoots(h.config.DATA_DIR, h.config.UPLOAD_DIR);
      const files: Array<[string, string]> = [
        [path.join(roots.templates, 'acme', 'forms', 'deep', 'invoice.html'), '<p>счёт</p>'],
        [path.join(roots.download, 'acme', '1abcdef12', '025deadbeef.txt'), 'uploaded bytes'],
        [path.join(roots.download, 'acme', 'docs', 'a', 'b', 'note.txt'), 'nested download'],
      ];
      const other = path.join(roots.templates, 'my', 'kept.html');
      for (const [file, text] of [...files, [other, 'other database'] as [string, string]]) {
        mkdirSync(path.dirname(file), { recursive: true });
        writeFileSync(file, text);
      }
      const r = await http<Envelope<{ deleted: string; backupId: string }>>(h.url, 'DELETE', '/api/organizations/acme', { token: ivan.accessToken, body: { confirm: 'acme' } });
      expect(r.status).toBe(200);
      expect(r.body.data.deleted).toBe('acme');
      expect(await h.store.databaseExists('acme')).toBe(false);
      expect(await h.store.appliance.get('organization', 'acme')).toBeNull();
      expect((await http(h.url, 'GET', '/api/organizations/acme', { token: ivan.accessToken })).status).toBe(404);
      // the folders went with the database (the other database's stayed)
      expect(existsSync(path.join(roots.templates, 'acme'))).toBe(false);
      expect(existsSync(path.join(roots.download, 'acme'))).toBe(false);
      expect(readFileSync(other, 'utf8')).toBe('other database');

      const dir = backupsDir(h.config.DATA_DIR);
      const manifest = await readManifest(dir, r.body.data.backupId);
      expect(manifest.databases).toContain('acme');
      const restored = await restoreBackup(h.store, dir, manifest.id, { uploadDir: roots.download, templateFolders: roots.templates });
      expect(restored.restored.acme).toBe(rowsBefore.length);
      expect(await h.store.exportRows('acme')).toEqual(rowsBefore);
      // the backup taken before the delete held the folders: they are back
      for (const [file, text] of files) expect(readFileSync(file, 'utf8')).toBe(text);
      h.engine.invalidate('acme');
      const again = await http<Envelope<LoginData>>(h.url, 'POST', '/api/auth/login', { body: { database: 'acme', login: 'ivan', password: 'Acme-pass-1' } });
      expect(again.status).toBe(200);
    });
  });
}
