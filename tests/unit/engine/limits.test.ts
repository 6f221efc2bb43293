/** Pure rules around refused input: JSON depth (PHP json_decode's 512) and the per-process login throttle. */
import { describe, expect, it } from 'vitest';
import { cleanValue, JSON_MAX_DEPTH, JsonTooDeep, jsonNestsDeeperThan } from '../../../server/http/legacy/params.js';
import { inProcessLoginThrottle } from '../../../server/engine/throttle.js';

describe('JSON nesting depth', () => {
  it('counts arrays and objects, not brackets inside strings', () => {
    expect(jsonNestsDeeperThan('[[[]]]', 3)).toBe(false);
    expect(jsonNestsDeeperThan('[[[[]]]]', 3)).toBe(true);
    expect(jsonNestsDeeperThan('{"a":{"b":[1]}}', 3)).toBe(false);
    expect(jsonNestsDeeperThan('{"a":"[[[[[\\"[[["}', 1)).toBe(false);
    expect(jsonNestsDeeperThan(`${'['.repeat(5000)}${']'.repeat(5000)}`, JSON_MAX_DEPTH)).toBe(true);
  });
  it('cleanValue refuses values deeper than PHP accepts instead of overflowing the stack', () => {
    let deep: unknown = [];
    for (let i = 0; i < 20_000; i++) deep = [deep];
    expect(() => cleanValue(deep)).toThrow(JsonTooDeep);
    expect(cleanValue({ a: ['x\u0000y'] })).toEqual({ a: ['xy'] });
  });
});

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
