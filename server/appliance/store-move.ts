/**
 * Moving everything the server keeps from one store to another (embedded ⇄ MySQL, MySQL → another
 * MySQL): every tenant database with its ids, and the appliance's own documents (console admin,
 * organizations, jobs ...). The copy is verified (row count and a checksum per database, the
 * documents by count) and compared once more with the source at the end, so nothing written
 * meanwhile is left behind. On any failure the target is emptied again and the source was never
 * touched; switching the configuration is the caller's last step, after a verified copy.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ADMIN_ID, ADMIN_KIND } from './admin-account.js';
import { writeSettings, type SettingsContext } from './settings.js';
import type { StoreOpener, StoreTarget } from '../storage/target.js';
import type { ApplianceDoc, Row, Store } from '../storage/types.js';
import { step, type StepProgress } from '../jobs/steps.js';

export type StoreMoveErrorCode = 'target_not_empty' | 'same_store' | 'verify_failed' | 'source_changed' | 'set_in_environment' | 'unreachable' | 'settings';

export class StoreMoveError extends Error {
  constructor(readonly code: StoreMoveErrorCode, message: string) {
    super(message);
    this.name = 'StoreMoveError';
  }
}

export interface CopiedDatabase {
  name: string;
  rows: number;
  /** sha256 over the rows in id order (see rowsChecksum) */
  checksum: string;
}

export interface StoreCopy {
  databases: CopiedDatabase[];
  documents: number;
}

export type MoveProgress = StepProgress;

/** A checksum of a database's rows, equal on both stores for equal rows (ids, parents, orders, types, values). */
export function rowsChecksum(rows: readonly Row[]): string {
  const hash = createHash('sha256');
  for (const r of [...rows].sort((a, b) => a.id - b.id)) hash.update(JSON.stringify([r.id, r.up, r.ord, r.t, r.val])).update('\n');
  return hash.digest('hex');
}

/** Refuses a target that already holds data: a move never mixes two offices' data or overwrites any. */
async function assertEmptyTarget(target: Store): Promise<void> {
  const databases = await target.listDatabases();
  if (databases.length > 0) {
    throw new StoreMoveError('target_not_empty', `the target already holds ${databases.length} database(s) (${databases.slice(0, 5).join(', ')}); move into an empty MySQL database`);
  }
  if (await target.appliance.get(ADMIN_KIND, ADMIN_ID)) {
    throw new StoreMoveError('target_not_empty', 'the target already holds another server\'s console account; move into an empty MySQL database');
  }
}

async function snapshot(store: Store, db: string): Promise<CopiedDatabase & { data: Row[] }> {
  const data = await store.exportRows(db);
  return { name: db, rows: data.length, checksum: rowsChecksum(data), data };
}

/**
 * Copies every database and appliance document of `source` into the empty `target` and verifies
 * the copy. Progress runs 0–100. Throws StoreMoveError for a refusal or a failed check; the target
 * is cleaned up before any error leaves.
 */
export async function copyStore(source: Store, target: Store, onProgress: MoveProgress = () => undefined): Promise<StoreCopy> {
  if (source === target) throw new StoreMoveError('same_store', 'the target is the store in use');
  await assertEmptyTarget(target);
  const names = await source.listDatabases();
  const created: string[] = [];
  let documents: ApplianceDoc[] = [];
  try {
    const copied: CopiedDatabase[] = [];
    for (const [i, name] of names.entries()) {
      await onProgress(Math.round((i / Math.max(1, names.length)) * 80), step('move_copy_database', { name, n: i + 1, total: names.length }));
      const { data, ...summary } = await snapshot(source, name);
      await target.createDatabase(name, data);
      created.push(name);
      const check = await snapshot(target, name);
      if (check.rows !== summary.rows || check.checksum !== summary.checksum) {
        throw new StoreMoveError('verify_failed', `the copy of ${name} differs from the original (${check.rows} of ${summary.rows} rows)`);
      }
      copied.push(summary);
    }
    await onProgress(82, step('move_copy_own'));
    documents = await source.appliance.exportDocs();
    await target.appliance.importDocs(documents);
    const copiedDocs = await target.appliance.exportDocs();
    if (copiedDocs.length < documents.length) {
      throw new StoreMoveError('verify_failed', `${documents.length - copiedDocs.length} of the server's own records are missing in the copy`);
    }
    await onProgress(90, step('move_check'));
    const now = await source.listDatabases();
    for (const name of now) {
      const before = copied.find((c) => c.name === name);
      const { data: _data, ...after } = await snapshot(source, name);
      if (!before || before.checksum !== after.checksum) {
        throw new StoreMoveError('source_changed', `${name} changed while it was copied; try again when nobody is working`);
      }
    }
    await onProgress(100, step('move_copied', { count: copied.length, records: documents.length }));
    return { databases: copied, documents: documents.length };
  } catch (err) {
    for (const name of created) await target.dropDatabase(name).catch(() => undefined);
    for (const doc of documents) await target.appliance.delete(doc.kind, doc.id).catch(() => false);
    throw err;
  }
}

/** Empties a target again after a verified copy that is not used (it was empty before the copy). */
async function discardCopy(target: Store, copy: StoreCopy): Promise<void> {
  for (const db of copy.databases) await target.dropDatabase(db.name).catch(() => undefined);
  for (const doc of await target.appliance.exportDocs().catch(() => [])) await target.appliance.delete(doc.kind, doc.id).catch(() => false);
}

