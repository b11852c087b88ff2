import { ProviderError } from '../core/chat/chatProvider';
import { OversizedLineError } from './guardedFetch';
import { isRetryableStatus, retryAfterMs } from './retryPolicy';

/** The parts of an SDK error (openai, Anthropic, Google GenAI) that decide what happened. */
interface SdkError {
  status?: number;
  name?: string;
  message?: string;
  code?: string;
  error?: { message?: string; error?: { message?: string } };
  headers?: { get(name: string): string | null } | Record<string, string>;
  cause?: unknown;
}

function headerGetter(h: SdkError['headers']): { get(name: string): string | null } | undefined {
  if (!h) return undefined;
  if (typeof (h as Headers).get === 'function') return h as Headers;
  const rec = h as Record<string, string>;
  return { get: (n) => rec[n] ?? rec[n.toLowerCase()] ?? null };
}

const NETWORK = /\b(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EPIPE|socket hang up|fetch failed|terminated|other side closed)\b/i;

/**
 * Maps any SDK or network failure to one typed error whose message never contains the key.
 * `endpoint` names where the request went, for messages like "Could not reach …".
 */
export function toProviderError(e: unknown, signal: AbortSignal, secrets: string[], endpoint: string): ProviderError {
  const redact = (s: string) => secrets.reduce((t, k) => (k ? t.split(k).join('***') : t), s);
  if (signal.aborted) return new ProviderError('cancelled', 'The request was cancelled.');
  const err = (e ?? {}) as SdkError;
  let cause: unknown = err;
  for (let i = 0; i < 4 && cause; i++) {
    if (cause instanceof OversizedLineError) return new ProviderError('stream', `The answer stream broke: ${cause.message}.`);
    cause = (cause as { cause?: unknown }).cause;
  }
  const detail = redact(String(err.error?.error?.message ?? err.error?.message ?? err.message ?? e)).slice(0, 500);
  if (typeof err.status === 'number' && err.status > 0) {
    const s = err.status;
    let pe: ProviderError;
    if (s === 401 || s === 403) pe = new ProviderError('auth', `${endpoint} rejected the API key (HTTP ${s}): ${detail}`, s);
    else pe = new ProviderError('http', `${endpoint} answered HTTP ${s}: ${detail}`, s, isRetryableStatus(s));
    pe.retryAfterMs = retryAfterMs(headerGetter(err.headers));
    return pe;
  }
  if (err.name === 'APIConnectionTimeoutError') return new ProviderError('timeout', `${endpoint} did not answer in time.`, undefined, true);
  const text = `${err.name ?? ''} ${err.message ?? ''} ${String((err.cause as Error | undefined)?.message ?? '')} ${(err.cause as { code?: string } | undefined)?.code ?? err.code ?? ''}`;
  if (err.name === 'APIConnectionError' || NETWORK.test(text)) {
    // Before any byte of an answer: nothing was generated, so another try is safe.
    const c = err.cause as { code?: string; message?: string; cause?: { code?: string; message?: string } } | undefined;
    const why = c?.code ?? c?.cause?.code ?? c?.cause?.message ?? c?.message;
    return new ProviderError('network', `Could not reach ${endpoint}: ${detail}${why ? ` (${redact(String(why)).slice(0, 200)})` : ''}`, undefined, true);
  }
  return new ProviderError('stream', `The answer stream from ${endpoint} broke: ${detail}`);
}
