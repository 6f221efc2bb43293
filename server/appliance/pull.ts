/**
 * Bringing a database over from a running Integram server (the PHP engine, or another appliance)
 * through its URL API, as its admin (docs/legacy-api.md; README "Bring a database over"):
 *
 *   1. sign in (a token, or a login and password) and check the database answers;
 *   2. ask the engine for its whole-table dump (`backup`, kept in the tenant's `backups` folder and
 *      fetched through `dir_admin`'s download): every row with its id, parent, order, type and
 *      value, password hashes and tokens included. Then remove that file from the source again;
 *   3. fetch every uploaded file: each record with a FILE cell has its link on its card
 *      (`edit_obj/{id}`), the file is read from that link and placed where this server's engine
 *      looks for the same cell (the path depends on AUTH_SALT, so it may differ from the source's);
 *   4. write the rows and files here at once: the files go into a staging folder first, the rows in
 *      one step (a new database is dropped again on failure; a replaced one keeps its old rows and
 *      files when anything fails), so a failed pull leaves nothing half made;
 *   5. verify: the rows read back equal the dump, the source's record count of every table equals
 *      the copy's, a sample of records read through the source's API matches, and whether the
 *      copied password hashes work here (they do when AUTH_SALT is the source's and the name stays).
 *
 * Only the caller's URL is contacted; tests point it at the PHP engine on 127.0.0.1.
 */
