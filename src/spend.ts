import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { SpendLedger } from './core/ledger/spendLedger';
import { deferred } from './node/deferred';
import { openLedgerBackend } from './node/ledgerBackend';
import { processOwner } from './node/processOwner';
import { SHARED_LIMITS_DIR, SharedLimitStamps } from './node/sharedLimitStamps';
import { systemClock } from './node/systemClock';
import { BudgetAlerts } from './vscode/budgetAlerts';
import { sweepOrphans } from './vscode/orphanSweep';
import { SettingsGateway } from './vscode/settingsGateway';
import { StatusBarController } from './vscode/statusBar';
import { LedgerPassword, registerTeamLedger, setLedgerPassword } from './vscode/teamLedger';
import { TierStatusItem } from './vscode/tierStatusItem';

/** What shows and guards spend: the settings, the ledger, the status bar, budget alerts and the team ledger's upkeep. */
export interface Spend {
  settings: SettingsGateway;
  ledger: SpendLedger;
  /** The local ledger's folder; undefined on a team ledger. */
  ledgerDir: string | undefined;
  statusBar: StatusBarController;
  alerts: BudgetAlerts;
  setLedgerPassword(): Promise<void>;
  disposables: vscode.Disposable[];
}

/**
 * The spend tracker's composition root, in its own bundle (`dist/spend.js`), built right after
 * activation returns (its first ledger read follows) or when something needs it sooner.
 */
export function createSpend(context: vscode.ExtensionContext): Spend {
  const storage = (...path: string[]) => vscode.Uri.joinPath(context.globalStorageUri, ...path).fsPath;
  const owner = processOwner();
  const settings = new SettingsGateway(new SharedLimitStamps(storage('ledger', SHARED_LIMITS_DIR)), owner);
  // The ledger: this machine's (JSON Lines) or the team's (PostgreSQL), as costwise.ledger.backend says.
  const ledgerSettings = settings.ledger();
  const password = new LedgerPassword(context.secrets);
  const backend = openLedgerBackend(ledgerSettings, storage('ledger'), owner, async () => password.get(ledgerSettings.postgresUrl));
  const ledger = new SpendLedger(backend.store, systemClock, randomUUID, owner, backend.team ? backend.person : undefined);
  const statusBar = new StatusBarController(ledger, settings);
  const alerts = new BudgetAlerts(ledger, settings, storage('alerts'));
  const sweep = setTimeout(() => void sweepOrphans(ledger, backend.isAlive).catch(() => undefined), 3000);
  const disposables: vscode.Disposable[] = [
    ...[settings, statusBar, alerts, new TierStatusItem(settings)],
    deferred(() => backend.store.watch(() => ledger.notifyExternalChange())),
    { dispose: () => (clearTimeout(sweep), ledger.dispose()) },
    ...registerTeamLedger(backend, ledger, settings),
  ];
  return { settings, ledger, ledgerDir: backend.team ? undefined : storage('ledger'), statusBar, alerts, setLedgerPassword: () => setLedgerPassword(settings, password), disposables };
}
