import { ProviderError, type ChatEvent, type ChatProvider, type ChatRequest, type Health, type ModelInfo } from '../core/chat/chatProvider';
import { OpenAICompatibleProvider } from '../providers/openAICompatible';
import type { EmbeddedRuntime } from './embeddedRuntime';

/**
 * The embedded model as a ChatProvider: starts the runtime on first use, then speaks to it with the
 * same OpenAI-compatible client as any local server, holding it awake for the length of the answer.
 */
export class EmbeddedProvider implements ChatProvider {
  readonly id = 'embedded';

  constructor(private readonly runtime: EmbeddedRuntime) {}

  async *stream(request: ChatRequest, signal: AbortSignal): AsyncIterable<ChatEvent> {
    let lease;
    try {
      lease = await this.runtime.acquire();
    } catch (e) {
      yield { type: 'error', error: new ProviderError('config', `The embedded model is not available: ${e instanceof Error ? e.message : String(e)}`) };
      return;
    }
    try {
      const client = new OpenAICompatibleProvider({ id: this.id, baseUrl: lease.baseUrl, apiKey: lease.token, firstTokenTimeoutMs: 10 * 60_000, idleTimeoutMs: 2 * 60_000, retry: { maxRetries: 0, baseDelayMs: 0, maxDelayMs: 0, maxRetryAfterMs: 0 } });
      yield* client.stream({ ...request, model: lease.modelId }, signal);
    } finally {
      lease.release();
    }
  }

  async listModels(): Promise<ModelInfo[]> {
    const lease = await this.runtime.acquire();
    lease.release();
    return [{ id: lease.modelId }];
  }

  async health(): Promise<Health> {
    const t = Date.now();
    if (!this.runtime.isRunning) return { ok: true, latencyMs: 0, detail: 'starts on first use' };
    try {
      const lease = await this.runtime.acquire();
      lease.release();
      return { ok: true, latencyMs: Date.now() - t, detail: `serving ${lease.modelId}` };
    } catch (e) {
      return { ok: false, latencyMs: Date.now() - t, detail: e instanceof Error ? e.message : String(e) };
    }
  }
}
