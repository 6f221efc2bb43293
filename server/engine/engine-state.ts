/**
 * What one engine keeps between requests: its settings, the hashes made with its salt,
 * and the per-process caches (metadata, sessions, database existence, activity writes;
 * README.md "Caches"). A request reaches it as `ctx.core`. It is apart from core.ts, the
 * request flow, so that context.ts can name it without importing the module that builds contexts.
 */
import { SingleFlight } from '../storage/single-flight.js';
import type { Store, TenantStore } from '../storage/types.js';
import type { EngineClock, EngineLoginThrottle, EngineLogger, EngineOptions, EngineMailPort, EngineOAuthPort, FileStore, FolderStore, NewDatabasePort } from './types.js';
import type { CachedSession, FoundSession } from './session.js';
import { TenantMeta } from './meta.js';
import { sha1hex, sha512hex } from './format.js';
import { inProcessLoginThrottle } from './throttle.js';
import { COOKIE_30_DAYS } from './ids.js';

export class EngineState {
  readonly clock: EngineClock;
  readonly salt: string;
  readonly masterPassword?: string;
  readonly serverName: string;
  readonly logger?: EngineLogger;
  readonly metaTtlMs: number;
  readonly activityIntervalMs: number;
  readonly tokenTtlSeconds?: number;
  /** COOKIES_EXPIRE in seconds; 0 = session cookies (see EngineOptions.cookieExpireSeconds) */
  readonly cookieExpireSeconds: number;
  private readonly storeFn: () => Store;
  private readonly metaCache = new Map<string, { meta: TenantMeta; expires: number }>();
  /** requests arriving while a database's metadata (or existence) is being loaded wait for that load */
  private readonly metaLoads = new SingleFlight<TenantMeta>();
  private readonly existenceChecks = new SingleFlight<boolean>();
  /** the same token presented by concurrent requests is looked up once (auth.ts) */
  readonly sessionLookups = new SingleFlight<FoundSession | null>();
  private readonly metaGeneration = new Map<string, number>();
  readonly sessions = new Map<string, CachedSession>();
  /** databases seen to exist, until the given time (a query per request otherwise) */
  private readonly existing = new Map<string, number>();
  readonly activityWritten = new Map<string, number>();
  readonly loginThrottle: EngineLoginThrottle;
  readonly databases?: NewDatabasePort;
  /** the files of FILE columns (files.ts); undefined: uploads are refused */
  readonly files?: FileStore;
  /** the file manager's folders (dir-admin.ts); undefined: `dir_admin` answers 501 */
  readonly folders?: FolderStore;
  /** mail of the password reset (reset.ts); undefined: a reset answers WRONG_CONT */
  readonly mail?: EngineMailPort;
  /** OAuth sign-in (oauth.ts); undefined: every callback answers oauthError */
  readonly oauth?: EngineOAuthPort;

  constructor(opts: EngineOptions) {
    this.storeFn = opts.store;
    this.salt = opts.salt;
    this.masterPassword = opts.masterPassword || undefined;
    this.serverName = opts.serverName ?? '127.0.0.1';
    this.clock = opts.clock ?? { now: () => Date.now() };
    this.logger = opts.logger;
    // 1.5 s: another instance's change is seen within 2 s including the request that sees it
    this.metaTtlMs = opts.metaTtlMs ?? 1500;
    this.activityIntervalMs = opts.activityIntervalMs ?? 5000;
    this.tokenTtlSeconds = opts.tokenTtlSeconds && opts.tokenTtlSeconds > 0 ? opts.tokenTtlSeconds : undefined;
    this.cookieExpireSeconds = opts.cookieExpireSeconds !== undefined && opts.cookieExpireSeconds >= 0 ? Math.trunc(opts.cookieExpireSeconds) : COOKIE_30_DAYS;
    this.loginThrottle = opts.loginThrottle ?? inProcessLoginThrottle(this.clock);
    this.databases = opts.databases;
    this.files = opts.files;
    this.folders = opts.folders;
    this.mail = opts.mail;
    this.oauth = opts.oauth;
  }

  /** Max-Age of a COOKIES_EXPIRE cookie; undefined = a session cookie */
  cookieMaxAge(): number | undefined {
    return this.cookieExpireSeconds > 0 ? this.cookieExpireSeconds : undefined;
  }

  store(): Store {
    return this.storeFn();
  }

  /** sha512(SALT + db + value): passwords; its first 22 chars are the xsrf */
  saltedHash(db: string, value: string): string {
    return sha512hex(this.salt + db + value);
  }

  /** the older engine's hash: sha1(SALT + UPPER(login) + db + pwd) */
  legacySha1(db: string, login: string, pwd: string): string {
    return sha1hex(this.salt + login.toUpperCase() + db + pwd);
  }

  xsrfFor(db: string, seed: string): string {
    return this.saltedHash(db, seed).slice(0, 22);
  }

  /** ADMINHASH = sha1(SERVER_NAME + db + master password); null when no master password is set */
  adminHash(db: string): string | null {
    if (!this.masterPassword) return null;
    return sha1hex(this.serverName + db + this.masterPassword);
  }

  async meta(db: string, t: TenantStore): Promise<TenantMeta> {
    const now = this.clock.now();
    const cached = this.metaCache.get(db);
    if (cached && cached.expires > now) return cached.meta;
    const generation = this.metaGeneration.get(db) ?? 0;
    return this.metaLoads.run(db, generation, async () => {
      const meta = await TenantMeta.load(t, now);
      if ((this.metaGeneration.get(db) ?? 0) === generation) this.metaCache.set(db, { meta, expires: now + this.metaTtlMs });
      return meta;
    });
  }

  /** called after every write that may change metadata in this process */
  invalidateMeta(db: string): void {
    this.metaCache.delete(db);
    this.existing.delete(db);
    this.metaGeneration.set(db, (this.metaGeneration.get(db) ?? 0) + 1);
  }

  async databaseExists(store: Store, db: string): Promise<boolean> {
    const now = this.clock.now();
    if ((this.existing.get(db) ?? 0) > now) return true;
    return this.existenceChecks.run(db, this.metaGeneration.get(db) ?? 0, async () => {
      const exists = await store.databaseExists(db);
      if (exists) this.existing.set(db, now + this.metaTtlMs);
      else this.existing.delete(db);
      return exists;
    });
  }

  invalidateSessions(db: string): void {
    for (const k of this.sessions.keys()) if (k.startsWith(`${db}\u0000`)) this.sessions.delete(k);
    this.sessionLookups.forget((k) => k.startsWith(`${db}\u0000`));
  }
}