import { randomBytes } from 'node:crypto';
import { rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { FILE_BASE, legacyPasswordHash, PASSWORD, storedFilePath, USER } from '../engine/index.js';
import { DiskFileStore } from '../storage/files.js';
import { checkImportDbName, isRoutableDbName, normalizeDbName } from '../storage/db-names.js';
import type { Row } from '../storage/types.js';
import { DatabaseBusyError, DatabaseExistsError, importDatabaseRows, ImportNameError, type DatabaseDeps } from './databases.js';
import { DumpFormatError, readIntegramDumpZip } from './integram-dump.js';
import type { PullResult, TableCheck } from './pull-types.js';
import { step, type JobStep, type StepProgress } from '../jobs/steps.js';

export type { PullResult, TableCheck };

export type PullErrorCode =
  | 'pull_bad_source' // the URL or a name is not usable
  | 'pull_exists' // the local name is taken and replacing was not asked for
  | 'pull_unreachable' // no answer, a timeout, or not an Integram server
  | 'pull_login_failed' // the source refused the token or the login
  | 'pull_no_database' // the source has no such database
  | 'pull_no_export_right' // the user may not export the whole database
  | 'pull_bad_dump' // the source's dump could not be read
  | 'pull_failed'; // writing here failed (nothing was kept)

export class PullError extends Error {
  constructor(readonly code: PullErrorCode, message: string) {
    super(message);
    this.name = 'PullError';
  }
}

export interface PullSource {
  /** the source server's address, e.g. https://integram.example.com (a path prefix is kept) */
  url: string;
  /** the database's name on the source */
  db: string;
  /** an Integram token of a user of that database (X-Authorization) */
  token?: string;
  login?: string;
  password?: string;
}

export interface PullOptions {
  /** the name here (default: the source's name) */
  as?: string;
  /** replace a database of that name here (otherwise it is refused) */
  replace?: boolean;
  onProgress?: StepProgress;
  /** records read back from the source for the sample check (default 40) */
  sampleSize?: number;
  /** per request (default 60 s; the dump and each file may take up to 10 min) */
  timeoutMs?: number;
}

export interface PullDeps extends DatabaseDeps {
  /** UPLOAD_DIR: files go to `{uploadDir}/{db}/…` */
  uploadDir: string;
}

const DEFAULT_TIMEOUT_MS = 60_000;
const DUMP_TIMEOUT_MS = 600_000;

interface Answer {
  status: number;
  text: string;
  bytes: Uint8Array;
  location: string | null;
}

/** A client of the legacy URL API of one database on one server, signed in as one user. */
class LegacyClient {
  private token = '';
  xsrf = '';
  user = '';

  constructor(readonly base: string, readonly db: string, private readonly timeoutMs: number) {}

  url(rel: string): string {
    return rel.startsWith('/') ? `${this.base}${rel}` : `${this.base}/${this.db}/${rel}`;
  }

  async request(method: 'GET' | 'POST', rel: string, options: { form?: Record<string, string | string[]>; timeoutMs?: number; auth?: boolean } = {}): Promise<Answer> {
    const headers: Record<string, string> = {};
    if (options.auth !== false && this.token) headers['X-Authorization'] = this.token;
    let body: string | undefined;
    if (options.form) {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(options.form)) for (const one of Array.isArray(v) ? v : [v]) params.append(k, one);
      body = params.toString();
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
    }
    let res: Response;
    try {
      res = await fetch(this.url(rel), { method, headers, body, redirect: 'manual', signal: AbortSignal.timeout(options.timeoutMs ?? this.timeoutMs) });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code;
      const reason = (err as Error).name === 'TimeoutError' ? 'no answer in time' : cause ?? (err as Error).message;
      throw new PullError('pull_unreachable', `${this.base} does not answer (${reason})`);
    }
    const bytes = new Uint8Array(await res.arrayBuffer());
    return { status: res.status, bytes, text: new TextDecoder().decode(bytes), location: res.headers.get('location') };
  }

  /** the message of an engine's error answer (`[{"error":…}]` or `{"error":…}`), or the text */
  static errorOf(answer: Answer): string {
    try {
      const parsed = JSON.parse(answer.text) as unknown;
      const first = Array.isArray(parsed) ? (parsed[0] as unknown) : parsed;
      if (first && typeof first === 'object' && 'error' in first) return String((first as { error: unknown }).error);
    } catch {
      // not JSON
    }
    return answer.text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 200);
  }

  private static json(answer: Answer): Record<string, unknown> | null {
    try {
      const parsed = JSON.parse(answer.text) as unknown;
      return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
    } catch {
      return null;
    }
  }

  private noDatabase(answer: Answer): never {
    throw new PullError('pull_no_database', `${this.base} has no database "${this.db}" (${LegacyClient.errorOf(answer)})`);
  }

  async signIn(source: PullSource): Promise<void> {
    if (source.login !== undefined) {
      const answer = await this.request('POST', 'auth?JSON', { form: { login: source.login, pwd: source.password ?? '' }, auth: false });
      if (answer.status === 404) this.noDatabase(answer);
      const body = LegacyClient.json(answer);
      if (typeof body?.token !== 'string' || body.token === '') {
        if (answer.status === 200 && !body) throw new PullError('pull_unreachable', `${this.base} does not answer as an Integram server`);
        throw new PullError('pull_login_failed', `the source refused the login "${source.login}": ${LegacyClient.errorOf(answer)}`);
      }
      this.token = body.token;
    } else {
      this.token = source.token ?? '';
    }
    const who = await this.request('GET', 'xsrf?JSON');
    if (who.status === 404) this.noDatabase(who);
    const body = LegacyClient.json(who);
    if (typeof body?._xsrf !== 'string' || typeof body.user !== 'string') {
      if (who.status === 200 && !body) throw new PullError('pull_unreachable', `${this.base} does not answer as an Integram server`);
      throw new PullError('pull_login_failed', `the source refused the ${source.login !== undefined ? 'login' : 'token'}: ${LegacyClient.errorOf(who)}`);
    }
    this.xsrf = body._xsrf;
    this.user = body.user;
  }

  /** the engine's whole-table dump: its rows, the file's name, and whether it was removed from the source again */
  async dump(): Promise<{ rows: Row[]; file: string; removed: boolean }> {
    // the engine writes the dump under templates/custom/{db}/backups and creates only the last
    // folder; its file manager creates the tenant's folder when it is missing (a database made
    // without a template has none)
    await this.request('GET', 'dir_admin/?JSON=1&templates=1');
    const answer = await this.request('GET', 'backup?JSON', { timeoutMs: DUMP_TIMEOUT_MS });
    const file = answer.location ? new URL(answer.location, 'http://x').searchParams.get('gf') : null;
    if (!file) {
      const message = LegacyClient.errorOf(answer);
      // the engine's refusal, in Russian or English (its t9n)
      if (/нет прав|do not have grants/i.test(message)) {
        throw new PullError('pull_no_export_right', `the user "${this.user}" may not export the whole database: the source answered "${message}" (sign in as its admin, its owner, or a user whose role has EXPORT on everything)`);
      }
      // e.g. an Integram appliance, which does not offer the engine's `backup` (answers {} to it)
      throw new PullError('pull_bad_dump', `the source did not make its whole-database dump (the engine's "backup" answered ${answer.status}${message ? `: ${message.slice(0, 100)}` : ''})`);
    }
    let zip: Answer;
    let removed = false;
    try {
      zip = await this.request('GET', `dir_admin/?JSON=1&templates=1&add_path=/backups&gf=${encodeURIComponent(file)}`, { timeoutMs: DUMP_TIMEOUT_MS });
    } finally {
      // the dump holds every password hash: never left on the source when it can be removed
      removed = await this.removeDump(file);
    }
    const left = removed ? '' : ` (the source kept it: delete backups/${file} in its file manager)`;
    if (zip.status !== 200) throw new PullError('pull_bad_dump', `the source's dump ${file} could not be read (${zip.status}: ${LegacyClient.errorOf(zip)})${left}`);
    try {
      return { rows: readIntegramDumpZip(zip.bytes), file, removed };
    } catch (err) {
      if (err instanceof DumpFormatError) throw new PullError('pull_bad_dump', `the source's dump ${file} is not readable: ${err.message}${left}`);
      throw err;
    }
  }

  /** removes the dump from the source's backups folder; false when the source kept it */
  async removeDump(file: string): Promise<boolean> {
    const answer = await this.request('POST', 'dir_admin/?JSON=1', {
      form: { _xsrf: this.xsrf, templates: '1', add_path: '/backups', delete: '1', 'del[]': [file] },
    }).catch(() => null);
    return answer !== null && (answer.status === 200 || answer.status === 302) && /"ok":\s*true/.test(answer.text);
  }

  /** the links of a record's FILE cells, by column id, from its card */
  async fileLinks(record: number): Promise<Map<number, string>> {
    const answer = await this.request('GET', `edit_obj/${record}?JSON`);
    const links = new Map<number, string>();
    const reqs = LegacyClient.json(answer)?.reqs;
    if (!reqs || typeof reqs !== 'object') return links;
    for (const [col, info] of Object.entries(reqs as Record<string, { value?: unknown }>)) {
      const href = /href="([^"]+)"/.exec(String(info?.value ?? ''))?.[1];
      if (href && href.startsWith('/download/')) links.set(Number(col), href);
    }
    return links;
  }

  async count(table: number, subordinate: boolean): Promise<number | null> {
    const answer = await this.request('GET', `object/${table}?JSON_DATA&_count${subordinate ? '&F_U=0' : ''}`);
    const count = Number(LegacyClient.json(answer)?.count);
    return Number.isInteger(count) ? count : null;
  }

  async record(id: number): Promise<{ id: number; up: number; t: number; val: string } | null> {
    const body = LegacyClient.json(await this.request('GET', `get_record/${id}?JSON`));
    if (!body || body.id === undefined) return null;
    return { id: Number(body.id), up: Number(body.up), t: Number(body.obj), val: String(body.val) };
  }
}

