import type { Usage } from '../core/pricing/usage';
import { ProviderError, type ChatEvent, type ChatProvider, type ChatRequest } from '../core/chat/chatProvider';
import { ThinkTagSplitter } from './reasoning';
import { normaliseOpenAIUsage, type OpenAIWireUsage } from './usage';

export interface OpenAICompatibleOptions {
  id: string;
  baseUrl: string;
  apiKey: string;
  /** Injected transport (tests, proxies); defaults to the runtime's fetch. */
  fetch?: typeof fetch;
  /** Output starts inside a pre-filled `<think>` block (R1 chat templates served raw). */
  prefilledThink?: boolean;
  timeoutMs?: number;
}

/** OpenAI's o-series and GPT-5 take `max_completion_tokens`; everything else OpenAI-compatible takes `max_tokens`. */
function usesMaxCompletionTokens(model: string): boolean {
  return /^(o\d|gpt-5)(-|$)/.test(model);
}

interface StreamDelta {
  content?: string | null;
  reasoning_content?: string | null;
  reasoning?: string | null;
}

/** OpenAI, DeepSeek and local OpenAI-compatible servers, through the official `openai` SDK (loaded lazily). */
export class OpenAICompatibleProvider implements ChatProvider {
  readonly id: string;

  constructor(private readonly opts: OpenAICompatibleOptions) {
    this.id = opts.id;
  }

  async *stream(request: ChatRequest, signal: AbortSignal): AsyncIterable<ChatEvent> {
    const { default: OpenAI } = await import('openai');
    const client = new OpenAI({
      apiKey: this.opts.apiKey,
      baseURL: this.opts.baseUrl,
      maxRetries: 0,
      timeout: this.opts.timeoutMs ?? 120_000,
      ...(this.opts.fetch ? { fetch: this.opts.fetch } : {}),
    });
    const body: Record<string, unknown> = {
      model: request.model,
      messages: request.messages,
      stream: true,
      stream_options: { include_usage: true },
    };
    body[usesMaxCompletionTokens(request.model) ? 'max_completion_tokens' : 'max_tokens'] = request.maxOutputTokens;
    if (request.reasoningEffort) body.reasoning_effort = request.reasoningEffort;

    const splitter = new ThinkTagSplitter(this.opts.prefilledThink);
    let usage: Usage | undefined;
    let finishReason: string | undefined;
    let model: string | undefined;
    try {
      const stream = await client.chat.completions.create(body as never, { signal });
      for await (const chunk of stream as unknown as AsyncIterable<Record<string, unknown>>) {
        if (typeof chunk.model === 'string') model = chunk.model;
        if (chunk.usage) usage = normaliseOpenAIUsage(chunk.usage as OpenAIWireUsage);
        const choices = (chunk.choices as Array<{ delta?: StreamDelta; finish_reason?: string | null }> | undefined) ?? [];
        for (const choice of choices) {
          const d = choice.delta ?? {};
          const thought = d.reasoning_content ?? d.reasoning;
          if (thought) yield { type: 'reasoning', text: thought };
          if (d.content) for (const p of splitter.push(d.content)) yield { type: p.kind, text: p.text };
          if (choice.finish_reason) finishReason = choice.finish_reason;
        }
      }
      // The SDK ends the iteration quietly when aborted; a cancelled answer must not look complete.
      if (signal.aborted) throw new Error('aborted');
    } catch (e) {
      for (const p of splitter.end()) yield { type: p.kind, text: p.text };
      if (usage) yield { type: 'usage', usage };
      yield { type: 'error', error: toProviderError(e, signal, this.opts.apiKey) };
      return;
    }
    for (const p of splitter.end()) yield { type: p.kind, text: p.text };
    if (usage) yield { type: 'usage', usage };
    yield { type: 'done', finishReason, model };
  }
}

/** Maps SDK and network failures to one typed error whose message never contains the key. */
export function toProviderError(e: unknown, signal: AbortSignal, apiKey: string): ProviderError {
  const redact = (s: string) => (apiKey ? s.split(apiKey).join('***') : s);
  if (signal.aborted) return new ProviderError('cancelled', 'The request was cancelled.');
  const err = e as { status?: number; name?: string; message?: string; error?: { message?: string } };
  const detail = redact(String(err.error?.message ?? err.message ?? e)).slice(0, 500);
  if (typeof err.status === 'number') {
    const s = err.status;
    if (s === 401 || s === 403) return new ProviderError('auth', `The endpoint rejected the API key (HTTP ${s}): ${detail}`, s);
    const retryable = s === 408 || s === 429 || s >= 500;
    return new ProviderError('http', `The endpoint answered HTTP ${s}: ${detail}`, s, retryable);
  }
  if (err.name === 'APIConnectionTimeoutError') return new ProviderError('timeout', `The endpoint did not answer in time: ${detail}`, undefined, true);
  if (err.name === 'APIConnectionError') return new ProviderError('network', `Could not reach the endpoint: ${detail}`, undefined, true);
  return new ProviderError('stream', `The answer stream broke: ${detail}`);
}
