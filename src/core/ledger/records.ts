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
  workspace?: string;
}

/** What the request really cost; replaces its reservation (same id). */
export interface SettleRecord {
  v: 1;
  kind: 'settle';
  id: string;
  at: string;
  model: string;
  provider: ProviderKind;
  task: string;
  usage: Usage;
  cost: MicroUsd;
  price: PriceRef;
  durationMs: number;
  outcome: 'ok' | 'error' | 'cancelled';
  workspace?: string;
}

/** Nothing was billed: the request never reached the provider. */
export interface ReleaseRecord {
  v: 1;
  kind: 'release';
  id: string;
  at: string;
  reason: string;
}

export type LedgerRecord = ReserveRecord | SettleRecord | ReleaseRecord;

export type ParsedLine = { ok: true; record: LedgerRecord } | { ok: false; error: string };

const isInt = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
const isStr = (x: unknown): x is string => typeof x === 'string' && x.length > 0;

/** Parses and validates one ledger line; anything unexpected is an error, never a guessed record. */
export function parseLedgerLine(line: string): ParsedLine {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return { ok: false, error: 'not valid JSON' };
  }
  if (!o || typeof o !== 'object') return { ok: false, error: 'not an object' };
  if (o.v !== LEDGER_VERSION) return { ok: false, error: `unknown record version ${JSON.stringify(o.v)}` };
  if (!isStr(o.id) || !isStr(o.at) || Number.isNaN(Date.parse(o.at))) return { ok: false, error: 'missing id or time' };
  switch (o.kind) {
    case 'reserve':
      if (!isStr(o.model) || !isInt(o.amount)) return { ok: false, error: 'reservation without model or amount' };
      return { ok: true, record: o as unknown as ReserveRecord };
    case 'settle': {
      const u = o.usage as Record<string, unknown> | undefined;
      const usageOk = !!u && ['inputTokens', 'cachedReadTokens', 'cacheWrite5mTokens', 'cacheWrite1hTokens', 'outputTokens', 'reasoningTokens'].every((k) => isInt(u[k]));
      if (!isStr(o.model) || !isInt(o.cost) || !usageOk) return { ok: false, error: 'settlement without model, cost or usage' };
      return { ok: true, record: o as unknown as SettleRecord };
    }
    case 'release':
      return { ok: true, record: o as unknown as ReleaseRecord };
    default:
      return { ok: false, error: `unknown record kind ${JSON.stringify(o.kind)}` };
  }
}
