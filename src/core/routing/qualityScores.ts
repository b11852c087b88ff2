import type { Effort } from './effort';

/**
 * Coding quality, 0–100, per (model, effort): LiveBench "coding" (mean of code_generation and
 * code_completion, objective ground truth), FACTS.md §6. A score belongs to the effort it was run at:
 * the same model at another effort is another candidate with another score (or none). Differences
 * under ~3 points are noise (one question is worth 1.5–2). A model with no row here is unscored: it is
 * never put in a tier unless the user scores it (costwise.routing.quality) or pins it.
 */
export interface QualityScore {
  score: number;
  source: string;
  /** Not measured on this model at this effort (scaled, or a sibling's figure): shown as an estimate. */
  estimated: boolean;
}

export interface QualityRow extends QualityScore {
  model: string;
  /** Undefined: the API's default effort. */
  effort?: Effort;
}

const LB = 'LiveBench coding, release 2026-06-25';
const LB_LIVE = 'LiveBench coding, third-party copy of the live table (2026-09)';
const LB_JAN = 'LiveBench coding, release 2026-01-08 (other questions)';
const LB_2025 = 'LiveBench coding, release 2025-04-25 (other questions)';
const R1_SCALED = 'estimate: R1-Distill-Qwen-32B (LiveBench 47.0) scaled by the R1 paper\'s LiveCodeBench ratios';

const row = (model: string, effort: Effort | undefined, score: number, source: string, estimated = false): QualityRow => ({ model, ...(effort ? { effort } : {}), score, source, estimated });

export const LIVEBENCH_CODING: readonly QualityRow[] = [
  row('claude-opus-5-5', 'max', 89.3, LB_LIVE),
  row('claude-fable-5-1', 'xhigh', 86.4, LB_LIVE),
  row('claude-fable-5', 'xhigh', 82.5, LB),
  row('gpt-5.2-codex', undefined, 83.6, LB),
  row('gpt-5.5', 'xhigh', 82.2, LB),
  row('gpt-5.5', 'high', 80.0, LB),
  row('gpt-5.5', undefined, 78.6, LB),
  row('claude-opus-4-7', 'xhigh', 82.1, LB),
  row('gpt-6-sol', 'max', 81.8, LB_LIVE),
  row('gpt-6-astra', 'max', 80.4, LB_LIVE),
  row('claude-opus-5', 'max', 81.5, LB_LIVE),
  row('claude-sonnet-5', 'xhigh', 80.7, LB),
  row('claude-opus-4-8', undefined, 79.3, LB),
  row('claude-sonnet-4-6', 'medium', 79.3, LB),
  row('gpt-6-luna', 'max', 79.0, LB_LIVE),
  row('gemini-3.5-flash', 'high', 78.2, LB),
  row('gpt-5.4', 'xhigh', 77.5, LB),
  row('gemini-3.1-pro-preview', 'high', 76.5, LB),
  row('gpt-5.2', 'high', 76.1, LB),
  row('deepseek-v3.2', undefined, 75.7, LB_JAN),
  row('gemini-3.8-flash', 'high', 72.5, LB_LIVE),
  row('claude-haiku-4-5', undefined, 72.2, LB_JAN),
  row('gpt-5.4-mini', 'xhigh', 71.6, LB),
  row('gpt-5.4-nano', 'xhigh', 70.8, LB),
  row('deepseek-v4-pro', undefined, 70.0, LB),
  row('deepseek-v4-flash', undefined, 69.2, LB),
  // deepseek-flash now serves V4.1-Flash, a newer release of the same line: V4-Flash's score, marked as an estimate.
  row('deepseek-flash', undefined, 69.2, `${LB}: DeepSeek-V4-Flash's score (the API now serves V4.1-Flash)`, true),
  row('qwen3.6-27b', undefined, 71.8, `${LB} (open weights)`),
  row('deepseek-r1', undefined, 76.1, LB_2025),
  row('r1-distill-qwen-32b', undefined, 47.0, LB_2025),
  row('r1-distill-llama-70b', undefined, 46.6, LB_2025),
  row('r1-distill-qwen-14b', undefined, 44, R1_SCALED, true),
  row('r1-distill-llama-8b', undefined, 33, R1_SCALED, true),
  row('r1-distill-qwen-7b', undefined, 31, R1_SCALED, true),
  row('r1-distill-qwen-1.5b', undefined, 14, R1_SCALED, true),
];

/** The scored efforts of a model (one row per effort), best first. */
export function scoresOf(model: string, rows: readonly QualityRow[] = LIVEBENCH_CODING): QualityRow[] {
  return rows.filter((r) => r.model === model).sort((a, b) => b.score - a.score);
}

/** Models whose output is mostly reasoning tokens (billed as output): their expected output is far larger. */
export function isReasoningModel(model: string): boolean {
  return /^(o\d|gpt-[5-9]|claude-(opus|sonnet|fable)-5|deepseek-(reasoner|flash|v4)|gemini-(2\.5-(pro|flash)$|3|4))|r1/i.test(model);
}

/**
 * Smallest shared prompt prefix each provider caches without being asked (OpenAI and Gemini from 1,024
 * tokens, DeepSeek's disk cache in 64-token units). Anthropic caches only what the request marks with
 * cache_control, which Costwise does not send, so it gets no discount here.
 */
const AUTO_CACHE_MIN: Partial<Record<string, number>> = { openai: 1024, gemini: 1024, deepseek: 64 };

/** Prompt tokens a provider will likely read from its cache when `sharedPrefixTokens` repeat across requests. */
export function expectedCacheHit(provider: string, sharedPrefixTokens: number): number {
  const min = AUTO_CACHE_MIN[provider];
  if (min === undefined || sharedPrefixTokens < min) return 0;
  return provider === 'deepseek' ? Math.floor(sharedPrefixTokens / 64) * 64 : sharedPrefixTokens;
}
