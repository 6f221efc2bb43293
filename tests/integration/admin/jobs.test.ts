/**
 * The job registry on its own: cron schedules fire, runs are recorded in the appliance store,
 * and two registries (two server instances) sharing a database run each tick only once.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import mysql from 'mysql2/promise';
import { JobRegistry, JOB_RUN_KIND, type JobProgress } from '../../../server/jobs/registry.js';
import { step } from '../../../server/jobs/steps.js';
import { openStore, parseMysqlUrl } from '../../../server/storage/index.js';
import type { Store } from '../../../server/storage/types.js';
import { useSharedPglite } from './harness.js';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 180_000 });

const MYSQL_URL = process.env.TEST_MYSQL_URL;
if (!MYSQL_URL) console.log('job registry across two MySQL connections SKIPPED: TEST_MYSQL_URL is not set');

const sharedStore = useSharedPglite();
const registries: JobRegistry[] = [];
afterEach(async () => {
  for (const r of registries.splice(0)) await r.stop();
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A registry with one job on an every-second schedule that takes `durationMs`. */
function registryWithTicker(store: Store, runs: string[], instance: string, durationMs: number): JobRegistry {
  const registry = new JobRegistry({ getStore: () => store });
  registry.register({
    name: 'ticker',
    schedule: '* * * * * *',
    async run(ctx) {
      runs.push(`${instance}:${ctx.runId}`);
      await ctx.progress(50, step('backup_start', { count: 1 }));
      await sleep(durationMs);
      return { instance };
    },
  });
  registries.push(registry);
  return registry;
}

async function twoInstancesRunOncePerTick(storeA: Store, storeB: Store): Promise<void> {
  const runs: string[] = [];
  const a = registryWithTicker(storeA, runs, 'A', 1500);
  const b = registryWithTicker(storeB, runs, 'B', 1500);
  // start both just after a second boundary so they see the same ticks
  await sleep(1000 - (Date.now() % 1000) + 50);
  a.start();
  b.start();
  await sleep(2600);
  await a.stop();
  await b.stop();
  await sleep(1700);
  // a run lasts 1.5 s and holds the lock: within ~2.6 s at most two runs can start in total,
  // and never two for the same tick
  expect(runs.length).toBeGreaterThanOrEqual(1);
  expect(runs.length).toBeLessThanOrEqual(2);
  const info = (await a.list())[0];
  expect(info.lastResult).toBe('ok');
  expect(info.lastRunAt).not.toBeNull();
  const recorded = await storeA.appliance.list<JobProgress>(JOB_RUN_KIND, { ref: 'ticker' });
  expect(recorded.filter((d) => d.body.state === 'done')).toHaveLength(runs.length);
}

describe('job registry', () => {
  it('a scheduled job fires, records its run and shows last and next run', async () => {
    const store = sharedStore();
    const runs: string[] = [];
    const registry = registryWithTicker(store, runs, 'A', 10);
    const before = (await registry.list())[0];
    expect(before).toMatchObject({ name: 'ticker', schedule: '* * * * * *', lastRunAt: null, lastResult: null, nextRunAt: null });
    registry.start();
    const next = (await registry.list())[0].nextRunAt;
    expect(new Date(next!).getTime() - Date.now()).toBeLessThanOrEqual(1100);
    const until = Date.now() + 10_000;
    while ((await registry.list())[0].lastResult === null && Date.now() < until) await sleep(100);
    await registry.stop();
    const info = (await registry.list())[0];
    expect(info.lastResult).toBe('ok');
    expect(runs.length).toBeGreaterThanOrEqual(1);
    const recorded = await store.appliance.list<JobProgress>(JOB_RUN_KIND, { ref: 'ticker' });
    expect(recorded[0].body).toMatchObject({ name: 'ticker', state: 'done', percent: 100, result: { instance: 'A' } });
  });

  it('a failing job records the error as a short message', async () => {
    const store = sharedStore();
    const registry = new JobRegistry({ getStore: () => store });
    registries.push(registry);
    registry.register({ name: 'broken', schedule: null, async run() { throw new Error('disk full\n    at somewhere.js:1:1'); } });
    const started = await registry.runNow('broken');
    const done = await registry.wait(started.id);
    expect(done).toMatchObject({ state: 'failed', message: 'disk full' });
    expect((await registry.list())[0].lastResult).toBe('error');
    await expect(registry.runNow('nope')).rejects.toThrow(/no job named/);
    expect(() => registry.register({ name: 'bad', schedule: 'often', run: async () => null })).toThrow(/invalid cron/);
  });

  it('two instances on one embedded store run a tick once', async () => {
    const store = sharedStore();
    await twoInstancesRunOncePerTick(store, store);
  });

  it.skipIf(!MYSQL_URL)('two instances with their own MySQL connections run a tick once (GET_LOCK)', async () => {
    const base = parseMysqlUrl(MYSQL_URL!);
    const schema = `t_jobs_${randomBytes(4).toString('hex')}`;
    const storeA = await openStore({ mysql: { ...base, database: schema } });
    const storeB = await openStore({ mysql: { ...base, database: schema } });
    try {
      await twoInstancesRunOncePerTick(storeA, storeB);
    } finally {
      await storeA.close();
      await storeB.close();
      const conn = await mysql.createConnection({ host: base.host, port: base.port, user: base.user, password: base.password });
      await conn.query(`DROP DATABASE IF EXISTS \`${schema}\``);
      await conn.end();
    }
  });
});
