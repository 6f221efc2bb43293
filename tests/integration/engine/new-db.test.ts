/**
 * `_new_db` beyond the recording (tests/golden/fixtures/new-db.jsonl): two requests for the same
 * name at once make one database, the guest user of `my` may not make databases, and a database
 * made this way is a complete one its creator's token opens. PGlite and MariaDB.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, STORES, TestServer } from './harness.js';

const DATABASE_RECORD = 271;

for (const kind of STORES) {
  describe.skipIf(!kind.enabled)(`_new_db on ${kind.name}`, () => {
    let server: TestServer;
    let c: Client;
    beforeAll(async () => {
      server = await TestServer.start(kind);
      c = new Client(server);
      expect((await c.login('tester', 'tester-pass-1')).status).toBe(200);
    }, 120_000);
    afterAll(async () => server?.stop(), 120_000);

    it('makes one database when two requests ask for the same name at once', async () => {
      const answers = await Promise.all([c.get('_new_db?JSON&db=racedb'), c.get('_new_db?JSON&db=racedb')]);
      const statuses = answers.map((a) => a.status).sort();
      expect(statuses).toEqual([200, 400]);
      expect(answers.find((a) => a.status === 400)?.json).toEqual([{ error: 'Имя базы racedb занято' }]);
      expect(await server.store.databaseExists('racedb')).toBe(true);
      const registered = (await server.store.exportRows('my')).filter((r) => r.t === DATABASE_RECORD && r.val === 'racedb');
      expect(registered).toHaveLength(1);
    });

    it('gives the new database its owner, who holds the creator token and may delete and export', async () => {
      const created = await c.post('_new_db?JSON&db=ownerdb&template=en', { descr: 'for the owner' });
      expect(created.status).toBe(200);
      const owner = new Client(server, 'ownerdb');
      owner.token = c.token;
      const xsrf = await owner.get('xsrf?JSON');
      expect(xsrf.json).toMatchObject({ user: 'ownerdb', role: 'admin' });
      const users = await owner.get('object/18?JSON');
      expect(users.json).toMatchObject({ '&main.a.&uni_obj.&delete': { ok: [''] }, '&main.a.&uni_obj.&export': { ok: [''] } });
      const notes = (await server.store.exportRows('my')).find((r) => r.t === 276 && r.val === 'for the owner');
      expect(notes).toBeDefined();
    });

    it('refuses the guest user of my and writes nothing', async () => {
      await server.store.transaction('my', async (tx) => {
        const guest = await tx.insert({ up: 1, ord: 0, t: 18, val: 'guest' });
        await tx.insert({ up: guest, ord: 1, t: 145, val: '115' });
      });
      const before = await server.store.exportRows('my');
      // a browser without a token is let in as the guest: one redirect that sets the guest's cookie
      const first = await server.request('GET', '/my/_new_db?db=guestdb');
      expect(first.status).toBe(302);
      const cookie = first.headers.getSetCookie().find((c) => c.startsWith('idb_my='))!.split(';')[0];
      const answer = await server.request('GET', '/my/_new_db?db=guestdb', { headers: { Cookie: cookie } });
      expect(answer.status).toBe(403);
      expect(answer.text).toBe('Гость не может создавать базы');
      expect(await server.store.databaseExists('guestdb')).toBe(false);
      const after = await server.store.exportRows('my');
      expect(after.filter((r) => r.t === DATABASE_RECORD)).toEqual(before.filter((r) => r.t === DATABASE_RECORD));
    });
  });
}
