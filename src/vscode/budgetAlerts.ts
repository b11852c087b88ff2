import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { budgetAlerts, type BudgetAlert } from '../core/budget/alerts';
import { localDayKey } from '../core/ledger/periods';
import type { SpendLedger } from '../core/ledger/spendLedger';
import { formatUsd } from '../core/money';
import type { SettingsGateway } from './settingsGateway';

/**
 * A notification when spend crosses a configured share of a limit (costwise.budget.alertPercents,
 * default 50/80/100 %), once per level and period across every window: a level is claimed by creating
 * a marker directory, which exactly one process can do.
 */
export class BudgetAlerts implements vscode.Disposable {
  private timer: NodeJS.Timeout | undefined;
  private readonly sub: { dispose(): void };
  /** Alerts this window showed (tests read it). */
  readonly shown: BudgetAlert[] = [];

  constructor(
    private readonly ledger: SpendLedger,
    private readonly settings: SettingsGateway,
    private readonly markerDir: string,
  ) {
    this.sub = ledger.onDidChange(() => this.schedule());
  }

  /** Settles when every check scheduled so far has run. */
  private pending: Promise<unknown> = Promise.resolve();
  private cancelScheduled: (() => void) | undefined;

  private schedule(): void {
    if (this.timer) return;
    const ran = new Promise<void>((done) => {
      this.cancelScheduled = done;
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.check()
          .catch(() => undefined)
          .finally(done);
      }, 300);
    });
    this.pending = Promise.all([this.pending, ran]);
  }

  /** Resolves once no check is scheduled or running (what tests wait on instead of a fixed time). */
  async idle(): Promise<void> {
    for (let p = this.pending; ; p = this.pending) {
      await p;
      if (p === this.pending) return;
    }
  }

  private claimed(key: string): boolean {
    try {
      mkdirSync(join(this.markerDir, encodeURIComponent(key)), { recursive: false });
      return false;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
        mkdirSync(this.markerDir, { recursive: true });
        return this.claimed(key);
      }
      return true; // EEXIST: another window (or an earlier session) announced it
    }
  }

  async check(): Promise<BudgetAlert[]> {
    const { settings } = this.settings.current();
    const fold = await this.ledger.fold();
    const today = localDayKey(new Date());
    const alerts = budgetAlerts(settings.budget.policy.rules, settings.budget.alertPercents, // Settled spend only: a reservation's worst case is not money spent yet.
      (scope) => fold.spent(scope, false), today, () => false);
    const fresh: BudgetAlert[] = [];
    for (const a of alerts) {
      // Claim every crossed level (so 50 % is not announced after 80 %); show only if the top one was ours.
      const topWasFree = !this.claimed(a.key);
      for (const k of a.claims) if (k !== a.key) this.claimed(k);
      if (topWasFree) fresh.push(a);
    }
    for (const a of fresh) this.show(a);
    return fresh;
  }

  private show(a: BudgetAlert): void {
    this.shown.push(a);
    const what = a.rule.period === 'day' ? 'daily' : 'monthly';
    const scope = a.rule.model ?? a.rule.provider ?? (a.rule.binding ? (a.rule.person ? `${a.rule.person}, set by the team` : 'the team') : undefined);
    const text = `Costwise: ${formatUsd(a.spent)} spent — ${a.level >= 100 ? 'the' : `${a.level}% of the`} ${what} budget${scope ? ` for ${scope}` : ''} (${formatUsd(a.rule.limit)})${a.level >= 100 ? ' is used up' : ''}.`;
    const show = a.level >= 100 ? vscode.window.showErrorMessage : vscode.window.showWarningMessage;
    // Not awaited: the notification stays until the user acts on it.
    void show(text, 'Open Report', ...(a.rule.binding ? [] : ['Raise Limit…']), 'Local Only').then(async (pick) => {
      if (pick === 'Open Report') await vscode.commands.executeCommand('costwise.showReport');
      if (pick === 'Raise Limit…') await vscode.commands.executeCommand('workbench.action.openSettings', a.rule.setting);
      if (pick === 'Local Only') {
        await this.settings.setLocalOnly(true);
        void vscode.window.showInformationMessage('Costwise: local-only mode is on — code stays on this machine and costs only energy. Turn it off in costwise.privacy.localOnly.');
      }
    });
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.cancelScheduled?.();
    this.sub.dispose();
  }
}
