/**
 * Failed-login throttling (docs/compatibility.md, "Deliberate differences"): the PHP engine only
 * counts failures (RETRIES) and never blocks. We refuse further attempts for a
 * short while after too many failures for one login, or from one address — the
 * address limit is generous and short so an office behind one NAT is never
 * locked out for long. These counters are per process: the engine uses them only when its host
 * gives no shared throttle (`EngineOptions.loginThrottle`; the legacy HTTP adapter gives one
 * backed by the appliance store).
 */
import type { EngineClock, EngineLoginThrottle } from './types.js';

export interface ThrottleRule {
  maxFailures: number;
  windowMs: number;
  blockMs: number;
}

export const LOGIN_RULE: ThrottleRule = { maxFailures: 10, windowMs: 15 * 60_000, blockMs: 5 * 60_000 };
export const ADDRESS_RULE: ThrottleRule = { maxFailures: 50, windowMs: 15 * 60_000, blockMs: 2 * 60_000 };

interface Entry {
  failures: number[];
  blockedUntil: number;
}

export class FailureThrottle {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly rule: ThrottleRule) {}

  /** ms left of a block, 0 when attempts are allowed */
  blockedFor(key: string, now: number): number {
    const e = this.entries.get(key);
    return e && e.blockedUntil > now ? e.blockedUntil - now : 0;
  }

  fail(key: string, now: number): void {
    const e = this.entries.get(key) ?? { failures: [], blockedUntil: 0 };
    e.failures = e.failures.filter((t) => now - t < this.rule.windowMs);
    e.failures.push(now);
    if (e.failures.length >= this.rule.maxFailures) {
      e.blockedUntil = now + this.rule.blockMs;
      e.failures = [];
    }
    this.entries.set(key, e);
    if (this.entries.size > 10_000) this.prune(now);
  }

  succeed(key: string): void {
    this.entries.delete(key);
  }

  private prune(now: number): void {
    for (const [k, e] of this.entries) if (e.blockedUntil <= now && !e.failures.some((t) => now - t < this.rule.windowMs)) this.entries.delete(k);
  }
}

/** the per-process throttle behind EngineLoginThrottle (engines built without a shared one) */
export function inProcessLoginThrottle(clock: EngineClock): EngineLoginThrottle {
  const logins = new FailureThrottle(LOGIN_RULE);
  const addresses = new FailureThrottle(ADDRESS_RULE);
  const loginKey = (db: string, login: string): string => `${db}\u0000${login}`;
  const addressKey = (db: string, address: string): string => `${db}\u0000${address}`;
  return {
    async check(db, login, address) {
      const now = clock.now();
      const wait = Math.max(logins.blockedFor(loginKey(db, login), now), addresses.blockedFor(addressKey(db, address), now));
      return wait > 0 ? { allowed: false, retryAfterSeconds: Math.ceil(wait / 1000) } : { allowed: true };
    },
    async recordFailure(db, login, address) {
      const now = clock.now();
      logins.fail(loginKey(db, login), now);
      addresses.fail(addressKey(db, address), now);
    },
    async recordSuccess(db, login) {
      logins.succeed(loginKey(db, login));
    },
  };
}
