/**
 * multipart/form-data bodies on the legacy URL API (docs/legacy-api.md, "Request bodies"): the
 * fields reach the engine exactly as url-encoded fields do, on PGlite and (with TEST_MYSQL_URL) MariaDB.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, STORES, TestServer } from './harness.js';

for (const kind of STORES) {
  describe.skipIf(!kind.enabled)(`multipart bodies on ${kind.name}`, () => {
    let server: TestServer;
    let c: Client;
    beforeAll(async () => {
      server = await TestServer.start(kind, { stack: { uploadLimitBytes: 64 * 1024 } });
      c = new Client(server);
    }, 120_000);
    afterAll(async () => server?.stop(), 120_000);

    it('logs in with a multipart body', async () => {
      const form = new FormData();
      form.append('login', 'tester');
      form.append('pwd', 'tester-pass-1');
      const a = await server.request('POST', '/my/auth?JSON', { multipart: form });
      expect(a.status).toBe(200);
      const body = a.json as { token: string; _xsrf: string };
      expect(body.token).toMatch(/^[0-9a-f]{32,}$/);
      c.token = body.token;
      c.xsrf = body._xsrf;
    });

    it('creates a table, a column and records with multipart bodies, like url-encoded ones', async () => {
      const t = await c.postMultipart('_d_new?JSON', { val: 'MpTable', t: '3' });
      expect(t.status).toBe(200);
      const type = Number((t.json as { obj: number }).obj);
      const term = await c.postMultipart('_d_new?JSON', { val: 'MpNote', t: '3' });
      const req = await c.postMultipart(`_d_req/${type}?JSON`, { t: String((term.json as { obj: number }).obj) });
      const col = Number((req.json as { id: number }).id);
      const rec = await c.postMultipart(`_m_new/${type}?JSON`, { up: '1', [`t${type}`]: 'first', [`t${col}`]: 'Привет, мир' });
      expect(rec.status).toBe(200);
      const id = Number((rec.json as { id: number }).id);
      const set = await c.postMultipart(`_m_set/${id}?JSON`, { [`t${col}`]: 'changed' });
      expect(set.status).toBe(200);
      const card = (await c.get(`edit_obj/${id}?JSON`)).json as { reqs: Record<string, { value: string }> };
      expect(card.reqs[String(col)].value).toBe('changed');
      const save = await c.postMultipart(`_m_save/${id}?JSON`, { [`t${type}`]: 'renamed' });
      expect(save.status).toBe(200);
      const list = (await c.get(`object/${type}?JSON_DATA`)).json as Array<{ i: number; r: string[] }>;
      expect(list.find((r) => r.i === id)?.r[0]).toBe('renamed');
    });

    it('reads bracketed field names as PHP does (arrays) and lets GET parameters win', async () => {
      const t = await c.postMultipart('_d_new?JSON', { val: 'MpDel', t: '3' });
      const type = Number((t.json as { obj: number }).obj);
      const a = await c.record(type, { [`t${type}`]: 'a' });
      const b = await c.record(type, { [`t${type}`]: 'b' });
      const form = new FormData();
      form.append('_xsrf', c.xsrf);
      form.append('ids[]', String(a));
      form.append('ids[]', String(b));
      const del = await server.request('POST', `/my/_m_del_batch/${type}?JSON`, { multipart: form, headers: { 'X-Authorization': c.token } });
      expect(del.status).toBe(200);
      expect((del.json as { deleted: number[] }).deleted.sort()).toEqual([a, b].sort());
    });

    it('checks _xsrf in a multipart body: a wrong one is refused and changes nothing', async () => {
      const before = await server.store.exportRows('my');
      const bad = await c.postMultipart('_d_new?JSON', { _xsrf: 'wrong', val: 'Nope', t: '3' }, { xsrf: false });
      expect(bad.status).toBe(400);
      const none = await c.postMultipart('_d_new?JSON', { val: 'Nope', t: '3' }, { xsrf: false });
      expect(none.status).toBe(400);
      expect(await server.store.exportRows('my')).toEqual(before);
    });

    it('a body over the upload limit is a 413 with a JSON error and writes nothing', async () => {
      const before = await server.store.exportRows('my');
      const big = await c.postMultipart('_d_new?JSON', { val: 'Big', t: '3', blob: new File([new Uint8Array(200 * 1024)], 'big.bin') });
      expect(big.status).toBe(413);
      expect(big.json).toEqual([{ error: expect.stringMatching(/too large/) }]);
      expect(big.text).not.toMatch(/at .*\.(ts|js)|Error:/);
      // a file part just over the file limit but inside the body limit: the parser's own limit
      const over = await c.postMultipart('_d_new?JSON', { val: 'Big', t: '3', blob: new File([new Uint8Array(64 * 1024 + 10)], 'big.bin') });
      expect(over.status).toBe(413);
      expect(over.json).toEqual([{ error: expect.stringMatching(/larger than 65536 bytes/) }]);
      expect(await server.store.exportRows('my')).toEqual(before);
    });

    it('a part without a name is left out (found by the fuzz test: it was a 500)', async () => {
      const b = '----x';
      const part = (name: string, value: string, file = ''): string => `--${b}\r\nContent-Disposition: form-data; name="${name}"${file}\r\n\r\n${value}\r\n`;
      const res = await fetch(`${server.url}/my/xsrf?JSON`, {
        method: 'POST',
        headers: { 'Content-Type': `multipart/form-data; boundary=${b}`, 'X-Authorization': c.token },
        body: `${part('', '13')}${part('', 'x', '; filename="a.txt"')}${part('_xsrf', c.xsrf)}--${b}--\r\n`,
      });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { _xsrf: string })._xsrf).toBe(c.xsrf);
    });

    it('a broken multipart body is a request without fields, not an error', async () => {
      const res = await fetch(`${server.url}/my/_d_new?JSON`, {
        method: 'POST',
        headers: { 'Content-Type': 'multipart/form-data; boundary=xyz', 'X-Authorization': c.token },
        body: '--xyz\r\nContent-Disposition: form-data; name="val"\r\n\r\nunterminated',
      });
      expect(res.status).toBe(400); // no _xsrf arrived
      const noBoundary = await fetch(`${server.url}/my/xsrf?JSON`, {
        method: 'POST',
        headers: { 'Content-Type': 'multipart/form-data', 'X-Authorization': c.token },
        body: 'whatever',
      });
      expect(noBoundary.status).toBe(200);
    });
  });
}
