/**
 * Every setting of the appliance, declared once (docs/modern-api.md, "Configuration").
 *
 * `SETTINGS` is the registry: per key the group, a one-line description, whether it is
 * a secret, aliases, and the zod type with its default. The zod object `configSchema`,
 * the `AppConfig` type, `npm run verify-env`, the generated .env example and the
 * console's settings form are all derived from it, so a new setting is one entry here.
 *
 * Every setting listed here is read by code that does what its description says. A setting
 * comes in with the code that implements it, not before; these were taken out because nothing
 * read them, and return with their implementation (mail, the AI keys and the upstream Integram
 * link came back that way: appliance/mail.ts, appliance/ai/, appliance/pull.ts):
 *   - TEMP_DIR (uploads are held in memory under UPLOAD_MAX_SIZE, no temp folder); WORKSPACE_ROOT:
 *     with whatever feature gets a workspace; SESSION_SECRET: with a feature that signs browser
 *     sessions (console sessions are random tokens kept hashed; API tokens use JWT_SECRET);
 *   - HTTPS_PROXY (update checks): with proxy support in the desktop updater (Electron's network
 *     stack uses the system's proxy settings meanwhile).
 * A .env that still names one loads as before: the key is ignored, and verify-env and the
 * server's startup log name it as not a setting (no error).
 */
import { accessSync, constants as fsConstants } from 'node:fs';
import path from 'node:path';
import { validate as isValidCron } from 'node-cron';
import { z } from 'zod';
import { isIpOrCidr, isLoopbackHost } from './net.js';

export const SETTING_GROUPS = ['server', 'database', 'auth', 'files', 'logs', 'jobs', 'mail', 'ai', 'upstream'] as const;
export type SettingGroup = (typeof SETTING_GROUPS)[number];

export interface SettingMeta {
  group: SettingGroup;
  description: string;
  /** masked in every display (verify-env, console, logs) */
  secret: boolean;
  /** older names read when the key itself is absent (e.g. INTEGRAM_SALT) */
  aliases: readonly string[];
  /** generated into `${DATA_DIR}/secrets/<file>` at first start when absent */
  generatedFile?: string;
  /** an example value for the generated .env example (never a usable secret) */
  example?: string;
}

interface SettingSpec<T extends z.ZodType> extends SettingMeta {
  schema: T;
}

function setting<T extends z.ZodType>(
  group: SettingGroup,
  schema: T,
  description: string,
  extra: Partial<Omit<SettingMeta, 'group' | 'description'>> = {},
): SettingSpec<T> {
  return {
    group,
    description,
    secret: extra.secret ?? false,
    aliases: extra.aliases ?? [],
    generatedFile: extra.generatedFile,
    example: extra.example,
    schema: schema.describe(description),
  };
}

// ---------------------------------------------------------------------------
// Value types. Values arrive as strings (.env, environment); empty strings have
// already been dropped by the loader, so "unset" is always `undefined`.
// ---------------------------------------------------------------------------

const TRUE_WORDS = new Set(['true', '1', 'yes', 'on']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off']);

/** "true/false/1/0/yes/no/on/off" -> boolean; anything else fails with a clear message. */
function flag(defaultValue: boolean) {
  return z
    .preprocess((value) => {
      if (typeof value !== 'string') return value;
      const word = value.trim().toLowerCase();
      if (TRUE_WORDS.has(word)) return true;
      if (FALSE_WORDS.has(word)) return false;
      return value;
    }, z.boolean({ error: 'expected true or false (also 1/0, yes/no)' }))
    .default(defaultValue);
}

function integer(min: number, max: number) {
  return z.coerce
    .number({ error: 'expected a whole number' })
    .int({ error: 'expected a whole number' })
    .min(min, { error: `must be at least ${min}` })
    .max(max, { error: `must be at most ${max}` });
}

const text = () => z.string().trim().min(1);

const DURATION = /^\d+\s*(ms|s|m|h|d|w|y)?$/i;
const duration = () => z.string().trim().regex(DURATION, { error: 'expected a duration such as 900, 15m, 12h or 7d' });

const DURATION_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31557600 };
/** "7d" -> 604800; a bare number is seconds. */
export function durationToSeconds(value: string): number {
  const match = /^(\d+)\s*([a-z]*)$/i.exec(value.trim());
  if (!match) throw new Error(`not a duration: ${value}`);
  const unit = (match[2] || 's').toLowerCase();
  return Math.round(Number(match[1]) * (DURATION_SECONDS[unit] ?? 1));
}

