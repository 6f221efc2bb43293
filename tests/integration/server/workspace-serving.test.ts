/**
 * How the server serves the workspace (server/http/workspace.ts): its assets at /workspace/..., and
 * its page only for a browser opening /{db} or /{db}/ (Accept text/html, no JSON flag); everything
 * else — scripts, JSON mode, other paths, other methods — still reaches the legacy API.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workspaceRouter } from '../../../server/http/workspace.js';
import { listen, type Listening } from '../../support/server.js';

const HTML = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

async function start(dir: string | null): Promise<Listening> {
  const app = express();
  app.use(workspaceRouter(dir));
  // stands for the legacy API, mounted after the workspace as in runtime/compose.ts
  app.use((req, res) => res.type('text/plain').send(`legacy ${req.method} ${req.originalUrl}`));
  return listen(app);
}

describe('the workspace is served', () => {
  let dir: string;
  let server: Listening;
  let bare: Listening;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'integram-ws-dist-'));
    mkdirSync(path.join(dir, 'assets'));
    writeFileSync(path.join(dir, 'index.html'), '<div id="app"></div><script src="/workspace/assets/app.js"></script>');
    writeFileSync(path.join(dir, 'assets', 'app.js'), 'console.log(1)');
    server = await start(dir);
    bare = await start(null);
  });

  afterAll(async () => {
    await server?.close();
    await bare?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const get = async (base: Listening, url: string, accept = HTML, method = 'GET') => {
    const res = await fetch(`${base.url}${url}`, { method, headers: { Accept: accept } });
    return { status: res.status, text: await res.text(), type: res.headers.get('content-type') ?? '', cache: res.headers.get('cache-control') };
  };

  it('answers a browser opening /{db} or /{db}/ with the workspace page', async () => {
    for (const url of ['/my', '/my/', '/Sales_2', '/my?uri=x']) {
      const page = await get(server, url);
      expect(page.status, url).toBe(200);
      expect(page.text, url).toContain('<div id="app">');
      expect(page.type, url).toContain('text/html');
      expect(page.cache, url).toBe('no-cache');
    }
  });

  it('leaves every other request to the legacy API', async () => {
    const cases: Array<[string, string?, string?]> = [
      ['/my?JSON'], ['/my/?JSON_KV'], ['/my?x=1&JSON_DATA=1'], ['/my', '*/*'], ['/my', 'application/json'], ['/my', HTML, 'POST'],
      ['/my/object/18'], ['/my/xsrf'], ['/my//'], ['/this_name_is_too_long'], ['/bad-name'],
      ['/api'], ['/console'], ['/health'], ['/download'],
    ];
    for (const [url, accept, method] of cases) {
      const answer = await get(server, url, accept, method);
      expect(answer.text, `${method ?? 'GET'} ${url} (${accept ?? HTML})`).toMatch(/^legacy /);
    }
  });

  it('sends a browser asking for the engine\'s login page /start.html to the workspace\'s login of that database, with its own address kept', async () => {
    const redirect = async (url: string, accept = HTML, method = 'GET') => {
      const res = await fetch(`${server.url}${url}`, { method, headers: { Accept: accept }, redirect: 'manual' });
      return { status: res.status, location: res.headers.get('location'), text: await res.text() };
    };
    // where the engine sends a guest who opened a QR code's address on the phone
    const code = 'ab'.repeat(32);
    const qr = await redirect(`/start.html?db=shop&r=InvalidToken&uri=/shop/qrlogin?c=${code}`);
    expect(qr.status).toBe(302);
    expect(qr.location).toBe(`/shop?uri=${encodeURIComponent(`/shop/qrlogin?c=${code}`)}`);
    expect((await redirect('/start.html?db=shop&r=InvalidToken')).location).toBe('/shop');
    // an address outside the database is not carried
    for (const uri of ['https://elsewhere.example/shop/', '//elsewhere.example/shop/', '/other/qrlogin?c=1', '/shopx/y']) {
      expect((await redirect(`/start.html?db=shop&uri=${encodeURIComponent(uri)}`)).location, uri).toBe('/shop');
    }
    // no database, a bad or reserved name, a script, another method: the legacy API as before
    for (const [url, accept, method] of [['/start.html'], ['/start.html?db=bad-name'], ['/start.html?db=api'], ['/start.html?db=shop', '*/*'], ['/start.html?db=shop', HTML, 'POST']] as Array<[string, string?, string?]>) {
      const answer = await redirect(url, accept, method);
      expect(answer.text, `${method ?? 'GET'} ${url}`).toMatch(/^legacy /);
    }
    // without a build there is no workspace login to send it to
    expect((await get(bare, '/start.html?db=shop')).text).toBe('legacy GET /start.html?db=shop');
  });

  it('serves the assets, and a missing asset is a 404 rather than the legacy API', async () => {
    const asset = await get(server, '/workspace/assets/app.js', '*/*');
    expect(asset.status).toBe(200);
    expect(asset.text).toBe('console.log(1)');
    const missing = await get(server, '/workspace/assets/nothing.js', '*/*');
    expect(missing.status).toBe(404);
    expect(missing.text).not.toMatch(/^legacy /);
  });

  it('without a build: database pages stay the legacy API, the assets say how to build', async () => {
    expect((await get(bare, '/my')).text).toBe('legacy GET /my');
    const asset = await get(bare, '/workspace/assets/app.js', '*/*');
    expect(asset.status).toBe(404);
    expect(asset.text).toContain('npm run build');
  });
});