/**
 * An embedded store's folder that holds data from before (a move to MySQL leaves it behind) is set
 * aside, never deleted, before a move back creates a new one there. Returns where it went, or null.
 */
export async function setAsideFolder(dir: string, now = new Date()): Promise<string | null> {
  let entries: string[];
  try {
    entries = await fs.readdir(dir);
  } catch {
    return null;
  }
  if (entries.length === 0) return null;
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  const aside = path.join(path.dirname(dir), `${path.basename(dir)}.before-move-${stamp}`);
  await fs.rename(dir, aside);
  return aside;
}

/** Puts a folder set aside by setAsideFolder back (after a failed move). */
export async function restoreFolder(dir: string, aside: string | null): Promise<void> {
  if (aside === null) return;
  await fs.rm(dir, { recursive: true, force: true });
  await fs.rename(aside, dir);
}

/** The settings that choose the store (set in the process environment, the .env file cannot switch them). */
export const STORE_SETTINGS = ['DATABASE_URL', 'DB_SOCKET', 'DB_HOST', 'DB_PORT', 'DB_USER', 'DB_PASSWORD', 'DB_NAME'] as const;

/** The store settings the process environment sets (the .env file cannot change those). */
export function storeChosenInEnvironment(env: NodeJS.ProcessEnv): string[] {
  return STORE_SETTINGS.filter((key) => (env[key] ?? '') !== '');
}

/** The .env values that make the server open `target` next time (null removes a key). */
export function storeSettings(target: StoreTarget): Record<string, string | null> {
  if (target.driver === 'pglite') return { DATABASE_URL: null, DB_SOCKET: null, DB_HOST: null, DB_USER: null, DB_PASSWORD: null, DB_PORT: null, DB_NAME: null };
  const m = target.mysql;
  return { DATABASE_URL: null, DB_SOCKET: m.socketPath ?? null, DB_HOST: m.host, DB_PORT: String(m.port), DB_USER: m.user, DB_PASSWORD: m.password === '' ? null : m.password, DB_NAME: m.database };
}

export interface MoveDeps {
  /** the store in use */
  source: Store;
  /** the target's description of the store in use (a move to the same place is refused) */
  sourceTarget: StoreTarget;
  open: StoreOpener;
  /** the .env file the server reads its settings from */
  settings: SettingsContext;
}

export interface MoveResult extends StoreCopy {
  /** where the embedded store's earlier folder was set aside, if there was one */
  setAside: string | null;
  /** the settings now name the target; a restart opens it */
  restartRequired: true;
}

export function sameStore(a: StoreTarget, b: StoreTarget): boolean {
  if (a.driver === 'pglite' || b.driver === 'pglite') return a.driver === b.driver && path.resolve(a.target) === path.resolve(b.target);
  // the same server: the same host:port, or the same socket (target: describeEndpoint)
  return a.target === b.target && a.mysql.database.toLowerCase() === b.mysql.database.toLowerCase();
}

/**
 * The whole move: refuses what cannot work before touching anything, copies and verifies, then
 * writes the settings that make the next start open the target. The source store is only read.
 */
export async function moveStore(deps: MoveDeps, target: StoreTarget, onProgress: MoveProgress = () => undefined): Promise<MoveResult> {
  if (sameStore(deps.sourceTarget, target)) throw new StoreMoveError('same_store', 'the target is the store in use');
  const fixed = storeChosenInEnvironment(deps.settings.env ?? process.env);
  if (fixed.length > 0) {
    throw new StoreMoveError('set_in_environment', `${fixed.join(', ')} ${fixed.length === 1 ? 'is' : 'are'} set in the environment, which the .env file cannot override; move with the environment changed instead`);
  }
  await onProgress(0, step('move_open', { target: target.target }));
  const aside = target.driver === 'pglite' ? await setAsideFolder(target.dir) : null;
  let copy: StoreCopy;
  try {
    let store: Store;
    try {
      store = await deps.open(target);
    } catch (err) {
      throw new StoreMoveError('unreachable', `cannot open ${target.target}: ${err instanceof Error ? err.message : String(err)}`);
    }
    try {
      copy = await copyStore(deps.source, store, (p, m) => onProgress(Math.min(95, p), m));
      const written = await writeSettings(deps.settings, storeSettings(target), { adminExists: true }).catch((err: unknown) => ({
        ok: false as const, fields: { _file: err instanceof Error ? err.message : String(err) },
      }));
      if (!written.ok) {
        await discardCopy(store, copy);
        throw new StoreMoveError('settings', `the settings could not be written, so the copy was thrown away: ${Object.entries(written.fields).map(([k, v]) => `${k}: ${v}`).join('; ')}`);
      }
    } finally {
      await store.close();
    }
  } catch (err) {
    // the copy is thrown away with the target; an embedded folder that was set aside comes back
    if (target.driver === 'pglite') await restoreFolder(target.dir, aside).catch(() => undefined);
    throw err;
  }
  await onProgress(100, step('move_moved', { count: copy.databases.length, target: target.target }));
  return { ...copy, setAside: aside, restartRequired: true };
}
