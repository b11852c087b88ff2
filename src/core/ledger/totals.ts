import type { MicroUsd } from '../money';
import { localDayKey, localMonthKey } from './periods';
import type { LedgerRecord, SettleRecord } from './records';

export interface SpendTotals {
  /** Settled cost plus open reservations, today and this month (local time). */
  today: MicroUsd;
  month: MicroUsd;
  /** Part of `month` that is still reserved, not yet settled. */
  reserved: MicroUsd;
  requests: number;
  last?: SettleRecord;
}

/**
 * Sums one month's records. A reservation counts at its reserved amount until its settlement (or
 * release) appears; a settlement counts once however many times it was written (settle is idempotent).
 */
export function summarizeMonth(records: readonly LedgerRecord[], now: Date): SpendTotals {
  const month = localMonthKey(now);
  const today = localDayKey(now);
  const open = new Map<string, { amount: MicroUsd; at: Date }>();
  const settled = new Map<string, SettleRecord>();
  const released = new Set<string>();
  for (const r of records) {
    if (r.kind === 'reserve') open.set(r.id, { amount: r.amount, at: new Date(r.at) });
    else if (r.kind === 'settle') {
      if (!settled.has(r.id)) settled.set(r.id, r);
    } else released.add(r.id);
  }
  const t: SpendTotals = { today: 0, month: 0, reserved: 0, requests: 0 };
  const add = (amount: MicroUsd, at: Date) => {
    if (localMonthKey(at) !== month) return;
    t.month += amount;
    if (localDayKey(at) === today) t.today += amount;
  };
  for (const s of settled.values()) {
    const at = new Date(s.at);
    add(s.cost, at);
    if (localMonthKey(at) === month) t.requests++;
    if (!t.last || s.at > t.last.at) t.last = s;
  }
  for (const [id, r] of open) {
    if (settled.has(id) || released.has(id)) continue;
    add(r.amount, r.at);
    t.reserved += r.amount;
  }
  return t;
}
