/** The quality tiers a request can ask for. */
export type Tier = 'basic' | 'standard' | 'premium';
export const TIERS: readonly Tier[] = ['basic', 'standard', 'premium'];

/** Minimum coding score of each tier (LiveBench coding, FACTS.md §6: premium >= 80, standard >= 72, basic below). */
export type TierThresholds = Record<Tier, number>;

export const DEFAULT_TIERS: TierThresholds = { basic: 0, standard: 72, premium: 80 };

export function meetsTier(score: number, tier: Tier, thresholds: TierThresholds): boolean {
  return score >= thresholds[tier];
}

export function nextTier(tier: Tier): Tier | undefined {
  return tier === 'basic' ? 'standard' : tier === 'standard' ? 'premium' : undefined;
}
