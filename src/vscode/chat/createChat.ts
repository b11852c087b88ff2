import type { Clock } from '../../core/clock';
import type { SpendLedger } from '../../core/ledger/spendLedger';
import type { LazyTokenEstimator } from '../../node/lazyTokenEstimator';
import type { DecisionPanels } from '../decisionPanel';
import type { RoutingPools } from '../routingPool';
import type { ExplainController } from '../explainController';
import type { LocalModels } from '../localModels';
import type { SettingsGateway } from '../settingsGateway';
import { ChatService } from './chatService';
import { CostwiseModelProvider } from './costwiseModelProvider';
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

export interface Chat {
  service: ChatService;
  /** Costwise's models in VS Code's chat (vendor `costwise`); registered by the activation bundle. */
  provider: CostwiseModelProvider;
  /** `@costwise`; registered by the activation bundle. */
  participant: CostwiseParticipant;
}

export function createChat(d: ChatDeps): Chat {
  const service = new ChatService(d.ledger, d.clock, d.estimator, d.decisions, d.local, d.pools);
  return { service, provider: new CostwiseModelProvider(service, d.settings, d.estimator), participant: new CostwiseParticipant(service, d.ledger, d.settings, d.clock, d.explain) };
}
