/**
 * `npm run db -- <command>`: import, export, create, list and drop tenant databases.
 *
 *   import --db NAME --file rows.json [--replace]   load a rows file keeping ids (atomic); a new
 *                                                   name needs the routing rule and must not be reserved
 *   export --db NAME [--file out.json]              rows ordered by id (stdout without --file)
 *   create --db NAME [--template FILE]              a new database, empty or from a rows file
 *   list                                            tenant databases, one per line
 *   drop --db NAME --yes                            delete a database
 *   move --to mysql://USER:PASS@HOST:PORT/DB|embedded
 *                                                   copy every database and the server's own records
 *                                                   into an empty store, verify the copy, then point
 *                                                   the .env file at it (docs/reliability.md, "Moving")
 *   pull --from URL --db NAME [--token T | --login L --password P] [--as LOCAL] [--replace]
 *                                                   bring a database over from a running Integram
 *                                                   server through its URL API (appliance/pull.ts);
 *                                                   URL, token and login default to INTEGRAM_API_BASE_URL,
 *                                                   INTEGRAM_AUTH_TOKEN, INTEGRAM_REGISTRATION_USERNAME/PASSWORD
 *
 * The store is the one the configuration names (environment > .env file): MySQL when
 * DATABASE_URL, DB_SOCKET, DB_HOST or DB_USER is set, else PGlite in ${DATA_DIR}/pglite. With PGlite
 * the CLI refuses while a running server holds the folder. Any mistake: one line on stderr,
 * exit code 1, no change to the database.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createDatabase, DatabaseBusyError, DatabaseExistsError } from '../appliance/databases.js';
import { defaultTemplatesDir } from '../appliance/templates.js';
import { loadConfig, type AppConfig } from '../config/index.js';
import { moveStore, StoreMoveError } from '../appliance/store-move.js';
import { stepText } from '../jobs/steps.js';
import { pullDatabase, PullError, type PullResult } from '../appliance/pull.js';
import { parseMysqlUrl } from '../storage/index.js';
import { embeddedTarget, mysqlTarget, storeTargetFromConfig, openStoreTarget, type StoreTarget } from '../storage/target.js';
import { checkImportDbName, checkNewDbName, isRoutableDbName, normalizeDbName } from '../storage/db-names.js';
import { writeRowsFileAtomic } from '../storage/json-files.js';
import { serializeRowsFile, parseRowsFile } from '../storage/rows-file.js';
import type { Row, Store } from '../storage/types.js';
import { folderRoots, removeDatabaseFolders } from '../storage/folders.js';

class UsageError extends Error {}

const USAGE = `usage: npm run db -- <command>
  import --db NAME --file rows.json [--replace]
  export --db NAME [--file out.json]
  create --db NAME [--template rows.json]
  list
  drop --db NAME --yes
  move --to mysql://USER:PASS@HOST:PORT/DB | --to embedded
  pull --from URL --db NAME [--token T | --login L --password P] [--as LOCAL] [--replace]`;

interface Args {
  command: string;
  db?: string;
  file?: string;
  template?: string;
  to?: string;
  from?: string;
  token?: string;
  login?: string;
  password?: string;
  as?: string;
  replace: boolean;
  yes: boolean;
}

function parseCommandLine(argv: string[]): Args {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        db: { type: 'string' },
        file: { type: 'string' },
        template: { type: 'string' },
        to: { type: 'string' },
        from: { type: 'string' },
        token: { type: 'string' },
        login: { type: 'string' },
        password: { type: 'string' },
        as: { type: 'string' },
        replace: { type: 'boolean', default: false },
        yes: { type: 'boolean', default: false },
        'env-file': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0]);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'no command given' : `unexpected argument "${positionals[1]}"`);
  return {
    command: positionals[0],
    db: values.db,
    file: values.file,
    template: values.template,
    to: values.to,
    from: values.from,
    token: values.token,
    login: values.login,
    password: values.password,
    as: values.as,
    replace: values.replace ?? false,
    yes: values.yes ?? false,
  };
}

function requireDb(args: Args): string {
  if (!args.db) throw new UsageError(`${args.command} needs --db NAME`);
  return args.db;
}

/** An existing database must pass the PHP routing rule. */
function existingName(name: string): string {
  if (!isRoutableDbName(name)) throw new UsageError(`invalid database name "${name}": 1 to 15 letters, digits or underscores`);
  return normalizeDbName(name);
}

/** A new database must pass the creation rules (letter first, 3-15 chars, not reserved). */
function newName(name: string): string {
  const check = checkNewDbName(name);
  if (!check.ok) throw new UsageError(check.reason);
  return check.name;
}

/** A database loaded from a file: routable and not reserved (so `my`, `ru`, `en` can be imported). */
function importName(name: string): string {
  const check = checkImportDbName(name);
  if (!check.ok) throw new UsageError(check.reason);
  return check.name;
}

