import type { Effort } from '../core/routing/effort';
import type { ChatEvent, ChatRequest, ModelInfo } from '../core/chat/chatProvider';
import { pick } from '../core/lazyModule';
import type { Usage } from '../core/pricing/usage';
import { toProviderError } from './errors';
import { guardedFetch } from './guardedFetch';
import { StreamingProvider, type StreamingOptions } from './streamingProvider';
import { normaliseAnthropicUsage, type AnthropicWireUsage } from './usage';
import { AnthropicToolUseAssembler, anthropicToolFields, toAnthropicMessages, usesTools } from './anthropicTools';

export interface AnthropicOptions extends StreamingOptions {
  id: string;
  baseUrl: string;
  apiKey: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/**
 * Headers Costwise lets the SDK send (it sends the key as `authorization: Bearer`, with `authToken: null`
 * so ANTHROPIC_AUTH_TOKEN cannot replace it); ANTHROPIC_CUSTOM_HEADERS from the environment are dropped.
 */
const ALLOWED = (name: string) => /^(content-type|accept|authorization|x-api-key|anthropic-version|anthropic-beta|user-agent|x-stainless-[a-z-]+)$/.test(name);

/** Thinking budgets for a requested effort (Anthropic's extended thinking needs at least 1,024). */
const THINKING_BUDGET: Record<Effort, number> = { none: 0, minimal: 1024, low: 1024, medium: 4096, high: 16_000, xhigh: 32_000, max: 64_000 };

interface RawEvent {
  type: string;
  message?: { usage?: AnthropicWireUsage; model?: string };
  index?: number;
  content_block?: { type: string; id?: string; name?: string };
  delta?: { type?: string; text?: string; thinking?: string; partial_json?: string; stop_reason?: string | null };
  usage?: AnthropicWireUsage;
  error?: { type?: string; message?: string };
}

/** Claude through `@anthropic-ai/sdk` (Messages streaming; extended thinking when asked). */
export class AnthropicProvider extends StreamingProvider {
  constructor(private readonly opts: AnthropicOptions) {
    super(opts.id, opts);
  }

  private async client() {
    const Anthropic = pick<typeof import('@anthropic-ai/sdk').Anthropic>(await import('@anthropic-ai/sdk'), 'Anthropic');
    return new Anthropic({
      apiKey: this.opts.apiKey,
      authToken: null,
      baseURL: this.opts.baseUrl,
      maxRetries: 0,
      logLevel: 'off',
      timeout: this.opts.timeoutMs ?? 10 * 60_000,
      fetch: guardedFetch(this.opts.fetch ?? fetch, { allowHeaders: ALLOWED }),
    });
  }

  async listModels(signal?: AbortSignal): Promise<ModelInfo[]> {
    const client = await this.client();
    const out: ModelInfo[] = [];
    for await (const m of client.models.list({}, signal ? { signal } : undefined)) out.push({ id: m.id });
    return out;
  }

  protected async *attempt(request: ChatRequest, signal: AbortSignal): AsyncIterable<ChatEvent> {
    const client = await this.client();
    const system = request.messages.filter((m) => m.role === 'system').map((m) => m.content).join('\n\n');
    const body: Record<string, unknown> = {
      model: request.model,
      max_tokens: request.maxOutputTokens,
      messages: toAnthropicMessages(request.messages),
      ...anthropicToolFields(request),
      stream: true,
    };
    if (system) body.system = system;
    // With tools, extended thinking needs each turn's signed thinking blocks sent back, which VS Code's
    // message parts cannot carry: tool conversations run without it.
    if (request.reasoningEffort && request.reasoningEffort !== 'none' && !usesTools(request)) {
      const budget = Math.min(THINKING_BUDGET[request.reasoningEffort], Math.max(1024, request.maxOutputTokens - 1024));
      if (request.maxOutputTokens > 1024) body.thinking = { type: 'enabled', budget_tokens: budget };
    }
    let wire: AnthropicWireUsage = {};
    let usage: Usage | undefined;
    let stopReason: string | undefined;
    let model: string | undefined;
    let stopped = false;
    const tools = new AnthropicToolUseAssembler();
    try {
      const stream = await client.messages.create(body as never, { signal });
      yield { type: 'started' };
      for await (const e of stream as unknown as AsyncIterable<RawEvent>) {
        if (e.type === 'message_start') {
          wire = { ...wire, ...e.message?.usage };
          model = e.message?.model ?? model;
        } else if (e.type === 'content_block_start' && e.content_block) tools.start(e.index ?? 0, e.content_block);
        else if (e.type === 'content_block_delta') {
          if (e.delta?.type === 'text_delta' && e.delta.text) yield { type: 'text', text: e.delta.text };
          else if (e.delta?.type === 'thinking_delta' && e.delta.thinking) yield { type: 'reasoning', text: e.delta.thinking };
          else if (e.delta?.type === 'input_json_delta') tools.delta(e.index ?? 0, e.delta.partial_json ?? '');
        } else if (e.type === 'content_block_stop') {
          const call = tools.stop(e.index ?? 0);
          if (call) yield { type: 'toolCall', call };
        } else if (e.type === 'message_delta') {
          // message_delta carries the cumulative output count (and, in newer API versions, the input counts).
          const u = e.usage ?? {};
          wire = { ...wire, ...Object.fromEntries(Object.entries(u).filter(([, v]) => v !== null && v !== undefined)) };
          stopReason = e.delta?.stop_reason ?? stopReason;
        } else if (e.type === 'message_stop') stopped = true;
        else if (e.type === 'error') throw Object.assign(new Error(e.error?.message ?? 'error event'), { error: { error: e.error } });
      }
      usage = normaliseAnthropicUsage(wire);
      if (signal.aborted) throw new Error('aborted');
      if (!stopped) throw new Error('the stream ended before message_stop');
      if (tools.pending) throw new Error('the stream ended before its tool_use blocks were complete');
    } catch (e) {
      if (wire.input_tokens !== undefined) yield { type: 'usage', usage: normaliseAnthropicUsage(wire) };
      yield { type: 'error', error: toProviderError(e, signal, [this.opts.apiKey], new URL(this.opts.baseUrl).host) };
      return;
    }
    yield { type: 'usage', usage };
    yield { type: 'done', finishReason: stopReason, model };
  }
}