function httpUrl() {
  return z
    .string()
    .trim()
    .refine((value) => {
      try {
        const url = new URL(value);
        return url.protocol === 'http:' || url.protocol === 'https:';
      } catch {
        return false;
      }
    }, { error: 'expected an absolute http:// or https:// URL' });
}

const EMAIL_RULE = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/;
/** one plain address (no display name): where the server sends from or to */
const emailAddress = () => z.string().trim().regex(EMAIL_RULE, { error: 'expected an e-mail address such as admin@example.org' });

export function isEmailAddress(value: string): boolean {
  return EMAIL_RULE.test(value.trim());
}

const commaList = () =>
  z
    .string()
    .transform((value) => value.split(',').map((part) => part.trim()).filter((part) => part.length > 0));

const SIZE = /^\d+(\.\d+)?\s*(b|kb|mb|gb|k|m|g)?$/i;

/** a size such as 512kb or 16mb (SIZE) in bytes; k, m, g are powers of 1024 */
export function sizeToBytes(size: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]?)b?$/i.exec(size.trim());
  if (!m) return NaN;
  const unit = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Math.floor(Number(m[1]) * unit);
}

/** Database names follow the legacy routing rule (docs/legacy-api.md, "Database names"). */
const DB_NAME_RULE = /^[a-z0-9_]{1,15}$/i;

/** Values that are public knowledge and therefore no secret at all. */
export const WELL_KNOWN_SECRETS: readonly string[] = [
  'secret',
  'changeme',
  'change-me',
  'change_me',
  'password',
  'jwt-secret',
  'jwt_secret',
  'your-secret-key',
  'your_jwt_secret',
  'your-jwt-secret',
  'supersecret',
  'default',
  'integram',
];

/** The placeholder the generated .env example carries; refused in production like any weak value. */
export const EXAMPLE_SECRET_PLACEHOLDER = 'replace-with-the-output-of-npm-run-generate-jwt-secret';

/** Why a secret is too weak for production, or null when it is acceptable. */
export function weakSecretReason(value: string, minLength: number): string | null {
  const lower = value.trim().toLowerCase();
  if (lower === EXAMPLE_SECRET_PLACEHOLDER || WELL_KNOWN_SECRETS.includes(lower)) {
    return 'is a well-known example value';
  }
  if (value.length < minLength) return `is ${value.length} characters long; at least ${minLength} are required in production`;
  if (new Set(value).size < 10) return 'repeats too few distinct characters to be a secret';
  return null;
}

/**
 * The query parameters that name a unix socket in a mysql:// URL, in the order they are read:
 * `socket` (Prisma, the mysql client's --socket), `socketPath` (mysql2 / node-mysql's option),
 * `unix_socket` (PyMySQL / SQLAlchemy). The store reads them (storage/mysql/endpoint.ts).
 */
export const MYSQL_URL_SOCKET_PARAMS = ['socket', 'socketPath', 'unix_socket'] as const;

