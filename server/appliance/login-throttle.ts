/**
 * Login throttling whose counters live in the shared appliance store, so every instance on one
 * MySQL agrees: per login and per address, never locking out a whole office (a NAT address is
 * allowed many failures). The modern API's logins and the legacy engine's `auth` each keep their
 * own counters.
 */
import { createHash } from 'node:crypto';
import type { EngineLoginThrottle } from '../engine/index.js';
import type { ApplianceStore, Store } from '../storage/types.js';


export interface ThrottlePolicy {
  /** failures of one login that cost nothing; each further one makes the next attempt wait */
  freeFailures: number;
  /** delay after the first throttled failure; doubles with each further failure */
  baseDelaySeconds: number;
  maxDelaySeconds: number;
  /** failures of one login are forgotten this long after the first */
  loginWindowSeconds: number;
  /** failed logins from one address per window before it is refused (generous: one NAT = a whole office) */
  addressLimit: number;
  addressWindowSeconds: number;
}

export const DEFAULT_THROTTLE_POLICY: ThrottlePolicy = {
  freeFailures: 3,
  baseDelaySeconds: 2,
  maxDelaySeconds: 15 * 60,
  loginWindowSeconds: 30 * 60,
  addressLimit: 200,
  addressWindowSeconds: 15 * 60,
};

export type ThrottleVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number; reason: 'login' | 'address' };

/**
 * Counters in the appliance store (shared by every instance). Per login: after `freeFailures`
 * failures each further attempt waits 2^n × base seconds after the last failure. Per address: a
 * fixed window with a high limit. A success clears the login's counter, not the address's.
 */
export class LoginThrottle {
  constructor(
    private readonly appliance: () => ApplianceStore,
    private readonly policy: ThrottlePolicy = DEFAULT_THROTTLE_POLICY,
    private readonly now: () => number = Date.now,
    /** names the counters' collections: the legacy engine's login keeps its own ('legacy') */
    counterPrefix = 'api',
  ) {
    this.loginKind = `${counterPrefix}-login-failures`;
    this.addressKind = `${counterPrefix}-login-address`;
  }

  private readonly loginKind: string;
  private readonly addressKind: string;

  private loginKey(db: string, login: string): string {
    return `${db.toLowerCase()}:${login.trim().toLowerCase()}`;
  }

  private delayFor(failures: number): number {
    const over = failures - this.policy.freeFailures;
    if (over <= 0) return 0;
    return Math.min(this.policy.maxDelaySeconds, this.policy.baseDelaySeconds * 2 ** Math.min(over - 1, 30));
  }

  async check(db: string, login: string, address: string): Promise<ThrottleVerdict> {
    const store = this.appliance();
    const now = this.now();
    const addressDoc = await store.get<number>(this.addressKind, address);
    if (addressDoc && Number(addressDoc.body) >= this.policy.addressLimit) {
      const until = addressDoc.expiresAt ? addressDoc.expiresAt.getTime() : now + this.policy.addressWindowSeconds * 1000;
      return { allowed: false, reason: 'address', retryAfterSeconds: Math.max(1, Math.ceil((until - now) / 1000)) };
    }
    const loginDoc = await store.get<number>(this.loginKind, this.loginKey(db, login));
    if (loginDoc) {
      const delay = this.delayFor(Number(loginDoc.body));
      const until = loginDoc.updatedAt.getTime() + delay * 1000;
      if (delay > 0 && until > now) {
        return { allowed: false, reason: 'login', retryAfterSeconds: Math.max(1, Math.ceil((until - now) / 1000)) };
      }
    }
    return { allowed: true };
  }

  async recordFailure(db: string, login: string, address: string): Promise<void> {
    const store = this.appliance();
    const now = this.now();
    await store.increment(this.loginKind, this.loginKey(db, login), 1, { expiresAt: new Date(now + this.policy.loginWindowSeconds * 1000) });
    await store.increment(this.addressKind, address, 1, { expiresAt: new Date(now + this.policy.addressWindowSeconds * 1000) });
  }

  async recordSuccess(db: string, login: string): Promise<void> {
    await this.appliance().delete(this.loginKind, this.loginKey(db, login));
  }
}

/**
 * Failed logins of the legacy `auth` (docs/compatibility.md, "Deliberate differences"): after 10 failures of one login each further
 * attempt waits 1, 2, 4, then 5 minutes at most; one address gets 100 failures per 5 minutes,
 * so an office behind one NAT is never blocked for long. Counters live in the appliance store
 * (collections `legacy-login-*`), so every instance on one MySQL agrees.
 */
export const LEGACY_LOGIN_POLICY: ThrottlePolicy = {
  freeFailures: 9,
  baseDelaySeconds: 60,
  maxDelaySeconds: 5 * 60,
  loginWindowSeconds: 15 * 60,
  addressLimit: 100,
  addressWindowSeconds: 5 * 60,
};

/**
 * The engine's login throttle backed by the appliance store. A login reaches it as typed, of any
 * length, and the counters' keys are at most 191 characters: a long login is counted under its
 * digest (no real login is that long; the counting still works against guessing).
 */
export function legacyLoginThrottle(getStore: () => Store): EngineLoginThrottle {
  const shared = new LoginThrottle(() => getStore().appliance, LEGACY_LOGIN_POLICY, Date.now, 'legacy');
  const keyOf = (login: string): string => (login.length > 64 ? `sha256:${createHash('sha256').update(login).digest('hex')}` : login);
  return {
    check: (db, login, address) => shared.check(db, keyOf(login), address),
    recordFailure: (db, login, address) => shared.recordFailure(db, keyOf(login), address),
    recordSuccess: (db, login) => shared.recordSuccess(db, keyOf(login)),
  };
}
