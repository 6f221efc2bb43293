/**
 * The request and response shapes of /api/auth and /api/organizations as zod schemas: the routes
 * validate with them and the OpenAPI document (server/http/docs) is generated from them, so the
 * docs cannot drift from what the server accepts.
 */
import { z } from 'zod';
import { issueFields } from '../errors.js';
import { MESSAGE_CODES } from '../message-codes.js';

/** A database (tenant) name as the legacy routing rule allows it. */
export const databaseName = z.string().regex(/^[A-Za-z0-9_]{1,15}$/, { error: 'a database name is 1 to 15 letters, digits or underscores' });

// ---------------------------------------------------------------------------
// Envelopes
// ---------------------------------------------------------------------------

export const errorEnvelope = z.object({
  success: z.literal(false),
  error: z.string().describe('What went wrong, in words a person can act on'),
  code: z.enum(MESSAGE_CODES).describe('Stable machine-readable code, e.g. invalid_credentials (docs/messages.md)'),
  params: z.record(z.string(), z.union([z.string(), z.number()])).optional().describe('The values the message names, for a text in another language'),
  details: z.record(z.string(), z.string()).optional().describe('Per-field problems of a rejected body'),
});

export function successEnvelope<T extends z.ZodType>(data: T) {
  return z.object({ success: z.literal(true), data });
}

// ---------------------------------------------------------------------------
// Auth
// ---------------------------------------------------------------------------

export const loginRequest = z
  .object({
    database: databaseName.optional().describe('Database whose users log in (default: DEFAULT_DATABASE, "my")'),
    login: z.string().trim().min(1).max(255).optional().describe('User login (the value of a user record, type 18)'),
    identifier: z.string().trim().min(1).max(255).optional().describe('Synonym of login'),
    password: z.string().min(1, { error: 'the password is required' }).max(1024),
  })
  .refine((body) => body.login !== undefined || body.identifier !== undefined, { error: 'login (or identifier) is required', path: ['login'] });

// character classes spelled out instead of the i flag: the OpenAPI pattern carries no flags
export const LOGIN_RULE = /^[A-Za-z0-9][A-Za-z0-9._@-]{2,63}$/;
/** Logins with a meaning in the legacy engine: `admin` bypasses every grant, `guest` is anonymous access. */
export const RESERVED_LOGINS: ReadonlySet<string> = new Set(['admin', 'guest']);

export const PASSWORD_RULES = [
  'at least 8 characters',
  'at most 256 characters',
  'at least one letter and one digit',
  'different from the login',
] as const;

/** Every rule the password breaks, as sentences a person can act on (empty = acceptable). */
export function passwordProblems(password: string, login: string): string[] {
  const problems: string[] = [];
  if ([...password].length < 8) problems.push('The password must be at least 8 characters long.');
  if ([...password].length > 256) problems.push('The password must be at most 256 characters long.');
  if (!/\p{L}/u.test(password) || !/\p{N}/u.test(password)) problems.push('The password must contain at least one letter and one digit.');
  if (password.trim().toLowerCase() === login.trim().toLowerCase()) problems.push('The password must differ from the login.');
  return problems;
}

export const registerRequest = z.object({
  database: databaseName.optional().describe('Only the default database accepts registrations'),
  login: z
    .string()
    .trim()
    .regex(LOGIN_RULE, { error: 'the login is 3 to 64 letters, digits or . _ @ -, starting with a letter or digit' })
    .describe('New login; 3 to 64 letters, digits or . _ @ -'),
  email: z.email({ error: 'the e-mail address is not valid' }).max(255).optional(),
  password: z.string().describe(`Password rules: ${PASSWORD_RULES.join('; ')}`),
});

export const forgotPasswordRequest = z
  .object({
    database: databaseName.optional().describe('Database of the user (default: DEFAULT_DATABASE)'),
    login: z.string().trim().min(1).max(255).optional().describe('Login of the user'),
    email: z.string().trim().min(3).max(255).optional().describe('Or the e-mail address of the user (its e-mail requisite, t=41)'),
    identifier: z.string().trim().min(1).max(255).optional().describe('Login or e-mail address'),
  })
  .refine((body) => body.login !== undefined || body.email !== undefined || body.identifier !== undefined, {
    error: 'login or email is required', path: ['login'],
  });

export const resetPasswordRequest = z.object({
  token: z.string().min(1, { error: 'token is required' }).max(200).describe('The token of the mailed link'),
  password: z.string().min(1, { error: 'the password is required' }).max(1024).describe(`New password; ${PASSWORD_RULES.join('; ')}`),
  /** the page's second field; when present it must equal password */
  password2: z.string().max(1024).optional().describe('Repeated password (the reset page sends it)'),
});

export const confirmEmailRequest = z.object({ token: z.string().min(1, { error: 'token is required' }).max(200) });

