/**
 * Backups of the tenant databases, the same for both drivers (MySQL and embedded PGlite).
 *
 * Format decision: a backup is the rows of every tenant database, exported through the storage
 * interface (`store.exportRows`), written as gzip-compressed JSON lines. It does not depend on the
 * driver, so a backup taken on PGlite restores into MySQL and back, and it can be restored while
 * the server runs (PGlite's `dumpDataDir()` would need the data folder swapped under a stopped
 * store). Each database is exported in one query, i.e. it is consistent per database, like the
 * PHP engine's own table dumps; there is no snapshot across databases.
 *
 * Appliance tables (admin account, sessions, job runs) are NOT in the backup: restoring an old
 * backup must not bring back an old admin password or revoked sessions.
 *
 * Files, under `${DATA_DIR}/backups/`:
 *   <id>.jsonl.gz  line 1: header {format, version, createdAt, driver, kind, databases}
 *                  then:   {"db": name, "rows": [[id, up, ord, t, val], ...]} (chunks)
 *                  last:   {"end": true, "rowCounts": {name: n}}   (a truncated file has no end line)
 *                  a database's FILE column uploads (UPLOAD_DIR/<db>/…) follow its rows as
 *                  {"db": name, "rows": [], "files": [[path, base64], ...]} (an older reader sees an
 *                  empty row chunk and restores the rows without the files)
 *                  the database's file-manager folders (dir_admin: DATA_DIR/templates/<db> and the
 *                  UPLOAD_DIR/<db> files not at `{folder}/{file}`) follow as
 *                  {"db": name, "rows": [], "folderFiles": [[root, path, base64], ...]}, root
 *                  `templates` or `download` (an older reader skips the key)
 *   <id>.json      the manifest (BackupInfo + file name, SHA-256, row counts), written last and
 *                  atomically: an archive without a manifest is an unfinished backup and not listed.
 *
 * Restore: takes a 'pre-restore' backup first, then replaces each database's rows atomically
 * (`importRows(db, rows, {replace: true})`); a database missing now is created. Databases created
 * after the backup are kept, not dropped: restoring must never destroy data the backup does not
 * hold (the pre-restore backup has it, but a silent drop would surprise the admin).
 */
import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import readline from 'node:readline';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { isRoutableDbName } from '../storage/db-names.js';
import type { DriverName, FolderRoot, Row, Store } from '../storage/types.js';
import { isPlainName } from '../storage/folders.js';
import { writeFileAtomic } from '../storage/atomic-file.js';
import { step, type StepProgress } from '../jobs/steps.js';

export const BACKUP_FORMAT = 'integram-appliance-backup';
export const BACKUP_FORMAT_VERSION = 1;
const CHUNK_ROWS = 5000;

export type BackupKind = 'manual' | 'scheduled' | 'pre-restore';
export const BACKUP_KINDS: readonly BackupKind[] = ['manual', 'scheduled', 'pre-restore'];

export interface BackupManifest {
  id: string;
  createdAt: string;
  sizeBytes: number;
  driver: DriverName;
  databases: string[];
  kind: BackupKind;
  format: typeof BACKUP_FORMAT;
  version: number;
  file: string;
  sha256: string;
  rowCounts: Record<string, number>;
  /**
   * which legacy salt the Integram password hashes in it were made with (saltFingerprint); the
   * salt itself travels inside the archive, which is written with mode 0600 like the secrets files
   */
  authSaltFingerprint?: string;
}

/**
 * Integram password hashes depend on AUTH_SALT: a backup restored on a server with another salt
 * would lock every user out. A fingerprint tells whether two salts are the same without showing either.
 */
export function saltFingerprint(salt: string): string {
  return createHash('sha256').update(`integram-appliance-salt:${salt}`).digest('hex').slice(0, 16);
}

/** Progress callback: percent 0..100 and a short message. */
export type ProgressFn = StepProgress;

const BACKUP_ID = /^\d{8}T\d{6}\d{3}Z-(manual|scheduled|pre-restore)-[0-9a-f]{6}$/;

