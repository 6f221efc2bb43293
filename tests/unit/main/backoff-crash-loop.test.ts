import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_BACKOFF } from '../../../main/backoff.js';
import { CrashWindow } from '../../../main/crash-loop.js';

describe('backoffDelay', () => {
  it('doubles from 250 ms and caps', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelay(n))).toEqual([250, 500, 1000, 2000, 4000, 8000, 10000, 10000]);
    expect(backoffDelay(100)).toBe(DEFAULT_BACKOFF.maxMs);
  });
  it('follows a custom policy', () => {
    expect(backoffDelay(2, { initialMs: 100, factor: 3, maxMs: 500 })).toBe(500);
    expect(backoffDelay(1, { initialMs: 100, factor: 3, maxMs: 500 })).toBe(300);
  });
  it('rejects a negative or fractional attempt', () => {
    expect(() => backoffDelay(-1)).toThrow(RangeError);
    expect(() => backoffDelay(1.5)).toThrow(RangeError);
  });
});

describe('CrashWindow', () => {
  it('reports a loop at the 5th crash inside 60 s', () => {
    const window = new CrashWindow({ limit: 5, windowMs: 60_000 });
    const verdicts = [0, 10_000, 20_000, 30_000, 40_000].map((t) => window.record(t));
    expect(verdicts).toEqual([false, false, false, false, true]);
  });
  it('forgets crashes older than the window', () => {
    const window = new CrashWindow({ limit: 5, windowMs: 60_000 });
    for (const t of [0, 15_000, 30_000, 45_000]) expect(window.record(t)).toBe(false);
    // 61 s after the first crash: only 4 remain inside the window after this one.
    expect(window.record(61_000)).toBe(false);
    expect(window.count(61_000)).toBe(4);
    expect(window.record(62_000)).toBe(true);
  });
  it('a crash exactly one window later no longer counts the old one', () => {
    const window = new CrashWindow({ limit: 2, windowMs: 1_000 });
    window.record(0);
    expect(window.record(1_000)).toBe(false);
  });
  it('reset clears the history and describe names the policy', () => {
    const window = new CrashWindow({ limit: 3, windowMs: 60_000 }, () => 5);
    window.record();
    window.record();
    window.reset();
    expect(window.count()).toBe(0);
    expect(window.describe()).toBe('3 crashes within 60 s');
  });
});
