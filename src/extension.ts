import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { SpendLedger } from './core/ledger/spendLedger';
import { deferred } from './node/deferred';
import { LazyTokenEstimator } from './node/lazyTokenEstimator';
import { openLedgerBackend } from './node/ledgerBackend';
import { ModelListStore } from './node/modelListStore';
import { PriceStore } from './node/priceStore';
import { processOwner } from './node/processOwner';
import { SHARED_LIMITS_DIR, SharedLimitStamps } from './node/sharedLimitStamps';
import { systemClock } from './node/systemClock';
import { ApiKeys } from './vscode/apiKeys';
import { BudgetAlerts } from './vscode/budgetAlerts';
import { registerChat } from './vscode/chat/registerChat';
import { registerCommands } from './vscode/commands';
import { DecisionPanels } from './vscode/decisionPanel';
import { ExplainController } from './vscode/explainController';
import { GpuBuilds, watchGpu } from './vscode/gpuBuilds';
import { LocalModels } from './vscode/localModels';
import { MarkdownDocument } from './vscode/markdownDocument';
import { ModelListService } from './vscode/modelListService';
import { sweepOrphans } from './vscode/orphanSweep';
import { PriceService } from './vscode/priceService';
import { PriceUpdater } from './vscode/priceUpdater';
import { registerViews } from './vscode/registerViews';
import { RoutingPools } from './vscode/routingPool';
import { SettingsGateway } from './vscode/settingsGateway';
import { StatusBarController } from './vscode/statusBar';
import { LedgerPassword, registerTeamLedger } from './vscode/teamLedger';
import { TierStatusItem } from './vscode/tierStatusItem';

/** Composition root: builds the object graph; nothing heavy (SDKs, tokenizer, runtime) loads here. */
export function activate(context: vscode.ExtensionContext) {
  const storage = (...path: string[]) => vscode.Uri.joinPath(context.globalStorageUri, ...path).fsPath;
  const extensionUri = context.extensionUri;
  const owner = processOwner();
  const settings = new SettingsGateway(new SharedLimitStamps(storage('ledger', SHARED_LIMITS_DIR)), owner);
  // The ledger: this machine's (JSON Lines) or the team's (PostgreSQL), as costwise.ledger.backend says.
  const ledgerSettings = settings.current().settings.ledger;
  const password = new LedgerPassword(context.secrets);
  const backend = openLedgerBackend(ledgerSettings, storage('ledger'), owner, async () => password.get(ledgerSettings.postgresUrl));
  const ledger = new SpendLedger(backend.store, systemClock, randomUUID, owner, backend.team ? backend.person : undefined);
  const ledgerDir = backend.team ? undefined : storage('ledger');
  const keys = new ApiKeys(context.secrets);
  const estimator = new LazyTokenEstimator(ledger, () => systemClock.now());
  const decisions = new DecisionPanels(extensionUri);
  const local = new LocalModels(context.globalStorageUri, extensionUri);
  const gpuBuilds = (local.gpuBuilds = new GpuBuilds(context.globalStorageUri.fsPath, context.globalState, (line) => local.log(line), () => local.log('GPU build installed')));
  const localView = new MarkdownDocument('costwise-local', 'local-models.md');
  const modelsView = new MarkdownDocument('costwise-models', 'available-models.md');
  const prices = new PriceService(settings, new PriceStore(storage('prices')), systemClock);
  const updater = new PriceUpdater(settings, prices, systemClock);
  const modelLists = new ModelListService(new ModelListStore(storage('model-lists')));
  const pools = new RoutingPools(settings, keys, prices, local, modelLists, systemClock);
  const explain = new ExplainController(extensionUri, settings, ledger, systemClock, estimator, decisions, local, pools);
  const chat = registerChat({ settings, ledger, clock: systemClock, estimator, decisions, local, explain, pools });
  const statusBar = new StatusBarController(ledger, settings);
  const alerts = new BudgetAlerts(ledger, settings, storage('alerts'));
  const sweep = setTimeout(() => void sweepOrphans(ledger, backend.isAlive).catch(() => undefined), 3000);
  context.subscriptions.push(
    ...[settings, prices, updater, local, explain, decisions, ...chat.disposables],
    ...[statusBar, alerts, new TierStatusItem(settings)],
    // A key stored or removed changes which models the chat's model picker can offer.
    context.secrets.onDidChange(() => chat.api.provider.refresh()),
    deferred(() => backend.store.watch(() => ledger.notifyExternalChange())),
    { dispose: () => (clearTimeout(sweep), ledger.dispose()) },
    ...watchGpu(gpuBuilds, settings),
    ...registerViews({ extensionUri, explain, decisions, ledger, settings, local, prices, ledgerDir, documents: [localView, modelsView] }),
    ...registerTeamLedger(backend, ledger, settings, password),
    ...registerCommands({ settings, keys, ledger, explain, decisions, extensionUri, ledgerDir, local, localView, prices, updater, modelLists, modelsView, gpuBuilds }),
  );
  return { explain, statusBar, alerts, ledger, local, settings, decisions, modelLists, ledgerDir: storage('ledger'), prices: { service: prices, updater }, chat: chat.api };
}

export function deactivate() {}