export class BackupError extends Error {
  constructor(message: string, readonly code: 'not_found' | 'invalid' | 'corrupt' | 'busy') {
    super(message);
    this.name = 'BackupError';
  }
}

/**
 * The backup guard: one store lock taken by every backup and every restore (scheduled, from the
 * console, before deleting an organization), on every instance, so none of them reads a database
 * another is replacing. Taken inside the operations, so no caller can forget it.
 */
export const BACKUP_LOCK = 'backups';

async function guarded<T>(store: Store, fn: () => Promise<T>): Promise<T> {
  const outcome = await store.withLock(BACKUP_LOCK, async () => ({ value: await fn() }));
  if (outcome === null) throw new BackupError('another backup or restore is running; try again when it has finished', 'busy');
  return outcome.value;
}

export function backupsDir(dataDir: string): string {
  return path.join(dataDir, 'backups');
}

export function isBackupId(id: string): boolean {
  return BACKUP_ID.test(id);
}

function newBackupId(kind: BackupKind, now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('.', '');
  return `${stamp}-${kind}-${randomBytes(3).toString('hex')}`;
}

function archiveName(id: string): string {
  return `${id}.jsonl.gz`;
}

/** Writes a backup of every tenant database (under the backup guard); returns its manifest. */
export interface BackupOptions {
  kind: BackupKind;
  onProgress?: ProgressFn;
  now?: Date;
  /** the server's AUTH_SALT, carried in the archive so a restore on a new machine keeps logins working */
  authSalt?: string;
  /** UPLOAD_DIR: each database's uploaded files go into the archive with its rows */
  uploadDir?: string;
  /** DATA_DIR/templates: each database's template folder (dir_admin) goes into the archive with its rows */
  templateFolders?: string;
}

/** where a restore puts the files of the archive (a root not given: its files are not written) */
export interface BackupFileRoots {
  uploadDir?: string;
  templateFolders?: string;
}

export async function createBackup(store: Store, dir: string, options: BackupOptions): Promise<BackupManifest> {
  return guarded(store, () => writeBackup(store, dir, options));
}

async function writeBackup(store: Store, dir: string, options: BackupOptions): Promise<BackupManifest> {
  await fs.mkdir(dir, { recursive: true });
  const createdAt = options.now ?? new Date();
  const id = newBackupId(options.kind, createdAt);
  const databases = (await store.listDatabases()).slice().sort();
  const rowCounts: Record<string, number> = {};
  const onProgress = options.onProgress ?? (() => {});
  await onProgress(0, step('backup_start', { count: databases.length }));

  async function* lines(): AsyncGenerator<string> {
    yield JSON.stringify({
      format: BACKUP_FORMAT, version: BACKUP_FORMAT_VERSION, createdAt: createdAt.toISOString(),
      driver: store.info.driver, kind: options.kind, databases,
      ...(options.authSalt ? { authSalt: options.authSalt } : {}),
    }) + '\n';
    for (let i = 0; i < databases.length; i++) {
      const db = databases[i];
      const rows = await store.exportRows(db);
      rowCounts[db] = rows.length;
      if (rows.length === 0) yield JSON.stringify({ db, rows: [] }) + '\n';
      for (let start = 0; start < rows.length; start += CHUNK_ROWS) {
        const chunk = rows.slice(start, start + CHUNK_ROWS).map((r) => [r.id, r.up, r.ord, r.t, r.val]);
        yield JSON.stringify({ db, rows: chunk }) + '\n';
      }
      if (options.uploadDir) for await (const files of uploadedFiles(options.uploadDir, db)) yield JSON.stringify({ db, rows: [], files }) + '\n';
      for await (const folderFiles of databaseFolderFiles(options, db)) yield JSON.stringify({ db, rows: [], folderFiles }) + '\n';
      await onProgress(Math.round(((i + 1) / Math.max(databases.length, 1)) * 95), step('backup_database', { db, rows: rows.length }));
    }
    yield JSON.stringify({ end: true, rowCounts }) + '\n';
  }

  const finalPath = path.join(dir, archiveName(id));
  const tempPath = `${finalPath}.partial`;
  try {
    await pipeline(Readable.from(lines()), createGzip(), createWriteStream(tempPath, { mode: 0o600 }));
    const handle = await fs.open(tempPath, 'r+');
    try { await handle.sync(); } finally { await handle.close(); }
    await fs.rename(tempPath, finalPath);
  } catch (err) {
    await fs.rm(tempPath, { force: true });
    throw err;
  }
  const manifest: BackupManifest = {
    id, createdAt: createdAt.toISOString(), sizeBytes: (await fs.stat(finalPath)).size, driver: store.info.driver,
    databases, kind: options.kind, format: BACKUP_FORMAT, version: BACKUP_FORMAT_VERSION,
    file: archiveName(id), sha256: await sha256File(finalPath), rowCounts,
    ...(options.authSalt ? { authSaltFingerprint: saltFingerprint(options.authSalt) } : {}),
  };
  await writeFileAtomic(path.join(dir, `${id}.json`), JSON.stringify(manifest, null, 2) + '\n');
  await onProgress(100, step('backup_written', { id }));
  return manifest;
}

