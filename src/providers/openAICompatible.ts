import type { ChatEvent, ChatRequest, ModelInfo } from '../core/chat/chatProvider';
import type { Usage } from '../core/pricing/usage';
import { toProviderError } from './errors';
import { pick } from '../core/lazyModule';
import { guardedFetch } from './guardedFetch';
import { ThinkTagSplitter } from './reasoning';
import { StreamingProvider, type StreamingOptions } from './streamingProvider';
import { normaliseOpenAIUsage, type OpenAIWireUsage } from './usage';
import { OpenAIToolCallAssembler, openAIToolFields, toOpenAIMessages, type ToolCallDelta } from './openAITools';

export interface OpenAICompatibleOptions extends StreamingOptions {
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
  return /^(o\d|gpt-[5-9])([.-]|$)/.test(model);
}

interface StreamDelta {
  content?: string | null;
  reasoning_content?: string | null;
  reasoning?: string | null;
  tool_calls?: ToolCallDelta[] | null;
}

/**
 * OpenAI, DeepSeek and local OpenAI-compatible servers (llama.cpp, LM Studio, vLLM, Ollama's /v1),
 * through the official `openai` SDK (loaded on first use), always with an explicit key and base URL.
 */
export class OpenAICompatibleProvider extends StreamingProvider {
  constructor(private readonly opts: OpenAICompatibleOptions) {
    super(opts.id, opts);
  }

  private async client() {
    const OpenAI = pick<typeof import('openai').OpenAI>(await import('openai'), 'OpenAI');
    return new OpenAI({
      apiKey: this.opts.apiKey,
      baseURL: this.opts.baseUrl,
      organization: null,
      project: null,
      maxRetries: 0,
      logLevel: 'off',
      timeout: this.opts.timeoutMs ?? 10 * 60_000,
      fetch: guardedFetch(this.opts.fetch ?? fetch),
    });
  }

  async listModels(signal?: AbortSignal): Promise<ModelInfo[]> {
    const client = await this.client();
    const out: ModelInfo[] = [];
    for await (const m of client.models.list(signal ? { signal } : undefined)) out.push({ id: m.id });
    return out;
  }

  protected async *attempt(request: ChatRequest, signal: AbortSignal): AsyncIterable<ChatEvent> {
    const client = await this.client();
    const body: Record<string, unknown> = {
      model: request.model,
      messages: toOpenAIMessages(request.messages),
      ...openAIToolFields(request),
      stream: true,
      stream_options: { include_usage: true },
    };
    body[usesMaxCompletionTokens(request.model) ? 'max_completion_tokens' : 'max_tokens'] = request.maxOutputTokens;
    if (request.reasoningEffort) body.reasoning_effort = request.reasoningEffort;

    const splitter = new ThinkTagSplitter(this.opts.prefilledThink);
    let usage: Usage | undefined;
    let finishReason: string | undefined;
    let model: string | undefined;
    const tools = new OpenAIToolCallAssembler();
    try {
      const stream = await client.chat.completions.create(body as never, { signal });
      yield { type: 'started' };
      for await (const chunk of stream as unknown as AsyncIterable<Record<string, unknown>>) {
        if (typeof chunk.model === 'string') model = chunk.model;
        if (chunk.usage) {
          usage = normaliseOpenAIUsage(chunk.usage as OpenAIWireUsage);
          yield { type: 'usage', usage };
        }
        const choices = (chunk.choices as Array<{ delta?: StreamDelta; finish_reason?: string | null }> | undefined) ?? [];
        for (const choice of choices) {
          const d = choice.delta ?? {};
          const thought = d.reasoning_content ?? d.reasoning;
          if (thought) yield { type: 'reasoning', text: thought };
          if (d.content) for (const p of splitter.push(d.content)) yield { type: p.kind, text: p.text };
          if (d.tool_calls?.length) tools.push(d.tool_calls);
          if (choice.finish_reason) finishReason = choice.finish_reason;
          // Arguments arrive in fragments: a call is passed on only once the turn has ended.
          if (choice.finish_reason && tools.pending) for (const call of tools.finish()) yield { type: 'toolCall', call };
        }
      }
      // The SDK ends the iteration quietly when aborted; a cancelled answer must not look complete.
      if (signal.aborted) throw new Error('aborted');
      // A stream that ends with neither [DONE] nor a finish reason was cut off.
      if (!finishReason && !usage) throw new Error('the stream ended before the answer was complete');
      if (tools.pending) throw new Error('the stream ended before its tool calls were complete');
    } catch (e) {
      for (const p of splitter.end()) yield { type: p.kind, text: p.text };
      yield { type: 'error', error: toProviderError(e, signal, [this.opts.apiKey], new URL(this.opts.baseUrl).host) };
      return;
    }
    for (const p of splitter.end()) yield { type: p.kind, text: p.text };
    yield { type: 'done', finishReason, model };
  }
}
