import type { Effort } from '../routing/effort';
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
  /** The effort the model is called at (each API's own parameter); absent: the API's default. */
  reasoningEffort?: Effort;
}

export type ChatEvent =
  /** The server accepted the request (HTTP 200): from here on, tokens may be billed. */
  | { type: 'started' }
  | { type: 'reasoning'; text: string }
  | { type: 'text'; text: string }
  | { type: 'usage'; usage: Usage }
  | { type: 'done'; finishReason: string | undefined; model: string | undefined }
  | { type: 'error'; error: ProviderError };

export type ProviderErrorKind = 'auth' | 'http' | 'network' | 'stream' | 'cancelled' | 'timeout' | 'config';

/** One clean, typed failure. Its message is safe to show: it never contains a key. */
export class ProviderError extends Error {
  /** What the provider asked us to wait before retrying (Retry-After), when it said. */
  retryAfterMs: number | undefined;
  /** Usage reported before the failure, so the ledger can settle what was really spent. */
  usage: Usage | undefined;
  /** The server had accepted the request: the prompt (at least) may be billed. */
  billable = false;

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

export interface ModelInfo {
  id: string;
  /** Context window in tokens, when the server says. */
  contextWindow?: number;
}

export interface Health {
  ok: boolean;
  /** Round trip of the check in ms. */
  latencyMs: number;
  detail: string;
}

/** Talks to one model API. Transport (base URL, key, fetch) is injected; nothing comes from the environment. */
export interface ChatProvider {
  readonly id: string;
  /** Streams one answer. Ends with `done` or one `error`; a `usage` event comes before either when known. */
  stream(request: ChatRequest, signal: AbortSignal): AsyncIterable<ChatEvent>;
  /** Models the endpoint offers. */
  listModels(signal?: AbortSignal): Promise<ModelInfo[]>;
  /** Whether the endpoint answers, and how fast. Never throws. */
  health(signal?: AbortSignal): Promise<Health>;
}
