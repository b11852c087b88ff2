import * as vscode from 'vscode';
import { describeOrphans, MAX_RESERVATION_AGE_MS } from '../core/ledger/orphans';
import type { SpendLedger } from '../core/ledger/spendLedger';
import type { LedgerBackend } from '../node/ledgerBackend';
import { isConnectionError } from '../node/pgErrors';
import { readTeamBudgets } from '../node/pgTeamBudgets';
import type { SettingsGateway } from './settingsGateway';

/**
 * The team ledger's password lives in SecretStorage, bound to the URL it was entered for (user, host,
 * port, database): pointing the setting at another server does not send the password there.
 */
export class LedgerPassword {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  private slot(url: string): string {
    const u = new URL(url);
    return `costwise.ledgerPassword:${u.protocol}//${u.username}@${u.host}${u.pathname}`;
  }

  get(url: string): Thenable<string | undefined> {
    return this.secrets.get(this.slot(url));
  }

  async set(url: string, password: string): Promise<void> {
    await this.secrets.store(this.slot(url), password);
  }
}

/** Costwise: Set Team Ledger Password… — kept in SecretStorage for the URL in the settings. */
export async function setLedgerPassword(settings: SettingsGateway, password: LedgerPassword): Promise<void> {
  const url = settings.ledger().postgresUrl;
  if (!url) return void vscode.window.showWarningMessage('Costwise: set costwise.ledger.postgresUrl first (postgresql://user@host:5432/database).');
  const pw = await vscode.window.showInputBox({ title: 'Team ledger password', prompt: `Password for ${url} (kept in VS Code's secret storage)`, password: true, ignoreFocusOut: true });
  if (pw === undefined) return;
  await password.set(url, pw);
  void vscode.window.showInformationMessage('Costwise: team ledger password saved. It is used from the next connection on.');
}

/** How often a window looks for orphans and re-reads the team's budgets besides change notifications. */
const TEAM_POLL_MS = 60_000;

/**
 * What a window adds on a team ledger: the team's budgets kept current in the
 * settings, orphans of any machine's dead process settled (exactly once, by whichever window sweeps
 * first), and a prompt to reload when the ledger settings change.
 */
export function registerTeamLedger(backend: LedgerBackend, ledger: SpendLedger, settings: SettingsGateway): vscode.Disposable[] {
  const subs: vscode.Disposable[] = [];
  let chosen = JSON.stringify(settings.ledger());
  subs.push(
    settings.onDidChange((p) => {
      const now = JSON.stringify(p.settings.ledger);
      if (now === chosen) return;
      chosen = now;
      void vscode.window.showInformationMessage('Costwise: the ledger settings changed. Reload the window to use them.', 'Reload Window').then((pick) => pick && vscode.commands.executeCommand('workbench.action.reloadWindow'));
    }),
  );
  const team = backend.team;
  if (!team) return subs;
  settings.joinTeam(backend.person);
  const refresh = async () => {
    try {
      settings.useTeamBudgets(backend.person, await readTeamBudgets(team));
    } catch (e) {
      if (!isConnectionError(e)) throw e; // away: the last budgets read stay in force
    }
  };
  const sweep = async () => {
    const orphans = await ledger.settleOrphans(backend.isAlive, MAX_RESERVATION_AGE_MS);
    if (orphans.length) void vscode.window.showWarningMessage(`Costwise: ${describeOrphans(orphans)} (settled in ${backend.describe})`);
  };
  const tick = () => void refresh().then(sweep).catch(() => undefined);
  const first = setTimeout(tick, 1000);
  const timer = setInterval(tick, TEAM_POLL_MS);
  subs.push(ledger.onDidChange(() => void refresh().catch(() => undefined)), { dispose: () => (clearTimeout(first), clearInterval(timer), void backend.close()) });
  return subs;
}
