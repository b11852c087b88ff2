import type { SpendScope } from '../ledger/monthFold';
import type { MicroUsd } from '../money';
import type { ParsedSettings } from '../settings';
import type { TeamStanding } from '../../shared/reportData';
import type { BudgetPolicy, LimitRule } from './budget';
import type { TeamBudgets, TeamLimit } from './teamLimits';

export type { TeamBudgets, TeamLimit } from './teamLimits';

export const TEAM_SETTING = 'the team budget (costwise budget set --team)';
export const PERSON_SETTING = 'the personal budget (costwise budget set --per-person)';

/** The limit rules a team's budgets put on one person: the team's total, and that person's own (none without a person). */
export function teamRules(b: TeamBudgets, person: string | undefined): LimitRule[] {
  const rules: LimitRule[] = [];
  const add = (l: TeamLimit | undefined, setting: string, who?: string) => {
    if (l?.monthly !== undefined) rules.push({ period: 'month', limit: l.monthly, setting, binding: true, team: true, ...(who ? { person: who } : {}) });
    if (l?.daily !== undefined) rules.push({ period: 'day', limit: l.daily, setting, binding: true, team: true, ...(who ? { person: who } : {}) });
  };
  add(b.team, TEAM_SETTING);
  if (person === undefined) return rules;
  const own = b.people[person];
  add(own ?? b.perPerson, own ? `${PERSON_SETTING.slice(0, -1)} --person ${person})` : PERSON_SETTING, person);
  return rules;
}

/**
 * The policy with its team rules (as read earlier, for display) replaced by the team's budgets as the
 * ledger read them under its lock, in the reservation's own transaction: a limit changed on another
 * machine a moment ago is the one a reservation is checked against.
 */
export function withLockedTeamRules(policy: BudgetPolicy, budgets: TeamBudgets, person: string | undefined): BudgetPolicy {
  return { ...policy, rules: [...policy.rules.filter((r) => !r.team), ...teamRules(budgets, person)] };
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

/**
 * On a team ledger (this person's limits name them): their month against their tightest monthly limit,
 * beside the team's month against the team's, both spent or reserved, as the status bar shows them.
 */
export function teamStanding(rules: readonly LimitRule[], spentIn: (scope: SpendScope) => MicroUsd): TeamStanding | undefined {
  const { personal, team } = monthlyLimits(rules);
  if (personal?.person === undefined) return undefined;
  return { person: personal.person, personal: { spent: spentIn({ person: personal.person }), limit: personal.limit }, team: { spent: spentIn({}), ...(team ? { limit: team.limit } : {}) } };
}
