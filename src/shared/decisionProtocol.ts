/**
 * The typed messages between the extension host and the "Why This Model?" webview. The host sends a
 * ready-to-show view of the last routing decision (all text formatted on the host); both sides validate
 * what they receive, and the webview keeps the last view as its state so a reload restores it.
 */
export type DecisionRowKind = 'chosen' | 'fallback' | 'rejected';

export interface DecisionRow {
  kind: DecisionRowKind;
  model: string;
  /** The effort the model is called at; absent: the API's default. */
  effort?: string;
  endpoint: string;
  /** "81.8", "31 (est.)" or "unscored". */
  quality: string;
  expected: string;
  worstCase: string;
  /** Why it was chosen, kept as a fallback, or rejected. */
  reason: string;
  /** "off-peak until 01:00 UTC (peak prices from then)", for models priced by time of day. */
  timeOfDay?: string;
  /** "promotional price until 2026-12-01". */
  promo?: string;
}

export interface DecisionViewData {
  summary: string;
  task: string;
  tier: string;
  /** "premium ≥ 80 · standard ≥ 72 · basic ≥ 0". */
  thresholds: string;
  /** The request's instant, e.g. "2026-11-30 14:20 UTC". */
  decidedAt: string;
  /** One line per model priced by time of day: "deepseek-flash: off-peak until 01:00 UTC (peak prices from then)". */
  timeNotes: string[];
  /** Where the prices came from and how old they are. */
  priceData?: { text: string; stale: boolean };
  rows: DecisionRow[];
  /** What savings are counted against. */
  savings?: string;
}

export type HostToDecisionView = { type: 'decision'; data: DecisionViewData } | { type: 'empty' };

/** `ready` starts the handshake; `rendered` says how many candidate rows the view now shows. */
export type DecisionViewToHost = { type: 'ready' } | { type: 'rendered'; rows: number };

export function isDecisionViewToHost(m: unknown): m is DecisionViewToHost {
  if (!m || typeof m !== 'object') return false;
  const o = m as Record<string, unknown>;
  const keys = Object.keys(o).sort().join(',');
  if (o.type === 'ready') return keys === 'type';
  return o.type === 'rendered' && keys === 'rows,type' && typeof o.rows === 'number' && Number.isSafeInteger(o.rows) && o.rows >= 0;
}

const str = (x: unknown): x is string => typeof x === 'string';
const optStr = (x: unknown) => x === undefined || str(x);
const KINDS: readonly string[] = ['chosen', 'fallback', 'rejected'];

export function isDecisionRow(x: unknown): x is DecisionRow {
  if (!x || typeof x !== 'object') return false;
  const r = x as Record<string, unknown>;
  return (
    str(r.kind) && KINDS.includes(r.kind) &&
    str(r.model) && r.model.length > 0 &&
    optStr(r.effort) && str(r.endpoint) && str(r.quality) && str(r.expected) && str(r.worstCase) && str(r.reason) &&
    optStr(r.timeOfDay) && optStr(r.promo)
  );
}

export function isDecisionViewData(x: unknown): x is DecisionViewData {
  if (!x || typeof x !== 'object') return false;
  const d = x as Record<string, unknown>;
  const pd = d.priceData as Record<string, unknown> | undefined;
  return (
    str(d.summary) && str(d.task) && str(d.tier) && str(d.thresholds) && str(d.decidedAt) &&
    Array.isArray(d.timeNotes) && d.timeNotes.every(str) &&
    (pd === undefined || (!!pd && typeof pd === 'object' && str(pd.text) && typeof pd.stale === 'boolean')) &&
    Array.isArray(d.rows) && d.rows.every(isDecisionRow) &&
    optStr(d.savings)
  );
}

export function isHostToDecisionView(m: unknown): m is HostToDecisionView {
  if (!m || typeof m !== 'object') return false;
  const o = m as Record<string, unknown>;
  if (o.type === 'empty') return Object.keys(o).length === 1;
  return o.type === 'decision' && isDecisionViewData(o.data);
}