/** Every finished backup, newest first. */
export async function listBackups(dir: string): Promise<BackupManifest[]> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ENOENT') return [];
    throw err;
  }
  const manifests: BackupManifest[] = [];
  for (const name of names) {
    if (!name.endsWith('.json')) continue;
    const id = name.slice(0, -'.json'.length);
    if (!isBackupId(id)) continue;
    const manifest = await readManifest(dir, id).catch(() => null);
    if (manifest) manifests.push(manifest);
  }
  return manifests.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : b.id.localeCompare(a.id)));
}

export async function readManifest(dir: string, id: string): Promise<BackupManifest> {
  if (!isBackupId(id)) throw new BackupError('no such backup', 'not_found');
  let text: string;
  try {
    text = await fs.readFile(path.join(dir, `${id}.json`), 'utf8');
  } catch {
    throw new BackupError('no such backup', 'not_found');
  }
  const parsed: unknown = JSON.parse(text);
  if (!isManifest(parsed) || parsed.id !== id) throw new BackupError(`the manifest of backup ${id} is damaged`, 'corrupt');
  return parsed;
}

function isManifest(value: unknown): value is BackupManifest {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Record<string, unknown>;
  return m.format === BACKUP_FORMAT && typeof m.id === 'string' && typeof m.createdAt === 'string' &&
    typeof m.file === 'string' && typeof m.sha256 === 'string' && Array.isArray(m.databases) &&
    typeof m.kind === 'string' && (BACKUP_KINDS as readonly string[]).includes(m.kind);
}

export async function deleteBackup(dir: string, id: string): Promise<void> {
  const manifest = await readManifest(dir, id);
  // manifest first: a half-deleted backup must not be listed as complete
  await fs.rm(path.join(dir, `${id}.json`), { force: true });
  await fs.rm(path.join(dir, manifest.file), { force: true });
}

/**
 * Keeps the newest `keep` backups of each kind (manual, scheduled, pre-restore) and deletes the
 * rest. Per kind, so a burst of manual backups never deletes the last pre-restore safety copy.
 * Returns the deleted ids.
 */
export async function applyRetention(dir: string, keep: number): Promise<string[]> {
  await removeLeftovers(dir);
  if (!Number.isInteger(keep) || keep < 1) return [];
  const deleted: string[] = [];
  const all = await listBackups(dir);
  for (const kind of BACKUP_KINDS) {
    for (const old of all.filter((b) => b.kind === kind).slice(keep)) {
      await deleteBackup(dir, old.id);
      deleted.push(old.id);
    }
  }
  return deleted;
}

/** A backup interrupted by a crash leaves a `.partial` file or an archive without manifest. */
const LEFTOVER_AGE_MS = 6 * 60 * 60 * 1000;

