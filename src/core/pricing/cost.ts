import type { MicroUsd } from '../money';
import type { PriceEntry, TokenPrices } from './priceEntry';
import { isValidUsage, promptTokens, type Usage } from './usage';

/** The prices that apply to a request of this size (tiered models switch above a prompt-size threshold). */
export function pricesFor(entry: PriceEntry, usage: Usage): TokenPrices {
  if (entry.above && promptTokens(usage) > entry.above.threshold) return entry.above.prices;
  return entry.prices;
}

/**
 * Cost of one request in micro-dollars. Prices are micro-dollars per 1M tokens, so each term is
 * tokens x price / 1e6; terms are summed exactly (BigInt) and rounded once, half up, per request.
 */
export function costOf(usage: Usage, entry: PriceEntry): MicroUsd {
  if (!isValidUsage(usage)) throw new RangeError('usage has a negative, fractional or inconsistent token count');
  const t = pricesFor(entry, usage);
  const missingWritePrice =
    (usage.cacheWrite5mTokens > 0 && t.cacheWrite5m === undefined) || (usage.cacheWrite1hTokens > 0 && t.cacheWrite1h === undefined);
  if (missingWritePrice) throw new RangeError(`${entry.model} has no cache-write price, but the usage reports cache writes`);
  const terms: Array<[number, number]> = [
    [usage.inputTokens, t.input],
    [usage.cachedReadTokens, t.cachedRead],
    [usage.cacheWrite5mTokens, t.cacheWrite5m ?? 0],
    [usage.cacheWrite1hTokens, t.cacheWrite1h ?? 0],
    [usage.outputTokens, t.output],
  ];
  let sum = 0n;
  for (const [tokens, price] of terms) sum += BigInt(tokens) * BigInt(price);
  return Number((sum + 500_000n) / 1_000_000n);
}
