import * as vscode from 'vscode';
import type { ChatEvent, ChatMessage, ToolSpec } from '../../core/chat/chatProvider';
import { acceptsImages, supportsTools } from '../../core/chat/chatModels';
import { ConversationBook, chatPosition, type ChatPosition } from '../../core/chat/conversations';
import { requestText } from '../../core/chat/requestText';
import type { Clock } from '../../core/clock';
import { isBudgetRefusal, type SpendLedger } from '../../core/ledger/spendLedger';
import { formatUsd } from '../../core/money';
import { runRequest, type RunResult } from '../../core/requests/runRequest';
import type { Decision, Scored } from '../../core/routing/router';
import type { CostwiseSettings, Tier } from '../../core/settings';
import type { LazyTokenEstimator } from '../../node/lazyTokenEstimator';
import type { DecisionPanels } from '../decisionPanel';
import type { LocalModels } from '../localModels';
import { decide, localFallback, type Endpoint } from '../routingContext';
import { requestInputFor, type RoutingPool, type RoutingPools } from '../routingPool';

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
  /**
   * When nothing remote may or can answer (no key, local-only mode, a local-only file), a local model
   * answers at the basic tier, as Explain Selection does (the participant's /explain). Said in the answer.
   */
  localFallback?: boolean;
  signal: AbortSignal;
  onEvent(e: ChatEvent): void;
}

export interface ChatAnswer {
  result: RunResult;
  decision: Decision;
  model: string;
  position: ChatPosition;
  /** The tier the answer was routed at (basic after a local fallback). */
  tier: Tier;
  /** Why a local model answered below the tier asked for (see ChatAsk.localFallback). */
  localFallback?: 'key' | 'local-only' | 'private file';
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
    private readonly ledger: SpendLedger,
    private readonly clock: Clock,
    private readonly estimator: LazyTokenEstimator,
    private readonly decisions: DecisionPanels,
    private readonly local: LocalModels,
    private readonly pools: RoutingPools,
  ) {}

  /** The models routing could use now, with their endpoints (for the model picker and for requests). */
  pool(): Promise<RoutingPool> {
    return this.pools.gather();
  }

  async ask(a: ChatAsk): Promise<ChatAnswer> {
    const { settings: base, candidates: all, endpoints, catalog, now, priceData } = await this.pool();
    const position = chatPosition(a.messages);
    const agent = !!a.tools?.length;
    // A model that cannot call tools is no choice for a request that passes tools.
    const candidates = agent ? all.filter(supportsTools) : all;
    const settings = a.model ? { ...base, routing: { ...base.routing, pinned: a.model } } : base;
    let tier = a.tier ?? base.defaultTier;
    const estimator = await this.estimator.get();
    const promptText = requestText({ messages: a.messages, tools: a.tools ?? [] });
    // The history before the newest typed turn repeats the previous request: a provider's prompt cache has it.
    const sharedPrefixTokens = Math.ceil(position.historyChars / 4);
    const routing = { settings, catalog, now, fold: await this.ledger.fold(), estimator, promptText, task: a.task, tier, fileIsPrivate: a.fileIsPrivate ?? false, untrustedApproved: true, sharedPrefixTokens };
    let decision = decide(candidates, routing);
    const fallback = a.localFallback ? localFallback(candidates, routing, decision) : undefined;
    const fellBack = fallback?.decision.chosen ? fallback.why : undefined;
    if (fellBack) (decision = fallback!.decision), (tier = 'basic');
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
      const result = await this.send(s, endpoint, a, settings, decision, tier, position.conversation);
      if (result.record) this.book.record(position, result.record.model, result.record.cost);
      if (!a.model) this.book.hold(position.conversation, s.candidate.model);
      void this.estimator.learn(result.record);
      this.pools.report(endpoint, result);
      last = { result, decision, model: s.candidate.model, position, tier, ...(fellBack ? { localFallback: fellBack } : {}) };
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

  private async send(s: Scored, endpoint: Endpoint, a: ChatAsk, settings: CostwiseSettings, decision: Decision, tier: Tier, conversation: string): Promise<RunResult> {
    const messages = a.messages.map((m) => (m.images?.length && !acceptsImages(s.candidate) ? { ...m, images: [], content: `${m.content}\n[an image was attached; this model does not take images]` } : m));
    const plan = { settings, local: this.local, decision, tier, task: a.task, messages, conversation, signal: a.signal, onEvent: a.onEvent };
    try {
      return await runRequest({ ledger: this.ledger, clock: this.clock }, requestInputFor(s, endpoint, { ...plan, ...(a.tools ? { tools: a.tools } : {}), ...(a.toolMode ? { toolMode: a.toolMode } : {}) }));
    } catch (e) {
      // Chat cannot show a dialog mid-answer: past a limit it refuses, saying which limit and where to change it.
      if (isBudgetRefusal(e)) throw new ChatRefusal(`${e.message} Raise the limit in Settings (costwise.budget) or wait for the next period.`);
      throw e;
    }
  }
}
