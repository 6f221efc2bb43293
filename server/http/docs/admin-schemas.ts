/**
 * zod mirrors of the admin API contract (server/http/admin/contract.ts, types only) for the
 * OpenAPI document. The `satisfies` checks below make the compiler refuse a mirror that no
 * longer matches the contract's TypeScript types.
 */
import { z } from 'zod';
import type {
  AdminError, ActiveSession, BackupInfo, DatabaseInfo, HealthHistory, HealthOverview, HealthSessions, HistoryPoint, JobInfo, JobProgress, LoginResponse, MailTestResult, MysqlTestResult, ServerStatus, SettingField, SetupStatus, UpdateStatus, ValidationResult, DbRole, DbUser, GrantObject, RoleGrant, RoleGrants, WorkspaceSession,
} from '../admin/contract.js';
import { FIELD_MESSAGE_CODES, MESSAGE_CODES } from '../message-codes.js';
import { JOB_STEP_TEXT, type JobStepCode } from '../../jobs/steps.js';

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
    z.object({ kind: z.literal('mysql'), host: z.string(), port: z.number().int(), user: z.string(), password: z.string(), database: z.string(), socketPath: z.string().optional().describe('a unix socket (absolute path); host and port are then not used') }),
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

export const mysqlTestRequest = z.object({ host: z.string(), port: z.number().int(), user: z.string(), password: z.string(), database: z.string(), socketPath: z.string().optional().describe('a unix socket (absolute path); host and port are then not used') });
export const mailTestRequest = z.object({ to: z.string().optional().describe('Where the test mail goes (default ADMIN_EMAIL)') });
export const mailTestResult = z.object({ ok: z.literal(true), to: z.string(), from: z.string(), messageId: z.string() });
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

