/**
 * The legacy URL API (docs/legacy-api.md), one OpenAPI operation per action, as data.
 * Every action shares the conventions of docs/legacy-api.md, "Routing": any `JSON*` query flag switches to JSON answers,
 * commands (`_m_*`, `_d_*`) need `_xsrf` in the POST body, credentials come from the `idb_{db}`
 * cookie, `X-Authorization`, `Authorization: Basic|Bearer`, or POST `token`/`secret`.
 * The same paths also answer under `/api/{db}/...` (always in JSON mode).
 */
import { z } from 'zod';

export type LegacyTag = 'Legacy: authentication' | 'Legacy: reading' | 'Legacy: records (DML)' | 'Legacy: structure (DDL)';

export interface LegacyField {
  description: string;
  required?: boolean;
  /** number fields are documented as integers */
  type?: 'string' | 'integer' | 'array';
}

export interface LegacyAction {
  method: 'get' | 'post';
  /** OpenAPI path, e.g. /{db}/_m_new/{typeId} */
  path: string;
  operationId: string;
  summary: string;
  description: string;
  tag: LegacyTag;
  /** path parameters other than {db} */
  pathParams?: Record<string, string>;
  query?: Record<string, LegacyField>;
  /** form (or JSON) body fields */
  form?: Record<string, LegacyField>;
  /** commands: `_xsrf` required in the body */
  xsrf?: boolean;
  /** no credentials needed */
  anonymous?: boolean;
  response: z.ZodType;
  responseDescription: string;
  /** statuses other than 200 this action answers with, and why */
  errors?: Record<number, string>;
}

export const legacyError = z.array(z.object({ error: z.string() })).describe('my_die(): [{"error": "..."}] (HTTP 400 unless another status is given)');

const commandAnswer = z
  .object({
    id: z.union([z.number(), z.string(), z.null()]),
    obj: z.union([z.number(), z.string(), z.null()]),
    next_act: z.string(),
    args: z.string(),
    warnings: z.string(),
  })
  .describe('The generic answer of a command (index.php:13122); ids may be numbers or strings');

const loginAnswer = z.object({ _xsrf: z.string(), token: z.string(), id: z.union([z.string(), z.number()]), msg: z.string() });
const sessionAnswer = z.object({ _xsrf: z.string(), token: z.string(), user: z.string(), role: z.string(), id: z.union([z.string(), z.number()]), msg: z.string() });
const termList = z.array(z.object({ id: z.number(), type: z.number(), name: z.string(), alias: z.string().optional() }));
const requisite = z.object({
  num: z.number(), id: z.string(), val: z.string(), orig: z.string().optional(), type: z.string(), ref: z.string().optional(), ref_id: z.string().optional(),
  arr_id: z.string().optional(), attrs: z.string().optional(), granted: z.string().optional(),
});
const typeMetadata = z.object({
  id: z.string(), up: z.string(), type: z.string(), val: z.string(), unique: z.string(), granted: z.string().optional(), referenced: z.string().optional(),
  alias: z.string().optional(), attrs: z.string().optional(), export: z.string().optional(), delete: z.string().optional(), reqs: z.array(requisite).optional(),
});
const objectRows = z.array(z.object({ i: z.number(), u: z.number(), o: z.number(), r: z.array(z.unknown()) })).describe('JSON_OBJ: one entry per record, r = [first column, cells in column order]');
const anyJson = z.unknown();

const JSON_FLAG: Record<string, LegacyField> = { JSON: { description: 'Any parameter starting with JSON switches to JSON answers (JSON, JSON_KV, JSON_DATA, JSON_OBJ, JSON_CR)' } };
const XSRF_FIELD: Record<string, LegacyField> = { _xsrf: { description: 'The session _xsrf (from auth or xsrf); POST body only', required: true } };
const TYPE_ID = { typeId: 'Type (table) id; a type name also resolves' };
const RECORD_ID = { id: 'Record id' };
const REQ_ID = { reqId: 'Requisite (column) id' };
const CELLS: Record<string, LegacyField> = {
  't{reqId}': { description: 'Cell value per column id (t{typeId} = the first column); references take a record id, multi-select a comma list' },
  'NEW_{reqId}': { description: 'Reference given as text: looked up in the target table, created when missing and allowed' },
};