async function removeLeftovers(dir: string, now = Date.now()): Promise<void> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return;
  }
  const manifests = new Set(names.filter((n) => n.endsWith('.json')).map((n) => n.slice(0, -'.json'.length)));
  for (const name of names) {
    const orphan = name.endsWith('.jsonl.gz') && !manifests.has(name.slice(0, -'.jsonl.gz'.length));
    if (!name.endsWith('.jsonl.gz.partial') && !orphan) continue;
    const file = path.join(dir, name);
    const stat = await fs.stat(file).catch(() => null);
    // old enough that no backup running right now can own it
    if (stat && now - stat.mtimeMs > LEFTOVER_AGE_MS) await fs.rm(file, { force: true });
  }
}

type BackupLine =
  | { kind: 'header'; databases: string[]; authSalt: string | null; createdAt: string | null; backupKind: BackupKind | null; driver: DriverName | null }
  | { kind: 'rows'; db: string; rows: Row[]; files: Array<[string, string]>; folderFiles: Array<[FolderRoot, string, string]> }
  | { kind: 'end'; rowCounts: Record<string, number> };

async function* readBackupLines(file: string): AsyncGenerator<BackupLine> {
  const input = createReadStream(file).pipe(createGunzip());
  const reader = readline.createInterface({ input, crlfDelay: Infinity });
  let first = true;
  try {
    for await (const text of reader) {
      if (text === '') continue;
      const line = parseLine(text, first);
      first = false;
      yield line;
    }
  } catch (err) {
    if (err instanceof BackupError) throw err;
    throw new BackupError('the backup file is damaged (not a readable gzip file)', 'corrupt');
  } finally {
    reader.close();
    input.destroy();
  }
}

function parseLine(text: string, first: boolean): BackupLine {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new BackupError('the backup file is damaged (a line is not JSON)', 'corrupt');
  }
  if (typeof value !== 'object' || value === null) throw new BackupError('the backup file is damaged', 'corrupt');
  const v = value as Record<string, unknown>;
  if (first) {
    if (v.format !== BACKUP_FORMAT) throw new BackupError('not an Integram appliance backup', 'invalid');
    if (typeof v.version !== 'number' || v.version > BACKUP_FORMAT_VERSION) {
      throw new BackupError(`backup format version ${String(v.version)} is newer than this server understands`, 'invalid');
    }
    const databases = Array.isArray(v.databases) ? v.databases.filter((d): d is string => typeof d === 'string') : [];
    const createdAt = typeof v.createdAt === 'string' && !Number.isNaN(Date.parse(v.createdAt)) ? v.createdAt : null;
    const backupKind = typeof v.kind === 'string' && (BACKUP_KINDS as readonly string[]).includes(v.kind) ? v.kind as BackupKind : null;
    const driver = v.driver === 'mysql' || v.driver === 'pglite' ? v.driver : null;
    return { kind: 'header', databases, authSalt: typeof v.authSalt === 'string' && v.authSalt !== '' ? v.authSalt : null, createdAt, backupKind, driver };
  }
  if (v.end === true) {
    const counts: Record<string, number> = {};
    if (typeof v.rowCounts === 'object' && v.rowCounts !== null) {
      for (const [db, n] of Object.entries(v.rowCounts)) if (typeof n === 'number') counts[db] = n;
    }
    return { kind: 'end', rowCounts: counts };
  }
  if (typeof v.db !== 'string' || !isRoutableDbName(v.db) || !Array.isArray(v.rows)) {
    throw new BackupError('the backup file is damaged (bad database chunk)', 'corrupt');
  }
  const rows: Row[] = v.rows.map((r: unknown) => {
    if (!Array.isArray(r) || r.length !== 5 || typeof r[4] !== 'string' || !r.slice(0, 4).every(Number.isInteger)) {
      throw new BackupError('the backup file is damaged (bad row)', 'corrupt');
    }
    return { id: r[0] as number, up: r[1] as number, ord: r[2] as number, t: r[3] as number, val: r[4] };
  });
  const files = Array.isArray(v.files) ? v.files : [];
  if (!files.every((f: unknown) => Array.isArray(f) && f.length === 2 && typeof f[0] === 'string' && isUploadPath(f[0]) && typeof f[1] === 'string')) {
    throw new BackupError('the backup file is damaged (bad file entry)', 'corrupt');
  }
  const folderFiles = Array.isArray(v.folderFiles) ? v.folderFiles : [];
  if (!folderFiles.every((f: unknown) => Array.isArray(f) && f.length === 3 && (f[0] === 'templates' || f[0] === 'download')
    && typeof f[1] === 'string' && isFolderPath(f[1]) && typeof f[2] === 'string')) {
    throw new BackupError('the backup file is damaged (bad file entry)', 'corrupt');
  }
  return { kind: 'rows', db: v.db, rows, files: files as Array<[string, string]>, folderFiles: folderFiles as Array<[FolderRoot, string, string]> };
}

