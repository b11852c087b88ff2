import type { PriceEntry } from '../pricing/priceEntry';
import type { Candidate } from '../routing/candidate';

/**
 * A local model's "price" for the ledger's reservation: its energy per token (the settled cost is the
 * measured generation time x watts x price per kWh, see energy.ts).
 */
export function localPrice(c: Candidate): PriceEntry {
  const perToken = (c.localCostPer1kTokens ?? 0) * 1000; // micro-dollars per 1M tokens
  return {
    model: c.model,
    provider: 'local',
    effective: '0000-01-01',
    source: 'local model: priced by energy (generation time x watts x price per kWh)',
    contextWindow: c.contextWindow,
    maxOutput: c.maxOutput,
    prices: { input: 0, cachedRead: 0, output: perToken },
    reasoningBilledAsOutput: true,
  };
}
