import { basename } from 'node:path';
import * as vscode from 'vscode';
import type { Clock } from '../core/clock';
import { isBudgetRefusal, type SpendLedger } from '../core/ledger/spendLedger';
import type { ChatEvent } from '../core/chat/chatProvider';
import { formatUsd } from '../core/money';
import { explainMessages, type ExplainInput } from '../core/requests/explainPrompt';
import { runRequest, type RunRequestInput, type RunResult } from '../core/requests/runRequest';
import type { Decision } from '../core/routing/router';
import { describePriceAge, describePriceWindow, priceDataAge, timeOfDayOf, type PriceDataAge } from '../core/routing/timeOfDay';
import { nextTier } from '../core/routing/tiers';
import type { Tier } from '../core/settings';
import type { LazyTokenEstimator } from '../node/lazyTokenEstimator';
import type { AnswerFooter, ExplainViewState } from '../shared/explainProtocol';
import { askAtLimit } from './budgetPrompts';
import type { DecisionPanels } from './decisionPanel';
import { ExplainPanel } from './explainPanel';
import type { LocalModels } from './localModels';
import { explainTarget, TargetError, type ExplainTarget } from './explainTarget';
import { decide, isPrivateFile, localFallback } from './routingContext';
import { requestInputFor, type RoutingPools } from './routingPool';
import type { SettingsGateway } from './settingsGateway';

/** At most this many models are tried for one request (the chosen one and its fallbacks). */
const MAX_ATTEMPTS = 3;

