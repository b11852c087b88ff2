import type { Tokenizer } from '../core/tokens/chunkedCounter';

/** gpt-tokenizer's o200k_base (GPT-4o/o-series/GPT-5), loaded on first use: never during activation. */
export async function loadO200k(): Promise<Tokenizer> {
  const { countTokens } = await import('gpt-tokenizer/encoding/o200k_base');
  return { count: (text) => countTokens(text) };
}
