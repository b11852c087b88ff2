import type { MicroUsd } from '../money';
import type { PriceRef, ProviderKind } from '../pricing/priceEntry';
import type { Usage } from '../pricing/usage';

export const LEDGER_VERSION = 1;

/** Worst-case cost held against the budget before a request is sent. */
export interface ReserveRecord {
  v: 1;
  kind: 'reserve';
  id: string;
  at: string;
  model: string;
  provider: ProviderKind;
  task: string;
  amount: MicroUsd;
  /** The usage `amount` was computed from (estimated prompt + every output token allowed). */
  estimate: Usage;
  /** The price `amount` was computed with. */
  price: PriceRef;
  /** The process that holds the reservation (`host:pid:start`), to find orphans after a crash. */
  owner: string;
  workspace?: string;
  /** The explained file's name (no folders), for the report's request table. */
  file?: string;
  /** Admitted past a limit because the user approved it once, or the policy is "warn". */
  override?: 'approved-once' | 'warn';
  /** Who spent it (`costwise.identity`, default user@host): a team ledger's budgets and reports go by it. */
  person?: string;
  /** The chat conversation the request belongs to (a hash of its start, never its text). */
  conversation?: string;
}

/** What the request really cost; replaces its reservation (same id). */
export interface SettleRecord {
  v: 1;
  kind: 'settle';
  id: string;
  at: string;
  /** The reservation's time: spend is counted on that day, in that month's file. */
  reservedAt: string;
  model: string;
  provider: ProviderKind;
  task: string;
  usage: Usage;
  cost: MicroUsd;
  price: PriceRef;
  durationMs: number;
  outcome: 'ok' | 'error' | 'cancelled' | 'orphaned';
  /** Prompt tokens estimated before the call, for calibrating the estimator against `usage`. */
  estimatedInputTokens?: number;
  /** What the most expensive model allowed in the tier would have cost for the same usage. */
  counterfactual?: { model: string; cost: MicroUsd };
  workspace?: string;
  file?: string;
  tier?: string;
  /** The effort the model was called at (absent: its default). */
  effort?: string;
  /** For an orphan: the process that found it and recorded it (`host:pid:start`). */
  settledBy?: string;
  /** The reservation's person, carried over. */
  person?: string;
  /** The reservation's chat conversation, carried over. */
  conversation?: string;
}

/** Nothing was billed: the request never reached the provider. */
export interface ReleaseRecord {
  v: 1;
  kind: 'release';
  id: string;
  at: string;
  reservedAt: string;
  reason: string;
}

export type LedgerRecord = ReserveRecord | SettleRecord | ReleaseRecord;

export type ParsedLine = { ok: true; record: LedgerRecord } | { ok: false; error: string };

const isInt = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
const isStr = (x: unknown): x is string => typeof x === 'string' && x.length > 0;
// An ISO-8601 UTC time as Date.toISOString() writes it (checked by shape: Date.parse is slow over 750k lines).
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;
const isTime = (x: unknown): x is string => typeof x === 'string' && ISO.test(x);
const USAGE_KEYS = ['inputTokens', 'cachedReadTokens', 'cacheWrite5mTokens', 'cacheWrite1hTokens', 'outputTokens', 'reasoningTokens'] as const;
const isUsage = (u: unknown): boolean => !!u && typeof u === 'object' && USAGE_KEYS.every((k) => isInt((u as Record<string, unknown>)[k]));

/** Parses and validates one ledger line; anything unexpected is an error, never a guessed record. */
export function parseLedgerLine(line: string): ParsedLine {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return { ok: false, error: 'not valid JSON' };
  }
  if (!o || typeof o !== 'object' || Array.isArray(o)) return { ok: false, error: 'not an object' };
  if (o.v !== LEDGER_VERSION) return { ok: false, error: `unknown record version ${JSON.stringify(o.v)} (written by a newer Costwise?)` };
  if (!isStr(o.id) || !isTime(o.at)) return { ok: false, error: 'missing id or time' };
  switch (o.kind) {
    case 'reserve':
      if (!isStr(o.model) || !isStr(o.provider) || !isInt(o.amount) || !isUsage(o.estimate) || !isStr(o.owner) || !o.price) return { ok: false, error: 'reservation without model, provider, amount, estimate, price or owner' };
      return { ok: true, record: o as unknown as ReserveRecord };
    case 'settle':
      if (!isStr(o.model) || !isStr(o.provider) || !isInt(o.cost) || !isUsage(o.usage) || !isTime(o.reservedAt)) return { ok: false, error: 'settlement without model, provider, cost, usage or reservation time' };
      return { ok: true, record: o as unknown as SettleRecord };
    case 'release':
      if (!isTime(o.reservedAt)) return { ok: false, error: 'release without reservation time' };
      return { ok: true, record: o as unknown as ReleaseRecord };
    default:
      return { ok: false, error: `unknown record kind ${JSON.stringify(o.kind)}` };
  }
}

/** The time that decides a record's day and month file: the reservation's. */
export function spendTime(r: LedgerRecord): string {
  return r.kind === 'reserve' ? r.at : r.reservedAt;
}
