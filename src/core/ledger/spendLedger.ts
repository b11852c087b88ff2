import type { BudgetPolicy, Verdict } from '../budget/budget';
import { withLockedTeamRules } from '../budget/teamBudgets';
import type { Clock } from '../clock';
import { Emitter, type Event } from '../events';
import type { LedgerStore } from './ledgerStore';
import { MonthFold, type SpendScope, type SpendTotals } from './monthFold';
import { localDayKey, localMonthKey, previousMonthKey } from './periods';
import type { ReserveRecord, SettleRecord } from './records';

export type ReserveRequest = Omit<ReserveRecord, 'v' | 'kind' | 'id' | 'at' | 'owner' | 'person'>;
export type Settlement = Omit<SettleRecord, 'v' | 'kind' | 'id' | 'at' | 'reservedAt' | 'model' | 'provider' | 'task' | 'workspace' | 'file' | 'person' | 'conversation'>;
/** Decides admission from the spend as it is under the lock. */
export type Admit = (
  spentIn: (scope: SpendScope) => number,
  today: string,
  /** A policy with its team rules as read under that lock (on a team ledger; elsewhere the policy as it is). */
  current: (policy: BudgetPolicy) => BudgetPolicy,
) => Pick<Verdict, 'admitted' | 'reason'> & Partial<Verdict> & { override?: ReserveRecord['override'] };

export class BudgetRefusal extends Error {
  constructor(
    readonly reason: string,
    readonly verdict?: Partial<Verdict>,
  ) {
    super(`Costwise did not send the request: ${reason}.`);
    this.name = 'BudgetRefusal';
  }
}

/**
 * Whether `e` is a budget refusal — by name, not `instanceof`: the ledger lives in the activation
 * bundle and the code that catches its refusals in the engine bundle, each with its own copy of this class.
 */
export function isBudgetRefusal(e: unknown): e is BudgetRefusal {
  return e instanceof Error && e.name === 'BudgetRefusal' && typeof (e as Partial<BudgetRefusal>).reason === 'string';
}

/** Serialises async work within one process (the file lock serialises across processes). */
class Mutex {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn, fn);
    this.tail = next.catch(() => undefined);
    return next;
  }
}

/**
 * The spend ledger. Reservations are checked and appended under one cross-process lock, so requests
 * from several windows and the CLI cannot together overrun a budget; settlements replace them with the
 * real cost. Each month is folded once and then only the bytes appended since are read.
 */
export class SpendLedger {
  private readonly changed = new Emitter<void>();
  readonly onDidChange: Event<void> = this.changed.event;
  private readonly folds = new Map<string, MonthFold>();
  private readonly reading = new Mutex();
  private readonly writing = new Mutex();

  constructor(
    private readonly store: LedgerStore,
    private readonly clock: Clock,
    private readonly newId: () => string,
    /** This process, as recorded in its reservations (`host:pid:start`). */
    readonly owner: string,
    /** Who spends through this ledger (`costwise.identity`), recorded in each reservation when set. */
    readonly person?: string,
  ) {}

  /** The month's fold, caught up with everything appended so far (by any process). */
  fold(month = localMonthKey(this.clock.now())): Promise<MonthFold> {
    return this.reading.run(async () => {
      let f = this.folds.get(month) ?? new MonthFold(month);
      let chunk = await this.store.readMonth(month, f.offset, f.lines);
      if (chunk.reset) {
        f = new MonthFold(month);
        chunk = await this.store.readMonth(month, 0, 0);
      }
      for (const r of chunk.records) f.apply(r);
      f.corrupt.push(...chunk.corrupt);
      f.offset = chunk.nextOffset;
      f.lines += chunk.lines;
      this.folds.set(month, f);
      return f;
    });
  }

  /** Months that have a ledger file, oldest first. */
  months(): Promise<string[]> {
    return this.store.months();
  }

  async totals(): Promise<SpendTotals> {
    return (await this.fold()).totals(this.clock.now());
  }

  /** This month's fold and its totals from one read (for views that show both). */
  async snapshot(): Promise<{ fold: MonthFold; totals: SpendTotals }> {
    const fold = await this.fold();
    return { fold, totals: fold.totals(this.clock.now()) };
  }

