/**
 * The one small interface every AI chat provider implements (docs/modern-api.md, "AI chat"):
 * `streamChat(messages, options)` yields the answer's text in parts as the provider sends them.
 * A provider that fails throws a ProviderError saying whether the next provider may be tried.
 */

export type ChatRole = 'system' | 'user' | 'assistant';

export interface ChatMessage {
  role: ChatRole;
  content: string;
}

export interface ChatOptions {
  /** aborts the request (the client went away) */
  signal?: AbortSignal;
}

export interface ChatProvider {
  /** polza, deepseek, anthropic or openai */
  readonly name: ProviderName;
  readonly model: string;
  streamChat(messages: readonly ChatMessage[], options?: ChatOptions): AsyncIterable<string>;
}

export const PROVIDER_NAMES = ['polza', 'deepseek', 'anthropic', 'openai'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

/** Why a provider did not answer, as the chat reports it (never with the key or the request). */
export type ProviderFailure = 'rate_limited' | 'server_error' | 'timeout' | 'unreachable' | 'unauthorized' | 'refused' | 'bad_answer';

export class ProviderError extends Error {
  constructor(
    readonly provider: ProviderName,
    readonly failure: ProviderFailure,
    message: string,
    /** the provider's HTTP status, when it answered one */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}
