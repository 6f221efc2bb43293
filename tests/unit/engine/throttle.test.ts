/** The engine's login throttles (server/engine/throttle.ts): the per-process one and the failure counter. */
import { describe, expect, it } from 'vitest';
import { FailureThrottle, inProcessLoginThrottle } from '../../../server/engine/throttle.js';

describe('per-process login throttle (engines without a shared one)', () => {
  it('refuses a login after 10 failures with the seconds to wait; other logins and a success unaffected', async () => {
    let now = 1_000_000;
    const t = inProcessLoginThrottle({ now: () => now });
    for (let i = 0; i < 10; i++) await t.recordFailure('my', 'bob', '10.0.0.1');
    const v = await t.check('my', 'bob', '10.0.0.1');
    expect(v).toEqual({ allowed: false, retryAfterSeconds: 300 });
    expect(await t.check('my', 'alice', '10.0.0.1')).toEqual({ allowed: true });
    expect(await t.check('other', 'bob', '10.0.0.1')).toEqual({ allowed: true });
    now += 300_001;
    expect(await t.check('my', 'bob', '10.0.0.1')).toEqual({ allowed: true });
    await t.recordSuccess('my', 'bob');
    expect(await t.check('my', 'bob', '10.0.0.1')).toEqual({ allowed: true });
  });
});

describe('failed-login throttle', () => {
  it('blocks after the limit, for a while', () => {
    const t = new FailureThrottle({ maxFailures: 3, windowMs: 1000, blockMs: 500 });
    t.fail('k', 0);
    t.fail('k', 10);
    expect(t.blockedFor('k', 20)).toBe(0);
    t.fail('k', 20);
    expect(t.blockedFor('k', 30)).toBe(490);
    expect(t.blockedFor('k', 600)).toBe(0);
  });
});
