import * as vscode from 'vscode';
import { evaluateBudget } from '../core/budget/budget';
import type { MonthFold } from '../core/ledger/monthFold';
import { localDayKey } from '../core/ledger/periods';
import type { PriceCatalog } from '../core/pricing/priceCatalog';
import type { Candidate } from '../core/routing/candidate';
import { ASSUMED_LOCAL_TOKENS_PER_SECOND, energyPer1kTokens } from '../core/pricing/energy';
import { expectedCacheHit } from '../core/routing/qualityScores';
import { buildCandidates, type LocalModel, type ProviderStatus } from '../core/routing/registry';
import { whyOnlyLocal } from '../core/routing/onlyLocal';
import { route, type Decision } from '../core/routing/router';
import type { ProviderSetting } from '../core/routingSettings';
import type { CostwiseSettings, Tier } from '../core/settings';
import type { TokenEstimator } from '../core/tokens/tokenEstimator';
import type { Endpoint } from '../runtime/endpoints';
import { isLoopback, type ApiKeys } from './apiKeys';

export { providerFor, type Endpoint } from '../runtime/endpoints';


export interface RoutingInput {
  /** See RouteRequest.unscoredLocalAsBasic. */
  unscoredLocalAsBasic?: boolean;
  settings: CostwiseSettings;
  catalog: PriceCatalog;
  now: Date;
  fold: MonthFold;
  estimator: TokenEstimator | undefined;
  promptText: string;
  task: string;
  tier: Tier;
  fileIsPrivate: boolean;
  untrustedApproved: boolean;
  /** Tokens at the start of the prompt that repeat across requests (the system message). */
  sharedPrefixTokens: number;
}

/** R1 distills served locally are scored by their size (FACTS.md §6). */
function distillKey(model: string): string | undefined {
  const m = /(\d+(?:\.\d+)?)b/i.exec(model);
  return m ? (/llama/i.test(model) ? `r1-distill-llama-${m[1]}b` : `r1-distill-qwen-${m[1]}b`) : undefined;
}

/** Every configured endpoint (enabled providers and the custom endpoint) with its key from SecretStorage. */
export async function configuredEndpoints(settings: CostwiseSettings, keys: ApiKeys): Promise<Map<string, Endpoint>> {
  const out = new Map<string, Endpoint>();
  for (const p of settings.routing.providers) {
    if (!p.enabled) continue;
    const kind = p.provider === 'anthropic' ? 'anthropic' : p.provider === 'gemini' ? 'gemini' : 'openai-compatible';
    out.set(p.provider, { id: p.provider, kind, baseUrl: p.baseUrl, apiKey: await keys.get(p.baseUrl) });
  }
  if (settings.endpoint.baseUrl && settings.endpoint.model) {
    const key = (await keys.get(settings.endpoint.baseUrl)) ?? (isLoopback(settings.endpoint.baseUrl) ? 'costwise-local' : undefined);
    out.set('endpoint', { id: 'endpoint', kind: 'openai-compatible', baseUrl: settings.endpoint.baseUrl, apiKey: key });
  }
  return out;
}

/**
 * The candidates: each enabled provider's catalog models (or, once known, its own model list for the
 * user's key: `listing`), and the custom endpoint's model — priced
 * from the catalog when its id is there (a local proxy to a paid API is still paid), local (priced by
 * energy, never money-gated) when unpriced on a loopback address.
 */
