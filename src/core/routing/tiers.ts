import type { Tier } from '../settings';

/** Minimum quality score of each tier (FACTS.md §6: basic < 30, standard 30–69, premium >= 70). */
export type TierThresholds = Record<Tier, number>;

export const DEFAULT_TIERS: TierThresholds = { basic: 0, standard: 30, premium: 70 };

export function meetsTier(score: number, tier: Tier, thresholds: TierThresholds): boolean {
  return score >= thresholds[tier];
}

export function nextTier(tier: Tier): Tier | undefined {
  return tier === 'basic' ? 'standard' : tier === 'standard' ? 'premium' : undefined;
}