export const LEGACY_ACTIONS: LegacyAction[] = [
  // -- authentication ---------------------------------------------------------------------
  {
    method: 'post', path: '/{db}/auth', operationId: 'legacyAuth', tag: 'Legacy: authentication', anonymous: true,
    summary: 'Log in with login and password',
    description: 'Checks sha512(SALT+db+password) (and the older sha1 form); answers the token (64 hex, also set as cookie idb_{db}) and the _xsrf for commands.',
    query: JSON_FLAG,
    form: {
      login: { description: 'Login (case-insensitive)', required: true }, pwd: { description: 'Password (POST only)', required: true },
      tzone: { description: "Client's Unix time, for the time-zone shift" }, change: { description: 'Change the password (with npw1, npw2)' },
      npw1: { description: 'New password' }, npw2: { description: 'New password again' },
      reset: { description: 'Password reset instead of a login: the user whose login or e-mail is `login` is mailed a new password and a confirm link; answers {message: MAIL | NEW_PWD | WRONG_CONT, db, login, details} (needs the mail settings)' },
    },
    response: loginAnswer, responseDescription: 'Logged in',
    errors: { 401: 'Wrong login or password: {"error", "hint"}', 404: 'No such database', 409: 'Several users share the login' },
  },
  {
    method: 'get', path: '/{db}/xsrf', operationId: 'legacyXsrf', tag: 'Legacy: authentication',
    summary: 'Session info: user, role, token and _xsrf', description: 'What mcp-server calls after login to learn the user and role.',
    query: JSON_FLAG, response: sessionAnswer, responseDescription: 'The current session',
    errors: { 400: 'Not authenticated (no guest user)', 401: 'No authorization token provided' },
  },
  {
    method: 'get', path: '/{db}/exit', operationId: 'legacyExit', tag: 'Legacy: authentication',
    summary: 'Log out everywhere', description: "Deletes the user's token (all devices) and answers the login page state.",
    query: JSON_FLAG, response: anyJson, responseDescription: 'Logged out ({"message": ...} in JSON mode)',
  },
  {
    method: 'get', path: '/{db}/confirm', operationId: 'legacyConfirm', tag: 'Legacy: authentication', anonymous: true,
    summary: 'Confirm a password reset (the link of the reset mail)',
    description: 'Sets the password hash p when the user\'s current hash is still o; a browser is then sent to /{db}.',
    query: { ...JSON_FLAG, u: { description: 'Login' }, p: { description: 'The new password hash' }, o: { description: 'The password hash the mail was sent for' } },
    response: z.object({ message: z.string(), db: z.string(), login: z.string(), details: z.string() }), responseDescription: '{"message": "confirm"} or {"message": "obsolete"} in JSON mode',
  },
  {
    method: 'post', path: '/{db}/jwt', operationId: 'legacyJwt', tag: 'Legacy: authentication', anonymous: true,
    summary: 'JWT login of the PHP engine (not supported)',
    description: 'The PHP engine verifies an RS256 token against a key it never defines; this server answers the same refusal. Use POST /api/auth/login instead.',
    query: JSON_FLAG, form: { jwt: { description: 'RS256 token', required: true } },
    response: z.object({ error: z.string() }), responseDescription: 'Always {"error": "JWT verification failed"}',
  },
  // -- reading ---------------------------------------------------------------------------------
  {
    method: 'get', path: '/{db}/terms', operationId: 'legacyTerms', tag: 'Legacy: reading',
    summary: 'Tables the user may see', description: 'Independent types, filtered by grants, ordered by name.',
    query: JSON_FLAG, response: termList, responseDescription: 'List of tables',
  },
  {
    method: 'get', path: '/{db}/dict', operationId: 'legacyDict', tag: 'Legacy: reading',
    summary: 'Tables as an id → name map', description: 'Same list as terms, as an object.',
    query: { ...JSON_FLAG, val: { description: 'LIKE pattern on the name' } },
    response: z.record(z.string(), z.string()), responseDescription: '{"18": "Пользователь", ...}',
  },
  {
    method: 'get', path: '/{db}/metadata', operationId: 'legacyMetadataAll', tag: 'Legacy: reading',
    summary: 'Structure of every table', description: 'Always JSON. Columns with a BARRED grant are omitted.',
    response: z.array(typeMetadata), responseDescription: 'All tables with their columns',
  },
  {
    method: 'get', path: '/{db}/metadata/{typeId}', operationId: 'legacyMetadata', tag: 'Legacy: reading', pathParams: TYPE_ID,
    summary: 'Structure of one table', description: 'Type-level fields and reqs (columns): id (use as t{id}), val (name), type (base), ref/ref_id, arr_id, attrs.',
    response: typeMetadata, responseDescription: 'One table',
  },
  {
    method: 'get', path: '/{db}/obj_meta/{typeId}', operationId: 'legacyObjMeta', tag: 'Legacy: reading', pathParams: TYPE_ID,
    summary: 'Structure of one table (older form)', description: 'reqs keyed by column order.', query: JSON_FLAG,
    response: anyJson, responseDescription: 'One table',
  },
  {
    method: 'get', path: '/{db}/edit_types', operationId: 'legacyEditTypes', tag: 'Legacy: reading',
    summary: 'Type editor data', description: 'Column-oriented dump of all types and requisites; needs the type-editor grant.', query: JSON_FLAG,
    response: anyJson, responseDescription: '{"edit_types": {...}, "types": {...}, "editable": 1}',
  },
  {
    method: 'get', path: '/{db}/object/{typeId}', operationId: 'legacyObjectList', tag: 'Legacy: reading', pathParams: TYPE_ID,
    summary: 'Records of a table (filter, sort, page)',
    description: 'JSON → the api structure; JSON_OBJ → [{i,u,o,r}]; _count → {"count": "N"}. Filter values: text, %, !x, >x, a..b, IN(...), @id.',
    query: {
      JSON_OBJ: { description: 'Compact records [{i,u,o,r}] (integram-table.js)' },
      F_U: { description: 'Parent record (subordinate tables)', type: 'integer' }, F_I: { description: 'Only this record id', type: 'integer' },
      'F_{reqId}': { description: 'Filter on a column (or the first column with the type id)' },
      'FR_{reqId}': { description: 'Range start' }, 'TO_{reqId}': { description: 'Range end' },
      LIMIT: { description: 'n, or offset,n' }, pg: { description: 'Page number (by the default page size)', type: 'integer' },
      ORDER: { description: 'Column id to sort by; negative = descending' }, desc: { description: 'Descending' },
      _count: { description: 'Only the count' },
    },
    response: z.union([objectRows, z.object({ count: z.string() }), anyJson]), responseDescription: 'Records, or a count',
    errors: { 403: 'No READ grant on the parent (F_U)' },
  },
  {
    method: 'post', path: '/{db}/object/{typeId}', operationId: 'legacyObjectDeleteSelected', tag: 'Legacy: records (DML)', pathParams: TYPE_ID, xsrf: true,
    summary: 'Delete every record matching the filter (_m_del_select)', description: 'POST with _m_del_select=1 and the same F_ filters as the list; records with incoming references are kept. Needs the DELETE grant.',
    query: { ...JSON_FLAG, _m_del_select: { description: 'Must be present', required: true }, 'F_{reqId}': { description: 'Filters as in the list' } },
    form: XSRF_FIELD, response: z.object({ deleted: z.number() }), responseDescription: 'How many were deleted',
  },
  {
    method: 'get', path: '/{db}/edit_obj/{id}', operationId: 'legacyEditObj', tag: 'Legacy: reading', pathParams: RECORD_ID,
    summary: 'Record card', description: 'The record with every column (value, base, references, multi-select, subordinate counts). READ grants are checked (unlike the PHP engine; see docs/compatibility.md).',
    query: JSON_FLAG, response: anyJson, responseDescription: '{"obj": {...}, "reqs": {...}}',
  },
  {
    method: 'get', path: '/{db}/get_record/{id}', operationId: 'legacyGetRecord', tag: 'Legacy: reading', pathParams: RECORD_ID,
    summary: 'One record, briefly', description: 'Always JSON; READ grant required.',
    response: z.object({ id: z.string(), val: z.string(), up: z.string(), obj: z.string(), type: z.string(), base: z.string() }), responseDescription: 'The record',
  },
  {
    method: 'get', path: '/{db}/_ref_reqs/{reqId}', operationId: 'legacyRefReqs', tag: 'Legacy: reading', pathParams: REQ_ID,
    summary: 'Options of a reference column (dropdown)', description: 'Up to 80 target records {id: "value / extra"}; masks apply.',
    query: { ...JSON_FLAG, q: { description: 'Search text (@id for an id)' }, r: { description: 'Restrict to ids (comma list)' } },
    response: z.record(z.string(), z.string()), responseDescription: 'id → display text',
  },
  {
    method: 'get', path: '/{db}/report/{reportId}', operationId: 'legacyReport', tag: 'Legacy: reading', pathParams: { reportId: 'Report record id or name' },
    summary: 'Run a report', description: 'JSON (columns + column-major data), JSON_KV (rows as objects), JSON_DATA, JSON_CR; RECORD_COUNT → {"count"}.',
    query: {
      ...JSON_FLAG, JSON_KV: { description: 'Rows as {column: value}' }, 'FR_{column}': { description: 'Filter from' }, 'TO_{column}': { description: 'Filter to' },
      LIMIT: { description: 'n or offset,n' }, ORDER: { description: 'colId,-colId' }, RECORD_COUNT: { description: 'Only the count' },
    },
    response: anyJson, responseDescription: 'Report output', errors: { 403: 'No READ grant on the report' },
  },
  {
    method: 'post', path: '/{db}/report/{reportId}', operationId: 'legacyReportPost', tag: 'Legacy: reading', pathParams: { reportId: 'Report record id or name' },
    summary: 'Run a report (parameters in the body)', description: 'As GET; `confirmed` applies the report’s assignments.',
    query: JSON_FLAG, form: { confirmed: { description: 'Execute REP_COL_SET assignments' } }, response: anyJson, responseDescription: 'Report output',
  },
  {
    method: 'get', path: '/{db}/grants', operationId: 'legacyGrants', tag: 'Legacy: reading',
    summary: 'Objects a grant can name', description: 'Tables, columns and the pseudo objects 0 (type editor), 1 (all objects), 10 (files).', query: JSON_FLAG,
    response: anyJson, responseDescription: '[{"id", "name"}]',
  },
  {
    method: 'get', path: '/{db}/rep_cols', operationId: 'legacyRepCols', tag: 'Legacy: reading',
    summary: 'Candidate report columns', description: 'Every table and "Table -> Column" a report may use.', query: JSON_FLAG,
    response: anyJson, responseDescription: '[{"id", "name", "type", ...}]',
  },
  // -- records -----------------------------------------------------------------------------
  {
    method: 'post', path: '/{db}/_m_new/{typeId}', operationId: 'legacyMNew', tag: 'Legacy: records (DML)', pathParams: TYPE_ID, xsrf: true,
    summary: 'Create a record', description: 'Needs WRITE on the type (up=1) or on the parent. A duplicate of a unique type answers the existing record with a warning.',
    query: JSON_FLAG, form: { ...XSRF_FIELD, up: { description: '1 = independent record, else the parent record id', required: true, type: 'integer' }, ...CELLS },
    response: z.object({ id: z.number(), obj: z.number(), ord: z.number().optional(), next_act: z.string(), args: z.string(), val: z.string().optional(), warning: z.string().optional() }),
    responseDescription: 'The new record', errors: { 403: 'No WRITE grant' },
  },
  {
    method: 'post', path: '/{db}/_m_save/{id}', operationId: 'legacyMSave', tag: 'Legacy: records (DML)', pathParams: RECORD_ID, xsrf: true,
    summary: 'Save a record form', description: 'Changes the given cells (t{typeId} = first column); unlisted cells stay. copybtn saves as a copy.',
    query: JSON_FLAG, form: { ...XSRF_FIELD, ...CELLS, 'b{reqId}': { description: 'Boolean "on the form" marker' }, copybtn: { description: 'Save as a copy' } },
    response: commandAnswer, responseDescription: 'Saved (warnings when required columns are empty)',
  },
  {
    method: 'post', path: '/{db}/_m_set/{id}', operationId: 'legacyMSet', tag: 'Legacy: records (DML)', pathParams: RECORD_ID, xsrf: true,
    summary: 'Set individual cells', description: 'Only columns (not the first column); a multi-select list replaces the set; empty deletes.',
    query: JSON_FLAG, form: { ...XSRF_FIELD, 't{reqId}': CELLS['t{reqId}'] }, response: commandAnswer, responseDescription: 'Set',
  },
  {
    method: 'post', path: '/{db}/_m_del/{id}', operationId: 'legacyMDel', tag: 'Legacy: records (DML)', pathParams: RECORD_ID, xsrf: true,
    summary: 'Delete a record (and its subtree)', description: 'Refused with 409 while anything references the record or its subordinate records.',
    query: JSON_FLAG, form: XSRF_FIELD, response: commandAnswer, responseDescription: 'Deleted', errors: { 409: 'Referenced' },
  },
  {
    method: 'post', path: '/{db}/_m_del_batch/{typeId}', operationId: 'legacyMDelBatch', tag: 'Legacy: records (DML)', pathParams: TYPE_ID, xsrf: true,
    summary: 'Delete several records of a type', description: 'ids=1,2,3 or ids[]; per-id errors are reported, not fatal.',
    query: JSON_FLAG, form: { ...XSRF_FIELD, ids: { description: 'Comma list or array of record ids', required: true } },
    response: z.object({ deleted: z.array(z.number()), errors: z.record(z.string(), z.string()) }), responseDescription: 'Deleted ids and per-id errors',
    errors: { 403: 'No DELETE grant' },
  },
  {
    method: 'post', path: '/{db}/_m_move/{id}', operationId: 'legacyMMove', tag: 'Legacy: records (DML)', pathParams: RECORD_ID, xsrf: true,
    summary: 'Move a record to another parent', description: 'up = new parent (1 = make independent).',
    query: JSON_FLAG, form: { ...XSRF_FIELD, up: { description: 'New parent record id, or 1', required: true, type: 'integer' } }, response: commandAnswer, responseDescription: 'Moved',
  },
  {
    method: 'post', path: '/{db}/_m_up/{id}', operationId: 'legacyMUp', tag: 'Legacy: records (DML)', pathParams: RECORD_ID, xsrf: true,
    summary: 'Move a record up among its siblings', description: 'Swaps order with the previous sibling of the same type.',
    query: JSON_FLAG, form: XSRF_FIELD, response: commandAnswer, responseDescription: 'Moved',
  },
  {
    method: 'post', path: '/{db}/_m_ord/{id}', operationId: 'legacyMOrd', tag: 'Legacy: records (DML)', pathParams: RECORD_ID, xsrf: true,
    summary: 'Put a subordinate record at a position', description: 'order ≥ 1; siblings shift.',
    query: JSON_FLAG, form: { ...XSRF_FIELD, order: { description: 'New position (1-based)', required: true, type: 'integer' } }, response: commandAnswer, responseDescription: 'Moved',
  },
  {
    method: 'post', path: '/{db}/_m_id/{id}', operationId: 'legacyMId', tag: 'Legacy: records (DML)', pathParams: RECORD_ID, xsrf: true,
    summary: "Change a record's id", description: 'new_id must be free; children and references follow.',
    query: JSON_FLAG, form: { ...XSRF_FIELD, new_id: { description: 'The new id', required: true, type: 'integer' } }, response: commandAnswer, responseDescription: 'Renumbered',
  },
  // -- structure --------------------------------------------------------------------------
  {
    method: 'post', path: '/{db}/_d_new', operationId: 'legacyDNew', tag: 'Legacy: structure (DDL)', xsrf: true,
    summary: 'Create a type (table or term)', description: 'Needs the type-editor WRITE grant. An existing type of the same name and base is returned with a warning.',
    query: JSON_FLAG, form: { ...XSRF_FIELD, val: { description: 'Name', required: true }, t: { description: 'Base type id 1..17 (3 = SHORT)', required: true, type: 'integer' }, unique: { description: 'Presence = unique first column' } },
    response: commandAnswer, responseDescription: 'obj = the new type id',
  },
  {
    method: 'post', path: '/{db}/_d_save/{typeId}', operationId: 'legacyDSave', tag: 'Legacy: structure (DDL)', pathParams: TYPE_ID, xsrf: true,
    summary: 'Rename a type, change its base or unique flag', description: 'unique absent resets the flag.',
    query: JSON_FLAG, form: { ...XSRF_FIELD, val: { description: 'Name', required: true }, t: { description: 'Base type id', type: 'integer' }, unique: { description: 'Presence = unique' } },
    response: commandAnswer, responseDescription: 'Saved',
  },
  {
    method: 'post', path: '/{db}/_d_req/{typeId}', operationId: 'legacyDReq', tag: 'Legacy: structure (DDL)', pathParams: TYPE_ID, xsrf: true,
    summary: 'Add a column to a type', description: 't = the term (or reference type from _d_ref) to attach; t=1 with val = a free link.',
    query: JSON_FLAG, form: { ...XSRF_FIELD, t: { description: 'Term id', required: true, type: 'integer' }, val: { description: 'Free-link name (t=1)' }, multiselect: { description: 'Multi-select reference' } },
    response: commandAnswer, responseDescription: 'id = the new requisite id',
  },
  {
    method: 'post', path: '/{db}/_d_ref/{typeId}', operationId: 'legacyDRef', tag: 'Legacy: structure (DDL)', pathParams: { typeId: 'Target type id' }, xsrf: true,
    summary: 'Get or create the reference type of a table', description: 'obj = the reference type; attach it with _d_req.',
    query: JSON_FLAG, form: XSRF_FIELD, response: commandAnswer, responseDescription: 'obj = reference type id',
  },
  {
    method: 'post', path: '/{db}/_d_alias/{reqId}', operationId: 'legacyDAlias', tag: 'Legacy: structure (DDL)', pathParams: REQ_ID, xsrf: true,
    summary: 'Set a column alias', description: 'Empty clears it; no ":" allowed.',
    query: JSON_FLAG, form: { ...XSRF_FIELD, val: { description: 'Alias', required: true } }, response: commandAnswer, responseDescription: 'Saved',
  },
  {
    method: 'post', path: '/{db}/_t_alias/{typeId}', operationId: 'legacyTAlias', tag: 'Legacy: structure (DDL)', pathParams: TYPE_ID, xsrf: true,
    summary: "Set the alias of a table's first column", description: 'Needs WRITE on the table.',
    query: JSON_FLAG, form: { ...XSRF_FIELD, val: { description: 'Alias', required: true } }, response: commandAnswer, responseDescription: 'Saved',
  },
  {
    method: 'post', path: '/{db}/_d_null/{reqId}', operationId: 'legacyDNull', tag: 'Legacy: structure (DDL)', pathParams: REQ_ID, xsrf: true,
    summary: 'Toggle "required" of a column', description: 'Each call flips the flag.', query: JSON_FLAG, form: XSRF_FIELD, response: commandAnswer, responseDescription: 'Toggled',
  },
  {
    method: 'post', path: '/{db}/_d_multi/{reqId}', operationId: 'legacyDMulti', tag: 'Legacy: structure (DDL)', pathParams: REQ_ID, xsrf: true,
    summary: 'Toggle multi-select of a reference column', description: 'Each call flips the flag.', query: JSON_FLAG, form: XSRF_FIELD, response: commandAnswer, responseDescription: 'Toggled',
  },
  {
    method: 'post', path: '/{db}/_d_key/{reqId}', operationId: 'legacyDKey', tag: 'Legacy: structure (DDL)', pathParams: REQ_ID, xsrf: true,
    summary: 'Toggle "part of the unique key"', description: 'Each call flips the flag.', query: JSON_FLAG, form: XSRF_FIELD, response: commandAnswer, responseDescription: 'Toggled',
  },
  {
    method: 'post', path: '/{db}/_d_attrs/{reqId}', operationId: 'legacyDAttrs', tag: 'Legacy: structure (DDL)', pathParams: REQ_ID, xsrf: true,
    summary: 'Set all attributes of a column', description: 'val = default value; set_null, multi, key = presence flags; alias.',
    query: JSON_FLAG, form: { ...XSRF_FIELD, val: { description: 'Default value' }, set_null: { description: 'Required' }, multi: { description: 'Multi-select' }, alias: { description: 'Alias' }, key: { description: 'Unique key part' } },
    response: commandAnswer, responseDescription: 'Saved',
  },
  {
    method: 'post', path: '/{db}/_d_up/{reqId}', operationId: 'legacyDUp', tag: 'Legacy: structure (DDL)', pathParams: REQ_ID, xsrf: true,
    summary: 'Move a column up', description: 'Swaps with the previous column.', query: JSON_FLAG, form: XSRF_FIELD, response: commandAnswer, responseDescription: 'Moved',
  },
  {
    method: 'post', path: '/{db}/_d_ord/{reqId}', operationId: 'legacyDOrd', tag: 'Legacy: structure (DDL)', pathParams: REQ_ID, xsrf: true,
    summary: 'Put a column at a position', description: 'order ≥ 1.',
    query: JSON_FLAG, form: { ...XSRF_FIELD, order: { description: 'New position', required: true, type: 'integer' } }, response: commandAnswer, responseDescription: 'Moved',
  },
  {
    method: 'post', path: '/{db}/_d_del/{typeId}', operationId: 'legacyDDel', tag: 'Legacy: structure (DDL)', pathParams: TYPE_ID, xsrf: true,
    summary: 'Delete a type', description: 'Refused while records, columns, report columns or grants use it.',
    query: JSON_FLAG, form: XSRF_FIELD, response: commandAnswer, responseDescription: 'Deleted',
  },
  {
    method: 'post', path: '/{db}/_d_del_req/{reqId}', operationId: 'legacyDDelReq', tag: 'Legacy: structure (DDL)', pathParams: REQ_ID, xsrf: true,
    summary: 'Delete a column', description: 'With cells present it needs forced (then the cells go too).',
    query: JSON_FLAG, form: { ...XSRF_FIELD, forced: { description: 'Delete the cells as well' } }, response: commandAnswer, responseDescription: 'Deleted',
  },
];