function databaseUrl() {
  return z
    .string()
    .trim()
    .superRefine((value, ctx) => {
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        ctx.addIssue({ code: 'custom', message: 'expected mysql://user:password@host:3306/database' });
        return;
      }
      if (url.protocol === 'postgres:' || url.protocol === 'postgresql:') {
        ctx.addIssue({
          code: 'custom',
          message:
            'PostgreSQL servers are not supported yet; use a mysql:// URL for MySQL/MariaDB, or leave DATABASE_URL unset for the embedded store',
        });
        return;
      }
      if (url.protocol !== 'mysql:' && url.protocol !== 'mariadb:') {
        ctx.addIssue({ code: 'custom', message: `unsupported scheme "${url.protocol}"; expected mysql://user:password@host:3306/database` });
        return;
      }
      if (!url.hostname) ctx.addIssue({ code: 'custom', message: 'the URL names no host' });
      for (const name of MYSQL_URL_SOCKET_PARAMS) {
        const socket = url.searchParams.get(name);
        if (socket !== null && !path.isAbsolute(socket)) {
          ctx.addIssue({ code: 'custom', message: `${SOCKET_PATH_MESSAGE} (${name}=${socket})` });
        }
      }
    });
}

const SOCKET_PATH_MESSAGE = 'expected the absolute path of the MySQL/MariaDB unix socket, such as /run/mysqld/mysqld.sock';

/** DB_SOCKET and the console's socket fields: an absolute path (or a Windows named pipe, \\.\pipe\MySQL). */
export function mysqlSocketPath() {
  return z.string().trim().refine((value) => path.isAbsolute(value), { error: SOCKET_PATH_MESSAGE });
}

// ---------------------------------------------------------------------------
// The registry
// ---------------------------------------------------------------------------

