import * as vscode from 'vscode';
import type { ChatEvent, ChatMessage, ToolSpec } from '../../core/chat/chatProvider';
import { acceptsImages, supportsTools } from '../../core/chat/chatModels';
import { ConversationBook, chatPosition, type ChatPosition } from '../../core/chat/conversations';
import { requestText } from '../../core/chat/requestText';
import type { Clock } from '../../core/clock';
import { BudgetRefusal, type SpendLedger } from '../../core/ledger/spendLedger';
import { formatUsd } from '../../core/money';
import { costOf } from '../../core/pricing/cost';
import { energyCost } from '../../core/pricing/energy';
import type { PriceCatalog } from '../../core/pricing/priceCatalog';
import { priceDataAge } from '../../core/routing/timeOfDay';
import { localPrice } from '../../core/requests/localPrice';
import { runRequest, type RunResult } from '../../core/requests/runRequest';
import type { Candidate } from '../../core/routing/candidate';
import type { Decision, Scored } from '../../core/routing/router';
import type { CostwiseSettings, Tier } from '../../core/settings';
import type { LazyTokenEstimator } from '../../node/lazyTokenEstimator';
import type { ApiKeys } from '../apiKeys';
import type { DecisionPanels } from '../decisionPanel';
import { listTargets, type ModelListService } from '../modelListService';
import type { PriceService } from '../priceService';
import { EndpointHealth, healthKey } from '../endpointHealth';
import type { LocalModels } from '../localModels';
import { candidatesFor, configuredEndpoints, decide, providerFor, type Endpoint } from '../routingContext';
import type { SettingsGateway } from '../settingsGateway';

/** At most this many models are tried for one chat request (the chosen one and its fallbacks). */
const MAX_ATTEMPTS = 3;

/** A request Costwise will not send, with a message to show in the chat. Nothing was sent or spent. */
export class ChatRefusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChatRefusal';
  }
}

export interface ChatAsk {
  /** Auto at this tier, or … */
  tier?: Tier;
  /** … this concrete model (every rule but the tier still applies). */
  model?: string;
  messages: ChatMessage[];
  tools?: ToolSpec[];
  toolMode?: 'auto' | 'required';
  /** `chat`, `agent` (tools were passed), or `explain` (the participant's /explain). */
  task: string;
  /** The request carries a file that only local models may see (costwise.privacy.localOnlyFiles). */
  fileIsPrivate?: boolean;
  signal: AbortSignal;
  onEvent(e: ChatEvent): void;
}

export interface ChatAnswer {
  result: RunResult;
  decision: Decision;
  model: string;
  position: ChatPosition;
}

/**
 * Every chat request takes the same path as Explain Selection: route (cheapest model of the tier that can
 * take it), reserve the worst case, stream, settle, record — plus what only chat needs: Auto keeps a
 * conversation on one model, and an agent run stops at `costwise.budget.perRunUsd`.
 */
export class ChatService {
  readonly book = new ConversationBook();
  lastDecision: { decision: Decision; at: Date } | undefined;

  constructor(
    private readonly settings: SettingsGateway,
    private readonly keys: ApiKeys,
    private readonly ledger: SpendLedger,
    private readonly clock: Clock,
    private readonly estimator: LazyTokenEstimator,
    private readonly decisions: DecisionPanels,
    private readonly local: LocalModels,
    private readonly prices: PriceService,
    private readonly modelLists: ModelListService,
    private readonly health = new EndpointHealth(),
  ) {}

  /** The models routing could use now, with their endpoints (for the model picker and for requests). */
  async pool(): Promise<{ settings: CostwiseSettings; candidates: Candidate[]; endpoints: Map<string, Endpoint>; catalog: PriceCatalog; now: Date; priceData: ReturnType<typeof priceDataAge> }> {
    const { settings } = this.settings.current();
    const now = this.clock.now();
    const book = await this.prices.get();
    const { catalog } = book;
    const endpoints = await configuredEndpoints(settings, this.keys);
    const offer = await this.local.offer(settings);
    for (const e of offer.endpoints) endpoints.set(e.id, e);
    await this.health.refreshLocal(endpoints.values());
    // The same model lists Explain Selection routes on (read in the background, never in local-only mode).
    const targets = listTargets(settings, endpoints);
    if (!settings.routing.localOnly) this.modelLists.refreshInBackground(targets);
    const candidates = candidatesFor(settings, catalog, now, endpoints, (id) => {
      const e = endpoints.get(id);
      return e ? this.health.get(healthKey(e)) : undefined;
    }, offer.models, (p) => {
      const t = targets.find((x) => x.provider === p);
      return t && this.modelLists.listing(t);
    });
    return { settings, candidates, endpoints, catalog, now, priceData: priceDataAge(book.upstream, now.getTime(), book.curatedUpdated) };
  }

