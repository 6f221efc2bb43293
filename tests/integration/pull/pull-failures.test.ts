/**
 * What a pull does when the source misbehaves, against a small server on 127.0.0.1 that answers the
 * engine's URL API in its shapes (sign-in, the dump through `backup` and `dir_admin`, cards, file links,
 * counts) and can be told to fail at one step: the connection dropped half-way, a dump that is not
 * one, a file gone. The real engine is exercised in pull-oracle.test.ts; failures at a chosen step
 * need a source that fails on demand. The store is a real PGlite, the files a real folder.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { pullDatabase, PullError, type PullDeps } from '../../../server/appliance/pull.js';
import { legacyPasswordHash, storedFilePath } from '../../../server/engine/index.js';
import type { Row } from '../../../server/storage/types.js';
import { setAdminPassword } from '../../../server/appliance/admin-account.js';
import type { JobProgress, PullDefaults } from '../../../server/http/admin/contract.js';
import { makeTempDir, removeDir, startInProcessServer, type InProcessServer } from '../../support/server.js';
import { ADMIN_PASSWORD, call } from '../admin/harness.js';
import { openTestPglite, type TestStore } from '../../support/stores.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

const SALT = 'source-salt';
const DB = 'shop';
const OWNER = { login: 'shop', password: 'Owner-pass-1' };
const FILE = Buffer.from('contract text\n');

/** a small database: the user table with the owner, a table with a FILE column, one record with a file */
function sourceRows(): Row[] {
  return [
    { id: 1, up: 1, ord: 0, t: 1, val: 'FREE_LINK' },
    { id: 3, up: 0, ord: 0, t: 3, val: 'SHORT' },
    { id: 6, up: 0, ord: 0, t: 6, val: 'PWD' },
    { id: 10, up: 0, ord: 0, t: 10, val: 'FILE' },
    { id: 18, up: 0, ord: 1, t: 3, val: 'Пользователь' },
    { id: 20, up: 18, ord: 1, t: 6, val: 'Пароль' },
    { id: 1012, up: 1, ord: 1, t: 18, val: OWNER.login },
    { id: 1013, up: 1012, ord: 1, t: 20, val: legacyPasswordHash(SALT, DB, OWNER.password) },
    { id: 1018, up: 0, ord: 0, t: 3, val: 'Документы' },
    { id: 1019, up: 0, ord: 0, t: 10, val: 'Вложение' },
    { id: 1020, up: 1018, ord: 1, t: 1019, val: '' },
    { id: 1021, up: 1, ord: 1, t: 1018, val: 'договор' },
    { id: 1022, up: 1021, ord: 1, t: 1020, val: 'contract.txt' },
  ];
}

function dumpText(rows: Row[]): string {
  // every row written with its full id and parent (Δid from 0 each time is not the engine's; it writes deltas)
  let last = 0;
  return '\ufeff' + rows.map((r) => {
    const line = `${(r.id - last).toString(36)};${r.up.toString(36)};${r.t.toString(36)};${r.ord === 1 ? '' : r.ord};${r.val}`;
    last = r.id;
    return line;
  }).join('\n') + '\n';
}

type Mode = 'ok' | 'drop-file' | 'missing-file' | 'bad-dump' | 'no-export' | 'no-backup';

interface Fake { url: string; mode: Mode; deleted: string[]; close(): Promise<void> }

