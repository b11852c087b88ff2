import * as vscode from 'vscode';
import type { BudgetRefusal } from '../core/ledger/spendLedger';
import { formatUsd, usdToMicro } from '../core/money';
import type { SettingsGateway } from './settingsGateway';

/**
 * At a limit with the "ask" policy: pause and let the user send this one request anyway, raise the
 * limit, or cancel — never a dead end, never a silent overrun.
 */
export async function askAtLimit(refusal: BudgetRefusal, settings: SettingsGateway): Promise<'once' | 'raised' | 'cancelled'> {
  const first = refusal.verdict?.exceeded?.[0];
  if (refusal.verdict?.exceeded?.some((s) => s.rule.binding)) {
    // The team's limit: not this window's to lift (a team lead changes it with `costwise budget set`).
    await vscode.window.showWarningMessage(`Costwise: ${refusal.reason}.`, { modal: true, detail: 'This limit is set by your team; it is changed with `costwise budget set`.' });
    return 'cancelled';
  }
  // A limit set in another window is raised here the same way: the change here is then the newest.
  const setting = first?.rule.setting;
  const canRaise = setting === 'costwise.budget.monthlyUsd' || setting === 'costwise.budget.dailyUsd';
  // The first action is the dialog's default (Enter): never the one that spends past the limit.
  const actions = [canRaise ? 'Raise Limit…' : 'Open Budget Settings', 'Send Once Anyway'];
  const pick = await vscode.window.showWarningMessage(`Costwise: ${refusal.reason}.`, { modal: true, detail: 'Send this one request anyway, change the limit, or cancel.' }, ...actions);
  if (pick === 'Send Once Anyway') return 'once';
  if (pick === 'Open Budget Settings') {
    await vscode.commands.executeCommand('workbench.action.openSettings', setting?.split('.').slice(0, 3).join('.') ?? 'costwise.budget');
    return 'cancelled';
  }
  if (pick !== 'Raise Limit…' || !first) return 'cancelled';
  const suggested = Math.ceil((first.after / 1e6) * 1.5 * 100) / 100;
  const value = await vscode.window.showInputBox({
    title: `Costwise: new ${first.rule.period === 'day' ? 'daily' : 'monthly'} limit (USD)`,
    prompt: `Now ${formatUsd(first.rule.limit)}; this request needs at least ${formatUsd(first.after)}.`,
    value: String(suggested),
    validateInput: (v) => {
      const n = Number(v);
      if (!Number.isFinite(n) || n < 0 || n > 1_000_000) return 'Enter a number of dollars from 0 to 1,000,000.';
      return usdToMicro(n) < first.after ? `At least ${formatUsd(first.after)} is needed for this request.` : undefined;
    },
  });
  if (value === undefined) return 'cancelled';
  await settings.setBudget(setting === 'costwise.budget.dailyUsd' ? 'budget.dailyUsd' : 'budget.monthlyUsd', Number(value));
  return 'raised';
}