/** Reads the whole archive once: checksum, structure, end marker and row counts. */
export async function verifyBackup(dir: string, id: string): Promise<BackupManifest> {
  const manifest = await readManifest(dir, id);
  const file = path.join(dir, manifest.file);
  try {
    await fs.access(file);
  } catch {
    throw new BackupError(`the archive of backup ${id} is missing`, 'corrupt');
  }
  if ((await sha256File(file)) !== manifest.sha256) {
    throw new BackupError(`the archive of backup ${id} does not match its checksum`, 'corrupt');
  }
  const seen: Record<string, number> = {};
  let end: Record<string, number> | null = null;
  for await (const line of readBackupLines(file)) {
    if (line.kind === 'rows') seen[line.db] = (seen[line.db] ?? 0) + line.rows.length;
    if (line.kind === 'end') end = line.rowCounts;
  }
  if (!end) throw new BackupError(`the archive of backup ${id} is truncated`, 'corrupt');
  for (const db of manifest.databases) {
    if ((seen[db] ?? 0) !== (end[db] ?? -1)) throw new BackupError(`backup ${id}: row count of ${db} does not match`, 'corrupt');
  }
  return manifest;
}

export interface RestoreResult {
  restored: Record<string, number>;
  preRestoreBackupId: string;
  keptDatabases: string[];
  /** the salt the backup carries (null: an older backup without one); applying it is the caller's decision */
  authSalt: string | null;
}

/**
 * Restores a backup (under the backup guard): verifies it, takes a 'pre-restore' backup of the
 * current state, then replaces each backed-up database's rows (one transaction per database).
 */
export async function restoreBackup(
  store: Store,
  dir: string,
  id: string,
  options: { onProgress?: ProgressFn; authSalt?: string } & BackupFileRoots = {},
): Promise<RestoreResult> {
  return guarded(store, () => replaceFromBackup(store, dir, id, options));
}

async function replaceFromBackup(
  store: Store,
  dir: string,
  id: string,
  options: { onProgress?: ProgressFn; authSalt?: string } & BackupFileRoots,
): Promise<RestoreResult> {
  const onProgress = options.onProgress ?? (() => {});
  await onProgress(0, step('restore_verify', { id }));
  const manifest = await verifyBackup(dir, id);
  await onProgress(5, step('restore_safety_backup'));
  const pre = await writeBackup(store, dir, {
    kind: 'pre-restore',
    authSalt: options.authSalt,
    uploadDir: options.uploadDir,
    templateFolders: options.templateFolders,
    onProgress: (p) => onProgress(5 + Math.round(p * 0.25), step('restore_safety_backup')),
  });

  const restored: Record<string, number> = {};
  const total = Math.max(manifest.databases.length, 1);
  let pendingDb: string | null = null;
  let pendingRows: Row[] = [];
  const flush = async (): Promise<void> => {
    if (pendingDb === null) return;
    const db = pendingDb;
    if (await store.databaseExists(db)) {
      await store.importRows(db, pendingRows, { replace: true });
    } else {
      await store.createDatabase(db, pendingRows);
    }
    restored[db] = pendingRows.length;
    pendingDb = null;
    pendingRows = [];
    const done = Object.keys(restored).length;
    await onProgress(30 + Math.round((done / total) * 70), step('restore_database', { db, rows: restored[db] }));
  };
  let authSalt: string | null = null;
  try {
    for await (const line of readBackupLines(path.join(dir, manifest.file))) {
      if (line.kind === 'header') authSalt = line.authSalt;
      if (line.kind !== 'rows') continue;
      if (line.db !== pendingDb) {
        await flush();
        pendingDb = line.db;
      }
      for (const row of line.rows) pendingRows.push(row);
      await writeLineFiles(line, options);
    }
    await flush();
  } catch (err) {
    // swap and revert: every database this restore touched goes back to the pre-restore copy
    const touched = [...Object.keys(restored), ...(pendingDb === null ? [] : [pendingDb])];
    await onProgress(100, step('restore_reverting', { count: touched.length }));
    await revertDatabases(store, dir, pre, touched, options);
    const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new BackupError(`the restore failed (${reason}); every database is as it was before`, 'corrupt');
  }
  const current = await store.listDatabases();
  const keptDatabases = current.filter((db) => !manifest.databases.includes(db)).sort();
  await onProgress(100, step('restore_restored', { count: Object.keys(restored).length, id }));
  return { restored, preRestoreBackupId: pre.id, keptDatabases, authSalt };
}

