import type { MicroUsd } from '../money';

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
