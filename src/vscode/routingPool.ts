import * as vscode from 'vscode';
import type { Clock } from '../core/clock';
import type { ChatMessage, ToolSpec } from '../core/chat/chatProvider';
import type { ChatEvent } from '../core/chat/chatProvider';
import { costOf } from '../core/pricing/cost';
import { energyCost } from '../core/pricing/energy';
import type { PriceCatalog } from '../core/pricing/priceCatalog';
import { localPrice } from '../core/requests/localPrice';
import type { RunRequestInput } from '../core/requests/runRequest';
import type { Candidate } from '../core/routing/candidate';
import type { Decision, Scored } from '../core/routing/router';
import { priceDataAge, type PriceDataAge } from '../core/routing/timeOfDay';
import type { CostwiseSettings, Tier } from '../core/settings';
import type { ApiKeys } from './apiKeys';
import { EndpointHealth, healthKey } from './endpointHealth';
import type { LocalModels } from './localModels';
import { listTargets, type ModelListService } from './modelListService';
import type { PriceService } from './priceService';
import { candidatesFor, configuredEndpoints, providerFor, type Endpoint } from './routingContext';
import type { SettingsGateway } from './settingsGateway';

/** What one request routes on: the settings, the prices and the models usable now, with their endpoints. */
export interface RoutingPool {
  settings: CostwiseSettings;
  catalog: PriceCatalog;
  now: Date;
  priceData: PriceDataAge;
  candidates: Candidate[];
  endpoints: Map<string, Endpoint>;
}

/**
 * Gathers the models a request may route to — each enabled provider's priced models (narrowed by its
 * model list for the user's key once known), the custom endpoint, the local models on offer — and keeps
 * each endpoint's health. Explain Selection and chat route through the same pool.
 */
export class RoutingPools {
  constructor(
    private readonly settings: SettingsGateway,
    private readonly keys: ApiKeys,
    private readonly prices: PriceService,
    private readonly local: LocalModels,
    private readonly modelLists: ModelListService,
    private readonly clock: Clock,
    readonly health = new EndpointHealth(),
  ) {}

  async gather(): Promise<RoutingPool> {
    const { settings } = this.settings.current();
    const now = this.clock.now();
    const book = await this.prices.get();
    const endpoints = await configuredEndpoints(settings, this.keys);
    const offer = await this.local.offer(settings);
    for (const e of offer.endpoints) endpoints.set(e.id, e);
    await this.health.refreshLocal(endpoints.values());
    // The providers' model lists: read in the background when due (never in local-only mode); this
    // request routes on what is known now.
    const targets = listTargets(settings, endpoints);
    if (!settings.routing.localOnly) this.modelLists.refreshInBackground(targets);
    const candidates = candidatesFor(settings, book.catalog, now, endpoints, (id) => {
      const e = endpoints.get(id);
      return e ? this.health.get(healthKey(e)) : undefined;
    }, offer.models, (p) => {
      const t = targets.find((x) => x.provider === p);
      return t && this.modelLists.listing(t);
    });
    return { settings, catalog: book.catalog, now, priceData: priceDataAge(book.upstream, now.getTime(), book.curatedUpdated), candidates, endpoints };
  }

  /** Records how a request to `endpoint` went: unreachable (not billed) marks it down for a while. */
  report(endpoint: Endpoint, result: { error?: { kind: string; billable?: boolean } | undefined }): void {
    const down = !!result.error && (result.error.kind === 'network' || result.error.kind === 'timeout') && !result.error.billable;
    this.health.report(healthKey(endpoint), !down);
  }
}

export interface RequestPlan {
  settings: CostwiseSettings;
  local: LocalModels;
  decision: Decision;
  tier: Tier;
  task: string;
  messages: ChatMessage[];
  tools?: ToolSpec[];
  toolMode?: 'auto' | 'required';
  /** The explained file's name (no folders). */
  file?: string;
  conversation?: string;
  signal: AbortSignal;
  onEvent(e: ChatEvent): void;
}

/** The one way a routed choice becomes a request: its provider, price, effort, output cap, budget and counterfactual. */
export function requestInputFor(s: Scored, endpoint: Endpoint, p: RequestPlan): RunRequestInput {
  const { settings } = p;
  const cf = p.decision.counterfactual?.candidate;
  return {
    provider: providerFor(endpoint, () => p.local.runtime(settings)),
    price: s.candidate.price ?? (s.candidate.local ? localPrice(s.candidate) : undefined),
    request: {
      model: s.candidate.model,
      messages: p.messages,
      maxOutputTokens: Math.min(settings.maxOutputTokens, s.candidate.maxOutput),
      ...(s.candidate.effort ? { reasoningEffort: s.candidate.effort } : {}),
      ...(p.tools?.length ? { tools: p.tools, toolMode: p.toolMode ?? 'auto' } : {}),
    },
    promptEstimate: { raw: s.promptTokens, calibrated: s.promptTokens },
    task: p.task,
    tier: p.tier,
    ...(vscode.workspace.name ? { workspace: vscode.workspace.name } : {}),
    ...(p.file ? { file: p.file } : {}),
    ...(p.conversation ? { conversation: p.conversation } : {}),
    budget: settings.budget.policy,
    ...(s.candidate.local ? { costFor: (_usage: unknown, ms: number) => energyCost(ms / 1000, settings.energy) } : {}),
    counterfactual: (usage, at) => {
      if (!cf?.price || cf.model === s.candidate.model) return undefined;
      try {
        return { model: cf.model, cost: costOf(usage, cf.price, at) };
      } catch {
        return undefined;
      }
    },
    signal: p.signal,
    onEvent: p.onEvent,
  };
}
