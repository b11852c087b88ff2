/**
 * One usage shape for every API, normalised so each kind of token is counted exactly once:
 * `inputTokens` are prompt tokens billed at the plain input price (cache reads and writes excluded),
 * `outputTokens` include reasoning tokens (every catalogued API bills reasoning as output), and
 * `reasoningTokens` says how many of the output tokens were reasoning (for display, not billed again).
 */
export interface Usage {
  inputTokens: number;
  cachedReadTokens: number;
  cacheWrite5mTokens: number;
  cacheWrite1hTokens: number;
  /** Cache writes with no duration (OpenAI from GPT-5.6 on); absent = 0. */
  cacheWriteTokens?: number;
  outputTokens: number;
  reasoningTokens: number;
  source: 'reported' | 'estimated';
}

export function emptyUsage(source: Usage['source'] = 'reported'): Usage {
  return { inputTokens: 0, cachedReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, outputTokens: 0, reasoningTokens: 0, source };
}

/** All prompt-side tokens, whatever their cache state: what the context window and tier thresholds see. */
export function promptTokens(u: Usage): number {
  return u.inputTokens + u.cachedReadTokens + (u.cacheWriteTokens ?? 0) + u.cacheWrite5mTokens + u.cacheWrite1hTokens;
}

export function isValidUsage(u: Usage): boolean {
  const counts = [u.inputTokens, u.cachedReadTokens, u.cacheWriteTokens ?? 0, u.cacheWrite5mTokens, u.cacheWrite1hTokens, u.outputTokens, u.reasoningTokens];
  return counts.every((n) => Number.isSafeInteger(n) && n >= 0) && u.reasoningTokens <= u.outputTokens;
}
