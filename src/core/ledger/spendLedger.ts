import type { Clock } from '../clock';
import { Emitter, type Event } from '../events';
import type { LedgerStore } from './ledgerStore';
import { localMonthKey } from './periods';
import type { ReserveRecord, SettleRecord } from './records';
import { summarizeMonth, type SpendTotals } from './totals';

export type ReserveRequest = Omit<ReserveRecord, 'v' | 'kind' | 'id' | 'at'>;
export type Settlement = Omit<SettleRecord, 'v' | 'kind' | 'id' | 'at' | 'model' | 'provider' | 'task' | 'workspace'>;
export type Admit = (totals: SpendTotals) => { admitted: true } | { admitted: false; reason: string };

export class BudgetRefusal extends Error {
  constructor(readonly reason: string) {
    super(`Costwise did not send the request: ${reason}.`);
    this.name = 'BudgetRefusal';
  }
}

/**
 * The spend ledger: reservations are checked and appended under one cross-process lock, so requests
 * from several windows cannot together overrun a budget; settlements replace them with the real cost.
 */
export class SpendLedger {
  private readonly changed = new Emitter<void>();
  readonly onDidChange: Event<void> = this.changed.event;

  constructor(
    private readonly store: LedgerStore,
    private readonly clock: Clock,
    private readonly newId: () => string,
  ) {}

  async totals(): Promise<SpendTotals> {
    const now = this.clock.now();
    const { records } = await this.store.readMonth(localMonthKey(now));
    return summarizeMonth(records, now);
  }

  /** Reserves `req.amount` if `admit` accepts the totals as they are under the lock; else throws BudgetRefusal. */
  async reserve(req: ReserveRequest, admitFn: Admit): Promise<ReserveRecord> {
    const record = await this.store.withLock(async () => {
      const verdict = admitFn(await this.totals());
      if (!verdict.admitted) throw new BudgetRefusal(verdict.reason);
      const r: ReserveRecord = { v: 1, kind: 'reserve', id: this.newId(), at: this.clock.now().toISOString(), ...req };
      await this.store.append(r);
      return r;
    });
    this.changed.fire();
    return record;
  }

  async settle(reservation: ReserveRecord, s: Settlement): Promise<SettleRecord> {
    const { model, provider, task, workspace } = reservation;
    const r: SettleRecord = { v: 1, kind: 'settle', id: reservation.id, at: this.clock.now().toISOString(), model, provider, task, ...s };
    if (workspace !== undefined) r.workspace = workspace;
    await this.store.append(r);
    this.changed.fire();
    return r;
  }

  async release(reservation: ReserveRecord, reason: string): Promise<void> {
    await this.store.append({ v: 1, kind: 'release', id: reservation.id, at: this.clock.now().toISOString(), reason });
    this.changed.fire();
  }

  /** Forwards changes made by other processes (other windows, the CLI). */
  notifyExternalChange(): void {
    this.changed.fire();
  }

  dispose(): void {
    this.changed.dispose();
  }
}
