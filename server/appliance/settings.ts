/**
 * The console's settings page, driven by the config registry (server/config/schema.ts):
 * read (every setting, secrets masked), validate (the real loader on the candidate file, so
 * per-field messages and cross-field rules are exactly what the server would say at start),
 * write (only known keys, atomic .env write keeping comments and order).
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { parse as parseDotenv } from 'dotenv';
import { fieldCodesOf, type FieldCode } from '../config/field-codes.js';
import { loadConfig, type SettingReport } from '../config/index.js';
import { SETTINGS, SETTING_KEYS, settingDefault, type SettingKey } from '../config/schema.js';
import { applyEnvChanges, updateEnvFile } from './env-file.js';
import { lanModeRefusal } from './lan-rule.js';
import { BACKUP_JOB, type BackupPolicy } from './job-names.js';
import { storeTargetFromConfig, type StoreTarget } from '../storage/target.js';
import type { JobRegistry } from '../jobs/registry.js';

/** What a set secret reads as; sending it back means "unchanged". */
/** One setting as the console shows it (GET /api/admin/settings). */
export interface SettingField {
  key: string;
  group: string;
  description: string;
  /** 'string' | 'number' | 'boolean' | 'enum' | 'url' | 'cron' | 'path' */
  kind: string;
  enumValues?: string[];
  secret: boolean;
  /** masked ("••••••") for secrets that are set */
  value: string | null;
  defaultValue: string | null;
  source: 'env' | 'file' | 'default' | 'generated';
  /** changing it needs a server restart */
  restartRequired: boolean;
}
export interface SettingsView { envFile: string; fields: SettingField[] }
export interface ValidationResult {
  ok: boolean;
  /** per setting: the problem in English */
  fields: Record<string, string>;
  /** the same problems as codes with params, for the console's languages (config/field-codes.ts) */
  codes: Record<string, FieldCode>;
}

export const SECRET_PLACEHOLDER = '••••••';

/** Settings the running server applies without a restart (applyLiveSettings). */
export const LIVE_SETTINGS: ReadonlySet<SettingKey> = new Set<SettingKey>(['BACKUP_SCHEDULE', 'BACKUP_KEEP']);

export interface SettingsContext {
  /** the .env file the console edits */
  envFile: string;
  /** the process environment (wins over the file); default process.env */
  env?: NodeJS.ProcessEnv;
  /** base of relative paths; default process.cwd() */
  cwd?: string;
}

function isSettingKey(key: string): key is SettingKey {
  return Object.prototype.hasOwnProperty.call(SETTINGS, key);
}

function fieldKind(key: SettingKey): { kind: string; enumValues?: string[] } {
  if (key === 'BACKUP_SCHEDULE') return { kind: 'cron' };
  if (/_URL$/.test(key)) return { kind: 'url' };
  if (/_DIR$|_PATH$/.test(key) || key === 'LOG_FILE' || key === 'ENV_FILE') return { kind: 'path' };
  let json: Record<string, unknown> = {};
  try {
    json = z.toJSONSchema(SETTINGS[key].schema as z.ZodType, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  } catch {
    // a type JSON Schema cannot express: treat as text
  }
  if (Array.isArray(json.enum)) return { kind: 'enum', enumValues: json.enum.map(String) };
  const def = settingDefault(key);
  if (json.type === 'boolean' || typeof def === 'boolean') return { kind: 'boolean' };
  if (json.type === 'integer' || json.type === 'number' || typeof def === 'number') return { kind: 'number' };
  return { kind: 'string' };
}

function defaultText(key: SettingKey): string | null {
  const value = settingDefault(key);
  if (value === undefined || value === null) return null;
  return Array.isArray(value) ? value.join(',') : String(value);
}

async function readText(file: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ENOENT') return '';
    throw err;
  }
}

