/**
 * /api/v2/integram (JSON:API 1.1) on both stores: tables, one table with columns, objects with
 * filter/sort/page, create by both paths, get/patch/delete, the media type rules (415), 404 / 409
 * / 422, and who may call: JWT, legacy token (X-Authorization or Bearer), grants of the legacy
 * engine, single sign-on to owned organizations.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, http, login, skipReason, startApiHarness, STORE_KINDS, type ApiHarness, type LoginData, type Reply } from './harness.js';

const MEDIA = 'application/vnd.api+json';

interface Resource { type: string; id: string; attributes: Record<string, unknown>; relationships?: Record<string, { data: unknown }>; links?: { self: string } }
interface Doc { data: Resource | Resource[]; meta?: { total: number; page?: { number: number; size: number; last: number } }; links?: Record<string, string | null> }
interface Errors { errors: { status: string; code: string; title: string; detail: string; source?: { pointer?: string; parameter?: string } }[] }

async function legacyCommand(h: ApiHarness, session: LoginData, path: string, fields: Record<string, string>): Promise<{ id: unknown; obj: unknown }> {
  const body = new URLSearchParams({ _xsrf: session.legacy!._xsrf, ...fields }).toString();
  const res = await fetch(`${h.url}/my/${path}?JSON`, {
    method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Authorization': session.legacy!.token }, body,
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${text}`);
  return JSON.parse(text) as { id: unknown; obj: unknown };
}

for (const kind of STORE_KINDS) {
  const reason = skipReason(kind);
  if (reason) console.warn(`[api/v2] ${reason}`);

  describe.skipIf(reason !== null)(`/api/v2/integram on ${kind}`, () => {
    let h: ApiHarness;
    let boss: LoginData;
    let reader: LoginData;
    let client = 0;
    let phoneReq = 0;
    let statusType = 0;
    let statusReq = 0;
    const V2 = '/api/v2/integram/databases/my';
    const send = <T>(method: string, route: string, body?: unknown, token?: string): Promise<Reply<T>> =>
      http<T>(h.url, method, route, { body, token: token ?? boss.accessToken, contentType: MEDIA });

    beforeAll(async () => {
      h = await startApiHarness({ kind });
      await addUser(h, 'my', 'boss', 'Secret-123', 'admin');
      await addUser(h, 'my', 'reader', 'Secret-123', 'user');
      boss = await login(h, 'boss', 'Secret-123');
      reader = await login(h, 'reader', 'Secret-123');
      // structure through the legacy API: Client (unique) with Phone and a reference to Status
      client = Number((await legacyCommand(h, boss, '_d_new', { val: 'Client', t: '3', unique: '1' })).obj);
      const phone = Number((await legacyCommand(h, boss, '_d_new', { val: 'Phone', t: '3' })).obj);
      phoneReq = Number((await legacyCommand(h, boss, `_d_req/${client}`, { t: String(phone) })).id);
      statusType = Number((await legacyCommand(h, boss, '_d_new', { val: 'Status', t: '3' })).obj);
      const ref = Number((await legacyCommand(h, boss, `_d_ref/${statusType}`, {})).obj);
      statusReq = Number((await legacyCommand(h, boss, `_d_req/${client}`, { t: String(ref) })).id);
    }, 120_000);
    afterAll(async () => h?.close());

    it('lists tables as JSON:API resources', async () => {
      const r = await send<Doc>('GET', `${V2}/types`);
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toContain(MEDIA);
      const types = r.body.data as Resource[];
      const c = types.find((t) => t.id === String(client));
      expect(c?.type).toBe('integram-type');
      expect(c?.attributes).toMatchObject({ name: 'Client', baseType: 'SHORT', unique: true, columnCount: 2, objectCount: 0 });
      expect(types.some((t) => t.attributes.name === 'Status')).toBe(true);
      expect(r.body.meta?.total).toBe(types.length);
    });

    it('shows one table with its columns', async () => {
      const r = await send<Doc>('GET', `${V2}/types/${client}`);
      expect(r.status).toBe(200);
      const columns = (r.body.data as Resource).attributes.columns as Record<string, unknown>[];
      expect(columns).toHaveLength(2);
      expect(columns[0]).toMatchObject({ id: phoneReq, name: 'Phone', baseType: 'SHORT', required: false, multi: false });
      expect(columns[1]).toMatchObject({ id: statusReq, name: 'Status', ref: statusType });
      expect((await send<Errors>('GET', `${V2}/types/999999`)).status).toBe(404);
      expect((await send<Errors>('GET', `${V2}/types/abc`)).status).toBe(404);
    });

    let acme = '';
    let newStatus = '';
    it('creates objects by both paths (201 + Location)', async () => {
      const s1 = await send<Doc>('POST', `${V2}/types/${statusType}/objects`, { data: { type: 'integram-object', attributes: { value: 'New' } } });
      expect(s1.status).toBe(201);
      newStatus = (s1.body.data as Resource).id;
      expect(s1.headers.get('location')).toBe(`/api/v2/integram/databases/my/objects/${newStatus}`);
      const s2 = await send<Doc>('POST', `${V2}/objects`, { data: { type: 'integram-object', attributes: { typeId: statusType, value: 'VIP' } } });
      expect(s2.status).toBe(201);

      const c1 = await send<Doc>('POST', `${V2}/objects`, {
        data: { type: 'integram-object', attributes: { value: 'Acme', Phone: '+7 900 000-00-01', Status: Number(newStatus) }, relationships: { type: { data: { type: 'integram-type', id: String(client) } } } },
      });
      expect(c1.status).toBe(201);
      const created = c1.body.data as Resource;
      acme = created.id;
      expect(created.attributes).toMatchObject({ value: 'Acme', Phone: '+7 900 000-00-01', Status: 'New' });
      expect(created.relationships?.Status.data).toEqual({ type: 'integram-object', id: newStatus });
      expect(created.relationships?.type.data).toEqual({ type: 'integram-type', id: String(client) });
      for (const name of ['Beta', 'Gamma', 'Delta']) {
        const r = await send<Doc>('POST', `${V2}/types/${client}/objects`, { data: { type: 'integram-object', attributes: { value: name, [String(phoneReq)]: `tel-${name}` } } });
        expect(r.status).toBe(201);
      }
      // the same object through the legacy API
      const legacy = await http<{ i: number; r: string[] }[]>(h.url, 'GET', `/my/object/${client}?JSON_OBJ&F_I=${acme}`, { headers: { 'X-Authorization': boss.legacy!.token } });
      expect(legacy.body[0].r[0]).toBe('Acme');
    });

    it('pages, filters and sorts objects', async () => {
      const p1 = await send<Doc>('GET', `${V2}/types/${client}/objects?page[size]=3&sort=value`);
      expect(p1.status).toBe(200);
      expect(p1.body.meta?.total).toBe(4);
      expect((p1.body.data as Resource[]).map((o) => o.attributes.value)).toEqual(['Acme', 'Beta', 'Delta']);
      expect(p1.body.links?.next).toContain('page%5Bnumber%5D=2');
      expect(p1.body.links?.prev).toBeNull();
      expect(p1.body.links?.last).toContain('page%5Bnumber%5D=2');
      const p2 = await send<Doc>('GET', `${V2}/types/${client}/objects?page[size]=3&page[number]=2&sort=value`);
      expect((p2.body.data as Resource[]).map((o) => o.attributes.value)).toEqual(['Gamma']);
      expect(p2.body.links?.next).toBeNull();
      const desc = await send<Doc>('GET', `${V2}/types/${client}/objects?sort=-value`);
      expect((desc.body.data as Resource[])[0].attributes.value).toBe('Gamma');
      const filtered = await send<Doc>('GET', `${V2}/types/${client}/objects?filter[Phone]=tel-Beta`);
      expect((filtered.body.data as Resource[]).map((o) => o.attributes.value)).toEqual(['Beta']);
      expect(filtered.body.meta?.total).toBe(1);
      const like = await send<Doc>('GET', `${V2}/types/${client}/objects?filter[value]=${encodeURIComponent('%a')}`);
      expect((like.body.data as Resource[]).map((o) => o.attributes.value).sort()).toEqual(['Acme', 'Beta', 'Delta', 'Gamma'].filter((n) => n.endsWith('a')).sort());
      const byId = await send<Doc>('GET', `${V2}/types/${client}/objects?filter[id]=${acme}`);
      expect((byId.body.data as Resource[]).map((o) => o.id)).toEqual([acme]);
      const badFilter = await send<Errors>('GET', `${V2}/types/${client}/objects?filter[nope]=1`);
      expect(badFilter.status).toBe(400);
      expect(badFilter.body.errors[0].source?.parameter).toBe('filter[nope]');
      expect((await send<Errors>('GET', `${V2}/types/${client}/objects?page[size]=0`)).status).toBe(400);
      expect((await send<Errors>('GET', `${V2}/types/${client}/objects?sort=value,Phone`)).status).toBe(400);
    });

    it('gets, patches and deletes one object', async () => {
      const one = await send<Doc>('GET', `${V2}/objects/${acme}`);
      expect(one.status).toBe(200);
      expect((one.body.data as Resource).attributes.value).toBe('Acme');
      expect((await send<Errors>('GET', `${V2}/objects/9999999`)).status).toBe(404);
      expect((await send<Errors>('GET', `${V2}/objects/18`)).status).toBe(404);

      const patched = await send<Doc>('PATCH', `${V2}/objects/${acme}`, { data: { type: 'integram-object', id: acme, attributes: { Phone: '+7 911' } } });
      expect(patched.status).toBe(200);
      expect((patched.body.data as Resource).attributes).toMatchObject({ value: 'Acme', Phone: '+7 911' });
      const mismatch = await send<Errors>('PATCH', `${V2}/objects/${acme}`, { data: { type: 'integram-object', id: '1', attributes: {} } });
      expect(mismatch.status).toBe(409);
      const wrongType = await send<Errors>('PATCH', `${V2}/objects/${acme}`, { data: { type: 'people', attributes: {} } });
      expect(wrongType.status).toBe(409);
      const unknown = await send<Errors>('PATCH', `${V2}/objects/${acme}`, { data: { type: 'integram-object', attributes: { Fax: '1' } } });
      expect(unknown.status).toBe(422);
      expect(unknown.body.errors[0]).toMatchObject({ status: '422', code: 'unknown_attribute', source: { pointer: '/data/attributes/Fax' } });
      const noData = await send<Errors>('PATCH', `${V2}/objects/${acme}`, { attributes: {} });
      expect(noData.status).toBe(400);

      // the Status record is referenced by Acme: 409
      const referenced = await send<Errors>('DELETE', `${V2}/objects/${newStatus}`);
      expect(referenced.status).toBe(409);
      const del = await send('DELETE', `${V2}/objects/${acme}`);
      expect(del.status).toBe(204);
      expect((await send<Errors>('GET', `${V2}/objects/${acme}`)).status).toBe(404);
      expect((await send<Errors>('DELETE', `${V2}/objects/${acme}`)).status).toBe(404);
      expect((await send('DELETE', `${V2}/objects/${newStatus}`)).status).toBe(204);
    });

    it('answers 415 for a body that is not application/vnd.api+json, 406 for a parameterised Accept', async () => {
      const body = { data: { type: 'integram-object', attributes: { value: 'X' } } };
      const plain = await http<Errors>(h.url, 'POST', `${V2}/types/${client}/objects`, { body, token: boss.accessToken });
      expect(plain.status).toBe(415);
      expect(plain.headers.get('content-type')).toContain(MEDIA);
      expect(plain.body.errors[0].code).toBe('unsupported_media_type');
      const withParam = await http<Errors>(h.url, 'POST', `${V2}/types/${client}/objects`, { body, token: boss.accessToken, contentType: `${MEDIA}; charset=utf-8` });
      expect(withParam.status).toBe(415);
      const patch = await http<Errors>(h.url, 'PATCH', `${V2}/objects/1`, { body, token: boss.accessToken, contentType: 'text/plain' });
      expect(patch.status).toBe(415);
      const notAcceptable = await http<Errors>(h.url, 'GET', `${V2}/types`, { token: boss.accessToken, headers: { Accept: `${MEDIA}; charset=utf-8` } });
      expect(notAcceptable.status).toBe(406);
      const acceptable = await http<Errors>(h.url, 'GET', `${V2}/types`, { token: boss.accessToken, headers: { Accept: `${MEDIA}; charset=utf-8, ${MEDIA}` } });
      expect(acceptable.status).toBe(200);
    });

    it('answers 409 for a duplicate in a unique table and 422 without a type', async () => {
      const dup = await send<Errors>('POST', `${V2}/types/${client}/objects`, { data: { type: 'integram-object', attributes: { value: 'Beta' } } });
      expect(dup.status).toBe(409);
      expect(dup.body.errors[0].code).toBe('duplicate');
      const noType = await send<Errors>('POST', `${V2}/objects`, { data: { type: 'integram-object', attributes: { value: 'x' } } });
      expect(noType.status).toBe(422);
    });

    it('accepts a JWT or the legacy token and applies the legacy grants', async () => {
      expect((await http<Errors>(h.url, 'GET', `${V2}/types`)).status).toBe(401);
      const badLegacy = await http<Errors>(h.url, 'GET', `${V2}/types`, { headers: { 'X-Authorization': 'f'.repeat(64) } });
      expect(badLegacy.status).toBe(401);
      const legacyHeader = await http<Doc>(h.url, 'GET', `${V2}/types/${client}/objects`, { headers: { 'X-Authorization': boss.legacy!.token } });
      expect(legacyHeader.status).toBe(200);
      const legacyBearer = await http<Doc>(h.url, 'GET', `${V2}/types/${client}/objects`, { token: boss.legacy!.token });
      expect(legacyBearer.status).toBe(200);
      expect(legacyBearer.body.meta?.total).toBe(3);
      // the "user" role reads everything but writes nothing (template grants: READ on all objects)
      const read = await send<Doc>('GET', `${V2}/types/${client}/objects`, undefined, reader.accessToken);
      expect(read.status).toBe(200);
      const write = await send<Errors>('POST', `${V2}/types/${client}/objects`, { data: { type: 'integram-object', attributes: { value: 'Nope' } } }, reader.accessToken);
      expect(write.status).toBe(403);
      const absentDb = await send<Errors>('GET', '/api/v2/integram/databases/nosuch/types');
      expect(absentDb.status).toBe(403);
      const absentDbLegacy = await http<Errors>(h.url, 'GET', '/api/v2/integram/databases/nosuch/types', { headers: { 'X-Authorization': boss.legacy!.token } });
      expect(absentDbLegacy.status).toBe(404);
      expect((await send<Errors>('GET', '/api/v2/integram/nowhere')).status).toBe(404);
    });

    it('lets the owner of an organization use it with the home login', async () => {
      const org = await http(h.url, 'POST', '/api/organizations', { token: boss.accessToken, body: { name: 'bossco' } });
      expect(org.status).toBe(201);
      const types = await send<Doc>('GET', '/api/v2/integram/databases/bossco/types');
      expect(types.status).toBe(200);
      const created = await send<Doc>('POST', '/api/v2/integram/databases/bossco/types/42/objects', { data: { type: 'integram-object', attributes: { value: 'manager' } } });
      expect(created.status).toBe(201);
      const other = await send<Errors>('GET', '/api/v2/integram/databases/bossco/types', undefined, reader.accessToken);
      expect(other.status).toBe(403);
    });
  });
}
