import * as vscode from 'vscode';
import type { SpendLedger } from './core/ledger/spendLedger';
import { LazyTokenEstimator } from './node/lazyTokenEstimator';
import { ModelListStore } from './node/modelListStore';
import { PriceStore } from './node/priceStore';
import { systemClock } from './node/systemClock';
import { ApiKeys } from './vscode/apiKeys';
import { createChat, type Chat } from './vscode/chat/createChat';
import { commandHandlers, type CommandHandler } from './vscode/commands';
import type { EngineCommand, ViewType } from './vscode/contributions';
import { DecisionPanels } from './vscode/decisionPanel';
import { ExplainController } from './vscode/explainController';
import { GpuBuilds, watchGpu } from './vscode/gpuBuilds';
import { LocalModels } from './vscode/localModels';
import type { MarkdownDocument } from './vscode/markdownDocument';
import { ModelListService } from './vscode/modelListService';
import { PriceService } from './vscode/priceService';
import { PriceUpdater } from './vscode/priceUpdater';
import { reviveHandlers, type Revive } from './vscode/reviveHandlers';
import { RoutingPools } from './vscode/routingPool';
import type { SettingsGateway } from './vscode/settingsGateway';

/** What the activation bundle hands the engine: what it built to show spend at once, and the documents it registered. */
export interface EngineDeps {
  context: vscode.ExtensionContext;
  settings: SettingsGateway;
  ledger: SpendLedger;
  /** The local ledger's folder; undefined on a team ledger. */
  ledgerDir: string | undefined;
  documents: Record<'local' | 'models' | 'prices', MarkdownDocument>;
}

/** Everything a request, a report or a local model needs: routing, prices, providers, chat, panels, GPU builds. */
export interface Engine {
  commands: Record<EngineCommand, CommandHandler>;
  revive: Record<ViewType, Revive>;
  chat: Chat;
  explain: ExplainController;
  decisions: DecisionPanels;
  local: LocalModels;
  modelLists: ModelListService;
  prices: { service: PriceService; updater: PriceUpdater };
  disposables: vscode.Disposable[];
}

/**
 * The engine's composition root, built in the engine bundle (`dist/engine.js`) on first use or when
 * its background work (GPU probe, price updates) is due — never while VS Code times the activation.
 */
export function createEngine(d: EngineDeps): Engine {
  const { context, settings, ledger, ledgerDir, documents } = d;
  const extensionUri = context.extensionUri;
  const storage = (name: string) => vscode.Uri.joinPath(context.globalStorageUri, name).fsPath;
  const keys = new ApiKeys(context.secrets);
  const estimator = new LazyTokenEstimator(ledger, () => systemClock.now());
  const decisions = new DecisionPanels(extensionUri);
  const local = new LocalModels(context.globalStorageUri, extensionUri);
  const gpuBuilds = (local.gpuBuilds = new GpuBuilds(context.globalStorageUri.fsPath, context.globalState, (line) => local.log(line), () => local.log('GPU build installed')));
  const prices = new PriceService(settings, new PriceStore(storage('prices')), systemClock);
  const updater = new PriceUpdater(settings, prices, systemClock, documents.prices);
  const modelLists = new ModelListService(new ModelListStore(storage('model-lists')));
  const pools = new RoutingPools(settings, keys, prices, local, modelLists, systemClock);
  const explain = new ExplainController(extensionUri, settings, ledger, systemClock, estimator, decisions, local, pools);
  const chat = createChat({ settings, ledger, clock: systemClock, estimator, decisions, local, explain, pools });
  const commands = commandHandlers({ settings, keys, ledger, explain, decisions, extensionUri, ledgerDir, local, localView: documents.local, prices, updater, modelLists, modelsView: documents.models, gpuBuilds });
  const revive = reviveHandlers({ extensionUri, explain, decisions, ledger, settings, local, prices, ledgerDir });
  const disposables = [prices, updater, local, explain, decisions, chat.provider, ...watchGpu(gpuBuilds, settings)];
  return { commands, revive, chat, explain, decisions, local, modelLists, prices: { service: prices, updater }, disposables };
}
