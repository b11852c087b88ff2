import type { MicroUsd } from '../money';

/** Prices of one kind of token in micro-dollars per million tokens (== USD per token x 1e12 / 1e6). */
export interface TokenPrices {
  input: MicroUsd;
  /** Cache reads (OpenAI cached input, Anthropic cache read, DeepSeek cache hit, Gemini cached). */
  cachedRead: MicroUsd;
  /** Cache writes with no duration (OpenAI from GPT-5.6 on). */
  cacheWrite?: MicroUsd;
  /** Anthropic cache writes, 5-minute and 1-hour durations; absent where the API has no write price. */
  cacheWrite5m?: MicroUsd;
  cacheWrite1h?: MicroUsd;
  output: MicroUsd;
}

export type ProviderKind = 'openai' | 'deepseek' | 'anthropic' | 'gemini' | 'local' | 'custom';

/**
 * A whole-request context tier: from `fromPromptTokens` prompt tokens (inclusive: input + cache reads +
 * cache writes) every token of the request is billed at `prices` (OpenAI >= 272,000; Claude Haiku 5.5
 * > 100,000, i.e. from 100,001).
 */
export interface ContextTier {
  fromPromptTokens: number;
  prices: TokenPrices;
}

/**
 * A calendar of hours in a named time zone: on `weekdays` (1 = Monday .. 7 = Sunday, in that zone), except
 * on `holidays` (local dates), the local `windows` ([start, end) as HH:MM) are `label`; every other
 * instant is `otherLabel`. DeepSeek's peak hours: 09:00–12:00 and 14:00–18:00 Beijing, Monday–Friday,
 * Chinese public holidays excluded.
 */
export interface TimeWindows {
  id: string;
  zone: string;
  weekdays: number[];
  windows: Array<[string, string]>;
  holidays: string[];
  label: string;
  otherLabel: string;
}

/** Prices that replace the entry's base prices inside a time window. */
export interface TimedPrices {
  rule: TimeWindows;
  prices: TokenPrices;
}

/** Per-request options some APIs bill at a multiple of the list price (a decimal string, e.g. "0.5"). */
export type ServiceTier = 'batch' | 'flex' | 'priority' | 'regional';

/** One period of one model's price, with where it came from. */
export interface PriceEntry {
  model: string;
  provider: ProviderKind;
  /** First instant the price applies: an ISO instant, or a date (YYYY-MM-DD = 00:00 UTC). */
  effective: string;
  source: string;
  /** When the curated entry was last checked against its source (YYYY-MM-DD), if curated. */
  verified?: string;
  contextWindow: number;
  maxOutput: number;
  /** Base prices (off-peak where `timed` is set). */
  prices: TokenPrices;
  /** Whole-request tiers by prompt size, ascending. */
  tiers?: ContextTier[];
  /** Prices inside a daily window (DeepSeek peak hours). */
  timed?: TimedPrices;
  /** Reasoning/thinking tokens are billed at the output price (true for every API in the catalog). */
  reasoningBilledAsOutput: boolean;
  /** Explicit alternative ids an API may return for this model (never prefix matching). */
  aliases?: string[];
  /** `<model>-YYYYMMDD` / `<model>-YYYY-MM-DD` dated snapshots are this model (only a valid date). */
  snapshots?: boolean;
  /** First instant the provider no longer serves the model: routing passes it over from then on (its price still re-prices old records). */
  retired?: string;
  /** The price is promotional and ends at this instant (shown; the next period says what follows). */
  promoUntil?: string;
  /** Multipliers of per-request service options (decimal strings: exact). */
  serviceTiers?: Partial<Record<ServiceTier, string>>;
  /** The upstream data's provider id, when the entry came from it (e.g. `openrouter`). */
  vendor?: string;
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
