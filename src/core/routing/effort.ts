/**
 * How hard a model is asked to think. Each API has its own parameter (OpenAI `reasoning_effort`,
 * Anthropic's thinking budget, Gemini's thinking budget/level); a benchmark score belongs to the effort it
 * was run at, and so does the output it takes. `default` = the API's own default (no parameter sent).
 */
export type Effort = 'none' | 'minimal' | 'low' | 'medium' | 'high' | 'xhigh' | 'max';
export const EFFORTS: readonly Effort[] = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max'];

export function isEffort(s: unknown): s is Effort {
  return typeof s === 'string' && (EFFORTS as readonly string[]).includes(s);
}

/**
 * Prior output tokens (reasoning included) of one explain answer at each effort, until the ledger has
 * that model's own figures: thinking grows roughly 2x per effort step.
 */
export const EFFORT_OUTPUT_PRIOR: Record<Effort | 'default', number> = { none: 600, minimal: 800, low: 1200, medium: 2100, default: 2100, high: 3600, xhigh: 6000, max: 9000 };

/** `model@effort` (the key scores and learned output use); the model alone when called at its default. */
export function pairKey(model: string, effort: Effort | undefined): string {
  return effort ? `${model}@${effort}` : model;
}
