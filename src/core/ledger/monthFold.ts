import type { MicroUsd } from '../money';
import type { CorruptLine } from './ledgerStore';
import { localDayKey } from './periods';
import type { LedgerRecord, ReserveRecord, SettleRecord } from './records';

/** What a budget rule or a summary asks about: which spend, over which period. */
export interface SpendScope {
  provider?: string;
  model?: string;
  /** A local day (`YYYY-MM-DD`); the whole month when absent. */
  day?: string;
}

export interface SpendTotals {
  /** Settled cost plus open reservations, today and this month (local time). */
  today: MicroUsd;
  month: MicroUsd;
  /** Part of `month` that is still reserved, not yet settled. */
  reserved: MicroUsd;
  requests: number;
  last?: SettleRecord;
}

const SEP = '\u0000';

/**
 * One month's ledger folded into sums, one record at a time, so a reader that already holds a fold
 * only applies the records appended since (no re-reading). A reservation counts at its reserved
 * amount until its settlement or release arrives; a settlement counts once however often it was
 * written (settle is idempotent); spend is counted on the reservation's local day.
 */
export class MonthFold {
  readonly open = new Map<string, ReserveRecord>();
  readonly settled: SettleRecord[] = [];
  readonly corrupt: CorruptLine[] = [];
  private readonly closed = new Set<string>();
  /** Settled cost by `day|provider|model`. */
  private readonly cells = new Map<string, MicroUsd>();
  total: MicroUsd = 0;
  duplicates = 0;
  /** Where the store's next incremental read starts. */
  offset = 0;
  lines = 0;

  constructor(readonly month: string) {}

  apply(r: LedgerRecord): void {
    if (r.kind === 'reserve') {
      if (!this.closed.has(r.id)) this.open.set(r.id, r);
      return;
    }
    if (this.closed.has(r.id)) {
      this.duplicates++;
      return;
    }
    this.closed.add(r.id);
    this.open.delete(r.id);
    if (r.kind === 'release') return;
    this.settled.push(r);
    this.total += r.cost;
    const key = `${localDayKey(new Date(r.reservedAt))}${SEP}${r.provider}${SEP}${r.model}`;
    this.cells.set(key, (this.cells.get(key) ?? 0) + r.cost);
  }

  /** Settled plus reserved spend in a scope (paid providers and local alike; callers filter). */
  spent(scope: SpendScope = {}): MicroUsd {
    let sum = 0;
    for (const [key, cost] of this.cells) {
      const [day, provider, model] = key.split(SEP);
      if (matches(scope, day!, provider!, model!)) sum += cost;
    }
    for (const r of this.open.values()) if (matches(scope, localDayKey(new Date(r.at)), r.provider, r.model)) sum += r.amount;
    return sum;
  }

  reserved(): MicroUsd {
    let sum = 0;
    for (const r of this.open.values()) sum += r.amount;
    return sum;
  }

  totals(now: Date): SpendTotals {
    const t: SpendTotals = { today: this.spent({ day: localDayKey(now) }), month: this.total + this.reserved(), reserved: this.reserved(), requests: this.settled.length };
    const last = this.settled[this.settled.length - 1];
    if (last) t.last = last;
    return t;
  }

  /** Settled cost and request count grouped by a field, largest first. */
  breakdown(by: 'provider' | 'model' | 'task' | 'workspace'): Array<{ key: string; cost: MicroUsd; requests: number }> {
    const m = new Map<string, { cost: MicroUsd; requests: number }>();
    for (const s of this.settled) {
      const key = (by === 'workspace' ? s.workspace : s[by]) ?? '(none)';
      const b = m.get(key) ?? { cost: 0, requests: 0 };
      b.cost += s.cost;
      b.requests++;
      m.set(key, b);
    }
    return [...m].map(([key, b]) => ({ key, ...b })).sort((a, b) => b.cost - a.cost || a.key.localeCompare(b.key));
  }
}

function matches(scope: SpendScope, day: string, provider: string, model: string): boolean {
  return (scope.day === undefined || scope.day === day) && (scope.provider === undefined || scope.provider === provider) && (scope.model === undefined || scope.model === model);
}

