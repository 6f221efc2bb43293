/**
 * The db CLI as an administrator runs it (`npm run db`): real child processes, real PGlite
 * folders and, with TEST_MYSQL_URL, a private MariaDB schema.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliArgs } from '../../support/cli.js';
import { goldenFixture } from '../../support/fixtures.js';
import { seedPgliteFolder } from '../../support/pglite-template.js';
import { dropSchema, privateSchemaOptions, TEST_MYSQL_URL } from '../../support/stores.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const bootstrapFile = goldenFixture('bootstrap-rows.json');

interface CliResult { code: number; stdout: string; stderr: string }

function baseEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  // nothing from the developer's environment that could pick another store
  return { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'test', ...extra };
}

function runCli(args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, cliArgs('db', ...args), { env, cwd, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      });
  });
}

function goldenRows(): unknown[] {
  return (JSON.parse(readFileSync(bootstrapFile, 'utf8')) as { rows: unknown[] }).rows;
}

/** one line on stderr, no stack trace */
function expectOneLineError(result: CliResult, pattern: RegExp): void {
  expect(result.code).toBe(1);
  const lines = result.stderr.trim().split('\n');
  expect(lines[0]).toMatch(pattern);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

function cliSuite(label: string, makeEnv: () => Promise<{ env: NodeJS.ProcessEnv; cleanup: () => Promise<void> }>, skip = false) {
  describe.skipIf(skip)(`db CLI on ${label}`, () => {
    let env: NodeJS.ProcessEnv;
    let cleanup: () => Promise<void>;
    let work: string;
    const cli = (...args: string[]) => runCli(args, env, work);

    beforeAll(async () => {
      work = mkdtempSync(path.join(tmpdir(), 'integram-db-cli-'));
      ({ env, cleanup } = await makeEnv());
      env = { ...env, DATA_DIR: env.DATA_DIR ?? path.join(work, 'data') };
      // the embedded store starts initialised (tests/support/pglite-template.ts); the first start is the server suites'
      if (!env.DATABASE_URL) seedPgliteFolder(path.join(env.DATA_DIR!, 'pglite'));
    });
    afterAll(async () => {
      await cleanup?.();
      rmSync(work, { recursive: true, force: true });
    });

    it('import of the golden rows then export gives back the same rows; the next id is max + 1', async () => {
      const imported = await cli('import', '--db', 'my', '--file', bootstrapFile);
      expect(imported.stderr).toMatch(/imported 59 rows into my .*next new row gets id 1012/);
      expect(imported.code).toBe(0);
      const exported = await cli('export', '--db', 'my');
      expect(exported.code).toBe(0);
      expect((JSON.parse(exported.stdout) as { rows: unknown[] }).rows).toEqual(goldenRows());
      const outFile = path.join(work, 'out.json');
      expect((await cli('export', '--db', 'MY', '--file', outFile)).code).toBe(0);
      expect(readFileSync(outFile, 'utf8')).toBe(exported.stdout);
      expect((await cli('list')).stdout.split('\n')).toContain('my');
    }, 240_000);

    it('refuses to import over an existing database without --replace; --replace swaps it', async () => {
      const again = await cli('import', '--db', 'my', '--file', bootstrapFile);
      expectOneLineError(again, /the database my already exists; add --replace/);
      const small = path.join(work, 'small.json');
      writeFileSync(small, JSON.stringify({ rows: [{ id: 7, up: 0, ord: 0, t: 3, val: 'Ж' }] }));
      expect((await cli('import', '--db', 'cli_small', '--file', small)).code).toBe(0);
      expect((await cli('import', '--db', 'cli_small', '--file', bootstrapFile, '--replace')).code).toBe(0);
      expect((JSON.parse((await cli('export', '--db', 'cli_small')).stdout) as { rows: unknown[] }).rows).toEqual(goldenRows());
    }, 240_000);

    it('bad JSON, duplicate ids and bad names: exit 1, one line, database unchanged', async () => {
      const before = (await cli('export', '--db', 'my')).stdout;
      const badJson = path.join(work, 'bad.json');
      writeFileSync(badJson, '{"rows":[\n{"id":1,"up":0,}]}');
      expectOneLineError(await cli('import', '--db', 'my', '--file', badJson, '--replace'), /bad\.json: not valid JSON at line 2, column \d+/);
      const dup = path.join(work, 'dup.json');
      writeFileSync(dup, JSON.stringify({ rows: [{ id: 3, up: 0, ord: 0, t: 3, val: 'a' }, { id: 3, up: 0, ord: 0, t: 3, val: 'b' }] }));
      expectOneLineError(await cli('import', '--db', 'my', '--file', dup, '--replace'), /duplicate id 3/);
      const negative = path.join(work, 'neg.json');
      writeFileSync(negative, JSON.stringify({ rows: [{ id: 3, up: -1, ord: 0, t: 3, val: 'a' }] }));
      expectOneLineError(await cli('import', '--db', 'my', '--file', negative, '--replace'), /rows\[0\] \(id 3\): up must be an integer ≥ 0/);
      expectOneLineError(await cli('import', '--db', 'bad-name', '--file', bootstrapFile), /invalid database name "bad-name"/);
      expectOneLineError(await cli('create', '--db', 'select'), /MySQL reserved word/);
      expectOneLineError(await cli('create', '--db', 'ab'), /invalid database name "ab"/);
      expectOneLineError(await cli('import', '--db', 'admin', '--file', bootstrapFile), /reserved by the appliance/);
      expectOneLineError(await cli('drop', '--db', 'my'), /add --yes/);
      expectOneLineError(await cli('export', '--db', 'nosuch'), /the database nosuch does not exist/);
      expectOneLineError(await cli('frobnicate'), /unknown command "frobnicate"/);
      expect((await cli('export', '--db', 'my')).stdout).toBe(before);
      expect((await cli('list')).stdout).not.toMatch(/bad-name|select|admin/);
    }, 240_000);

    it('create from a template, list, drop', async () => {
      expect((await cli('create', '--db', 'Shop1', '--template', bootstrapFile)).code).toBe(0);
      expectOneLineError(await cli('create', '--db', 'shop1'), /already exists/);
      expect((await cli('list')).stdout.split('\n')).toContain('shop1');
      expect((await cli('drop', '--db', 'shop1', '--yes')).code).toBe(0);
      expect((await cli('list')).stdout.split('\n')).not.toContain('shop1');
    }, 240_000);
  });
}

cliSuite('PGlite', async () => ({ env: baseEnv({}), cleanup: async () => undefined }));

if (!TEST_MYSQL_URL) console.warn('MySQL db CLI suite SKIPPED: TEST_MYSQL_URL is not set');
cliSuite('MySQL', async () => {
  const options = privateSchemaOptions('cli');
  const url = `${TEST_MYSQL_URL}/${options.database}`;
  return { env: baseEnv({ DATABASE_URL: url }), cleanup: () => dropSchema(options) };
}, !TEST_MYSQL_URL);

describe('db CLI and a running server', () => {
  let holder: ChildProcess | undefined;
  let work: string;

  afterAll(() => {
    if (holder?.pid && holder.exitCode === null) process.kill(holder.pid, 'SIGTERM');
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('refuses while another process holds the PGlite folder, naming its pid', async () => {
    work = mkdtempSync(path.join(tmpdir(), 'integram-db-cli-lock-'));
    const dataDir = path.join(work, 'data');
    // the holder is a test script, run from TypeScript
    const tsxLoader = pathToFileURL(path.join(root, 'node_modules/tsx/dist/loader.mjs')).href;
    holder = spawn(process.execPath, ['--import', tsxLoader, path.join(root, 'tests/integration/cli/hold-store.ts'), path.join(dataDir, 'pglite')],
      { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      holder!.stdout!.on('data', (chunk: Buffer) => { if (chunk.toString().includes('ready')) resolve(); });
      holder!.on('exit', (code) => reject(new Error(`holder exited early (${code})`)));
    });
    const result = await runCli(['import', '--db', 'my', '--file', bootstrapFile], baseEnv({ DATA_DIR: dataDir }), work);
    expectOneLineError(result, new RegExp(`is in use by a running server \\(pid ${holder.pid}\\); stop it or use the console`));
    process.kill(holder.pid!, 'SIGTERM');
    await new Promise((resolve) => holder!.once('exit', resolve));
    const after = await runCli(['import', '--db', 'my', '--file', bootstrapFile], baseEnv({ DATA_DIR: dataDir }), work);
    expect(after.code).toBe(0);
  }, 240_000);
});

describe('db CLI move', () => {
  let work: string;
  const cli = (...args: string[]) => runCli(args, baseEnv({}), work);

  beforeAll(() => {
    work = mkdtempSync(path.join(tmpdir(), 'integram-db-cli-move-'));
    // the store is chosen in the .env file, which a move may rewrite (not in the environment)
    writeFileSync(path.join(work, '.env'), `DATA_DIR=${path.join(work, 'data')}\nHOST=127.0.0.1\n`);
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('needs a target, and refuses the store in use, in one line each', async () => {
    expect((await cli('import', '--db', 'shop', '--file', bootstrapFile)).code).toBe(0);
    expectOneLineError(await cli('move'), /^db: move needs --to mysql:\/\/USER:PASS@HOST:PORT\/DB or --to embedded/);
    expectOneLineError(await cli('move', '--to', 'embedded'), /^db: the target is the store in use \(nothing was changed\)/);
    expectOneLineError(await cli('move', '--to', 'postgres://x'), /^db: --to: /);
  }, 240_000);

  it.skipIf(!TEST_MYSQL_URL)('moves the data to MariaDB and back, each time pointing the .env file at the copy', async () => {
    const options = privateSchemaOptions('clim');
    try {
      const there = await cli('move', '--to', `${TEST_MYSQL_URL}/${options.database}`);
      expect(there.code, there.stderr).toBe(0);
      expect(there.stderr).toMatch(/\[100%\]/);
      expect(there.stderr).toMatch(/shop: 59 rows, sha256 /);
      const env = readFileSync(path.join(work, '.env'), 'utf8');
      expect(env).toContain(`DB_NAME=${options.database}`);
      expect((await cli('list')).stdout.split('\n')).toContain('shop');
      // a second move into the same, now full, database is refused
      expectOneLineError(await cli('move', '--to', `${TEST_MYSQL_URL}/${options.database}`), /the target is the store in use|already holds/);
      const back = await cli('move', '--to', 'embedded');
      expect(back.code, back.stderr).toBe(0);
      expect(back.stderr).toMatch(/earlier folder was kept as .*pglite\.before-move-/);
      expect(readFileSync(path.join(work, '.env'), 'utf8')).not.toMatch(/DB_NAME|DB_HOST/);
      expect((await cli('list')).stdout.split('\n')).toContain('shop');
    } finally {
      await dropSchema(options);
    }
  }, 240_000);
});