export const SETTINGS = {
  // server
  PORT: setting('server', integer(0, 65535).default(8081), 'TCP port of the HTTP server (0 = any free port, for tests)'),
  HOST: setting(
    'server',
    text().default('127.0.0.1'),
    'Address to listen on: 127.0.0.1 = this PC only; 0.0.0.0 = office LAN (refused until a console admin password exists)',
  ),
  PUBLIC_URL: setting(
    'server',
    httpUrl().optional(),
    'Base URL the API description (/api/openapi.json, Swagger UI) names as its server (default "/": the address the page came from); also the OAuth redirect_uri {PUBLIC_URL}/auth.asp (default https://{host}/auth.asp)',
  ),
  SERVER_NAME: setting(
    'server',
    text().optional(),
    "Host name in the legacy master-admin hash sha1(SERVER_NAME + db + password); the PHP server's SERVER_NAME shares its master-admin logins (default 127.0.0.1)",
  ),
  NODE_ENV: setting(
    'server',
    z.enum(['production', 'development', 'test']).default('production'),
    'Run mode: production refuses a short or well-known JWT_SECRET; development allows AUTH_MODE=mock; test is for the test suites',
  ),
  HTTPS_ENABLED: setting('server', flag(false), 'Serve HTTPS instead of HTTP (needs SSL_CERT_PATH and SSL_KEY_PATH)'),
  SSL_CERT_PATH: setting('server', text().optional(), 'PEM certificate file for HTTPS'),
  SSL_KEY_PATH: setting('server', text().optional(), 'PEM private key file for HTTPS'),
  CORS_ORIGIN: setting(
    'server',
    commaList().optional(),
    'Comma-separated origins allowed to call /api/* from a browser (the legacy API always sends *; the admin API never)',
  ),
  TRUST_PROXY: setting(
    'server',
    z
      .string()
      .trim()
      .transform((value): boolean | number | string => {
        const word = value.toLowerCase();
        if (TRUE_WORDS.has(word) && word !== '1') return true;
        if (FALSE_WORDS.has(word) && word !== '0') return false;
        if (/^\d+$/.test(word)) return Number(word);
        return value;
      })
      .default(false),
    'Express "trust proxy": false, true, a hop count, or a comma list of proxy addresses (e.g. loopback)',
  ),
  ENV_FILE: setting('server', text().optional(), 'The .env file to read (default ./.env; the --env-file argument wins)'),
  BODY_LIMIT: setting('server', z.string().trim().regex(SIZE, { error: 'expected a size such as 512kb or 8mb' }).default('8mb'), 'Largest accepted request body: JSON or form bodies, and any body on the legacy URL API'),
  SHUTDOWN_TIMEOUT_MS: setting('server', integer(0, 600_000).default(10_000), 'How long a graceful shutdown waits for requests in flight (ms)'),
  HEAP_KEEPER: setting('server', flag(true), 'Return memory to the system soon after busy periods (server/runtime/heap.ts); false leaves V8 to its defaults'),

  // database
  DATABASE_URL: setting('database', databaseUrl().optional(), 'MySQL/MariaDB as one URL, mysql://user:password@host:3306/database, or through a unix socket mysql://user:password@localhost/database?socket=/run/mysqld/mysqld.sock (wins over DB_*)', {
    secret: true,
  }),
  DB_SOCKET: setting('database', mysqlSocketPath().optional(), 'MySQL/MariaDB unix socket, e.g. /run/mysqld/mysqld.sock; when set, MySQL is used through it and DB_HOST/DB_PORT are not'),
  DB_HOST: setting('database', text().optional(), 'MySQL/MariaDB host; with DB_HOST or DB_USER set MySQL is used, otherwise embedded PGlite'),
  DB_PORT: setting('database', integer(1, 65535).default(3306), 'MySQL/MariaDB port'),
  DB_NAME: setting('database', z.string().trim().regex(/^[A-Za-z0-9_$]{1,64}$/, { error: 'expected a MySQL database name' }).default('integram'), 'MySQL database (schema) that holds the tables'),
  DB_USER: setting('database', text().optional(), 'MySQL user'),
  DB_PASSWORD: setting('database', z.string().optional(), 'MySQL password', { secret: true }),
  PGLITE_SYNC_COMMITS: setting('database', flag(true),
    'Embedded store: sync every commit to the disk before answering (off: faster writes, but a power cut can lose the last seconds of them)'),
  DB_CHARSET: setting('database', z.string().trim().regex(/^[a-z0-9_]+$/i, { error: 'expected a name of letters, digits or _' }).default('utf8mb4'), 'MySQL connection character set'),
  DB_PING_INTERVAL_MS: setting('database', integer(500, 600_000).default(5000), 'How often the server checks that the database still answers (ms)'),

  // auth
  JWT_SECRET: setting('auth', z.string().min(1).optional(), 'Signing key of API tokens (generated into the data folder when absent); in production at least 64 characters', {
    secret: true,
    generatedFile: 'jwt-secret',
    example: EXAMPLE_SECRET_PLACEHOLDER,
  }),
  JWT_ACCESS_TOKEN_EXPIRES_IN: setting('auth', duration().default('15m'), 'Lifetime of an API access token'),
  JWT_REFRESH_TOKEN_EXPIRES_IN: setting('auth', duration().default('7d'), 'Lifetime of an API refresh token'),
  BCRYPT_ROUNDS: setting('auth', integer(4, 15).default(10), "bcrypt cost of the console admin password (Integram users keep the PHP engine's salted SHA-512)"),
  AUTH_SALT: setting(
    'auth',
    z.string().min(1).optional(),
    "The legacy engine's SALT; must equal the PHP engine's to share a MySQL database (generated into the data folder when absent)",
    { secret: true, aliases: ['INTEGRAM_SALT'], generatedFile: 'auth-salt' },
  ),
  AUTH_COOKIE_EXPIRE: setting(
    'auth',
    integer(0, 315_360_000).default(2_592_000),
    "Lifetime in seconds of the legacy login cookie idb_{db} (password login, guest) and of tzone, as PHP's COOKIES_EXPIRE; 0 = until the browser closes",
  ),
  TOKEN_TTL: setting(
    'auth',
    duration().transform(durationToSeconds).optional(),
    'Legacy tokens stop working after this long without activity (seconds or 30d; logging in again revives them); unset = never, as in PHP',
  ),
  INTEGRAM_MASTER_PASSWORD: setting('auth', z.string().min(1).optional(), 'Master admin password of the legacy engine (unset = no master admin)', { secret: true }),
  AUTH_MODE: setting('auth', z.enum(['real', 'mock']).default('real'), 'real; mock is for development only (NODE_ENV=development on a loopback HOST)'),
  REGISTRATION_ENABLED: setting('auth', flag(false), 'Allow self-registration through POST /api/auth/register, and an account with a database of its own at a first OAuth sign-in'),
  OAUTH_GOOGLE_CLIENT_ID: setting('auth', text().optional(), 'Client id of the Google sign-in of the legacy engine (/auth.asp callback); unset = Google sign-in off'),
  OAUTH_GOOGLE_CLIENT_SECRET: setting('auth', text().optional(), 'Client secret of the Google sign-in', { secret: true }),
  OAUTH_GOOGLE_TOKEN_URL: setting('auth', httpUrl().default('https://accounts.google.com/o/oauth2/token'), "Google's token endpoint (the code is exchanged here)"),
  OAUTH_GOOGLE_USERINFO_URL: setting('auth', httpUrl().default('https://www.googleapis.com/oauth2/v1/userinfo'), "Google's userinfo endpoint"),
  OAUTH_YANDEX_CLIENT_ID: setting('auth', text().optional(), 'Client id of the Yandex sign-in of the legacy engine (/auth.asp callback); unset = Yandex sign-in off'),
  OAUTH_YANDEX_CLIENT_SECRET: setting('auth', text().optional(), 'Client secret of the Yandex sign-in', { secret: true }),
  OAUTH_YANDEX_TOKEN_URL: setting('auth', httpUrl().default('https://oauth.yandex.ru/token'), "Yandex's token endpoint (the code is exchanged here)"),
  OAUTH_YANDEX_USERINFO_URL: setting('auth', httpUrl().default('https://login.yandex.ru/info?format=json'), "Yandex's userinfo endpoint"),
  DEFAULT_DATABASE: setting('auth', z.string().trim().regex(DB_NAME_RULE, { error: 'expected a database name of 1-15 letters, digits or _' }).default('my'), 'Database used by /api/auth when a request names none; the first-run wizard creates it, registration opens only there'),
  INTEGRAM_TEMPLATES: setting('auth', z.string().trim().regex(/^:([a-z0-9_]+:)+$/i, { error: 'expected a list like :ru:en:' }).default(':ru:en:'), 'Templates offered for new databases'),
  ADMIN_ALLOWED_IPS: setting(
    'auth',
    commaList()
      .refine((list) => list.every(isIpOrCidr), { error: 'expected a comma list of IP addresses or CIDR blocks' })
      .default(['127.0.0.1', '::1']),
    'Addresses allowed to use the admin API (comma list of IPs/CIDRs; default loopback only)',
  ),

  // files
  DATA_DIR: setting('files', text().default('./data'), 'Data folder: embedded database, generated secrets, logs, backups (desktop: the app-data folder)'),
  UPLOAD_DIR: setting('files', text().optional(), 'Folder of the files stored in FILE columns of the legacy engine, one subfolder per database (default DATA_DIR/uploads); included in backups'),
  UPLOAD_MAX_SIZE: setting('files', z.string().trim().regex(SIZE, { error: 'expected a size such as 512kb or 16mb' }).default('16mb'), 'Largest file accepted in one upload (a FILE column, a table import); larger answers 413'),

  // logs
  LOG_LEVEL: setting('logs', z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'), 'Least severe level written: fatal, error, warn, info, debug or trace'),
  LOG_FILE: setting('logs', text().optional(), 'Log file, rotated daily and by size (default DATA_DIR/logs/server.log; "off" = none)'),
  LOG_MAX_SIZE: setting('logs', z.string().trim().regex(/^\d+\s*[kmg]?$/i, { error: 'expected a size such as 500k, 10m or 1g' }).default('10m'), 'Size at which the log file is rotated'),
  LOG_KEEP: setting('logs', integer(1, 1000).default(14), 'How many rotated log files are kept'),
  LOG_FORMAT: setting('logs', z.enum(['pretty', 'json']).default('pretty'), 'Format of the log on stdout (the file is always JSON lines)'),
  DISABLE_LOGGING: setting('logs', flag(false), 'Write no log at all (the startup lines still appear on stdout)'),

  // jobs and updates
  BACKUP_SCHEDULE: setting(
    'jobs',
    z.string().trim().refine((value) => isValidCron(value), { error: 'expected a cron expression such as "0 3 * * *"' }).default('0 3 * * *'),
    'When backups run (cron expression; default daily at 03:00)',
  ),
  BACKUP_KEEP: setting('jobs', integer(1, 10_000).default(14), 'How many backups are kept'),
  UPDATE_URL: setting('jobs', httpUrl().optional(), 'Update feed (electron-updater generic provider; may be a LAN server)'),
  UPDATE_CHANNEL: setting('jobs', z.string().trim().regex(/^[a-z0-9-]+$/i, { error: 'expected a name of letters, digits or -' }).default('latest'), 'Update channel'),

  // AI chat (server/appliance/ai/): the first provider with a key answers, in the order POLZA > DEEPSEEK > ANTHROPIC > OPENAI
  POLZA_AI_API_KEY: setting('ai', text().optional(), 'API key of Polza.ai (OpenAI-compatible aggregator); the first AI chat provider tried', { secret: true }),
  POLZA_AI_BASE_URL: setting('ai', httpUrl().default('https://polza.ai/api/v1'), 'Base URL of the Polza.ai API (…/chat/completions is appended)'),
  POLZA_AI_MODEL: setting('ai', text().default('openai/gpt-4o-mini'), 'Model asked at Polza.ai'),
  DEEPSEEK_API_KEY: setting('ai', text().optional(), 'API key of DeepSeek; the second AI chat provider tried', { secret: true }),
  DEEPSEEK_BASE_URL: setting('ai', httpUrl().default('https://api.deepseek.com'), 'Base URL of the DeepSeek API (…/chat/completions is appended)'),
  DEEPSEEK_MODEL: setting('ai', text().default('deepseek-chat'), 'Model asked at DeepSeek'),
  ANTHROPIC_API_KEY: setting('ai', text().optional(), 'API key of Anthropic (messages API); the third AI chat provider tried', { secret: true }),
  ANTHROPIC_BASE_URL: setting('ai', httpUrl().default('https://api.anthropic.com'), 'Base URL of the Anthropic API (…/v1/messages is appended)'),
  ANTHROPIC_MODEL: setting('ai', text().default('claude-3-5-haiku-latest'), 'Model asked at Anthropic'),
  OPENAI_API_KEY: setting('ai', text().optional(), 'API key of OpenAI; the last AI chat provider tried', { secret: true }),
  OPENAI_BASE_URL: setting('ai', httpUrl().default('https://api.openai.com/v1'), 'Base URL of the OpenAI API (…/chat/completions is appended)'),
  OPENAI_MODEL: setting('ai', text().default('gpt-4o-mini'), 'Model asked at OpenAI'),
  AI_TIMEOUT_MS: setting('ai', integer(1000, 600_000).default(30_000), 'How long the AI chat waits for a provider to start answering, and between two parts of an answer (ms), before it tries the next provider'),
  AI_MAX_TOKENS: setting('ai', integer(16, 100_000).default(1024), 'Longest answer of the AI chat, in tokens'),
  // the main Integram server databases are brought over from (appliance/pull.ts: `npm run db -- pull`, the console)
  INTEGRAM_API_BASE_URL: setting('upstream', httpUrl().optional(), 'Address of the main Integram server databases are brought over from (the default of `npm run db -- pull --from` and of the console\'s form)'),
  INTEGRAM_AUTH_TOKEN: setting('upstream', z.string().trim().min(1).optional(), 'Integram token of an admin of the database on the main server, used to bring it over when no login is given', { secret: true }),
  INTEGRAM_REGISTRATION_USERNAME: setting('upstream', z.string().trim().min(1).optional(), 'Login of an admin on the main Integram server, used to bring a database over (wins over INTEGRAM_AUTH_TOKEN)'),
  INTEGRAM_REGISTRATION_PASSWORD: setting('upstream', z.string().min(1).optional(), 'Password of INTEGRAM_REGISTRATION_USERNAME on the main Integram server', { secret: true }),
  // mail (server/appliance/mail.ts; docs/modern-api.md, "Mail")
  SMTP_HOST: setting('mail', text().optional(), 'SMTP server that sends the mail (test mail, password reset, alerts to ADMIN_EMAIL); unset = no mail is sent'),
  SMTP_PORT: setting('mail', integer(1, 65535).default(587), 'SMTP port: 587 (STARTTLS) or 465 (with SMTP_SECURE=true); 25 inside a LAN'),
  SMTP_SECURE: setting('mail', flag(false), 'true = TLS from the first byte (port 465); false = plain connection upgraded by STARTTLS when the server offers it'),
  SMTP_USER: setting('mail', text().optional(), 'SMTP login (unset = send without authentication)'),
  SMTP_PASSWORD: setting('mail', z.string().optional(), 'SMTP password', { secret: true }),
  FROM_EMAIL: setting('mail', emailAddress().optional(), 'Sender address of every mail (default SMTP_USER when it is an address)'),
  FROM_NAME: setting('mail', text().default('Integram'), 'Sender name shown with FROM_EMAIL'),
  FRONTEND_URL: setting(
    'mail',
    httpUrl().optional(),
    'Where the links in mails lead: {FRONTEND_URL}/reset-password?token=… (default: this server\'s own page, at PUBLIC_URL or the address the request came to)',
  ),
  ADMIN_EMAIL: setting('mail', emailAddress().optional(), 'Address of the console admin: a failed scheduled backup or a disk running low is mailed there (unset = no alerts)'),
  DISK_ALERT_FREE_MB: setting('mail', integer(0, 10_000_000).default(1024), 'Mail ADMIN_EMAIL when the data folder\'s disk has less free space than this many megabytes (0 = never)'),
  REGISTRATION_REQUIRES_EMAIL_CONFIRMATION: setting(
    'mail',
    flag(false),
    'Self-registration (POST /api/auth/register) mails a confirmation link; the new user signs in only after following it (needs SMTP_HOST)',
  ),
} as const;

export type SettingKey = keyof typeof SETTINGS;
export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];

