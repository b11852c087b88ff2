import * as vscode from 'vscode';
import type { Clock } from '../../core/clock';
import type { SpendLedger } from '../../core/ledger/spendLedger';
import type { LazyTokenEstimator } from '../../node/lazyTokenEstimator';
import type { DecisionPanels } from '../decisionPanel';
import type { RoutingPools } from '../routingPool';
import type { ExplainController } from '../explainController';
import type { LocalModels } from '../localModels';
import type { SettingsGateway } from '../settingsGateway';
import { ChatService } from './chatService';
import { CostwiseModelProvider, VENDOR } from './costwiseModelProvider';
import { CostwiseParticipant } from './costwiseParticipant';

export interface ChatDeps {
  settings: SettingsGateway;
  ledger: SpendLedger;
  clock: Clock;
  estimator: LazyTokenEstimator;
  decisions: DecisionPanels;
  local: LocalModels;
  explain: ExplainController;
  pools: RoutingPools;
}

/** Costwise's models in VS Code's chat (vendor `costwise`) and the `@costwise` participant. */
export function registerChat(d: ChatDeps): { disposables: vscode.Disposable[]; api: { service: ChatService; provider: CostwiseModelProvider; participant: CostwiseParticipant } } {
  const service = new ChatService(d.ledger, d.clock, d.estimator, d.decisions, d.local, d.pools);
  const provider = new CostwiseModelProvider(service, d.settings, d.estimator);
  const participant = new CostwiseParticipant(service, d.ledger, d.settings, d.clock, d.explain);
  const disposables: vscode.Disposable[] = [provider, vscode.lm.registerLanguageModelChatProvider(VENDOR, provider), participant.register()];
  return { disposables, api: { service, provider, participant } };
}
