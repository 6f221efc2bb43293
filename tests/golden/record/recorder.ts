/**
 * Records HTTP exchanges with the PHP engine running locally (the oracle, on 127.0.0.1 only) in the
 * format the replay reads (docs/testing-fixtures.md): one JSON line per exchange. Scenarios
 * (./scenarios/*.ts) call `rec.call()`; `rec.login()` keeps the token and XSRF for later calls.
 *
 * Bodies: `form` (urlencoded, `_xsrf` added unless `xsrf: false`), `json`, `multipart` (built here
 * with a fixed boundary so the recorded body is replayable byte for byte), or `raw`.
 */
import { writeFileSync } from 'node:fs';
import type { Exchange } from '../replay.js';

export const MULTIPART_BOUNDARY = '----integram-recorder-boundary-7c1f';

export interface MultipartFile {
  filename: string;
  content: string | Buffer;
  contentType?: string;
}
export type MultipartFields = Record<string, string | number | MultipartFile>;

export interface CallOptions {
  form?: Record<string, string | number | null | undefined>;
  json?: unknown;
  multipart?: MultipartFields;
  raw?: string;
  headers?: Record<string, string>;
  /** send X-Authorization with the session token (default true) */
  auth?: boolean;
  /** add the session's _xsrf to form and multipart bodies (default true) */
  xsrf?: boolean;
  note?: string;
}

export interface Answer {
  status: number;
  /** parsed JSON, or undefined when the body is not JSON */
  json: unknown;
  text: string;
}

/** one line of a recording: the shape the replay reads (tests/golden/replay.ts) */
export type RecordedExchange = Exchange;

function formEncode(fields: Record<string, string | number | null | undefined>): string {
  return Object.entries(fields)
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
}

export function multipartBody(fields: MultipartFields, boundary = MULTIPART_BOUNDARY): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    if (typeof value === 'object') {
      parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${value.filename}"\r\nContent-Type: ${value.contentType ?? 'application/octet-stream'}\r\n\r\n`));
      parts.push(Buffer.isBuffer(value.content) ? value.content : Buffer.from(value.content));
      parts.push(Buffer.from('\r\n'));
    } else {
      parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
    }
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(parts);
}

/** JSON after text the engine printed before it (a notice, its mail diagnostics), for reading ids only */
function lenientJson(text: string): unknown {
  const start = text.search(/[[{]/);
  if (start < 0) return undefined;
  try {
    return JSON.parse(text.slice(start));
  } catch {
    return undefined;
  }
}

export class Recorder {
  readonly exchanges: RecordedExchange[] = [];
  token: string | null = null;
  xsrf: string | null = null;
  /** names for the ids the run creates, written next to the recording as *.ids.json */
  readonly ids: Record<string, number> = {};

  constructor(readonly base: string, readonly db: string, private readonly log: (line: string) => void = console.log) {
    if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(base)) throw new Error(`refusing a base that is not loopback: ${base}`);
  }

  /** `path` relative to the database: '/xsrf?JSON' → '/{db}/xsrf?JSON'; a path starting with '//' is used as is (minus one slash) */
  url(path: string): string {
    return path.startsWith('//') ? path.slice(1) : `/${this.db}${path}`;
  }

  async call(name: string, method: string, path: string, options: CallOptions = {}): Promise<Answer> {
    const { auth = true, xsrf = true } = options;
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (auth && this.token) headers['X-Authorization'] = this.token;
    let body: Buffer | undefined;
    if (options.form) {
      body = Buffer.from(formEncode(xsrf && this.xsrf ? { _xsrf: this.xsrf, ...options.form } : options.form));
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
    } else if (options.multipart) {
      body = multipartBody(xsrf && this.xsrf ? { _xsrf: this.xsrf, ...options.multipart } : options.multipart);
      headers['Content-Type'] = `multipart/form-data; boundary=${MULTIPART_BOUNDARY}`;
    } else if (options.json !== undefined) {
      body = Buffer.from(JSON.stringify(options.json));
      headers['Content-Type'] = 'application/json';
    } else if (options.raw !== undefined) {
      body = Buffer.from(options.raw);
    }
    const url = this.url(path);
    const res = await fetch(this.base + url, { method, headers, body, redirect: 'manual' });
    const bytes = Buffer.from(await res.arrayBuffer());
    const text = bytes.toString('utf8');
    const responseIsText = Buffer.from(text, 'utf8').equals(bytes);
    let json: unknown;
    let isJson = false;
    try {
      json = JSON.parse(text);
      isJson = true;
    } catch {
      json = undefined;
    }
    const responseHeaders: Record<string, string | string[]> = {};
    for (const k of ['content-type', 'content-disposition', 'location', 'content-length']) {
      const v = res.headers.get(k);
      if (v !== null) responseHeaders[k] = v;
    }
    const cookies = res.headers.getSetCookie();
    if (cookies.length) responseHeaders['set-cookie'] = cookies;
    const bodyText = body?.toString('utf8');
    const textSafe = body !== undefined && Buffer.from(bodyText ?? '', 'utf8').equals(body);
    const exchange: RecordedExchange = {
      seq: this.exchanges.length + 1,
      name,
      note: options.note,
      method,
      url,
      headers,
      body: body === undefined ? null : textSafe ? (bodyText as string) : null,
      ...(body !== undefined && !textSafe ? { body_base64: body.toString('base64') } : {}),
      status: res.status,
      response_headers: responseHeaders,
      response_is_json: isJson,
      response: isJson ? json : text,
      ...(responseIsText ? {} : { response_base64: bytes.toString('base64') }),
    };
    this.exchanges.push(exchange);
    this.log(`${String(exchange.seq).padStart(3)} ${res.status} ${method} ${url} :: ${(isJson ? JSON.stringify(json) : text).slice(0, 140).replace(/\n/g, ' ')}`);
    return { status: res.status, json, text };
  }

  /** POST /{db}/auth?JSON (the scenario's tenant unless `db` is given); keeps the token and XSRF for later calls */
  async login(name: string, login: string, pwd: string, db?: string): Promise<Answer> {
    const answer = await this.call(name, 'POST', db ? `//${db}/auth?JSON` : '/auth?JSON', { form: { login, pwd }, auth: false, xsrf: false });
    const body = answer.json as { token?: string; _xsrf?: string } | undefined;
    if (!body?.token || !body._xsrf) throw new Error(`login ${login} failed: ${answer.text.slice(0, 200)}`);
    this.token = body.token;
    this.xsrf = body._xsrf;
    return answer;
  }

  /** the id a `_m_new`/`_d_new`/... answer carries (`id` or `obj`), named for the ids file */
  idOf(answer: Answer, key: string, field: 'id' | 'obj' = 'obj'): number {
    const body = (answer.json ?? lenientJson(answer.text)) as Record<string, unknown> | undefined;
    const value = Number(body?.[field] ?? body?.id);
    if (!Number.isInteger(value) || value <= 0) throw new Error(`no ${field} in answer for ${key}: ${answer.text.slice(0, 200)}`);
    this.ids[key] = value;
    return value;
  }

  write(file: string): void {
    writeFileSync(file, this.exchanges.map((e) => JSON.stringify(e)).join('\n') + '\n');
  }
}
