/**
 * The typed messages between the extension host and the explanation webview. Both sides validate
 * what they receive: a webview is untrusted input to the host, and model output is untrusted input
 * to the webview (rendered as sanitised markdown, never as HTML).
 */
export interface AnswerFooter {
  model: string;
  tier: string;
  inputTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  cost: string;
  estimated: boolean;
  /** What routing saved against the tier's most expensive model, e.g. "$0.02 vs claude-opus-4-1". */
  saved?: string;
  /** For a model priced by time of day: "off-peak price until 01:00 UTC". */
  priceWindow?: string;
  /** Set when the price data is older than 60 days: "price data 68 days old (stale)". */
  stalePrices?: string;
}

export type HostToExplainView =
  | { type: 'start'; title: string; model: string }
  | { type: 'reasoning'; text: string }
  | { type: 'text'; text: string }
  | { type: 'done'; footer: AnswerFooter | undefined }
  | { type: 'error'; message: string };

export type ExplainViewToHost = { type: 'ready' } | { type: 'cancel' } | { type: 'whyThisModel' } | { type: 'escalate' };

export interface ExplainViewState {
  title: string;
  model: string;
  reasoning: string;
  text: string;
  footer: AnswerFooter | undefined;
  error: string | undefined;
  running: boolean;
}

export function isExplainViewToHost(m: unknown): m is ExplainViewToHost {
  if (!m || typeof m !== 'object') return false;
  const keys = Object.keys(m);
  const type = (m as { type?: unknown }).type;
  return keys.length === 1 && (type === 'ready' || type === 'cancel' || type === 'whyThisModel' || type === 'escalate');
}

const str = (x: unknown): x is string => typeof x === 'string';
const count = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
const optStr = (x: unknown) => x === undefined || str(x);

/** A footer as the host builds it: every field of its type, nothing of another. */
export function isAnswerFooter(x: unknown): x is AnswerFooter {
  if (!x || typeof x !== 'object') return false;
  const f = x as Record<string, unknown>;
  return (
    str(f.model) && str(f.tier) && count(f.inputTokens) && count(f.outputTokens) && count(f.reasoningTokens) &&
    str(f.cost) && typeof f.estimated === 'boolean' && optStr(f.saved) && optStr(f.priceWindow) && optStr(f.stalePrices)
  );
}

export function isHostToExplainView(m: unknown): m is HostToExplainView {
  if (!m || typeof m !== 'object') return false;
  const o = m as Record<string, unknown>;
  switch (o.type) {
    case 'start':
      return str(o.title) && str(o.model);
    case 'reasoning':
    case 'text':
      return str(o.text);
    case 'error':
      return str(o.message);
    case 'done':
      return o.footer === undefined || isAnswerFooter(o.footer);
    default:
      return false;
  }
}

/** Folds one message into the view state: the same reducer restores a panel after a reload. */
export function reduceExplainView(s: ExplainViewState, m: HostToExplainView): ExplainViewState {
  switch (m.type) {
    case 'start':
      return { title: m.title, model: m.model, reasoning: '', text: '', footer: undefined, error: undefined, running: true };
    case 'reasoning':
      return { ...s, reasoning: s.reasoning + m.text };
    case 'text':
      return { ...s, text: s.text + m.text };
    case 'done':
      return { ...s, footer: m.footer, running: false };
    case 'error':
      return { ...s, error: m.message, running: false };
  }
}

export const EMPTY_EXPLAIN_VIEW: ExplainViewState = { title: '', model: '', reasoning: '', text: '', footer: undefined, error: undefined, running: false };
