/**
 * Failed-login throttling (compat.md deliberate difference): the PHP engine only
 * counts failures (RETRIES) and never blocks. We refuse further attempts for a
 * short while after too many failures for one login, or from one address — the
 * address limit is generous and short so an office behind one NAT is never
 * locked out for long. In-memory per process (documented in README.md).
 */
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