async function startFake(): Promise<Fake> {
  const rows = sourceRows();
  const sourceHash = (value: string) => legacyPasswordHash(SALT, DB, value);
  const fileLink = `/download/${DB}/${storedFilePath(sourceHash, 1022, 'contract.txt')}`;
  const state: Fake = { url: '', mode: 'ok', deleted: [], close: async () => undefined };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const json = (status: number, body: unknown) => { res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body)); };
    let body = '';
    req.on('data', (chunk: Buffer) => { body += chunk.toString(); });
    req.on('end', () => {
      const route = url.pathname;
      const authed = req.headers['x-authorization'] === 'tok';
      if (route === `/${DB}/auth`) {
        const form = new URLSearchParams(body);
        if (form.get('login') === OWNER.login && form.get('pwd') === OWNER.password) return json(200, { _xsrf: 'xs', token: 'tok', id: '1012', msg: '' });
        return json(401, { error: 'Неверный логин или пароль' });
      }
      if (!route.startsWith(`/${DB}/`) && !route.startsWith('/download/')) return json(404, [{ error: 'База не найдена' }]);
      if (!authed) return json(400, [{ error: 'Ошибка авторизации' }]);
      if (route === `/${DB}/xsrf`) return json(200, { _xsrf: 'xs', token: 'tok', user: OWNER.login, role: 'admin', id: '1012' });
      if (route === `/${DB}/backup`) {
        // an engine without the action (our own server answers {} to an action it does not know)
        if (state.mode === 'no-backup') return json(200, {});
        if (state.mode === 'no-export') return void res.writeHead(200, { 'Content-Type': 'text/html' }).end('У вас нет прав на выгрузку базы');
        return void res.writeHead(302, { Location: `/${DB}/dir_admin/?templates=1&add_path=/backups&gf=${DB}_1.dmp.zip` }).end();
      }
      if (route === `/${DB}/dir_admin/` && req.method === 'POST') {
        state.deleted.push(...new URLSearchParams(body).getAll('del[]'));
        return json(200, { ok: true, action: 'delete', folder: 'templates', add_path: '/backups' });
      }
      if (route === `/${DB}/dir_admin/` && url.searchParams.get('gf')) {
        const zip = state.mode === 'bad-dump' ? Buffer.from('<html>not a zip</html>') : Buffer.from(zipSync({ [`${DB}_1.dmp`]: new TextEncoder().encode(dumpText(rows)) }));
        return void res.writeHead(200, { 'Content-Type': 'application/octet-stream' }).end(zip);
      }
      if (route === `/${DB}/dir_admin/`) return void res.writeHead(200, { 'Content-Type': 'text/html' }).end('<html></html>');
      if (route === `/${DB}/edit_obj/1021`) return json(200, { reqs: { 1020: { type: 'Вложение', value: `<a target="_blank" href="${fileLink}">contract.txt</a>`, base: 'FILE' } } });
      if (route === fileLink) {
        if (state.mode === 'drop-file') return void req.socket.destroy();
        if (state.mode === 'missing-file') return void res.writeHead(404).end('Not Found');
        return void res.writeHead(200, { 'Content-Type': 'text/plain' }).end(FILE);
      }
      const count = /^\/shop\/object\/(\d+)$/.exec(route);
      if (count) return json(200, { count: String(rows.filter((r) => r.t === Number(count[1]) && r.up !== 0 && (r.up === 1 || rows.find((p) => p.id === r.up)?.up !== 0)).length) });
      const record = /^\/shop\/get_record\/(\d+)$/.exec(route);
      if (record) {
        const r = rows.find((x) => x.id === Number(record[1]));
        return json(200, r ? { id: String(r.id), val: r.val, up: String(r.up), obj: String(r.t) } : { error: 'нет' });
      }
      json(200, {});
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); });
  return state;
}