/** Puts databases back as the pre-restore backup holds them; one the backup did not have is dropped. */
async function revertDatabases(store: Store, dir: string, pre: BackupManifest, databases: string[], roots: BackupFileRoots): Promise<void> {
  const wanted = new Set(databases);
  const rowsOf = new Map<string, Row[]>();
  for await (const line of readBackupLines(path.join(dir, pre.file))) {
    if (line.kind !== 'rows' || !wanted.has(line.db)) continue;
    const list = rowsOf.get(line.db) ?? [];
    for (const row of line.rows) list.push(row);
    rowsOf.set(line.db, list);
    await writeLineFiles(line, roots);
  }
  for (const db of databases) {
    if (pre.databases.includes(db)) await store.importRows(db, rowsOf.get(db) ?? [], { replace: true });
    else if (await store.databaseExists(db)) await store.dropDatabase(db);
  }
}

/**
 * Takes a backup archive brought from elsewhere (the console's upload) into the backups folder:
 * it must be a complete archive of this format (header, rows, end line, matching counts); it gets
 * an id and a manifest of its own and is listed like the others. `file` is moved, or removed when refused.
 */
export async function adoptBackupFile(dir: string, file: string): Promise<BackupManifest> {
  try {
    let header: Extract<BackupLine, { kind: 'header' }> | null = null;
    const seen: Record<string, number> = {};
    let end: Record<string, number> | null = null;
    for await (const line of readBackupLines(file)) {
      if (line.kind === 'header') header = line;
      else if (line.kind === 'rows') seen[line.db] = (seen[line.db] ?? 0) + line.rows.length;
      else end = line.rowCounts;
    }
    if (!header) throw new BackupError('the file is empty', 'invalid');
    if (!end) throw new BackupError('the backup file is truncated (no end line)', 'corrupt');
    for (const db of header.databases) {
      if (!isRoutableDbName(db)) throw new BackupError(`the backup names an invalid database "${db}"`, 'corrupt');
      if ((seen[db] ?? 0) !== (end[db] ?? -1)) throw new BackupError(`the row count of ${db} does not match`, 'corrupt');
    }
    const createdAt = new Date(header.createdAt ?? Date.now());
    const kind = header.backupKind === 'scheduled' || header.backupKind === 'pre-restore' ? header.backupKind : 'manual';
    const id = newBackupId(kind, createdAt);
    const finalPath = path.join(dir, archiveName(id));
    await fs.mkdir(dir, { recursive: true });
    await fs.rename(file, finalPath);
    await fs.chmod(finalPath, 0o600);
    const manifest: BackupManifest = {
      id, createdAt: createdAt.toISOString(), sizeBytes: (await fs.stat(finalPath)).size, driver: header.driver ?? 'pglite',
      databases: header.databases.slice().sort(), kind, format: BACKUP_FORMAT, version: BACKUP_FORMAT_VERSION,
      file: archiveName(id), sha256: await sha256File(finalPath), rowCounts: end,
      ...(header.authSalt ? { authSaltFingerprint: saltFingerprint(header.authSalt) } : {}),
    };
    await writeFileAtomic(path.join(dir, `${id}.json`), JSON.stringify(manifest, null, 2) + '\n');
    return manifest;
  } finally {
    await fs.rm(file, { force: true });
  }
}

