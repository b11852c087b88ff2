import * as vscode from 'vscode';
import { BudgetRefusal, type SpendLedger } from '../core/ledger/spendLedger';
import type { Clock } from '../core/clock';
import { formatUsd } from '../core/money';
import { BUILTIN_PRICES } from '../core/pricing/catalog';
import { PriceCatalog } from '../core/pricing/priceCatalog';
import type { PriceEntry } from '../core/pricing/priceEntry';
import { explainMessages } from '../core/requests/explainPrompt';
import { runRequest, UnpricedModelError, type RunRequestInput, type RunResult } from '../core/requests/runRequest';
import { askAtLimit, warnAboutBudget } from './budgetPrompts';
import type { AnswerFooter } from '../shared/explainProtocol';
import type { LazyTokenEstimator } from '../node/lazyTokenEstimator';
import { OpenAICompatibleProvider } from '../providers/openAICompatible';
import { ApiKeys, isLoopback } from './apiKeys';
import { ExplainPanel } from './explainPanel';
import { explainTarget, TargetError } from './explainTarget';
import type { SettingsGateway } from './settingsGateway';

/** What "Why This Model?" explains about the last request. */
export interface LastDecision {
  model: string;
  endpointOrigin: string;
  tier: string;
  price: PriceEntry | undefined;
  reasons: string[];
  at: Date;
}

