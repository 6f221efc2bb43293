import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import type { BackupInfo, JobInfo, JobProgress } from '../../../server/http/admin/contract.js';
import { applyRetention, backupsDir, createBackup, listBackups, restoreBackup, verifyBackup } from '../../../server/appliance/backups.js';
import { call, createAdminAndLogin, startHarness, waitForJob, type Harness, useSharedPglite } from './harness.js';
import { readStoredSecret } from '../../../server/config/secrets.js';
import { legacyPasswordHash } from '../../../server/engine/index.js';
import { PASSWORD, USER } from '../../../server/engine/ids.js';

const MYSQL_URL = process.env.TEST_MYSQL_URL;
if (!MYSQL_URL) console.log('admin backup tests on MySQL SKIPPED: TEST_MYSQL_URL is not set');

const sharedStore = useSharedPglite();
let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

const TEMPLATE = JSON.parse(readFileSync(path.resolve('resources/templates/en.json'), 'utf8')) as { rows: unknown[] };

function backupRoundTrip(label: string, mysqlUrl: string | undefined) {
  it(`${label}: backup -> change data -> restore through the API brings the data back`, async () => {
    h = await startHarness(mysqlUrl ? { mysqlUrl } : { store: sharedStore() });
    const token = await createAdminAndLogin(h);
    expect((await call(h, 'POST', '/databases', { token, body: { name: 'shop', template: 'en', adminLogin: 'boss', adminPassword: 'Shop-pass-1' } })).status).toBe(201);
    const shop = h.store.tenant('shop');
    const recordId = await shop.insert({ up: 1, ord: 1, t: 18, val: 'before-backup' });

    const run = await call<{ job: JobProgress }>(h, 'POST', '/backups', { token });
    expect(run.status).toBe(202);
    expect(run.body.job).toMatchObject({ name: 'backup', state: 'running' });
    const done = await waitForJob(h, token, run.body.job.id);
    expect(done).toMatchObject({ state: 'done', percent: 100 });
    const list = await call<{ backups: BackupInfo[]; schedule: string | null; keep: number }>(h, 'GET', '/backups', { token });
    expect(list.body.backups).toHaveLength(1);
    const backup = list.body.backups[0];
    expect(backup).toMatchObject({ kind: 'manual', driver: mysqlUrl ? 'mysql' : 'pglite', databases: ['shop'] });
    expect(backup.sizeBytes).toBeGreaterThan(0);
    expect(list.body.keep).toBe(3);

    // change the data: edit a row, add one, create another database
    await shop.update(recordId, { val: 'changed-after-backup' });
    await shop.insert({ up: 1, ord: 2, t: 18, val: 'added-after-backup' });
    await call(h, 'POST', '/databases', { token, body: { name: 'later', template: 'ru', adminLogin: 'boss', adminPassword: 'Later-pass-1' } });
    const exportedBefore = await h.store.exportRows('shop');

    expect((await call(h, 'POST', `/backups/${backup.id}/restore`, { token, body: {} })).status).toBe(400);
    const restore = await call<{ job: JobProgress }>(h, 'POST', `/backups/${backup.id}/restore`, { token, body: { confirm: true } });
    expect(restore.status).toBe(202);
    const restored = await waitForJob(h, token, restore.body.job.id);
    expect(restored.state, restored.message).toBe('done');

    const rows = await h.store.exportRows('shop');
    expect(rows.find((r) => r.id === recordId)?.val).toBe('before-backup');
    expect(rows.some((r) => r.val === 'added-after-backup')).toBe(false);
    // the template, its first user (4 rows: user, password, role, date) and the row added before the backup
    expect(rows).toHaveLength(TEMPLATE.rows.length + 4 + 1);
    // databases created after the backup are kept (documented decision)
    expect(await h.store.databaseExists('later')).toBe(true);

    // the state before the restore was saved first
    const after = await call<{ backups: BackupInfo[] }>(h, 'GET', '/backups', { token });
    const pre = after.body.backups.find((b) => b.kind === 'pre-restore');
    expect(pre?.databases.sort()).toEqual(['later', 'shop']);
    const preRows = await readBackupRows(h, pre!.id, 'shop');
    expect(preRows.length).toBe(exportedBefore.length);
    expect(preRows.some((r) => r[4] === 'changed-after-backup')).toBe(true);

    // ids continue after the restored maximum (no reuse of ids)
    const nextId = await shop.insert({ up: 1, ord: 3, t: 18, val: 'after-restore' });
    expect(nextId).toBeGreaterThan(recordId);

    expect((await call(h, 'DELETE', `/backups/${backup.id}`, { token })).status).toBe(204);
    expect((await call(h, 'DELETE', `/backups/${backup.id}`, { token })).status).toBe(404);
    expect((await call(h, 'POST', `/backups/${backup.id}/restore`, { token, body: { confirm: true } })).status).toBe(404);
    expect((await call(h, 'DELETE', '/backups/..%2F..%2Fetc', { token })).status).toBe(404);
  });
}

