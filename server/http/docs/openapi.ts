/**
 * The OpenAPI 3.1 document of the whole server, generated from zod schemas
 * (@asteasolutions/zod-to-openapi): the modern API's own route schemas (server/http/api/schemas.ts),
 * JSON:API shapes for /api/v2, health, the admin API (mirrors of its contract) and the legacy URL
 * API with one operation per action (./legacy-actions.ts).
 */
import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import * as api from '../api/schemas.js';
import * as admin from './admin-schemas.js';
import { LEGACY_ACTIONS, legacyError, type LegacyField } from './legacy-actions.js';
import { MESSAGE_CODES } from '../message-codes.js';

const JSONAPI = 'application/vnd.api+json';

function json(schema: z.ZodType, description: string) {
  return { description, content: { 'application/json': { schema } } };
}
function jsonapi(schema: z.ZodType, description: string) {
  return { description, content: { [JSONAPI]: { schema } } };
}

// ---------------------------------------------------------------------------
// JSON:API shapes
// ---------------------------------------------------------------------------
const jsonapiError = z.object({
  status: z.string(), code: z.enum(MESSAGE_CODES).describe('stable code (docs/messages.md)'), title: z.string(), detail: z.string(),
  source: z.object({ pointer: z.string().optional(), parameter: z.string().optional(), header: z.string().optional() }).optional(),
  meta: z.object({ params: z.record(z.string(), z.union([z.string(), z.number()])) }).optional().describe('the values the detail names'),
});
const jsonapiErrors = z.object({ jsonapi: z.object({ version: z.string() }).optional(), errors: z.array(jsonapiError) });
const relationshipOne = z.object({ data: z.object({ type: z.string(), id: z.string() }).nullable() });
const column = z.object({
  id: z.number(), name: z.string(), alias: z.string().nullable(), attribute: z.string().describe('The key of this column in object attributes'),
  baseType: z.string(), ref: z.number().optional().describe('Target table of a reference column'), table: z.number().optional().describe('Child table of a subordinate column'),
  required: z.boolean(), multi: z.boolean(),
});
const typeResource = z.object({
  type: z.literal('integram-type'), id: z.string(),
  attributes: z.object({
    name: z.string(), alias: z.string().nullable(), baseType: z.string(), unique: z.boolean(), columnCount: z.number(), objectCount: z.number(),
    columns: z.array(column).optional(),
  }),
  links: z.record(z.string(), z.string()),
});
const objectResource = z.object({
  type: z.literal('integram-object'), id: z.string(),
  attributes: z.record(z.string(), z.unknown()).describe('value (first column) and one key per column (alias or name)'),
  relationships: z.object({ type: relationshipOne, parent: relationshipOne }).catchall(z.unknown()),
  meta: z.object({ order: z.number() }).optional(),
  links: z.object({ self: z.string() }),
});
const links = z.record(z.string(), z.string().nullable());
const typeCollection = z.object({ data: z.array(typeResource), meta: z.object({ total: z.number() }), links });
const typeDocument = z.object({ data: typeResource });
const objectCollection = z.object({
  data: z.array(objectResource),
  meta: z.object({ total: z.number(), page: z.object({ number: z.number(), size: z.number(), last: z.number() }) }),
  links: z.object({ self: z.string(), first: z.string(), last: z.string(), prev: z.string().nullable(), next: z.string().nullable() }),
});
const objectDocument = z.object({ data: objectResource, links: links.optional() });
const objectInput = z.object({
  data: z.object({
    type: z.literal('integram-object'),
    id: z.string().optional(),
    attributes: z.record(z.string(), z.unknown()).describe('value = first column; other keys: column alias, name or id; typeId = the type (POST /objects)'),
    relationships: z.object({ type: relationshipOne.optional(), parent: relationshipOne.optional() }).optional(),
  }),
});

// ---------------------------------------------------------------------------
// Health
// ---------------------------------------------------------------------------
const liveness = z.object({ status: z.literal('ok') });
const health = z.object({
  status: z.enum(['ok', 'degraded', 'down']), version: z.string(), schemaVersion: z.number().nullable(), uptimeSeconds: z.number(),
  database: z.object({ driver: z.enum(['mysql', 'pglite']), connected: z.boolean(), target: z.string().optional(), latencyMs: z.number().nullable(), reason: z.string().optional() }),
  storage: z.object({ freeBytes: z.number().nullable() }),
  requests: z.object({ total: z.number(), perMinute: z.number(), errorsPerMinute: z.number() }),
  jobs: z.array(z.object({ name: z.string(), lastRunAt: z.string().nullable(), lastResult: z.string().nullable(), nextRunAt: z.string().nullable() })),
  ai: z.object({ activeProvider: z.string().nullable().describe('The AI chat provider tried first (POLZA > DEEPSEEK > ANTHROPIC > OPENAI among the configured keys), or null'), providers: z.array(z.string()) }),
});
const deploymentInfo = z.object({
  version: z.string(), commit: z.string().nullable(), buildTime: z.string().nullable(), mode: z.enum(['desktop', 'headless']), nodeVersion: z.string(),
  electronVersion: z.string().optional(), bunVersion: z.string().optional(), platform: z.string(), startedAt: z.string(), host: z.string(), port: z.number().nullable(), urls: z.array(z.string()),
});
const systemResources = z.object({
  cpu: z.object({ cores: z.number(), loadAvg: z.array(z.number()) }),
  memory: z.object({ total: z.number(), free: z.number(), processRss: z.number(), heapUsed: z.number(), heapLimit: z.number() }),
  disk: z.object({ dataDir: z.string(), total: z.number().nullable(), free: z.number().nullable() }),
  eventLoopLagMs: z.number(),
});
const plainError = z.object({ error: z.string(), code: z.string().optional() });

