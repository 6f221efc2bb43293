/**
 * Bringing a database over from the PHP engine itself (the oracle: the real index.php with MariaDB on
 * 127.0.0.1, run by the oracle kit: docs/testing-fixtures.md). A tenant is made on the oracle through its URL API (tables,
 * a reference, a subordinate table, a memo with line breaks, a file, a second user with a password),
 * pulled into our real server through the admin API's job (PGlite, or MySQL under TEST_MYSQL_URL),
 * then the same requests go to both servers and the answers are compared; the rows are compared with
 * the oracle's table row by row, and the user's password logs in here.
 *
 * Skipped, with the reason printed, when the oracle is not running (CI has none today: a CI job
 * would run the kit's setup.sh and seed-user.sh, start-db.sh and start-php.sh, then this file
 * with ORACLE_DIR pointing at the scripts).
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { setAdminPassword } from '../../../server/appliance/admin-account.js';
import type { JobProgress, PullSummary } from '../../../server/http/admin/contract.js';
import type { MysqlOptions } from '../../../server/storage/index.js';
import type { Row } from '../../../server/storage/types.js';
import { buildSource, FILE_BYTES, IVAN, ORACLE_SALT, ORACLE_URL, ORACLE_WWW, oracleProblem, oracleRows, OWNER, TENANT, type Built } from './oracle-source.js';
import { makeTempDir, removeDir, startInProcessServer, type InProcessServer } from '../../support/server.js';
import { cliArgs } from '../../support/cli.js';
import { dropSchema, privateSchemaOptions } from '../../support/stores.js';
import { skipReason, STORE_KINDS } from '../api/harness.js';
import { ADMIN_PASSWORD, call } from '../admin/harness.js';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 240_000 });

const problem = await oracleProblem();
if (problem) console.warn(`pull-oracle.test.ts skipped: ${problem}`);

/**
 * A body as the JSON it means: the engine writes MEMO text into JSON_DATA unescaped (literal line
 * breaks, docs/compatibility.md), ours escapes it; raw line breaks are escaped before parsing.
 */
function meaning(text: string): unknown {
  try {
    return JSON.parse(text.replace(/\r/g, '\\r').replace(/\n/g, '\\n').replace(/\t/g, '\\t'));
  } catch {
    return text;
  }
}

/** activity times (unix seconds with a fraction) differ between the two servers' own sign-ins */
function withoutTimes(value: unknown): unknown {
  if (typeof value === 'string') return /^\d{10}\.\d+$/.test(value) ? '<time>' : value;
  if (Array.isArray(value)) return value.map(withoutTimes);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutTimes(v)]));
  return value;
}

/** the rows without the users' activity time (t=124): the source writes it on each request the pull makes */
const withoutActivity = (rows: Row[]): Row[] => rows.map((r) => (r.t === 124 ? { ...r, val: '' } : r));

