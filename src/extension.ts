import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { SpendLedger } from './core/ledger/spendLedger';
import { openLedgerBackend } from './node/ledgerBackend';
import { LazyTokenEstimator } from './node/lazyTokenEstimator';
import { deferred } from './node/deferred';
import { processOwner } from './node/processOwner';
import { SHARED_LIMITS_DIR, SharedLimitStamps } from './node/sharedLimitStamps';
import { systemClock } from './node/systemClock';
import { ApiKeys } from './vscode/apiKeys';
import { BudgetAlerts } from './vscode/budgetAlerts';
import { registerChat } from './vscode/chat/registerChat';
import { registerCommands } from './vscode/commands';
import { DECISION_VIEW_TYPE, DecisionPanels } from './vscode/decisionPanel';
import { ExplainController } from './vscode/explainController';
import { EXPLAIN_VIEW_TYPE, ExplainPanel } from './vscode/explainPanel';
import { GpuBuilds } from './vscode/gpuBuilds';
import { LocalModels } from './vscode/localModels';
import { MarkdownDocument } from './vscode/markdownDocument';
import { ModelListService } from './vscode/modelListService';
import { ModelListStore } from './node/modelListStore';
import { sweepOrphans } from './vscode/orphanSweep';
import { PriceStore } from './node/priceStore';
import { PriceService } from './vscode/priceService';
import { PriceUpdater } from './vscode/priceUpdater';
import { SettingsGateway } from './vscode/settingsGateway';
import { REPORT_VIEW_TYPE, ReportPanel } from './vscode/reportPanel';
import { StatusBarController } from './vscode/statusBar';
import { LedgerPassword, registerTeamLedger } from './vscode/teamLedger';
import { TierStatusItem } from './vscode/tierStatusItem';

/** Composition root: builds the object graph; nothing heavy (SDKs, tokenizer, runtime) loads here. */
export function activate(context: vscode.ExtensionContext) {
  const ledgerDir = vscode.Uri.joinPath(context.globalStorageUri, 'ledger');
  const owner = processOwner();
  const settings = new SettingsGateway(new SharedLimitStamps(vscode.Uri.joinPath(ledgerDir, SHARED_LIMITS_DIR).fsPath), owner);
  // The ledger: this machine's (JSON Lines) or the team's (PostgreSQL), as costwise.ledger.backend says.
  const ledgerSettings = settings.current().settings.ledger;
  const password = new LedgerPassword(context.secrets);
  const backend = openLedgerBackend(ledgerSettings, ledgerDir.fsPath, owner, async () => password.get(ledgerSettings.postgresUrl));
  const store = backend.store;
  const ledger = new SpendLedger(store, systemClock, randomUUID, owner, backend.team ? backend.person : undefined);
  const reportDir = backend.team ? undefined : ledgerDir.fsPath;
  const keys = new ApiKeys(context.secrets);
  const estimator = new LazyTokenEstimator(ledger, () => systemClock.now());
  const decisions = new DecisionPanels(context.extensionUri);
  const local = new LocalModels(context.globalStorageUri, context.extensionUri);
  const gpuBuilds = new GpuBuilds(context.globalStorageUri.fsPath, context.globalState, (line) => local.log(line), () => local.log('GPU build installed'));
  local.gpuBuilds = gpuBuilds;
  const gpuProbe = setTimeout(() => void gpuBuilds.probe(settings.current().settings.local).catch(() => undefined), 2000);
  const localView = new MarkdownDocument('costwise-local', 'local-models.md');
  const prices = new PriceService(settings, new PriceStore(vscode.Uri.joinPath(context.globalStorageUri, 'prices').fsPath), systemClock);
  const updater = new PriceUpdater(settings, prices, systemClock);
  const modelLists = new ModelListService(new ModelListStore(vscode.Uri.joinPath(context.globalStorageUri, 'model-lists').fsPath));
  const modelsView = new MarkdownDocument('costwise-models', 'available-models.md');
  const explain = new ExplainController(context.extensionUri, settings, keys, ledger, systemClock, estimator, decisions, local, prices, modelLists);
  const statusBar = new StatusBarController(ledger, settings);
  const alerts = new BudgetAlerts(ledger, settings, vscode.Uri.joinPath(context.globalStorageUri, 'alerts').fsPath);
  const tierItem = new TierStatusItem(settings);
  const chat = registerChat({ settings, keys, ledger, clock: systemClock, estimator, decisions, local, explain, prices, modelLists });
  const sweep = setTimeout(() => void sweepOrphans(ledger, backend.isAlive).catch(() => undefined), 3000);
  context.subscriptions.push(
    settings,
    prices,
    updater,
    local,
    explain,
    statusBar,
    alerts,
    tierItem,
    ...chat.disposables,
    // A key stored or removed changes which models the chat's model picker can offer.
    context.secrets.onDidChange(() => chat.api.provider.refresh()),
    deferred(() => store.watch(() => ledger.notifyExternalChange())),
    { dispose: () => (clearTimeout(sweep), clearTimeout(gpuProbe), ledger.dispose()) },
    settings.onDidChange(() => void gpuBuilds.probe(settings.current().settings.local).catch(() => undefined)),
    vscode.window.registerWebviewPanelSerializer(EXPLAIN_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel, state) =>
        explain.adoptRestoredPanel(ExplainPanel.revive(panel, context.extensionUri, state, explain.makePanelMessageHandler())),
    }),
    decisions,
    vscode.window.registerWebviewPanelSerializer(DECISION_VIEW_TYPE, { deserializeWebviewPanel: async (panel, state) => void decisions.revive(panel, state) }),
    vscode.window.registerWebviewPanelSerializer(REPORT_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel, state) => void ReportPanel.revive(panel, { extensionUri: context.extensionUri, ledger, settings, local, prices, ledgerDir: reportDir }, state),
    }),
    vscode.workspace.registerTextDocumentContentProvider(localView.scheme, localView),
    vscode.workspace.registerTextDocumentContentProvider(modelsView.scheme, modelsView),
    ...registerTeamLedger(backend, ledger, settings, password),
    ...registerCommands({ settings, keys, ledger, explain, decisions, extensionUri: context.extensionUri, ledgerDir: reportDir, local, localView, prices, updater, modelLists, modelsView, gpuBuilds }),
  );
  return { explain, statusBar, alerts, ledger, local, settings, decisions, modelLists, ledgerDir: ledgerDir.fsPath, prices: { service: prices, updater }, chat: chat.api };
}

export function deactivate() {}
