/**
 * Loads the configuration: environment > .env file > defaults, plus secrets generated into
 * the data folder at first start. Returns the typed `AppConfig` and a per-setting report
 * (what verify-env prints and the console's settings page shows).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import {
  SETTINGS,
  SETTING_KEYS,
  configSchema,
  crossFieldIssues,
  parseLeniently,
  settingDefault,
  settingMeta,
  type AppConfig,
  type SettingGroup,
  type SettingKey,
} from './schema.js';
import { readOrCreateSecret, readStoredSecret, generateSecret, secretsDir, type SecretKind } from './secrets.js';

export type { AppConfig, SettingKey, SettingGroup } from './schema.js';
export { SETTINGS, SETTING_KEYS, SETTING_GROUPS, settingMeta, settingDefault } from './schema.js';

export type SettingSource = 'env' | 'file' | 'default' | 'generated';
export type SettingStatus = 'ok' | 'default' | 'error';

export interface SettingReport {
  key: SettingKey;
  group: SettingGroup;
  description: string;
  secret: boolean;
  /** the effective value (parsed when valid, raw text when not); undefined when unset */
  value: unknown;
  /** the value as shown to people: secrets masked, lists joined */
  display: string;
  source: SettingSource;
  /** the name it was read under when an alias supplied it (e.g. INTEGRAM_SALT) */
  readAs?: string;
  status: SettingStatus;
  message?: string;
}

interface LoadedBase {
  report: SettingReport[];
  /** the .env file that was read, or null */
  envFile: string | null;
  /** keys in the .env file that are not settings (typos, leftovers) */
  unknownFileKeys: string[];
}

export type LoadedConfig =
  | (LoadedBase & { ok: true; config: AppConfig; errors: [] })
  | (LoadedBase & { ok: false; config: null; errors: string[] });

export interface LoadConfigOptions {
  /** default process.env */
  env?: NodeJS.ProcessEnv;
  /** explicit .env file (wins over --env-file and ENV_FILE) */
  envFile?: string;
  /** command-line arguments, scanned for --env-file <path> / --env-file=<path>; default process.argv */
  argv?: string[];
  /** base for relative paths; default process.cwd() */
  cwd?: string;
  /**
   * true (default): missing generated secrets are created in the data folder.
   * false: they are read when present, otherwise generated in memory only (verify-env
   * must not change the data folder).
   */
  persistSecrets?: boolean;
}

/** `--env-file <path>` or `--env-file=<path>` from an argument list. */
export function envFileFromArgv(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--env-file') return argv[i + 1];
    if (arg.startsWith('--env-file=')) return arg.slice('--env-file='.length);
  }
  return undefined;
}

const MASK = '********';

/** Masks a secret for display; keeps a URL readable but hides its password. */
export function maskSecret(value: string | undefined | null): string {
  if (value === undefined || value === null || value === '') return '';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    try {
      const url = new URL(value);
      if (url.password) url.password = MASK;
      else if (url.username && !url.host) return MASK;
      return url.toString();
    } catch {
      // not a URL after all: fall through
    }
  }
  return value.length >= 16 ? `${MASK} (${value.length} chars)` : MASK;
}

function displayValue(value: unknown, secret: boolean): string {
  if (value === undefined || value === null) return '';
  const text = Array.isArray(value) ? value.join(',') : String(value);
  return secret ? maskSecret(text) : text;
}

interface RawValue {
  value: string | undefined;
  source: SettingSource;
  readAs?: string;
}

/** A non-empty value from a name-value map, trying the key then its aliases. */
function pick(values: Record<string, string | undefined>, names: readonly string[]): { value: string; name: string } | undefined {
  for (const name of names) {
    const value = values[name];
    if (value !== undefined && value !== '') return { value, name };
  }
  return undefined;
}

function readEnvFile(file: string): { values: Record<string, string>; error?: string } {
  try {
    return { values: parseDotenv(readFileSync(file)) };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { values: {}, error: code === 'ENOENT' ? `the file ${file} does not exist` : `cannot read ${file} (${code ?? String(err)})` };
  }
}

