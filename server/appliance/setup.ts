/**
 * The first-run setup: the console admin password, where the data lives (embedded or MySQL) and
 * who may connect (this PC or the office LAN), in one step. It writes the admin into the store in
 * use and into the store the server opens after its restart (so the console does not ask for a
 * first run again there), creates the default database with its Integram user `admin` where
 * that store is the one open now, and saves the settings to the `.env` file.
 *
 * Who may run it (only from the server machine, only once) is the HTTP adapter's check.
 */
import path from 'node:path';
import { z } from 'zod';
import type { AppConfig } from '../config/index.js';
import { mysqlSocketPath } from '../config/schema.js';
import { errorText } from '../jobs/registry.js';
import { describeEndpoint, openStoreTarget, storeTargetFromConfig, type StoreTarget } from '../storage/target.js';
import type { Store } from '../storage/types.js';
import { adminPasswordProblem, setAdminPassword } from './admin-account.js';
import { DEFAULT_ADMIN_LOGIN, ensureDefaultDatabase } from './databases.js';
import { updateEnvFile } from './env-file.js';
import { planSettingsChange, type SettingsContext } from './settings.js';

export const setupRequestSchema = z.object({
  adminPassword: z.string(),
  database: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('embedded') }),
    z.object({
      kind: z.literal('mysql'),
      host: z.string().trim().min(1),
      port: z.coerce.number().int().min(1).max(65535),
      user: z.string().trim().min(1),
      password: z.string(),
      database: z.string().trim().regex(/^[A-Za-z0-9_$]{1,64}$/),
      /** a unix socket (DB_SOCKET): host and port are then not used */
      socketPath: mysqlSocketPath().optional(),
    }),
  ]),
  access: z.enum(['local', 'lan']),
  dataDir: z.string().trim().min(1).optional(),
});

export type SetupRequest = z.infer<typeof setupRequestSchema>;

export type SetupErrorCode = 'invalid_settings' | 'mysql_unreachable' | 'store_unusable' | 'already_set_up';

/** A setup the appliance refuses, with the form fields it names. */
export class SetupError extends Error {
  constructor(readonly code: SetupErrorCode, message: string, readonly fields?: Record<string, string>) {
    super(message);
    this.name = 'SetupError';
  }
}

export interface SetupDeps {
  config: Pick<AppConfig, 'DATA_DIR' | 'BCRYPT_ROUNDS' | 'DB_CHARSET' | 'DB_NAME' | 'DEFAULT_DATABASE' | 'INTEGRAM_TEMPLATES' | 'AUTH_SALT'> & Partial<Pick<AppConfig, 'PGLITE_SYNC_COMMITS'>>;
  settings: SettingsContext;
  /** the store open now */
  store: Store;
  templatesDir: string;
  logger: { info(obj: object, msg: string): void };
  invalidate?: (db: string) => void;
}

export interface SetupOutcome {
  /** settings changed that apply after a restart */
  restartRequired: boolean;
}

/** The store the server opens after the wizard's restart, when it is not the one open now. */
function targetAfterSetup(deps: SetupDeps, setup: SetupRequest): StoreTarget | null {
  const { config, store } = deps;
  const dataDir = setup.dataDir ? path.resolve(deps.settings.cwd ?? process.cwd(), setup.dataDir) : config.DATA_DIR;
  if (setup.database.kind === 'mysql') {
    const { host, port, socketPath, user, password, database } = setup.database;
    const sameAsCurrent = store.info.driver === 'mysql' && store.info.target === describeEndpoint({ host, port, socketPath }) && config.DB_NAME === database;
    if (sameAsCurrent) return null;
    return storeTargetFromConfig({
      DATABASE_URL: undefined, DB_SOCKET: socketPath, DB_HOST: host, DB_PORT: port, DB_USER: user, DB_PASSWORD: password, DB_NAME: database,
      DB_CHARSET: config.DB_CHARSET, DATA_DIR: dataDir,
    });
  }
  if (store.info.driver === 'pglite' && dataDir === config.DATA_DIR) return null;
  return storeTargetFromConfig({
    DATABASE_URL: undefined, DB_SOCKET: undefined, DB_HOST: undefined, DB_PORT: 3306, DB_USER: undefined, DB_PASSWORD: undefined, DB_NAME: 'integram',
    DB_CHARSET: config.DB_CHARSET, DATA_DIR: dataDir, PGLITE_SYNC_COMMITS: config.PGLITE_SYNC_COMMITS,
  });
}

