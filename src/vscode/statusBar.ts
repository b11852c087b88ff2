import * as vscode from 'vscode';
import type { SpendLedger } from '../core/ledger/spendLedger';
import { conversationName } from '../core/chat/spendText';
import type { Bucket, SpendTotals } from '../core/ledger/monthFold';
import { formatUsd, formatUsdExact } from '../core/money';
import { monthlyLimits } from '../core/budget/teamBudgets';
import type { SettingsGateway } from './settingsGateway';

/** Today's and this month's spend against the monthly budget, updated whenever the ledger changes. */
export class StatusBarController implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly subs: vscode.Disposable[] = [];
  private refreshing: Promise<void> | undefined;
  private again = false;
  /** The text last shown, for tests and the accessibility name. */
  text = '';
  /** The tooltip's Markdown, for tests. */
  tooltip = '';

  constructor(
    private readonly ledger: SpendLedger,
    private readonly settings: SettingsGateway,
  ) {
    this.item = vscode.window.createStatusBarItem('spend', vscode.StatusBarAlignment.Right, 100);
    this.item.name = 'Costwise Spend';
    this.item.command = 'costwise.showReport';
    this.subs.push(ledger.onDidChange(() => this.refresh()), settings.onDidChange(() => this.refresh()));
    this.item.text = '$(pulse) Costwise';
    this.item.show();
    // The first read of the ledger and settings happens after activation returns (activation stays cheap).
    setTimeout(() => void this.refresh(), 0);
  }

  /** Coalesces bursts of changes into at most one read in flight plus one after it. */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.again = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      do {
        this.again = false;
        try {
          const { fold, totals } = await this.ledger.snapshot();
          const summary = fold.summary();
          this.render(totals, fold.corrupt.length, summary.localCost, summary.byProvider, summary.bySurface, (person) => fold.spent({ person }), summary.byConversation);
          if (fold.corrupt.length > this.corruptReported) this.reportCorrupt(fold.corrupt.length, fold.corrupt[0]!.file);
        } catch (e) {
          this.item.text = '$(warning) Costwise';
          this.item.tooltip = `Costwise could not read the spend ledger: ${(e as Error).message}`;
        }
      } while (this.again);
      this.refreshing = undefined;
    })();
    return this.refreshing;
  }

  private corruptReported = 0;

  /** Damaged lines are kept in the file and left out of the totals; the user hears of it once per new damage. */
  private reportCorrupt(count: number, file: string): void {
    this.corruptReported = count;
    void vscode.window
      .showWarningMessage(`Costwise: ${count} line${count === 1 ? '' : 's'} of the spend ledger could not be read and ${count === 1 ? 'is' : 'are'} left out of the totals. The file is kept as it is: ${file}`, 'Show Ledger File')
      .then((pick) => pick && vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(file)));
  }

  private render(t: SpendTotals, corrupt = 0, localEnergy = 0, byProvider: Array<{ key: string; cost: number; requests: number }> = [], surfaces: Bucket[] = [], spentBy?: (person: string) => number, conversations: Bucket[] = []): void {
    const { budget } = this.settings.current().settings;
    // On a team ledger: this person's month against their limit, beside the team's against the team's.
    const { personal, team } = monthlyLimits(budget.policy.rules);
    if (personal?.person !== undefined && spentBy) return this.renderTeam(t, personal.limit, spentBy(personal.person), team?.limit, budget.policy.warnRatio);
    const limit = budget.monthly;
    this.text = `$(pulse) ${formatUsd(t.today)} · ${formatUsd(t.month)} / ${formatUsd(limit)}`;
    this.item.text = this.text;
    const share = limit > 0 ? t.month / limit : t.month > 0 ? 1 : 0;
    this.item.backgroundColor =
      share >= 1 ? new vscode.ThemeColor('statusBarItem.errorBackground') : share >= budget.policy.warnRatio ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.accessibilityInformation = {
      label: `Costwise spend: ${formatUsd(t.today)} today, ${formatUsd(t.month)} this month of a ${formatUsd(limit)} budget`,
      role: 'button',
    };
    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown(`**Costwise spend**\n\n`);
    md.appendMarkdown(`| | |\n|---|---:|\n| Today | ${formatUsdExact(t.today)} |\n| This month | ${formatUsdExact(t.month)} |\n`);
    md.appendMarkdown(`| Still reserved | ${formatUsdExact(t.reserved)} |\n| Monthly budget | ${formatUsdExact(limit)} |\n| Requests | ${t.requests} |\n`);
    if (localEnergy) md.appendMarkdown(`| Local models (energy) | ${formatUsdExact(localEnergy)} |\n`);
    if (byProvider.length) {
      md.appendMarkdown(`\n| This month by provider | requests | cost |\n|---|---:|---:|\n`);
      for (const b of byProvider.slice(0, 6)) md.appendMarkdown(`| ${b.key} | ${b.requests} | ${formatUsd(b.cost)} |\n`);
    }
    if (surfaces.length > 1 || surfaces.some((b) => b.key === 'chat' || b.key === 'agent')) {
      md.appendMarkdown(`\n| This month by surface | requests | cost |\n|---|---:|---:|\n`);
      for (const b of surfaces) md.appendMarkdown(`| ${b.key} | ${b.requests} | ${formatUsd(b.cost)} |\n`);
    }
    if (conversations.length) {
      md.appendMarkdown(`\n| Costliest chat conversations | requests | cost |\n|---|---:|---:|\n`);
      for (const b of conversations.slice(0, 3)) md.appendMarkdown(`| ${conversationName(b.key)} | ${b.requests} | ${formatUsd(b.cost)} |\n`);
    }
    if (t.last) {
      const how = t.last.provider === 'local' ? ' (energy)' : t.last.usage.source === 'estimated' ? ' (estimated)' : '';
      md.appendMarkdown(`\nLast: \`${t.last.model}\` — ${formatUsdExact(t.last.cost)}${how}\n`);
    }
    if (budget.policy.rules.some((r) => r.origin))
      md.appendMarkdown(`\n$(info) A stricter limit set in another window applies here too (this window has not seen that settings change yet; reload it to).\n`);
    if (corrupt) md.appendMarkdown(`\n$(warning) ${corrupt} damaged ledger line${corrupt === 1 ? '' : 's'} left out (kept in the file)\n`);
    md.appendMarkdown(`\nClick for the spend report.`);
    this.item.tooltip = md;
    this.tooltip = md.value;
  }

  private renderTeam(t: SpendTotals, limit: number, mine: number, teamLimit: number | undefined, warnRatio: number): void {
    const teamText = teamLimit !== undefined ? ` · team ${formatUsd(t.month)} / ${formatUsd(teamLimit)}` : ` · team ${formatUsd(t.month)}`;
    this.text = `$(pulse) ${formatUsd(mine)} / ${formatUsd(limit)}${teamText}`;
    this.item.text = this.text;
    const share = Math.max(limit > 0 ? mine / limit : mine > 0 ? 1 : 0, teamLimit ? t.month / teamLimit : 0);
    this.item.backgroundColor = share >= 1 ? new vscode.ThemeColor('statusBarItem.errorBackground') : share >= warnRatio ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.accessibilityInformation = {
      label: `Costwise spend: ${formatUsd(mine)} of your ${formatUsd(limit)} budget this month; the team has spent ${formatUsd(t.month)}${teamLimit !== undefined ? ` of ${formatUsd(teamLimit)}` : ''}`,
      role: 'button',
    };
    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown(`**Costwise spend (team ledger)**\n\n| | |\n|---|---:|\n| You, this month | ${formatUsdExact(mine)} |\n| Your monthly limit | ${formatUsdExact(limit)} |\n`);
    md.appendMarkdown(`| Team, this month | ${formatUsdExact(t.month)} |\n| Team monthly limit | ${teamLimit !== undefined ? formatUsdExact(teamLimit) : 'none set'} |\n| Still reserved (team) | ${formatUsdExact(t.reserved)} |\n`);
    md.appendMarkdown(`\nClick for the spend report.`);
    this.item.tooltip = md;
    this.tooltip = md.value;
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    this.item.dispose();
  }
}
