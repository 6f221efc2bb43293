/**
 * docs/compatibility.md, "Rejected requests change nothing": a refused request changes no rows (except RETRIES and activity
 * timestamps), because every state-changing command runs in one store transaction. Plus the
 * failed-login throttle shared through the appliance store, and bad input that used to give a 500
 * (deeply nested JSON, invalid REGEXP: filters, report/{id} of a non-report or of an empty report). PGlite and MariaDB.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLegacyServer } from '../../support/legacy.js';
import type { Row, Store } from '../../../server/storage/types.js';
import { Client, STORES, TestServer } from './harness.js';
import { forbiddenChanges } from '../fuzz/snapshots.js';

const RETRIES = 301;

for (const kind of STORES) {
  describe.skipIf(!kind.enabled)(`rejected requests change nothing on ${kind.name}`, () => {
    let server: TestServer;
    let c: Client;
    let client: number;
    let note: number;
    let cityCol: number;
    let city: number;
    let stranger: number;
    beforeAll(async () => {
      server = await TestServer.start(kind);
      c = new Client(server);
      expect((await c.login('tester', 'tester-pass-1')).status).toBe(200);
      const cities = await c.table('RjCity', 3, []);
      city = await c.record(cities.type, { [`t${cities.type}`]: 'Kazan' });
      const others = await c.table('RjOther', 3, []);
      stranger = await c.record(others.type, { [`t${others.type}`]: 'not a city' });
      const owner = await c.table('RjClient', 3, [{ name: 'RjNote', base: 3 }]);
      client = owner.type;
      note = owner.cols[0];
      const ref = await c.post(`_d_ref/${cities.type}?JSON`);
      const req = await c.post(`_d_req/${client}?JSON`, { t: String((ref.json as { obj: number }).obj) });
      cityCol = Number((req.json as { id: number }).id);
    }, 120_000);
    afterAll(async () => server?.stop(), 120_000);

    const rows = (): Promise<Row[]> => server.store.exportRows('my');

    it('_m_save that updates one cell and then refuses a bad reference changes nothing', async () => {
      const rec = await c.record(client, { [`t${client}`]: 'Alice', [`t${note}`]: 'old note' });
      const before = await rows();
      const a = await c.post(`_m_save/${rec}?JSON`, { [`t${note}`]: 'new note', [`t${cityCol}`]: String(stranger) });
      expect(a.status).toBe(400);
      expect(a.json).toEqual([{ error: `Неверный тип объекта с ID=${stranger} или объект не найден` }]);
      expect(forbiddenChanges(before, await rows())).toEqual([]);
      // the same save with a good reference commits both cells
      const ok = await c.post(`_m_save/${rec}?JSON`, { [`t${note}`]: 'new note', [`t${cityCol}`]: String(city) });
      expect(ok.status).toBe(200);
      const card = (await c.get(`edit_obj/${rec}?JSON`)).json as { reqs: Record<string, { value: string }> };
      expect(card.reqs[String(note)].value).toBe('new note');
    });

    it('_m_set that inserts a cell and then gives a plain-text refusal changes nothing', async () => {
      const rec = await c.record(client, { [`t${client}`]: 'Bob' });
      const before = await rows();
      const a = await c.post(`_m_set/${rec}?JSON`, { [`t${note}`]: 'inserted?', [`t${cityCol}`]: String(stranger) });
      expect(a.status).toBe(200);
      expect(a.text).toBe(`Неверная ссылка ${stranger}:${(await server.store.tenant('my').get(city))!.t}`);
      expect(forbiddenChanges(before, await rows())).toEqual([]);
      const ok = await c.post(`_m_set/${rec}?JSON`, { [`t${note}`]: 'inserted', [`t${cityCol}`]: String(city) });
      expect(ok.status).toBe(200);
      const cells = await server.store.tenant('my').find({ up: rec });
      expect(cells.map((r) => r.val).sort()).toEqual([String(cityCol), 'inserted'].sort());
    });

    it('a refused _d_* writes nothing and a committed one is visible at once (cache dropped after commit)', async () => {
      const before = await rows();
      const dup = await c.post('_d_new?JSON', { val: 'RjCity', t: '3' });
      expect(dup.status).toBe(200);
      const bad = await c.post(`_d_save/${client}?JSON`, { val: 'RjOther', t: '3' });
      expect(bad.status).toBe(400);
      expect(forbiddenChanges(before, await rows())).toEqual([]);
      const made = await c.post('_d_new?JSON', { val: 'RjFresh', t: '3' });
      const fresh = (made.json as { obj: number }).obj;
      expect(((await c.get('dict?JSON')).json as Record<string, string>)[String(fresh)]).toBe('RjFresh');
    });

    it('a failed login persists its RETRIES increment; a good one resets it', async () => {
      const tester = (await server.store.tenant('my').find({ t: 18, val: 'tester' }))[0];
      const retries = async (): Promise<string | undefined> => (await server.store.tenant('my').find({ up: tester.id, t: RETRIES }))[0]?.val;
      const bad = await new Client(server).login('tester', 'wrong-password');
      expect(bad.status).toBe(401);
      expect(await retries()).toBe('1');
      expect((await new Client(server).login('tester', 'tester-pass-1')).status).toBe(200);
      expect(await retries()).toBe('0');
    });

    it('the failed-login throttle is shared through the store by every instance (compat)', async () => {
      // a second engine instance on the same store, as a second server behind nginx would be
      const other = await startLegacyServer(() => server.store, { masterPassword: undefined });
      const otherUrl = other.url;
      const loginThere = async (login: string, pwd: string): Promise<Response> =>
        fetch(`${otherUrl}/my/auth?JSON`, { method: 'POST', body: new URLSearchParams({ login, pwd }), redirect: 'manual' });
      try {
        const g = new Client(server);
        for (let i = 0; i < 10; i++) expect((await g.login('phantom', `guess-${i}`)).status).toBe(401);
        const blocked = await loginThere('phantom', 'guess-x');
        expect(blocked.status).toBe(429);
        expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
        expect(((await blocked.json()) as { error: string }).error).toMatch(/^Слишком много неудачных попыток входа\. Повторите через \d+ с\.$/);
        // the address is not blocked: another login from the same office still works there
        expect((await loginThere('tester', 'tester-pass-1')).status).toBe(200);
        // browser mode gets the same refusal as text
        const text = await g.server.request('POST', '/my/auth', { form: { login: 'phantom', pwd: 'guess-y' } });
        expect(text.status).toBe(429);
        expect(text.text).toMatch(/^Слишком много неудачных попыток входа/);
      } finally {
        await other.close();
      }
    });

    it('a failed login with a huge or array login is counted, not a 500', async () => {
      const g = new Client(server);
      const huge = 'x'.repeat(70_000);
      expect((await g.login(huge, 'pw')).status).toBe(401);
      const array = await server.request('POST', '/my/auth?JSON', { form: { login: ['%'.repeat(4000), 'b'], pwd: 'pw' } });
      expect(array.status).toBe(401);
      for (let i = 0; i < 9; i++) await g.login(huge, 'pw');
      expect((await g.login(huge, 'pw')).status).toBe(429);
    });

    it('a write retried after a deadlock (MySQL runs the transaction again) answers as if run once', async () => {
      // the store's own retry of a deadlock victim: the first attempt runs fully, is rolled back,
      // and the command runs again on a fresh transaction
      class DeadlockVictim extends Error {}
      let victims = 0;
      const real = server.store;
      const retrying = new Proxy(real, {
        get(target, prop, receiver) {
          if (prop !== 'transaction') return Reflect.get(target, prop, receiver) as unknown;
          return async <T>(db: string, fn: Parameters<Store['transaction']>[1]): Promise<T> => {
            try {
              await real.transaction(db, async (tx) => {
                await fn(tx);
                throw new DeadlockVictim();
              });
            } catch (err) {
              if (!(err instanceof DeadlockVictim)) throw err;
              victims++;
            }
            return real.transaction(db, fn) as Promise<T>;
          };
        },
      }) as Store;
      const other = await startLegacyServer(() => retrying, { masterPassword: undefined });
      const url = other.url;
      const post = async (path: string, form: Record<string, string>): Promise<unknown> => {
        const res = await fetch(`${url}/my/${path}`, {
          method: 'POST', headers: { 'X-Authorization': c.token }, body: new URLSearchParams({ _xsrf: c.xsrf, ...form }),
        });
        return res.json();
      };
      try {
        const made = await post(`_m_new/${client}?JSON`, { up: '1', [`t${client}`]: 'Retried Rita', [`t${note}`]: 'once' }) as { id: number };
        const copies = await server.store.tenant('my').find({ t: client, val: 'Retried Rita' });
        expect(copies.map((r) => r.id)).toEqual([made.id]);
        expect((await server.store.tenant('my').find({ up: made.id })).map((r) => r.val)).toEqual(['once']);
        // a warning added by the command appears once, not once per attempt
        const saved = await post(`_m_save/${made.id}?JSON`, { [`t${client}`]: '' }) as { warnings: string; args: string };
        expect(saved.warnings).toBe('Нельзя оставить пустым имя объекта!<br>');
        expect(saved.args).toBe('saved1=1&&warning=Нельзя оставить пустым имя объекта!<br>');
        expect(victims).toBe(2);
      } finally {
        await other.close();
      }
    });

    it('a JSON body nested 5000 deep is ignored like any non-JSON body', async () => {
      const a = await server.request('POST', '/my/dict?JSON', {
        json: `${'['.repeat(5000)}${']'.repeat(5000)}`, headers: { 'X-Authorization': c.token },
      });
      expect(a.status).toBe(200);
      expect(a.json).toMatchObject({ 18: 'Пользователь' });
      // 512 levels are still JSON (PHP json_decode's limit): the body's keys reach the engine
      const nested = `{"JSON":1,"x":${'['.repeat(510)}${']'.repeat(510)}}`;
      const b = await server.request('POST', '/my/dict', { json: nested, headers: { 'X-Authorization': c.token } });
      expect(b.status).toBe(200);
      expect(b.json).toMatchObject({ 18: 'Пользователь' });
    });

    it('an invalid REGEXP: filter answers the engine error, a valid one filters', async () => {
      for (const filter of ['REGEXP:(', '!REGEXP:*', 'REGEXP:[a-']) {
        const a = await c.get(`object/${client}?JSON&F_${client}=${encodeURIComponent(filter)}`);
        expect(a.status, filter).toBe(400);
        expect((a.json as { error: string }[])[0].error, filter).toMatch(/^Неверное регулярное выражение в фильтре/);
        const count = await c.get(`object/${client}?JSON&_count&F_${client}=${encodeURIComponent(filter)}`);
        expect(count.status, filter).toBe(400);
      }
      const ok = (await c.get(`object/${client}?JSON_DATA&F_${client}=${encodeURIComponent('REGEXP:^al')}`)).json as { r: string[] }[];
      expect(ok.map((r) => r.r[0])).toEqual(['Alice']);
    });

    it('report/{id} of a record that is not a report answers not-found; a missing id no-access', async () => {
      const rec = await c.record(client, { [`t${client}`]: 'Carol' });
      const a = await c.get(`report/${rec}?JSON`);
      expect(a.status).toBe(400);
      expect(a.json).toEqual([{ error: 'Запрос не найден' }]);
      const missing = await c.get('report/99999?JSON');
      expect(missing.status).toBe(403);
    });

    it('a report without columns answers the engine\'s "Пустой отчет" (400)', async () => {
      const report = await server.store.tenant('my').insert({ up: 1, ord: 1, t: 22, val: 'RjReport' });
      for (const path of [`report/${report}?JSON`, 'report/RjReport?JSON']) {
        const a = await c.get(path);
        expect(a.status, path).toBe(400);
        expect(a.json, path).toEqual([{ error: 'Пустой отчет RjReport' }]);
      }
    });
  });
}
