/**
 * Coding quality per model, 0–100: Aider Polyglot pass_rate_2 at the reasoning setting actually
 * called (FACTS.md §6; Aider-AI/aider polyglot_leaderboard.yml, 2025-10). Starred rows are estimates
 * (low confidence) until measured. The same score serves every task kind until better evidence
 * exists; users can override any score in settings.
 */
export interface QualityScore {
  score: number;
  source: string;
  estimated: boolean;
}

const AIDER = 'Aider Polyglot pass_rate_2 (2025-10)';
const s = (score: number, estimated = false, source = AIDER): QualityScore => ({ score, source: estimated ? `${source}, estimated` : source, estimated });

export const DEFAULT_QUALITY: Readonly<Record<string, QualityScore>> = {
  'gpt-5': s(87),
  'gemini-2.5-pro': s(79),
  o3: s(77),
  'deepseek-reasoner': s(74, false, `${AIDER}: V3.2-Exp 74.2, measured 2025-10`),
  'claude-sonnet-4-5': s(72, true, 'from SWE-bench bash-only 70.6'),
  'claude-opus-4-1': s(72, true, 'Opus 4: 70.7–72.0'),
  'claude-opus-4-5': s(72, true, 'assumed at least Opus 4.1'),
  'o4-mini': s(72),
  'gpt-5-mini': s(68, false, `${AIDER} [unmerged PR]`),
  'claude-haiku-4-5': s(67, true, 'from SWE-bench bash-only 66.6'),
  o1: s(62),
  'claude-sonnet-4': s(56),
  'gemini-2.5-flash': s(55),
  'o3-mini': s(54),
  'gpt-4.1': s(52),
  'deepseek-chat': s(48, false, `${AIDER}: V3 Dec 2024, measured before the alias moved to V3.2`),
  'gemini-2.5-flash-lite': s(27, false, "Google's own figure"),
  'gpt-5-nano': s(20, true, 'assumed below gpt-4o'),
  'r1-distill-qwen-32b': s(12, false, `${AIDER} [unmerged PR], 4-bit`),
  'r1-distill-qwen-14b': s(11, true, 'scaled from 32B'),
  'r1-distill-llama-8b': s(8, true, 'scaled from 32B'),
  'r1-distill-qwen-7b': s(8, true, 'scaled from 32B'),
  'r1-distill-llama-70b': s(6, false, `${AIDER} [unmerged PR], doubtful run`),
  'r1-distill-qwen-1.5b': s(4, true, 'scaled from 32B'),
};

/** Models whose output is mostly reasoning tokens (billed as output): their expected output is far larger. */
export function isReasoningModel(model: string): boolean {
  return /^(o\d|gpt-5|deepseek-reasoner|gemini-2\.5-(pro|flash)$)|r1/i.test(model);
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
