import type { TeamBudgets, TeamLimit } from '../core/budget/teamBudgets';
import type { PostgresLedgerStore } from './postgresLedgerStore';

type Row = { scope: string; monthly_micro: string | null; daily_micro: string | null };
const limitOf = (r: Row): TeamLimit => ({ ...(r.monthly_micro !== null ? { monthly: Number(r.monthly_micro) } : {}), ...(r.daily_micro !== null ? { daily: Number(r.daily_micro) } : {}) });

/** The team's budgets as the database holds them now. */
export async function readTeamBudgets(store: PostgresLedgerStore): Promise<TeamBudgets> {
  const out: TeamBudgets = { people: {} };
  for (const r of await store.sql<Row>('SELECT scope, monthly_micro, daily_micro FROM costwise_budgets')) {
    if (r.scope === 'team') out.team = limitOf(r);
    else if (r.scope === 'per-person') out.perPerson = limitOf(r);
    else out.people[r.scope.slice('person:'.length)] = limitOf(r);
  }
  return out;
}

/**
 * Sets one scope's limits (`team`, `per-person` or `person:<name>`); a limit left undefined is kept as
 * it was, null removes it. Every window hears of it through the ledger's change notification.
 */
export async function setTeamBudget(store: PostgresLedgerStore, scope: string, limit: { monthly?: number | null; daily?: number | null }, by: string): Promise<void> {
  await store.sql(
    `WITH up AS (
       INSERT INTO costwise_budgets (scope, monthly_micro, daily_micro, set_by) VALUES ($1, $2, $3, $4)
       ON CONFLICT (scope) DO UPDATE SET
         monthly_micro = CASE WHEN $5 THEN EXCLUDED.monthly_micro ELSE costwise_budgets.monthly_micro END,
         daily_micro = CASE WHEN $6 THEN EXCLUDED.daily_micro ELSE costwise_budgets.daily_micro END,
         set_by = EXCLUDED.set_by, set_at = now()
       RETURNING scope)
     SELECT pg_notify('costwise_ledger', 'budget ' || scope) FROM up`,
    [scope, limit.monthly ?? null, limit.daily ?? null, by, limit.monthly !== undefined, limit.daily !== undefined],
  );
}
