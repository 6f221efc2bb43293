/**
 * The PHP engine's URL API over Express: request → LegacyRequest → engine →
 * response. Every formatting rule of the wire (status, headers, cookies, JSON
 * vs text, redirects) lives in formatResponse below and nowhere else.
 *
 * Mounted last by the app shell, so only paths no other route claimed reach it.
 */
import express, { type Request, type Response, type Router } from 'express';
import { lostDatabase, sendError } from '../errors.js';
import { clientAddress } from '../security.js';
import { setOwn, type Engine, type LegacyRequest, type LegacyResponse } from '../../engine/index.js';
import { cleanText, cleanValue, fieldsToParams, JSON_MAX_DEPTH, JsonTooDeep, jsonNestsDeeperThan, parseCookies, parseFormBody, parseQueryString } from './params.js';
import { isMultipart, MultipartTooLarge, parseMultipart, type MultipartBody, type MultipartLimits } from './multipart.js';

export interface LegacyRouterDeps {
  /** the engine the composition built (shared with the modern API: one metadata and session cache) */
  engine: Engine;
  /** largest request body read (an express/body-parser size such as '8mb'; default 16mb) */
  bodyLimit?: string;
  /**
   * largest uploaded file in bytes (UPLOAD_MAX_SIZE; default 16 MiB): a multipart body may be
   * this large plus 1 MiB of form fields, even when bodyLimit is smaller
   */
  uploadLimitBytes?: number;
  logger?: { error: (...args: unknown[]) => void };
}

export function createLegacyRouter(deps: LegacyRouterDeps): Router {
  const { engine } = deps;
  const router = express.Router();
  const uploadLimit = deps.uploadLimitBytes ?? DEFAULT_UPLOAD_LIMIT;
  const limits: MultipartLimits = { fileBytes: uploadLimit, files: 20, fields: 1000, fieldBytes: 1024 * 1024 };
  // multipart first: body-parser skips a body an earlier parser has read
  router.use(express.raw({ type: (req) => isMultipart(req.headers['content-type']), limit: uploadLimit + 1024 * 1024 }));
  router.use(express.raw({ type: () => true, limit: deps.bodyLimit ?? '16mb' }));
  router.use(async (req: Request, res: Response) => {
    let response: LegacyResponse;
    try {
      const contentType = req.headers['content-type'];
      const multipart = isMultipart(contentType) && Buffer.isBuffer(req.body) ? await parseMultipart(req.body, contentType ?? '', limits) : null;
      const request = toLegacyRequest(req, multipart);
      response = await engine.handle(request);
      if (response.actor) res.locals.actor = { kind: 'legacy', user: response.actor.user, db: request.db };
    } catch (err) {
      if (err instanceof MultipartTooLarge) return formatResponse(res, tooLarge(`The request is too large: ${err.message}`));
      // the database went away mid-request: the same 503 as the store gate gives
      const lost = lostDatabase(err);
      if (lost) return sendError(res, 'plain', lost);
      deps.logger?.error({ err: err instanceof Error ? err.message : String(err) }, 'legacy request failed');
      response = { status: 500, headers: {}, cookies: [], body: { kind: 'json', value: [{ error: 'Internal error' }] } };
    }
    formatResponse(res, response);
  });
  // a body over the size limit: the engine's error shape, never the parser's stack
  router.use((err: unknown, _req: Request, res: Response, next: (err?: unknown) => void) => {
    const e = err as { type?: string; limit?: number } | null;
    if (e?.type === 'entity.too.large') return formatResponse(res, tooLarge(`The request body is too large (limit ${e.limit ?? 0} bytes)`));
    next(err);
  });
  return router;
}

const DEFAULT_UPLOAD_LIMIT = 16 * 1024 * 1024;

function tooLarge(message: string): LegacyResponse {
  return { status: 413, headers: {}, cookies: [], body: { kind: 'json', value: [{ error: message }] } };
}