/** the database's file-manager folders (DATA_DIR/templates/<db>, UPLOAD_DIR/<db> at any depth) travel in the backup */
function folderRoundTrip(label: string, mysqlUrl: string | undefined) {
  it(`${label}: a database's template folder and every file of its upload folder are backed up and restored; a bad path in an archive is refused`, async () => {
    h = await startHarness(mysqlUrl ? { mysqlUrl } : { store: sharedStore() });
    await h.store.createDatabase('folderdb', [{ id: 1, up: 0, ord: 0, t: 1, val: 'FREE_LINK' }]);
    const roots = { uploadDir: path.join(h.dataDir, 'uploads'), templateFolders: path.join(h.dataDir, 'templates') };
    const files: Array<[string, string]> = [
      [path.join(roots.templateFolders, 'folderdb', 'main.html'), '<b>главная</b>'],
      [path.join(roots.templateFolders, 'folderdb', 'forms', 'deep', 'invoice.html'), 'invoice'],
      [path.join(roots.uploadDir, 'folderdb', 'top.txt'), 'at the top of the download folder'],
      [path.join(roots.uploadDir, 'folderdb', '1abcdef12', '025deadbeef.txt'), 'a FILE cell'],
      [path.join(roots.uploadDir, 'folderdb', 'docs', 'a', 'b.txt'), 'nested'],
    ];
    for (const [file, text] of files) {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, text);
    }
    const manifest = await createBackup(h.store, backupsDir(h.dataDir), { kind: 'manual', ...roots });
    // every file once in the archive: the FILE cell in `files`, the rest in `folderFiles`
    const archive = path.join(backupsDir(h.dataDir), manifest.file);
    const lines = gunzipSync(readFileSync(archive)).toString('utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { files?: string[][]; folderFiles?: string[][] });
    expect(lines.flatMap((l) => l.files ?? []).map((f) => f[0])).toEqual(['1abcdef12/025deadbeef.txt']);
    expect(lines.flatMap((l) => l.folderFiles ?? []).map((f) => `${f[0]}:${f[1]}`).sort()).toEqual([
      'download:docs/a/b.txt', 'download:top.txt', 'templates:forms/deep/invoice.html', 'templates:main.html',
    ]);
    for (const [file] of files) writeFileSync(file, 'changed after the backup');
    rmSync(path.join(roots.templateFolders, 'folderdb', 'forms'), { recursive: true });
    await restoreBackup(h.store, backupsDir(h.dataDir), manifest.id, roots);
    for (const [file, text] of files) expect(readFileSync(file, 'utf8')).toBe(text);

    // an entry that would leave the folder makes the archive damaged; nothing is written from it
    rewriteArchive(h, manifest, (text) => text.replace('"forms/deep/invoice.html"', '"../../../evil.html"'));
    await expect(restoreBackup(h.store, backupsDir(h.dataDir), manifest.id, roots)).rejects.toThrow(/bad file entry/);
    expect(readdirSync(h.dataDir)).not.toContain('evil.html');
  });
}

