/**
 * POST /api/admin/password: the console admin changes the password. The current one is checked (a
 * wrong one is a 403 with a code, the session stays), the new one by the setup rule (422 with a field
 * code), and afterwards only the new password signs in, every other session has ended and the
 * caller's new session works. Errors carry codes and params in the admin envelope.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, call, setupAndLogin, startHarness, type Harness, useSharedPglite } from './harness.js';

const sharedStore = useSharedPglite();

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

type ErrorBody = { error: { code: string; message: string; params?: Record<string, unknown>; fieldCodes?: Record<string, { code: string; params?: Record<string, unknown> }> } };

describe('admin password change', () => {
  it('checks the current password and the rule, then ends every other session', async () => {
    h = await startHarness({ store: sharedStore() });
    const token = await setupAndLogin(h);
    const other = (await call<{ token: string }>(h, 'POST', '/login', { body: { password: ADMIN_PASSWORD } })).body.token;
    const next = 'a new long office password';

    const wrong = await call<ErrorBody>(h, 'POST', '/password', { token, body: { current: 'not it', next } });
    expect(wrong.status).toBe(403);
    expect(wrong.body.error.code).toBe('bad_password');
    expect((await call(h, 'GET', '/status', { token })).status).toBe(200);

    const weak = await call<ErrorBody>(h, 'POST', '/password', { token, body: { current: ADMIN_PASSWORD, next: 'short' } });
    expect(weak.status).toBe(422);
    expect(weak.body.error.code).toBe('weak_password');
    expect(weak.body.error.fieldCodes).toEqual({ next: { code: 'password_too_short', params: { min: '8' } } });

    const malformed = await call<ErrorBody>(h, 'POST', '/password', { token, body: { next } });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('invalid_request');

    const changed = await call<{ token: string }>(h, 'POST', '/password', { token, body: { current: ADMIN_PASSWORD, next } });
    expect(changed.status).toBe(200);
    expect((await call(h, 'GET', '/status', { token: changed.body.token })).status).toBe(200);
    expect((await call(h, 'GET', '/status', { token: other })).status).toBe(401);
    expect((await call(h, 'POST', '/login', { body: { password: ADMIN_PASSWORD } })).status).toBe(401);
    expect((await call(h, 'POST', '/login', { body: { password: next } })).status).toBe(200);
  });

  it('answers a missing database with a code and a missing route with not_found', async () => {
    h = await startHarness({ store: sharedStore() });
    const token = await setupAndLogin(h);
    const missing = await call<ErrorBody>(h, 'GET', '/databases/nosuchdb/export', { token });
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({ code: 'database_not_found', params: { name: 'nosuchdb' } });
    const route = await call<ErrorBody>(h, 'GET', '/no-such-route', { token });
    expect(route.body.error.code).toBe('not_found');
  });
});
