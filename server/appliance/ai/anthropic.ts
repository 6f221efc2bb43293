/**
 * Anthropic's messages API: POST {base}/v1/messages with `x-api-key` and `anthropic-version`, the
 * system prompt as the top-level `system`, `max_tokens` and `stream: true`. The stream's events:
 * `message_start`, `content_block_start`, `content_block_delta` (a `text_delta` carries the text),
 * `content_block_stop`, `message_delta`, `message_stop`, `ping`, and `error` (e.g. overloaded).
 */
import { postStream } from './http.js';
import { HttpChatProvider, joinUrl, withoutKey } from './provider-base.js';
import { readSse } from './sse.js';
import { ProviderError, type ChatMessage, type ChatOptions } from './types.js';

export const ANTHROPIC_VERSION = '2023-06-01';

interface StreamEvent {
  type?: string;
  delta?: { type?: string; text?: unknown };
  error?: { type?: unknown; message?: unknown };
}

export class AnthropicProvider extends HttpChatProvider {
  async *streamChat(messages: readonly ChatMessage[], options: ChatOptions = {}): AsyncGenerator<string> {
    const { name, apiKey, model, maxTokens } = this.settings;
    const system = messages.filter((m) => m.role === 'system').map((m) => m.content).join('\n\n');
    const turns = messages.filter((m) => m.role !== 'system').map((m) => ({ role: m.role, content: m.content }));
    const body = postStream({
      provider: name,
      url: joinUrl(this.settings.baseUrl, '/v1/messages'),
      headers: { 'x-api-key': apiKey, 'anthropic-version': ANTHROPIC_VERSION, accept: 'text/event-stream' },
      body: { model, max_tokens: maxTokens, stream: true, messages: turns, ...(system !== '' ? { system } : {}) },
      timeoutMs: this.settings.timeoutMs,
      secret: apiKey,
      signal: options.signal,
    });
    for await (const event of readSse(body)) {
      if (event.data.trim() === '') continue;
      let parsed: StreamEvent;
      try {
        parsed = JSON.parse(event.data) as StreamEvent;
      } catch {
        throw new ProviderError(name, 'bad_answer', 'the stream carried an event that is not JSON');
      }
      const type = parsed.type ?? event.event;
      if (type === 'error') {
        const kind = typeof parsed.error?.type === 'string' ? parsed.error.type : 'error';
        const message = typeof parsed.error?.message === 'string' ? parsed.error.message : '';
        const failure = kind === 'rate_limit_error' ? 'rate_limited' : 'server_error';
        throw new ProviderError(name, failure, `the stream ended with ${kind}${message ? `: ${withoutKey(message, apiKey)}` : ''}`);
      }
      if (type === 'content_block_delta' && parsed.delta?.type === 'text_delta' && typeof parsed.delta.text === 'string') {
        if (parsed.delta.text !== '') yield parsed.delta.text;
      }
      if (type === 'message_stop') return;
    }
    throw new ProviderError(name, 'bad_answer', 'the stream ended before message_stop');
  }
}