/** changes an archive's text and signs the manifest again (so only the content check can refuse it) */
function rewriteArchive(hh: Harness, manifest: { id: string; file: string }, edit: (text: string) => string): void {
  const archive = path.join(backupsDir(hh.dataDir), manifest.file);
  writeFileSync(archive, gzipSync(edit(gunzipSync(readFileSync(archive)).toString('utf8'))));
  const json = path.join(backupsDir(hh.dataDir), `${manifest.id}.json`);
  const m = JSON.parse(readFileSync(json, 'utf8')) as { sha256: string };
  m.sha256 = createHash('sha256').update(readFileSync(archive)).digest('hex');
  writeFileSync(json, JSON.stringify(m));
}

async function readBackupRows(hh: Harness, id: string, db: string): Promise<unknown[][]> {
  const file = path.join(backupsDir(hh.dataDir), `${id}.jsonl.gz`);
  const lines = gunzipSync(readFileSync(file)).toString('utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { db?: string; rows?: unknown[][] });
  return lines.filter((l) => l.db === db).flatMap((l) => l.rows ?? []);
}

describe('backups (embedded PGlite)', () => {
  backupRoundTrip('pglite', undefined);
  folderRoundTrip('pglite', undefined);

  it('retention keeps BACKUP_KEEP backups per kind; damaged archives are refused', async () => {
    h = await startHarness({ store: sharedStore() });
    await h.store.createDatabase('alpha', []);
    await h.store.tenant('alpha').insert({ up: 0, ord: 0, t: 3, val: 'SHORT' });
    const dir = backupsDir(h.dataDir);
    const made: string[] = [];
    for (let i = 0; i < 5; i++) {
      made.push((await createBackup(h.store, dir, { kind: 'scheduled', now: new Date(Date.UTC(2026, 0, 1 + i)) })).id);
    }
    const manual = await createBackup(h.store, dir, { kind: 'manual' });
    const deleted = await applyRetention(dir, 3);
    expect(deleted.sort()).toEqual(made.slice(0, 2).sort());
    const left = await listBackups(dir);
    expect(left.map((b) => b.id)).toEqual([manual.id, ...made.slice(2).reverse()]);
    // the files of deleted backups are gone too
    expect(readdirSync(dir).filter((n) => deleted.some((id) => n.startsWith(id)))).toEqual([]);

    // leftovers of a crashed backup are cleaned up once they are old
    const { utimesSync } = await import('node:fs');
    const partial = path.join(dir, '20250101T000000000Z-manual-aaaaaa.jsonl.gz.partial');
    const orphan = path.join(dir, '20250101T000000000Z-manual-bbbbbb.jsonl.gz');
    const fresh = path.join(dir, '20250101T000000000Z-manual-cccccc.jsonl.gz.partial');
    for (const f of [partial, orphan, fresh]) writeFileSync(f, 'x');
    const old = new Date(Date.now() - 7 * 3600 * 1000);
    utimesSync(partial, old, old);
    utimesSync(orphan, old, old);
    await applyRetention(dir, 3);
    expect(readdirSync(dir).filter((n) => n.startsWith('2025'))).toEqual([path.basename(fresh)]);

    // a corrupted archive fails verification and a restore leaves the data alone
    const victim = left[1];
    const file = path.join(dir, `${victim.id}.jsonl.gz`);
    const bytes = readFileSync(file);
    bytes[bytes.length - 10] ^= 0xff;
    writeFileSync(file, bytes);
    await expect(verifyBackup(dir, victim.id)).rejects.toThrow(/checksum/);
    await expect(restoreBackup(h.store, dir, victim.id)).rejects.toThrow(/checksum/);
    expect(await h.store.exportRows('alpha')).toHaveLength(1);
  });

  it('jobs list shows schedule, last and next run; run now records the result', async () => {
    h = await startHarness({ store: sharedStore() });
    const token = await createAdminAndLogin(h);
    const before = await call<{ jobs: JobInfo[] }>(h, 'GET', '/jobs', { token });
    const backupJob = before.body.jobs.find((j) => j.name === 'backup');
    expect(backupJob).toMatchObject({ schedule: '0 3 * * *', lastRunAt: null, lastResult: null });
    expect(new Date(backupJob!.nextRunAt!).getTime()).toBeGreaterThan(Date.now());
    expect(new Date(backupJob!.nextRunAt!).getHours()).toBe(3);
    expect(before.body.jobs.map((j) => j.name).sort()).toEqual(['backup', 'cleanup', 'pull', 'restore', 'store-move']);

    const run = await call<{ job: JobProgress }>(h, 'POST', '/jobs/cleanup/run', { token });
    expect(run.status).toBe(202);
    const done = await waitForJob(h, token, run.body.job.id);
    expect(done.state).toBe('done');
    expect(done.message).toMatch(/expired record/);
    const after = await call<{ jobs: JobInfo[] }>(h, 'GET', '/jobs', { token });
    const cleanup = after.body.jobs.find((j) => j.name === 'cleanup');
    expect(cleanup?.lastResult).toBe('ok');
    expect(new Date(cleanup!.lastRunAt!).getTime()).toBeLessThanOrEqual(Date.now());
    // the run record is in the appliance store, so other instances see it
    expect((await h.store.appliance.get('job-run', run.body.job.id))?.body).toMatchObject({ state: 'done' });

    expect((await call(h, 'POST', '/jobs/nope/run', { token })).status).toBe(404);
    expect((await call(h, 'POST', '/jobs/restore/run', { token })).status).toBe(400);
    expect((await call(h, 'GET', '/jobs/no-such-run', { token })).status).toBe(404);
  });

  it('a job whose lock another instance holds is reported, not run twice', async () => {
    h = await startHarness({ store: sharedStore() });
    const token = await createAdminAndLogin(h);
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => { release = resolve; });
    const holder = h.store.withLock('job:cleanup', () => held);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const run = await call<{ job: JobProgress }>(h, 'POST', '/jobs/cleanup/run', { token });
    const done = await waitForJob(h, token, run.body.job.id);
    release();
    await holder;
    expect(done.state).toBe('failed');
    expect(done.message).toMatch(/already running/);
    expect(done.step).toEqual({ code: 'job_already_running' });
    const jobs = await call<{ jobs: JobInfo[] }>(h, 'GET', '/jobs', { token });
    expect(jobs.body.jobs.find((j) => j.name === 'cleanup')?.lastResult).toBe('error');
  });
});