async function readRows(file: string): Promise<Row[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `the file ${file} does not exist` : `cannot read ${file} (${code ?? 'error'})`);
  }
  return parseRowsFile(text, file);
}

async function openConfiguredStore(): Promise<{ store: Store; config: AppConfig }> {
  const loaded = loadConfig({ persistSecrets: false });
  if (!loaded.ok) throw new UsageError(`configuration error: ${loaded.errors[0]}`);
  return { store: await openStoreTarget(storeTargetFromConfig(loaded.config)), config: loaded.config };
}

async function run(args: Args): Promise<void> {
  // validate everything that needs no store before opening it
  let rows: Row[] | undefined;
  let db: string | undefined;
  switch (args.command) {
    case 'import':
      db = requireDb(args);
      if (!isRoutableDbName(db)) existingName(db);
      if (!args.file) throw new UsageError('import needs --file rows.json');
      rows = await readRows(args.file);
      break;
    case 'export':
      db = existingName(requireDb(args));
      break;
    case 'create':
      db = newName(requireDb(args));
      rows = args.template ? await readRows(args.template) : [];
      break;
    case 'drop':
      db = existingName(requireDb(args));
      if (!args.yes) throw new UsageError(`dropping ${db} deletes all its data; add --yes to confirm`);
      break;
    case 'list':
      break;
    case 'move':
      return moveCommand(args);
    case 'pull':
      return pullCommand(args);
    default:
      throw new UsageError(`unknown command "${args.command}"`);
  }

  const { store, config } = await openConfiguredStore();
  try {
    switch (args.command) {
      case 'import': {
        const name = db as string;
        const exists = await store.databaseExists(name);
        if (exists && !args.replace) throw new UsageError(`the database ${normalizeDbName(name)} already exists; add --replace to overwrite it`);
        const target = exists ? existingName(name) : importName(name);
        await store.importRows(target, rows as Row[], { replace: args.replace });
        const nextId = (await store.tenant(target).maxId()) + 1;
        process.stderr.write(`imported ${(rows as Row[]).length} rows into ${target} (${store.info.driver}); the next new row gets id ${nextId}\n`);
        break;
      }
      case 'export': {
        const name = db as string;
        if (!(await store.databaseExists(name))) throw new UsageError(`the database ${name} does not exist`);
        const exported = await store.exportRows(name);
        if (args.file) {
          await writeRowsFileAtomic(args.file, exported);
          process.stderr.write(`exported ${exported.length} rows of ${name} to ${args.file}\n`);
        } else {
          await writeStdout(serializeRowsFile(exported));
        }
        break;
      }
      case 'create': {
        const name = db as string;
        try {
          await createDatabase({ store, templatesDir: defaultTemplatesDir(), salt: config.AUTH_SALT }, { name, source: { rows: rows as Row[] } });
        } catch (err) {
          if (err instanceof DatabaseExistsError || err instanceof DatabaseBusyError) throw new UsageError(`the database ${name} already exists`);
          throw err;
        }
        process.stderr.write(`created ${name}${args.template ? ` from ${args.template} (${(rows as Row[]).length} rows)` : ''}\n`);
        break;
      }
      case 'list':
        await writeStdout((await store.listDatabases()).map((name) => `${name}\n`).join(''));
        break;
      case 'drop': {
        const name = db as string;
        if (!(await store.databaseExists(name))) throw new UsageError(`the database ${name} does not exist`);
        await store.dropDatabase(name);
        // its file-manager folders and uploads go with it
        await removeDatabaseFolders(folderRoots(config.DATA_DIR, config.UPLOAD_DIR), name);
        process.stderr.write(`dropped ${name}\n`);
        break;
      }
    }
  } finally {
    await store.close();
  }
}

/** `move`: the configured store is the source; the target must be empty (an embedded folder with data is set aside). */
async function moveCommand(args: Args): Promise<void> {
  if (!args.to) throw new UsageError('move needs --to mysql://USER:PASS@HOST:PORT/DB or --to embedded');
  const loaded = loadConfig({ persistSecrets: false });
  if (!loaded.ok) throw new UsageError(`configuration error: ${loaded.errors[0]}`);
  const { config } = loaded;
  let target: StoreTarget;
  if (args.to === 'embedded') {
    target = embeddedTarget(config.DATA_DIR, config.PGLITE_SYNC_COMMITS);
  } else {
    try {
      target = mysqlTarget(parseMysqlUrl(args.to));
    } catch (err) {
      throw new UsageError(`--to: ${oneLine(err)}`);
    }
  }
  const sourceTarget = storeTargetFromConfig(config);
  const source = await openStoreTarget(sourceTarget);
  try {
    const envFile = config.ENV_FILE ?? path.resolve(process.cwd(), '.env');
    const result = await moveStore({ source, sourceTarget, open: openStoreTarget, settings: { envFile } }, target, (percent, next) => {
      process.stderr.write(`[${String(percent).padStart(3)}%] ${stepText(next)}\n`);
    });
    for (const db of result.databases) process.stderr.write(`  ${db.name}: ${db.rows} rows, sha256 ${db.checksum.slice(0, 12)}…\n`);
    if (result.setAside) process.stderr.write(`the embedded store's earlier folder was kept as ${result.setAside}\n`);
    process.stderr.write(`${envFile} now names ${target.driver === 'mysql' ? target.target : 'the embedded store'}; start the server to use it\n`);
  } catch (err) {
    if (err instanceof StoreMoveError) throw new UsageError(`${err.message} (nothing was changed)`);
    throw err;
  } finally {
    await source.close();
  }
}

