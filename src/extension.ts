import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { SpendLedger } from './core/ledger/spendLedger';
import { JsonlLedgerStore } from './node/jsonlLedgerStore';
import { LazyTokenEstimator } from './node/lazyTokenEstimator';
import { isOwnerAlive, processOwner } from './node/processOwner';
import { SHARED_LIMITS_DIR, SharedLimitStamps } from './node/sharedLimitStamps';
import { systemClock } from './node/systemClock';
import { ApiKeys } from './vscode/apiKeys';
import { BudgetAlerts } from './vscode/budgetAlerts';
import { registerChat } from './vscode/chat/registerChat';
import { registerCommands } from './vscode/commands';
import { DECISION_SCHEME, DecisionDocuments } from './vscode/decisionView';
import { ExplainController } from './vscode/explainController';
import { EXPLAIN_VIEW_TYPE, ExplainPanel } from './vscode/explainPanel';
import { LocalModels } from './vscode/localModels';
import { MarkdownDocument } from './vscode/markdownDocument';
import { sweepOrphans } from './vscode/orphanSweep';
import { SettingsGateway } from './vscode/settingsGateway';
import { REPORT_VIEW_TYPE, ReportPanel } from './vscode/reportPanel';
import { StatusBarController } from './vscode/statusBar';
import { TierStatusItem } from './vscode/tierStatusItem';

/** Composition root: builds the object graph; nothing heavy (SDKs, tokenizer, runtime) loads here. */
export function activate(context: vscode.ExtensionContext) {
  const ledgerDir = vscode.Uri.joinPath(context.globalStorageUri, 'ledger');
  const store = new JsonlLedgerStore(ledgerDir.fsPath);
  const owner = processOwner();
  const ledger = new SpendLedger(store, systemClock, randomUUID, owner);
  const settings = new SettingsGateway(new SharedLimitStamps(vscode.Uri.joinPath(ledgerDir, SHARED_LIMITS_DIR).fsPath), owner);
  const keys = new ApiKeys(context.secrets);
  const estimator = new LazyTokenEstimator(ledger, () => systemClock.now());
  const decisions = new DecisionDocuments();
  const local = new LocalModels(context.globalStorageUri, context.extensionUri);
  const localView = new MarkdownDocument('costwise-local', 'local-models.md');
  const explain = new ExplainController(context.extensionUri, settings, keys, ledger, systemClock, estimator, decisions, local);
  const statusBar = new StatusBarController(ledger, settings);
  const alerts = new BudgetAlerts(ledger, settings, vscode.Uri.joinPath(context.globalStorageUri, 'alerts').fsPath);
  const tierItem = new TierStatusItem(settings);
  const chat = registerChat({ settings, keys, ledger, clock: systemClock, estimator, decisions, local, explain });
  const sweep = setTimeout(() => void sweepOrphans(ledger, isOwnerAlive).catch(() => undefined), 3000);
  context.subscriptions.push(
    settings,
    local,
    explain,
    statusBar,
    alerts,
    tierItem,
    ...chat.disposables,
    // A key stored or removed changes which models the chat's model picker can offer.
    context.secrets.onDidChange(() => chat.api.provider.refresh()),
    store.watch(() => ledger.notifyExternalChange()),
    { dispose: () => (clearTimeout(sweep), ledger.dispose()) },
    vscode.window.registerWebviewPanelSerializer(EXPLAIN_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel, state) =>
        explain.adoptRestoredPanel(ExplainPanel.revive(panel, context.extensionUri, state, explain.makePanelMessageHandler())),
    }),
    vscode.workspace.registerTextDocumentContentProvider(DECISION_SCHEME, decisions),
    vscode.window.registerWebviewPanelSerializer(REPORT_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel, state) => void ReportPanel.revive(panel, { extensionUri: context.extensionUri, ledger, settings, local, ledgerDir: ledgerDir.fsPath }, state),
    }),
    vscode.workspace.registerTextDocumentContentProvider(localView.scheme, localView),
    ...registerCommands({ settings, keys, ledger, explain, decisions, extensionUri: context.extensionUri, ledgerDir: ledgerDir.fsPath, local, localView }),
  );
  return { explain, statusBar, alerts, ledger, local, settings, ledgerDir: ledgerDir.fsPath, chat: chat.api };
}

export function deactivate() {}