export function loadConfig(options: LoadConfigOptions = {}): LoadedConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const argv = options.argv ?? process.argv.slice(2);
  const persistSecrets = options.persistSecrets ?? true;

  // 1. Which .env file: explicit option, --env-file, ENV_FILE, else ./.env when present.
  const explicitFile = options.envFile ?? envFileFromArgv(argv) ?? (env.ENV_FILE || undefined);
  const defaultFile = path.resolve(cwd, '.env');
  const envFile = explicitFile !== undefined ? path.resolve(cwd, explicitFile) : existsSync(defaultFile) ? defaultFile : null;
  const fileRead = envFile ? readEnvFile(envFile) : { values: {} as Record<string, string> };
  const fileValues = fileRead.values;

  // 2. The raw string of every setting and where it came from.
  const raw = new Map<SettingKey, RawValue>();
  for (const key of SETTING_KEYS) {
    const names = [key, ...SETTINGS[key].aliases];
    const fromEnv = pick(env, names);
    const fromFile = fromEnv ? undefined : pick(fileValues, names);
    const found = fromEnv ?? fromFile;
    raw.set(key, {
      value: found?.value,
      source: fromEnv ? 'env' : fromFile ? 'file' : 'default',
      readAs: found && found.name !== key ? found.name : undefined,
    });
  }
  if (envFile && !raw.get('ENV_FILE')?.value) raw.set('ENV_FILE', { value: envFile, source: explicitFile ? 'env' : 'default' });

  // 3. Generated secrets, kept in the data folder.
  const dataDir = path.resolve(cwd, raw.get('DATA_DIR')?.value ?? String(settingDefault('DATA_DIR')));
  const notes = new Map<SettingKey, string>();
  const secretErrors = new Map<SettingKey, string>();
  for (const key of SETTING_KEYS) {
    const fileName = SETTINGS[key].generatedFile;
    if (!fileName || raw.get(key)?.value !== undefined) continue;
    const kind: SecretKind = key === 'JWT_SECRET' ? 'jwt' : 'salt';
    try {
      if (persistSecrets) {
        const stored = readOrCreateSecret(dataDir, fileName, kind);
        raw.set(key, { value: stored.value, source: 'generated' });
        notes.set(key, `${stored.created ? 'generated into' : 'read from'} ${stored.file}`);
      } else {
        const stored = readStoredSecret(dataDir, fileName);
        raw.set(key, { value: stored?.value ?? generateSecret(kind), source: 'generated' });
        notes.set(key, stored ? `read from ${stored.file}` : `not set; will be generated into ${path.join(secretsDir(dataDir), fileName)} at first start`);
      }
    } catch (err) {
      secretErrors.set(key, `cannot read or create ${path.join(secretsDir(dataDir), fileName)}: ${(err as Error).message}`);
    }
  }

  // 4. Validate everything at once (per-setting types and cross-field rules).
  const input: Record<string, string | undefined> = {};
  for (const [key, entry] of raw) input[key] = entry.value;
  // relative paths are relative to cwd, which may differ from process.cwd() in tests
  for (const key of ['DATA_DIR', 'SSL_CERT_PATH', 'SSL_KEY_PATH'] as const) {
    if (input[key] !== undefined) input[key] = path.resolve(cwd, input[key]);
  }
  if (input.LOG_FILE !== undefined && input.LOG_FILE.toLowerCase() !== 'off') input.LOG_FILE = path.resolve(cwd, input.LOG_FILE);
  if (input.DATA_DIR === undefined) input.DATA_DIR = dataDir;

  const parsed = configSchema.safeParse(input);
  const issues = new Map<SettingKey, string[]>();
  const otherErrors: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = issue.path[0];
      if (typeof key === 'string' && key in SETTINGS) {
        const list = issues.get(key as SettingKey) ?? [];
        list.push(issue.message);
        issues.set(key as SettingKey, list);
      } else {
        otherErrors.push(issue.message);
      }
    }
    // zod skips the cross-field rules when a field is invalid; run them anyway so every error shows at once
    for (const { key, message } of crossFieldIssues(parseLeniently(input))) {
      const list = issues.get(key) ?? [];
      if (!list.includes(message)) issues.set(key, [...list, message]);
    }
  }
  for (const [key, message] of secretErrors) issues.set(key, [...(issues.get(key) ?? []), message]);
  if (fileRead.error) issues.set('ENV_FILE', [...(issues.get('ENV_FILE') ?? []), fileRead.error]);

  // 5. The report.
  const config = parsed.success ? parsed.data : null;
  const report: SettingReport[] = SETTING_KEYS.map((key) => {
    const meta = settingMeta(key);
    const entry = raw.get(key) ?? { value: undefined, source: 'default' as const };
    const problems = issues.get(key);
    const value: unknown = problems ? entry.value : config ? config[key] : entry.value;
    const status: SettingStatus = problems ? 'error' : entry.source === 'default' ? 'default' : 'ok';
    const message = problems ? problems.join('; ') : notes.get(key) ?? (entry.readAs ? `read from ${entry.readAs}` : undefined);
    return {
      key,
      group: meta.group,
      description: meta.description,
      secret: meta.secret,
      value,
      display: displayValue(value ?? (entry.source === 'default' ? settingDefault(key) : undefined), meta.secret),
      source: entry.source,
      readAs: entry.readAs,
      status,
      message,
    };
  });

  const unknownFileKeys = Object.keys(fileValues).filter(
    (name) => !(name in SETTINGS) && !SETTING_KEYS.some((key) => SETTINGS[key].aliases.includes(name)),
  );

  const errors = [
    ...report.filter((item) => item.status === 'error').map((item) => `${item.key}: ${item.message ?? 'invalid'}`),
    ...otherErrors,
  ];
  if (config && secretErrors.size === 0 && !fileRead.error && errors.length === 0) {
    return { ok: true, config, errors: [], report, envFile, unknownFileKeys };
  }
  return { ok: false, config: null, errors, report, envFile, unknownFileKeys };
}
