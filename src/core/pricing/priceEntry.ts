import type { MicroUsd } from '../money';

/** Prices of one kind of token in micro-dollars per million tokens (== USD per token x 1e12 / 1e6). */
export interface TokenPrices {
  input: MicroUsd;
  /** Cache reads (OpenAI cached input, Anthropic cache read, DeepSeek cache hit, Gemini cached). */
  cachedRead: MicroUsd;
  /** Anthropic cache writes, 5-minute and 1-hour durations; absent where the API has no write price. */
  cacheWrite5m?: MicroUsd;
  cacheWrite1h?: MicroUsd;
  output: MicroUsd;
}

export type ProviderKind = 'openai' | 'deepseek' | 'anthropic' | 'gemini' | 'local' | 'custom';

/** One dated price of one model, with where it came from. */
export interface PriceEntry {
  model: string;
  provider: ProviderKind;
  /** First day (YYYY-MM-DD, UTC) the price applies. */
  effective: string;
  source: string;
  contextWindow: number;
  maxOutput: number;
  prices: TokenPrices;
  /** Prices once a request's prompt exceeds `threshold` input tokens (Gemini 2.5 Pro, Claude > 200K). */
  above?: { threshold: number; prices: TokenPrices };
  /** Reasoning/thinking tokens are billed at the output price (true for every API in the catalog). */
  reasoningBilledAsOutput: boolean;
  /** Explicit alternative ids an API may return for this model (never prefix matching). */
  aliases?: string[];
  /** First day (YYYY-MM-DD, UTC) the provider no longer serves the model: routing passes it over from then on (its price still re-prices old records). */
  retired?: string;
}

/** A reference to the price used, stored with each ledger record so it can be re-priced later. */
export interface PriceRef {
  model: string;
  effective: string;
  source: string;
}

export function priceRef(e: PriceEntry): PriceRef {
  return { model: e.model, effective: e.effective, source: e.source };
}
