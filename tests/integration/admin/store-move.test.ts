/**
 * Moving the data from the console (POST /api/admin/store/move, a job) and the guard on the store
 * settings (PUT /api/admin/settings): refusals that answer at once, a move to MariaDB that leaves
 * the data API paused until the restart, and a store change that never leads silently to an empty
 * store. Embedded store; the MariaDB parts when TEST_MYSQL_URL is set.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobProgress } from '../../../server/jobs/registry.js';
import { openStore } from '../../../server/storage/index.js';
import { loadRows } from '../../golden/replay.js';
import { dropSchema, privateSchemaOptions, TEST_MYSQL_URL } from '../../support/stores.js';
import { call, setupAndLogin, startHarness, type Harness } from './harness.js';

async function finished(h: Harness, token: string, job: JobProgress): Promise<JobProgress> {
  let current = job;
  for (let i = 0; i < 600 && current.state === 'running'; i++) {
    await new Promise((r) => setTimeout(r, 200));
    current = (await call<JobProgress>(h, 'GET', `/jobs/${job.id}`, { token })).body;
  }
  return current;
}

describe('moving the data from the console', () => {
  let h: Harness;
  let token: string;
  beforeAll(async () => {
    h = await startHarness({ envText: 'HOST=127.0.0.1\n' });
    token = await setupAndLogin(h);
    await h.store.importRows('shop', loadRows('bootstrap-rows.json'));
  }, 120_000);
  afterAll(async () => h?.close(), 120_000);

  it('answers what it can check at once: an incomplete target, a MySQL that does not answer, the store in use', async () => {
    const incomplete = await call<{ error: { code: string } }>(h, 'POST', '/store/move', { token, body: { driver: 'mysql', host: '' } });
    expect(incomplete.status).toBe(422);
    const closed = await call<{ error: { code: string } }>(h, 'POST', '/store/move', {
      token, body: { driver: 'mysql', host: '127.0.0.1', port: 1, user: 'nobody', password: 'x', database: 'integram' },
    });
    expect(closed.status).toBe(422);
    expect(closed.body.error.code).toBe('unreachable');
    const same = await call<{ error: { code: string } }>(h, 'POST', '/store/move', { token, body: { driver: 'embedded' } });
    expect(same.status).toBe(409);
    expect(same.body.error.code).toBe('same_store');
    expect(h.paused()).toBeNull();
  });

  it('refuses store settings whose MySQL does not answer, and writes nothing', async () => {
    const before = readFileSync(h.envFile, 'utf8');
    const answer = await call<{ error: { code: string; fields: Record<string, string> } }>(h, 'PUT', '/settings', {
      token, body: { values: { DB_HOST: '127.0.0.1', DB_PORT: '1', DB_USER: 'nobody' } },
    });
    expect(answer.status).toBe(422);
    expect(answer.body.error.fields.DB_HOST).toMatch(/cannot connect/);
    expect(readFileSync(h.envFile, 'utf8')).toBe(before);
  });

  describe.skipIf(!TEST_MYSQL_URL)('with MariaDB', () => {
    it('asks before switching to another store while this one holds databases, and switches when confirmed', async () => {
      const target = privateSchemaOptions('mvs');
      try {
        const values = { DB_HOST: target.host, DB_PORT: String(target.port), DB_USER: target.user, DB_PASSWORD: target.password, DB_NAME: target.database };
        const asked = await call<{ error: { code: string } }>(h, 'PUT', '/settings', { token, body: { values } });
        expect(asked.status).toBe(409);
        expect(asked.body.error.code).toBe('store_change');
        expect(readFileSync(h.envFile, 'utf8')).not.toContain('DB_HOST');
        const confirmed = await call(h, 'PUT', '/settings', { token, body: { values, confirmStoreChange: true } });
        expect(confirmed.status).toBe(200);
        expect(readFileSync(h.envFile, 'utf8')).toContain(`DB_NAME=${target.database}`);
        // back to the embedded store for the next test
        const back = await call(h, 'PUT', '/settings', { token, body: { values: { DB_HOST: null, DB_PORT: null, DB_USER: null, DB_PASSWORD: null, DB_NAME: null }, confirmStoreChange: true } });
        expect(back.status).toBe(200);
      } finally {
        await dropSchema(target).catch(() => undefined);
      }
    }, 60_000);

    it('moves every database to MariaDB as a job, keeps the data API paused until the restart, and points .env at the copy', async () => {
      const target = privateSchemaOptions('mvj');
      try {
        const started = await call<{ job: JobProgress }>(h, 'POST', '/store/move', {
          token, body: { driver: 'mysql', host: target.host, port: target.port, user: target.user, password: target.password, database: target.database },
        });
        expect(started.status).toBe(202);
        const done = await finished(h, token, started.body.job);
        expect(done.state, done.message).toBe('done');
        expect(done.result).toMatchObject({ restartRequired: true, documents: expect.any(Number) });
        expect(JSON.stringify(done.result)).not.toContain(target.password || 'no-password-given');
        expect(h.paused()).toMatch(/moved to/);
        expect(readFileSync(h.envFile, 'utf8')).toContain(`DB_NAME=${target.database}`);
        const copy = await openStore({ mysql: target });
        try {
          expect((await copy.listDatabases()).sort()).toEqual((await h.store.listDatabases()).sort());
          expect(await copy.exportRows('shop')).toEqual(await h.store.exportRows('shop'));
        } finally {
          await copy.close();
        }
      } finally {
        await dropSchema(target).catch(() => undefined);
      }
    }, 120_000);
  });
});
