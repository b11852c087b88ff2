import type { MicroUsd } from '../money';
import type { CorruptLine } from './ledgerStore';
import { localDayKey } from './periods';
import type { LedgerRecord, ReserveRecord, SettleRecord } from './records';
import { surfaceOf } from './surface';

/** What a budget rule or a summary asks about: which spend, over which period. */
export interface SpendScope {
  provider?: string;
  model?: string;
  /** A local day (`YYYY-MM-DD`); the whole month when absent. */
  day?: string;
  /** One person's spend (records' `person`); everyone's when absent. */
  person?: string;
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

export interface Bucket {
  key: string;
  cost: MicroUsd;
  requests: number;
}

/** A month in plain data: what a report or a year view needs, small enough to pass between threads. */
export interface MonthSummary {
  month: string;
  total: MicroUsd;
  reserved: MicroUsd;
  requests: number;
  byDay: Record<string, MicroUsd>;
  byProvider: Bucket[];
  byModel: Bucket[];
  byTask: Bucket[];
  /** By surface: panel (Explain Selection), chat, agent (see surfaceOf). */
  bySurface: Bucket[];
  byWorkspace: Bucket[];
  /** By who spent it (records without a person under "(none)"). */
  byPerson: Bucket[];
  /** By chat conversation (only requests made in a conversation). */
  byConversation: Bucket[];
  tokens: { input: number; cachedRead: number; cacheWrite: number; output: number; reasoning: number };
  estimatedRequests: number;
  corruptLines: number;
  /** What the tier's most expensive model would have cost minus what was paid, over requests that know it. */
  saved: MicroUsd;
  /** Spend on local models (energy) and on remote APIs. */
  localCost: MicroUsd;
}

const SEP = '\u0000';
type Dimension = 'provider' | 'model' | 'task' | 'surface' | 'workspace' | 'person' | 'conversation';

/**
 * One month's ledger folded into sums, one record at a time, so a reader that already holds a fold
 * only applies the records appended since (no re-reading) and a summary costs as much as its keys.
 * A reservation counts at its reserved amount until its settlement or release arrives; a settlement
 * counts once however often it was written (settle is idempotent); spend is counted on the
 * reservation's local day.
 */
export class MonthFold {
  readonly open = new Map<string, ReserveRecord>();
  readonly settled: SettleRecord[] = [];
  readonly corrupt: CorruptLine[] = [];
  private readonly closed = new Set<string>();
  /** Settled cost by `day|provider|model|person`. */
  private readonly cells = new Map<string, MicroUsd>();
  private readonly dims: Record<Dimension, Map<string, { cost: MicroUsd; requests: number }>> = {
    provider: new Map(),
    model: new Map(),
    task: new Map(),
    surface: new Map(),
    workspace: new Map(),
    person: new Map(),
    conversation: new Map(),
  };
  private readonly tokens = { input: 0, cachedRead: 0, cacheWrite: 0, output: 0, reasoning: 0 };
  private estimated = 0;
  private saved = 0;
  private localCost = 0;
  /** Local day of an ISO time, memoised per minute (time-zone offsets are whole minutes). */
  private readonly dayOfMinute = new Map<string, string>();
  total: MicroUsd = 0;
  duplicates = 0;
  /** Where the store's next incremental read starts. */
  offset = 0;
  lines = 0;

  constructor(readonly month: string) {}

