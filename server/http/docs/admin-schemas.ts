/**
 * zod mirrors of the admin API contract (server/http/admin/contract.ts, types only) for the
 * OpenAPI document. The `satisfies` checks below make the compiler refuse a mirror that no
 * longer matches the contract's TypeScript types.
 */
import { z } from 'zod';
import type {
  AdminError, BackupInfo, DatabaseInfo, JobInfo, JobProgress, LoginResponse, MysqlTestResult, ServerStatus, SettingField, SetupStatus, UpdateStatus,
  ValidationResult,
} from '../admin/contract.js';
import { FIELD_MESSAGE_CODES, MESSAGE_CODES } from '../message-codes.js';

const messageParams = z.record(z.string(), z.union([z.string(), z.number()]))
  .describe('the values the code\'s text names (docs/messages.md)');
export const fieldCode = z.object({ code: z.enum(FIELD_MESSAGE_CODES), params: messageParams.optional() });
export const adminError = z.object({
  error: z.object({
    code: z.enum(MESSAGE_CODES).describe('stable code of the message; the console shows its text in the chosen language (docs/messages.md)'),
    message: z.string().describe('the message in English, for scripts and logs'),
    params: messageParams.optional(),
    fields: z.record(z.string(), z.string()).optional(),
    fieldCodes: z.record(z.string(), fieldCode).optional(),
  }),
});

export const setupStatus = z.object({
  adminExists: z.boolean(), firstRun: z.boolean(), dataDir: z.string().nullable(), lanAddresses: z.array(z.string()),
});
export const setupRequest = z.object({
  adminPassword: z.string(),
  database: z.union([
    z.object({ kind: z.literal('embedded') }),
    z.object({ kind: z.literal('mysql'), host: z.string(), port: z.number().int(), user: z.string(), password: z.string(), database: z.string() }),
  ]),
  access: z.enum(['local', 'lan']),
  dataDir: z.string().optional(),
});
export const adminLoginRequest = z.object({ password: z.string() });
export const adminLoginResponse = z.object({ token: z.string(), expiresAt: z.string() });
export const okResponse = z.object({ ok: z.literal(true) });

export const settingField = z.object({
  key: z.string(), group: z.string(), description: z.string(), kind: z.string(), enumValues: z.array(z.string()).optional(), secret: z.boolean(),
  value: z.string().nullable(), defaultValue: z.string().nullable(), source: z.enum(['env', 'file', 'default', 'generated']), restartRequired: z.boolean(),
});
export const settingsView = z.object({ envFile: z.string(), fields: z.array(settingField) });
export const settingsUpdate = z.object({ values: z.record(z.string(), z.string().nullable()) });
export const validationResult = z.object({ ok: z.boolean(), fields: z.record(z.string(), z.string()), codes: z.record(z.string(), fieldCode) });
export const settingsWriteResult = z.object({ ok: z.literal(true), restartRequired: z.boolean() });

export const mysqlTestRequest = z.object({ host: z.string(), port: z.number().int(), user: z.string(), password: z.string(), database: z.string() });
export const mysqlTestResult = z.object({ ok: z.boolean(), latencyMs: z.number().optional(), serverVersion: z.string().optional(), error: z.string().optional() });

export const logLine = z.object({
  time: z.string(), level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']), msg: z.string(), reqId: z.string().optional(),
}).catchall(z.unknown());

export const backupInfo = z.object({
  id: z.string(), createdAt: z.string(), sizeBytes: z.number(), driver: z.enum(['mysql', 'pglite']), databases: z.array(z.string()),
  kind: z.enum(['manual', 'scheduled', 'pre-restore']),
  saltMatches: z.boolean().nullable().describe("made with this server's AUTH_SALT; false: a restore needs applySalt; null: an older backup that does not say"),
});
export const backupList = z.object({ backups: z.array(backupInfo), schedule: z.string().nullable(), keep: z.number() });

export const jobInfo = z.object({
  name: z.string(), schedule: z.string().nullable(), lastRunAt: z.string().nullable(), lastResult: z.enum(['ok', 'error']).nullable(), nextRunAt: z.string().nullable(),
});
export const jobProgress = z.object({
  id: z.string(), name: z.string(), state: z.enum(['running', 'done', 'failed']), percent: z.number(), message: z.string(), startedAt: z.string(),
  finishedAt: z.string().nullable(), result: z.unknown().optional(),
});
export const databaseInfoAdmin = z.object({ name: z.string(), rows: z.number(), tables: z.number() });

export const serverStatus = z.object({
  status: z.enum(['ok', 'degraded', 'down']), version: z.string(), uptimeSeconds: z.number(),
  database: z.object({ driver: z.enum(['mysql', 'pglite']), connected: z.boolean(), target: z.string(), latencyMs: z.number().nullable(), reason: z.string().optional() }),
  disk: z.object({ dataDir: z.string(), total: z.number(), free: z.number() }),
  memory: z.object({ rss: z.number(), heapUsed: z.number(), total: z.number(), free: z.number() }),
  requests: z.object({ total: z.number(), perMinute: z.number(), errorsPerMinute: z.number() }),
  restartRequired: z.boolean(),
});
export const updateStatus = z.object({
  supported: z.boolean(), reason: z.string().optional(), currentVersion: z.string(), available: z.string().optional(), percent: z.number().optional(),
  state: z.enum(['idle', 'checking', 'available', 'downloading', 'downloaded', 'error', 'unsupported']),
});

// compile-time agreement with the contract
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const agreement = {
  setup: true as Same<z.infer<typeof setupStatus>, SetupStatus>,
  login: true as Same<z.infer<typeof adminLoginResponse>, LoginResponse>,
  field: true as Same<z.infer<typeof settingField>, SettingField>,
  validation: true as Same<z.infer<typeof validationResult>, ValidationResult>,
  mysql: true as Same<z.infer<typeof mysqlTestResult>, MysqlTestResult>,
  backup: true as Same<z.infer<typeof backupInfo>, BackupInfo>,
  job: true as Same<z.infer<typeof jobInfo>, JobInfo>,
  progress: true as Same<z.infer<typeof jobProgress>, JobProgress>,
  database: true as Same<z.infer<typeof databaseInfoAdmin>, DatabaseInfo>,
  status: true as Same<z.infer<typeof serverStatus>, ServerStatus>,
  update: true as Same<z.infer<typeof updateStatus>, UpdateStatus>,
  error: true as Same<z.infer<typeof adminError>, AdminError>,
} satisfies Record<string, true>;
export const ADMIN_CONTRACT_CHECKED = Object.keys(agreement).length;
