import type { TeamBudgets, TeamLimit } from '../core/budget/teamLimits';

/** What reads and writes budgets needs of the team ledger (PostgresLedgerStore). */
interface TeamLedger {
  sql<R extends Record<string, unknown>>(text: string, params?: unknown[]): Promise<R[]>;
  transaction<T>(fn: (client: { query(text: string, params: unknown[]): Promise<unknown> }) => Promise<T>): Promise<T>;
}

export type BudgetRow = { scope: string; monthly_micro: string | null; daily_micro: string | null };
export const BUDGETS_SQL = 'SELECT scope, monthly_micro, daily_micro FROM costwise_budgets';

const limitOf = (r: BudgetRow): TeamLimit => ({ ...(r.monthly_micro !== null ? { monthly: Number(r.monthly_micro) } : {}), ...(r.daily_micro !== null ? { daily: Number(r.daily_micro) } : {}) });

/** The team's budgets from the rows of BUDGETS_SQL. */
export function budgetsOf(rows: readonly BudgetRow[]): TeamBudgets {
  const out: TeamBudgets = { people: {} };
  for (const r of rows) {
    if (r.scope === 'team') out.team = limitOf(r);
    else if (r.scope === 'per-person') out.perPerson = limitOf(r);
    else out.people[r.scope.slice('person:'.length)] = limitOf(r);
  }
  return out;
}

/**
 * The team's budgets as the database holds them now, for display (the status bar, the report, the CLI's
 * listing). A reservation does not use these: it reads them again in its own transaction, under the lock.
 */
export async function readTeamBudgets(store: TeamLedger): Promise<TeamBudgets> {
  return budgetsOf(await store.sql<BudgetRow>(BUDGETS_SQL));
}

/**
 * Sets one scope's limits (`team`, `per-person` or `person:<name>`); a limit left undefined is kept as
 * it was, null removes it. Written under the ledger lock, so every reservation is checked either wholly
 * before the change or against it; every window hears of it through the ledger's change notification.
 */
export async function setTeamBudget(store: TeamLedger, scope: string, limit: { monthly?: number | null; daily?: number | null }, by: string): Promise<void> {
  await store.transaction((client) =>
    client.query(
      `INSERT INTO costwise_budgets (scope, monthly_micro, daily_micro, set_by) VALUES ($1, $2, $3, $4)
       ON CONFLICT (scope) DO UPDATE SET
         monthly_micro = CASE WHEN $5 THEN EXCLUDED.monthly_micro ELSE costwise_budgets.monthly_micro END,
         daily_micro = CASE WHEN $6 THEN EXCLUDED.daily_micro ELSE costwise_budgets.daily_micro END,
         set_by = EXCLUDED.set_by, set_at = now()`,
      [scope, limit.monthly ?? null, limit.daily ?? null, by, limit.monthly !== undefined, limit.daily !== undefined],
    ),
  );
}
