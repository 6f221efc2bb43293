/**
 * Fake AI providers on 127.0.0.1 for the chat's tests: a node:http server that speaks one real
 * shape (OpenAI-compatible chat completions, or Anthropic's messages API), records every request
 * it receives (path, headers, JSON body), and behaves as told: stream an answer, refuse with a
 * status (429, 500, 401…), never answer (a timeout), or break the stream midway.
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeShape = 'openai' | 'anthropic';

export type FakeBehaviour =
  | { kind: 'answer'; parts: string[]; delayMs?: number }
  | { kind: 'status'; status: number; body?: unknown }
  | { kind: 'hang' }
  | { kind: 'break'; parts: string[] }
  | { kind: 'stream-error'; message: string };

export interface FakeRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

export interface FakeProvider {
  shape: FakeShape;
  /** the base URL to configure (OpenAI shape: …/v1; Anthropic: the host root) */
  baseUrl: string;
  requests: FakeRequest[];
  /** set while the fake itself closes its connections */
  closing?: boolean;
  /** answers whose connection the client closed before the end */
  abandoned: number;
  behaviour: FakeBehaviour;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function openAiEvent(res: ServerResponse, text: string): void {
  res.write(`data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: text }, finish_reason: null }] })}\n\n`);
}

function anthropicEvent(res: ServerResponse, type: string, data: Record<string, unknown>): void {
  res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
}

async function stream(shape: FakeShape, res: ServerResponse, parts: string[], delayMs: number, finish: boolean): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  if (shape === 'anthropic') {
    anthropicEvent(res, 'message_start', { message: { id: 'msg_1', type: 'message', role: 'assistant', content: [], model: 'fake', usage: { input_tokens: 1, output_tokens: 0 } } });
    anthropicEvent(res, 'content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
    res.write('event: ping\ndata: {"type": "ping"}\n\n');
  } else {
    res.write(`data: ${JSON.stringify({ id: 'chatcmpl-1', choices: [{ index: 0, delta: { role: 'assistant', content: '' } }] })}\n\n`);
  }
  for (const part of parts) {
    if (delayMs) await sleep(delayMs);
    if (res.destroyed) return;
    if (shape === 'anthropic') anthropicEvent(res, 'content_block_delta', { index: 0, delta: { type: 'text_delta', text: part } });
    else openAiEvent(res, part);
  }
  if (!finish) {
    // let the parts reach the client, then drop the connection without the end marker
    await new Promise<void>((resolve) => res.write('', () => resolve()));
    await sleep(100);
    res.socket?.destroy();
    return;
  }
  if (shape === 'anthropic') {
    anthropicEvent(res, 'content_block_stop', { index: 0 });
    anthropicEvent(res, 'message_delta', { delta: { stop_reason: 'end_turn' }, usage: { output_tokens: parts.length } });
    anthropicEvent(res, 'message_stop', {});
  } else {
    res.write(`data: ${JSON.stringify({ id: 'chatcmpl-1', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`);
    res.write('data: [DONE]\n\n');
  }
  res.end();
}

export async function startFakeProvider(shape: FakeShape, behaviour: FakeBehaviour = { kind: 'answer', parts: ['Hello', ' there'] }): Promise<FakeProvider> {
  const requests: FakeRequest[] = [];
  const hanging = new Set<ServerResponse>();
  const fake: FakeProvider = { shape, baseUrl: '', requests, abandoned: 0, behaviour, close: async () => undefined };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch {
        // recorded as empty
      }
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
      res.on('close', () => {
        if (!res.writableFinished && !fake.closing) fake.abandoned++;
      });
      const b = fake.behaviour;
      const expected = shape === 'anthropic' ? '/v1/messages' : '/v1/chat/completions';
      if (req.method !== 'POST' || req.url !== expected) {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `no route ${req.url}` } }));
        return;
      }
      if (b.kind === 'status') {
        const payload = b.body ?? (shape === 'anthropic'
          ? { type: 'error', error: { type: b.status === 429 ? 'rate_limit_error' : 'api_error', message: `fake ${b.status}` } }
          : { error: { message: `fake ${b.status}`, type: 'fake' } });
        res.writeHead(b.status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
      } else if (b.kind === 'hang') {
        hanging.add(res);
      } else if (b.kind === 'stream-error') {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        if (shape === 'anthropic') anthropicEvent(res, 'error', { error: { type: 'overloaded_error', message: b.message } });
        else res.write(`data: ${JSON.stringify({ error: { message: b.message } })}\n\n`);
        res.end();
      } else {
        void stream(shape, res, b.parts, b.kind === 'answer' ? (b.delayMs ?? 0) : 0, b.kind === 'answer');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  fake.baseUrl = shape === 'anthropic' ? `http://127.0.0.1:${port}` : `http://127.0.0.1:${port}/v1`;
  fake.close = async () => {
    fake.closing = true;
    for (const res of hanging) res.socket?.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return fake;
}

/** A loopback address where nothing listens (connection refused). */
export async function refusedBaseUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/v1`;
}
