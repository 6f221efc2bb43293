/**
 * The console admin account and its sessions, kept in the appliance store so every instance
 * sharing one database agrees (docs/architecture.md, "Where state lives").
 *
 * - account: kind 'admin', id 'console', body { passwordHash } (bcrypt). The server's LAN-mode
 *   check reads the same document through `adminExists`.
 * - sessions: kind 'admin-session', id = SHA-256 of the token (the token itself is never stored),
 *   with an expiry.
 * - failed logins: counters of kind 'admin-login-fail' per client address and 15-minute window.
 * - a copy of the account's hash in the data folder, for logins while the store is away
 *   (admin-offline.ts); written when the password is set and at every login the store answers.
 *
 * No Express here: the admin CLI and the router both use it.
 */
import bcrypt from 'bcrypt';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { replaceStoredSecret, secretsDir } from '../config/secrets.js';
import type { ApplianceStore } from '../storage/types.js';

export const ADMIN_KIND = 'admin';
export const ADMIN_ID = 'console';
export const SESSION_KIND = 'admin-session';
export const LOGIN_FAIL_KIND = 'admin-login-fail';

export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
export const LOGIN_FAIL_WINDOW_MS = 15 * 60 * 1000;
export const LOGIN_FAIL_LIMIT = 5;
export const MIN_ADMIN_PASSWORD_LENGTH = 8;

export interface AdminAccountBody {
  passwordHash: string;
  passwordSetAt: string;
}

interface SessionBody {
  createdAt: string;
  address: string | null;
}

/** the copy of the admin's password hash kept in the data folder (mode 0600, like the generated secrets) */
export const ADMIN_CREDENTIAL_FILE = 'console-admin.json';

export function writeAdminCredentialCopy(dataDir: string, account: AdminAccountBody): void {
  replaceStoredSecret(dataDir, ADMIN_CREDENTIAL_FILE, JSON.stringify({ passwordHash: account.passwordHash, passwordSetAt: account.passwordSetAt }));
}

export function readAdminCredentialCopy(dataDir: string): AdminAccountBody | null {
  const file = path.join(secretsDir(dataDir), ADMIN_CREDENTIAL_FILE);
  if (!existsSync(file)) return null;
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as Partial<AdminAccountBody>;
    if (typeof value.passwordHash !== 'string' || value.passwordHash === '') return null;
    return { passwordHash: value.passwordHash, passwordSetAt: typeof value.passwordSetAt === 'string' ? value.passwordSetAt : '' };
  } catch {
    return null; // a damaged copy: the store's account is the truth; the next login rewrites it
  }
}

export async function adminExists(appliance: ApplianceStore): Promise<boolean> {
  const doc = await appliance.get<AdminAccountBody>(ADMIN_KIND, ADMIN_ID);
  return doc !== null && typeof doc.body?.passwordHash === 'string' && doc.body.passwordHash !== '';
}

/** A human reason why the password is not acceptable, or null. */
export function adminPasswordProblem(password: unknown): string | null {
  if (typeof password !== 'string') return 'the password is required';
  if (password.length < MIN_ADMIN_PASSWORD_LENGTH) return `the password must have at least ${MIN_ADMIN_PASSWORD_LENGTH} characters`;
  if (password.length > 72) return 'the password must have at most 72 characters (bcrypt limit)';
  if (password.trim() === '') return 'the password must not be only spaces';
  return null;
}

/**
 * Sets (or replaces) the admin password. With `onlyIfAbsent` the write is atomic across
 * instances and returns false when an admin already exists (first-run setup).
 * Existing sessions are revoked when the password changes.
 */
export async function setAdminPassword(
  appliance: ApplianceStore,
  password: string,
  options: { bcryptRounds: number; onlyIfAbsent?: boolean; /** keeps the copy for logins while the store is away */ dataDir?: string },
): Promise<boolean> {
  const problem = adminPasswordProblem(password);
  if (problem) throw new Error(problem);
  const body: AdminAccountBody = {
    passwordHash: await bcrypt.hash(password, options.bcryptRounds),
    passwordSetAt: new Date().toISOString(),
  };
  if (options.onlyIfAbsent) {
    if (await adminExists(appliance)) return false;
    const created = await appliance.create(ADMIN_KIND, ADMIN_ID, body);
    if (created && options.dataDir) writeAdminCredentialCopy(options.dataDir, body);
    return created;
  }
  await appliance.put(ADMIN_KIND, ADMIN_ID, body);
  if (options.dataDir) writeAdminCredentialCopy(options.dataDir, body);
  await revokeAllSessions(appliance);
  return true;
}