/** `pull`: a database of a running Integram server, copied here with its ids, users and files, then verified. */
async function pullCommand(args: Args): Promise<void> {
  const loaded = loadConfig({ persistSecrets: false });
  if (!loaded.ok) throw new UsageError(`configuration error: ${loaded.errors[0]}`);
  const { config } = loaded;
  const from = args.from ?? config.INTEGRAM_API_BASE_URL;
  if (!from) throw new UsageError('pull needs --from URL (or INTEGRAM_API_BASE_URL)');
  const remote = requireDb(args);
  if (args.token !== undefined && args.login !== undefined) throw new UsageError('give --token or --login, not both');
  let credentials: { token: string } | { login: string; password: string };
  if (args.token !== undefined) credentials = { token: args.token };
  else if (args.login !== undefined) credentials = { login: args.login, password: args.password ?? '' };
  else if (config.INTEGRAM_REGISTRATION_USERNAME) credentials = { login: config.INTEGRAM_REGISTRATION_USERNAME, password: config.INTEGRAM_REGISTRATION_PASSWORD ?? '' };
  else if (config.INTEGRAM_AUTH_TOKEN) credentials = { token: config.INTEGRAM_AUTH_TOKEN };
  else throw new UsageError('pull needs --token, or --login and --password (or INTEGRAM_AUTH_TOKEN, INTEGRAM_REGISTRATION_USERNAME)');
  const store = await openStoreTarget(storeTargetFromConfig(config));
  let result: PullResult;
  try {
    result = await pullDatabase(
      { store, templatesDir: defaultTemplatesDir(), salt: config.AUTH_SALT, uploadDir: config.UPLOAD_DIR },
      { url: from, db: remote, ...credentials },
      { as: args.as, replace: args.replace, onProgress: (percent, next) => { process.stderr.write(`[${String(percent).padStart(3)}%] ${stepText(next)}\n`); } },
    );
  } catch (err) {
    if (err instanceof PullError) throw new UsageError(err.code === 'pull_exists' ? `${err.message} (add --replace)` : err.message);
    throw err;
  } finally {
    await store.close();
  }
  process.stderr.write(pullSummary(result));
  if (!result.verification.ok) process.exitCode = 2;
}

function pullSummary(r: PullResult): string {
  const v = r.verification;
  const lines = [
    `pulled ${r.source.db} from ${r.source.url} (as ${r.source.user}) into ${r.db}: ${r.rows} rows, ${r.tables} tables, ${r.users} users, ${r.files.copied} files (${r.files.bytes} bytes)`,
    `verification: ${v.ok ? 'OK' : 'DIFFERENCES'}; rows read back ${v.rowsEqual ? 'equal the dump' : 'DIFFER from the dump'}; ` +
      `${v.tables.filter((t) => t.source === t.local).length}/${v.tables.length} tables with the source's record count; ` +
      `${v.sample.checked - v.sample.mismatches.length}/${v.sample.checked} sampled records equal`,
    ...v.tables.filter((t) => t.source !== t.local).map((t) => `  table ${t.id} ${t.name}: ${t.source} on the source, ${t.local} here`),
    ...(v.sample.mismatches.length > 0 ? [`  records that differ: ${v.sample.mismatches.join(', ')}`] : []),
    `passwords: ${r.passwords}`,
    ...r.notes.map((n) => `note: ${n}`),
  ];
  return `${lines.join('\n')}\n`;
}

function writeStdout(text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(text, (error) => (error ? reject(error) : resolve()));
  });
}

/** One line, no stack trace: the message of what went wrong. */
function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0];
}

try {
  await run(parseCommandLine(process.argv.slice(2)));
} catch (error) {
  process.stderr.write(`db: ${oneLine(error)}\n`);
  if (error instanceof UsageError && /no command|unknown command|unexpected argument|Unknown option/i.test(error.message)) {
    process.stderr.write(`${USAGE}\n`);
  }
  process.exitCode = 1;
}
