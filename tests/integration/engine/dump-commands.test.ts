/**
 * The engine's `backup` and `restore` commands (docs/compatibility.md, "Deliberate differences"): a
 * user who may dump the database (here the admin) gets a clear 403 naming the server's backups, and
 * nothing is written: no dump in the file manager's folder (where the engine puts it, password hashes
 * and tokens included), no rows. A user without EXPORT on everything gets the engine's own refusal
 * (recorded: dump-grants.jsonl). PGlite and (with TEST_MYSQL_URL) MariaDB, real HTTP, real folders.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, STORES, TestServer } from './harness.js';

for (const kind of STORES) {
  describe.skipIf(!kind.enabled)(`backup and restore commands on ${kind.name}`, () => {
    let server: TestServer;
    let c: Client;
    let sandbox: string;
    let templates: string;
    beforeAll(async () => {
      sandbox = mkdtempSync(path.join(tmpdir(), 'integram-dump-test-'));
      templates = path.join(sandbox, 'templates');
      mkdirSync(templates);
      server = await TestServer.start(kind, { stack: { uploadDir: path.join(sandbox, 'uploads'), templatesFilesDir: templates } });
      c = new Client(server);
      // the master admin (`admin`) may dump the database in the engine
      expect((await c.login('admin', 'oracle-master')).status).toBe(200);
    }, 120_000);
    afterAll(async () => {
      await server?.stop();
      rmSync(sandbox, { recursive: true, force: true });
    }, 120_000);

    it('a user without EXPORT on everything gets the engine\'s own refusal', async () => {
      const tester = new Client(server);
      expect((await tester.login('tester', 'tester-pass-1')).status).toBe(200);
      expect(await tester.get('backup?JSON')).toMatchObject({ status: 200, text: 'У вас нет прав на выгрузку базы' });
      expect(await tester.get('restore?JSON')).toMatchObject({ status: 200, text: 'У вас нет прав на импорт базы' });
    });

    it('refuses the dump and the restore text with a clear 403, writing nothing', async () => {
      const before = (await c.get('object/18?JSON_DATA')).json;
      for (const [action, word] of [['backup?JSON', 'backup'], ['restore?JSON&backup_file=my_20260101_000000.dmp.zip', 'restore']] as const) {
        for (const send of [() => c.get(action), () => c.post(action)]) {
          const a = await send();
          expect(a.status, a.text).toBe(403);
          const body = a.json as Array<{ error: string }>;
          expect(body[0].error).toContain(`Команда ${word} на этом сервере отключена`);
          expect(body[0].error).toContain('Резервные копии');
        }
      }
      expect(existsSync(path.join(templates, 'my')) ? readdirSync(path.join(templates, 'my'), { recursive: true }) : []).toEqual([]);
      expect((await c.get('object/18?JSON_DATA')).json).toEqual(before);
    });
  });
}
