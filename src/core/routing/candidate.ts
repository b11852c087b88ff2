import type { Effort } from './effort';
import type { MicroUsd } from '../money';
import type { PriceEntry, ProviderKind } from '../pricing/priceEntry';

/** One model the router may send a request to, as configured and discovered. */
export interface Candidate {
  /** Model id as the API knows it. */
  model: string;
  provider: ProviderKind;
  /** Which configured endpoint serves it (e.g. `openai`, `anthropic`, `endpoint`, `local`). */
  endpoint: string;
  /** The price in force, or undefined when unpriced (refused for paid use). */
  price: PriceEntry | undefined;
  contextWindow: number;
  maxOutput: number;
  /** The effort the model is called at (its score's effort); undefined: the API's default. */
  effort?: Effort;
  /** Coding score at that effort; undefined: unscored (never put in a tier). */
  quality: number | undefined;
  qualitySource: string;
  qualityEstimated?: boolean;
  reasoning: boolean;
  local: boolean;
  /** For local models: energy cost per 1,000 generated tokens (micro-dollars), if known. */
  localCostPer1kTokens?: MicroUsd;
  /** Health of the endpoint as last checked. */
  reachable: boolean;
  latencyMs?: number;
  keyPresent: boolean;
  enabled: boolean;
  /** The day the provider stopped serving the model, once that day has come (see PriceEntry.retired). */
  retiredOn?: string;
  /** Why the provider's model list for the user's key rules it out (it is not listed). */
  unavailable?: string;
}
