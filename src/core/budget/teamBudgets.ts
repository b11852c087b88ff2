import type { MicroUsd } from '../money';
import type { ParsedSettings } from '../settings';
import type { LimitRule } from './budget';

export interface TeamLimit {
  monthly?: MicroUsd;
  daily?: MicroUsd;
}

/** Budgets kept in the team ledger, set with `costwise budget set`, read by every window and the CLI. */
export interface TeamBudgets {
  /** The whole team's spend. */
  team?: TeamLimit;
  /** Each person's, unless `people` names them. */
  perPerson?: TeamLimit;
  people: Record<string, TeamLimit>;
}

export const TEAM_SETTING = 'the team budget (costwise budget set --team)';
export const PERSON_SETTING = 'the personal budget (costwise budget set --per-person)';

/** The limit rules a team's budgets put on one person: the team's total, and that person's own. */
export function teamRules(b: TeamBudgets, person: string): LimitRule[] {
  const rules: LimitRule[] = [];
  const add = (l: TeamLimit | undefined, setting: string, who?: string) => {
    if (l?.monthly !== undefined) rules.push({ period: 'month', limit: l.monthly, setting, binding: true, ...(who ? { person: who } : {}) });
    if (l?.daily !== undefined) rules.push({ period: 'day', limit: l.daily, setting, binding: true, ...(who ? { person: who } : {}) });
  };
  add(b.team, TEAM_SETTING);
  const own = b.people[person];
  add(own ?? b.perPerson, own ? `${PERSON_SETTING.slice(0, -1)} --person ${person})` : PERSON_SETTING, person);
  return rules;
}

/**
 * Settings on a team ledger: this window's own limits (costwise.budget.*) count only this person's
 * spend (the ledger holds everyone's), and the team's budgets are added. Every request must fit all.
 */
export function withTeamBudgets(parsed: ParsedSettings, budgets: TeamBudgets | undefined, person: string): ParsedSettings {
  const budget = parsed.settings.budget;
  const own = budget.policy.rules.map((r) => (r.person === undefined ? { ...r, person } : r));
  const team = budgets ? teamRules(budgets, person) : [];
  return { ...parsed, settings: { ...parsed.settings, budget: { ...budget, policy: { ...budget.policy, rules: [...own, ...team] } } } };
}

/** The monthly limits to show beside each other: this person's tightest, and the team's. */
export function monthlyLimits(rules: readonly LimitRule[]): { personal?: LimitRule; team?: LimitRule } {
  const month = rules.filter((r) => r.period === 'month' && r.provider === undefined && r.model === undefined);
  const tightest = (rs: LimitRule[]) => rs.reduce<LimitRule | undefined>((m, r) => (m === undefined || r.limit < m.limit ? r : m), undefined);
  const personal = tightest(month.filter((r) => r.person !== undefined));
  const team = tightest(month.filter((r) => r.person === undefined));
  return { ...(personal ? { personal } : {}), ...(team ? { team } : {}) };
}