describe('backups that move to a new machine (AUTH_SALT)', () => {
  /** harnesses of this test: the old server and new ones on other data folders */
  const opened: Harness[] = [];
  afterEach(async () => {
    for (const harness of opened.splice(0)) await harness.close();
  });

  it('a backup carries the salt; restored where the salt differs, the admin chooses, and adopting it keeps the logins working', async () => {
    const OLD_SALT = 'salt-of-the-old-server';
    const old = await startHarness({ authSalt: OLD_SALT });
    opened.push(old);
    const oldToken = await createAdminAndLogin(old);
    expect((await call(old, 'POST', '/databases', { token: oldToken, body: { name: 'shop', template: 'en', adminLogin: 'boss', adminPassword: 'Shop-pass-1' } })).status).toBe(201);
    const run = await call<{ job: JobProgress }>(old, 'POST', '/backups', { token: oldToken });
    expect((await waitForJob(old, oldToken, run.body.job.id)).state).toBe('done');
    const [made] = (await call<{ backups: BackupInfo[] }>(old, 'GET', '/backups', { token: oldToken })).body.backups;
    expect(made.saltMatches).toBe(true);
    // the salt travels inside the archive, which only its owner may read
    const files = readdirSync(backupsDir(old.dataDir));
    const archive = path.join(backupsDir(old.dataDir), files.find((f) => f.endsWith('.jsonl.gz'))!);
    expect(JSON.parse(gunzipSync(readFileSync(archive)).toString('utf8').split('\n')[0]).authSalt).toBe(OLD_SALT);
    expect(statSync(archive).mode & 0o777).toBe(0o600);

    // a new machine: another data folder, a salt generated there
    const fresh = await startHarness();
    opened.push(fresh);
    const token = await createAdminAndLogin(fresh);
    mkdirSync(backupsDir(fresh.dataDir), { recursive: true });
    for (const file of files) copyFileSync(path.join(backupsDir(old.dataDir), file), path.join(backupsDir(fresh.dataDir), file));
    const [moved] = (await call<{ backups: BackupInfo[] }>(fresh, 'GET', '/backups', { token })).body.backups;
    expect(moved.saltMatches).toBe(false);
    const asked = await call<{ error: { code: string; message: string } }>(fresh, 'POST', `/backups/${moved.id}/restore`, { token, body: { confirm: true } });
    expect(asked.status).toBe(409);
    expect(asked.body.error.code).toBe('salt_differs');
    expect(asked.body.error.message).toMatch(/another AUTH_SALT/);
    expect(await fresh.store.databaseExists('shop')).toBe(false); // nothing restored yet

    const restore = await call<{ job: JobProgress }>(fresh, 'POST', `/backups/${moved.id}/restore`, { token, body: { confirm: true, applySalt: true } });
    expect(restore.status).toBe(202);
    const restored = await waitForJob(fresh, token, restore.body.job.id);
    expect(restored.state, restored.message).toBe('done');
    expect(restored.message).toMatch(/AUTH_SALT is written and applies after a restart/);
    expect(restored.step).toMatchObject({ code: 'restore_done_salt' });
    // the next start reads the old server's salt, with which boss's password hash was made
    expect(readStoredSecret(fresh.dataDir, 'auth-salt')?.value).toBe(OLD_SALT);
    expect(statSync(path.join(fresh.dataDir, 'secrets', 'auth-salt')).mode & 0o777).toBe(0o600);
    const shop = fresh.store.tenant('shop');
    const [boss] = await shop.find({ t: USER, val: 'boss' });
    const hash = (await shop.find({ up: boss.id, t: PASSWORD }))[0].val;
    expect(hash).toBe(legacyPasswordHash(OLD_SALT, 'shop', 'Shop-pass-1'));
    const status = await call<{ restartRequired: boolean }>(fresh, 'GET', '/status', { token });
    expect(status.body.restartRequired).toBe(true);
  }, 120_000);

  it('keeping this server\'s salt is a choice too; a salt set in the environment cannot be replaced from the console', async () => {
    const old = await startHarness({ authSalt: 'salt-one' });
    opened.push(old);
    const oldToken = await createAdminAndLogin(old);
    const run = await call<{ job: JobProgress }>(old, 'POST', '/backups', { token: oldToken });
    await waitForJob(old, oldToken, run.body.job.id);
    const files = readdirSync(backupsDir(old.dataDir));

    const pinned = await startHarness({ authSalt: 'salt-two', env: { AUTH_SALT: 'salt-two', NODE_ENV: 'test' } });
    opened.push(pinned);
    const token = await createAdminAndLogin(pinned);
    mkdirSync(backupsDir(pinned.dataDir), { recursive: true });
    for (const file of files) copyFileSync(path.join(backupsDir(old.dataDir), file), path.join(backupsDir(pinned.dataDir), file));
    const [moved] = (await call<{ backups: BackupInfo[] }>(pinned, 'GET', '/backups', { token })).body.backups;
    const refused = await call<{ error: { code: string } }>(pinned, 'POST', `/backups/${moved.id}/restore`, { token, body: { confirm: true, applySalt: true } });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('salt_in_environment');
    const kept = await call<{ job: JobProgress }>(pinned, 'POST', `/backups/${moved.id}/restore`, { token, body: { confirm: true, applySalt: false } });
    expect(kept.status).toBe(202);
    expect((await waitForJob(pinned, token, kept.body.job.id)).state).toBe('done');
    expect(readStoredSecret(pinned.dataDir, 'auth-salt')).toBeNull();
  }, 120_000);
});

