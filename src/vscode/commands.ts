import * as vscode from 'vscode';
import type { SpendLedger } from '../core/ledger/spendLedger';
import { formatUsd, formatUsdExact } from '../core/money';
import { TIERS, type Tier } from '../core/settings';
import { ApiKeys } from './apiKeys';
import type { ExplainController } from './explainController';
import type { SettingsGateway } from './settingsGateway';

export interface CommandDeps {
  settings: SettingsGateway;
  keys: ApiKeys;
  ledger: SpendLedger;
  explain: ExplainController;
  ledgerDir: vscode.Uri;
}

export function registerCommands(d: CommandDeps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('costwise.explainSelection', () => d.explain.explain(vscode.window.activeTextEditor)),
    vscode.commands.registerCommand('costwise.setApiKey', (arg?: { key?: string }) => setApiKey(d, arg?.key)),
    vscode.commands.registerCommand('costwise.chooseTier', () => chooseTier(d)),
    vscode.commands.registerCommand('costwise.whyThisModel', () => whyThisModel(d)),
    vscode.commands.registerCommand('costwise.showReport', () => showSpendSummary(d)),
  ];
}

/** Stores a key for the origin of the configured endpoint. `key` lets tests skip the input box. */
async function setApiKey(d: CommandDeps, given?: string): Promise<boolean> {
  const { settings, problems } = d.settings.current();
  const bad = problems.find((p) => p.setting === 'costwise.endpoint.baseUrl');
  if (bad) {
    void vscode.window.showErrorMessage(`Costwise: fix "costwise.endpoint.baseUrl" first: it ${bad.message}`);
    return false;
  }
  const origin = ApiKeys.originOf(settings.endpoint.baseUrl);
  const key =
    given ??
    (await vscode.window.showInputBox({
      title: 'Costwise: Set API Key',
      prompt: `API key for ${origin}. It is kept in VS Code's secret storage and only sent to ${origin}.`,
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? (/\s/.test(v.trim()) ? 'A key has no spaces.' : undefined) : 'Enter a key, or press Escape to cancel.'),
    }));
  if (!key?.trim()) return false;
  await d.keys.set(settings.endpoint.baseUrl, key.trim());
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

async function whyThisModel(d: CommandDeps): Promise<void> {
  const last = d.explain.lastDecision;
  if (!last) {
    void vscode.window.showInformationMessage('Costwise has not routed a request in this window yet.');
    return;
  }
  const p = last.price;
  const price = p
    ? `$${p.prices.input / 1e6}/$${p.prices.output / 1e6} per 1M input/output tokens (${p.source}, in force since ${p.effective})`
    : 'no known price: paid requests are refused until "costwise.prices" has one';
  const detail = [...last.reasons, `Endpoint: ${last.endpointOrigin}.`, `Price: ${price}.`, `Tier: ${last.tier}.`].join('\n');
  await vscode.window.showInformationMessage(`Costwise chose ${last.model}`, { modal: true, detail });
}

/** The month so far, until the report webview lands: a summary with the exact figures. */
async function showSpendSummary(d: CommandDeps): Promise<void> {
  const t = await d.ledger.totals();
  const limit = d.settings.current().settings.budget.monthly;
  const pick = await vscode.window.showInformationMessage(
    `Costwise: ${formatUsd(t.month)} spent this month of ${formatUsd(limit)} (${t.requests} requests; ${formatUsd(t.today)} today).`,
    { modal: true, detail: `Exact: ${formatUsdExact(t.month)} this month, ${formatUsdExact(t.reserved)} still reserved.\nLedger: ${d.ledgerDir.fsPath}` },
    'Open Ledger Folder',
  );
  if (pick === 'Open Ledger Folder') await vscode.commands.executeCommand('revealFileInOS', d.ledgerDir);
}
