import type * as vscode from 'vscode';
import type { SpendLedger } from '../core/ledger/spendLedger';
import { DECISION_VIEW_TYPE, EXPLAIN_VIEW_TYPE, REPORT_VIEW_TYPE, type ViewType } from './contributions';
import type { DecisionPanels } from './decisionPanel';
import type { ExplainController } from './explainController';
import { ExplainPanel } from './explainPanel';
import type { LocalModels } from './localModels';
import type { PriceService } from './priceService';
import { ReportPanel } from './reportPanel';
import type { SettingsGateway } from './settingsGateway';

export interface ViewDeps {
  extensionUri: vscode.Uri;
  explain: ExplainController;
  decisions: DecisionPanels;
  ledger: SpendLedger;
  settings: SettingsGateway;
  local: LocalModels;
  prices: PriceService;
  /** The local ledger's folder; undefined on a team ledger. */
  ledgerDir: string | undefined;
}

export type Revive = (panel: vscode.WebviewPanel, state: unknown) => Promise<void>;

/** How each webview comes back after a reload (answer, Why This Model?, report); the activation bundle registers the serializers. */
export function reviveHandlers(d: ViewDeps): Record<ViewType, Revive> {
  return {
    [EXPLAIN_VIEW_TYPE]: async (panel, state) => d.explain.adoptRestoredPanel(ExplainPanel.revive(panel, d.extensionUri, state, d.explain.makePanelMessageHandler())),
    [DECISION_VIEW_TYPE]: async (panel, state) => void d.decisions.revive(panel, state),
    [REPORT_VIEW_TYPE]: async (panel, state) =>
      void ReportPanel.revive(panel, { extensionUri: d.extensionUri, ledger: d.ledger, settings: d.settings, local: d.local, prices: d.prices, ledgerDir: d.ledgerDir }, state),
  };
}
