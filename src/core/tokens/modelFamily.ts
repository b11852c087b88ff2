/** Tokenizer families: models in one family share a tokenizer, so one calibration factor fits them. */
export type ModelFamily = 'openai' | 'anthropic' | 'gemini' | 'deepseek' | 'qwen' | 'llama' | 'other';

export const FAMILIES: readonly ModelFamily[] = ['openai', 'anthropic', 'gemini', 'deepseek', 'qwen', 'llama', 'other'];

/** The family of a model id, by the provider that serves it and, for local models, the base model's name. */
export function familyOf(model: string, provider: string): ModelFamily {
  const m = model.toLowerCase();
  if (provider === 'openai') return 'openai';
  if (provider === 'anthropic') return 'anthropic';
  if (provider === 'gemini') return 'gemini';
  if (provider === 'deepseek') return 'deepseek';
  if (/qwen/.test(m) || /r1[-:]?(1\.5|7|14|32)b/.test(m) || /deepseek-r1:(1\.5|7|14|32)b/.test(m)) return 'qwen';
  if (/llama/.test(m) || /r1[-:]?(8|70)b/.test(m)) return 'llama';
  if (/^(o\d|gpt-)/.test(m)) return 'openai';
  if (/^claude/.test(m)) return 'anthropic';
  if (/^gemini/.test(m)) return 'gemini';
  if (/deepseek/.test(m)) return 'deepseek';
  return 'other';
}
