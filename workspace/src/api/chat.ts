/**
 * The workspace's client of the AI chat (`POST /api/chat`, docs/modern-api.md "AI chat"): the one
 * request the workspace makes outside the legacy URL API. It authenticates with the engine's own
 * token (the `idb_{db}` cookie the legacy login set, sent as X-Authorization as scripts do), names
 * the database so the answer is grounded in what this user may read, and reads the answer as
 * Server-Sent Events: `start` (who answers), `delta` (text), `end`, or `error` midway.
 */
import { engineToken } from './cookies.js';

export interface ChatTurn {
  role: 'user' | 'assistant';
  content: string;
}

/** A refusal or failure of the chat, with the server's stable code (ai_not_configured, ai_unavailable, …). */
export class ChatError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'ChatError';
  }
}

/** The events of an SSE body, one `{event, data}` per blank-line-separated block. */
async function* events(body: ReadableStream<Uint8Array>): AsyncGenerator<{ event: string; data: string }> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
    const blocks = buffer.replace(/\r\n?/g, '\n').split('\n\n');
    buffer = done ? '' : (blocks.pop() ?? '');
    for (const block of blocks) {
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      if (data.length > 0) yield { event, data: data.join('\n') };
    }
    if (done) return;
  }
}

export interface ChatRequest {
  db: string;
  messages: ChatTurn[];
  /** a report whose result (run with this user's grants) the answer may use */
  report?: number;
  onStart?: (provider: string) => void;
  onText: (text: string) => void;
  signal?: AbortSignal;
}

/** Streams one answer; resolves with the provider that gave it. */
export async function askChat(request: ChatRequest): Promise<string> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'text/event-stream' };
  const token = engineToken(request.db);
  if (token) headers['X-Authorization'] = token;
  let response: Response;
  try {
    response = await fetch('/api/chat', {
      method: 'POST',
      headers,
      credentials: 'same-origin',
      body: JSON.stringify({ database: request.db, messages: request.messages, ...(request.report !== undefined ? { report: request.report } : {}) }),
      signal: request.signal,
    });
  } catch {
    throw new ChatError('NETWORK', 'network');
  }
  if (!response.ok || !(response.headers.get('content-type') ?? '').includes('text/event-stream') || !response.body) {
    let code = `HTTP ${response.status}`;
    let message = '';
    try {
      const body = (await response.json()) as { code?: unknown; error?: unknown };
      if (typeof body.code === 'string') code = body.code;
      if (typeof body.error === 'string') message = body.error;
    } catch {
      // not JSON: the status says it
    }
    throw new ChatError(code, message);
  }
  let provider = '';
  for await (const e of events(response.body)) {
    const data = JSON.parse(e.data) as { provider?: string; text?: string; code?: string; message?: string };
    if (e.event === 'start') {
      provider = data.provider ?? '';
      request.onStart?.(provider);
    } else if (e.event === 'delta' && typeof data.text === 'string') {
      request.onText(data.text);
    } else if (e.event === 'error') {
      throw new ChatError(data.code ?? 'ai_interrupted', data.message ?? '');
    }
  }
  return provider;
}