export async function verifyAdminPassword(appliance: ApplianceStore, password: string, options: { dataDir?: string } = {}): Promise<boolean> {
  const doc = await appliance.get<AdminAccountBody>(ADMIN_KIND, ADMIN_ID);
  if (!doc || typeof doc.body?.passwordHash !== 'string') return false;
  const ok = await bcrypt.compare(password, doc.body.passwordHash);
  // an install from before the copy existed, or a password set on another instance: refresh it
  if (ok && options.dataDir && readAdminCredentialCopy(options.dataDir)?.passwordHash !== doc.body.passwordHash) {
    writeAdminCredentialCopy(options.dataDir, doc.body);
  }
  return ok;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export async function createSession(
  appliance: ApplianceStore,
  address: string | null,
  now = new Date(),
): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  const body: SessionBody = { createdAt: now.toISOString(), address };
  await appliance.put(SESSION_KIND, hashToken(token), body, { ref: ADMIN_ID, expiresAt });
  return { token, expiresAt };
}

export async function sessionValid(appliance: ApplianceStore, token: string, now = new Date()): Promise<boolean> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return false;
  const doc = await appliance.get<SessionBody>(SESSION_KIND, hashToken(token));
  if (!doc) return false;
  if (doc.expiresAt && doc.expiresAt.getTime() <= now.getTime()) return false;
  return true;
}

export async function revokeSession(appliance: ApplianceStore, token: string): Promise<void> {
  await appliance.delete(SESSION_KIND, hashToken(token));
}

export async function revokeAllSessions(appliance: ApplianceStore): Promise<number> {
  return appliance.deleteByRef(SESSION_KIND, ADMIN_ID);
}

function failWindow(address: string, now: Date): { id: string; expiresAt: Date } {
  const start = Math.floor(now.getTime() / LOGIN_FAIL_WINDOW_MS) * LOGIN_FAIL_WINDOW_MS;
  return { id: `${address}@${start}`, expiresAt: new Date(start + LOGIN_FAIL_WINDOW_MS) };
}

/** Seconds the client must wait before trying again, or 0 when it may try now. */
export async function loginRetryAfter(appliance: ApplianceStore, address: string, now = new Date()): Promise<number> {
  const { id, expiresAt } = failWindow(address, now);
  // adding 0 reads the counter without knowing how the driver stores it
  const count = await appliance.increment(LOGIN_FAIL_KIND, id, 0, { expiresAt });
  if (count < LOGIN_FAIL_LIMIT) return 0;
  return Math.max(1, Math.ceil((expiresAt.getTime() - now.getTime()) / 1000));
}

export async function recordLoginFailure(appliance: ApplianceStore, address: string, now = new Date()): Promise<number> {
  const { id, expiresAt } = failWindow(address, now);
  return appliance.increment(LOGIN_FAIL_KIND, id, 1, { expiresAt });
}

export type AdminLoginOutcome =
  | { ok: true; session: { token: string; expiresAt: Date } }
  | { ok: false; refusal: 'throttled'; retryAfterSeconds: number }
  | { ok: false; refusal: 'password_required' | 'no_admin' | 'bad_password' };

/**
 * The console's login from `address`: refused while the address is throttled, then the password
 * check (a wrong one counts against the address), then a new session.
 */
export async function adminLogin(appliance: ApplianceStore, password: unknown, address: string, options: { dataDir?: string } = {}): Promise<AdminLoginOutcome> {
  const retryAfterSeconds = await loginRetryAfter(appliance, address);
  if (retryAfterSeconds > 0) return { ok: false, refusal: 'throttled', retryAfterSeconds };
  if (typeof password !== 'string' || password === '') return { ok: false, refusal: 'password_required' };
  if (!(await adminExists(appliance))) return { ok: false, refusal: 'no_admin' };
  if (!(await verifyAdminPassword(appliance, password, options))) {
    await recordLoginFailure(appliance, address);
    return { ok: false, refusal: 'bad_password' };
  }
  return { ok: true, session: await createSession(appliance, address) };
}

export type AdminPasswordChange =
  | { ok: true; session: { token: string; expiresAt: Date } }
  | { ok: false; refusal: 'throttled'; retryAfterSeconds: number }
  | { ok: false; refusal: 'bad_password' }
  | { ok: false; refusal: 'weak'; problem: string };

/**
 * The console admin changes the password: the current one is checked like a login (throttled per
 * address, a wrong one counts), the new one by the same rule as at setup. Every session ends, and
 * the one asking gets a new session, so the other browsers must sign in with the new password.
 */
export async function changeAdminPassword(
  appliance: ApplianceStore,
  current: string,
  next: string,
  address: string,
  options: { bcryptRounds: number; dataDir?: string },
): Promise<AdminPasswordChange> {
  const retryAfterSeconds = await loginRetryAfter(appliance, address);
  if (retryAfterSeconds > 0) return { ok: false, refusal: 'throttled', retryAfterSeconds };
  if (!(await verifyAdminPassword(appliance, current, options))) {
    await recordLoginFailure(appliance, address);
    return { ok: false, refusal: 'bad_password' };
  }
  const problem = adminPasswordProblem(next);
  if (problem) return { ok: false, refusal: 'weak', problem };
  await setAdminPassword(appliance, next, options);
  return { ok: true, session: await createSession(appliance, address) };
}