for (const kind of STORE_KINDS) describe.skipIf(problem !== null || skipReason(kind) !== null)(`pulling a database from the PHP engine (${kind})`, () => {
  let server: InProcessServer;
  let admin: { url: string };
  let token = '';
  let schema: MysqlOptions | null = null;
  let built: Built;
  let pulled: PullSummary;

  const api = <T>(method: string, route: string, body?: unknown) => call<T>(admin, method, route, { token, body });

  async function runPull(body: Record<string, unknown>): Promise<JobProgress> {
    const started = await api<{ job: JobProgress }>('POST', '/databases/pull', body);
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    let job = started.body.job;
    while (job.state === 'running') {
      await new Promise((resolve) => setTimeout(resolve, 100));
      job = (await api<JobProgress>('GET', `/jobs/${job.id}`)).body;
    }
    return job;
  }

  async function legacy(base: string, method: 'GET' | 'POST', route: string, auth?: string, form?: Record<string, string>): Promise<{ status: number; text: string; bytes: Buffer; json: unknown }> {
    const headers: Record<string, string> = {};
    if (auth) headers['X-Authorization'] = auth;
    if (form) headers['Content-Type'] = 'application/x-www-form-urlencoded';
    const res = await fetch(`${base}${route}`, { method, headers, body: form ? new URLSearchParams(form).toString() : undefined, redirect: 'manual' });
    const bytes = Buffer.from(await res.arrayBuffer());
    const text = bytes.toString('utf8');
    let json: unknown;
    try { json = JSON.parse(text); } catch { json = undefined; }
    return { status: res.status, text, bytes, json };
  }

  async function signIn(base: string, db: string, login: string, password: string): Promise<string> {
    const answer = await legacy(base, 'POST', `/${db}/auth?JSON`, undefined, { login, pwd: password });
    const t = (answer.json as { token?: string } | undefined)?.token;
    if (answer.status !== 200 || !t) throw new Error(`login ${login} on ${base} failed: ${answer.status} ${answer.text.slice(0, 200)}`);
    return t;
  }

  beforeAll(async () => {
    built = await buildSource();
    schema = kind === 'mysql' ? privateSchemaOptions('pull') : null;
    const mysqlUrl = schema ? `mysql://${encodeURIComponent(schema.user)}:${encodeURIComponent(schema.password ?? '')}@${schema.host}:${schema.port}/${schema.database}` : undefined;
    // the oracle's salt: the copied password hashes and file paths are then the source's
    server = await startInProcessServer({ prefix: 'integram-pull-', env: { BCRYPT_ROUNDS: '4', AUTH_SALT: ORACLE_SALT }, envFile: '', mysqlUrl });
    admin = { url: `${server.url}/api/admin` };
    await setAdminPassword(server.booted.storeHandle.current()!.appliance, ADMIN_PASSWORD, { bcryptRounds: 4 });
    token = (await call<{ token: string }>(admin, 'POST', '/login', { body: { password: ADMIN_PASSWORD } })).body.token;
  });

  afterAll(async () => {
    await server?.close(2000);
    if (schema) await dropSchema(schema);
  });

  it('pulls the database through the admin API job: the same rows, the file, progress and a verification', async () => {
    const job = await runPull({ url: `${ORACLE_URL}/`, db: TENANT, login: OWNER.login, password: OWNER.password });
    expect(job.state, job.message).toBe('done');
    pulled = job.result as PullSummary;
    expect(pulled.verification).toMatchObject({ ok: true, rowsEqual: true, sample: { mismatches: [] } });
    expect(pulled.verification.sample.checked).toBeGreaterThanOrEqual(8);
    const byName = Object.fromEntries(pulled.verification.tables.map((t) => [t.name, [t.source, t.local]]));
    expect(byName).toMatchObject({ Клиент: [2, 2], Заказ: [2, 2], Позиция: [2, 2], Пользователь: [2, 2] });
    expect(pulled).toMatchObject({ db: TENANT, source: { url: ORACLE_URL, db: TENANT, user: OWNER.login }, users: 2, passwords: 'usable', sourceDumpLeft: null });
    expect(pulled.files).toEqual({ copied: 1, bytes: FILE_BYTES.length, missing: [] });

    // every row as the oracle's MariaDB holds it (the pull's own login rows included: the dump came after it)
    const source = oracleRows(TENANT);
    const here = await server.booted.storeHandle.current()!.exportRows(TENANT);
    expect(withoutActivity(here)).toEqual(withoutActivity(source));
    expect(here.length).toBeGreaterThan(90);
    // the dump the engine wrote for the pull is gone from the source's file manager
    const backups = path.join(ORACLE_WWW, 'templates/custom', TENANT, 'backups');
    expect(existsSync(backups) ? readdirSync(backups) : []).toEqual([]);
  });

  it('answers the same requests as the source, and its users sign in with their passwords', async () => {
    const oracleToken = await signIn(ORACLE_URL, TENANT, IVAN.login, IVAN.password);
    const ourToken = await signIn(server.url, TENANT, IVAN.login, IVAN.password);
    const { client, order, part, stol, anna } = built;
    const routes = [
      `/${TENANT}/object/${client}?JSON_DATA`, `/${TENANT}/object/${client}?JSON_OBJ`, `/${TENANT}/object/${order}?JSON_DATA`,
      `/${TENANT}/object/${part}?JSON_DATA&F_U=${stol}`, `/${TENANT}/object/${order}?JSON_DATA&_count`,
      // the card of a record whose table has a subordinate column: `"arr":"1"` on its filled columns (card-arr.jsonl)
      `/${TENANT}/edit_obj/${anna}?JSON`, `/${TENANT}/edit_obj/${stol}?JSON`, `/${TENANT}/get_record/${stol}?JSON`, `/${TENANT}/metadata/${client}?JSON`,
      `/${TENANT}/metadata?JSON`, `/${TENANT}/dict?JSON`, `/${TENANT}/terms?JSON`, `/${TENANT}/object/${order}?JSON_OBJ`, `/${TENANT}/object/18?JSON_DATA`,
    ];
    for (const route of routes) {
      const theirs = await legacy(ORACLE_URL, 'GET', route, oracleToken);
      const ours = await legacy(server.url, 'GET', route, ourToken);
      expect(ours.status, route).toBe(theirs.status);
      expect(withoutTimes(meaning(ours.text)), route).toEqual(withoutTimes(meaning(theirs.text)));
    }
    // the file: the same link on both (same salt, same name), the same bytes here
    const card = await legacy(server.url, 'GET', `/${TENANT}/edit_obj/${anna}?JSON`, ourToken);
    const href = /href="(\/download\/[^"]+)"/.exec(card.text.replace(/\\"/g, '"').replace(/\\\//g, '/'))?.[1];
    expect(href).toBeTruthy();
    const file = await legacy(server.url, 'GET', href!, ourToken);
    expect(file.status).toBe(200);
    expect(file.bytes.equals(FILE_BYTES)).toBe(true);
    // a wrong password is refused here as there
    const wrongHere = await legacy(server.url, 'POST', `/${TENANT}/auth?JSON`, undefined, { login: IVAN.login, pwd: 'nope' });
    const wrongThere = await legacy(ORACLE_URL, 'POST', `/${TENANT}/auth?JSON`, undefined, { login: IVAN.login, pwd: 'nope' });
    expect(wrongHere.status).toBe(wrongThere.status);
  });

  it('refuses a name taken here unless asked to replace; replacing brings the source\'s latest state', async () => {
    const taken = await api<{ error: { code: string } }>('POST', '/databases/pull', { url: ORACLE_URL, db: TENANT, login: OWNER.login, password: OWNER.password });
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('exists');
    const job = await runPull({ url: ORACLE_URL, db: TENANT, login: OWNER.login, password: OWNER.password, replace: true });
    expect(job.state, job.message).toBe('done');
    expect((job.result as PullSummary).verification.ok).toBe(true);
    expect(withoutActivity(await server.booted.storeHandle.current()!.exportRows(TENANT))).toEqual(withoutActivity(oracleRows(TENANT)));
  });

  it('under another name: copied, and it says the password hashes do not work under that name', async () => {
    const job = await runPull({ url: ORACLE_URL, db: TENANT, login: OWNER.login, password: OWNER.password, as: 'pullcopy' });
    expect(job.state, job.message).toBe('done');
    const result = job.result as PullSummary;
    expect(result).toMatchObject({ db: 'pullcopy', passwords: 'unusable', files: { copied: 1 } });
    expect(result.notes.join(' ')).toContain('"pullcopy" is not "pullsrc"');
    expect((await legacy(server.url, 'POST', '/pullcopy/auth?JSON', undefined, { login: IVAN.login, pwd: IVAN.password })).status).toBe(401);
  });

  it('a wrong password or a user without the export right: a clear failure, nothing created', async () => {
    const wrong = await runPull({ url: ORACLE_URL, db: TENANT, login: OWNER.login, password: 'wrong', as: 'pullbad' });
    expect(wrong.state).toBe('failed');
    expect(wrong.message).toMatch(/^pull_login_failed: the source refused the login "pullsrc"/);
    // Ivan is an admin by role but neither the user "admin" nor the owner, and has no EXPORT grant on everything
    const noRight = await runPull({ url: ORACLE_URL, db: TENANT, login: IVAN.login, password: IVAN.password, as: 'pullbad' });
    expect(noRight.state).toBe('failed');
    expect(noRight.message).toMatch(/^pull_no_export_right: /);
    const missing = await runPull({ url: ORACLE_URL, db: 'nosuchdb', login: OWNER.login, password: OWNER.password });
    expect(missing.message).toMatch(/^pull_no_database: /);
    const databases = await api<{ databases: Array<{ name: string }> }>('GET', '/databases');
    expect(databases.body.databases.map((d) => d.name)).not.toContain('pullbad');
    expect(databases.body.databases.map((d) => d.name)).not.toContain('nosuchdb');
  });
});