/** Registry metadata without the zod type (what the console and verify-env show). */
export function settingMeta(key: SettingKey): SettingMeta {
  const { schema: _schema, ...meta } = SETTINGS[key];
  return meta;
}

/** The default of a setting as a display string, or undefined when it has none. */
export function settingDefault(key: SettingKey): unknown {
  const parsed = SETTINGS[key].schema.safeParse(undefined);
  return parsed.success ? parsed.data : undefined;
}

type Shape = { [K in SettingKey]: (typeof SETTINGS)[K]['schema'] };
const shape = Object.fromEntries(SETTING_KEYS.map((key) => [key, SETTINGS[key].schema])) as Shape;

const settingsObject = z.object(shape);

function fileReadable(file: string): boolean {
  try {
    accessSync(file, fsConstants.R_OK);
    return true;
  } catch {
    return false;
  }
}

export type ParsedSettings = z.output<typeof settingsObject>;

export interface CrossFieldIssue {
  key: SettingKey;
  message: string;
}

/** Rules that involve more than one setting; each issue names the key to blame. */
export function crossFieldIssues(c: ParsedSettings): CrossFieldIssue[] {
  const issues: CrossFieldIssue[] = [];
  const issue = (key: SettingKey, message: string) => issues.push({ key, message });

  if (c.NODE_ENV === 'production') {
    if (c.JWT_SECRET !== undefined) {
      const weak = weakSecretReason(c.JWT_SECRET, 64);
      if (weak) issue('JWT_SECRET', `${weak}; run npm run generate-jwt-secret, or remove it to have one generated`);
    }
  }

  if (c.AUTH_MODE === 'mock') {
    if (c.NODE_ENV !== 'development') issue('AUTH_MODE', 'mock is allowed only with NODE_ENV=development');
    else if (!isLoopbackHost(c.HOST)) issue('AUTH_MODE', `mock is allowed only on a loopback HOST (127.0.0.1), not ${c.HOST}`);
  }

  if (c.HTTPS_ENABLED) {
    for (const key of ['SSL_CERT_PATH', 'SSL_KEY_PATH'] as const) {
      const file = c[key];
      if (file === undefined) issue(key, 'required when HTTPS_ENABLED=true');
      else if (!fileReadable(path.resolve(file))) issue(key, `cannot read ${file}`);
    }
  }
  if (c.SMTP_HOST !== undefined && c.FROM_EMAIL === undefined && !(c.SMTP_USER !== undefined && isEmailAddress(c.SMTP_USER))) {
    issue('FROM_EMAIL', 'required when SMTP_HOST is set and SMTP_USER is no e-mail address');
  }
  if (c.REGISTRATION_REQUIRES_EMAIL_CONFIRMATION && c.SMTP_HOST === undefined) {
    issue('REGISTRATION_REQUIRES_EMAIL_CONFIRMATION', 'needs SMTP_HOST: the confirmation link is mailed');
  }
  return issues;
}

