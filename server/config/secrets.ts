/**
 * Secrets generated at first start (JWT secret, legacy salt) live as files with mode 0600
 * in `${DATA_DIR}/secrets` (folder 0700), so a restart reuses them and tokens stay valid.
 * Several instances sharing one MySQL must set them explicitly instead.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';

export type SecretKind = 'jwt' | 'salt';

/** 96 URL-safe characters (72 random bytes): well above the 64 the JWT rules ask for. */
export function generateJwtSecret(): string {
  return randomBytes(72).toString('base64url');
}

/** 32 hex characters, the shape of the PHP engine's SALT. */
export function generateSalt(): string {
  return randomBytes(16).toString('hex');
}

export function generateSecret(kind: SecretKind): string {
  return kind === 'jwt' ? generateJwtSecret() : generateSalt();
}

export function secretsDir(dataDir: string): string {
  return path.join(dataDir, 'secrets');
}

export interface StoredSecret {
  value: string;
  file: string;
  /** true when this call created the file */
  created: boolean;
}

/** Reads the stored secret, or null when the file does not exist. */
export function readStoredSecret(dataDir: string, fileName: string): StoredSecret | null {
  const file = path.join(secretsDir(dataDir), fileName);
  try {
    const value = readFileSync(file, 'utf8').trim();
    return value === '' ? null : { value, file, created: false };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/**
 * Writes `value` to a temp file (mode 0600, fsynced) in the secrets folder (0700), next to where
 * the secret `fileName` goes; the caller links or renames it into place.
 */
function writeSecretBeside(dataDir: string, fileName: string, value: string): { file: string; temp: string } {
  const dir = secretsDir(dataDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const temp = path.join(dir, `.${fileName}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(temp, 'wx', 0o600);
  try {
    writeSync(fd, `${value}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return { file: path.join(dir, fileName), temp };
}

/**
 * Returns the stored secret, creating it when absent. Creation is atomic and never
 * overwrites: the value is written to a temp file, fsynced, then hard-linked into place;
 * if another process won the race, its value is read and used.
 */
export function readOrCreateSecret(dataDir: string, fileName: string, kind: SecretKind): StoredSecret {
  const existing = readStoredSecret(dataDir, fileName);
  if (existing) return existing;

  const value = generateSecret(kind);
  const { file, temp } = writeSecretBeside(dataDir, fileName, value);
  try {
    linkSync(temp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const winner = readStoredSecret(dataDir, fileName);
    if (winner) return winner;
    throw err;
  } finally {
    rmSync(temp, { force: true });
  }
  return { value, file, created: true };
}

/**
 * Replaces a stored secret (a restored backup brings the salt its password hashes were made with):
 * written to a temp file with mode 0600, fsynced, then renamed over the old one.
 */
export function replaceStoredSecret(dataDir: string, fileName: string, value: string): string {
  const { file, temp } = writeSecretBeside(dataDir, fileName, value);
  try {
    renameSync(temp, file);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
  return file;
}
