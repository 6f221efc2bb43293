/**
 * Typed engine operations for callers that are not the legacy URL API (a future
 * /api/v2, the console). They run through the same command code as the legacy
 * API, so grants, XSRF-free token auth and value rules are identical; results
 * are unwrapped into plain objects and failures become EngineOperationError.
 */
import type { EngineCore } from './core.js';
import type { LegacyRequest, LegacyResponse } from './types.js';

export class EngineOperationError extends Error {
  constructor(readonly status: number, message: string, readonly body: unknown) {
    super(message);
  }
}

export interface Credentials {
  token: string;
  xsrf: string;
}

export interface EngineOperations {
  login(db: string, login: string, password: string): Promise<Credentials & { userId: number }>;
  listTypes(db: string, creds: Credentials): Promise<{ id: number; type: number; name: string; alias?: string }[]>;
  getType(db: string, creds: Credentials, typeId: number): Promise<unknown>;
  listObjects(db: string, creds: Credentials, typeId: number, query?: Record<string, string>): Promise<{ i: number; u: number; o: number; r: unknown[] }[]>;
  createObject(db: string, creds: Credentials, typeId: number, values: Record<string, string | string[]>, up?: number): Promise<{ id: number }>;
  updateObject(db: string, creds: Credentials, id: number, values: Record<string, string | string[]>): Promise<void>;
  deleteObject(db: string, creds: Credentials, id: number): Promise<void>;
}

function request(db: string, action: string, id: string | undefined, opts: {
  query?: Record<string, string>; post?: Record<string, unknown>; creds?: Credentials; method?: string;
}): LegacyRequest {
  const query: Record<string, string> = { JSON: '', ...(opts.query ?? {}) };
  const segments = [action, ...(id !== undefined ? [id] : [])];
  const uri = `/${db}/${segments.join('/')}`;
  return {
    db, action, id, segments, query, post: opts.post ?? {}, cookies: {},
    headers: opts.creds ? { 'x-authorization': opts.creds.token } : {},
    method: opts.method ?? (opts.post ? 'POST' : 'GET'), remoteAddr: '127.0.0.1', host: 'localhost', uri,
  };
}

function unwrap(res: LegacyResponse): unknown {
  const body = res.body;
  let value: unknown = body.kind === 'json' ? body.value : body.kind === 'text' ? body.text : null;
  if (body.kind === 'text') {
    try {
      value = JSON.parse(body.text);
    } catch {
      /* plain text */
    }
  }
  const isError = res.status >= 400 || (Array.isArray(value) && value.length === 1 && typeof value[0] === 'object' && value[0] !== null && 'error' in value[0]);
  if (isError || body.kind === 'text') {
    const message = Array.isArray(value) ? String((value[0] as { error?: unknown })?.error ?? 'error') : String(value);
    if (isError || typeof value === 'string') throw new EngineOperationError(res.status >= 400 ? res.status : 400, message, value);
  }
  return value;
}

export function createOperations(core: EngineCore): EngineOperations {
  const run = async (req: LegacyRequest): Promise<unknown> => unwrap(await core.handle(req));
  return {
    async login(db, login, password) {
      const v = (await run(request(db, 'auth', undefined, { post: { login, pwd: password } }))) as { _xsrf: string; token: string; id: string | number };
      return { token: v.token, xsrf: v._xsrf, userId: Number(v.id) };
    },
    async listTypes(db, creds) {
      return (await run(request(db, 'terms', undefined, { creds }))) as { id: number; type: number; name: string }[];
    },
    async getType(db, creds, typeId) {
      return run(request(db, 'metadata', String(typeId), { creds }));
    },
    async listObjects(db, creds, typeId, query) {
      return (await run(request(db, 'object', String(typeId), { creds, query: { JSON_OBJ: '', ...(query ?? {}) } }))) as { i: number; u: number; o: number; r: unknown[] }[];
    },
    async createObject(db, creds, typeId, values, up = 1) {
      const post: Record<string, unknown> = { _xsrf: creds.xsrf, up: String(up) };
      for (const [k, v] of Object.entries(values)) post[/^\d+$/.test(k) ? `t${k}` : k] = v;
      const v = (await run(request(db, '_m_new', String(typeId), { creds, post }))) as { id: number };
      return { id: Number(v.id) };
    },
    async updateObject(db, creds, id, values) {
      const post: Record<string, unknown> = { _xsrf: creds.xsrf };
      for (const [k, v] of Object.entries(values)) post[/^\d+$/.test(k) ? `t${k}` : k] = v;
      await run(request(db, '_m_save', String(id), { creds, post }));
    },
    async deleteObject(db, creds, id) {
      await run(request(db, '_m_del', String(id), { creds, post: { _xsrf: creds.xsrf } }));
    },
  };
}
