/**
 * The console admin while the database is away (MySQL down, or any store outage): login against the
 * copy of the password hash in the data folder, a session in memory, and the pages that need no
 * database (status, settings, logs, restart) usable; the data pages answer a clear 503.
 */
import { rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, call, setupAndLogin, startHarness, type Harness } from './harness.js';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

const copyFile = (harness: Harness) => path.join(harness.dataDir, 'secrets', 'console-admin.json');

describe('console admin login while the database is unavailable', () => {
  it('logs in against the copy in the data folder, reaches settings and status, and gets a clear 503 for data', async () => {
    h = await startHarness();
    await setupAndLogin(h);
    // the first-run setup left the copy, readable by its owner only
    expect(statSync(copyFile(h)).mode & 0o777).toBe(0o600);

    h.setStoreAvailable(false);
    // the console's first question still has an answer: setup is done, so show the login
    const setup = await call<{ adminExists: boolean }>(h, 'GET', '/setup');
    expect(setup.status).toBe(200);
    expect(setup.body.adminExists).toBe(true);

    expect((await call(h, 'POST', '/login', { body: { password: 'not-the-password' } })).status).toBe(401);
    const login = await call<{ token: string }>(h, 'POST', '/login', { body: { password: ADMIN_PASSWORD } });
    expect(login.status).toBe(200);
    const token = login.body.token;
    expect((await call(h, 'GET', '/settings', { token })).status).toBe(200);
    expect((await call(h, 'GET', '/status', { token })).status).toBe(200);
    expect((await call(h, 'GET', '/logs', { token })).status).toBe(200);
    const data = await call<{ error: { code: string; message: string } }>(h, 'GET', '/databases', { token });
    expect(data.status).toBe(503);
    expect(data.body.error.code).toBe('store_unavailable');
    expect(data.body.error.message).toMatch(/Health page says why, and Settings can change the database settings/);
    // without a session nothing more is open than before
    expect((await call(h, 'GET', '/settings')).status).toBe(401);

    // the database back: the session made meanwhile still works on this instance, until logout
    h.setStoreAvailable(true);
    expect((await call(h, 'GET', '/databases', { token })).status).toBe(200);
    expect((await call(h, 'POST', '/logout', { token })).status).toBe(200);
    expect((await call(h, 'GET', '/settings', { token })).status).toBe(401);
  }, 120_000); // each harness opens a new embedded store (initdb)

  it('throttles wrong passwords per address, and without a copy says what to do', async () => {
    h = await startHarness();
    await setupAndLogin(h);
    h.setStoreAvailable(false);
    for (let i = 0; i < 5; i++) expect((await call(h, 'POST', '/login', { body: { password: `wrong-${i}-password` } })).status).toBe(401);
    const throttled = await call(h, 'POST', '/login', { body: { password: ADMIN_PASSWORD } });
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);

    // an install from before the copy: none in the data folder
    await h.close();
    h = await startHarness();
    await setupAndLogin(h);
    rmSync(copyFile(h));
    h.setStoreAvailable(false);
    const noCopy = await call<{ error: { code: string; message: string } }>(h, 'POST', '/login', { body: { password: ADMIN_PASSWORD } });
    expect(noCopy.status).toBe(503);
    expect(noCopy.body.error.message).toMatch(/no copy of the admin password yet/);
    // the next login the database answers writes it again
    h.setStoreAvailable(true);
    expect((await call(h, 'POST', '/login', { body: { password: ADMIN_PASSWORD } })).status).toBe(200);
    expect(statSync(copyFile(h)).mode & 0o777).toBe(0o600);
    h.setStoreAvailable(false);
    expect((await call(h, 'POST', '/login', { body: { password: ADMIN_PASSWORD } })).status).toBe(200);
  }, 120_000);
});
