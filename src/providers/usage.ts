import type { Usage } from '../core/pricing/usage';

/** The `usage` object of OpenAI's Chat Completions API, with DeepSeek's cache fields. */
export interface OpenAIWireUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number | null } | null;
  completion_tokens_details?: { reasoning_tokens?: number | null } | null;
  /** DeepSeek: prompt_tokens = prompt_cache_hit_tokens + prompt_cache_miss_tokens. */
  prompt_cache_hit_tokens?: number;
  prompt_cache_miss_tokens?: number;
}

const n = (x: unknown): number => (typeof x === 'number' && Number.isFinite(x) && x > 0 ? Math.round(x) : 0);

/**
 * OpenAI's `prompt_tokens` include cached tokens and `completion_tokens` include reasoning tokens;
 * DeepSeek reports cache hits apart. Cached tokens are moved out of `inputTokens` so none is billed twice.
 */
export function normaliseOpenAIUsage(u: OpenAIWireUsage): Usage {
  const prompt = n(u.prompt_tokens);
  const cached = Math.min(prompt, n(u.prompt_tokens_details?.cached_tokens) || n(u.prompt_cache_hit_tokens));
  const output = n(u.completion_tokens);
  const reasoning = Math.min(output, n(u.completion_tokens_details?.reasoning_tokens));
  return {
    inputTokens: prompt - cached,
    cachedReadTokens: cached,
    cacheWrite5mTokens: 0,
    cacheWrite1hTokens: 0,
    outputTokens: output,
    reasoningTokens: reasoning,
    source: 'reported',
  };
}