export const requestAccepted = z.object({ requested: z.literal(true) }).describe('The same answer whether or not the login exists');
export const passwordReset = z.object({ database: z.string(), login: z.string() });
export const registrationPending = z.object({
  confirmationRequired: z.literal(true),
  user: z.object({ login: z.string(), database: z.string() }),
  email: z.string(),
});

export const refreshRequest = z.object({ refreshToken: z.string().min(1, { error: 'refreshToken is required' }) });

export const authUser = z.object({
  id: z.number().int().describe('User record id in the database'),
  login: z.string(),
  role: z.string().describe('Role name (e.g. admin, user)'),
  database: z.string(),
});

export const authSession = z.object({
  user: authUser,
  accessToken: z.string().describe('JWT (HS256), typ=access; send as Authorization: Bearer'),
  refreshToken: z.string().describe('JWT, typ=refresh; POST it to /api/auth/refresh for a new pair'),
  expiresIn: z.number().int().describe('Access token lifetime, seconds'),
  refreshExpiresIn: z.number().int().describe('Refresh token lifetime, seconds'),
  tokenType: z.enum(['Bearer', 'Mock']).describe('"Mock" only in AUTH_MODE=mock (development)'),
  mock: z.boolean().optional(),
  legacy: z
    .object({ token: z.string().describe('The legacy API token (X-Authorization)'), _xsrf: z.string().describe('The legacy _xsrf for commands') })
    .optional()
    .describe('The same login for the legacy URL API'),
});

export const meResponse = z.object({
  user: authUser,
  session: z.object({ family: z.string(), expiresAt: z.string().describe('ISO time the access token expires'), mock: z.boolean() }),
});

// ---------------------------------------------------------------------------
// Organizations
// ---------------------------------------------------------------------------

export const organizationCreate = z.object({
  name: z.string().trim().describe('Database name: 3 to 15 letters, digits or _, starting with a letter'),
  template: z.string().trim().regex(/^[A-Za-z0-9_]{1,32}$/).optional().describe('Template (resources/templates/<name>.json); default ru'),
  description: z.string().max(1000).optional(),
  password: z
    .string()
    .optional()
    .describe('Password of your owner account in the new database (for the legacy login); without it you reach it through this API only'),
});

export const organizationPatch = z.object({ description: z.string().max(1000) }).strict();
export const organizationDelete = z.object({ confirm: z.string().describe('The organization name again, to confirm') });

export const organization = z.object({
  id: z.string().describe('The database name'),
  name: z.string(),
  description: z.string(),
  template: z.string(),
  createdAt: z.string(),
  owner: z.object({ database: z.string(), userId: z.number().int(), login: z.string() }),
  ownerUserId: z.number().int().describe('Your (owner, admin role) user id inside the organization database'),
  links: z.object({ legacy: z.string(), v2: z.string() }),
});

export const databaseInfo = z.object({
  tables: z.number().int().describe('User-visible tables (types)'),
  records: z.number().int().describe('Records of all tables'),
  rows: z.number().int().describe('Physical rows (records, cells and metadata)'),
  sizeBytes: z.number().int().describe('Bytes of row data (ids and values), without storage overhead'),
});

export const organizationDeleted = z.object({
  deleted: z.string(),
  backupId: z.string().describe('The backup taken just before the deletion (restore it from the console or /api/admin/backups)'),
});

/** zod issues → {field: message} for the error envelope's details (`_` for the whole body). */
export function issueDetails(error: z.ZodError): Record<string, string> {
  return issueFields(error, '_');
}

// ---------------------------------------------------------------------------
// AI chat
// ---------------------------------------------------------------------------

export const chatRequest = z.object({
  messages: z
    .array(z.object({ role: z.enum(['user', 'assistant']), content: z.string().min(1).max(20_000) }))
    .min(1)
    .max(100)
    .refine((list) => list[list.length - 1]?.role === 'user', { error: 'the last message must be the user’s' }),
  database: databaseName.optional().describe('Ground the answer in this database: the tables and columns the caller may read'),
  report: z.number().int().positive().optional().describe('Also give the provider the result of this report (id), run with the caller’s grants; needs database'),
  stream: z.boolean().default(true).describe('false: one JSON answer instead of Server-Sent Events'),
}).refine((body) => body.report === undefined || body.database !== undefined, { error: 'report needs database', path: ['report'] });

export type ChatRequest = z.output<typeof chatRequest>;

export const chatAnswer = z.object({
  provider: z.enum(['polza', 'deepseek', 'anthropic', 'openai']).describe('The provider that answered'),
  model: z.string(),
  text: z.string(),
  passedOver: z.array(z.object({ provider: z.string(), failure: z.string(), status: z.number().optional() })).describe('Providers tried first that failed, in order'),
});
