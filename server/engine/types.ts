/**
 * The engine's request/response shapes. No HTTP framework types here: the
 * legacy HTTP adapter (server/http/legacy) converts Express requests into a
 * LegacyRequest and writes a LegacyResponse back.
 */
import type { FileStore, FolderEntry, FolderRoot, FolderStore, Store, TenantStore } from '../storage/types.js';

export type { FileStore, FolderEntry, FolderRoot, FolderStore };

export type ParamValue = string | ParamValue[] | { [key: string]: ParamValue } | number | boolean | null;

export interface LegacyRequest {
  /** database name exactly as it appeared in the URL path (lower-cased by the adapter) */
  db: string;
  /** segment 2 (may be empty) */
  action: string;
  /** segment 3, raw (not yet resolved to a number or a name) */
  id?: string;
  /** segment 4, raw */
  extra?: string;
  /** every path segment after the db, lower-cased */
  segments: string[];
  /** query string parameters, NOT lower-cased */
  query: Record<string, string | string[]>;
  /** form fields and/or the merged JSON body, in arrival order */
  post: Record<string, unknown>;
  cookies: Record<string, string>;
  /** header names lower-cased */
  headers: Record<string, string>;
  method: string;
  remoteAddr: string;
  host: string;
  /** the original request URI (path + query) */
  uri: string;
  /** /api/{db}/... requests are always in JSON mode (docs/compatibility.md, "Deliberate differences") */
  forceJson?: boolean;
  /** file parts of a multipart body (PHP $_FILES), in arrival order */
  files?: UploadedFile[];
}

/** one file part of a multipart body, as data: the engine never sees HTTP */
export interface UploadedFile {
  /** the form field it came in (`t{requisite}` for a FILE column) */
  field: string;
  /** the file's base name as the client sent it (no folders: the adapter keeps the part after the last / or \\) */
  name: string;
  /** the media type the client claimed (not trusted for anything) */
  type: string;
  size: number;
  content: Uint8Array;
}

export interface ResponseCookie {
  name: string;
  value: string;
  /** seconds; undefined = session cookie; 0 or negative = delete */
  maxAge?: number;
  path: string;
  /** not readable by scripts */
  httpOnly?: boolean;
  sameSite?: 'Lax' | 'Strict';
  /** only over https */
  secure?: boolean;
}

export type LegacyBody =
  | { kind: 'json'; value: unknown; filename?: string }
  /** text exactly as the engine prints it (plain `die()` answers, hand-built JSON) */
  | { kind: 'text'; text: string; contentType?: string }
  | { kind: 'redirect'; location: string }
  /** a stored file (download): sent as an attachment named `filename` */
  | { kind: 'file'; content: Uint8Array; filename: string }
  /** an export (csv): bytes as they are, `Content-Disposition: attachment;filename=…` */
  | { kind: 'download'; content: Uint8Array; filename: string; contentType: string }
  | { kind: 'empty' };

export interface LegacyResponse {
  status: number;
  headers: Record<string, string>;
  cookies: ResponseCookie[];
  body: LegacyBody;
  /** the signed-in user the request ran as (not a guest); never sent to the client */
  actor?: { user: string; userId: number };
}

export interface EngineClock {
  /** milliseconds since the epoch */
  now(): number;
}

export interface EngineLogger {
  info(obj: unknown, msg?: string): void;
  warn(obj: unknown, msg?: string): void;
  error(obj: unknown, msg?: string): void;
}

/** the answer of a login throttle: refused attempts say how long to wait */
export type LoginThrottleVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Failed-login throttling of `auth` (docs/compatibility.md, "Deliberate differences"). Given by
 * the host (runtime/compose.ts passes one whose counters live in the shared appliance store, so
 * several instances agree); without it the engine counts per process (throttle.ts).
 */
export interface EngineLoginThrottle {
  check(db: string, login: string, address: string): Promise<LoginThrottleVerdict>;
  recordFailure(db: string, login: string, address: string): Promise<void>;
  recordSuccess(db: string, login: string): Promise<void>;
}