/** Express request → the engine's request shape (path lower-cased like the PHP engine does) */
export function toLegacyRequest(req: Request, multipart: MultipartBody | null = null): LegacyRequest {
  const original = req.originalUrl || req.url;
  const q = original.indexOf('?');
  const rawPath = q >= 0 ? original.slice(0, q) : original;
  const rawQuery = q >= 0 ? original.slice(q + 1) : '';
  let path = rawPath.toLowerCase();
  let forceJson = false;
  const download = downloadRequest(rawPath);
  if (path === '/api' || path.startsWith('/api/')) {
    path = path.slice(4);
    forceJson = true;
  }
  const com = path.split('/');
  const db = com[1] ?? '';
  const segments = com.slice(2);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined) continue;
    headers[k.toLowerCase()] = cleanText(Array.isArray(v) ? v.join(', ') : v);
  }
  return {
    db: db === '' ? '' : db,
    action: com[2] ?? '',
    id: com.length > 3 ? com[3] : undefined,
    extra: com.length > 4 ? com[4] : undefined,
    segments,
    query: parseQueryString(rawQuery),
    post: multipart ? fieldsToParams(multipart.fields) : bodyParams(req),
    ...(multipart?.files.length ? { files: multipart.files } : {}),
    cookies: parseCookies(headers.cookie ?? ''),
    headers,
    method: req.method,
    remoteAddr: clientAddress(req),
    host: headers.host ?? '',
    uri: original,
    forceJson,
    ...download,
  };
}

/**
 * `/download/{db}/{folder}/{file}`, the link of a FILE cell (the PHP engine's web server serves that
 * folder as static files): the engine's `download` action of that database, with the file name's
 * case kept (an extension may be upper-case). `download` is a reserved database name.
 */
function downloadRequest(rawPath: string): Pick<LegacyRequest, 'db' | 'action' | 'id' | 'extra' | 'segments' | 'forceJson'> | null {
  const parts = rawPath.split('/');
  if (parts[1]?.toLowerCase() !== 'download' || parts.length < 3) return null;
  let decoded: string[];
  try {
    decoded = parts.slice(3).map((p) => decodeURIComponent(p));
  } catch {
    decoded = parts.slice(3);
  }
  // JSON mode: a script's X-Authorization counts, and a refusal is a JSON error rather than the login page
  return { db: (parts[2] ?? '').toLowerCase(), action: 'download', id: decoded[0] ?? '', extra: decoded[1], segments: ['download', ...decoded], forceJson: true };
}

/** PHP: form fields into $_POST, then a body that parses as JSON is merged key by key */
function bodyParams(req: Request): Record<string, unknown> {
  const body: unknown = req.body;
  let raw = '';
  if (Buffer.isBuffer(body)) raw = body.toString('utf8');
  else if (typeof body === 'string') raw = body;
  else if (body && typeof body === 'object') {
    // parsed by an earlier middleware: the same depth rule as for a raw body
    try {
      return cleanValue(body) as Record<string, unknown>;
    } catch (err) {
      if (err instanceof JsonTooDeep) return {};
      throw err;
    }
  }
  const post: Record<string, unknown> = {};
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  if (type.startsWith('application/x-www-form-urlencoded')) for (const [k, v] of Object.entries(parseFormBody(raw))) setOwn(post, k, v);
  if (raw.length && !jsonNestsDeeperThan(raw, JSON_MAX_DEPTH)) {
    try {
      const json: unknown = JSON.parse(raw);
      if (json !== null && typeof json === 'object') {
        const entries = Array.isArray(json) ? json.map((v, i) => [String(i), v] as const) : Object.entries(json);
        for (const [k, v] of entries) setOwn(post, cleanText(k), cleanValue(v));
      }
    } catch {
      /* not JSON */
    }
  }
  return post;
}

