/** Small HTTP clients for the suites that talk to a real server. */
import http from 'node:http';
import { sleep } from './net.mjs';

/**
 * One request on its own connection (no keep-alive): a pooled connection that the server closes
 * while the event loop of a busy test process is blocked would fail with ECONNRESET.
 */
export function request(url: string, init: { method?: string; headers?: Record<string, string>; body?: string; timeoutMs?: number } = {}): Promise<{ status: number; text: string; headers: Headers }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: init.method ?? 'GET', headers: init.headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        const headers = new Headers();
        for (const [name, value] of Object.entries(res.headers)) {
          if (typeof value === 'string') headers.set(name, value);
          else if (Array.isArray(value)) for (const item of value) headers.append(name, item);
        }
        resolve({ status: res.statusCode ?? 0, text, headers });
      });
    });
    req.on('error', reject);
    if (init.timeoutMs !== undefined) req.setTimeout(init.timeoutMs, () => req.destroy(new Error(`no answer within ${init.timeoutMs} ms`)));
    req.end(init.body);
  });
}

export async function getJson<T = Record<string, unknown>>(url: string, init?: { method?: string; headers?: Record<string, string>; body?: string }): Promise<{ status: number; body: T; headers: Headers }> {
  const res = await request(url, init);
  let body: unknown;
  try {
    body = JSON.parse(res.text);
  } catch {
    throw new Error(`${url}: not JSON (${res.status}): ${res.text.slice(0, 200)}`);
  }
  return { status: res.status, body: body as T, headers: res.headers };
}

/** Polls GET url until it answers (any status); returns the time it took in ms. */
export async function waitForHttp(url: string, timeoutMs = 10_000): Promise<number> {
  const started = Date.now();
  for (;;) {
    try {
      await request(url, { timeoutMs: 2000 });
      return Date.now() - started;
    } catch {
      if (Date.now() - started > timeoutMs) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
      await sleep(100);
    }
  }
}