/** Runs Explain Selection: target -> route -> reserve -> stream into the panel -> settle (-> fallback). */
export class ExplainController implements vscode.Disposable {
  private panel: ExplainPanel | undefined;
  private running: AbortController | undefined;
  private last: { target: ExplainTarget & { document: vscode.TextDocument }; tier: Tier } | undefined;
  lastDecision: Decision | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly settings: SettingsGateway,
    private readonly ledger: SpendLedger,
    private readonly clock: Clock,
    private readonly estimator: LazyTokenEstimator,
    private readonly decisions: DecisionPanels,
    private readonly local: LocalModels,
    private readonly pools: RoutingPools,
  ) {}

  /** What the answer panel shows now (tests read the footer). */
  get answerView(): ExplainViewState | undefined {
    return this.panel?.view;
  }

  adoptRestoredPanel(panel: ExplainPanel): void {
    this.panel?.dispose();
    this.panel = panel;
  }

  makePanelMessageHandler() {
    return (m: { type: string }) => {
      if (m.type === 'whyThisModel') void vscode.commands.executeCommand('costwise.whyThisModel');
      if (m.type === 'escalate') void this.escalate();
    };
  }

  /** "Not good enough?": the same request one tier up; both costs stay on the record. */
  async escalate(): Promise<RunResult | undefined> {
    const up = this.last && nextTier(this.last.tier);
    if (!this.last || !up) return undefined;
    return this.run(this.last.target, up);
  }

  async explain(editor: vscode.TextEditor | undefined, tier?: Tier): Promise<RunResult | undefined> {
    if (!editor) {
      void vscode.window.showWarningMessage('Costwise: open a file and select code to explain.');
      return undefined;
    }
    let target: ExplainTarget;
    try {
      target = await explainTarget(editor);
    } catch (e) {
      if (e instanceof TargetError) {
        void vscode.window.showWarningMessage(`Costwise: ${e.message}`);
        return undefined;
      }
      throw e;
    }
    return this.run({ ...target, document: editor.document }, tier ?? this.settings.current().settings.defaultTier);
  }

  private async run(target: ExplainTarget & { document: vscode.TextDocument }, requestedTier: Tier): Promise<RunResult | undefined> {
    let tier = requestedTier;
    this.last = { target, tier: requestedTier };
    const { settings, catalog, now, priceData, candidates, endpoints } = await this.pools.gather();
    const messages = explainMessages(target as ExplainInput);
    const promptText = messages.map((m) => m.content).join('\n');
    const estimator = await this.estimator.get();
    const system = messages.find((m) => m.role === 'system')?.content ?? '';
    const sharedPrefixTokens = estimator?.count(system) ?? Math.ceil(system.length / 4);
    const input = {
      settings,
      catalog,
      now,
      fold: await this.ledger.fold(),
      estimator,
      promptText,
      task: 'explain',
      tier,
      fileIsPrivate: isPrivateFile(target.document, settings.routing.localOnlyFiles),
      untrustedApproved: false,
      sharedPrefixTokens,
    };
    let decision = decide(candidates, { ...input, untrustedApproved: true });
    if (!vscode.workspace.isTrusted && decision.chosen && !decision.chosen.candidate.local) {
      // Restricted Mode: code leaves the machine only after the user says so, for this request.
      const go = await vscode.window.showWarningMessage(
        `This workspace is not trusted. Send ${target.text.length.toLocaleString('en-US')} characters of ${target.fileName} to ${decision.chosen.candidate.model} (${decision.chosen.candidate.endpoint})?`,
        { modal: true },
        'Send Once',
      );
      // Declined: nothing is sent, and nothing else happens (the user said no).
      if (go !== 'Send Once') return undefined;
    }
    const fallback = localFallback(candidates, input, decision);
    if (fallback) {
      // Said, never silent.
      const { why } = fallback;
      decision = fallback.decision;
      if (decision.chosen) {
        tier = 'basic';
        const c = decision.chosen.candidate;
        const model = c.quality === undefined ? `${c.model} (no benchmark score)` : c.model;
        const text =
          why === 'key'
            ? `Costwise: no API key is set, so the local model ${model} answers (basic tier). Set an API key for the ${requestedTier} tier.`
            : `Costwise: ${why === 'local-only' ? 'local-only mode is on' : 'this file is local-only'}, so the local model ${model} answers (basic tier, below the ${requestedTier} tier asked for).`;
        void vscode.window.showInformationMessage(text, ...(why === 'key' ? ['Set API Key…'] : [])).then((pick) => {
          if (pick) void vscode.commands.executeCommand('costwise.setApiKey');
        });
      }
    }
    decision = { ...decision, priceData };
    this.lastDecision = decision;
    this.decisions.update(decision);
    if (!decision.chosen) {
      // Not awaited: the command ends now; the notification stays until the user acts on it.
      // Usable models that only fall short of the tier: offer the tier they do meet, never silently.
      const lower = tier !== 'basic' && decision.rejected.some((r) => r.filter === 'tier' && r.candidate.quality !== undefined) ? 'basic' : undefined;
      const actions = [...(lower ? [`Ask at the ${lower} tier`] : []), 'Why?', 'Open Settings'];
      void vscode.window.showErrorMessage(`Costwise: ${decision.summary}`, ...actions).then((pick) => {
        if (lower && pick === actions[0]) void this.run(target, lower);
        if (pick === 'Why?') void vscode.commands.executeCommand('costwise.whyThisModel');
        if (pick === 'Open Settings') void vscode.commands.executeCommand('workbench.action.openSettings', 'costwise');
      });
      return undefined;
    }

    this.running?.abort();
    const abort = new AbortController();
    this.running = abort;
    if (!this.panel || this.panel.isDisposed) this.panel = ExplainPanel.create(this.extensionUri, this.makePanelMessageHandler());
    const panel = this.panel;
    panel.onCancel = () => abort.abort();
    panel.reveal();
    try {
      for (const [i, s] of decision.ranked.slice(0, MAX_ATTEMPTS).entries()) {
        const endpoint = endpoints.get(s.candidate.endpoint)!;
        panel.post({ type: 'start', title: `${target.fileName} (${target.scope})`, model: s.candidate.model });
        const plan = {
          settings,
          local: this.local,
          decision,
          tier,
          task: 'explain',
          messages,
          file: basename(target.fileName),
          signal: abort.signal,
          // A newer request owns the panel once this one is superseded.
          onEvent: (e: ChatEvent) => {
            if (this.running === abort && (e.type === 'text' || e.type === 'reasoning')) panel.post({ type: e.type, text: e.text });
          },
        };
        const result = await this.send(requestInputFor(s, endpoint, plan), panel, abort, priceData);
        if (!result) return undefined;
        this.pools.report(endpoint, result);
        const failedBeforeAnswer = result.error && result.error.kind !== 'cancelled' && !result.text && !result.reasoning;
        const next = decision.ranked[i + 1];
        if (!failedBeforeAnswer || !next || i + 1 >= MAX_ATTEMPTS || abort.signal.aborted) return result;
        void vscode.window.showWarningMessage(`Costwise: ${s.candidate.model} failed (${result.error!.message}); trying ${next.candidate.model}, the next cheapest in the ${tier} tier.`);
      }
      return undefined;
    } finally {
      if (this.running === abort) this.running = undefined;
    }
  }

  private async send(input: RunRequestInput, panel: ExplainPanel, abort: AbortController, priceData: PriceDataAge): Promise<RunResult | undefined> {
    const mine = () => this.running === abort;
    try {
      const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `$(sync~spin) Costwise: ${input.request.model}` }, () =>
        runRequest({ ledger: this.ledger, clock: this.clock }, input),
      );
      void this.estimator.learn(result.record);
      if (mine()) {
        if (result.error) panel.post({ type: 'error', message: result.error.message });
        else panel.post({ type: 'done', footer: footer(result, input, priceData) });
      }
      return result;
    } catch (e) {
      if (isBudgetRefusal(e) && input.budget.onLimit === 'ask' && !input.approvedOverLimit) {
        const choice = await askAtLimit(e, this.settings);
        if (choice === 'once') return this.send({ ...input, approvedOverLimit: true }, panel, abort, priceData);
        if (choice === 'raised') return this.send(input, panel, abort, priceData);
      }
      const message = isBudgetRefusal(e) ? e.message : `Costwise failed: ${(e as Error).message}`;
      if (mine()) panel.post({ type: 'error', message });
      void vscode.window.showErrorMessage(message, ...(isBudgetRefusal(e) ? ['Open Settings'] : [])).then((pick) => {
        if (pick === 'Open Settings') void vscode.commands.executeCommand('workbench.action.openSettings', 'costwise.budget');
      });
      return undefined;
    }
  }

  dispose(): void {
    this.running?.abort();
    this.panel?.dispose();
  }
}

