import type { Effort } from '../core/routing/effort';
import { ProviderError, type ChatEvent, type ChatRequest, type ModelInfo } from '../core/chat/chatProvider';
import { pick } from '../core/lazyModule';
import { toProviderError } from './errors';
import { guardedFetch } from './guardedFetch';
import { StreamingProvider, type StreamingOptions } from './streamingProvider';
import { normaliseGeminiUsage, type GeminiWireUsage } from './usage';
import { geminiToolCall, geminiToolFields, toGeminiContents, type GeminiFunctionCallPart } from './geminiTools';

export interface GeminiOptions extends StreamingOptions {
  id: string;
  /** e.g. https://generativelanguage.googleapis.com (the API version is added by the SDK). */
  baseUrl: string;
  apiKey: string;
  fetch?: typeof fetch;
}

interface Chunk {
  candidates?: Array<{ content?: { parts?: Array<{ text?: string; thought?: boolean } & GeminiFunctionCallPart> }; finishReason?: string }>;
  usageMetadata?: GeminiWireUsage;
  modelVersion?: string;
}

const THINKING_BUDGET: Record<Effort, number> = { none: 0, minimal: 512, low: 1024, medium: 8192, high: 24_576, xhigh: 32_768, max: 32_768 };

/**
 * Gemini through `@google/genai`: the Gemini API only (never Vertex from environment variables), the
 * key in the `x-goog-api-key` header (never in a URL), thought summaries streamed as reasoning.
 */
export class GeminiProvider extends StreamingProvider {
  constructor(private readonly opts: GeminiOptions) {
    super(opts.id, opts);
  }

  private async client() {
    const GoogleGenAI = pick<typeof import('@google/genai', { with: { 'resolution-mode': 'import' } }).GoogleGenAI>(await import('@google/genai'), 'GoogleGenAI');
    return new GoogleGenAI({
      apiKey: this.opts.apiKey,
      vertexai: false,
      httpOptions: { baseUrl: this.opts.baseUrl, apiVersion: 'v1beta', fetch: guardedFetch(this.opts.fetch ?? fetch) } as never,
    });
  }

  async listModels(signal?: AbortSignal): Promise<ModelInfo[]> {
    const ai = await this.client();
    const out: ModelInfo[] = [];
    const pager = await ai.models.list({ config: signal ? { abortSignal: signal } : {} });
    for await (const m of pager) if (m.name) out.push({ id: m.name.replace(/^models\//, ''), ...(m.inputTokenLimit ? { contextWindow: m.inputTokenLimit } : {}) });
    return out;
  }

  protected async *attempt(request: ChatRequest, signal: AbortSignal): AsyncIterable<ChatEvent> {
    const ai = await this.client();
    const system = request.messages.filter((m) => m.role === 'system').map((m) => m.content).join('\n\n');
    let contents: ReturnType<typeof toGeminiContents>;
    try {
      contents = toGeminiContents(request.messages);
    } catch (e) {
      yield { type: 'error', error: new ProviderError('config', `Costwise could not send this conversation to Gemini: ${(e as Error).message}.`) };
      return;
    }
    const config: Record<string, unknown> = {
      maxOutputTokens: request.maxOutputTokens,
      thinkingConfig: { includeThoughts: true, ...(request.reasoningEffort ? { thinkingBudget: THINKING_BUDGET[request.reasoningEffort] } : {}) },
      abortSignal: signal,
      ...geminiToolFields(request),
    };
    if (system) config.systemInstruction = system;
    let usage: GeminiWireUsage | undefined;
    let finish: string | undefined;
    let model: string | undefined;
    let calls = 0;
    try {
      const stream = await ai.models.generateContentStream({ model: request.model, contents, config } as never);
      yield { type: 'started' };
      for await (const chunk of stream as AsyncIterable<Chunk>) {
        if (chunk.usageMetadata) usage = chunk.usageMetadata;
        model = chunk.modelVersion ?? model;
        for (const c of chunk.candidates ?? []) {
          for (const part of c.content?.parts ?? []) {
            const call = geminiToolCall(part, calls);
            if (call) {
              calls++;
              yield { type: 'toolCall', call };
            }
            if (!part.text) continue;
            yield { type: part.thought ? 'reasoning' : 'text', text: part.text };
          }
          if (c.finishReason) finish = c.finishReason;
        }
      }
      if (signal.aborted) throw new Error('aborted');
      if (!finish) throw new Error('the stream ended before the answer was complete');
    } catch (e) {
      if (usage) yield { type: 'usage', usage: normaliseGeminiUsage(usage) };
      yield { type: 'error', error: toProviderError(e, signal, [this.opts.apiKey], new URL(this.opts.baseUrl).host) };
      return;
    }
    if (usage) yield { type: 'usage', usage: normaliseGeminiUsage(usage) };
    yield { type: 'done', finishReason: finish, model };
  }
}
