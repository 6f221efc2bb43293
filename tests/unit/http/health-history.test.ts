/**
 * The per-minute history (server/http/health/history.ts) with an injected clock: minute rollover,
 * 5xx and 4xx apart, the p95, gauges, the 24-hour ring, and the file that carries it across a
 * restart (a real file in a temp folder). Then the active-session list with its 15-minute window.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HISTORY_MINUTES, MetricsHistory, type HistoryGauges } from '../../../server/http/health/history.js';
import { ActiveSessions } from '../../../server/http/health/sessions.js';

const MINUTE = 60_000;
/** a minute boundary well after the epoch */
const T0 = Date.UTC(2026, 11, 7, 8, 0, 0);

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempFile(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'integram-history-'));
  dirs.push(dir);
  return path.join(dir, 'metrics-history.json');
}

function clock(start = T0) {
  let now = start;
  return { now: () => now, set: (t: number) => { now = t; }, add: (ms: number) => { now += ms; } };
}

function gaugesFrom(values: { rss: number }): () => HistoryGauges {
  return () => ({ rssBytes: values.rss, heapUsedBytes: values.rss / 2, storeLatencyMs: 1.5 });
}

describe('metrics history', () => {
  it('closes a minute when the clock passes it and keeps 5xx and 4xx apart', () => {
    const c = clock(T0 + 5_000);
    const history = new MetricsHistory({ now: c.now, gauges: gaugesFrom({ rss: 1000 }) });
    history.record(200, 3);
    history.record(404, 2);
    history.record(500, 9);
    history.record(503, 1);
    c.add(MINUTE);
    history.record(200, 1);

    const points = history.points(3);
    expect(points.map((p) => p.t)).toEqual([new Date(T0 - MINUTE).toISOString(), new Date(T0).toISOString(), new Date(T0 + MINUTE).toISOString()]);
    // before the history began: nothing known
    expect(points[0]).toMatchObject({ requests: null, errors5xx: null, p95Ms: null, rssBytes: null });
    expect(points[1]).toMatchObject({ requests: 4, errors5xx: 2, errors4xx: 1, rssBytes: 1000, heapUsedBytes: 500, storeLatencyMs: 1.5 });
    // the minute in progress, live
    expect(points[2]).toMatchObject({ requests: 1, errors5xx: 0, errors4xx: 0 });
  });

  it('reports the 95th percentile of the answer times within the bucket width', () => {
    const c = clock();
    const history = new MetricsHistory({ now: c.now, gauges: gaugesFrom({ rss: 1 }) });
    for (let ms = 1; ms <= 100; ms++) history.record(200, ms);
    const [live] = history.points(1);
    expect(live.requests).toBe(100);
    expect(live.p95Ms).toBeGreaterThanOrEqual(95);
    expect(live.p95Ms).toBeLessThanOrEqual(95 * 1.06);
    // a minute with one slow answer among fast ones
    c.add(MINUTE);
    for (let i = 0; i < 99; i++) history.record(200, 2);
    history.record(200, 5000);
    expect(history.points(1)[0].p95Ms).toBeLessThanOrEqual(2.2);
    expect(history.points(1)[0].p95Ms).toBeGreaterThanOrEqual(2);
  });

  it('keeps the gauges the sampler read in the minute they describe', () => {
    const c = clock();
    const values = { rss: 100 };
    const history = new MetricsHistory({ now: c.now, gauges: gaugesFrom(values) });
    c.add(59_000);
    history.sample();
    values.rss = 999;
    c.add(2_000);
    const [closed] = history.points(2);
    expect(closed.rssBytes).toBe(100);
    // the live minute shows the gauges as they are now
    expect(history.points(1)[0].rssBytes).toBe(999);
  });

  it('answers one point per minute for the span asked, with gaps for minutes without data', () => {
    const c = clock();
    const history = new MetricsHistory({ now: c.now, gauges: gaugesFrom({ rss: 1 }) });
    history.record(200, 1);
    c.add(10 * MINUTE);
    history.record(200, 1);
    const points = history.points(12);
    expect(points).toHaveLength(12);
    expect(points[1].requests).toBe(1);
    expect(points.slice(2, 11).every((p) => p.requests === null)).toBe(true);
    expect(points[11].requests).toBe(1);
    expect(history.points(5000)).toHaveLength(HISTORY_MINUTES);
    expect(history.points(0)).toHaveLength(1);
  });

  it('forgets a minute once it is more than 24 hours old', () => {
    const c = clock();
    const history = new MetricsHistory({ now: c.now, gauges: gaugesFrom({ rss: 1 }) });
    history.record(500, 1);
    c.add(MINUTE);
    history.record(200, 1);
    c.add((HISTORY_MINUTES - 1) * MINUTE);
    // the first minute is now just outside the day; the second is the oldest inside it
    const day = history.points(HISTORY_MINUTES);
    expect(day[0]).toMatchObject({ t: new Date(T0 + MINUTE).toISOString(), requests: 1, errors5xx: 0 });
    expect(day.some((p) => p.errors5xx === 1)).toBe(false);
  });

  it('survives a restart through its file, merging the minute both runs share', async () => {
    const file = tempFile();
    const c = clock(T0 + 1_000);
    const first = new MetricsHistory({ now: c.now, gauges: gaugesFrom({ rss: 42 }), file });
    await first.load();
    first.record(200, 4);
    c.add(MINUTE);
    first.record(500, 8);
    first.record(500, 8);
    await first.stop();
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { version: number; points: unknown[] };
    expect(saved.version).toBe(1);
    expect(saved.points).toHaveLength(2);

    // the next run starts in the same minute the last one stopped in
    c.add(10_000);
    const second = new MetricsHistory({ now: c.now, gauges: gaugesFrom({ rss: 7 }), file });
    await second.load();
    second.record(200, 1);
    const points = second.points(2);
    expect(points[0]).toMatchObject({ t: new Date(T0).toISOString(), requests: 1, rssBytes: 42 });
    expect(points[1]).toMatchObject({ requests: 3, errors5xx: 2 });

    // a day later only what is still inside 24 hours comes back
    await second.stop();
    c.add(HISTORY_MINUTES * MINUTE - 30_000);
    const later = new MetricsHistory({ now: c.now, gauges: gaugesFrom({ rss: 7 }), file });
    await later.load();
    const day = later.points(HISTORY_MINUTES);
    expect(day.filter((p) => p.requests !== null && p.t !== day.at(-1)?.t)).toHaveLength(1);
  });

  it('starts empty from a missing or damaged file, and says what went wrong with a damaged one', async () => {
    const errors: string[] = [];
    const missing = new MetricsHistory({ gauges: gaugesFrom({ rss: 1 }), file: tempFile(), onError: (_e, what) => errors.push(what) });
    await missing.load();
    expect(errors).toEqual([]);

    const file = tempFile();
    writeFileSync(file, '{"version":1,"points":[{"t":"not a time"},');
    const damaged = new MetricsHistory({ gauges: gaugesFrom({ rss: 1 }), file, onError: (_e, what) => errors.push(what) });
    await damaged.load();
    expect(errors).toEqual(['reading the history file']);
    expect(damaged.points(10).slice(0, -1).every((p) => p.requests === null)).toBe(true);

    // points that are not whole minutes or carry junk are skipped one by one
    writeFileSync(file, JSON.stringify({ version: 1, points: [{ t: new Date(Date.now() - 90_000).toISOString(), requests: 5 }, { t: new Date(Math.floor(Date.now() / MINUTE) * MINUTE - MINUTE).toISOString(), requests: -3, errors5xx: 'x', p95Ms: 12 }] }));
    const partly = new MetricsHistory({ gauges: gaugesFrom({ rss: 1 }), file });
    await partly.load();
    const [previous] = partly.points(2);
    expect(previous).toMatchObject({ requests: null, errors5xx: null, p95Ms: 12 });
  });
});