/** the files of an archive line written where they belong (paths checked when the line was read) */
async function writeLineFiles(line: Extract<BackupLine, { kind: 'rows' }>, roots: BackupFileRoots): Promise<void> {
  const put = async (full: string, data: string): Promise<void> => {
    await fs.mkdir(path.dirname(full), { recursive: true });
    await fs.writeFile(full, Buffer.from(data, 'base64'));
  };
  if (roots.uploadDir) for (const [rel, data] of line.files) await put(path.join(roots.uploadDir, line.db, rel), data);
  for (const [root, rel, data] of line.folderFiles) {
    const base = root === 'templates' ? roots.templateFolders : roots.uploadDir;
    if (base) await put(path.join(base, line.db.toLowerCase(), ...rel.split('/')), data);
  }
}

/** a path inside a database's file-manager folder: plain names joined by `/` */
function isFolderPath(rel: string): boolean {
  const parts = rel.split('/');
  return parts.length >= 1 && parts.length <= 32 && parts.every(isPlainName);
}

/** a path inside a database's upload folder as the engine makes them: `{folder}/{file}` */
function isUploadPath(rel: string): boolean {
  const parts = rel.split('/');
  return parts.length === 2 && parts.every((p) => p !== '' && p !== '.' && p !== '..' && !/[\\\0]/.test(p));
}

/** a database's uploaded files as the engine places them (`{folder}/{file}`), a few at a time: [path inside UPLOAD_DIR/<db>, base64] */
function uploadedFiles(uploadDir: string, db: string): AsyncGenerator<Array<[string, string]>> {
  const base = path.join(uploadDir, db);
  async function* entries(): AsyncGenerator<[string, string]> {
    for await (const rel of filesBelow(base, [])) if (rel.length === 2) yield [rel.join('/'), await base64Of(base, rel)];
  }
  return inBatches(entries(), (e) => e[1].length);
}

/**
 * The database's file-manager folders, a few files at a time: [root, path, base64] for every file of
 * its template folder and every file of its upload folder that uploadedFiles() does not carry
 */
function databaseFolderFiles(roots: BackupFileRoots, db: string): AsyncGenerator<Array<[FolderRoot, string, string]>> {
  const sources: Array<[FolderRoot, string]> = [];
  if (roots.templateFolders) sources.push(['templates', path.join(roots.templateFolders, db.toLowerCase())]);
  if (roots.uploadDir) sources.push(['download', path.join(roots.uploadDir, db)]);
  async function* entries(): AsyncGenerator<[FolderRoot, string, string]> {
    for (const [root, base] of sources) {
      for await (const rel of filesBelow(base, [])) {
        if (root !== 'download' || rel.length !== 2) yield [root, rel.join('/'), await base64Of(base, rel)];
      }
    }
  }
  return inBatches(entries(), (e) => e[2].length);
}

async function base64Of(base: string, rel: string[]): Promise<string> {
  return (await fs.readFile(path.join(base, ...rel))).toString('base64');
}

/** groups entries into batches of about 4 MiB (by `size`), so an archive line stays small */
async function* inBatches<T>(entries: AsyncIterable<T>, size: (e: T) => number): AsyncGenerator<T[]> {
  let batch: T[] = [];
  let total = 0;
  for await (const e of entries) {
    batch.push(e);
    total += size(e);
    if (total > 4 * 1024 * 1024) {
      yield batch;
      batch = [];
      total = 0;
    }
  }
  if (batch.length) yield batch;
}

/** the regular files below a folder (links not followed, unfinished `.part` files left out), sorted */
async function* filesBelow(base: string, rel: string[]): AsyncGenerator<string[]> {
  let entries;
  try {
    entries = await fs.readdir(path.join(base, ...rel), { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.isDirectory()) yield* filesBelow(base, [...rel, entry.name]);
    else if (entry.isFile() && !entry.name.endsWith('.part')) yield [...rel, entry.name];
  }
}

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