export interface EngineOptions {
  store: () => Store;
  salt: string;
  /** master admin only exists when this is set (docs/compatibility.md, "Deliberate differences") */
  masterPassword?: string;
  serverName?: string;
  clock?: EngineClock;
  logger?: EngineLogger;
  /** lifetime of cached metadata, sessions and db existence in ms (default 1500) */
  metaTtlMs?: number;
  /**
   * TOKEN_TTL (docs/compatibility.md, "Deliberate differences"): when set, a token whose user has been inactive longer than this many
   * seconds no longer authenticates (the engine's tokens never expire; default off)
   */
  tokenTtlSeconds?: number;
  /**
   * AUTH_COOKIE_EXPIRE, the PHP engine's COOKIES_EXPIRE: lifetime in seconds of the `idb_{db}`
   * cookie a password login or the guest user sets, and of the `tzone` cookie (default 2592000,
   * 30 days); 0 = a session cookie, gone when the browser closes
   */
  cookieExpireSeconds?: number;
  /** minimum interval between activity-timestamp writes per user, ms (default 5000) */
  activityIntervalMs?: number;
  /** failed-login throttle shared by every instance; default: per-process counters */
  loginThrottle?: EngineLoginThrottle;
  /** where files of FILE columns are kept (UPLOAD_DIR); without it an upload is refused (503) */
  files?: FileStore;
  /** the file manager's folders of each database (`dir_admin`, dir-admin.ts); without it `dir_admin` answers 501 */
  folders?: FolderStore;
  /** how `_new_db` makes a database (the appliance's create-from-template); without it `_new_db` answers 501 */
  databases?: NewDatabasePort;
  /** OAuth sign-in (Google, Yandex; engine/oauth.ts); without it every callback answers `oauthError` */
  oauth?: EngineOAuthPort;
  /** mail for the PHP engine's password reset (`auth` with `reset`, engine/reset.ts); without it a reset answers WRONG_CONT */
  mail?: EngineMailPort;
}

/** How the engine sends a mail (the host's SMTP mailer) and where its links point. */
export interface EngineMailPort {
  /** resolves when the mail server took the message; rejects with a reason otherwise */
  send(message: { to: string; subject: string; text: string }): Promise<void>;
  /**
   * scheme and host of links in mails (PUBLIC_URL, or https://SERVER_NAME as the PHP engine writes
   * them); null: none is known, so no mail with a link is sent
   */
  origin: string | null;
}

/** One OAuth provider's client and endpoints (OAUTH_GOOGLE_*, OAUTH_YANDEX_*). */
export interface OAuthProvider {
  clientId: string;
  clientSecret: string;
  /** the code is exchanged for an access token here (POST, form-encoded) */
  tokenUrl: string;
  /** the signed-in user's id, e-mail and name come from here (GET) */
  userinfoUrl: string;
}

/** an outbound request of the OAuth sign-in; the engine never opens a connection itself */
export interface OAuthHttpRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  /** form-encoded body of a POST */
  body?: string;
}

/**
 * OAuth sign-in as the host configures it (engine/oauth.ts). A provider left out is off: its
 * callback answers `oauthError` without any request.
 */
export interface EngineOAuthPort {
  google?: OAuthProvider;
  yandex?: OAuthProvider;
  /** PUBLIC_URL without a trailing slash: the redirect_uri is `{publicUrl}/auth.asp`; null: `https://{host}/auth.asp` as the PHP engine sends it */
  publicUrl: string | null;
  /** an unknown social user gets an account in `my` and a database of their own (REGISTRATION_ENABLED); false: refused */
  registration: boolean;
  /** performs one request; resolves with any HTTP status, rejects when no answer came (refused, timed out, too large) */
  request(req: OAuthHttpRequest): Promise<{ status: number; text: string }>;
}

/**
 * Creating a tenant database for `_new_db`. The engine checks the request the way the PHP engine
 * does and writes its own rows; the host makes the database from a template, all or nothing.
 */
export interface NewDatabasePort {
  /** the templates a new database may be made from (INTEGRAM_TEMPLATES), lower-case */
  templates(): Promise<string[]>;
  /**
   * creates `name` from `template` and runs `populate` on it in one transaction; 'taken' when a
   * database of that name exists (nothing is written then). A failure leaves no database behind.
   */
  create(name: string, template: string, populate: (tx: TenantStore) => Promise<void>): Promise<'created' | 'taken'>;
  /** removes a database `create` made (when registering it afterwards failed) */
  drop(name: string): Promise<void>;
}

/** a file a write command stores or removes (engine/files.ts), applied around its commit */
export type FileChange = { kind: 'write'; path: string; content: Uint8Array } | { kind: 'remove'; path: string };

