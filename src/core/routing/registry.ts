import type { MicroUsd } from '../money';
import type { PriceCatalog } from '../pricing/priceCatalog';
import type { ProviderKind } from '../pricing/priceEntry';
import type { Candidate } from './candidate';
import { isEffort, type Effort } from './effort';
import { modelsFromListing } from './modelListing';
import { isReasoningModel, scoresOf, type QualityScore } from './qualityScores';

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
  /** When set, `models` is the provider's own list for the user's key, read at this instant (ISO). */
  listedAt?: string;
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

type QualityOverrides = Readonly<Record<string, number | Record<string, number>>>;

/**
 * The scored (effort, score) pairs of one model: its benchmark rows per effort, with the user's scores
 * (`model` for the API's default effort, `model@effort` for one effort) winning. None: unscored.
 */
export function qualityPairs(model: string, overrides: QualityOverrides, task: string): Array<{ effort: Effort | undefined } & QualityScore> {
  const override = (key: string): number | undefined => {
    const o = overrides[key];
    return typeof o === 'number' ? o : o?.[task];
  };
  const pairs = new Map<string, { effort: Effort | undefined } & QualityScore>();
  for (const r of scoresOf(model)) pairs.set(r.effort ?? '', { effort: r.effort, score: r.score, source: r.source, estimated: r.estimated });
  for (const key of Object.keys(overrides)) {
    const [m, e] = key.split('@') as [string, string | undefined];
    if (m !== model || (e !== undefined && !isEffort(e))) continue;
    const score = override(key);
    if (score !== undefined) pairs.set(e ?? '', { effort: e as Effort | undefined, score, source: 'your score (costwise.routing.quality)', estimated: false });
  }
  return [...pairs.values()];
}

/**
 * The model registry: every catalog model of every configured provider, plus local models, each with
 * its price in force at `at`, context window, and one candidate per scored effort (user scores win over
 * the benchmark); a model with no score is one unscored candidate (never put in a tier).
 */
export function buildCandidates(
  catalog: PriceCatalog,
  at: Date,
  providers: readonly ProviderStatus[],
  locals: readonly LocalModel[],
  qualityOverrides: QualityOverrides = {},
  task = 'explain',
): Candidate[] {
  const out: Candidate[] = [];
  const withQuality = (base: Omit<Candidate, 'quality' | 'qualitySource'>, key: string) => {
    const pairs = qualityPairs(key, qualityOverrides, task);
    if (!pairs.length) out.push({ ...base, quality: undefined, qualitySource: 'no benchmark score: add one in costwise.routing.quality, or pin the model' });
    // A model asked to think (any effort but none) spends its output thinking, whatever its name.
    for (const p of pairs) out.push({ ...base, reasoning: base.reasoning || (p.effort !== undefined && p.effort !== 'none'), ...(p.effort ? { effort: p.effort } : {}), quality: p.score, qualitySource: p.source, ...(p.estimated ? { qualityEstimated: true } : {}) });
  };
  const current = catalog.current(at);
  for (const p of providers) {
    const listing = p.listedAt && p.models ? modelsFromListing(catalog, at, p.provider, p.models, p.listedAt) : undefined;
    const models = listing ? [...listing.models, ...listing.notListed.keys()] : (p.models ?? current.filter((e) => e.provider === p.provider).map((e) => e.model));
    for (const model of models) {
      const unavailable = listing?.notListed.get(model);
      const price = catalog.lookup(model, at);
      const retiredOn = catalog.retiredAt(model, at);
      withQuality(
        {
          model,
          provider: p.provider,
          endpoint: p.endpoint,
          price,
          contextWindow: price?.contextWindow ?? 128_000,
          maxOutput: price?.maxOutput ?? 8_192,
          reasoning: isReasoningModel(model),
          local: false,
          reachable: p.reachable,
          ...(p.latencyMs !== undefined ? { latencyMs: p.latencyMs } : {}),
          keyPresent: p.keyPresent,
          enabled: p.enabled,
          ...(retiredOn ? { retiredOn } : {}),
          ...(unavailable ? { unavailable } : {}),
        },
        model,
      );
    }
  }
  for (const l of locals) {
    withQuality(
      {
        model: l.model,
        provider: 'local',
        endpoint: l.endpoint,
        price: undefined,
        contextWindow: l.contextWindow,
        maxOutput: l.maxOutput,
        reasoning: isReasoningModel(l.qualityKey ?? l.model),
        local: true,
        reachable: l.reachable,
        ...(l.latencyMs !== undefined ? { latencyMs: l.latencyMs } : {}),
        ...(l.costPer1kTokens !== undefined ? { localCostPer1kTokens: l.costPer1kTokens } : {}),
        keyPresent: true,
        enabled: true,
      },
      l.qualityKey ?? l.model,
    );
  }
  return out;
}
