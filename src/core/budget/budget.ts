import { formatUsd, type MicroUsd } from '../money';
import type { SpendTotals } from '../ledger/totals';

export interface BudgetLimits {
  monthly: MicroUsd;
  daily: MicroUsd | undefined;
}

export type Admission = { admitted: true } | { admitted: false; reason: string };

/**
 * Admits a request only if its worst-case cost fits every limit on top of what is already spent or
 * reserved. A limit of 0 admits no paid request at all.
 */
export function admit(totals: SpendTotals, worstCase: MicroUsd, limits: BudgetLimits): Admission {
  if (worstCase <= 0) return { admitted: true };
  const check = (name: string, spent: MicroUsd, limit: MicroUsd | undefined): Admission | undefined => {
    if (limit === undefined) return undefined;
    if (limit === 0) return { admitted: false, reason: `the ${name} budget is $0, so no paid requests are allowed (costwise.budget.${name}Usd)` };
    if (spent + worstCase > limit) {
      return {
        admitted: false,
        reason: `this request could cost up to ${formatUsd(worstCase)}, and ${formatUsd(spent)} of the ${formatUsd(limit)} ${name} budget is already spent or reserved`,
      };
    }
    return undefined;
  };
  return check('daily', totals.today, limits.daily) ?? check('monthly', totals.month, limits.monthly) ?? { admitted: true };
}