/** Runs the real loader on `text` as the .env file (through a private temp file). */
async function loadCandidate(ctx: SettingsContext, text: string): Promise<ReturnType<typeof loadConfig>> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'integram-settings-'));
  const file = path.join(dir, `${randomBytes(4).toString('hex')}.env`);
  try {
    await fs.writeFile(file, text, { mode: 0o600 });
    return loadConfig({ env: ctx.env ?? process.env, envFile: file, argv: [], cwd: ctx.cwd ?? process.cwd(), persistSecrets: false });
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** The raw text a setting was given as (file or environment), before parsing. */
function rawValue(report: SettingReport, fileValues: Record<string, string>, env: NodeJS.ProcessEnv): string | null {
  const name = report.readAs ?? report.key;
  if (report.source === 'file') return fileValues[name] ?? null;
  if (report.source === 'env') return env[name] ?? null;
  return null;
}

export async function readSettings(ctx: SettingsContext): Promise<SettingsView> {
  const env = ctx.env ?? process.env;
  const text = await readText(ctx.envFile);
  const loaded = await loadCandidate(ctx, text);
  const fileValues = parseDotenv(text);
  const fields: SettingField[] = loaded.report.map((report) => {
    const key = report.key;
    const meta = SETTINGS[key];
    let value = rawValue(report, fileValues, env);
    if (key === 'ENV_FILE') value = ctx.envFile;
    if (meta.secret) value = value !== null || report.source === 'generated' ? SECRET_PLACEHOLDER : null;
    return {
      key,
      group: meta.group,
      description: meta.description,
      ...fieldKind(key),
      secret: meta.secret,
      value,
      defaultValue: meta.secret ? null : defaultText(key),
      source: report.source,
      restartRequired: !LIVE_SETTINGS.has(key),
    };
  });
  return { envFile: ctx.envFile, fields };
}

export interface PlannedChange {
  ok: boolean;
  fields: Record<string, string>;
  /** key -> new text (null = remove from the file) for keys that really change */
  changes: Record<string, string | null>;
  /** the candidate file text */
  text: string;
  before: string;
  /** the store the server would open with these settings (when they are valid) */
  storeTarget?: StoreTarget;
}

/**
 * Turns a console update into .env changes and validates the result with the real loader.
 * Unknown keys and the LAN rule are reported per field; secrets sent back as the placeholder
 * are left as they are.
 */
export async function planSettingsChange(
  ctx: SettingsContext,
  values: Record<string, unknown>,
  options: { adminExists: boolean },
): Promise<PlannedChange> {
  const before = await readText(ctx.envFile);
  const fileValues = parseDotenv(before);
  const fields: Record<string, string> = {};
  const changes: Record<string, string | null> = {};
  for (const [key, value] of Object.entries(values)) {
    if (!isSettingKey(key)) { fields[key] = 'unknown setting'; continue; }
    if (key === 'ENV_FILE') { fields[key] = 'the .env file location cannot be changed from inside that file'; continue; }
    if (value !== null && typeof value !== 'string') { fields[key] = 'expected text or null'; continue; }
    if (SETTINGS[key].secret && value === SECRET_PLACEHOLDER) continue;
    if (typeof value === 'string' && /[\r\n]/.test(value)) { fields[key] = 'line breaks are not allowed'; continue; }
    // the loader treats an empty value as unset
    const next = value === null || value.trim() === '' ? null : value;
    const current = fileValues[key] ?? null;
    if (next !== current) changes[key] = next;
  }
  let text = before;
  try {
    text = applyEnvChanges(before, changes);
  } catch (err) {
    fields._file = (err as Error).message;
  }
  const loaded = await loadCandidate(ctx, text);
  for (const item of loaded.report) {
    if (item.status === 'error' && !fields[item.key]) fields[item.key] = item.message ?? 'invalid';
  }
  const host = loaded.report.find((r) => r.key === 'HOST');
  const hostValue = typeof host?.value === 'string' ? host.value : String(settingDefault('HOST'));
  const lanProblem = lanModeRefusal(hostValue, options.adminExists);
  if (lanProblem && !fields.HOST) fields.HOST = lanProblem;
  const storeTarget = loaded.ok ? storeTargetFromConfig(loaded.config) : undefined;
  return { ok: Object.keys(fields).length === 0, fields, changes, text, before, storeTarget };
}

export async function validateSettings(
  ctx: SettingsContext,
  values: Record<string, unknown>,
  options: { adminExists: boolean },
): Promise<ValidationResult> {
  const plan = await planSettingsChange(ctx, values, options);
  return { ok: plan.ok, fields: plan.fields, codes: fieldCodesOf(plan.fields) };
}

export type WriteOutcome =
  | { ok: true; changed: SettingKey[]; restartRequired: boolean }
  | { ok: false; fields: Record<string, string> };

let writing: Promise<unknown> = Promise.resolve();

/** Validates and, when valid, writes the .env file atomically. Writes are serialised. */
export async function writeSettings(
  ctx: SettingsContext,
  values: Record<string, unknown>,
  options: { adminExists: boolean },
): Promise<WriteOutcome> {
  const job = writing.then(async (): Promise<WriteOutcome> => {
    const plan = await planSettingsChange(ctx, values, options);
    if (!plan.ok) return { ok: false, fields: plan.fields };
    const changed = (await updateEnvFile(ctx.envFile, plan.changes)).filter(isSettingKey);
    return { ok: true, changed, restartRequired: changed.some((key) => !LIVE_SETTINGS.has(key)) };
  });
  writing = job.catch(() => undefined);
  return job;
}

/** What the live settings change in the running server. */
export interface LiveSettingsTarget {
  /** BACKUP_SCHEDULE / BACKUP_KEEP as the running server uses them */
  backupPolicy: BackupPolicy;
  jobs: JobRegistry;
}

/** After a write: BACKUP_SCHEDULE and BACKUP_KEEP take effect at once (the others at the next start). */
export async function applyLiveSettings(ctx: SettingsContext, changed: readonly string[], target: LiveSettingsTarget): Promise<void> {
  if (!changed.some((key) => (LIVE_SETTINGS as ReadonlySet<string>).has(key))) return;
  const view = await readSettings(ctx);
  const valueOf = (key: string) => view.fields.find((f) => f.key === key);
  const schedule = valueOf('BACKUP_SCHEDULE');
  const keep = valueOf('BACKUP_KEEP');
  const policy = target.backupPolicy;
  if (changed.includes('BACKUP_KEEP')) policy.keep = Number(keep?.value ?? keep?.defaultValue ?? policy.keep);
  if (changed.includes('BACKUP_SCHEDULE')) {
    policy.schedule = schedule?.value ?? schedule?.defaultValue ?? null;
    await target.jobs.reschedule(BACKUP_JOB, policy.schedule);
  }
}

export { SETTING_KEYS };
