import * as vscode from 'vscode';
import type { SpendLedger } from '../core/ledger/spendLedger';
import { DECISION_VIEW_TYPE, type DecisionPanels } from './decisionPanel';
import type { ExplainController } from './explainController';
import { EXPLAIN_VIEW_TYPE, ExplainPanel } from './explainPanel';
import type { LocalModels } from './localModels';
import type { MarkdownDocument } from './markdownDocument';
import type { PriceService } from './priceService';
import { REPORT_VIEW_TYPE, ReportPanel } from './reportPanel';
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
  documents: MarkdownDocument[];
}

/** Webviews that come back after a reload (answer, Why This Model?, report) and Costwise's read-only documents. */
export function registerViews(d: ViewDeps): vscode.Disposable[] {
  return [
    vscode.window.registerWebviewPanelSerializer(EXPLAIN_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel, state) => d.explain.adoptRestoredPanel(ExplainPanel.revive(panel, d.extensionUri, state, d.explain.makePanelMessageHandler())),
    }),
    vscode.window.registerWebviewPanelSerializer(DECISION_VIEW_TYPE, { deserializeWebviewPanel: async (panel, state) => void d.decisions.revive(panel, state) }),
    vscode.window.registerWebviewPanelSerializer(REPORT_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel, state) =>
        void ReportPanel.revive(panel, { extensionUri: d.extensionUri, ledger: d.ledger, settings: d.settings, local: d.local, prices: d.prices, ledgerDir: d.ledgerDir }, state),
    }),
    ...d.documents.map((doc) => vscode.workspace.registerTextDocumentContentProvider(doc.scheme, doc)),
  ];
}
