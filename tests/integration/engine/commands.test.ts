/**
 * Commands and options the golden recordings do not reach, written from
 * docs/legacy-api.md, on PGlite and (when TEST_MYSQL_URL is set) MariaDB.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { Client, STORES, TestServer } from './harness.js';

const today = (() => {
  const d = new Date();
  return `${String(d.getUTCDate()).padStart(2, '0')}.${String(d.getUTCMonth() + 1).padStart(2, '0')}.${d.getUTCFullYear()}`;
})();

for (const kind of STORES) {
  describe.skipIf(!kind.enabled)(`engine commands on ${kind.name}`, () => {
    let server: TestServer;
    let c: Client;
    beforeAll(async () => {
      server = await TestServer.start(kind);
      c = new Client(server);
      expect((await c.login('tester', 'tester-pass-1')).status).toBe(200);
    }, 120_000);
    afterAll(async () => server?.stop(), 120_000);

    it('_d_key toggles the key flag and composite keys refuse duplicates in _m_new', async () => {
      const { type, cols } = await c.table('Device', 3, [{ name: 'Serial', base: 3 }]);
      const key = await c.post(`_d_key/${cols[0]}?JSON`);
      expect(key.status).toBe(200);
      expect((key.json as { obj: string }).obj).toBe(String(type));
      const meta = (await c.get(`metadata/${type}?JSON`)).json as { reqs: { id: string; attrs?: string }[] };
      expect(meta.reqs[0].attrs).toBe('{"key":true}');
      const first = await c.record(type, { [`t${type}`]: 'A', [`t${cols[0]}`]: 'S-1' });
      const dup = await c.post(`_m_new/${type}?JSON`, { up: '1', [`t${type}`]: 'B', [`t${cols[0]}`]: 'S-1' });
      expect(dup.json).toMatchObject({ id: first, obj: type, next_act: 'edit_obj', args: 'exists1=1', warning: 'Запись уже существует' });
      const other = await c.post(`_m_new/${type}?JSON`, { up: '1', [`t${type}`]: 'C', [`t${cols[0]}`]: 'S-2' });
      expect((other.json as { id: number }).id).toBeGreaterThan(first);
      // toggling again removes the flag
      await c.post(`_d_key/${cols[0]}?JSON`);
      const meta2 = (await c.get(`metadata/${type}?JSON`)).json as { reqs: { attrs?: string }[] };
      expect(meta2.reqs[0].attrs).toBeUndefined();
    });

    it('_d_attrs sets attributes wholesale and _m_new applies the default built-in', async () => {
      const { type, cols } = await c.table('Visit', 3, [{ name: 'VisitDate', base: 9 }]);
      const r = await c.post(`_d_attrs/${cols[0]}?JSON`, { val: '[TODAY]', set_null: '1', alias: 'When', up: String(type) });
      expect(r.status).toBe(200);
      expect((r.json as { obj: number }).obj).toBe(type);
      const meta = (await c.get(`metadata/${type}?JSON`)).json as { reqs: { attrs?: string }[] };
      expect(JSON.parse(meta.reqs[0].attrs!)).toEqual({ required: true, alias: 'When', default: '[TODAY]' });
      const id = await c.record(type, { [`t${type}`]: 'first visit' });
      const card = (await c.get(`edit_obj/${id}?JSON`)).json as { reqs: Record<string, { value: string }> };
      expect(card.reqs[String(cols[0])].value).toBe(today);
      // legacy marker strings are read too
      const legacy = await c.post(`_d_attrs/${cols[0]}?JSON`, { val: ':!NULL::ALIAS=Old:x' });
      expect(legacy.status).toBe(200);
    });

    it('_m_del_batch deletes what it may and reports the rest', async () => {
      const { type } = await c.table('Batchy', 3, []);
      const a = await c.record(type, { [`t${type}`]: 'a' });
      const b = await c.record(type, { [`t${type}`]: 'b' });
      const res = await c.post(`_m_del_batch/${type}?JSON`, { ids: `${a},${b},999999` });
      expect(res.json).toEqual({ deleted: [a, b], errors: { 999999: 'Не найден или другой тип' } });
      const viaGet = await c.get(`_m_del_batch/${type}?JSON&ids=1`);
      expect(viaGet.status).toBe(400); // GET carries no _xsrf
      const arrayForm = await c.post(`_m_del_batch/${type}?JSON`, { ids: [String(await c.record(type, { [`t${type}`]: 'c' }))] });
      expect((arrayForm.json as { deleted: number[] }).deleted).toHaveLength(1);
    });

    it('a composite key on a reference column: an id list counts its first id, _m_save checks the key it is given', async () => {
      const owner = await c.table('KeyOwner', 3, []);
      const dev = await c.table('KeyDevice', 3, []);
      const refType = Number(((await c.post(`_d_ref/${owner.type}?JSON`)).json as { obj: number }).obj);
      const refReq = Number(((await c.post(`_d_req/${dev.type}?JSON`, { t: String(refType) })).json as { id: number }).id);
      expect((await c.post(`_d_key/${refReq}?JSON`)).status).toBe(200);
      const ann = await c.record(owner.type, { [`t${owner.type}`]: 'Ann' });
      const bob = await c.record(owner.type, { [`t${owner.type}`]: 'Bob' });
      const phone = await c.record(dev.type, { [`t${dev.type}`]: 'phone', [`t${refReq}`]: String(ann) });
      // PHP UniqueKeySplitRefValues: `t<col>=ann,bob` on a single reference is a list of ids, the first counts
      const dup = await c.post(`_m_new/${dev.type}?JSON`, { up: '1', [`t${dev.type}`]: 'tablet', [`t${refReq}`]: `${ann},${bob}` });
      expect(dup.json).toMatchObject({ id: phone, warning: 'Запись уже существует' });
      const laptop = await c.record(dev.type, { [`t${dev.type}`]: 'laptop', [`t${refReq}`]: String(bob) });
      expect(laptop).toBeGreaterThan(phone);
      const clash = await c.post(`_m_save/${laptop}?JSON`, { [`t${refReq}`]: String(ann) });
      expect(JSON.stringify(clash.json)).toContain(`Запись с таким ключом уже существует #${phone}`);
      const rows = (await c.get(`object/${dev.type}?JSON_OBJ`)).json as { i: number; r: string[] }[];
      expect(rows.find((x) => x.i === laptop)?.r[1]).toBe(`${bob}:Bob`); // refused: nothing written
    });

    it('jwt answers the engine\'s verification failure (the PHP engine dies with a 500: it has no key)', async () => {
      for (const jwt of ['a.b.c', 'not-a-token', '']) {
        const r = await c.post('jwt', { jwt });
        expect(r.status).toBe(200);
        expect(r.json).toEqual({ error: 'JWT verification failed' });
      }
    });

    it('_m_id moves a record to a new id and repoints references', async () => {
      const city = await c.table('Town', 3, []);
      const person = await c.table('Citizen', 3, []);
      const ref = await c.post(`_d_ref/${city.type}?JSON`);
      const refType = Number((ref.json as { obj: number }).obj);
      const refReq = Number(((await c.post(`_d_req/${person.type}?JSON`, { t: String(refType) })).json as { id: number }).id);
      const town = await c.record(city.type, { [`t${city.type}`]: 'Rome' });
      const who = await c.record(person.type, { [`t${person.type}`]: 'Marcus', [`t${refReq}`]: String(town) });
      const res = await c.post(`_m_id/${town}?JSON`, { new_id: '50000' });
      expect(res.json).toMatchObject({ id: 50000, obj: 50000 });
      const rec = (await c.get(`get_record/50000?JSON`)).json as { val: string };
      expect(rec.val).toBe('Rome');
      const list = (await c.get(`object/${person.type}?JSON_OBJ`)).json as { i: number; r: string[] }[];
      expect(list.find((x) => x.i === who)?.r[1]).toBe('50000:Rome');
      const taken = await c.post(`_m_id/${who}?JSON`, { new_id: '50000' });
      expect(taken.json).toEqual([{ error: 'Новый id занят' }]);
    });

    it('_ref_reqs lists the reference targets ordered by value', async () => {
      const color = await c.table('Color', 3, []);
      const car = await c.table('Car', 3, []);
      const refType = Number(((await c.post(`_d_ref/${color.type}?JSON`)).json as { obj: number }).obj);
      const refReq = Number(((await c.post(`_d_req/${car.type}?JSON`, { t: String(refType) })).json as { id: number }).id);
      const red = await c.record(color.type, { [`t${color.type}`]: 'red' });
      const blue = await c.record(color.type, { [`t${color.type}`]: 'blue' });
      const res = await c.get(`_ref_reqs/${refReq}?JSON`);
      expect(res.json).toEqual({ [String(blue)]: 'blue', [String(red)]: 'red' });
      const q = await c.get(`_ref_reqs/${refReq}?JSON&q=re`);
      expect(q.json).toEqual({ [String(red)]: 'red' });
    });

    it('FR_/TO_ ranges, F_ operators and ORDER (ascending and descending)', async () => {
      const { type, cols } = await c.table('Score', 3, [{ name: 'Points', base: 13 }, { name: 'Played', base: 9 }]);
      const ids: number[] = [];
      for (const [name, pts, date] of [['p1', '5', '2024-01-05'], ['p2', '30', '2024-02-01'], ['p3', '12', '2024-03-10']] as const) {
        ids.push(await c.record(type, { [`t${type}`]: name, [`t${cols[0]}`]: pts, [`t${cols[1]}`]: date }));
      }
      const names = async (q: string): Promise<string[]> => ((await c.get(`object/${type}?JSON_OBJ&${q}`)).json as { r: string[] }[]).map((x) => x.r[0]);
      expect(await names(`FR_${cols[0]}=6&TO_${cols[0]}=30`)).toEqual(['p2', 'p3']);
      expect(await names(`FR_${cols[1]}=01.02.2024&TO_${cols[1]}=31.12.2024`)).toEqual(['p2', 'p3']);
      // one border alone is an exact match, as F_ (the engine's Construct_WHERE; subordinate-all.jsonl)
      expect(await names(`FR_${cols[1]}=01.02.2024`)).toEqual(['p2']);
      expect(await names(`TO_${cols[0]}=12`)).toEqual(['p3']);
      expect(await names(`F_${cols[0]}=>10`)).toEqual(['p2', 'p3']);
      expect(await names(`F_${cols[0]}=!5`)).toEqual(['p2', 'p3']);
      expect(await names(`F_${type}=p%25`)).toEqual(['p1', 'p2', 'p3']);
      expect(await names(`F_${type}=@${ids[1]}`)).toEqual(['p2']);
      expect(await names(`ORDER=${cols[0]}`)).toEqual(['p1', 'p3', 'p2']);
      expect(await names(`ORDER=-${cols[0]}`)).toEqual(['p2', 'p3', 'p1']);
      expect(await names(`ORDER=${type}&desc=1`)).toEqual(['p3', 'p2', 'p1']);
      expect(await names('LIMIT=1,1')).toEqual(['p2']);
      expect((await c.get(`object/${type}?JSON_OBJ&_count=1&F_${cols[0]}=>10`)).json).toEqual({ count: '2' });
      // a column addressed by name
      expect(await names('F_Points=12')).toEqual(['p3']);
    });

    it('NEW_{req} creates the referenced record by text; multi-select accepts an array (compat)', async () => {
      const tag = await c.table('Label', 3, []);
      const item = await c.table('Item', 3, []);
      const refType = Number(((await c.post(`_d_ref/${tag.type}?JSON`)).json as { obj: number }).obj);
      const refReq = Number(((await c.post(`_d_req/${item.type}?JSON`, { t: String(refType), multiselect: '1' })).json as { id: number }).id);
      const created = await c.post(`_m_new/${item.type}?JSON`, { up: '1', [`t${item.type}`]: 'box', [`NEW_${refReq}`]: 'fragile' });
      expect(created.status).toBe(200);
      const labels = (await c.get(`object/${tag.type}?JSON_OBJ`)).json as { i: number; r: string[] }[];
      expect(labels.map((l) => l.r[0])).toEqual(['fragile']);
      const heavy = await c.record(tag.type, { [`t${tag.type}`]: 'heavy' });
      const viaArray = await c.postJson(`_m_new/${item.type}?JSON`, { up: 1, [`t${item.type}`]: 'crate', [`t${refReq}`]: [String(labels[0].i), String(heavy)] });
      expect(viaArray.status).toBe(200);
      const items = (await c.get(`object/${item.type}?JSON_OBJ`)).json as { r: string[] }[];
      expect(items.find((x) => x.r[0] === 'crate')?.r[1]).toBe(`${labels[0].i},${heavy}:fragile,heavy`);
      // NEW_ in _m_save
      const box = (items.find((x) => x.r[0] === 'box') as unknown as { i: number }).i;
      const saved = await c.post(`_m_save/${box}?JSON`, { [`t${item.type}`]: 'box', [`t${refReq}`]: '', [`NEW_${refReq}`]: 'urgent' });
      expect(saved.status).toBe(200);
    });

    it('JSON_OBJ on a subordinate list, and the parent shows the child count', async () => {
      const order = await c.table('Order', 3, []);
      const line = await c.table('Line', 3, [{ name: 'Qty', base: 13 }]);
      await c.post(`_d_req/${order.type}?JSON`, { t: String(line.type) });
      const o = await c.record(order.type, { [`t${order.type}`]: 'O-1' });
      const l1 = await c.record(line.type, { [`t${line.type}`]: 'bolt', [`t${line.cols[0]}`]: '3' }, o);
      const l2 = await c.record(line.type, { [`t${line.type}`]: 'nut', [`t${line.cols[0]}`]: '7' }, o);
      const lines = (await c.get(`object/${line.type}?JSON_OBJ&F_U=${o}`)).json;
      expect(lines).toEqual([{ i: l1, u: o, o: 1, r: ['bolt', '3'] }, { i: l2, u: o, o: 2, r: ['nut', '7'] }]);
      const orders = (await c.get(`object/${order.type}?JSON_OBJ`)).json;
      expect(orders).toEqual([{ i: o, u: 1, o: 1, r: ['O-1', 2] }]);
      const moved = await c.post(`_m_ord/${l2}?JSON`, { order: '1' });
      expect(moved.status).toBe(200);
      const reordered = (await c.get(`object/${line.type}?JSON_OBJ&F_U=${o}`)).json as { r: string[] }[];
      expect(reordered.map((x) => x.r[0])).toEqual(['nut', 'bolt']);
      const refused = await c.post(`_m_del/${o}?JSON`);
      expect(refused.status).toBe(200);
    });

    it('the bootstrap `user` role (164) reads everything and every write is refused', async () => {
      const created = await c.post('_m_new/18?JSON', { up: '1', t18: 'reader', t20: 'reader-pass', t115: '164' });
      expect(created.status).toBe(200);
      const r = new Client(server);
      expect((await r.login('reader', 'reader-pass')).status).toBe(200);
      expect((await r.get('xsrf?JSON')).json).toMatchObject({ user: 'reader', role: 'user' });
      expect((await r.get('terms?JSON')).status).toBe(200);
      expect((await r.get('object/18?JSON_OBJ')).status).toBe(200);
      expect((await r.get('edit_obj/1012?JSON')).status).toBe(200);
      const newRec = await r.post('_m_new/42?JSON', { up: '1', t42: 'hacker' });
      expect(newRec.status).toBe(200);
      expect(newRec.text).toBe('У вас нет прав на создание объектов этого типа.');
      const setCell = await r.post('_m_set/1012?JSON', { t33: 'x' });
      expect(setCell.status).toBe(403);
      expect((setCell.json as { error: string }[])[0].error).toContain('У вас нет доступа к реквизиту объекта');
      const del = await r.post('_m_del/145?JSON');
      expect(del.status).toBe(403);
      const ddl = await r.post('_d_new?JSON', { val: 'Nope', t: '3' });
      expect(ddl.status).toBe(200);
      // Check_Types_Grant(fatal) answers first when the role has no grant on 0 (recorded in grants-nonadmin.jsonl)
      expect(ddl.text).toBe('user: У вас нет прав на редактирование и просмотр типов ().');
    });

    it('a user without a role is refused; a role without grants cannot read (compat: edit_obj checks READ)', async () => {
      // the bootstrap's requisite attrs ("Роль", "Пароль") act as defaults in _m_new, so write the user directly
      const t = server.store.tenant('my');
      const norole = await t.insert({ up: 1, ord: 1, t: 18, val: 'norole' });
      await t.insert({ up: norole, ord: 1, t: 20, val: createHash('sha512').update('oracle-saltmypw-norole').digest('hex') });
      const n = new Client(server);
      const login = await n.login('norole', 'pw-norole');
      expect(login.status).toBe(200);
      expect((await n.get('xsrf?JSON')).json).toEqual([{ error: 'Пользователю norole не задана роль' }]);
      const role = await t.insert({ up: 1, ord: 9, t: 42, val: 'empty' });
      const blind = await t.insert({ up: 1, ord: 1, t: 18, val: 'blind' });
      await t.insert({ up: blind, ord: 1, t: 20, val: createHash('sha512').update('oracle-saltmypw-blind').digest('hex') });
      await t.insert({ up: blind, ord: 1, t: role, val: '115' });
      const b = new Client(server);
      await b.login('blind', 'pw-blind');
      expect((await b.get('edit_obj/1012?JSON')).status).toBe(403);
      expect((await b.get('object/18?JSON')).status).toBe(403);
      expect((await b.get('terms?JSON')).json).toEqual([]);
    });

    it('the older sha1(SALT + UPPER(login) + db + pwd) hash also logs in (compat)', async () => {
      const t = server.store.tenant('my');
      const uid = await t.insert({ up: 1, ord: 1, t: 18, val: 'OldTimer' });
      await t.insert({ up: uid, ord: 1, t: 145, val: '115' });
      const sha1 = createHash('sha1').update(`oracle-salt${'OLDTIMER'}my${'old-secret'}`).digest('hex');
      await t.insert({ up: uid, ord: 1, t: 20, val: sha1 });
      const o = new Client(server);
      expect((await o.login('oldtimer', 'old-secret')).status).toBe(200);
      expect((await o.login('oldtimer', 'wrong')).status).toBe(401);
    });

    it('routing: /api/{db} prefix is JSON mode, OPTIONS, CORS headers, invalid names (compat)', async () => {
      const viaApi = await server.request('GET', '/api/my/xsrf', { headers: { 'X-Authorization': c.token } });
      expect(viaApi.status).toBe(200);
      expect((viaApi.json as { user: string }).user).toBe('tester');
      const opt = await server.request('OPTIONS', '/my/object/18');
      expect(opt.status).toBe(200);
      expect(opt.headers.get('allow')).toBe('GET,POST,OPTIONS');
      expect(opt.headers.get('access-control-allow-origin')).toBe('*');
      const bad = await server.request('GET', '/bad-name!/xsrf?JSON');
      expect([bad.status, bad.text]).toEqual([200, 'Invalid database']);
      const none = await server.request('GET', '/nosuch/xsrf?JSON');
      expect([none.status, none.json]).toEqual([404, [{ error: 'База «nosuch» не найдена' }]]);
      const name = await c.get('object/Пользователь?JSON_OBJ');
      expect(name.status).toBe(200);
    });

    it('aliases without the _d_ prefix still need _xsrf and the type-editor grant (compat)', async () => {
      const noXsrf = await server.request('POST', '/my/_t_alias/18?JSON', { form: { val: 'Login' }, headers: { 'X-Authorization': c.token } });
      expect(noXsrf.status).toBe(400);
      expect(noXsrf.json).toEqual([{ error: 'Неверный или устаревший токен CSRF<br/>' }]);
    });

    it('_t_alias sets the first column alias; unprefixed aliases (_setnull) run the same command', async () => {
      const { type, cols } = await c.table('Supplier', 3, [{ name: 'Vat', base: 3 }]);
      const alias = await c.post(`_t_alias/${type}?JSON`, { val: 'Company' });
      expect(alias.status).toBe(200);
      const terms = (await c.get('terms?JSON')).json as { id: number; alias?: string }[];
      expect(terms.find((x) => x.id === type)?.alias).toBe('Company');
      const meta = (await c.get(`metadata/${type}?JSON`)).json as { alias?: string; reqs: { attrs?: string }[] };
      expect(meta.alias).toBe('Company');
      expect((await c.post(`_setnull/${cols[0]}?JSON`)).status).toBe(200);
      expect(((await c.get(`metadata/${type}?JSON`)).json as { reqs: { attrs?: string }[] }).reqs[0].attrs).toBe('{"required":true}');
    });

    it('restore_admin needs the master admin (compat)', async () => {
      expect((await c.post('restore_admin?JSON')).status).toBe(403);
      const m = new Client(server);
      expect((await m.login('admin', 'oracle-master')).status).toBe(200);
      const ok = await m.post('restore_admin?JSON');
      expect(ok.json).toEqual({ result: 'ok' });
      const owner = (await c.get('object/18?JSON_OBJ&F_18=my')).json as { r: string[] }[];
      expect(owner[0].r[0]).toBe('my');
    });

    it('credentials: cookie beats headers, POST secret logs in, a guest user serves unknown tokens', async () => {
      const cookieFirst = await server.request('GET', '/my/xsrf?JSON', { headers: { Cookie: `idb_my=${c.token}`, 'X-Authorization': 'bogus' } });
      expect((cookieFirst.json as { user: string }).user).toBe('tester');
      const t = server.store.tenant('my');
      await t.insert({ up: 1012, ord: 1, t: 130, val: 'api-secret-1' });
      const viaSecret = await server.request('POST', '/my/xsrf?JSON', { form: { secret: 'api-secret-1' } });
      expect((viaSecret.json as { user: string }).user).toBe('tester');
      expect(viaSecret.headers.get('set-cookie')).toContain('idb_my=');
      // a wrong secret is echoed into the cookie as the PHP engine does, but never an absurdly long one
      const wrong = await server.request('POST', '/my/xsrf?JSON', { form: { secret: 'wrong-secret' } });
      expect(wrong.status).toBeLessThan(500);
      expect(wrong.headers.get('set-cookie')).toContain('idb_my=wrong-secret');
      const huge = await server.request('POST', '/my/xsrf?JSON', { form: { secret: 'h'.repeat(100_000) } });
      expect(huge.status).toBeLessThan(500);
      expect(huge.headers.get('set-cookie') ?? '').not.toContain('hhhh');
      const bare = await server.request('GET', '/my/xsrf?JSON', { headers: { Authorization: c.token } });
      expect((bare.json as { user: string }).user).toBe('tester');
      const guest = await t.insert({ up: 1, ord: 1, t: 18, val: 'guest' });
      await t.insert({ up: guest, ord: 1, t: 164, val: '115' });
      // as in the PHP engine, an API call without any credential is refused; an unknown token runs as guest
      expect((await server.request('GET', '/my/xsrf?JSON')).status).toBe(401);
      const anon = await server.request('GET', '/my/xsrf?JSON', { headers: { 'X-Authorization': 'unknown-token' } });
      expect(anon.json).toMatchObject({ user: 'guest', token: 'gtuoeksetn', _xsrf: createHash('sha512').update('oracle-saltmyguest').digest('hex').slice(0, 22) });
      expect((await server.request('GET', '/my/object/18?JSON_OBJ', { headers: { 'X-Authorization': 'unknown-token' } })).status).toBe(200);
      await t.deleteTree(guest);
    });

    it('failed logins are throttled per login with a clear error (compat)', async () => {
      const g = new Client(server);
      for (let i = 0; i < 10; i++) expect((await g.login('ghost', `guess-${i}`)).status).toBe(401);
      const blocked = await g.login('ghost', 'guess-x');
      expect(blocked.status).toBe(429);
      expect((blocked.json as { error: string }).error).toMatch(/^Слишком много неудачных попыток входа/);
      // other logins from the same address are not blocked
      expect((await g.login('tester', 'tester-pass-1')).status).toBe(200);
    });

    it('bad input never produces a 5xx', async () => {
      const hostile = ["'; DROP TABLE my; --", '<script>x</script>', '%', '@', '@IN(1,x)', '..', 'IN(', 'REGEXP:(', 'x'.repeat(70000), '\u0000', '[TODAY]'];
      const paths = ['object/18?JSON&F_18=', 'object/18?JSON_OBJ&ORDER=', 'object/18?JSON&LIMIT=', 'edit_obj/', 'metadata/', 'get_record/', '_ref_reqs/', 'object/'];
      for (const p of paths) {
        for (const h of hostile.slice(0, 6)) {
          const a = await c.get(`${p}${encodeURIComponent(h)}`);
          expect(a.status, `${p}${h}`).toBeLessThan(500);
        }
      }
      for (const cmd of ['_m_new/18', '_m_set/1012', '_m_save/1012', '_m_del/1', '_d_new', '_d_req/18', '_d_save/18', '_m_move/1012', '_m_ord/1012', '_m_id/1']) {
        for (const h of hostile) {
          const a = await c.post(`${cmd}?JSON`, { up: h, t: h, val: h, order: h, new_id: h, t999: h });
          expect(a.status, `${cmd} ${h.slice(0, 20)}`).toBeLessThan(500);
        }
      }
      const huge = '99999999999999999999';
      for (const path of [`object/18?JSON&pg=${huge}`, `object/18?JSON&F_I=${huge}`, `object/18?JSON&F_U=${huge}`, `object/${huge}?JSON`,
        `edit_obj/${huge}?JSON`, `get_record/${huge}?JSON`, `metadata/${huge}?JSON`, `obj_meta/${huge}?JSON`, `_ref_reqs/${huge}?JSON`,
        `object/18?JSON_OBJ&LIMIT=${huge},${huge}`, `object/18?JSON&F_18=@${huge}`, `object/18?JSON&ORDER=${huge}`, 'object/18?JSON&F_115=@IN(1,2)']) {
        const a = await c.get(path);
        expect(a.status, path).toBeLessThan(500);
      }
      for (const cmd of [`_m_set/${huge}`, `_m_del/${huge}`, `_m_new/18`, `_m_move/1012`, `_d_req/${huge}`, `_d_ord/${huge}`, `_m_id/1012`]) {
        const a = await c.post(`${cmd}?JSON`, { up: huge, t: huge, t115: huge, order: huge, new_id: huge, ids: huge });
        expect(a.status, cmd).toBeLessThan(500);
      }
      const malformed = await server.request('POST', '/my/_m_new/18?JSON', { json: '{"_xsrf": ', headers: { 'X-Authorization': c.token } });
      expect(malformed.status).toBeLessThan(500);
    });
  });
}

describe('master admin exists only when a master password is configured (compat)', () => {
  it('refuses admin/master password without the setting', async () => {
    const server = await TestServer.start(STORES[0], { masterPassword: undefined });
    try {
      const a = await server.request('POST', '/my/auth?JSON', { form: { login: 'admin', pwd: 'oracle-master' } });
      expect(a.status).toBe(401);
    } finally {
      await server.stop();
    }
  }, 120_000);
});