  async ask(a: ChatAsk): Promise<ChatAnswer> {
    const { settings: base, candidates: all, endpoints, catalog, now, priceData } = await this.pool();
    const position = chatPosition(a.messages);
    const agent = !!a.tools?.length;
    // A model that cannot call tools is no choice for a request that passes tools.
    const candidates = agent ? all.filter(supportsTools) : all;
    const settings = a.model ? { ...base, routing: { ...base.routing, pinned: a.model } } : base;
    const tier = a.tier ?? base.defaultTier;
    const estimator = await this.estimator.get();
    const promptText = requestText({ messages: a.messages, tools: a.tools ?? [] });
    // The history before the newest typed turn repeats the previous request: a provider's prompt cache has it.
    const sharedPrefixTokens = Math.ceil(position.historyChars / 4);
    let decision = decide(candidates, { settings, catalog, now, fold: await this.ledger.fold(), estimator, promptText, task: a.task, tier, fileIsPrivate: a.fileIsPrivate ?? false, untrustedApproved: true, sharedPrefixTokens });
    if (a.model && agent && !all.some((c) => c.model === a.model && supportsTools(c))) throw new ChatRefusal(`Costwise: ${a.model} cannot call tools, so it cannot answer in Agent mode. Pick a model whose tooltip says "tools", or Costwise Auto.`);
    // Auto keeps a conversation on the model that answered it (its prompt cache keeps paying off) while that model still qualifies.
    const held = !a.model ? this.book.stickyModel(position.conversation) : undefined;
    const heldAt = held ? decision.ranked.findIndex((s) => s.candidate.model === held) : -1;
    if (heldAt > 0) decision = { ...decision, chosen: decision.ranked[heldAt], ranked: [decision.ranked[heldAt]!, ...decision.ranked.filter((_, i) => i !== heldAt)], summary: `${held} because this conversation started on it (switching would lose its prompt cache). ${decision.summary}` };
    decision = { ...decision, priceData };
    this.lastDecision = { decision, at: now };
    this.decisions.update(decision);
    if (!decision.chosen) throw new ChatRefusal(`Costwise: ${decision.summary}${agent ? ' Only models that can call tools take Agent-mode requests.' : ''}`);
    if (!vscode.workspace.isTrusted && !decision.chosen.candidate.local) {
      const go = await vscode.window.showWarningMessage(`This workspace is not trusted. Send this chat request (${promptText.length.toLocaleString('en-US')} characters) to ${decision.chosen.candidate.model} (${decision.chosen.candidate.endpoint})?`, { modal: true }, 'Send Once');
      if (go !== 'Send Once') throw new ChatRefusal('Costwise did not send the request: the workspace is not trusted and sending was declined.');
    }

    let last: ChatAnswer | undefined;
    for (const [i, s] of decision.ranked.slice(0, MAX_ATTEMPTS).entries()) {
      if (agent) this.checkRun(position, s, settings);
      const endpoint = endpoints.get(s.candidate.endpoint)!;
      const result = await this.send(s, endpoint, a, settings, decision, tier);
      if (result.record) this.book.record(position, result.record.model, result.record.cost);
      if (!a.model) this.book.hold(position.conversation, s.candidate.model);
      void this.estimator.learn(result.record);
      const down = result.error && (result.error.kind === 'network' || result.error.kind === 'timeout') && !result.error.billable;
      this.health.report(healthKey(endpoint), !down);
      last = { result, decision, model: s.candidate.model, position };
      const failedBeforeAnswer = result.error && result.error.kind !== 'cancelled' && !result.text && !result.reasoning && !result.toolCalls.length;
      if (!failedBeforeAnswer || i + 1 >= Math.min(MAX_ATTEMPTS, decision.ranked.length) || a.signal.aborted) break;
    }
    return last!;
  }

  /** Stops an agent run whose spend plus this request's worst case would pass the per-run cap. */
  private checkRun(position: ChatPosition, s: Scored, settings: CostwiseSettings): void {
    if (s.candidate.local) return;
    const stop = this.book.checkRun(position.run, s.worstCase, settings.budget.perRun);
    if (!stop) return;
    throw new ChatRefusal(
      `Costwise stopped this agent run: it has spent ${formatUsd(stop.spent)} in ${stop.requests} request${stop.requests === 1 ? '' : 's'}, and the next one (${s.candidate.model}) could cost up to ${formatUsd(stop.worstCase)}, past the run's cap of ${formatUsd(stop.cap)} (costwise.budget.perRunUsd). Send a new message to start a new run, or raise the cap.`,
    );
  }

  private async send(s: Scored, endpoint: Endpoint, a: ChatAsk, settings: CostwiseSettings, d: Decision, tier: Tier): Promise<RunResult> {
    const cf = d.counterfactual?.candidate;
    const messages = a.messages.map((m) => (m.images?.length && !acceptsImages(s.candidate) ? { ...m, images: [], content: `${m.content}\n[an image was attached; this model does not take images]` } : m));
    try {
      return await runRequest(
        { ledger: this.ledger, clock: this.clock },
        {
          provider: providerFor(endpoint, () => this.local.runtime(settings)),
          price: s.candidate.price ?? (s.candidate.local ? localPrice(s.candidate) : undefined),
          request: { model: s.candidate.model, messages, maxOutputTokens: Math.min(settings.maxOutputTokens, s.candidate.maxOutput), ...(a.tools?.length ? { tools: a.tools, toolMode: a.toolMode ?? 'auto' } : {}) },
          promptEstimate: { raw: s.promptTokens, calibrated: s.promptTokens },
          task: a.task,
          tier,
          ...(vscode.workspace.name ? { workspace: vscode.workspace.name } : {}),
          budget: settings.budget.policy,
          ...(s.candidate.local ? { costFor: (_u: unknown, ms: number) => energyCost(ms / 1000, settings.energy) } : {}),
          counterfactual: (usage, at) => {
            if (!cf?.price || cf.model === s.candidate.model) return undefined;
            try {
              return { model: cf.model, cost: costOf(usage, cf.price, at) };
            } catch {
              return undefined;
            }
          },
          signal: a.signal,
          onEvent: a.onEvent,
        },
      );
    } catch (e) {
      // Chat cannot show a dialog mid-answer: past a limit it refuses, saying which limit and where to change it.
      if (e instanceof BudgetRefusal) throw new ChatRefusal(`${e.message} Raise the limit in Settings (costwise.budget) or wait for the next period.`);
      throw e;
    }
  }
}