/** The `.env` assignments the wizard's answers stand for (null removes a setting). */
function settingsOf(setup: SetupRequest): Record<string, string | null> {
  const values: Record<string, string | null> = { HOST: setup.access === 'lan' ? '0.0.0.0' : '127.0.0.1' };
  if (setup.dataDir) values.DATA_DIR = setup.dataDir;
  if (setup.database.kind === 'mysql') {
    Object.assign(values, {
      DATABASE_URL: null, DB_SOCKET: setup.database.socketPath ?? null, DB_HOST: setup.database.host, DB_PORT: String(setup.database.port),
      DB_USER: setup.database.user, DB_PASSWORD: setup.database.password, DB_NAME: setup.database.database,
    });
  } else {
    Object.assign(values, { DATABASE_URL: null, DB_SOCKET: null, DB_HOST: null, DB_USER: null, DB_PASSWORD: null });
  }
  return values;
}

export async function completeSetup(deps: SetupDeps, setup: SetupRequest): Promise<SetupOutcome> {
  const { config, store } = deps;
  const problem = adminPasswordProblem(setup.adminPassword);
  if (problem) throw new SetupError('invalid_settings', problem, { adminPassword: problem });
  const plan = await planSettingsChange(deps.settings, settingsOf(setup), { adminExists: true });
  if (!plan.ok) throw new SetupError('invalid_settings', 'some settings are not valid', plan.fields);

  const nextTarget = targetAfterSetup(deps, setup);
  if (nextTarget) {
    try {
      const next = await openStoreTarget(nextTarget);
      try {
        await setAdminPassword(next.appliance, setup.adminPassword, {
          bcryptRounds: config.BCRYPT_ROUNDS, onlyIfAbsent: true,
          dataDir: setup.dataDir ? path.resolve(deps.settings.cwd ?? process.cwd(), setup.dataDir) : config.DATA_DIR,
        });
        // the chosen store ends up as the embedded one does: a database to log in to, with its admin
        const made = await ensureDefaultDatabase(
          { store: next, templatesDir: deps.templatesDir, salt: config.AUTH_SALT, invalidate: deps.invalidate },
          { name: config.DEFAULT_DATABASE, templates: config.INTEGRAM_TEMPLATES, adminPassword: setup.adminPassword },
        );
        if (made) deps.logger.info({ db: config.DEFAULT_DATABASE, target: nextTarget.target }, `default database created in the chosen store; Integram user "${DEFAULT_ADMIN_LOGIN}" has the console admin password`);
      } finally {
        await next.close();
      }
    } catch (err) {
      if (nextTarget.driver === 'mysql') {
        throw new SetupError('mysql_unreachable', `the MySQL database cannot be used: ${errorText(err)}`, { database: errorText(err) });
      }
      throw new SetupError('store_unusable', `the data folder ${nextTarget.dir} cannot be used: ${errorText(err)}`, { dataDir: errorText(err) });
    }
  }
  const created = await setAdminPassword(store.appliance, setup.adminPassword, {
    bcryptRounds: config.BCRYPT_ROUNDS, onlyIfAbsent: true, dataDir: config.DATA_DIR,
  });
  if (!created) throw new SetupError('already_set_up', 'an admin password is already set; log in instead');
  // something to log in to at once (a newly chosen store gets it on its own first setup)
  if (!nextTarget) {
    const made = await ensureDefaultDatabase(
      { store, templatesDir: deps.templatesDir, salt: config.AUTH_SALT, invalidate: deps.invalidate },
      { name: config.DEFAULT_DATABASE, templates: config.INTEGRAM_TEMPLATES, adminPassword: setup.adminPassword },
    );
    if (made) deps.logger.info({ db: config.DEFAULT_DATABASE }, `default database created; Integram user "${DEFAULT_ADMIN_LOGIN}" has the console admin password`);
  }
  const changed = await updateEnvFile(deps.settings.envFile, plan.changes);
  deps.logger.info({ access: setup.access, database: setup.database.kind }, 'first-run setup completed; console admin password set');
  return { restartRequired: changed.length > 0 };
}