/** Runs Explain Selection: target -> checks -> reserve -> stream into the panel -> settle. */
export class ExplainController implements vscode.Disposable {
  private panel: ExplainPanel | undefined;
  private running: AbortController | undefined;
  lastDecision: LastDecision | undefined;
  /** The last finished request, for tests and the footer. */
  lastResult: RunResult | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly settings: SettingsGateway,
    private readonly keys: ApiKeys,
    private readonly ledger: SpendLedger,
    private readonly clock: Clock,
    private readonly estimator: LazyTokenEstimator,
  ) {}

  adoptRestoredPanel(panel: ExplainPanel): void {
    this.panel?.dispose();
    this.panel = panel;
  }

  makePanelMessageHandler() {
    return (m: { type: string }) => {
      if (m.type === 'whyThisModel') void vscode.commands.executeCommand('costwise.whyThisModel');
    };
  }

  async explain(editor: vscode.TextEditor | undefined): Promise<RunResult | undefined> {
    if (!editor) {
      void vscode.window.showWarningMessage('Costwise: open a file and select code to explain.');
      return undefined;
    }
    const { settings, problems } = this.settings.current();
    const endpointProblem = problems.find((p) => p.setting.startsWith('costwise.endpoint'));
    if (endpointProblem) {
      void this.showError(`Costwise: the setting "${endpointProblem.setting}" ${endpointProblem.message}`, 'Open Settings');
      return undefined;
    }
    let target;
    try {
      target = await explainTarget(editor);
    } catch (e) {
      if (e instanceof TargetError) {
        void vscode.window.showWarningMessage(`Costwise: ${e.message}`);
        return undefined;
      }
      throw e;
    }
    const { baseUrl, model } = settings.endpoint;
    const local = isLoopback(baseUrl);
    if (!local && !vscode.workspace.isTrusted) {
      const go = await vscode.window.showWarningMessage(
        `This workspace is not trusted. Send ${target.text.length.toLocaleString('en-US')} characters of ${target.fileName} to ${ApiKeys.originOf(baseUrl)}?`,
        { modal: true },
        'Send Once',
      );
      if (go !== 'Send Once') return undefined;
    }
    const apiKey = (await this.keys.get(baseUrl)) ?? (local ? 'costwise-local' : undefined);
    if (!apiKey) {
      void this.showError(`Costwise: no API key is stored for ${ApiKeys.originOf(baseUrl)}.`, 'Set API Key…');
      return undefined;
    }

    const catalog = new PriceCatalog(BUILTIN_PRICES, settings.priceOverrides);
    const price = catalog.lookup(model, this.clock.now());
    this.lastDecision = {
      model,
      endpointOrigin: ApiKeys.originOf(baseUrl),
      tier: settings.defaultTier,
      price,
      reasons: [`The endpoint in "costwise.endpoint.baseUrl" is the only one configured; it runs "${model}".`],
      at: this.clock.now(),
    };

    this.running?.abort();
    const abort = new AbortController();
    this.running = abort;
    if (!this.panel || this.panel.isDisposed) this.panel = ExplainPanel.create(this.extensionUri, this.makePanelMessageHandler());
    const panel = this.panel;
    panel.onCancel = () => abort.abort();
    panel.reveal();
    panel.post({ type: 'start', title: `${target.fileName} (${target.scope})`, model });

    const provider = new OpenAICompatibleProvider({ id: 'endpoint', baseUrl, apiKey, prefilledThink: false });
    const messages = explainMessages(target);
    const promptEstimate = price ? (await this.estimator.get())?.prompt(messages.map((m) => m.content).join('\n'), model, price.provider) : undefined;
    const input: RunRequestInput = {
      provider,
      price,
      request: { model, messages, maxOutputTokens: settings.maxOutputTokens },
      ...(promptEstimate ? { promptEstimate } : {}),
      task: 'explain',
      ...(vscode.workspace.name ? { workspace: vscode.workspace.name } : {}),
      budget: settings.budget.policy,
      tier: settings.defaultTier,
      signal: abort.signal,
      onEvent: (e) => {
        // A newer request owns the panel once this one is superseded.
        if (this.running === abort && (e.type === 'text' || e.type === 'reasoning')) panel.post({ type: e.type, text: e.text });
      },
    };
    try {
      return await this.send(input, panel, abort);
    } finally {
      if (this.running === abort) this.running = undefined;
    }
  }

  private async send(input: RunRequestInput, panel: ExplainPanel, abort: AbortController): Promise<RunResult | undefined> {
    const mine = () => this.running === abort;
    try {
      const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `$(sync~spin) Costwise: ${input.request.model}` }, () =>
        runRequest({ ledger: this.ledger, clock: this.clock }, input),
      );
      this.lastResult = result;
      void this.estimator.learn(result.record);
      if (mine()) {
        if (result.error) panel.post({ type: 'error', message: result.error.message });
        else panel.post({ type: 'done', footer: this.footer(result, input.tier ?? '') });
      }
      if (result.verdict?.warnings.length || result.verdict?.exceeded.length) void warnAboutBudget(result.verdict);
      return result;
    } catch (e) {
      if (e instanceof BudgetRefusal && input.budget.onLimit === 'ask' && !input.approvedOverLimit) {
        const choice = await askAtLimit(e, this.settings);
        if (choice === 'once') return this.send({ ...input, approvedOverLimit: true }, panel, abort);
        if (choice === 'raised') return this.send(input, panel, abort);
      }
      const message = e instanceof BudgetRefusal || e instanceof UnpricedModelError ? e.message : `Costwise failed: ${(e as Error).message}`;
      if (mine()) panel.post({ type: 'error', message });
      void this.showError(message, e instanceof UnpricedModelError || e instanceof BudgetRefusal ? 'Open Settings' : undefined);
      return undefined;
    }
  }

  private footer(r: RunResult, tier: string): AnswerFooter | undefined {
    if (!r.record) return undefined;
    const u = r.record.usage;
    return {
      model: r.record.model,
      tier,
      inputTokens: u.inputTokens + u.cachedReadTokens + u.cacheWrite5mTokens + u.cacheWrite1hTokens,
      outputTokens: u.outputTokens,
      reasoningTokens: u.reasoningTokens,
      cost: formatUsd(r.record.cost),
      estimated: u.source === 'estimated',
    };
  }

  private async showError(message: string, action: 'Open Settings' | 'Set API Key…' | undefined): Promise<void> {
    const pick = action ? await vscode.window.showErrorMessage(message, action) : await vscode.window.showErrorMessage(message);
    if (pick === 'Open Settings') await vscode.commands.executeCommand('workbench.action.openSettings', 'costwise');
    if (pick === 'Set API Key…') await vscode.commands.executeCommand('costwise.setApiKey');
  }

  dispose(): void {
    this.running?.abort();
    this.panel?.dispose();
  }
}