describe.skipIf(problem !== null)('npm run db -- pull from the PHP engine', () => {
  let work = '';
  const run = (args: string[], extra: Record<string, string> = {}) => new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, cliArgs('db', ...args), {
      cwd: work, env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'test', DATA_DIR: path.join(work, 'data'), AUTH_SALT: ORACLE_SALT, ...extra },
    }, (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }));
  });

  beforeAll(async () => {
    work = makeTempDir('integram-pull-cli-');
    await buildSource();
  });
  afterAll(() => removeDir(work));

  it('pulls with progress and the verification on stderr; the settings give the address and the login; a taken name is refused', async () => {
    const pulled = await run(['pull', '--from', ORACLE_URL, '--db', TENANT, '--login', OWNER.login, '--password', OWNER.password]);
    expect(pulled.stderr).toMatch(/\[ {2}8%\] the source writes its dump/);
    expect(pulled.stderr).toMatch(/pulled pullsrc from http:\/\/127\.0\.0\.1:\d+ \(as pullsrc\) into pullsrc: \d+ rows, \d+ tables, 2 users, 1 files \(10 bytes\)/);
    expect(pulled.stderr).toMatch(/verification: OK; rows read back equal the dump; (\d+)\/\1 tables with the source's record count/);
    expect(pulled.stderr).toContain('passwords: usable');
    expect(pulled.stderr).not.toContain(OWNER.password);
    expect(pulled.code).toBe(0);
    expect((await run(['list'])).stdout.split('\n')).toContain(TENANT);

    const taken = await run(['pull', '--from', ORACLE_URL, '--db', TENANT, '--login', OWNER.login, '--password', OWNER.password]);
    expect(taken.code).toBe(1);
    expect(taken.stderr.trim()).toBe('db: a database named "pullsrc" exists here; choose another name or ask to replace it (add --replace)');

    // INTEGRAM_API_BASE_URL and INTEGRAM_REGISTRATION_USERNAME/PASSWORD stand in for --from and --login
    const fromSettings = await run(['pull', '--db', TENANT, '--as', 'pullenv'], {
      INTEGRAM_API_BASE_URL: ORACLE_URL, INTEGRAM_REGISTRATION_USERNAME: OWNER.login, INTEGRAM_REGISTRATION_PASSWORD: OWNER.password,
    });
    expect(fromSettings.code, fromSettings.stderr).toBe(0);
    expect(fromSettings.stderr).toContain('into pullenv');

    const wrong = await run(['pull', '--from', ORACLE_URL, '--db', TENANT, '--login', OWNER.login, '--password', 'nope', '--as', 'pullno']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/\ndb: the source refused the login "pullsrc": Неверный логин или пароль/);
    expect(wrong.stderr).not.toMatch(/\n\s+at /);
    expect((await run(['pull', '--db', TENANT])).stderr.trim()).toBe('db: pull needs --from URL (or INTEGRAM_API_BASE_URL)');
  });
});