  /** Reserves `req.amount` if `admit` accepts the spend as it is under the lock; else throws BudgetRefusal. */
  async reserve(req: ReserveRequest, admit: Admit): Promise<ReserveRecord> {
    const record = await this.writing.run(() =>
      this.store.withLock(async (view) => {
        const now = this.clock.now();
        const f = await this.fold(localMonthKey(now));
        const team = view?.teamBudgets;
        const current = (p: BudgetPolicy) => (team ? withLockedTeamRules(p, team, this.person) : p);
        const verdict = admit((scope) => f.spent(scope), localDayKey(now), current);
        if (!verdict.admitted) throw new BudgetRefusal(verdict.reason, verdict);
        const r: ReserveRecord = { v: 1, kind: 'reserve', id: this.newId(), at: now.toISOString(), owner: this.owner, ...req };
        if (verdict.override) r.override = verdict.override;
        if (this.person) r.person = this.person;
        await this.store.append(r);
        return r;
      }),
    );
    await this.fold(localMonthKey(new Date(record.at)));
    this.changed.fire();
    return record;
  }

  async settle(reservation: ReserveRecord, s: Settlement): Promise<SettleRecord> {
    const r = this.settlementOf(reservation, s);
    await this.store.append(r);
    await this.fold(localMonthKey(new Date(reservation.at)));
    this.changed.fire();
    return r;
  }

  private settlementOf(reservation: ReserveRecord, s: Settlement): SettleRecord {
    const { model, provider, task, workspace, file } = reservation;
    const r: SettleRecord = { v: 1, kind: 'settle', id: reservation.id, at: this.clock.now().toISOString(), reservedAt: reservation.at, model, provider, task, ...s };
    if (workspace !== undefined) r.workspace = workspace;
    if (file !== undefined) r.file = file;
    if (reservation.person !== undefined) r.person = reservation.person;
    if (reservation.conversation !== undefined) r.conversation = reservation.conversation;
    return r;
  }

  async release(reservation: ReserveRecord, reason: string): Promise<void> {
    await this.store.append({ v: 1, kind: 'release', id: reservation.id, at: this.clock.now().toISOString(), reservedAt: reservation.at, reason });
    await this.fold(localMonthKey(new Date(reservation.at)));
    this.changed.fire();
  }

  /**
   * Reservations whose holder is gone (crashed between reserve and settle): another process's open
   * reservation in this or last month whose owner `isAlive` denies, or any older than `maxAgeMs`.
   */
  async orphans(isAlive: (owner: string) => boolean, maxAgeMs: number): Promise<ReserveRecord[]> {
    const now = this.clock.now();
    const out: ReserveRecord[] = [];
    for (const month of [previousMonthKey(now), localMonthKey(now)]) {
      for (const r of (await this.fold(month)).open.values()) {
        const age = now.getTime() - Date.parse(r.at);
        if (age > maxAgeMs || (r.owner !== this.owner && !isAlive(r.owner))) out.push(r);
      }
    }
    return out;
  }

  /**
   * Finds orphans and settles each at its reserved amount (flagged as estimated: money held is never
   * forgotten), under the lock, so two processes sweeping at once never settle one orphan twice.
   */
  async settleOrphans(isAlive: (owner: string) => boolean, maxAgeMs: number): Promise<ReserveRecord[]> {
    const found = await this.writing.run(() =>
      this.store.withLock(async () => {
        const orphans = await this.orphans(isAlive, maxAgeMs);
        for (const r of orphans) await this.store.append(this.settlementOf(r, { usage: { ...r.estimate, source: 'estimated' }, cost: r.amount, price: r.price, durationMs: 0, outcome: 'orphaned', settledBy: this.owner }));
        return orphans;
      }),
    );
    if (found.length) {
      for (const month of new Set(found.map((r) => localMonthKey(new Date(r.at))))) await this.fold(month);
      this.changed.fire();
    }
    return found;
  }

  /** Forwards changes made by other processes (other windows, the CLI). */
  notifyExternalChange(): void {
    this.changed.fire();
  }

  dispose(): void {
    this.changed.dispose();
  }
}