describe.skipIf(!MYSQL_URL)('backups (MySQL/MariaDB)', () => {
  backupRoundTrip('mysql', MYSQL_URL);
  folderRoundTrip('mysql', MYSQL_URL);

  it('a backup taken on MySQL restores into PGlite (driver-independent format)', async () => {
    const source = await startHarness({ mysqlUrl: MYSQL_URL });
    try {
      await source.store.createDatabase('crossdb', [{ id: 1, up: 0, ord: 0, t: 1, val: 'FREE_LINK' }, { id: 200, up: 1, ord: 1, t: 1, val: 'Привет' }]);
      const manifest = await createBackup(source.store, backupsDir(source.dataDir), { kind: 'manual' });
      h = await startHarness({ store: sharedStore() });
      const { cpSync } = await import('node:fs');
      cpSync(backupsDir(source.dataDir), backupsDir(h.dataDir), { recursive: true });
      const result = await restoreBackup(h.store, backupsDir(h.dataDir), manifest.id);
      expect(result.restored).toEqual({ crossdb: 2 });
      expect(await h.store.exportRows('crossdb')).toEqual([
        { id: 1, up: 0, ord: 0, t: 1, val: 'FREE_LINK' }, { id: 200, up: 1, ord: 1, t: 1, val: 'Привет' },
      ]);
    } finally {
      await source.close();
    }
  });

  it('uploaded files (UPLOAD_DIR) are backed up and restored with their database; bad file paths in an archive are refused', async () => {
    h = await startHarness({ store: sharedStore() });
    await h.store.createDatabase('filedb', [{ id: 1, up: 0, ord: 0, t: 1, val: 'FREE_LINK' }]);
    const uploads = path.join(h.dataDir, 'uploads');
    const file = path.join(uploads, 'filedb', '1abcdef12', '025deadbeef.txt');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, 'kept bytes');
    const manifest = await createBackup(h.store, backupsDir(h.dataDir), { kind: 'manual', uploadDir: uploads });
    writeFileSync(file, 'changed after the backup');
    await restoreBackup(h.store, backupsDir(h.dataDir), manifest.id, { uploadDir: uploads });
    expect(readFileSync(file, 'utf8')).toBe('kept bytes');
    // an archive whose file entry leaves the folder is damaged, and nothing is written from it
    rewriteArchive(h, manifest, (text) => text.split('\n').filter(Boolean).map((l) => l.replace('"1abcdef12/025deadbeef.txt"', '"../../evil.txt"')).join('\n') + '\n');
    await expect(restoreBackup(h.store, backupsDir(h.dataDir), manifest.id, { uploadDir: uploads })).rejects.toThrow(/bad file entry/);
    expect(readdirSync(h.dataDir)).not.toContain('evil.txt');
  });
});

