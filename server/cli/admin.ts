/**
 * `npm run admin -- <command>`: the console admin account on a headless install.
 *
 *   set-password                   asks twice on a terminal (input hidden)
 *   set-password --password-stdin  reads the password from standard input (scripts, Docker)
 *   status                         says whether a console admin password is set
 *
 * Uses the store the configuration names (environment > .env file). With the embedded store the
 * data folder is held by a running server: the CLI then refuses and says to stop the server or use
 * the console. Setting a password signs out every console session.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/index.js';
import { openStoreTarget, storeTargetFromConfig } from '../storage/target.js';
import { isStoreError } from '../storage/errors.js';
import type { Store } from '../storage/types.js';
import { adminExists, adminPasswordProblem, setAdminPassword } from '../appliance/admin-account.js';

class CliError extends Error {}

const USAGE = `usage: npm run admin -- <command>
  set-password [--password-stdin]   set the console admin password (asks twice on a terminal)
  status                            whether a console admin password is set`;

async function readAllStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  // one trailing line break belongs to `echo`/here-strings, not to the password
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** Reads one line from the terminal without echoing it. */
function askHidden(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const input = process.stdin;
    process.stdout.write(prompt);
    let value = '';
    input.setRawMode(true);
    input.resume();
    input.setEncoding('utf8');
    const finish = (error?: Error) => {
      input.setRawMode(false);
      input.pause();
      input.off('data', onData);
      process.stdout.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return finish();
        if (ch === '\u0003') return finish(new CliError('cancelled'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else if (ch >= ' ') value += ch;
      }
    };
    input.on('data', onData);
  });
}

async function readNewPassword(fromStdin: boolean): Promise<string> {
  if (fromStdin) return readAllStdin();
  if (!process.stdin.isTTY) throw new CliError('no terminal to ask on; pipe the password in with --password-stdin');
  const first = await askHidden('New console admin password: ');
  const problem = adminPasswordProblem(first);
  if (problem) throw new CliError(problem);
  const second = await askHidden('Repeat the password: ');
  if (first !== second) throw new CliError('the two passwords differ; nothing was changed');
  return first;
}

async function openConfiguredStore(): Promise<{ store: Store; bcryptRounds: number; dataDir: string }> {
  const loaded = loadConfig({ persistSecrets: false });
  if (!loaded.ok) throw new CliError(`configuration error: ${loaded.errors[0]} (run npm run verify-env)`);
  try {
    const store = await openStoreTarget(storeTargetFromConfig(loaded.config));
    return { store, bcryptRounds: loaded.config.BCRYPT_ROUNDS, dataDir: loaded.config.DATA_DIR };
  } catch (err) {
    if (isStoreError(err, 'in_use')) {
      throw new CliError(`${err.message}\nStop the server first, or change the password in the console (Settings).`);
    }
    if (isStoreError(err)) throw new CliError(err.message);
    throw err;
  }
}

async function main(argv: string[]): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv, allowPositionals: true,
      options: {
        'password-stdin': { type: 'boolean', default: false },
        'env-file': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    throw new CliError(`${(err as Error).message.split('\n')[0]}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const command = positionals[0];
  if (positionals.length !== 1 || (command !== 'set-password' && command !== 'status')) {
    throw new CliError(positionals.length === 0 ? `no command given\n${USAGE}` : `unknown command "${positionals.join(' ')}"\n${USAGE}`);
  }

  if (command === 'status') {
    const { store } = await openConfiguredStore();
    try {
      process.stdout.write((await adminExists(store.appliance)) ? 'a console admin password is set\n' : 'no console admin password yet (first-run setup pending)\n');
    } finally {
      await store.close();
    }
    return;
  }

  // ask first: no store is held open while someone types
  const password = await readNewPassword(values['password-stdin'] ?? false);
  const problem = adminPasswordProblem(password);
  if (problem) throw new CliError(problem);
  const { store, bcryptRounds, dataDir } = await openConfiguredStore();
  try {
    await setAdminPassword(store.appliance, password, { bcryptRounds, dataDir });
  } finally {
    await store.close();
  }
  process.stdout.write(`Console admin password set (${store.info.driver}); existing console sessions were signed out.\n`);
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof CliError ? err.message : `admin: ${err instanceof Error ? err.message : String(err)}`}\n`);
    process.exit(1);
  },
);