function crossFieldRules(c: ParsedSettings, ctx: z.RefinementCtx): void {
  for (const { key, message } of crossFieldIssues(c)) ctx.addIssue({ code: 'custom', path: [key], message });
}

/**
 * Each setting parsed on its own, invalid ones replaced by their default: lets the loader run
 * the cross-field rules even when some field is invalid, so every error is reported at once.
 */
export function parseLeniently(input: Record<string, unknown>): ParsedSettings {
  const out: Record<string, unknown> = {};
  for (const key of SETTING_KEYS) {
    const parsed = SETTINGS[key].schema.safeParse(input[key]);
    out[key] = parsed.success ? parsed.data : SETTINGS[key].schema.safeParse(undefined).data;
  }
  return out as ParsedSettings;
}

/** The complete schema: per-setting types, cross-field rules, derived paths. */
export const configSchema = settingsObject.superRefine(crossFieldRules).transform((c) => {
  const dataDir = path.resolve(c.DATA_DIR);
  const logFile = c.LOG_FILE === undefined ? path.join(dataDir, 'logs', 'server.log') : c.LOG_FILE.toLowerCase() === 'off' ? null : path.resolve(c.LOG_FILE);
  return {
    ...c,
    DATA_DIR: dataDir,
    LOG_FILE: logFile,
    UPLOAD_DIR: c.UPLOAD_DIR === undefined ? path.join(dataDir, 'uploads') : path.resolve(c.UPLOAD_DIR),
    UPLOAD_MAX_BYTES: sizeToBytes(c.UPLOAD_MAX_SIZE),
    // filled by the loader (from the environment, the data folder, or freshly generated)
    JWT_SECRET: c.JWT_SECRET ?? '',
    AUTH_SALT: c.AUTH_SALT ?? '',
  };
});

/** The validated, typed configuration every server module receives. */
export type AppConfig = z.output<typeof configSchema>;
