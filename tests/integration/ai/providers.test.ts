/**
 * The AI chat's providers against fake servers on loopback that speak the real shapes
 * (tests/support/fake-ai.ts): each shape streams, the order POLZA > DEEPSEEK > ANTHROPIC > OPENAI is
 * kept among the configured keys, a provider that fails before its first word (429, 5xx, 401,
 * timeout, connection refused, an error event) is passed over for the next, and when all fail the
 * error names each one's reason. Nothing here leaves 127.0.0.1.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AiChatError, aiStatus, configuredProviders, streamChat, type AiConfig, type ChatEvent } from '../../../server/appliance/ai/chat.js';
import { ANTHROPIC_VERSION } from '../../../server/appliance/ai/anthropic.js';
import { readSse } from '../../../server/appliance/ai/sse.js';
import type { ChatMessage } from '../../../server/appliance/ai/types.js';
import { refusedBaseUrl, startFakeProvider, type FakeProvider } from '../../support/fake-ai.js';

const MESSAGES: ChatMessage[] = [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi?' }];
const fakes: FakeProvider[] = [];

async function fake(...args: Parameters<typeof startFakeProvider>): Promise<FakeProvider> {
  const f = await startFakeProvider(...args);
  fakes.push(f);
  return f;
}

afterEach(async () => {
  await Promise.all(fakes.splice(0).map((f) => f.close()));
});

function config(overrides: Partial<AiConfig>): AiConfig {
  return {
    POLZA_AI_API_KEY: undefined, POLZA_AI_BASE_URL: 'http://127.0.0.1:9/v1', POLZA_AI_MODEL: 'polza-model',
    DEEPSEEK_API_KEY: undefined, DEEPSEEK_BASE_URL: 'http://127.0.0.1:9/v1', DEEPSEEK_MODEL: 'deepseek-model',
    ANTHROPIC_API_KEY: undefined, ANTHROPIC_BASE_URL: 'http://127.0.0.1:9', ANTHROPIC_MODEL: 'claude-model',
    OPENAI_API_KEY: undefined, OPENAI_BASE_URL: 'http://127.0.0.1:9/v1', OPENAI_MODEL: 'openai-model',
    AI_TIMEOUT_MS: 5000, AI_MAX_TOKENS: 256,
    ...overrides,
  };
}

async function collect(events: AsyncIterable<ChatEvent>): Promise<{ text: string; events: ChatEvent[] }> {
  const all: ChatEvent[] = [];
  let text = '';
  for await (const event of events) {
    all.push(event);
    if (event.type === 'delta') text += event.text;
  }
  return { text, events: all };
}

async function failure(events: AsyncIterable<ChatEvent>): Promise<AiChatError> {
  try {
    await collect(events);
  } catch (err) {
    if (err instanceof AiChatError) return err;
    throw err;
  }
  throw new Error('expected the chat to fail');
}

describe('AI chat providers', () => {
  it('streams an OpenAI-compatible answer with the documented request shape', async () => {
    const polza = await fake('openai', { kind: 'answer', parts: ['Hel', 'lo', '!'] });
    const providers = configuredProviders(config({ POLZA_AI_API_KEY: 'pz-key', POLZA_AI_BASE_URL: polza.baseUrl }));
    const { text, events } = await collect(streamChat(providers, MESSAGES));
    expect(text).toBe('Hello!');
    expect(events[0]).toEqual({ type: 'start', provider: 'polza', model: 'polza-model', tried: [] });
    expect(events.at(-1)).toEqual({ type: 'end', provider: 'polza', model: 'polza-model', tried: [] });
    expect(events.filter((e) => e.type === 'delta')).toHaveLength(3);
    const [request] = polza.requests;
    expect(request.path).toBe('/v1/chat/completions');
    expect(request.headers.authorization).toBe('Bearer pz-key');
    expect(request.body).toEqual({ model: 'polza-model', messages: MESSAGES, stream: true, max_tokens: 256 });
  });

  it("streams an Anthropic answer: x-api-key, anthropic-version, the system prompt apart, text_delta events", async () => {
    const anthropic = await fake('anthropic', { kind: 'answer', parts: ['Bon', 'jour'] });
    const providers = configuredProviders(config({ ANTHROPIC_API_KEY: 'sk-ant', ANTHROPIC_BASE_URL: anthropic.baseUrl }));
    const { text, events } = await collect(streamChat(providers, MESSAGES));
    expect(text).toBe('Bonjour');
    expect(events[0]).toMatchObject({ type: 'start', provider: 'anthropic', model: 'claude-model' });
    const [request] = anthropic.requests;
    expect(request.path).toBe('/v1/messages');
    expect(request.headers['x-api-key']).toBe('sk-ant');
    expect(request.headers['anthropic-version']).toBe(ANTHROPIC_VERSION);
    expect(request.headers.authorization).toBeUndefined();
    expect(request.body).toEqual({ model: 'claude-model', max_tokens: 256, stream: true, system: 'Be brief.', messages: [{ role: 'user', content: 'Hi?' }] });
  });

  it('orders the configured providers POLZA > DEEPSEEK > ANTHROPIC > OPENAI and names the first in the health status', () => {
    const all = config({ OPENAI_API_KEY: 'o', ANTHROPIC_API_KEY: 'a', DEEPSEEK_API_KEY: 'd', POLZA_AI_API_KEY: 'p' });
    expect(configuredProviders(all).map((p) => p.name)).toEqual(['polza', 'deepseek', 'anthropic', 'openai']);
    expect(aiStatus(all)).toEqual({ activeProvider: 'polza', providers: ['polza', 'deepseek', 'anthropic', 'openai'] });
    const some = config({ OPENAI_API_KEY: 'o', ANTHROPIC_API_KEY: 'a' });
    expect(configuredProviders(some).map((p) => p.name)).toEqual(['anthropic', 'openai']);
    expect(aiStatus(config({}))).toEqual({ activeProvider: null, providers: [] });
  });

  it('passes over a rate-limited provider for the next one, and says so', async () => {
    const polza = await fake('openai', { kind: 'status', status: 429 });
    const deepseek = await fake('openai', { kind: 'answer', parts: ['from deepseek'] });
    const openai = await fake('openai', { kind: 'answer', parts: ['never'] });
    const providers = configuredProviders(config({
      POLZA_AI_API_KEY: 'p', POLZA_AI_BASE_URL: polza.baseUrl, DEEPSEEK_API_KEY: 'd', DEEPSEEK_BASE_URL: deepseek.baseUrl,
      OPENAI_API_KEY: 'o', OPENAI_BASE_URL: openai.baseUrl,
    }));
    const passed: string[] = [];
    const { text, events } = await collect(streamChat(providers, MESSAGES, { onFallback: (a) => passed.push(`${a.provider}:${a.failure}:${a.status}`) }));
    expect(text).toBe('from deepseek');
    expect(events[0]).toMatchObject({ type: 'start', provider: 'deepseek', tried: [{ provider: 'polza', failure: 'rate_limited', status: 429 }] });
    expect(passed).toEqual(['polza:rate_limited:429']);
    expect(polza.requests).toHaveLength(1);
    expect(openai.requests).toHaveLength(0);
  });

  it('passes over a provider that does not answer in time', async () => {
    const deepseek = await fake('openai', { kind: 'hang' });
    const anthropic = await fake('anthropic', { kind: 'answer', parts: ['late but here'] });
    const providers = configuredProviders(config({
      DEEPSEEK_API_KEY: 'd', DEEPSEEK_BASE_URL: deepseek.baseUrl, ANTHROPIC_API_KEY: 'a', ANTHROPIC_BASE_URL: anthropic.baseUrl, AI_TIMEOUT_MS: 1000,
    }));
    const started = Date.now();
    const { text, events } = await collect(streamChat(providers, MESSAGES));
    expect(text).toBe('late but here');
    expect(events[0]).toMatchObject({ provider: 'anthropic', tried: [{ provider: 'deepseek', failure: 'timeout' }] });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it('passes over 5xx, 401, a refused connection and an error event; when all fail the error names each reason', async () => {
    const polza = await fake('openai', { kind: 'status', status: 503 });
    const deepseek = await fake('openai', { kind: 'status', status: 401, body: { error: { message: 'Incorrect API key provided: dk-secret-key' } } });
    const anthropic = await fake('anthropic', { kind: 'stream-error', message: 'Overloaded' });
    const providers = configuredProviders(config({
      POLZA_AI_API_KEY: 'p', POLZA_AI_BASE_URL: polza.baseUrl, DEEPSEEK_API_KEY: 'dk-secret-key', DEEPSEEK_BASE_URL: deepseek.baseUrl,
      ANTHROPIC_API_KEY: 'a', ANTHROPIC_BASE_URL: anthropic.baseUrl, OPENAI_API_KEY: 'o', OPENAI_BASE_URL: await refusedBaseUrl(),
    }));
    const err = await failure(streamChat(providers, MESSAGES));
    expect(err.code).toBe('ai_unavailable');
    expect(err.tried.map((a) => [a.provider, a.failure, a.status])).toEqual([
      ['polza', 'server_error', 503], ['deepseek', 'unauthorized', 401], ['anthropic', 'server_error', undefined], ['openai', 'unreachable', undefined],
    ]);
    expect(err.message).toContain('polza: HTTP 503');
    expect(err.message).toContain('ECONNREFUSED');
    expect(err.message).toContain('overloaded_error');
    // the key the provider echoed back is wiped from what the chat passes on
    expect(err.message).not.toContain('dk-secret-key');
    expect(err.tried[1].message).toContain('***');
  });

  it('says no provider is configured when no key is set', async () => {
    const err = await failure(streamChat(configuredProviders(config({})), MESSAGES));
    expect(err.code).toBe('ai_not_configured');
    expect(err.message).toContain('POLZA_AI_API_KEY');
  });

  it('ends the answer with ai_interrupted when the provider breaks off after its first words (no second provider is asked)', async () => {
    const polza = await fake('openai', { kind: 'break', parts: ['Half an ans'] });
    const openai = await fake('openai', { kind: 'answer', parts: ['never'] });
    const providers = configuredProviders(config({ POLZA_AI_API_KEY: 'p', POLZA_AI_BASE_URL: polza.baseUrl, OPENAI_API_KEY: 'o', OPENAI_BASE_URL: openai.baseUrl }));
    const seen: ChatEvent[] = [];
    let caught: unknown;
    try {
      for await (const event of streamChat(providers, MESSAGES)) seen.push(event);
    } catch (err) {
      caught = err;
    }
    expect(seen.map((e) => e.type)).toEqual(['start', 'delta']);
    expect(caught).toBeInstanceOf(AiChatError);
    expect((caught as AiChatError).code).toBe('ai_interrupted');
    expect(openai.requests).toHaveLength(0);
  });

  it('reads SSE split anywhere, with CRLF, comments and multi-line data', async () => {
    const raw = ': comment\r\nevent: a\r\ndata: one\r\ndata: two\r\n\r\ndata: {"x":1}\n\nevent: last\ndata: end';
    const bytes = new TextEncoder().encode(raw);
    async function* pieces() {
      for (let i = 0; i < bytes.length; i += 3) yield bytes.slice(i, i + 3);
    }
    const events = [];
    for await (const e of readSse(pieces())) events.push(e);
    expect(events).toEqual([{ event: 'a', data: 'one\ntwo' }, { event: 'message', data: '{"x":1}' }, { event: 'last', data: 'end' }]);
  });
});
