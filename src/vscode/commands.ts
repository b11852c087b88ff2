import type { PriceService } from './priceService';
import type { PriceUpdater } from './priceUpdater';
import * as vscode from 'vscode';
import type { SpendLedger } from '../core/ledger/spendLedger';
import { TIERS, type Tier } from '../core/settings';
import { ApiKeys } from './apiKeys';
import type { EngineCommand } from './contributions';
import type { DecisionPanel, DecisionPanels } from './decisionPanel';
import { ReportPanel } from './reportPanel';
import type { ExplainController } from './explainController';
import { downloadLocalModel, showLocalModels } from './localModelCommands';
import type { GpuBuilds } from './gpuBuilds';
import type { LocalModels } from './localModels';
import type { MarkdownDocument } from './markdownDocument';
import type { ModelListService } from './modelListService';
import { showModels } from './modelsCommand';
import type { SettingsGateway } from './settingsGateway';

export interface CommandDeps {
  settings: SettingsGateway;
  keys: ApiKeys;
  ledger: SpendLedger;
  explain: ExplainController;
  decisions: DecisionPanels;
  extensionUri: vscode.Uri;
  /** The local ledger's folder; undefined on a team ledger. */
  ledgerDir: string | undefined;
  local: LocalModels;
  gpuBuilds: GpuBuilds;
  localView: MarkdownDocument;
  prices: PriceService;
  updater: PriceUpdater;
  modelLists: ModelListService;
  modelsView: MarkdownDocument;
}

/** A command's handler; its argument comes from a caller of `executeCommand` (a test, a status bar item), unchecked. */
export type CommandHandler = (arg?: never) => unknown;

/** What each engine command does (the activation bundle registers the names and calls these). */
export function commandHandlers(d: CommandDeps): Record<EngineCommand, CommandHandler> {
  return {
    'costwise.explainSelection': (arg?: { tier?: Tier }) => d.explain.explain(vscode.window.activeTextEditor, arg?.tier && TIERS.includes(arg.tier) ? arg.tier : undefined),
    'costwise.setApiKey': (arg?: { key?: string; endpoint?: string }) => setApiKey(d, arg),
    'costwise.chooseTier': () => chooseTier(d),
    'costwise.whyThisModel': () => whyThisModel(d),
    'costwise.showReport': () => showSpendReport(d),
    'costwise.downloadLocalModel': (arg?: { key?: string; url?: string; confirmed?: boolean }) => downloadLocalModel(d.local, d.settings, arg),
    'costwise.toggleLocalOnly': () => toggleLocalOnly(d),
    'costwise.downloadGpuBuild': () => d.gpuBuilds.offer(d.settings.current().settings.local),
    'costwise.showLocalModels': () => showLocalModels(d.local, d.settings, d.localView),
    'costwise.checkPrices': (arg?: { update?: boolean }) => d.updater.checkPrices(arg),
    'costwise.showModels': (arg?: { refresh?: boolean }) => showModels({ ...d, view: d.modelsView }, arg),
  };
}

/** Every endpoint a key can be stored for: enabled providers and the custom endpoint. */
function keyTargets(d: CommandDeps): Array<{ id: string; label: string; baseUrl: string }> {
  const { settings } = d.settings.current();
  const out: Array<{ id: string; label: string; baseUrl: string }> = settings.routing.providers.filter((p) => p.enabled).map((p) => ({ id: p.provider, label: p.provider, baseUrl: p.baseUrl }));
  if (settings.endpoint.baseUrl) out.push({ id: 'endpoint', label: `custom endpoint (${settings.endpoint.model})`, baseUrl: settings.endpoint.baseUrl });
  return out;
}

/**
 * Stores a key in SecretStorage for one endpoint's origin (asking which, when there are several).
 * `arg` lets tests skip the prompts: `{ key, endpoint }`.
 */
