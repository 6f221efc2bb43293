// One error type for everything the bridge reports, built from the admin API's error envelope
// `{ error: { code, message, params?, fields?, fieldCodes? } }`. Pages show the code's text in the
// console's language (app-state errorText, fieldErrorTexts); the English `message` only for a code
// the console does not know. They never see raw response bodies or stack traces.

/** Values a code's text names. */
export type Params = Record<string, string | number>;
/** A field's problem as a code. */
export interface CodedField { code: string; params?: Params }

export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly status: number,
    readonly fields: Record<string, string> = {},
    readonly params: Params = {},
    readonly fieldCodes: Record<string, CodedField> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Codes the console sets itself (the server's own codes come from the envelope). */
export const CLIENT_ERROR = {
  network: 'network',
  badResponse: 'bad_response',
} as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function paramsOf(value: unknown): Params {
  if (!isRecord(value)) return {};
  const out: Params = {};
  for (const [key, v] of Object.entries(value)) if (typeof v === 'string' || typeof v === 'number') out[key] = v;
  return out;
}

/** `{field: {code, params?}}`; anything else in it is dropped. */
export function codedFields(value: unknown): Record<string, CodedField> {
  if (!isRecord(value)) return {};
  const out: Record<string, CodedField> = {};
  for (const [key, v] of Object.entries(value)) {
    if (isRecord(v) && typeof v.code === 'string') out[key] = { code: v.code, params: paramsOf(v.params) };
  }
  return out;
}

function stringRecord(value: unknown): Record<string, string> {
  if (!isRecord(value)) return {};
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) if (typeof v === 'string') out[key] = v;
  return out;
}

/**
 * Turns a failed response body into an ApiError. Anything that is not the envelope becomes a
 * short generic message with the HTTP status, so an HTML error page or a trace never reaches the UI.
 */
export function errorFromBody(status: number, body: unknown): ApiError {
  if (isRecord(body) && isRecord(body.error)) {
    const { code, message, fields, params, fieldCodes } = body.error;
    const text = typeof message === 'string' && message.length > 0 ? firstLine(message) : `HTTP ${status}`;
    return new ApiError(text, typeof code === 'string' ? code : `http_${status}`, status, stringRecord(fields), paramsOf(params), codedFields(fieldCodes));
  }
  // The modern API's envelope `{ success: false, error: "..." }` may answer too (e.g. a 503 from a shared guard).
  if (isRecord(body) && typeof body.error === 'string') {
    return new ApiError(firstLine(body.error), typeof body.code === 'string' ? body.code : `http_${status}`, status, {}, paramsOf(body.params));
  }
  return new ApiError(`HTTP ${status}`, `http_${status}`, status);
}

/** Keeps only the first line and caps the length: a defence against a trace slipping into a message. */
function firstLine(text: string): string {
  const line = text.split('\n', 1)[0].trim();
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

export function isApiError(value: unknown): value is ApiError {
  return value instanceof ApiError;
}
