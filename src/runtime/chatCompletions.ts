// The OpenAI chat-completions wire shapes the embedded runtime speaks (the subset Costwise's own
// client sends and reads), and validation of an incoming request body.

export interface ChatCompletionRequest {
  model: string | undefined;
  messages: Array<{ role: 'system' | 'user' | 'assistant'; content: string }>;
  stream: boolean;
  includeUsage: boolean;
  maxTokens: number | undefined;
}

export class BadRequest extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** Parses and checks a `/v1/chat/completions` body; throws BadRequest with a specific message. */
export function parseChatRequest(raw: string): ChatCompletionRequest {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    throw new BadRequest('the request body is not JSON');
  }
  if (!body || typeof body !== 'object') throw new BadRequest('the request body must be a JSON object');
  const b = body as Record<string, unknown>;
  if (!Array.isArray(b.messages) || b.messages.length === 0) throw new BadRequest('"messages" must be a non-empty array');
  const messages = b.messages.map((m, i) => {
    const role = (m as { role?: unknown })?.role;
    const content = (m as { content?: unknown })?.content;
    if (role !== 'system' && role !== 'user' && role !== 'assistant') throw new BadRequest(`messages[${i}].role must be system, user or assistant`);
    const text = typeof content === 'string' ? content : Array.isArray(content) ? content.map((p) => (p as { text?: unknown })?.text).filter((t) => typeof t === 'string').join('') : undefined;
    if (text === undefined) throw new BadRequest(`messages[${i}].content must be a string`);
    return { role, content: text } as const;
  });
  const max = b.max_completion_tokens ?? b.max_tokens;
  if (max !== undefined && max !== null && !(Number.isInteger(max) && (max as number) > 0)) throw new BadRequest('max_tokens must be a positive integer');
  const so = b.stream_options as { include_usage?: unknown } | undefined;
  return {
    model: typeof b.model === 'string' ? b.model : undefined,
    messages,
    stream: b.stream === true,
    includeUsage: so?.include_usage === true,
    maxTokens: (max as number | undefined | null) ?? undefined,
  };
}

export interface CompletionUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number };
  completion_tokens_details: { reasoning_tokens: number };
}

export function usageOf(promptTokens: number, cachedTokens: number, completionTokens: number, reasoningTokens: number): CompletionUsage {
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: cachedTokens },
    completion_tokens_details: { reasoning_tokens: reasoningTokens },
  };
}

export function chunk(id: string, model: string, created: number, delta: Record<string, string>, finishReason: string | null = null) {
  return { id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, finish_reason: finishReason }] };
}

export function errorBody(message: string, type = 'invalid_request_error') {
  return { error: { message, type } };
}
