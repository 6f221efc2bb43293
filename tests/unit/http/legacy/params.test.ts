/** The legacy URL API's parameter rules (server/http/legacy/params.ts): JSON depth (PHP json_decode's 512) and parse_str. */
import { describe, expect, it } from 'vitest';
import { cleanValue, JSON_MAX_DEPTH, JsonTooDeep, jsonNestsDeeperThan, parseQueryString } from '../../../../server/http/legacy/params.js';

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

describe('query strings (PHP parse_str)', () => {
  it('query strings like parse_str', () => {
    expect(parseQueryString('a[]=1&a[]=2&b=x+y&c&JSON&d.e=1')).toEqual({ a: ['1', '2'], b: 'x y', c: '', JSON: '', d_e: '1' });
  });

  it('__proto__ and constructor are ordinary keys: no prototype is replaced or polluted', () => {
    const parsed = parseQueryString('a[__proto__][polluted]=1&__proto__[polluted]=2&b[constructor][prototype][polluted]=3&__proto__=4');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(Object.keys(parsed)).toEqual(['a', '__proto__', 'b']);
    expect(Object.getOwnPropertyDescriptor(parsed.a, '__proto__')?.value).toEqual({ polluted: '1' });
    expect(Object.getOwnPropertyDescriptor(parsed, '__proto__')?.value).toBe('4');
  });
});