async function setApiKey(d: CommandDeps, arg?: { key?: string; endpoint?: string }): Promise<boolean> {
  let targets = keyTargets(d);
  if (!targets.length) {
    // Nothing enabled yet: offer the providers, and turn on the one chosen.
    const providers = [
      { label: 'DeepSeek', id: 'deepseek', detail: 'deepseek-flash, deepseek-v4-pro: the cheapest remote models (half price off-peak)' },
      { label: 'OpenAI', id: 'openai', detail: 'o3, o4-mini, GPT-5, GPT-4.1' },
      { label: 'Anthropic', id: 'anthropic', detail: 'Claude' },
      { label: 'Google Gemini', id: 'gemini', detail: 'Gemini 2.5' },
    ] as const;
    const chosen = arg?.endpoint ? providers.find((p) => p.id === arg.endpoint) : await vscode.window.showQuickPick(providers, { title: 'Costwise: Set API Key', placeHolder: 'No provider is enabled yet. Which one is the key for?' });
    if (!chosen) return false;
    await d.settings.enableProvider(chosen.id);
    targets = keyTargets(d);
  }
  let target = arg?.endpoint ? targets.find((t) => t.id === arg.endpoint) : targets.length === 1 ? targets[0] : undefined;
  if (!target) {
    const pick = await vscode.window.showQuickPick(
      targets.map((t) => ({ label: t.label, description: ApiKeys.originOf(t.baseUrl), target: t })),
      { title: 'Costwise: Set API Key', placeHolder: 'Which endpoint is the key for?' },
    );
    target = pick?.target;
  }
  if (!target) return false;
  const origin = ApiKeys.originOf(target.baseUrl);
  const key =
    arg?.key ??
    (await vscode.window.showInputBox({
      title: `Costwise: API key for ${target.label}`,
      prompt: `API key for ${origin}. It is kept in VS Code's secret storage and only sent to ${origin}.`,
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? (/\s/.test(v.trim()) ? 'A key has no spaces.' : undefined) : 'Enter a key, or press Escape to cancel.'),
    }));
  if (!key?.trim()) return false;
  await d.keys.set(target.baseUrl, key.trim());
  void vscode.window.showInformationMessage(`Costwise: API key saved for ${origin}.`);
  return true;
}

async function chooseTier(d: CommandDeps): Promise<Tier | undefined> {
  const current = d.settings.current().settings.defaultTier;
  const descriptions: Record<Tier, string> = {
    basic: 'cheapest models, local first',
    standard: 'solid models at moderate prices',
    premium: 'the strongest models, highest prices',
  };
  const pick = await vscode.window.showQuickPick(
    TIERS.map((t) => ({ label: t, description: descriptions[t], picked: t === current, detail: t === current ? 'current' : undefined })),
    { title: 'Costwise: Choose Quality Tier', placeHolder: `Current tier: ${current}` },
  );
  if (!pick) return undefined;
  await d.settings.setDefaultTier(pick.label as Tier);
  return pick.label as Tier;
}

/** The last routing decision in its panel: chosen, fallbacks, every rejection and why. Returns the panel, for tests. */
function whyThisModel(d: CommandDeps): DecisionPanel {
  return d.decisions.open();
}

/** The spend report webview (one per window). Returns the panel, for tests. */
function showSpendReport(d: CommandDeps): ReportPanel {
  return ReportPanel.show({ extensionUri: d.extensionUri, ledger: d.ledger, settings: d.settings, local: d.local, prices: d.prices, ledgerDir: d.ledgerDir });
}

/** Local-only mode on or off: with it on, code never leaves this machine. */
async function toggleLocalOnly(d: CommandDeps): Promise<boolean> {
  const on = !d.settings.current().settings.routing.localOnly;
  await d.settings.setLocalOnly(on);
  void vscode.window.showInformationMessage(on ? 'Costwise: local-only mode is on — code stays on this machine; only local models answer.' : 'Costwise: local-only mode is off — remote models may answer again, within your budget.');
  return on;
}
