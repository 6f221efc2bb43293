/**
 * OpenAI-compatible chat completions (Polza.ai, DeepSeek, OpenAI): POST {base}/chat/completions with
 * `Authorization: Bearer <key>` and `stream: true`; the answer is SSE whose `data:` lines carry
 * `{"choices":[{"delta":{"content":"…"}}]}` and end with `data: [DONE]`. An `{"error":…}` in the
 * stream, or a stream that stops before `[DONE]`, is a provider failure.
 */
import { postStream } from './http.js';
import { readSse } from './sse.js';
import { HttpChatProvider, joinUrl, withoutKey } from './provider-base.js';
import { ProviderError, type ChatMessage, type ChatOptions } from './types.js';

interface CompletionChunk {
  choices?: { delta?: { content?: unknown } }[];
  error?: { message?: unknown };
}

export class OpenAiCompatibleProvider extends HttpChatProvider {
  async *streamChat(messages: readonly ChatMessage[], options: ChatOptions = {}): AsyncGenerator<string> {
    const { name, apiKey, model, maxTokens } = this.settings;
    const body = postStream({
      provider: name,
      url: joinUrl(this.settings.baseUrl, '/chat/completions'),
      headers: { authorization: `Bearer ${apiKey}`, accept: 'text/event-stream' },
      body: { model, messages, stream: true, max_tokens: maxTokens },
      timeoutMs: this.settings.timeoutMs,
      secret: apiKey,
      signal: options.signal,
    });
    for await (const event of readSse(body)) {
      const data = event.data.trim();
      if (data === '') continue;
      if (data === '[DONE]') return;
      let chunk: CompletionChunk;
      try {
        chunk = JSON.parse(data) as CompletionChunk;
      } catch {
        throw new ProviderError(name, 'bad_answer', 'the stream carried a part that is not JSON');
      }
      if (chunk.error) {
        const message = typeof chunk.error.message === 'string' ? chunk.error.message : 'error';
        throw new ProviderError(name, 'server_error', `the stream ended with an error: ${withoutKey(message, apiKey)}`);
      }
      const text = chunk.choices?.[0]?.delta?.content;
      if (typeof text === 'string' && text !== '') yield text;
    }
    // a stream cut off (the connection dropped) ends without [DONE]: the answer is incomplete
    throw new ProviderError(name, 'bad_answer', 'the stream ended before [DONE]');
  }
}