/** The source's address as a base URL: http(s), no credentials, no query; a trailing slash dropped. */
export function normalizeSourceUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new PullError('pull_bad_source', `"${raw}" is not an address (e.g. https://integram.example.com)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new PullError('pull_bad_source', `the address must start with http:// or https:// (not ${url.protocol})`);
  if (url.username || url.password) throw new PullError('pull_bad_source', 'give the login and password apart, not inside the address');
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

interface Schema {
  byId: Map<number, Row>;
  /** tables: type rows that hold records (named, on a base type) */
  tables: Row[];
  /** tables that are a column of another table (their records sit under records) */
  subordinate: Set<number>;
  /** FILE columns: requisite row ids whose type is FILE */
  fileColumns: Set<number>;
}

function schemaOf(rows: Row[]): Schema {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const isType = (r: Row | undefined): r is Row => !!r && r.up === 0 && r.id !== 1;
  const tables = rows.filter((r) => r.up === 0 && r.id !== r.t && r.t !== 0 && r.t <= 17 && r.val !== '');
  const tableIds = new Set(tables.map((r) => r.id));
  const subordinate = new Set<number>();
  const fileColumns = new Set<number>();
  for (const r of rows) {
    // a requisite (column) row of a type: r.t is its term, a base type, or a table (a subordinate one)
    if (r.up === 0 || !isType(byId.get(r.up))) continue;
    const term = byId.get(r.t);
    const base = term && term.id !== term.t ? term.t : r.t;
    if (base === FILE_BASE) fileColumns.add(r.id);
    if (tableIds.has(r.t) && r.t !== r.up) subordinate.add(r.t);
  }
  return { byId, tables, subordinate, fileColumns };
}

/** a row that is a record (or a cell of one): its parent is the root or another record */
function isRecordRow(schema: Schema, r: Row): boolean {
  if (r.up === 0) return false;
  if (r.up === 1) return true;
  const parent = schema.byId.get(r.up);
  return !!parent && parent.up !== 0;
}

async function placeFiles(uploadDir: string, db: string, staging: string | null, work: () => Promise<void>): Promise<void> {
  const target = path.join(uploadDir, db);
  const aside = path.join(uploadDir, `pullold_${randomBytes(6).toString('hex')}`);
  const exists = await stat(target).then(() => true, () => false);
  if (exists) await rename(target, aside);
  try {
    // a staging folder exists once a file was written to it (every file may be missing on the source)
    if (staging && (await stat(path.join(uploadDir, staging)).then(() => true, () => false))) await rename(path.join(uploadDir, staging), target);
    await work();
  } catch (err) {
    await rm(target, { recursive: true, force: true });
    if (exists) await rename(aside, target);
    throw err;
  }
  if (exists) await rm(aside, { recursive: true, force: true });
}

/** Brings a database over from a running Integram server (see the header). */
export async function pullDatabase(deps: PullDeps, source: PullSource, options: PullOptions = {}): Promise<PullResult> {
  const progress = async (percent: number, next: JobStep): Promise<void> => { await options.onProgress?.(percent, next); };
  const base = normalizeSourceUrl(source.url);
  if (!isRoutableDbName(source.db)) throw new PullError('pull_bad_source', `"${source.db}" is not a database name (1 to 15 letters, digits or _)`);
  const remoteDb = normalizeDbName(source.db);
  const check = checkImportDbName(options.as ?? remoteDb);
  if (!check.ok) throw new PullError('pull_bad_source', check.reason);
  const db = check.name;
  if (source.login === undefined && !source.token) throw new PullError('pull_bad_source', 'give a token, or a login and password, of an admin of the source database');
  const { store } = deps;
  const exists = await store.databaseExists(db);
  if (exists && !options.replace) throw new PullError('pull_exists', `a database named "${db}" exists here; choose another name or ask to replace it`);

  const client = new LegacyClient(base, remoteDb, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  await progress(2, step('pull_sign_in', { source: `${base}/${remoteDb}` }));
  await client.signIn(source);
  await progress(8, step('pull_dump'));
  const { rows, file: dumpFile, removed } = await client.dump();
  if (rows.length === 0) throw new PullError('pull_bad_dump', 'the source\'s dump is empty');
  await progress(25, step('pull_rows_read', { rows: rows.length }));

  const schema = schemaOf(rows);
  const notes: string[] = [];

  // files: staged under a name no database can have (longer than 15), moved in with the rows
  const fileCells = rows.filter((r) => schema.fileColumns.has(r.t) && r.val !== '' && isRecordRow(schema, r));
  const files = { copied: 0, bytes: 0, missing: [] as string[] };
  const staging = fileCells.length > 0 ? `pulltmp_${randomBytes(6).toString('hex')}` : null;
  const disk = new DiskFileStore(deps.uploadDir);
  const localHash = (value: string): string => legacyPasswordHash(deps.salt, db, value);
  try {
    const byRecord = new Map<number, Row[]>();
    for (const cell of fileCells) byRecord.set(cell.up, [...(byRecord.get(cell.up) ?? []), cell]);
    let done = 0;
    for (const [record, cells] of byRecord) {
      const links = await client.fileLinks(record);
      for (const cell of cells) {
        const href = links.get(cell.t);
        const answer = href ? await client.request('GET', href, { timeoutMs: DUMP_TIMEOUT_MS }) : null;
        if (!answer || answer.status !== 200) {
          files.missing.push(`${cell.val} (record ${record})`);
          continue;
        }
        await disk.write(staging!, storedFilePath(localHash, cell.id, cell.val), answer.bytes);
        files.copied += 1;
        files.bytes += answer.bytes.length;
      }
      done += 1;
      await progress(25 + Math.round((45 * done) / byRecord.size), step('pull_files', { copied: files.copied, total: fileCells.length }));
    }
    if (files.missing.length > 0) notes.push(`${files.missing.length} file(s) named in the database are missing on the source: ${files.missing.slice(0, 5).join(', ')}`);

    await progress(72, step('pull_writing', { rows: rows.length, db }));
    await placeFiles(deps.uploadDir, db, staging, async () => {
      await importDatabaseRows(deps, db, rows, { replace: true });
    });
  } catch (err) {
    if (staging) await rm(path.join(deps.uploadDir, staging), { recursive: true, force: true });
    if (err instanceof PullError) throw err;
    if (err instanceof DatabaseExistsError || err instanceof DatabaseBusyError) throw new PullError('pull_exists', err.message);
    if (err instanceof ImportNameError) throw new PullError('pull_bad_source', err.message);
    throw new PullError('pull_failed', `writing the database here failed, nothing was kept: ${(err as Error).message}`);
  }

  // verification
  await progress(80, step('pull_verifying'));
  const local = await store.exportRows(db);
  const key = (r: Row): string => `${r.id}\u0000${r.up}\u0000${r.ord}\u0000${r.t}\u0000${r.val}`;
  const rowsEqual = local.length === rows.length && local.every((r, i) => key(r) === key(rows[i]));
  const localCounts = new Map<number, number>();
  for (const r of local) if (isRecordRow(schema, r)) localCounts.set(r.t, (localCounts.get(r.t) ?? 0) + 1);
  const tables: TableCheck[] = [];
  for (const table of schema.tables) {
    const count = await client.count(table.id, schema.subordinate.has(table.id));
    if (count === null) continue;
    tables.push({ id: table.id, name: table.val, source: count, local: localCounts.get(table.id) ?? 0 });
  }
  await progress(90, step('pull_sampling'));
  const tableIds = new Set(schema.tables.map((t) => t.id));
  const records = local.filter((r) => tableIds.has(r.t) && isRecordRow(schema, r));
  const sampleSize = Math.min(options.sampleSize ?? 40, records.length);
  const sample = Array.from({ length: sampleSize }, (_, i) => records[Math.floor((i * records.length) / sampleSize)]);
  const mismatches: number[] = [];
  for (const r of sample) {
    const remote = await client.record(r.id);
    if (!remote || remote.up !== r.up || remote.t !== r.t || remote.val !== r.val) mismatches.push(r.id);
  }

  // passwords: the hashes are sha512(SALT + db + password) of the source
  const users = rows.filter((r) => r.t === USER && isRecordRow(schema, r));
  let passwords: PullResult['passwords'] = 'unknown';
  if (source.login !== undefined) {
    const user = users.find((u) => u.val.toLowerCase() === source.login!.toLowerCase());
    const hash = user && rows.find((r) => r.up === user.id && r.t === PASSWORD)?.val;
    if (hash) passwords = hash === localHash(source.password ?? '') ? 'usable' : 'unusable';
  }
  if (passwords === 'unusable') {
    notes.push(db === remoteDb
      ? 'the password hashes were copied but do not work here: the source uses another AUTH_SALT; set this server\'s AUTH_SALT to the source\'s (its config.php SALT) and restart, or set new passwords'
      : `the password hashes were copied but do not work here: they include the database name, and "${db}" is not "${remoteDb}"; pull it under its own name, or set new passwords`);
  } else if (passwords === 'unknown') {
    notes.push('the password hashes were copied; whether they work here was not checked (a token was used): they do when this server\'s AUTH_SALT equals the source\'s and the name stays the same');
  }
  if (!removed) notes.push(`the source kept its dump backups/${dumpFile} (in its file manager): delete it there`);

  const tablesOk = tables.every((t) => t.source === t.local);
  const result: PullResult = {
    db,
    source: { url: base, db: remoteDb, user: client.user },
    rows: local.length,
    tables: schema.tables.length,
    users: users.length,
    files,
    passwords,
    notes,
    verification: { ok: rowsEqual && tablesOk && mismatches.length === 0 && files.missing.length === 0, rowsEqual, tables, sample: { checked: sample.length, mismatches } },
    sourceDumpLeft: removed ? null : dumpFile,
  };
  await progress(100, step(result.verification.ok ? 'pull_verified' : 'pull_differences'));
  return result;
}
