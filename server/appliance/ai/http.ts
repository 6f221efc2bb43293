/**
 * The HTTP part both provider shapes share: POST a JSON body, wait at most `timeoutMs` for the
 * answer and then between two parts of the stream, and turn every way of failing into a
 * ProviderError (429, 5xx, 401/403, other refusals, timeout, no connection). The key is sent in a
 * header only and wiped from any text of the provider's that is passed on.
 */
import { withoutKey } from './provider-base.js';
import { ProviderError, type ProviderName } from './types.js';

export interface PostOptions {
  provider: ProviderName;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  timeoutMs: number;
  /** the secret to wipe from error texts */
  secret: string;
  signal?: AbortSignal;
}

/** The provider's own error text (`{"error":{"message":…}}` in both shapes), short and without the key. */
function errorText(raw: string, secret: string): string {
  let text = raw;
  try {
    const parsed = JSON.parse(raw) as { error?: { message?: unknown } | string; message?: unknown };
    const error = parsed.error;
    if (typeof error === 'string') text = error;
    else if (error && typeof error.message === 'string') text = error.message;
    else if (typeof parsed.message === 'string') text = parsed.message;
  } catch {
    // not JSON: the text itself
  }
  return withoutKey(text.replace(/\s+/g, ' ').trim(), secret);
}

export function failureOf(status: number): 'rate_limited' | 'server_error' | 'unauthorized' | 'refused' {
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'server_error';
  if (status === 401 || status === 403) return 'unauthorized';
  return 'refused';
}

/**
 * POSTs and yields the response body's chunks; the timer restarts with every chunk. Aborting
 * `signal` (the client left) ends with its AbortError, which is no provider failure.
 */
export async function* postStream(options: PostOptions): AsyncGenerator<Uint8Array> {
  const { provider, timeoutMs } = options;
  const controller = new AbortController();
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
  };
  const onAbort = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const failed = (err: unknown): Error => {
    if (timedOut) return new ProviderError(provider, 'timeout', `no answer within ${timeoutMs} ms`);
    if (options.signal?.aborted) return err instanceof Error ? err : new Error('aborted');
    if (err instanceof ProviderError) return err;
    const cause = (err as { cause?: { code?: unknown; message?: unknown } }).cause;
    const detail = typeof cause?.code === 'string' ? cause.code : err instanceof Error ? err.message : String(err);
    return new ProviderError(provider, 'unreachable', `cannot connect: ${detail}`);
  };
  arm();
  try {
    let response: Response;
    try {
      response = await fetch(options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...options.headers },
        body: JSON.stringify(options.body),
        signal: controller.signal,
      });
    } catch (err) {
      throw failed(err);
    }
    if (!response.ok) {
      let raw = '';
      try {
        raw = await response.text();
      } catch (err) {
        throw failed(err);
      }
      const text = errorText(raw, options.secret);
      throw new ProviderError(provider, failureOf(response.status), `HTTP ${response.status}${text ? `: ${text}` : ''}`, response.status);
    }
    if (!response.body) throw new ProviderError(provider, 'bad_answer', 'the answer has no body');
    arm();
    try {
      for await (const chunk of response.body) {
        arm();
        yield chunk;
      }
    } catch (err) {
      throw failed(err);
    }
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
    // a consumer that stops early (or a timeout) must not leave the connection open
    if (!controller.signal.aborted) controller.abort();
  }
}