describe('active sessions', () => {
  it('lists each user, database and address once, most recent first, for 15 minutes', () => {
    const c = clock();
    const sessions = new ActiveSessions(c.now);
    sessions.record({ kind: 'legacy', user: 'anna', db: 'shop' }, '10.0.0.5');
    c.add(1000);
    sessions.record({ kind: 'jwt', user: 'boris', db: 'crm' }, '10.0.0.6');
    c.add(1000);
    sessions.record({ kind: 'legacy', user: 'anna', db: 'shop' }, '10.0.0.5');
    sessions.record({ kind: 'legacy', user: 'anna', db: 'shop' }, '10.0.0.9');

    const list = sessions.list();
    expect(list.map((s) => `${s.kind}:${s.user}@${s.db}/${s.address}`)).toEqual(['legacy:anna@shop/10.0.0.9', 'legacy:anna@shop/10.0.0.5', 'jwt:boris@crm/10.0.0.6']);
    expect(list[1]).toMatchObject({ requests: 2, firstSeen: new Date(T0).toISOString(), lastSeen: new Date(T0 + 2000).toISOString() });

    c.add(15 * MINUTE - 500);
    // boris was last seen 15 min 0.5 s ago; anna 14 min 58.5 s ago
    expect(sessions.list().map((s) => s.user)).toEqual(['anna', 'anna']);
    c.add(10 * MINUTE);
    expect(sessions.list()).toEqual([]);
    // a user coming back after the window starts a new count
    sessions.record({ kind: 'legacy', user: 'anna', db: 'shop' }, '10.0.0.5');
    expect(sessions.list()[0]).toMatchObject({ requests: 1, firstSeen: new Date(c.now()).toISOString() });
  });
});
