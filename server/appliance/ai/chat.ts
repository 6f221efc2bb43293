/**
 * The AI chat: the providers with a key, in the order POLZA > DEEPSEEK > ANTHROPIC > OPENAI, and
 * the fallback between them. A provider that fails before the first part of its answer (429, 5xx,
 * 401, a timeout, no connection, any refusal) is passed over for the next one; once a provider
 * has started answering, its failure ends the answer (the text already sent cannot be taken back).
 */
import type { AppConfig } from '../../config/index.js';
import { AnthropicProvider } from './anthropic.js';
import { OpenAiCompatibleProvider } from './openai-compatible.js';
import type { ProviderSettings } from './provider-base.js';
import { ProviderError, type ChatMessage, type ChatProvider, type ProviderFailure, type ProviderName } from './types.js';

export type AiConfig = Pick<
  AppConfig,
  | 'POLZA_AI_API_KEY' | 'POLZA_AI_BASE_URL' | 'POLZA_AI_MODEL' | 'DEEPSEEK_API_KEY' | 'DEEPSEEK_BASE_URL' | 'DEEPSEEK_MODEL'
  | 'ANTHROPIC_API_KEY' | 'ANTHROPIC_BASE_URL' | 'ANTHROPIC_MODEL' | 'OPENAI_API_KEY' | 'OPENAI_BASE_URL' | 'OPENAI_MODEL'
  | 'AI_TIMEOUT_MS' | 'AI_MAX_TOKENS'
>;

/** The providers whose key is set, in the order they are tried. */
export function configuredProviders(config: AiConfig): ChatProvider[] {
  const common = { timeoutMs: config.AI_TIMEOUT_MS, maxTokens: config.AI_MAX_TOKENS };
  const entries: [ProviderName, string | undefined, string, string][] = [
    ['polza', config.POLZA_AI_API_KEY, config.POLZA_AI_BASE_URL, config.POLZA_AI_MODEL],
    ['deepseek', config.DEEPSEEK_API_KEY, config.DEEPSEEK_BASE_URL, config.DEEPSEEK_MODEL],
    ['anthropic', config.ANTHROPIC_API_KEY, config.ANTHROPIC_BASE_URL, config.ANTHROPIC_MODEL],
    ['openai', config.OPENAI_API_KEY, config.OPENAI_BASE_URL, config.OPENAI_MODEL],
  ];
  const providers: ChatProvider[] = [];
  for (const [name, apiKey, baseUrl, model] of entries) {
    if (apiKey === undefined || apiKey === '') continue;
    const settings: ProviderSettings = { name, apiKey, baseUrl, model, ...common };
    providers.push(name === 'anthropic' ? new AnthropicProvider(settings) : new OpenAiCompatibleProvider(settings));
  }
  return providers;
}

/** What /api/health says about the AI chat: the provider tried first, and every configured one (names only). */
export function aiStatus(config: AiConfig): { activeProvider: ProviderName | null; providers: ProviderName[] } {
  const names = configuredProviders(config).map((p) => p.name);
  return { activeProvider: names[0] ?? null, providers: names };
}

export interface Attempt {
  provider: ProviderName;
  failure: ProviderFailure;
  message: string;
  status?: number;
}

export type AiChatErrorCode = 'ai_not_configured' | 'ai_unavailable' | 'ai_interrupted';

export class AiChatError extends Error {
  constructor(readonly code: AiChatErrorCode, message: string, readonly tried: Attempt[] = []) {
    super(message);
    this.name = 'AiChatError';
  }
}

export type ChatEvent =
  | { type: 'start'; provider: ProviderName; model: string; tried: Attempt[] }
  | { type: 'delta'; text: string }
  | { type: 'end'; provider: ProviderName; model: string; tried: Attempt[] };

export interface ChatRunOptions {
  signal?: AbortSignal;
  /** told of every provider passed over (for the log: provider, failure, status; never the key) */
  onFallback?: (attempt: Attempt) => void;
}

function attemptOf(err: ProviderError): Attempt {
  return { provider: err.provider, failure: err.failure, message: err.message, ...(err.status !== undefined ? { status: err.status } : {}) };
}

/**
 * Streams the answer of the first provider that starts answering: `start` (who answers, and who
 * was passed over), the text in `delta`s, then `end`. Throws AiChatError: no provider configured,
 * all of them failed (with each one's reason), or the answering one failed midway.
 */
export async function* streamChat(providers: readonly ChatProvider[], messages: readonly ChatMessage[], options: ChatRunOptions = {}): AsyncGenerator<ChatEvent> {
  if (providers.length === 0) {
    throw new AiChatError('ai_not_configured', 'No AI provider is configured: set POLZA_AI_API_KEY, DEEPSEEK_API_KEY, ANTHROPIC_API_KEY or OPENAI_API_KEY');
  }
  const tried: Attempt[] = [];
  for (const provider of providers) {
    const iterator = provider.streamChat(messages, { signal: options.signal })[Symbol.asyncIterator]();
    let first: IteratorResult<string>;
    try {
      first = await iterator.next();
    } catch (err) {
      if (!(err instanceof ProviderError)) throw err;
      const attempt = attemptOf(err);
      tried.push(attempt);
      options.onFallback?.(attempt);
      continue;
    }
    yield { type: 'start', provider: provider.name, model: provider.model, tried: [...tried] };
    try {
      if (!first.done) yield { type: 'delta', text: first.value };
      for (let next = first.done ? first : await iterator.next(); !next.done; next = await iterator.next()) {
        yield { type: 'delta', text: next.value };
      }
    } catch (err) {
      if (!(err instanceof ProviderError)) throw err;
      throw new AiChatError('ai_interrupted', `${provider.name} stopped answering midway: ${err.message}`, [...tried, attemptOf(err)]);
    } finally {
      // the consumer left early: close the provider's request
      await iterator.return?.();
    }
    yield { type: 'end', provider: provider.name, model: provider.model, tried: [...tried] };
    return;
  }
  const reasons = tried.map((a) => `${a.provider}: ${a.message}`).join('; ');
  throw new AiChatError('ai_unavailable', `No AI provider answered (${reasons})`, tried);
}
