import type { Usage } from '../pricing/usage';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  /** Most tokens the model may produce, reasoning included. */
  maxOutputTokens: number;
  reasoningEffort?: 'low' | 'medium' | 'high';
}

export type ChatEvent =
  | { type: 'reasoning'; text: string }
  | { type: 'text'; text: string }
  | { type: 'usage'; usage: Usage }
  | { type: 'done'; finishReason: string | undefined; model: string | undefined }
  | { type: 'error'; error: ProviderError };

export type ProviderErrorKind = 'auth' | 'http' | 'network' | 'stream' | 'cancelled' | 'timeout' | 'config';

/** One clean, typed failure. Its message is safe to show: it never contains a key. */
export class ProviderError extends Error {
  constructor(
    readonly kind: ProviderErrorKind,
    message: string,
    readonly status?: number,
    readonly retryable = false,
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}

/** Talks to one model API. Transport (base URL, key, fetch) is injected; nothing comes from the environment. */
export interface ChatProvider {
  readonly id: string;
  /** Streams one answer. Ends with `done` or one `error`; a `usage` event comes before either when known. */
  stream(request: ChatRequest, signal: AbortSignal): AsyncIterable<ChatEvent>;
}