export function candidatesFor(
  settings: CostwiseSettings,
  catalog: PriceCatalog,
  now: Date,
  endpoints: Map<string, Endpoint>,
  health: (id: string) => { ok: boolean; latencyMs: number | undefined } | undefined = () => undefined,
  offered: LocalModel[] = [],
  listing: (provider: ProviderSetting['provider']) => { models: string[]; listedAt: string } | undefined = () => undefined,
): Candidate[] {
  const providers: ProviderStatus[] = [];
  const locals: LocalModel[] = offered.map((l) => {
    const h = health(l.endpoint);
    return h ? { ...l, reachable: h.ok } : l;
  });
  const state = (id: string) => {
    const h = health(id);
    return { reachable: h?.ok ?? true, ...(h?.latencyMs !== undefined ? { latencyMs: h.latencyMs } : {}) };
  };
  for (const p of settings.routing.providers) {
    const e = endpoints.get(p.provider);
    if (e) providers.push({ provider: p.provider, endpoint: p.provider, enabled: true, keyPresent: !!e.apiKey, ...state(p.provider), ...listing(p.provider) });
  }
  const custom = endpoints.get('endpoint');
  if (custom) {
    const model = settings.endpoint.model;
    const price = catalog.lookup(model, now);
    if (price) providers.push({ provider: price.provider, endpoint: 'endpoint', enabled: true, keyPresent: !!custom.apiKey, ...state('endpoint'), models: [model] });
    else if (isLoopback(custom.baseUrl)) {
      const q = distillKey(model);
      const costPer1kTokens = energyPer1kTokens(ASSUMED_LOCAL_TOKENS_PER_SECOND, settings.energy);
      locals.push({ model, endpoint: 'endpoint', contextWindow: 32_768, maxOutput: 8_192, costPer1kTokens, ...state('endpoint'), ...(q ? { qualityKey: q } : {}) });
    } else providers.push({ provider: 'custom', endpoint: 'endpoint', enabled: true, keyPresent: !!custom.apiKey, ...state('endpoint'), models: [model] });
  }
  return buildCandidates(catalog, now, providers, locals, settings.routing.quality, 'explain');
}

/**
 * When no model of the tier may or can answer because nothing remote can (no key, local-only mode, a
 * local-only file), the decision again at the basic tier with the user's own local model, scored or not:
 * a local answer beats no answer, below the tier asked for — the caller says so. Undefined otherwise.
 */
export function localFallback(candidates: Candidate[], i: RoutingInput, d: Decision): { why: NonNullable<ReturnType<typeof whyOnlyLocal>>; decision: Decision } | undefined {
  const why = d.chosen || i.tier === 'basic' ? undefined : whyOnlyLocal(d);
  return why && { why, decision: decide(candidates, { ...i, tier: 'basic', untrustedApproved: true, unscoredLocalAsBasic: true }) };
}

export function decide(candidates: Candidate[], i: RoutingInput): Decision {
  const { settings } = i;
  const today = localDayKey(i.now);
  return route(candidates, {
    task: i.task,
    at: i.now,
    tier: i.tier,
    thresholds: settings.routing.thresholds,
    promptTokens: (c) => i.estimator?.prompt(i.promptText, c.model, c.provider).calibrated ?? Math.ceil(i.promptText.length / 3),
    expectedOutput: (c) => i.estimator?.output.expected(i.task, c.model, c.reasoning, c.maxOutput, c.effort) ?? (c.reasoning ? 2100 : 600),
    maxOutputTokens: settings.maxOutputTokens,
    // The explain prompt shares only its short system message between requests: below every provider's
    // automatic-cache minimum except DeepSeek's 64-token units, so the discount is usually 0.
    cachedPromptTokens: (c) => expectedCacheHit(c.provider, i.sharedPrefixTokens),
    privacy: { localOnly: settings.routing.localOnly, fileIsPrivate: i.fileIsPrivate, untrusted: !vscode.workspace.isTrusted, untrustedApproved: i.untrustedApproved },
    allow: settings.routing.allow,
    deny: settings.routing.deny,
    pinned: settings.routing.pinned,
    // Only "downgrade" steers routing by budget; under "ask" and "warn" the cheapest model of the tier is
    // chosen and the reservation decides (asking, or warning) — the user sees the limit, not "no model".
    budget: (c, worst) => {
      if (settings.budget.policy.onLimit !== 'downgrade') return undefined;
      const v = evaluateBudget(settings.budget.policy, c, worst, (scope) => i.fold.spent(scope), today);
      return v.admitted ? undefined : v.reason;
    },
    onLimit: settings.budget.policy.onLimit,
    ...(i.unscoredLocalAsBasic ? { unscoredLocalAsBasic: true } : {}),
  });
}


/** Whether the file matches one of the local-only globs. */
export function isPrivateFile(doc: vscode.TextDocument, globs: string[]): boolean {
  return globs.some((pattern) => vscode.languages.match({ pattern }, doc) > 0);
}

