import type { Tokenizer } from '../core/tokens/chunkedCounter';
import { pick } from '../core/lazyModule';

/** gpt-tokenizer's o200k_base (GPT-4o/o-series/GPT-5), loaded on first use: never during activation. */
export async function loadO200k(): Promise<Tokenizer> {
  const countTokens = pick<(text: string) => number>(await import('gpt-tokenizer/encoding/o200k_base'), 'countTokens');
  return { count: (text) => countTokens(text) };
}
