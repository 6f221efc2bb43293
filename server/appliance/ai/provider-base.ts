/**
 * What both provider shapes share: the settings of one configured provider and the name and model
 * every ChatProvider reports (./openai-compatible.ts, ./anthropic.ts).
 */
import type { ChatMessage, ChatOptions, ChatProvider, ProviderName } from './types.js';

export interface ProviderSettings {
  name: ProviderName;
  apiKey: string;
  baseUrl: string;
  model: string;
  timeoutMs: number;
  maxTokens: number;
}

export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path}`;
}

/** A provider's text with its key wiped (a provider may echo the key in an error). */
export function withoutKey(text: string, apiKey: string): string {
  return (apiKey === '' ? text : text.split(apiKey).join('***')).slice(0, 200);
}

export abstract class HttpChatProvider implements ChatProvider {
  readonly name: ProviderName;
  readonly model: string;

  constructor(protected readonly settings: ProviderSettings) {
    this.name = settings.name;
    this.model = settings.model;
  }

  abstract streamChat(messages: readonly ChatMessage[], options?: ChatOptions): AsyncGenerator<string>;
}
