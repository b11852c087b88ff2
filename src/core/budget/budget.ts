import { formatUsd, type MicroUsd } from '../money';
import type { SpendScope } from '../ledger/monthFold';

export type Period = 'day' | 'month';

/** One hard limit: overall, or for one provider or one model, per local day or calendar month. */
export interface LimitRule {
  period: Period;
  limit: MicroUsd;
  provider?: string;
  model?: string;
  /** Only this person's spend counts against it (a personal limit on a team ledger). */
  person?: string;
  /** Set by the team: no "send once anyway" and no "warn" policy passes it. */
  binding?: boolean;
  /** Read from the team ledger's budgets: a reservation checks it against the value read under the ledger lock. */
  team?: boolean;
  /** The setting this rule comes from, named in every message about it. */
  setting: string;
  /** Where its value comes from when not from this process's own settings: "last set in another window", "set in VS Code". */
  origin?: string;
}

/** What happens when a request's worst case does not fit a limit. */
export type OnLimit = 'ask' | 'downgrade' | 'warn';

export interface BudgetPolicy {
  rules: LimitRule[];
  /** Fraction of a limit (0..1) at which the user is warned. */
  warnRatio: number;
  onLimit: OnLimit;
}

export interface LimitState {
  rule: LimitRule;
  /** Spent or reserved so far in the rule's scope and period. */
  spent: MicroUsd;
  /** `spent` plus this request's worst case. */
  after: MicroUsd;
}

export interface Verdict {
  admitted: boolean;
  /** Limits this request would pass (empty when admitted on merit). */
  exceeded: LimitState[];
  /** Limits this request would carry past the warning level without passing them. */
  warnings: LimitState[];
  reason: string;
}

export interface Candidate {
  provider: string;
  model: string;
  /** Local models are priced by energy and never gated by money budgets. */
  local: boolean;
}

/**
 * Admits a request only if its worst-case cost fits every applicable limit on top of what is already
 * spent or reserved in that limit's scope. A limit of 0 admits no paid request. `spentIn` reads the
 * ledger's fold (under the ledger lock when this decides a reservation).
 */
export function evaluateBudget(policy: BudgetPolicy, c: Candidate, worstCase: MicroUsd, spentIn: (scope: SpendScope) => MicroUsd, today: string): Verdict {
  if (c.local) return { admitted: true, exceeded: [], warnings: [], reason: 'local models are not charged against money budgets' };
  const exceeded: LimitState[] = [];
  const warnings: LimitState[] = [];
  for (const rule of policy.rules) {
    if (rule.provider !== undefined && rule.provider !== c.provider) continue;
    if (rule.model !== undefined && rule.model !== c.model) continue;
    const scope: SpendScope = {};
    if (rule.provider !== undefined) scope.provider = rule.provider;
    if (rule.model !== undefined) scope.model = rule.model;
    if (rule.person !== undefined) scope.person = rule.person;
    if (rule.period === 'day') scope.day = today;
    const spent = spentIn(scope);
    const state = { rule, spent, after: spent + worstCase };
    if (rule.limit === 0 || state.after > rule.limit) exceeded.push(state);
    else if (state.after >= rule.limit * policy.warnRatio) warnings.push(state);
  }
  return { admitted: exceeded.length === 0, exceeded, warnings, reason: exceeded.map((s) => describe(s, worstCase)).join('; ') };
}

export function describe(s: LimitState, worstCase: MicroUsd): string {
  const what = `${s.rule.period === 'day' ? 'daily' : 'monthly'} ${s.rule.model ? `budget for ${s.rule.model}` : s.rule.provider ? `budget for ${s.rule.provider}` : s.rule.person ? `budget for ${s.rule.person}` : 'budget'}`;
  if (s.rule.limit === 0) return `the ${what} is $0, so no paid requests are allowed (${settingOf(s.rule)})`;
  return `this request could cost up to ${formatUsd(worstCase)}, and ${formatUsd(s.spent)} of the ${formatUsd(s.rule.limit)} ${what} is already spent or reserved (${settingOf(s.rule)})`;
}

/** The rule's setting as messages name it, with where its value was set if not here. */
function settingOf(r: LimitRule): string {
  return r.origin ? `${r.setting} as ${r.origin}` : r.setting;
}