  dayOf(iso: string): string {
    const minute = iso.slice(0, 16);
    let day = this.dayOfMinute.get(minute);
    if (day === undefined) {
      day = localDayKey(new Date(iso));
      this.dayOfMinute.set(minute, day);
    }
    return day;
  }

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
    const key = `${this.dayOf(r.reservedAt)}${SEP}${r.provider}${SEP}${r.model}${SEP}${r.person ?? ''}`;
    this.cells.set(key, (this.cells.get(key) ?? 0) + r.cost);
    bump(this.dims.provider, r.provider, r.cost);
    bump(this.dims.model, r.model, r.cost);
    bump(this.dims.task, r.task ?? '(none)', r.cost);
    bump(this.dims.surface, surfaceOf(r), r.cost);
    bump(this.dims.workspace, r.workspace ?? '(none)', r.cost);
    bump(this.dims.person, r.person ?? '(none)', r.cost);
    if (r.conversation) bump(this.dims.conversation, r.conversation, r.cost);
    const u = r.usage;
    this.tokens.input += u.inputTokens;
    this.tokens.cachedRead += u.cachedReadTokens;
    this.tokens.cacheWrite += u.cacheWrite5mTokens + u.cacheWrite1hTokens;
    this.tokens.output += u.outputTokens;
    this.tokens.reasoning += u.reasoningTokens;
    if (u.source === 'estimated') this.estimated++;
    if (r.counterfactual && r.counterfactual.cost > r.cost) this.saved += r.counterfactual.cost - r.cost;
    if (r.provider === 'local') this.localCost += r.cost;
  }

  /** Settled plus (unless asked not to) reserved spend in a scope (paid providers and local alike; callers filter). */
  spent(scope: SpendScope = {}, includeReserved = true): MicroUsd {
    let sum = 0;
    for (const [key, cost] of this.cells) {
      const [day, provider, model, person] = key.split(SEP);
      if (matches(scope, day!, provider!, model!, person!)) sum += cost;
    }
    if (includeReserved) for (const r of this.open.values()) if (matches(scope, this.dayOf(r.at), r.provider, r.model, r.person ?? '')) sum += r.amount;
    return sum;
  }

  reserved(): MicroUsd {
    let sum = 0;
    for (const r of this.open.values()) sum += r.amount;
    return sum;
  }

  totals(now: Date): SpendTotals {
    const reserved = this.reserved();
    const t: SpendTotals = { today: this.spent({ day: localDayKey(now) }), month: this.total + reserved, reserved, requests: this.settled.length };
    const last = this.settled[this.settled.length - 1];
    if (last) t.last = last;
    return t;
  }

  /** Settled cost by local day and provider. */
  dailyByProvider(): Map<string, Map<string, MicroUsd>> {
    const out = new Map<string, Map<string, MicroUsd>>();
    for (const [key, cost] of this.cells) {
      const [day, provider] = key.split(SEP) as [string, string];
      const row = out.get(day) ?? new Map<string, MicroUsd>();
      row.set(provider, (row.get(provider) ?? 0) + cost);
      out.set(day, row);
    }
    return out;
  }

  /** Settled cost and request count grouped by a field, largest first. */
  breakdown(by: Dimension): Bucket[] {
    return [...this.dims[by]].map(([key, b]) => ({ key, ...b })).sort((a, b) => b.cost - a.cost || a.key.localeCompare(b.key));
  }

  summary(): MonthSummary {
    const byDay: Record<string, MicroUsd> = {};
    for (const [key, cost] of this.cells) {
      const day = key.slice(0, key.indexOf(SEP));
      byDay[day] = (byDay[day] ?? 0) + cost;
    }
    return {
      month: this.month,
      total: this.total,
      reserved: this.reserved(),
      requests: this.settled.length,
      byDay,
      byProvider: this.breakdown('provider'),
      byModel: this.breakdown('model'),
      byTask: this.breakdown('task'),
      bySurface: this.breakdown('surface'),
      byWorkspace: this.breakdown('workspace'),
      byPerson: this.breakdown('person'),
      byConversation: this.breakdown('conversation'),
      tokens: { ...this.tokens },
      estimatedRequests: this.estimated,
      corruptLines: this.corrupt.length,
      saved: this.saved,
      localCost: this.localCost,
    };
  }
}

function bump(m: Map<string, { cost: MicroUsd; requests: number }>, key: string, cost: MicroUsd): void {
  const b = m.get(key);
  if (b) {
    b.cost += cost;
    b.requests++;
  } else m.set(key, { cost, requests: 1 });
}

function matches(scope: SpendScope, day: string, provider: string, model: string, person: string): boolean {
  return (scope.day === undefined || scope.day === day) && (scope.provider === undefined || scope.provider === provider) && (scope.model === undefined || scope.model === model) && (scope.person === undefined || scope.person === person);
}
