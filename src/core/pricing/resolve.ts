import type { PriceEntry, ServiceTier, TokenPrices } from './priceEntry';
import { labelAt, nextChange } from './timeWindows';

/** The prices one request pays, and why: which time window and context tier applied. */
export interface ResolvedPrices {
  prices: TokenPrices;
  /** `peak` / `off-peak` where the model bills by time of day. */
  window?: string;
  /** When that label changes next (epoch ms). */
  windowChangesAt?: number;
  /** The context tier's first prompt token count, when the request is in a long-context tier. */
  tierFrom?: number;
  /** Exact multiplier of a per-request service option: numerator / denominator. */
  multiplier: { num: bigint; den: bigint; tier?: ServiceTier };
}

const ONE = { num: 1n, den: 1n };

/** A decimal string ("0.5", "1.8", "2") as an exact fraction. */
export function decimalFraction(s: string): { num: bigint; den: bigint } {
  const m = /^(\d+)(?:\.(\d{1,9}))?$/.exec(s);
  if (!m) throw new RangeError(`not a decimal multiplier: ${JSON.stringify(s)}`);
  const frac = m[2] ?? '';
  return { num: BigInt(m[1]! + frac), den: 10n ** BigInt(frac.length) };
}

/**
 * The prices of `entry` for a request made at `ms` with `promptTokens` prompt tokens. Time windows pick
 * the base (off-peak) or window (peak) prices; a whole-request tier replaces them from its edge on.
 * A service option the entry does not list is an error: its price is unknown, never assumed.
 */
export function resolvePrices(entry: PriceEntry, ms: number, promptTokens: number, serviceTier?: ServiceTier): ResolvedPrices {
  let prices = entry.prices;
  const out: Omit<ResolvedPrices, 'prices' | 'multiplier'> = {};
  if (entry.timed) {
    const label = labelAt(entry.timed.rule, ms);
    if (label === entry.timed.rule.label) prices = entry.timed.prices;
    out.window = label;
  }
  for (const t of entry.tiers ?? []) {
    if (promptTokens >= t.fromPromptTokens) {
      prices = t.prices;
      out.tierFrom = t.fromPromptTokens;
    }
  }
  let multiplier: ResolvedPrices['multiplier'] = ONE;
  if (serviceTier) {
    const m = entry.serviceTiers?.[serviceTier];
    if (m === undefined) throw new RangeError(`${entry.model} has no known ${serviceTier} price`);
    multiplier = { ...decimalFraction(m), tier: serviceTier };
  }
  const resolved: ResolvedPrices = { prices, ...out, multiplier };
  if (entry.timed) {
    // When the label changes next is for display only: computed on first read, off the pricing hot path.
    const rule = entry.timed.rule;
    let next: number | undefined | null = null;
    Object.defineProperty(resolved, 'windowChangesAt', { enumerable: true, get: () => (next === null ? (next = nextChange(rule, ms)) : next) });
  }
  return resolved;
}
