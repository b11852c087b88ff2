import type { LimitRule } from '../budget/budget';
import type { MonthFold } from '../ledger/monthFold';

/** A label value as OpenMetrics writes it (backslash, quote and newline escaped). */
const esc = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const labels = (l: Record<string, string>) => `{${Object.entries(l).map(([k, v]) => `${k}="${esc(v)}"`).join(',')}}`;
/** Micro-dollars as dollars, exactly (no float rounding on the way). */
export const usdText = (micro: number) => `${micro < 0 ? '-' : ''}${Math.floor(Math.abs(micro) / 1e6)}.${String(Math.abs(micro) % 1e6).padStart(6, '0')}`;

interface Cell {
  cost: number;
  requests: number;
  tokens: Record<'input' | 'cached_read' | 'cache_write' | 'output' | 'reasoning', number>;
}

/**
 * This month's ledger as OpenMetrics text (Prometheus scrapes it; node_exporter's textfile collector
 * reads the same lines). Gauges, since a month's sums restart with the month: settled spend, requests
 * and tokens by model, provider and person; what is still reserved; and each budget's use and limit.
 */
export function renderOpenMetrics(fold: MonthFold, rules: readonly LimitRule[], today: string): string {

  const cells = new Map<string, Cell & { l: Record<string, string> }>();
  for (const r of fold.settled) {
    const l = { model: r.model, provider: r.provider, person: r.person ?? '' };
    const key = JSON.stringify(l);
    let c = cells.get(key);
    if (!c) cells.set(key, (c = { l, cost: 0, requests: 0, tokens: { input: 0, cached_read: 0, cache_write: 0, output: 0, reasoning: 0 } }));
    c.cost += r.cost;
    c.requests++;
    c.tokens.input += r.usage.inputTokens;
    c.tokens.cached_read += r.usage.cachedReadTokens;
    c.tokens.cache_write += r.usage.cacheWrite5mTokens + r.usage.cacheWrite1hTokens;
    c.tokens.output += r.usage.outputTokens;
    c.tokens.reasoning += r.usage.reasoningTokens;
  }
  const sorted = [...cells.values()].sort((a, b) => JSON.stringify(a.l).localeCompare(JSON.stringify(b.l)));
  const out: string[] = [];
  const family = (name: string, help: string, unit?: string) => {
    out.push(`# TYPE ${name} gauge`);
    if (unit) out.push(`# UNIT ${name} ${unit}`);
    out.push(`# HELP ${name} ${help}`);
  };
  const month = { month: fold.month };
  family('costwise_month_spend_usd', 'Settled spend this calendar month, US dollars.', 'usd');
  for (const c of sorted) out.push(`costwise_month_spend_usd${labels({ ...month, ...c.l })} ${usdText(c.cost)}`);
  family('costwise_month_requests', 'Settled requests this calendar month.');
  for (const c of sorted) out.push(`costwise_month_requests${labels({ ...month, ...c.l })} ${c.requests}`);
  family('costwise_month_tokens', 'Tokens of settled requests this calendar month, by kind (reasoning is part of output).');
  for (const c of sorted) for (const [kind, n] of Object.entries(c.tokens)) out.push(`costwise_month_tokens${labels({ ...month, ...c.l, kind })} ${n}`);
  family('costwise_month_reserved_usd', 'Worst-case cost held by requests still in flight, US dollars.', 'usd');
  out.push(`costwise_month_reserved_usd${labels(month)} ${usdText(fold.reserved())}`);
  const budgetLabels = (r: LimitRule) => ({ scope: r.person !== undefined ? 'person' : 'overall', person: r.person ?? '', period: r.period, provider: r.provider ?? '', model: r.model ?? '', setting: r.setting });
  // One series per label set (two rules from one setting, e.g. seen in two windows: the tightest).
  const byKey = new Map<string, LimitRule>();
  for (const r of rules) {
    const k = JSON.stringify(budgetLabels(r));
    const seen = byKey.get(k);
    if (!seen || r.limit < seen.limit) byKey.set(k, r);
  }
  rules = [...byKey.values()];
  const spentFor = (r: LimitRule) => fold.spent({ ...(r.provider ? { provider: r.provider } : {}), ...(r.model ? { model: r.model } : {}), ...(r.person !== undefined ? { person: r.person } : {}), ...(r.period === 'day' ? { day: today } : {}) });
  family('costwise_budget_limit_usd', 'A budget limit, US dollars (scope overall or person; period month or day).', 'usd');
  for (const r of rules) out.push(`costwise_budget_limit_usd${labels(budgetLabels(r))} ${usdText(r.limit)}`);
  family('costwise_budget_used_usd', "Spent or reserved against a budget limit in its period, US dollars.", 'usd');
  for (const r of rules) out.push(`costwise_budget_used_usd${labels(budgetLabels(r))} ${usdText(spentFor(r))}`);
  out.push('# EOF');
  return out.join('\n') + '\n';
}
