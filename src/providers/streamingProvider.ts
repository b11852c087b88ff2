import { ProviderError, type ChatEvent, type ChatProvider, type ChatRequest, type Health, type ModelInfo } from '../core/chat/chatProvider';
import type { Usage } from '../core/pricing/usage';
import { backoffMs, DEFAULT_RETRY, sleep, type RetryPolicy } from './retryPolicy';

export interface StreamingOptions {
  retry?: RetryPolicy;
  /** No reasoning or text within this long after sending: the attempt fails as a timeout. */
  firstTokenTimeoutMs?: number;
  /** Nothing at all for this long mid-stream: the attempt fails as a timeout. */
  idleTimeoutMs?: number;
  /** Waits between retries (tests make it instant). */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/**
 * Retries, timeouts and cancellation shared by every provider. A failed attempt is retried only when
 * it yielded nothing yet (so no text is duplicated and nothing is billed twice), only for retryable
 * failures, after the provider's Retry-After (never one longer than the policy allows) or backoff
 * with jitter. A stream ends with `done` or exactly one `error`, which carries the usage seen so far.
 */
export abstract class StreamingProvider implements ChatProvider {
  constructor(
    readonly id: string,
    protected readonly streaming: StreamingOptions = {},
  ) {}

  /** One HTTP request: yields the answer's events and ends with `done` or one `error`. */
  protected abstract attempt(request: ChatRequest, signal: AbortSignal): AsyncIterable<ChatEvent>;

  abstract listModels(signal?: AbortSignal): Promise<ModelInfo[]>;

  async health(signal?: AbortSignal): Promise<Health> {
    const started = Date.now();
    try {
      const models = await this.listModels(signal ?? AbortSignal.timeout(5_000));
      return { ok: true, latencyMs: Date.now() - started, detail: `${models.length} model${models.length === 1 ? '' : 's'}` };
    } catch (e) {
      // Any HTTP answer (even 404 from a server without a model list) means the server is up.
      const status = (e as { status?: unknown }).status;
      if (typeof status === 'number' && status > 0) return { ok: true, latencyMs: Date.now() - started, detail: `answered HTTP ${status}` };
      return { ok: false, latencyMs: Date.now() - started, detail: e instanceof Error ? e.message : String(e) };
    }
  }

  async *stream(request: ChatRequest, signal: AbortSignal): AsyncIterable<ChatEvent> {
    const policy = this.streaming.retry ?? DEFAULT_RETRY;
    const wait = this.streaming.sleep ?? sleep;
    for (let attempt = 0; ; attempt++) {
      const ctl = new AbortController();
      const onAbort = () => ctl.abort(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      let timedOut: string | undefined;
      let timer: NodeJS.Timeout | undefined;
      const arm = (ms: number | undefined, what: string) => {
        clearTimeout(timer);
        if (ms) timer = setTimeout(() => ((timedOut = what), ctl.abort(new Error(what))), ms);
      };
      arm(this.streaming.firstTokenTimeoutMs, `no answer within ${this.streaming.firstTokenTimeoutMs} ms`);
      let content = false;
      let started = false;
      let usage: Usage | undefined;
      let failure: ProviderError | undefined;
      try {
        for await (const e of this.attempt(request, ctl.signal)) {
          if (e.type === 'error') {
            failure = e.error;
            break;
          }
          if (e.type === 'started') started = true;
          if (e.type === 'text' || e.type === 'reasoning' || e.type === 'toolCall') content = true;
          if (e.type === 'usage') usage = e.usage;
          if (content) arm(this.streaming.idleTimeoutMs, `the stream stalled for ${this.streaming.idleTimeoutMs} ms`);
          yield e;
        }
      } catch (e) {
        failure = e instanceof ProviderError ? e : new ProviderError('stream', `The answer stream broke: ${(e as Error)?.message ?? e}`);
      } finally {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
      }
      if (!failure) return;
      if (signal.aborted) failure = new ProviderError('cancelled', 'The request was cancelled.');
      else if (timedOut) failure = new ProviderError('timeout', `The endpoint timed out: ${timedOut}.`, undefined, !started);
      else if (content && failure.kind === 'network') failure = new ProviderError('stream', `The answer stream broke: the connection closed before the answer was complete (${failure.message}).`);
      const retryAfter = failure.retryAfterMs;
      // Only a request the server never accepted is tried again: anything later may already be billed.
      const canRetry = !started && !content && failure.retryable && attempt < policy.maxRetries && !signal.aborted;
      if (canRetry && !(retryAfter !== undefined && retryAfter > policy.maxRetryAfterMs)) {
        try {
          await wait(retryAfter ?? backoffMs(attempt, policy), signal);
          continue;
        } catch {
          failure = new ProviderError('cancelled', 'The request was cancelled.');
        }
      } else if (canRetry && retryAfter !== undefined) {
        failure = new ProviderError(failure.kind, `${failure.message} The provider asks to wait ${Math.ceil(retryAfter / 1000)} s before trying again.`, failure.status, false);
      }
      // The usage seen so far was already passed on as an event; the error carries it too.
      failure.usage = usage;
      failure.billable = started || content || usage !== undefined;
      yield { type: 'error', error: failure };
      return;
    }
  }
}
