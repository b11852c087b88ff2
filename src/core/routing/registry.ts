import type { MicroUsd } from '../money';
import type { PriceCatalog } from '../pricing/priceCatalog';
import type { ProviderKind } from '../pricing/priceEntry';
import type { Candidate } from './candidate';
import { DEFAULT_QUALITY, isReasoningModel, type QualityScore } from './qualityScores';

/** How one configured provider stands right now (settings, SecretStorage, last health check). */
export interface ProviderStatus {
  provider: ProviderKind;
  /** Name shown in traces and used as the endpoint id (`openai`, `anthropic`, `endpoint`, …). */
  endpoint: string;
  enabled: boolean;
  keyPresent: boolean;
  reachable: boolean;
  latencyMs?: number;
  /** Models this endpoint serves; by default every catalog model of its provider. */
  models?: string[];
}

export interface LocalModel {
  model: string;
  endpoint: string;
  contextWindow: number;
  maxOutput: number;
  reachable: boolean;
  latencyMs?: number;
  costPer1kTokens?: MicroUsd;
  /** Catalog key for its quality score (e.g. `r1-distill-qwen-1.5b`). */
  qualityKey?: string;
}

/**
 * The model registry: every catalog model of every configured provider, plus local models, each with
 * its price in force, context window and quality score (user overrides win over the benchmark).
 */
export function buildCandidates(
  catalog: PriceCatalog,
  at: Date,
  providers: readonly ProviderStatus[],
  locals: readonly LocalModel[],
  qualityOverrides: Readonly<Record<string, number | Record<string, number>>> = {},
  task = 'explain',
): Candidate[] {
  // An override may be one score for every task kind, or scores per task kind ({ "explain": 70 }).
  const override = (model: string): number | undefined => {
    const o = qualityOverrides[model];
    return typeof o === 'number' ? o : o?.[task];
  };
  const quality = (model: string): QualityScore => {
    const o = override(model);
    return o !== undefined ? { score: o, source: 'settings: costwise.routing.quality', estimated: false } : (DEFAULT_QUALITY[model] ?? { score: 0, source: 'no benchmark score (costwise.routing.quality)', estimated: true });
  };
  const out: Candidate[] = [];
  const current = catalog.current();
  for (const p of providers) {
    const models = p.models ?? current.filter((e) => e.provider === p.provider).map((e) => e.model);
    for (const model of models) {
      const price = catalog.lookup(model, at);
      const q = quality(model);
      out.push({
        model,
        provider: p.provider,
        endpoint: p.endpoint,
        price,
        contextWindow: price?.contextWindow ?? 128_000,
        maxOutput: price?.maxOutput ?? 8_192,
        quality: q.score,
        qualitySource: q.source,
        reasoning: isReasoningModel(model),
        local: false,
        reachable: p.reachable,
        ...(p.latencyMs !== undefined ? { latencyMs: p.latencyMs } : {}),
        keyPresent: p.keyPresent,
        enabled: p.enabled,
        ...(price?.retired && price.retired <= at.toISOString().slice(0, 10) ? { retiredOn: price.retired } : {}),
      });
    }
  }
  for (const l of locals) {
    const q = quality(l.qualityKey ?? l.model);
    out.push({
      model: l.model,
      provider: 'local',
      endpoint: l.endpoint,
      price: undefined,
      contextWindow: l.contextWindow,
      maxOutput: l.maxOutput,
      quality: q.score,
      qualitySource: q.source,
      reasoning: isReasoningModel(l.qualityKey ?? l.model),
      local: true,
      reachable: l.reachable,
      ...(l.latencyMs !== undefined ? { latencyMs: l.latencyMs } : {}),
      ...(l.costPer1kTokens !== undefined ? { localCostPer1kTokens: l.costPer1kTokens } : {}),
      keyPresent: true,
      enabled: true,
    });
  }
  return out;
}
