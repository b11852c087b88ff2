import type { Effort } from '../routing/effort';
import type { Usage } from '../pricing/usage';

/** A call the model asked for. `input` is the parsed JSON object of its arguments. */
export interface ToolCall {
  id: string;
  name: string;
  input: Record<string, unknown>;
}

/** What a tool answered, sent back to the model in a user turn (matched to its call by `callId`). */
export interface ToolResult {
  callId: string;
  content: string;
  isError?: boolean;
}

/** An image (or other binary input) for models that take one. `data` is base64. */
export interface ImageInput {
  mimeType: string;
  data: string;
}

/** A tool the model may call: a name, what it does, and the JSON schema of its input. */
export interface ToolSpec {
  name: string;
  description: string;
  inputSchema?: Record<string, unknown>;
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
  /** Assistant turns: the tool calls it made (after its text). */
  toolCalls?: ToolCall[];
  /** User turns: results of the previous assistant turn's tool calls (before its text). */
  toolResults?: ToolResult[];
  images?: ImageInput[];
}

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  /** Most tokens the model may produce, reasoning included. */
  maxOutputTokens: number;
  /** The effort the model is called at (each API's own parameter); absent: the API's default. */
  reasoningEffort?: Effort;
  /** Tools the model may call; none means a plain answer. */
  tools?: ToolSpec[];
  /** `required`: the model must call one of the tools. */
  toolMode?: 'auto' | 'required';
}

export type ChatEvent =
  /** The server accepted the request (HTTP 200): from here on, tokens may be billed. */
  | { type: 'started' }
  | { type: 'reasoning'; text: string }
  | { type: 'text'; text: string }
  /** A complete tool call (its arguments arrived whole and parsed). */
  | { type: 'toolCall'; call: ToolCall }
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
