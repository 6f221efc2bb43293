/**
 * Adopting the AUTH_SALT a restored backup carries (docs/legacy-api.md: Integram password hashes
 * are salted with it, so without it every restored login fails). Where the running server's salt
 * came from decides where the new one goes: the generated secrets file, or the .env file the
 * console edits; a salt set in the process environment cannot be changed from here.
 * The running server keeps its salt until it restarts.
 */
import { loadConfig } from '../config/index.js';
import { SETTINGS } from '../config/schema.js';
import { replaceStoredSecret } from '../config/secrets.js';
import { updateEnvFile } from './env-file.js';

export interface SaltContext {
  dataDir: string;
  /** the .env file the console edits, and the environment that wins over it */
  envFile: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export class SaltNotWritableError extends Error {
  constructor() {
    super('AUTH_SALT is set in the server\'s environment (not in its .env file): set it there to the value of the server the backup came from, then restart');
    this.name = 'SaltNotWritableError';
  }
}

/** where the running configuration's AUTH_SALT comes from */
export function authSaltSource(ctx: SaltContext): 'env' | 'file' | 'default' | 'generated' {
  const loaded = loadConfig({ env: ctx.env ?? process.env, envFile: ctx.envFile, argv: [], cwd: ctx.cwd ?? process.cwd(), persistSecrets: false });
  return loaded.report.find((r) => r.key === 'AUTH_SALT')?.source ?? 'default';
}

/** Writes `salt` where the next start reads it; throws SaltNotWritableError for an environment setting. */
export async function adoptAuthSalt(ctx: SaltContext, salt: string): Promise<void> {
  const source = authSaltSource(ctx);
  if (source === 'env') throw new SaltNotWritableError();
  if (source === 'file') {
    // INTEGRAM_SALT is the alias of older files: one name, so nothing older wins
    await updateEnvFile(ctx.envFile, { AUTH_SALT: salt, INTEGRAM_SALT: null });
    return;
  }
  const fileName = SETTINGS.AUTH_SALT.generatedFile;
  if (!fileName) throw new Error('AUTH_SALT has no generated file');
  replaceStoredSecret(ctx.dataDir, fileName, salt);
}
