import type { SpendScope } from '../ledger/monthFold';
import type { MicroUsd } from '../money';
import type { LimitRule } from './budget';

export const DEFAULT_ALERT_PERCENTS: readonly number[] = [50, 80, 100];

export interface BudgetAlert {
  rule: LimitRule;
  /** The highest level newly crossed (per cent of the limit). */
  level: number;
  spent: MicroUsd;
  /** Identifies this level of this rule in this period: alerted once, ever. */
  key: string;
  /** Keys of every level crossed so far in the period, this one included (lower ones are not shown later). */
  claims: string[];
}

/**
 * Which levels of which limits spend has crossed since they were last announced: at most one alert per
 * rule (its highest new level), and a level is announced once per period — never a nag on every request.
 */
export function budgetAlerts(rules: readonly LimitRule[], percents: readonly number[], spentIn: (scope: SpendScope) => MicroUsd, today: string, announced: (key: string) => boolean): BudgetAlert[] {
  const out: BudgetAlert[] = [];
  for (const rule of rules) {
    if (rule.limit <= 0) continue;
    const period = rule.period === 'day' ? today : today.slice(0, 7);
    const spent = spentIn({ ...(rule.provider ? { provider: rule.provider } : {}), ...(rule.model ? { model: rule.model } : {}), ...(rule.person ? { person: rule.person } : {}), ...(rule.period === 'day' ? { day: today } : {}) });
    const crossed = [...percents].sort((a, b) => a - b).filter((p) => spent >= (rule.limit * p) / 100);
    if (!crossed.length) continue;
    const keyOf = (p: number) => `${rule.setting}|${rule.provider ?? ''}|${rule.model ?? ''}${rule.person ? `|${rule.person}` : ''}|${period}|${p}`;
    const top = crossed[crossed.length - 1]!;
    if (announced(keyOf(top))) continue;
    out.push({ rule, level: top, spent, key: keyOf(top), claims: crossed.map(keyOf) });
  }
  return out;
}
