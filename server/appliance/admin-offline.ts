/**
 * The console admin while the database is away (MySQL down): the account and its sessions live in
 * the store, so without this the admin could not even log in to fix the database settings.
 *
 * - A copy of the admin's bcrypt hash is kept in the data folder (`secrets/console-admin.json`,
 *   mode 0600, like the generated secrets), written whenever the password is set and refreshed
 *   at every login that the store answered.
 * - A login checked against that copy gets a session held in this process's memory only: it lasts
 *   an hour at most, ends with a restart, and is only good on this instance. Failed attempts are
 *   counted per address in memory, with the same limit as the store's counter.
 */
import bcrypt from 'bcrypt';
import { randomBytes } from 'node:crypto';
import { hashToken, LOGIN_FAIL_LIMIT, LOGIN_FAIL_WINDOW_MS, readAdminCredentialCopy, type AdminLoginOutcome } from './admin-account.js';

export const OFFLINE_SESSION_TTL_MS = 60 * 60 * 1000;

/** Sessions made while the store was away, in this process's memory; tokens are kept hashed. */
export class OfflineSessions {
  private readonly sessions = new Map<string, number>();
  private readonly failures = new Map<string, { count: number; windowEnds: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  create(): { token: string; expiresAt: Date } {
    const token = randomBytes(32).toString('base64url');
    const expiresAt = this.now() + OFFLINE_SESSION_TTL_MS;
    this.sessions.set(hashToken(token), expiresAt);
    return { token, expiresAt: new Date(expiresAt) };
  }

  valid(token: string): boolean {
    const key = hashToken(token);
    const expiresAt = this.sessions.get(key);
    if (expiresAt === undefined) return false;
    if (expiresAt <= this.now()) {
      this.sessions.delete(key);
      return false;
    }
    return true;
  }

  revoke(token: string): void {
    this.sessions.delete(hashToken(token));
  }

  /** seconds to wait before the address may try again, 0 when it may */
  retryAfter(address: string): number {
    const entry = this.failures.get(address);
    if (!entry || entry.windowEnds <= this.now()) return 0;
    return entry.count >= LOGIN_FAIL_LIMIT ? Math.max(1, Math.ceil((entry.windowEnds - this.now()) / 1000)) : 0;
  }

  recordFailure(address: string): void {
    const current = this.failures.get(address);
    if (!current || current.windowEnds <= this.now()) this.failures.set(address, { count: 1, windowEnds: this.now() + LOGIN_FAIL_WINDOW_MS });
    else current.count++;
  }
}

/** The console's login checked against the copy in the data folder (the store is unavailable). */
export async function offlineAdminLogin(dataDir: string, sessions: OfflineSessions, password: unknown, address: string): Promise<AdminLoginOutcome | { ok: false; refusal: 'no_copy' }> {
  const retryAfterSeconds = sessions.retryAfter(address);
  if (retryAfterSeconds > 0) return { ok: false, refusal: 'throttled', retryAfterSeconds };
  if (typeof password !== 'string' || password === '') return { ok: false, refusal: 'password_required' };
  const copy = readAdminCredentialCopy(dataDir);
  if (!copy) return { ok: false, refusal: 'no_copy' };
  if (!(await bcrypt.compare(password, copy.passwordHash))) {
    sessions.recordFailure(address);
    return { ok: false, refusal: 'bad_password' };
  }
  return { ok: true, session: sessions.create() };
}