/** file kinds a browser may show rather than download (never HTML, SVG or scripts) */
const SHOWN_FILE_TYPES: Record<string, string> = {
  txt: 'text/plain; charset=UTF-8', csv: 'text/csv; charset=UTF-8', pdf: 'application/pdf',
  png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp',
};

const COOKIE_DATE = (ms: number): string => new Date(ms).toUTCString().replace(/GMT$/, 'GMT');

/** the one place where the engine's answer becomes HTTP */
export function formatResponse(res: Response, r: LegacyResponse): void {
  res.status(r.status);
  for (const [k, v] of Object.entries(r.headers)) res.setHeader(k, v);
  const cookies = r.cookies.map((c) => {
    let s = `${c.name}=${c.value === '' ? 'deleted' : encodeURIComponent(c.value)}`;
    if (c.maxAge !== undefined) {
      const maxAge = c.value === '' ? 0 : c.maxAge;
      s += `; expires=${COOKIE_DATE(Date.now() + (c.value === '' ? -31536001000 : maxAge * 1000))}; Max-Age=${Math.max(0, maxAge)}`;
    }
    s += `; path=${c.path}`;
    if (c.secure) s += '; secure';
    if (c.httpOnly) s += '; HttpOnly';
    if (c.sameSite) s += `; SameSite=${c.sameSite}`;
    return s;
  });
  if (cookies.length) res.setHeader('Set-Cookie', cookies);
  const body = r.body;
  switch (body.kind) {
    case 'json': {
      res.setHeader('Content-Type', 'application/json; charset=UTF-8');
      if (body.filename) res.setHeader('Content-Disposition', `attachment;filename=${body.filename}`);
      res.end(JSON.stringify(body.value));
      return;
    }
    case 'text':
      res.setHeader('Content-Type', body.contentType ?? 'text/html; charset=UTF-8');
      res.end(body.text);
      return;
    case 'file': {
      // uploaded content is never run by the browser: a few harmless kinds are shown, the rest downloaded
      const type = SHOWN_FILE_TYPES[body.filename.slice(body.filename.lastIndexOf('.') + 1).toLowerCase()];
      res.setHeader('Content-Type', type ?? 'application/octet-stream');
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
      res.setHeader('Content-Disposition', `${type ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(body.filename)}`);
      res.end(Buffer.from(body.content.buffer, body.content.byteOffset, body.content.byteLength));
      return;
    }
    case 'download':
      res.setHeader('Content-Type', body.contentType);
      res.setHeader('Content-Disposition', attachmentDisposition(body.filename));
      res.end(Buffer.from(body.content.buffer, body.content.byteOffset, body.content.byteLength));
      return;
    case 'redirect':
      res.setHeader('Location', headerSafeLocation(body.location));
      res.setHeader('Content-Type', 'text/html; charset=UTF-8');
      res.end();
      return;
    case 'empty':
      res.end();
  }
}

/**
 * A Location header carries visible ASCII only (node refuses anything else with a 500): the rest —
 * a login in Cyrillic echoed into `/start.html?login=…`, a space, a lone surrogate — goes out
 * percent-encoded as UTF-8, which is how a browser reads the raw bytes the PHP engine sends.
 */
export function headerSafeLocation(location: string): string {
  return location.replace(/[^\x21-\x7e]+/g, (run) => [...Buffer.from(run, 'utf8')].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''));
}

/**
 * `attachment;filename=…` as the engine writes it; a name a header cannot carry as it is (not
 * printable ASCII, or with `"`, `;`, `\`) goes as RFC 6266 `filename*` (node refuses other bytes in headers).
 */
export function attachmentDisposition(filename: string): string {
  if (/^[\x20-\x7e]*$/.test(filename) && !/[";\\]/.test(filename)) return `attachment;filename=${filename}`;
  const fallback = filename.replace(/[^\x20-\x7e]|[";\\]/g, '_');
  return `attachment;filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}
