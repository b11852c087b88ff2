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

/** Anthropic Messages `usage` (final values: message_start merged with the last message_delta). */
export interface AnthropicWireUsage {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_creation?: { ephemeral_5m_input_tokens?: number | null; ephemeral_1h_input_tokens?: number | null } | null;
}

/**
 * Anthropic's `input_tokens` already exclude cache reads and writes, so nothing is subtracted. Cache
 * writes are split by duration when the API says so; an unsplit `cache_creation_input_tokens` is the
 * default 5-minute write. Thinking tokens are inside `output_tokens` (not reported apart).
 */
export function normaliseAnthropicUsage(u: AnthropicWireUsage): Usage {
  const w5 = n(u.cache_creation?.ephemeral_5m_input_tokens);
  const w1h = n(u.cache_creation?.ephemeral_1h_input_tokens);
  const split = u.cache_creation ? w5 + w1h : 0;
  const total = n(u.cache_creation_input_tokens);
  return {
    inputTokens: n(u.input_tokens),
    cachedReadTokens: n(u.cache_read_input_tokens),
    cacheWrite5mTokens: split > 0 ? w5 : total,
    cacheWrite1hTokens: split > 0 ? w1h : 0,
    outputTokens: n(u.output_tokens),
    reasoningTokens: 0,
    source: 'reported',
  };
}

/** Gemini `usageMetadata`. */
export interface GeminiWireUsage {
  promptTokenCount?: number;
  cachedContentTokenCount?: number;
  candidatesTokenCount?: number;
  thoughtsTokenCount?: number;
  toolUsePromptTokenCount?: number;
  totalTokenCount?: number;
}

/**
 * Gemini's `promptTokenCount` includes cached tokens; thinking tokens (`thoughtsTokenCount`) are
 * reported apart from the answer (`candidatesTokenCount`) and both are billed as output.
 */
export function normaliseGeminiUsage(u: GeminiWireUsage): Usage {
  const prompt = n(u.promptTokenCount) + n(u.toolUsePromptTokenCount);
  const cached = Math.min(prompt, n(u.cachedContentTokenCount));
  const thoughts = n(u.thoughtsTokenCount);
  return {
    inputTokens: prompt - cached,
    cachedReadTokens: cached,
    cacheWrite5mTokens: 0,
    cacheWrite1hTokens: 0,
    outputTokens: n(u.candidatesTokenCount) + thoughts,
    reasoningTokens: thoughts,
    source: 'reported',
  };
}