function footer(r: RunResult, input: RunRequestInput, priceData: PriceDataAge): AnswerFooter | undefined {
  if (!r.record) return undefined;
  const tier = input.tier ?? '';
  // The window the settled usage was priced in, at the request's instant (not when the answer ended).
  const window = input.price && r.resolved ? timeOfDayOf(input.price, r.resolved) : undefined;
  const u = r.record.usage;
  const cf = r.record.counterfactual;
  // The age of the price actually used: a curated entry is as old as its verification, an upstream one as its data.
  const used = input.price?.verified ? priceDataAge({ source: 'curated', date: input.price.verified }, r.at.getTime()) : priceData;
  return {
    model: r.record.model,
    tier,
    inputTokens: u.inputTokens + u.cachedReadTokens + u.cacheWrite5mTokens + u.cacheWrite1hTokens,
    outputTokens: u.outputTokens,
    reasoningTokens: u.reasoningTokens,
    cost: formatUsd(r.record.cost),
    estimated: u.source === 'estimated',
    ...(cf && cf.cost > r.record.cost ? { saved: `${formatUsd(cf.cost - r.record.cost)} vs ${cf.model}` } : {}),
    ...(window ? { priceWindow: describePriceWindow(window, r.at.getTime()) } : {}),
    ...(used.stale && !input.costFor ? { stalePrices: describePriceAge(used) } : {}),
  };
}