const dbParam = z.object({ db: z.string().describe('Database (tenant) name') });

function pathParams(names: Record<string, string>) {
  const shape: Record<string, z.ZodType> = {};
  for (const [name, description] of Object.entries(names)) shape[name] = z.string().describe(description);
  return z.object(shape);
}

function fieldSchema(field: LegacyField): z.ZodType {
  const base = field.type === 'integer' ? z.string().regex(/^-?\d+$/) : field.type === 'array' ? z.array(z.string()) : z.string();
  return (field.required ? base : base.optional()).describe(field.description);
}

export interface OpenApiOptions {
  version?: string;
  /** absolute server URL; default "/" (the server the document was loaded from) */
  serverUrl?: string;
}

export function buildOpenApiDocument(options: OpenApiOptions = {}): ReturnType<OpenApiGeneratorV31['generateDocument']> {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Access token from POST /api/auth/login (v2 also accepts the 64-hex legacy token here)',
  });
  registry.registerComponent('securitySchemes', 'legacyToken', {
    type: 'apiKey', in: 'header', name: 'X-Authorization', description: 'The legacy token (POST /{db}/auth, or legacy.token of /api/auth/login)',
  });
  registry.registerComponent('securitySchemes', 'legacyCookie', { type: 'apiKey', in: 'cookie', name: 'idb_{db}', description: 'Cookie set by /{db}/auth' });
  registry.registerComponent('securitySchemes', 'adminAuth', { type: 'http', scheme: 'bearer', description: 'Console admin token from POST /api/admin/login (or the integram_admin cookie)' });

  const add = (route: RouteConfig) => registry.registerPath(route);
  const envelopeError = (description: string) => json(api.errorEnvelope, description);
  const ok = (schema: z.ZodType, description: string) => json(api.successEnvelope(schema), description);

  // -- health ---------------------------------------------------------------------------
  add({ method: 'get', path: '/health', tags: ['Health'], summary: 'Liveness', description: 'No database call; what supervisors probe.', responses: { 200: json(liveness, 'Serving') } });
  add({ method: 'get', path: '/health/ready', tags: ['Health'], summary: 'Readiness', description: '200 while the database is connected, else 503.', responses: { 200: json(z.object({ status: z.string() }).catchall(z.unknown()), 'Ready'), 503: json(z.object({ status: z.string() }).catchall(z.unknown()), 'Not ready') } });
  add({ method: 'get', path: '/api/health', tags: ['Health'], summary: 'Health with measurements', description: '200 for ok and degraded, 503 only for down. Paths and host details only for an admin.', responses: { 200: json(health, 'ok or degraded'), 503: json(health, 'down') } });
  add({ method: 'get', path: '/api/deployment-info', tags: ['Health'], summary: 'Version, mode, addresses', responses: { 200: json(deploymentInfo, 'Deployment facts') } });
  add({ method: 'get', path: '/api/system-resources', tags: ['Health'], summary: 'CPU, memory, disk, event loop (admin)', security: [{ adminAuth: [] }], responses: { 200: json(systemResources, 'Measured now'), 401: json(plainError, 'No admin login'), 403: json(plainError, 'Not an admin') } });

  // -- auth ----------------------------------------------------------------------------
  const authErrors = { 400: envelopeError('Malformed body'), 401: envelopeError('Wrong credentials or token') };
  add({
    method: 'post', path: '/api/auth/login', tags: ['Auth'], summary: 'Log in (users of an Integram database)',
    description: 'Checks the password with the engine (sha512(SALT+db+pwd) and the older sha1 form). Throttled per login (exponential delay) and per address (429 + Retry-After).',
    request: { body: { required: true, content: { 'application/json': { schema: api.loginRequest } } } },
    responses: { 200: ok(api.authSession, 'Logged in'), ...authErrors, 404: envelopeError('No such database'), 409: envelopeError('Several users share the login'), 429: envelopeError('Too many failed logins (see Retry-After)') },
  });
  add({
    method: 'post', path: '/api/auth/register', tags: ['Auth'], summary: 'Register a user (when REGISTRATION_ENABLED)',
    description: `Creates a user with the "user" role in the default database and logs in. Password rules: ${api.PASSWORD_RULES.join('; ')}.`,
    request: { body: { required: true, content: { 'application/json': { schema: api.registerRequest } } } },
    responses: { 201: ok(api.authSession, 'Registered and logged in'), 202: ok(api.registrationPending, 'Registered; the confirmation link is mailed (REGISTRATION_REQUIRES_EMAIL_CONFIRMATION)'), 502: envelopeError('The confirmation mail could not be sent (mail_* code)'), 400: envelopeError('Malformed body'), 403: envelopeError('Registration disabled or closed'), 404: envelopeError('The default database does not exist'), 409: envelopeError('Login taken'), 422: envelopeError('Weak password or reserved login') },
  });
  add({
    method: 'post', path: '/api/auth/refresh', tags: ['Auth'], summary: 'New token pair (rotation)',
    description: 'The presented refresh token stops working; presenting it again revokes the whole session.',
    request: { body: { required: true, content: { 'application/json': { schema: api.refreshRequest } } } },
    responses: { 200: ok(api.authSession, 'New pair'), ...authErrors },
  });
  add({
    method: 'post', path: '/api/auth/forgot-password', tags: ['Auth'], summary: 'Mail a password reset link (users of an Integram database)',
    description: 'Answers 202 {requested: true} whether or not the login or address exists; when one user with an e-mail address matches, a one-time link (1 h, single use) is mailed to it: FRONTEND_URL/reset-password?token=… or this server\'s /api/auth/reset-password?token=…. Throttled per address and per login (429 + Retry-After).',
    request: { body: { required: true, content: { 'application/json': { schema: api.forgotPasswordRequest } } } },
    responses: { 202: ok(api.requestAccepted, 'Accepted'), 400: envelopeError('Neither login nor email'), 404: envelopeError('No such database'), 429: envelopeError('Too many requests (see Retry-After)'), 409: envelopeError('Mail is not set up (mail_not_configured)') },
  });
  add({ method: 'get', path: '/api/auth/reset-password', tags: ['Auth'], summary: 'The new-password page a reset link opens', request: { query: z.object({ token: z.string() }) }, responses: { 200: { description: 'HTML form posting to POST /api/auth/reset-password', content: { 'text/html': { schema: z.string() } } } } });
  add({
    method: 'post', path: '/api/auth/reset-password', tags: ['Auth'], summary: 'Set a new password with a reset link\'s token',
    description: `Writes the password in the engine's hash form, so POST /{db}/auth logs in with it; the link is used up, the user's legacy tokens end. A form post (the reset page) gets an HTML page back. Password rules: ${api.PASSWORD_RULES.join('; ')}.`,
    request: { body: { required: true, content: { 'application/json': { schema: api.resetPasswordRequest }, 'application/x-www-form-urlencoded': { schema: api.resetPasswordRequest } } } },
    responses: { 200: ok(api.passwordReset, 'Password set'), 400: envelopeError('The link is not valid (link_invalid): used, expired or incomplete'), 422: envelopeError('Weak password, or the two passwords differ') },
  });
  add({ method: 'get', path: '/api/auth/confirm-email', tags: ['Auth'], summary: 'The confirmation link of a registration (REGISTRATION_REQUIRES_EMAIL_CONFIRMATION)', request: { query: z.object({ token: z.string() }) }, responses: { 200: { description: 'HTML page: confirmed', content: { 'text/html': { schema: z.string() } } }, 400: { description: 'HTML page: the link is not valid', content: { 'text/html': { schema: z.string() } } } } });
  add({ method: 'post', path: '/api/auth/confirm-email', tags: ['Auth'], summary: 'Confirm a registration with its link\'s token', request: { body: { required: true, content: { 'application/json': { schema: api.confirmEmailRequest } } } }, responses: { 200: ok(api.passwordReset, 'Confirmed: the user can log in'), 400: envelopeError('The link is not valid (link_invalid)') } });
  add({ method: 'post', path: '/api/auth/logout', tags: ['Auth'], summary: 'End the session', security: [{ bearerAuth: [] }], responses: { 200: ok(z.object({ loggedOut: z.boolean(), revokedDocuments: z.number() }), 'Logged out'), 401: envelopeError('No valid access token') } });
  add({ method: 'get', path: '/api/auth/me', tags: ['Auth'], summary: 'The logged-in user', security: [{ bearerAuth: [] }], responses: { 200: ok(api.meResponse, 'The user'), 401: envelopeError('No valid access token') } });

  // -- v2 ------------------------------------------------------------------------------
  const v2Security: Record<string, string[]>[] = [{ bearerAuth: [] }, { legacyToken: [] }];
  const v2Errors = (codes: number[]) => Object.fromEntries(codes.map((c) => [c, jsonapi(jsonapiErrors, ({ 400: 'Bad request', 401: 'Not authenticated', 403: 'Not allowed (grants)', 404: 'Not found', 406: 'Accept names the JSON:API media type only with parameters', 409: 'Conflict (duplicate, referenced, type/id mismatch)', 415: 'Content-Type must be application/vnd.api+json', 422: 'Invalid attributes or refused by the engine' } as Record<number, string>)[c])]));
  const V2 = '/api/v2/integram/databases/{db}';
  const typeParams = dbParam.extend({ type: z.string().describe('Type (table) id') });
  const objectParams = dbParam.extend({ id: z.string().describe('Object (record) id') });
  add({ method: 'get', path: `${V2}/types`, tags: ['Integram v2'], summary: 'Tables', security: v2Security, request: { params: dbParam }, responses: { 200: jsonapi(typeCollection, 'Tables the caller may see'), ...v2Errors([401, 403, 404]) } });
  add({ method: 'get', path: `${V2}/types/{type}`, tags: ['Integram v2'], summary: 'One table with its columns', security: v2Security, request: { params: typeParams }, responses: { 200: jsonapi(typeDocument, 'The table'), ...v2Errors([401, 403, 404]) } });
  add({
    method: 'get', path: `${V2}/types/{type}/objects`, tags: ['Integram v2'], summary: 'Objects of a table', security: v2Security,
    description: 'filter[<column>]=value (the legacy filter syntax: text, %, !x, >x, a..b, @id; filter[parent]=id for subordinate tables, filter[id]=id for one object), sort=<column> or -<column>, page[number], page[size] (≤ 1000).',
    request: {
      params: typeParams,
      query: z.object({
        'page[number]': z.string().optional().describe('1-based page'), 'page[size]': z.string().optional().describe('Objects per page (default 20)'),
        sort: z.string().optional().describe('Column name, alias or id; "-" prefix = descending'), 'filter[value]': z.string().optional().describe('Filter on the first column; filter[<column>] for any column'),
      }),
    },
    responses: { 200: jsonapi(objectCollection, 'A page of objects'), ...v2Errors([400, 401, 403, 404]) },
  });
  const createBody = { required: true, content: { [JSONAPI]: { schema: objectInput } } };
  add({ method: 'post', path: `${V2}/types/{type}/objects`, tags: ['Integram v2'], summary: 'Create an object of this table', security: v2Security, request: { params: typeParams, body: createBody }, responses: { 201: jsonapi(objectDocument, 'Created (Location header)'), ...v2Errors([400, 401, 403, 404, 409, 415, 422]) } });
  add({ method: 'post', path: `${V2}/objects`, tags: ['Integram v2'], summary: 'Create an object (type in the body)', description: 'The type comes from relationships.type or attributes.typeId.', security: v2Security, request: { params: dbParam, body: createBody }, responses: { 201: jsonapi(objectDocument, 'Created (Location header)'), ...v2Errors([400, 401, 403, 404, 409, 415, 422]) } });
  add({ method: 'get', path: `${V2}/objects/{id}`, tags: ['Integram v2'], summary: 'One object', security: v2Security, request: { params: objectParams }, responses: { 200: jsonapi(objectDocument, 'The object'), ...v2Errors([401, 403, 404]) } });
  add({ method: 'patch', path: `${V2}/objects/{id}`, tags: ['Integram v2'], summary: 'Change attributes of an object', security: v2Security, request: { params: objectParams, body: createBody }, responses: { 200: jsonapi(objectDocument, 'Changed'), ...v2Errors([400, 401, 403, 404, 409, 415, 422]) } });
  add({ method: 'delete', path: `${V2}/objects/{id}`, tags: ['Integram v2'], summary: 'Delete an object', security: v2Security, request: { params: objectParams }, responses: { 204: { description: 'Deleted' }, ...v2Errors([401, 403, 404, 409]) } });

  // -- organizations -------------------------------------------------------------------
  const orgParams = z.object({ id: z.string().describe('Organization (database) name') });
  const orgSecurity = [{ bearerAuth: [] }];
  add({ method: 'get', path: '/api/organizations', tags: ['Organizations'], summary: 'Your organizations', security: orgSecurity, responses: { 200: ok(z.array(api.organization), 'Organizations you own'), 401: envelopeError('No valid access token') } });
  add({
    method: 'post', path: '/api/organizations', tags: ['Organizations'], summary: 'Create an organization (a new database from a template)', security: orgSecurity,
    description: 'You become its owner: a user with your login and the admin role. v2 calls to it work with your current access token.',
    request: { body: { required: true, content: { 'application/json': { schema: api.organizationCreate } } } },
    responses: { 201: ok(api.organization, 'Created'), 400: envelopeError('Malformed body'), 401: envelopeError('No valid access token'), 409: envelopeError('Name taken'), 422: envelopeError('Invalid name, template or password') },
  });
  add({ method: 'get', path: '/api/organizations/{id}', tags: ['Organizations'], summary: 'One organization', security: orgSecurity, request: { params: orgParams }, responses: { 200: ok(api.organization, 'The organization'), 401: envelopeError('No valid access token'), 404: envelopeError('Not yours or absent') } });
  add({ method: 'patch', path: '/api/organizations/{id}', tags: ['Organizations'], summary: 'Change the description', security: orgSecurity, request: { params: orgParams, body: { required: true, content: { 'application/json': { schema: api.organizationPatch } } } }, responses: { 200: ok(api.organization, 'Changed'), 400: envelopeError('Malformed body'), 401: envelopeError('No valid access token'), 404: envelopeError('Not yours or absent') } });
  add({ method: 'delete', path: '/api/organizations/{id}', tags: ['Organizations'], summary: 'Delete (after a backup)', description: 'Send {"confirm": "<name>"}; a backup of every database is taken first and named in the answer.', security: orgSecurity, request: { params: orgParams, body: { required: true, content: { 'application/json': { schema: api.organizationDelete } } } }, responses: { 200: ok(api.organizationDeleted, 'Deleted'), 400: envelopeError('Confirmation missing'), 401: envelopeError('No valid access token'), 404: envelopeError('Not yours or absent') } });
  add({ method: 'get', path: '/api/organizations/{id}/database-info', tags: ['Organizations'], summary: 'Tables, records and size', security: orgSecurity, request: { params: orgParams }, responses: { 200: ok(api.databaseInfo, 'Sizes'), 401: envelopeError('No valid access token'), 404: envelopeError('Not yours or absent') } });

  // -- AI chat -------------------------------------------------------------------------
  add({
    method: 'post', path: '/api/chat', tags: ['AI chat'], summary: 'Ask the AI chat (streams Server-Sent Events)', security: v2Security,
    description: 'The first configured provider answers (POLZA > DEEPSEEK > ANTHROPIC > OPENAI; a provider failing before its first word is passed over). With database, the provider is told the tables and columns the caller may read, and with report the result of that report run with the caller\'s grants. Events: start {provider, model, passedOver}, delta {text}, end {provider, model}, or error {code, message} midway. stream=false answers one JSON.',
    request: { body: { required: true, content: { 'application/json': { schema: api.chatRequest } } } },
    responses: {
      200: { description: 'text/event-stream, or with stream=false the JSON answer', content: { 'text/event-stream': { schema: z.string() }, 'application/json': { schema: api.successEnvelope(api.chatAnswer) } } },
      400: envelopeError('Malformed body'), 401: envelopeError('No valid token'), 403: envelopeError('No access to the database or report'), 404: envelopeError('No such database'),
      502: envelopeError('Every configured provider failed (ai_unavailable)'), 503: envelopeError('No provider configured (ai_not_configured)'),
    },
  });

  // -- docs ----------------------------------------------------------------------------
  add({ method: 'get', path: '/api/openapi.json', tags: ['Docs'], summary: 'This document', responses: { 200: json(z.record(z.string(), z.unknown()), 'OpenAPI 3.1') } });
  add({ method: 'get', path: '/api/docs', tags: ['Docs'], summary: 'Swagger UI (also /api/v2/docs)', responses: { 200: { description: 'HTML', content: { 'text/html': { schema: z.string() } } }, 301: { description: 'Redirect to /api/docs/' } } });

  // -- admin ---------------------------------------------------------------------------
  const adminSecurity = [{ adminAuth: [] }];
  const adminErr = (c: Record<number, string>) => Object.fromEntries(Object.entries(c).map(([k, d]) => [k, json(admin.adminError, d)]));
  const guarded = adminErr({ 401: 'Admin login required', 403: 'Address not in ADMIN_ALLOWED_IPS, or CSRF header missing' });
  const csrfHeader = z.object({ 'X-Requested-With': z.literal('integram-console').describe('Required on state-changing admin requests') });
  const A = '/api/admin';
  const logFilter = z.object({
    level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).optional().describe('least severe level shown'),
    q: z.string().optional().describe('text in the message or the request id'),
    status: z.string().optional().describe('a request line\'s status (404) or class (5xx)'),
    method: z.string().optional().describe('a request line\'s HTTP method'),
    path: z.string().optional().describe('part of a request line\'s URL'),
    user: z.string().optional().describe('the user a request ran as (exact, case-insensitive)'),
    ip: z.string().optional().describe('part of the client address'),
    limit: z.string().optional().describe('newest N lines, 1 to 10000 (default 500)'),
  });
  add({ method: 'get', path: `${A}/health/history`, tags: ['Admin'], summary: 'The last minutes of the server, one point per minute (up to 24 h)', security: adminSecurity, request: { query: z.object({ minutes: z.string().optional().describe('1 to 1440, default 60') }) }, responses: { 200: json(admin.healthHistory, 'Oldest first; the last point is the minute in progress'), ...guarded, ...adminErr({ 400: 'minutes out of range', 501: 'This server keeps no history' }) } });
  add({ method: 'get', path: `${A}/health/sessions`, tags: ['Admin'], summary: 'Legacy and JWT users seen in the last 15 minutes, by database and address', security: adminSecurity, responses: { 200: json(admin.healthSessions, 'Most recent first'), ...guarded, ...adminErr({ 501: 'This server keeps no session list' }) } });
  add({ method: 'get', path: `${A}/health/overview`, tags: ['Admin'], summary: 'LAN addresses, last and next backup, database sizes', security: adminSecurity, responses: { 200: json(admin.healthOverview, 'Overview'), ...guarded, ...adminErr({ 503: 'The database is not available' }) } });
  add({ method: 'get', path: `${A}/setup`, tags: ['Admin'], summary: 'First-run state', responses: { 200: json(admin.setupStatus, 'State') } });
  add({ method: 'post', path: `${A}/setup`, tags: ['Admin'], summary: 'First-run setup (loopback, only while no admin exists)', request: { headers: csrfHeader, body: { required: true, content: { 'application/json': { schema: admin.setupRequest } } } }, responses: { 200: json(admin.okResponse, 'Done'), ...adminErr({ 403: 'Not loopback or admin exists', 409: 'Admin exists', 422: 'Invalid values' }) } });
  add({ method: 'post', path: `${A}/login`, tags: ['Admin'], summary: 'Console admin login', request: { headers: csrfHeader, body: { required: true, content: { 'application/json': { schema: admin.adminLoginRequest } } } }, responses: { 200: json(admin.adminLoginResponse, 'Logged in (also sets the integram_admin cookie)'), ...adminErr({ 401: 'Wrong password', 429: 'Throttled' }) } });
  add({ method: 'post', path: `${A}/logout`, tags: ['Admin'], summary: 'Console admin logout', security: adminSecurity, request: { headers: csrfHeader }, responses: { 200: json(admin.okResponse, 'Logged out'), ...guarded } });
  add({ method: 'get', path: `${A}/settings`, tags: ['Admin'], summary: 'Settings (secrets masked)', security: adminSecurity, responses: { 200: json(admin.settingsView, 'Settings'), ...guarded } });
  add({ method: 'put', path: `${A}/settings`, tags: ['Admin'], summary: 'Write settings (.env, atomic)', security: adminSecurity, request: { headers: csrfHeader, body: { required: true, content: { 'application/json': { schema: admin.settingsUpdate } } } }, responses: { 200: json(admin.settingsWriteResult, 'Written'), ...guarded, ...adminErr({ 422: 'Invalid values' }) } });
  add({ method: 'post', path: `${A}/settings/validate`, tags: ['Admin'], summary: 'Validate settings without writing', security: adminSecurity, request: { headers: csrfHeader, body: { required: true, content: { 'application/json': { schema: admin.settingsUpdate } } } }, responses: { 200: json(admin.validationResult, 'Result'), ...guarded } });
  add({ method: 'post', path: `${A}/test-mysql`, tags: ['Admin'], summary: 'Test a MySQL connection', security: adminSecurity, request: { headers: csrfHeader, body: { required: true, content: { 'application/json': { schema: admin.mysqlTestRequest } } } }, responses: { 200: json(admin.mysqlTestResult, 'Result'), ...guarded } });
  add({ method: 'post', path: `${A}/mail/test`, tags: ['Admin'], summary: 'Send a test mail with the SMTP settings the server runs with', security: adminSecurity, request: { headers: csrfHeader, body: { required: false, content: { 'application/json': { schema: admin.mailTestRequest } } } }, responses: { 200: json(admin.mailTestResult, 'Sent'), ...guarded, ...adminErr({ 400: 'No address (and no ADMIN_EMAIL), or not an address', 502: 'The mail server failed: mail_dns, mail_refused, mail_tls, mail_auth, mail_timeout, mail_rejected, mail_failed', 409: 'Mail is not set up (mail_not_configured)' }) } });
  add({ method: 'get', path: `${A}/logs`, tags: ['Admin'], summary: 'Recent log lines', security: adminSecurity, request: { query: logFilter }, responses: { 200: json(z.object({ lines: z.array(admin.logLine) }), 'Lines'), ...guarded, ...adminErr({ 400: 'A filter is not valid' }) } });
  add({ method: 'get', path: `${A}/logs/stream`, tags: ['Admin'], summary: 'Live log (server-sent events)', security: adminSecurity, request: { query: logFilter.omit({ limit: true }) }, responses: { 200: { description: 'text/event-stream of LogLine JSON', content: { 'text/event-stream': { schema: z.string() } } }, ...guarded } });
  add({ method: 'get', path: `${A}/logs/download`, tags: ['Admin'], summary: 'The log file', security: adminSecurity, responses: { 200: { description: 'text/plain attachment', content: { 'text/plain': { schema: z.string() } } }, ...guarded } });
  add({ method: 'get', path: `${A}/backups`, tags: ['Admin'], summary: 'Backups and schedule', security: adminSecurity, responses: { 200: json(admin.backupList, 'Backups'), ...guarded } });
  add({ method: 'post', path: `${A}/backups`, tags: ['Admin'], summary: 'Back up now (a job)', security: adminSecurity, request: { headers: csrfHeader }, responses: { 202: json(z.object({ job: admin.jobProgress }), 'Started'), ...guarded } });
  const backupParams = z.object({ id: z.string().describe('Backup id') });
  add({ method: 'post', path: `${A}/backups/{id}/restore`, tags: ['Admin'], summary: 'Restore a backup (a job; takes a backup of the current state first)', security: adminSecurity, request: { headers: csrfHeader, params: backupParams, body: { required: true, content: { 'application/json': { schema: z.object({ confirm: z.literal(true), applySalt: z.boolean().optional().describe("required when the backup's AUTH_SALT differs: true adopts it (after a restart), false keeps this server's") }) } } } }, responses: { 202: json(z.object({ job: admin.jobProgress }), 'Started'), ...guarded, ...adminErr({ 404: 'No such backup', 409: 'The backup has another AUTH_SALT (applySalt needed), or it cannot be written' }) } });
  add({ method: 'delete', path: `${A}/backups/{id}`, tags: ['Admin'], summary: 'Delete a backup', security: adminSecurity, request: { headers: csrfHeader, params: backupParams }, responses: { 204: { description: 'Deleted' }, ...guarded, ...adminErr({ 404: 'No such backup' }) } });
  add({ method: 'get', path: `${A}/jobs`, tags: ['Admin'], summary: 'Scheduled jobs', security: adminSecurity, responses: { 200: json(z.object({ jobs: z.array(admin.jobInfo) }), 'Jobs'), ...guarded } });
  add({ method: 'get', path: `${A}/jobs/{id}`, tags: ['Admin'], summary: 'Progress of a job run', security: adminSecurity, request: { params: z.object({ id: z.string() }) }, responses: { 200: json(admin.jobProgress, 'Progress'), ...guarded, ...adminErr({ 404: 'No such run' }) } });
  add({ method: 'post', path: `${A}/jobs/{name}/run`, tags: ['Admin'], summary: 'Run a job now', security: adminSecurity, request: { headers: csrfHeader, params: z.object({ name: z.string() }) }, responses: { 202: json(z.object({ job: admin.jobProgress }), 'Started'), ...guarded, ...adminErr({ 404: 'No such job', 409: 'Already running' }) } });
  add({ method: 'get', path: `${A}/databases`, tags: ['Admin'], summary: 'Tenant databases', security: adminSecurity, responses: { 200: json(z.object({ databases: z.array(admin.databaseInfoAdmin) }), 'Databases'), ...guarded } });
  add({ method: 'post', path: `${A}/databases`, tags: ['Admin'], summary: 'Create a database from a template, with its first Integram user (admin role)', security: adminSecurity, request: { headers: csrfHeader, body: { required: true, content: { 'application/json': { schema: z.object({ name: z.string(), template: z.string().optional(), adminLogin: z.string().describe('login of the database\'s first user, with the admin role'), adminPassword: z.string().describe('at least 8 characters, a letter and a digit, not the login') }) } } } }, responses: { 201: json(admin.databaseInfoAdmin, 'Created'), ...guarded, ...adminErr({ 409: 'Exists', 422: 'Invalid name, template, login or password' }) } });
  add({ method: 'get', path: `${A}/databases/{db}/export`, tags: ['Admin'], summary: 'Export rows (JSON)', security: adminSecurity, request: { params: dbParam }, responses: { 200: json(z.object({ rows: z.array(z.object({ id: z.number(), up: z.number(), ord: z.number(), t: z.number(), val: z.string() })) }), 'Rows file'), ...guarded, ...adminErr({ 404: 'No such database' }) } });
  add({ method: 'post', path: `${A}/databases/{db}/import`, tags: ['Admin'], summary: 'Import rows (JSON)', security: adminSecurity, request: { headers: csrfHeader, params: dbParam, body: { required: true, content: { 'application/json': { schema: z.object({ rows: z.array(z.object({ id: z.number(), up: z.number(), ord: z.number(), t: z.number(), val: z.string() })), replace: z.boolean().optional() }) } } } }, responses: { 200: json(z.object({ ok: z.literal(true), rows: z.number() }), 'Imported'), ...guarded, ...adminErr({ 422: 'Invalid rows' }) } });
  add({ method: 'get', path: `${A}/databases/pull`, tags: ['Admin'], summary: 'Defaults of "bring a database over" from the settings (INTEGRAM_API_BASE_URL, …; secrets only as set or not)', security: adminSecurity, responses: { 200: json(z.object({ url: z.string().nullable(), login: z.string().nullable(), passwordSet: z.boolean(), tokenSet: z.boolean() }), 'Defaults'), ...guarded } });
  add({ method: 'post', path: `${A}/databases/pull`, tags: ['Admin'], summary: 'Bring a database over from a running Integram server (the job `pull`: rows with their ids, users, files; verified). Without url, token or login the settings apply', security: adminSecurity, request: { headers: csrfHeader, body: { required: true, content: { 'application/json': { schema: z.object({ url: z.string().optional().describe('the source server, e.g. https://integram.example.com (default INTEGRAM_API_BASE_URL)'), db: z.string().describe('the database on that server'), token: z.string().optional(), login: z.string().optional().describe('its admin or owner; wins over token'), password: z.string().optional(), as: z.string().optional().describe('the name here (default: the same)'), replace: z.boolean().optional() }) } } } }, responses: { 202: json(z.object({ job: admin.jobProgress }), 'Started; GET /jobs/{id} gives the progress and, when done, the verification'), ...guarded, ...adminErr({ 409: 'exists: the name is taken here (replace not set)', 422: 'invalid_request or invalid_name' }) } });
  const userParams = dbParam.extend({ user: z.string().describe('User id (a record of table 18)') });
  const roleParams = dbParam.extend({ role: z.string().describe('Role id (a record of table 42)') });
  const jsonBody = (schema: z.ZodType) => ({ required: true, content: { 'application/json': { schema } } });
  const usersErr = adminErr({ 400: 'Invalid request (fields)', 404: 'no_database, no_such_user, no_such_role or no_such_object', 409: 'login_taken, role_taken, console_admin, console_admin_role or no_admin_user', 422: 'weak_password, no_user_table, or engine_refused (fields.message: the engine\'s text)' });
  add({ method: 'get', path: `${A}/databases/{db}/users`, tags: ['Admin'], summary: 'Users of a database with role, last activity and state', security: adminSecurity, request: { params: dbParam }, responses: { 200: json(z.object({ users: z.array(admin.dbUser) }), 'Users'), ...guarded, ...usersErr } });
  add({ method: 'post', path: `${A}/databases/{db}/users`, tags: ['Admin'], summary: 'Add a user (the engine\'s _m_new/18 as the database\'s admin)', security: adminSecurity, request: { headers: csrfHeader, params: dbParam, body: jsonBody(admin.newDbUser) }, responses: { 201: json(admin.dbUserAnswer, 'Created (code user_created)'), ...guarded, ...usersErr } });
  add({ method: 'put', path: `${A}/databases/{db}/users/{user}/password`, tags: ['Admin'], summary: 'Reset a user\'s password (_m_set)', security: adminSecurity, request: { headers: csrfHeader, params: userParams, body: jsonBody(z.object({ password: z.string() })) }, responses: { 200: json(admin.dbUserAnswer, 'Reset (code password_reset)'), ...guarded, ...usersErr } });
  add({ method: 'put', path: `${A}/databases/{db}/users/{user}/role`, tags: ['Admin'], summary: 'Change a user\'s role; enables a disabled user (_m_set)', security: adminSecurity, request: { headers: csrfHeader, params: userParams, body: jsonBody(z.object({ roleId: z.number().int() })) }, responses: { 200: json(admin.dbUserAnswer, 'Changed (code role_set)'), ...guarded, ...usersErr } });
  add({ method: 'post', path: `${A}/databases/{db}/users/{user}/disable`, tags: ['Admin'], summary: 'Disable a user: its role and token are removed, the engine refuses it', security: adminSecurity, request: { headers: csrfHeader, params: userParams }, responses: { 200: json(admin.dbUserAnswer, 'Disabled (code user_disabled)'), ...guarded, ...usersErr } });
  add({ method: 'get', path: `${A}/databases/{db}/roles`, tags: ['Admin'], summary: 'Roles of a database', security: adminSecurity, request: { params: dbParam }, responses: { 200: json(z.object({ roles: z.array(admin.dbRole) }), 'Roles'), ...guarded, ...usersErr } });
  add({ method: 'post', path: `${A}/databases/{db}/roles`, tags: ['Admin'], summary: 'Create a role without grants (_m_new/42)', security: adminSecurity, request: { headers: csrfHeader, params: dbParam, body: jsonBody(z.object({ name: z.string() })) }, responses: { 201: json(admin.dbRoleAnswer, 'Created (code role_created)'), ...guarded, ...usersErr } });
  add({ method: 'get', path: `${A}/databases/{db}/roles/{role}/grants`, tags: ['Admin'], summary: 'A role\'s grants and everything a grant can be on', security: adminSecurity, request: { params: roleParams }, responses: { 200: json(admin.roleGrants, 'Grants'), ...guarded, ...usersErr } });
  add({ method: 'put', path: `${A}/databases/{db}/roles/{role}/grants/{object}`, tags: ['Admin'], summary: 'Set one grant of a role (level, export, delete) through the engine', security: adminSecurity, request: { headers: csrfHeader, params: roleParams.extend({ object: z.string().describe('Granted object: a table or column id, or 0, 1, 10') }), body: jsonBody(admin.grantUpdate) }, responses: { 200: json(admin.roleGrantsAnswer, 'Set (code grant_set)'), ...guarded, ...usersErr } });
  add({ method: 'post', path: `${A}/databases/{db}/workspace-session`, tags: ['Admin'], summary: 'Open the workspace as the database\'s admin: sets the engine cookie idb_{db}', security: adminSecurity, request: { headers: csrfHeader, params: dbParam }, responses: { 200: json(admin.workspaceSession, 'Session set (code workspace_ready)'), ...guarded, ...usersErr } });
  add({ method: 'get', path: `${A}/status`, tags: ['Admin'], summary: 'Status page figures', security: adminSecurity, responses: { 200: json(admin.serverStatus, 'Status'), ...guarded } });
  add({ method: 'post', path: `${A}/restart`, tags: ['Admin'], summary: 'Restart the server (exit 75 after draining)', security: adminSecurity, request: { headers: csrfHeader }, responses: { 202: json(admin.okResponse, 'Restarting'), ...guarded } });
  add({ method: 'get', path: `${A}/update`, tags: ['Admin'], summary: 'Update status', security: adminSecurity, responses: { 200: json(admin.updateStatus, 'Status'), ...guarded } });

  // -- legacy URL API: one operation per action ----------------------------------------
  const legacySecurity: Record<string, string[]>[] = [{ legacyToken: [] }, { legacyCookie: [] }, { bearerAuth: [] }];
  for (const action of LEGACY_ACTIONS) {
    const queryShape: Record<string, z.ZodType> = {};
    for (const [name, field] of Object.entries(action.query ?? {})) queryShape[name] = fieldSchema(field);
    const formShape: Record<string, z.ZodType> = {};
    for (const [name, field] of Object.entries(action.form ?? {})) formShape[name] = fieldSchema(field);
    const params = action.pathParams ? dbParam.extend(pathParams(action.pathParams).shape) : dbParam;
    const errorResponses = Object.fromEntries(Object.entries(action.errors ?? {}).map(([status, description]) => [status, json(legacyError, description)]));
    add({
      method: action.method,
      path: action.path,
      operationId: action.operationId,
      tags: [action.tag],
      summary: action.summary,
      description: `${action.description}${action.xsrf ? ' Needs _xsrf in the POST body.' : ''} Also at /api${action.path} (always JSON).`,
      security: action.anonymous ? [] : legacySecurity,
      request: {
        params,
        ...(Object.keys(queryShape).length ? { query: z.object(queryShape) } : {}),
        ...(Object.keys(formShape).length
          ? { body: { required: Object.values(action.form ?? {}).some((f) => f.required), content: { 'application/x-www-form-urlencoded': { schema: z.object(formShape) }, 'application/json': { schema: z.object(formShape) } } } }
          : {}),
      },
      responses: {
        200: json(action.response, action.responseDescription),
        ...errorResponses,
        ...(errorResponses[400] ? {} : { 400: json(legacyError, 'An error in JSON mode (my_die)') }),
      },
    });
  }

  const generator = new OpenApiGeneratorV31(registry.definitions);
  return generator.generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Integram Appliance API',
      version: options.version ?? '0.1.0',
      description: [
        'The modern API (/api/auth, /api/v2/integram JSON:API, /api/organizations), health, the console admin API (/api/admin, loopback/ADMIN_ALLOWED_IPS only),',
        'and the PHP-compatible legacy URL API (/{db}/{action}/{id}), one operation per action.',
        'Quick start: POST /api/auth/login, then send Authorization: Bearer <accessToken>.',
      ].join(' '),
    },
    servers: [{ url: options.serverUrl ?? '/' }],
    tags: [
      { name: 'Auth', description: 'JWT login for the users of an Integram database' },
      { name: 'Integram v2', description: 'JSON:API 1.1 over the engine (same grants as the legacy API)' },
      { name: 'Organizations', description: 'Tenant databases registered in the appliance' },
      { name: 'AI chat', description: 'Questions to the configured AI provider, grounded in what the caller may read' },
      { name: 'Health', description: 'Liveness, health, deployment facts' },
      { name: 'Docs', description: 'This document and Swagger UI' },
      { name: 'Admin', description: 'Console admin API' },
      { name: 'Legacy: authentication', description: 'PHP engine: login, session, logout' },
      { name: 'Legacy: reading', description: 'PHP engine: tables, structure, records, reports' },
      { name: 'Legacy: records (DML)', description: 'PHP engine: _m_* commands' },
      { name: 'Legacy: structure (DDL)', description: 'PHP engine: _d_* commands (type editor)' },
    ],
  });
}
