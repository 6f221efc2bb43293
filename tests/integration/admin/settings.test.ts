import { readFileSync, readdirSync, statSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { SettingsView } from '../../../server/http/admin/contract.js';
import { SECRET_PLACEHOLDER } from '../../../server/appliance/settings.js';
import { call, createAdminAndLogin, setupAndLogin, startHarness, type Harness, useSharedPglite } from './harness.js';

const sharedStore = useSharedPglite();
let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

const ENV_TEXT = `# Integram appliance settings (hand-written)
PORT=8081

# the database
DB_PASSWORD=s3cret-db-pw
SERVER_NAME=crm.example.org
BACKUP_KEEP=5
# a setting older versions had: not one now, kept as it is
TEMP_DIR=/tmp/integram-old
`;

function field(view: SettingsView, key: string) {
  const f = view.fields.find((x) => x.key === key);
  if (!f) throw new Error(`no field ${key}`);
  return f;
}

describe('admin API: settings', () => {
  it('reads every setting of the schema with secrets masked', async () => {
    h = await startHarness({ envText: ENV_TEXT, store: sharedStore() });
    const token = await createAdminAndLogin(h);
    const r = await call<SettingsView>(h, 'GET', '/settings', { token });
    expect(r.status).toBe(200);
    const { SETTING_KEYS } = await import('../../../server/config/schema.js');
    expect(r.body.fields.map((f) => f.key).sort()).toEqual([...SETTING_KEYS].sort());
    expect(r.body.envFile).toBe(h.envFile);
    expect(field(r.body, 'DB_PASSWORD')).toMatchObject({ secret: true, value: SECRET_PLACEHOLDER, source: 'file' });
    expect(JSON.stringify(r.body)).not.toContain('s3cret-db-pw');
    expect(field(r.body, 'SERVER_NAME')).toMatchObject({ value: 'crm.example.org', source: 'file', group: 'server' });
    // a key the schema no longer has is not a field of the form
    expect(r.body.fields.some((f) => f.key === 'TEMP_DIR')).toBe(false);
    expect(field(r.body, 'SMTP_PASSWORD')).toMatchObject({ secret: true, group: 'mail', value: null });
    expect(field(r.body, 'PORT')).toMatchObject({ kind: 'number', value: '8081', defaultValue: '8081' });
    expect(field(r.body, 'LOG_LEVEL')).toMatchObject({ kind: 'enum', source: 'default', value: null });
    expect(field(r.body, 'LOG_LEVEL').enumValues).toContain('debug');
    expect(field(r.body, 'HTTPS_ENABLED').kind).toBe('boolean');
    expect(field(r.body, 'BACKUP_SCHEDULE')).toMatchObject({ kind: 'cron', restartRequired: false });
    expect(field(r.body, 'NODE_ENV')).toMatchObject({ source: 'env', value: 'test' });
    // a generated secret is reported as set (masked), never shown
    expect(field(r.body, 'JWT_SECRET')).toMatchObject({ source: 'generated', value: SECRET_PLACEHOLDER });
  });

  it('round trip: writes known keys atomically, keeps comments/order, leaves masked secrets unchanged', async () => {
    h = await startHarness({ envText: ENV_TEXT, store: sharedStore() });
    const token = await createAdminAndLogin(h);
    const view = (await call<SettingsView>(h, 'GET', '/settings', { token })).body;
    // send the whole form back as the console does, with two edits
    const before = statSync(h.envFile);
    const values: Record<string, string | null> = {};
    for (const f of view.fields) if (f.value !== null && f.source === 'file') values[f.key] = f.value;
    values.SERVER_NAME = 'crm.example.com';
    values.LOG_LEVEL = 'debug';
    const put = await call<{ ok: boolean; restartRequired: boolean }>(h, 'PUT', '/settings', { token, body: { values } });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ ok: true, restartRequired: true });

    const text = readFileSync(h.envFile, 'utf8');
    expect(text).toBe(`# Integram appliance settings (hand-written)
PORT=8081

# the database
DB_PASSWORD=s3cret-db-pw
SERVER_NAME=crm.example.com
BACKUP_KEEP=5
# a setting older versions had: not one now, kept as it is
TEMP_DIR=/tmp/integram-old
LOG_LEVEL=debug
`);
    // previous version kept, no temp files left behind
    expect(readFileSync(`${h.envFile}.bak`, 'utf8')).toBe(ENV_TEXT);
    expect(readdirSync(h.dataDir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    // replaced by rename (a new inode), never rewritten in place; permissions kept
    const after = statSync(h.envFile);
    expect(after.ino).not.toBe(before.ino);
    expect(after.mode & 0o777).toBe(before.mode & 0o777);

    const again = (await call<SettingsView>(h, 'GET', '/settings', { token })).body;
    expect(field(again, 'SERVER_NAME').value).toBe('crm.example.com');
    expect(field(again, 'LOG_LEVEL')).toMatchObject({ value: 'debug', source: 'file' });
    const status = await call<{ restartRequired: boolean }>(h, 'GET', '/status', { token });
    expect(status.body.restartRequired).toBe(true);

    // null removes the key (back to the default); a new secret value replaces the old one
    await call(h, 'PUT', '/settings', { token, body: { values: { LOG_LEVEL: null, DB_PASSWORD: 'new-pw' } } });
    const text2 = readFileSync(h.envFile, 'utf8');
    expect(text2).not.toMatch(/LOG_LEVEL/);
    expect(text2).toMatch(/^DB_PASSWORD=new-pw$/m);
  });

  it('a validation error leaves the file unchanged and names the field', async () => {
    h = await startHarness({ envText: ENV_TEXT, store: sharedStore() });
    const token = await createAdminAndLogin(h);
    const bad = { values: { PORT: 'eighty', LOG_LEVEL: 'loud', NO_SUCH_SETTING: 'x', TEMP_DIR: '/tmp/x', SERVER_NAME: 'changed.example' } };
    type Coded = Record<string, { code: string; params?: Record<string, string | number> }>;
    const validate = await call<{ ok: boolean; fields: Record<string, string>; codes: Coded }>(h, 'POST', '/settings/validate', { token, body: bad });
    expect(validate.status).toBe(200);
    expect(validate.body.ok).toBe(false);
    expect(validate.body.fields.PORT).toMatch(/whole number/);
    expect(validate.body.fields.LOG_LEVEL).toBeTruthy();
    expect(validate.body.fields.NO_SUCH_SETTING).toBe('unknown setting');
    expect(validate.body.fields.TEMP_DIR).toBe('unknown setting');
    expect(validate.body.fields.SERVER_NAME).toBeUndefined();
    // the same problems as codes the console says in its language
    expect(validate.body.codes.PORT).toEqual({ code: 'expected_whole_number' });
    expect(validate.body.codes.NO_SUCH_SETTING).toEqual({ code: 'unknown_setting' });
    expect(validate.body.codes.LOG_LEVEL.code).toBe('expected_choice');

    const put = await call<{ error: { code: string; fields: Record<string, string>; fieldCodes: Coded } }>(h, 'PUT', '/settings', { token, body: bad });
    expect(put.status).toBe(422);
    expect(put.body.error.code).toBe('invalid_settings');
    expect(put.body.error.fields.PORT).toBeTruthy();
    expect(put.body.error.fieldCodes.PORT).toEqual({ code: 'expected_whole_number' });
    expect(readFileSync(h.envFile, 'utf8')).toBe(ENV_TEXT);

    const good = await call<{ ok: boolean; fields: Record<string, string> }>(h, 'POST', '/settings/validate', { token, body: { values: { PORT: '9090' } } });
    expect(good.body).toEqual({ ok: true, fields: {}, codes: {} });
    expect(readFileSync(h.envFile, 'utf8')).toBe(ENV_TEXT);
  });

  it('BACKUP_SCHEDULE and BACKUP_KEEP apply at once, without a restart', async () => {
    h = await startHarness({ envText: ENV_TEXT, store: sharedStore() });
    const token = await createAdminAndLogin(h);
    const put = await call<{ ok: boolean; restartRequired: boolean }>(h, 'PUT', '/settings', {
      token, body: { values: { BACKUP_SCHEDULE: '30 2 * * 0', BACKUP_KEEP: '7' } },
    });
    expect(put.body).toEqual({ ok: true, restartRequired: false });
    expect(h.policy).toEqual({ schedule: '30 2 * * 0', keep: 7 });
    const jobs = await call<{ jobs: Array<{ name: string; schedule: string | null; nextRunAt: string | null }> }>(h, 'GET', '/jobs', { token });
    const backup = jobs.body.jobs.find((j) => j.name === 'backup');
    expect(backup?.schedule).toBe('30 2 * * 0');
    expect(new Date(backup?.nextRunAt ?? 0).getDay()).toBe(0);
    const bad = await call(h, 'PUT', '/settings', { token, body: { values: { BACKUP_SCHEDULE: 'every day' } } });
    expect(bad.status).toBe(422);
  });
});

describe('LAN mode needs an admin password', () => {
  it('the shared rule refuses HOST=0.0.0.0 without an admin and allows loopback', async () => {
    const { lanModeRefusal, checkLanMode } = await import('../../../server/appliance/lan-rule.js');
    expect(lanModeRefusal('0.0.0.0', false)).toMatch(/admin password/);
    expect(lanModeRefusal('192.168.1.20', false)).toMatch(/admin password/);
    expect(lanModeRefusal('0.0.0.0', true)).toBeNull();
    expect(lanModeRefusal('127.0.0.1', false)).toBeNull();
    expect(lanModeRefusal('localhost', false)).toBeNull();
    h = await startHarness({ store: sharedStore() });
    expect(await checkLanMode('0.0.0.0', h.store.appliance)).toMatch(/admin password/);
    await setupAndLogin(h);
    expect(await checkLanMode('0.0.0.0', h.store.appliance)).toBeNull();
  });

  it('the settings validation applies it when no admin exists', async () => {
    const { validateSettings } = await import('../../../server/appliance/settings.js');
    h = await startHarness({ envText: ENV_TEXT, store: sharedStore() });
    const ctx = { envFile: h.envFile, env: { DATA_DIR: h.dataDir, NODE_ENV: 'test' }, cwd: h.dataDir };
    const without = await validateSettings(ctx, { HOST: '0.0.0.0' }, { adminExists: false });
    expect(without.ok).toBe(false);
    expect(without.fields.HOST).toMatch(/admin password/);
    expect(without.codes.HOST).toEqual({ code: 'lan_needs_password', params: { host: '0.0.0.0' } });
    const withAdmin = await validateSettings(ctx, { HOST: '0.0.0.0' }, { adminExists: true });
    expect(withAdmin).toEqual({ ok: true, fields: {}, codes: {} });
  });
});
