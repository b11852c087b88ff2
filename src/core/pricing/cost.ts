import type { MicroUsd } from '../money';
import type { PriceEntry, ServiceTier } from './priceEntry';
import { resolvePrices, type ResolvedPrices } from './resolve';
import { isValidUsage, promptTokens, type Usage } from './usage';

export interface PricedUsage {
  cost: MicroUsd;
  resolved: ResolvedPrices;
}

/**
 * Cost of one request made at `at`, in micro-dollars. Prices are micro-dollars per 1M tokens, so each
 * term is tokens x price / 1e6 (x a service multiplier); terms are summed exactly (BigInt) and rounded
 * once, half up, per request.
 */
export function priceUsage(usage: Usage, entry: PriceEntry, at: Date | number, serviceTier?: ServiceTier): PricedUsage {
  if (!isValidUsage(usage)) throw new RangeError('usage has a negative, fractional or inconsistent token count');
  const ms = typeof at === 'number' ? at : at.getTime();
  if (Number.isNaN(ms)) throw new RangeError('the request has no valid instant');
  const resolved = resolvePrices(entry, ms, promptTokens(usage), serviceTier);
  const t = resolved.prices;
  const writes = usage.cacheWriteTokens ?? 0;
  const missing =
    (writes > 0 && t.cacheWrite === undefined) ||
    (usage.cacheWrite5mTokens > 0 && t.cacheWrite5m === undefined) ||
    (usage.cacheWrite1hTokens > 0 && t.cacheWrite1h === undefined);
  if (missing) throw new RangeError(`${entry.model} has no price for the kind of cache write the usage reports`);
  const terms: Array<[number, number]> = [
    [usage.inputTokens, t.input],
    [usage.cachedReadTokens, t.cachedRead],
    [writes, t.cacheWrite ?? 0],
    [usage.cacheWrite5mTokens, t.cacheWrite5m ?? 0],
    [usage.cacheWrite1hTokens, t.cacheWrite1h ?? 0],
    [usage.outputTokens, t.output],
  ];
  let sum = 0n;
  for (const [tokens, price] of terms) sum += BigInt(tokens) * BigInt(price);
  const { num, den } = resolved.multiplier;
  const divisor = 1_000_000n * den;
  const cost = Number((sum * num * 2n + divisor) / (2n * divisor));
  return { cost, resolved };
}

export function costOf(usage: Usage, entry: PriceEntry, at: Date | number, serviceTier?: ServiceTier): MicroUsd {
  return priceUsage(usage, entry, at, serviceTier).cost;
}
