/**
 * `npm run generate-jwt-secret [-- --write [--env-file <path>]]`
 *
 * Prints a new 96-character secret. With --write it is stored as JWT_SECRET in the .env
 * file (--env-file, ENV_FILE, else ./.env), atomically, keeping the previous file as .bak.
 */
import path from 'node:path';
import { updateEnvFile } from '../appliance/env-file.js';
import { envFileFromArgv } from '../config/index.js';
import { generateJwtSecret } from '../config/secrets.js';

async function main(argv: string[]): Promise<number> {
  const secret = generateJwtSecret();
  if (!argv.includes('--write')) {
    process.stdout.write(`${secret}\n`);
    return 0;
  }
  const file = path.resolve(envFileFromArgv(argv) ?? (process.env.ENV_FILE || '.env'));
  await updateEnvFile(file, { JWT_SECRET: secret });
  process.stdout.write(`JWT_SECRET written to ${file} (previous version kept as ${path.basename(file)}.bak). Restart the server to use it; existing API tokens become invalid.\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`generate-jwt-secret: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