describe('backups that move as files (download, upload, a failed restore reverted)', () => {
  it('a downloaded backup uploads again (on a new machine) and restores; garbage and cut-off files are refused and leave nothing', async () => {
    h = await startHarness({ store: sharedStore() });
    const token = await createAdminAndLogin(h);
    if (await h.store.databaseExists('carry')) await h.store.dropDatabase('carry');
    await h.store.createDatabase('carry', [{ id: 1, up: 0, ord: 0, t: 3, val: 'SHORT' }, { id: 2, up: 1, ord: 1, t: 1, val: 'Склад — №1' }]);
    const run = await call<{ job: JobProgress }>(h, 'POST', '/backups', { token });
    expect((await waitForJob(h, token, run.body.job.id)).state).toBe('done');
    const [backup] = (await call<{ backups: BackupInfo[] }>(h, 'GET', '/backups', { token })).body.backups;
    const res = await fetch(`${h.url}/backups/${backup.id}/download`, { headers: { Authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${backup.id}.jsonl.gz"`);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.equals(readFileSync(path.join(backupsDir(h.dataDir), `${backup.id}.jsonl.gz`)))).toBe(true);

    // a new machine: its own data folder, the file brought along
    await h.close();
    h = await startHarness({ store: sharedStore() });
    const token2 = await createAdminAndLogin(h);
    const upload = (body: Buffer) => fetch(`${h!.url}/backups/upload`, {
      method: 'POST', body, headers: { Authorization: `Bearer ${token2}`, 'Content-Type': 'application/gzip', 'X-Requested-With': 'integram-console' },
    });
    const garbage = await upload(Buffer.from('not a backup'));
    expect(garbage.status).toBe(422);
    const cut = await upload(bytes.subarray(0, Math.floor(bytes.length / 2)));
    expect(cut.status).toBe(422);
    expect(readdirSync(backupsDir(h.dataDir)).filter((n) => n.startsWith('upload-'))).toEqual([]);
    const uploaded = await upload(bytes);
    expect(uploaded.status).toBe(201);
    const info = (await uploaded.json()) as BackupInfo;
    expect(info).toMatchObject({ kind: 'manual', databases: expect.arrayContaining(['carry']) });
    await h.store.tenant('carry').update(2, { val: 'changed after the backup' });
    const restore = await call<{ job: JobProgress }>(h, 'POST', `/backups/${info.id}/restore`, { token: token2, body: { confirm: true, applySalt: false } });
    expect(restore.status, JSON.stringify(restore.body)).toBe(202);
    expect((await waitForJob(h, token2, restore.body.job.id)).state).toBe('done');
    expect((await h.store.tenant('carry').get(2))?.val).toBe('Склад — №1');
  }, 120_000);

  it('a restore that fails half-way puts every database it touched back as it was', async () => {
    h = await startHarness({ store: sharedStore() });
    const token = await createAdminAndLogin(h);
    if (await h.store.databaseExists('carry')) await h.store.dropDatabase('carry');
    await h.store.createDatabase('carry', [{ id: 1, up: 0, ord: 0, t: 3, val: 'SHORT' }, { id: 2, up: 1, ord: 1, t: 1, val: 'kept' }]);
    const before = await h.store.exportRows('carry');
    // a complete archive whose second database cannot be written (two rows with one id)
    const lines = [
      { format: 'integram-appliance-backup', version: 1, createdAt: new Date().toISOString(), driver: 'pglite', kind: 'manual', databases: ['carry', 'zzbroken'] },
      { db: 'carry', rows: [[1, 0, 0, 3, 'SHORT'], [2, 1, 1, 1, 'from the backup']] },
      { db: 'zzbroken', rows: [[5, 0, 0, 3, 'a'], [5, 0, 0, 3, 'b']] },
      { end: true, rowCounts: { carry: 2, zzbroken: 2 } },
    ];
    const archive = gzipSync(Buffer.from(lines.map((l) => JSON.stringify(l)).join('\n') + '\n'));
    const uploaded = await fetch(`${h.url}/backups/upload`, {
      method: 'POST', body: archive, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/gzip', 'X-Requested-With': 'integram-console' },
    });
    expect(uploaded.status).toBe(201);
    const info = (await uploaded.json()) as BackupInfo;
    const restore = await call<{ job: JobProgress }>(h, 'POST', `/backups/${info.id}/restore`, { token, body: { confirm: true } });
    expect(restore.status, JSON.stringify(restore.body)).toBe(202);
    const done = await waitForJob(h, token, restore.body.job.id);
    expect(done.state).toBe('failed');
    expect(done.message).toMatch(/every database is as it was before/);
    expect(await h.store.exportRows('carry')).toEqual(before);
    expect(await h.store.databaseExists('zzbroken')).toBe(false);
  }, 120_000);
});