const jobStepCodes = Object.keys(JOB_STEP_TEXT) as [JobStepCode, ...JobStepCode[]];
export const jobStep = z.object({
  code: z.enum(jobStepCodes).describe('what the job is doing or did (docs/messages.md, "Job steps")'),
  params: z.record(z.string(), z.union([z.string(), z.number()])).optional().describe('the values its text names'),
});
export const jobInfo = z.object({
  name: z.string(), schedule: z.string().nullable(), lastRunAt: z.string().nullable(), lastResult: z.enum(['ok', 'error']).nullable(), nextRunAt: z.string().nullable(),
  lastRunId: z.string().nullable().describe('the last run: its progress at GET /api/admin/jobs/{id}'),
  lastMessage: z.string().nullable().describe("the last run's closing message (English)"),
  lastStep: jobStep.nullable().describe("the last run's closing step"),
  runnable: z.boolean().describe('false: the job needs parameters (restore, store move) and is started from its own page'),
});
export const jobProgress = z.object({
  id: z.string(), name: z.string(), state: z.enum(['running', 'done', 'failed']), percent: z.number(),
  message: z.string().describe("the step's English text"), step: jobStep, startedAt: z.string(),
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

const perMinute = (what: string) => z.number().nullable().describe(`${what}; null for a minute the server was not running`);
export const historyPoint = z.object({
  t: z.string().describe("the minute's start (ISO 8601)"),
  requests: perMinute('requests answered in the minute'),
  errors5xx: perMinute('answers with a 5xx status'),
  errors4xx: perMinute('answers with a 4xx status'),
  p95Ms: perMinute('95th percentile of the answer time, ms (also null without requests)'),
  rssBytes: perMinute('resident memory of the server process, bytes'),
  heapUsedBytes: perMinute('JavaScript heap in use, bytes'),
  storeLatencyMs: perMinute("the store's round-trip time, ms (also null while not connected)"),
});
export const healthHistory = z.object({ minutes: z.number().int(), points: z.array(historyPoint) });
export const activeSession = z.object({
  kind: z.enum(['legacy', 'jwt']), user: z.string(), db: z.string(), address: z.string(), firstSeen: z.string(), lastSeen: z.string(), requests: z.number().int(),
});
export const healthSessions = z.object({ windowMinutes: z.number().int(), sessions: z.array(activeSession) });
export const healthOverview = z.object({
  lan: z.object({ enabled: z.boolean(), addresses: z.array(z.string()) }),
  backups: z.object({
    schedule: z.string().nullable(), keep: z.number(), latest: backupInfo.nullable(),
    lastRun: z.object({ at: z.string(), result: z.enum(['ok', 'error']), message: z.string().nullable(), step: jobStep.nullable() }).nullable(),
    nextRunAt: z.string().nullable(),
  }),
  databases: z.array(z.object({ name: z.string(), rows: z.number(), tables: z.number(), sizeBytes: z.number().nullable() })),
});
// users, roles and grants of a database (contract.ts, "Users and roles")
const answerCode = { code: z.string().describe('stable code of the outcome, e.g. user_created'), params: z.record(z.string(), z.string()).describe('its parameters') };
export const dbUser = z.object({
  id: z.number(), login: z.string(), roleId: z.number().nullable(), role: z.string().nullable(),
  lastActivity: z.string().nullable().describe('the engine\'s activity cell (last authenticated request), ISO time'),
  disabled: z.boolean().describe('no role: the engine refuses every request of the user'),
  consoleAdmin: z.boolean().describe('the user the console acts as: the first user with the role admin'),
});
export const dbRole = z.object({ id: z.number(), name: z.string(), users: z.number() });
export const grantLevel = z.enum(['READ', 'WRITE', 'BARRED']);
export const grantObject = z.object({ id: z.number(), name: z.string(), kind: z.enum(['pseudo', 'table', 'column']), table: z.number().nullable() });
export const roleGrant = z.object({ object: z.number(), level: grantLevel.nullable(), mask: z.string(), export: z.boolean(), delete: z.boolean() });
export const roleGrants = z.object({ role: dbRole, objects: z.array(grantObject), grants: z.array(roleGrant) });
export const newDbUser = z.object({ login: z.string(), password: z.string().describe('at least 8 characters, a letter and a digit, not the login'), roleId: z.number().int() });
export const grantUpdate = z.object({ level: grantLevel.nullable().describe('null: no grant (the grant record is deleted)'), export: z.boolean().optional(), delete: z.boolean().optional() });
export const dbUserAnswer = z.object({ user: dbUser, ...answerCode });
export const dbRoleAnswer = z.object({ role: dbRole, ...answerCode });
export const roleGrantsAnswer = roleGrants.extend(answerCode);
export const workspaceSession = z.object({ url: z.string(), login: z.string(), ...answerCode });

// compile-time agreement with the contract
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const agreement = {
  setup: true as Same<z.infer<typeof setupStatus>, SetupStatus>,
  login: true as Same<z.infer<typeof adminLoginResponse>, LoginResponse>,
  field: true as Same<z.infer<typeof settingField>, SettingField>,
  validation: true as Same<z.infer<typeof validationResult>, ValidationResult>,
  mysql: true as Same<z.infer<typeof mysqlTestResult>, MysqlTestResult>,
  mailTest: true as Same<z.infer<typeof mailTestResult>, MailTestResult>,
  backup: true as Same<z.infer<typeof backupInfo>, BackupInfo>,
  job: true as Same<z.infer<typeof jobInfo>, JobInfo>,
  progress: true as Same<z.infer<typeof jobProgress>, JobProgress>,
  database: true as Same<z.infer<typeof databaseInfoAdmin>, DatabaseInfo>,
  status: true as Same<z.infer<typeof serverStatus>, ServerStatus>,
  update: true as Same<z.infer<typeof updateStatus>, UpdateStatus>,
  error: true as Same<z.infer<typeof adminError>, AdminError>,
  point: true as Same<z.infer<typeof historyPoint>, HistoryPoint>,
  history: true as Same<z.infer<typeof healthHistory>, HealthHistory>,
  session: true as Same<z.infer<typeof activeSession>, ActiveSession>,
  sessions: true as Same<z.infer<typeof healthSessions>, HealthSessions>,
  overview: true as Same<z.infer<typeof healthOverview>, HealthOverview>,
  dbUser: true as Same<z.infer<typeof dbUser>, DbUser>,
  dbRole: true as Same<z.infer<typeof dbRole>, DbRole>,
  grantObject: true as Same<z.infer<typeof grantObject>, GrantObject>,
  roleGrant: true as Same<z.infer<typeof roleGrant>, RoleGrant>,
  roleGrants: true as Same<z.infer<typeof roleGrants>, RoleGrants>,
  workspace: true as Same<Omit<z.infer<typeof workspaceSession>, 'code'>, Omit<WorkspaceSession, 'code'>>,
} satisfies Record<string, true>;
export const ADMIN_CONTRACT_CHECKED = Object.keys(agreement).length;