describe('a pull that fails leaves nothing half made', () => {
  let fake: Fake;
  let db: TestStore;
  let dir: string;
  let deps: PullDeps;
  const uploads = () => path.join(dir, 'uploads');
  const source = () => ({ url: fake.url, db: DB, login: OWNER.login, password: OWNER.password });

  beforeAll(async () => {
    fake = await startFake();
    dir = makeTempDir('integram-pull-fail-');
    db = await openTestPglite();
    deps = { store: db.store, templatesDir: dir, salt: 'here-salt', uploadDir: path.join(dir, 'uploads') };
  });
  afterAll(async () => {
    await fake.close();
    await db.cleanup();
    removeDir(dir);
  });
  beforeEach(() => {
    fake.mode = 'ok';
    fake.deleted.length = 0;
  });

  async function failure(promise: Promise<unknown>): Promise<PullError> {
    const err = await promise.then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(PullError);
    return err as PullError;
  }

  it('the connection dropped while the files come: no database, no files, no staging folder', async () => {
    fake.mode = 'drop-file';
    const err = await failure(pullDatabase(deps, source()));
    expect(err.code).toBe('pull_unreachable');
    expect(await db.store.databaseExists(DB)).toBe(false);
    expect(existsSync(uploads()) ? readdirSync(uploads()) : []).toEqual([]);
  });

  it('a whole pull: rows and the file here (at this server\'s path for the cell), the source\'s dump removed', async () => {
    const result = await pullDatabase(deps, source(), { as: 'shopcopy' });
    expect(result.verification).toMatchObject({ ok: true, rowsEqual: true });
    expect(result.files).toEqual({ copied: 1, bytes: FILE.length, missing: [] });
    // another salt here: the hashes were copied, the check with the login's password says they do not work
    expect(result.passwords).toBe('unusable');
    expect(fake.deleted).toEqual([`${DB}_1.dmp.zip`]);
    expect(await db.store.exportRows('shopcopy')).toEqual(sourceRows());
    const here = storedFilePath((v) => legacyPasswordHash('here-salt', 'shopcopy', v), 1022, 'contract.txt');
    expect(readFileSync(path.join(uploads(), 'shopcopy', here))).toEqual(FILE);
  });

  it('replacing: a failure keeps the old rows and files; refused without replace', async () => {
    const before = await db.store.exportRows('shopcopy');
    const filesBefore = readdirSync(path.join(uploads(), 'shopcopy'), { recursive: true }).sort();
    expect((await failure(pullDatabase(deps, source(), { as: 'shopcopy' }))).code).toBe('pull_exists');
    fake.mode = 'drop-file';
    expect((await failure(pullDatabase(deps, source(), { as: 'shopcopy', replace: true }))).code).toBe('pull_unreachable');
    expect(await db.store.exportRows('shopcopy')).toEqual(before);
    expect(readdirSync(path.join(uploads(), 'shopcopy'), { recursive: true }).sort()).toEqual(filesBefore);
    expect(readdirSync(uploads()).sort()).toEqual(['shopcopy']);
  });

  it('writing here fails after the files are in place: the replaced database and its files come back', async () => {
    const before = await db.store.exportRows('shopcopy');
    const marker = path.join(uploads(), 'shopcopy', 'old-marker');
    mkdirSync(marker);
    writeFileSync(path.join(marker, 'x.txt'), 'old');
    const failing: PullDeps = { ...deps, store: new Proxy(db.store, {
      get(target, key, receiver) {
        if (key === 'importRows') return () => Promise.reject(new Error('disk full'));
        const value = Reflect.get(target, key, receiver) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    }) };
    const err = await failure(pullDatabase(failing, source(), { as: 'shopcopy', replace: true }));
    expect(err.code).toBe('pull_failed');
    expect(err.message).toContain('nothing was kept: disk full');
    expect(await db.store.exportRows('shopcopy')).toEqual(before);
    expect(readFileSync(path.join(marker, 'x.txt'), 'utf8')).toBe('old');
    expect(readdirSync(uploads()).sort()).toEqual(['shopcopy']);
  });

  it('a file gone on the source: copied without it, the verification says so', async () => {
    fake.mode = 'missing-file';
    const result = await pullDatabase(deps, source(), { as: 'shopnofile' });
    expect(result.files.missing).toEqual(['contract.txt (record 1021)']);
    expect(result.verification.ok).toBe(false);
    expect(result.notes.join(' ')).toContain('missing on the source');
  });

  it('clear errors before anything is written: a dump that is not one, no export right, a wrong login, a bad address', async () => {
    fake.mode = 'bad-dump';
    expect((await failure(pullDatabase(deps, source(), { as: 'shopbad' }))).code).toBe('pull_bad_dump');
    // an unreadable dump is still removed from the source (it holds every password hash)
    expect(fake.deleted).toEqual([`${DB}_1.dmp.zip`]);
    fake.mode = 'no-backup';
    const noBackup = await failure(pullDatabase(deps, source(), { as: 'shopbad' }));
    expect([noBackup.code, noBackup.message]).toEqual(['pull_bad_dump', 'the source did not make its whole-database dump (the engine\'s "backup" answered 200: {})']);
    fake.mode = 'no-export';
    const noRight = await failure(pullDatabase(deps, source(), { as: 'shopbad' }));
    expect(noRight.code).toBe('pull_no_export_right');
    expect(noRight.message).toContain('У вас нет прав на выгрузку базы');
    fake.mode = 'ok';
    expect((await failure(pullDatabase(deps, { ...source(), password: 'wrong' }, { as: 'shopbad' }))).code).toBe('pull_login_failed');
    expect((await failure(pullDatabase(deps, { ...source(), login: undefined, token: 'nope' }, { as: 'shopbad' }))).code).toBe('pull_login_failed');
    expect((await failure(pullDatabase(deps, { ...source(), db: 'other' }, { as: 'shopbad' }))).code).toBe('pull_no_database');
    expect((await failure(pullDatabase(deps, { ...source(), url: 'ftp://x' }))).code).toBe('pull_bad_source');
    expect((await failure(pullDatabase(deps, { ...source(), url: 'http://u:p@127.0.0.1:1' }))).code).toBe('pull_bad_source');
    expect((await failure(pullDatabase(deps, { ...source(), url: 'http://127.0.0.1:1' }, { as: 'shopbad' }))).code).toBe('pull_unreachable');
    expect(await db.store.databaseExists('shopbad')).toBe(false);
  });

  it('with a token: copied; whether the passwords work is not known', async () => {
    const result = await pullDatabase(deps, { url: fake.url, db: DB, token: 'tok' }, { as: 'shoptok' });
    expect(result).toMatchObject({ passwords: 'unknown', verification: { ok: true } });
  });
});

describe('the admin API\'s pull: the settings as defaults, checks that answer at once, no secret shown or logged', () => {
  let fake: Fake;
  let server: InProcessServer;
  let admin: { url: string };
  let token = '';
  const api = <T>(method: string, route: string, body?: unknown) => call<T>(admin, method, route, { token, body });

  beforeAll(async () => {
    fake = await startFake();
    server = await startInProcessServer({
      prefix: 'integram-pull-api-',
      env: { BCRYPT_ROUNDS: '4', AUTH_SALT: SALT, LOG_LEVEL: 'debug' },
      envFile: `INTEGRAM_API_BASE_URL=${fake.url}\nINTEGRAM_REGISTRATION_USERNAME=${OWNER.login}\nINTEGRAM_REGISTRATION_PASSWORD=${OWNER.password}\nINTEGRAM_AUTH_TOKEN=tok\n`,
    });
    admin = { url: `${server.url}/api/admin` };
    await setAdminPassword(server.booted.storeHandle.current()!.appliance, ADMIN_PASSWORD, { bcryptRounds: 4 });
    token = (await call<{ token: string }>(admin, 'POST', '/login', { body: { password: ADMIN_PASSWORD } })).body.token;
  });
  afterAll(async () => {
    await server?.close(2000);
    await fake?.close();
  });

  it('the form\'s defaults name the address and the login, and only whether the secrets are set', async () => {
    const defaults = await api<PullDefaults>('GET', '/databases/pull');
    expect(defaults.body).toEqual({ url: fake.url, login: OWNER.login, passwordSet: true, tokenSet: true });
    expect(JSON.stringify(defaults.body)).not.toContain(OWNER.password);
    // the settings page masks them too
    const settings = await api<{ fields: Array<{ key: string; value: unknown; secret: boolean }> }>('GET', '/settings');
    expect(JSON.stringify(settings.body)).not.toContain(OWNER.password);
    expect(settings.body.fields.find((f) => f.key === 'INTEGRAM_REGISTRATION_PASSWORD')?.secret).toBe(true);
  });

  it('only the database named: the settings give the rest; the job\'s result is the verification', async () => {
    const started = await api<{ job: JobProgress }>('POST', '/databases/pull', { db: DB });
    expect(started.status).toBe(202);
    let job = started.body.job;
    while (job.state === 'running') {
      await new Promise((resolve) => setTimeout(resolve, 100));
      job = (await api<JobProgress>('GET', `/jobs/${job.id}`)).body;
    }
    expect(job.state, job.message).toBe('done');
    expect(job.result).toMatchObject({ db: DB, passwords: 'usable', verification: { ok: true } });
    expect((await api<{ databases: Array<{ name: string }> }>('GET', '/databases')).body.databases.map((d) => d.name)).toContain(DB);
    // the engine sees the new database at once, and its users sign in with their passwords
    const login = await fetch(`${server.url}/${DB}/auth?JSON`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: `login=${OWNER.login}&pwd=${OWNER.password}` });
    expect(login.status).toBe(200);
    // the request is logged (with the login), the password nowhere
    const requested = await api<{ lines: Array<{ msg: string; login?: string }> }>('GET', `/logs?q=${encodeURIComponent('database pull requested')}`);
    expect(requested.body.lines).toEqual([expect.objectContaining({ msg: 'database pull requested from the console', login: OWNER.login })]);
    const logs = await api<{ lines: unknown[] }>('GET', `/logs?q=${encodeURIComponent(OWNER.password)}`);
    expect(logs.body.lines).toEqual([]);
  });

  it('answers at once: a taken name 409 exists, a bad address or name 422', async () => {
    const taken = await api<{ error: { code: string } }>('POST', '/databases/pull', { db: DB });
    expect([taken.status, taken.body.error.code]).toEqual([409, 'exists']);
    const url = await api<{ error: { code: string; fields?: Record<string, string> } }>('POST', '/databases/pull', { db: DB, url: 'ftp://x', as: 'other' });
    expect([url.status, url.body.error.code, Object.keys(url.body.error.fields ?? {})]).toEqual([422, 'invalid_request', ['url']]);
    const name = await api<{ error: { code: string } }>('POST', '/databases/pull', { db: 'no such!' });
    expect([name.status, name.body.error.code]).toEqual([422, 'invalid_name']);
    const local = await api<{ error: { code: string } }>('POST', '/databases/pull', { db: DB, as: 'api' });
    expect([local.status, local.body.error.code]).toEqual([422, 'invalid_name']);
    const empty = await api<{ error: { code: string } }>('POST', '/databases/pull', {});
    expect([empty.status, empty.body.error.code]).toEqual([422, 'invalid_request']);
  });
});
