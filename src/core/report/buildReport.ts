import type { MonthFold, MonthSummary } from '../ledger/monthFold';
import type { MicroUsd } from '../money';
import { costOf } from '../pricing/cost';
import { energyCost, type EnergyPrice } from '../pricing/energy';
import type { PriceEntry } from '../pricing/priceEntry';
import { promptTokens, type Usage } from '../pricing/usage';
import type { ReportData, RequestColumns, WhatIfRow } from '../../shared/reportData';

export interface ReportOptions {
  months: string[];
  now: Date;
  /** Today's local day (`YYYY-MM-DD`), for the forecast. */
  today: string;
  budget: MicroUsd;
  /** Current list prices of every catalog model (what-if). */
  catalog: PriceEntry[];
  /** Local options for the what-if: a label and its decode speed on this machine. */
  local: Array<{ label: string; tokensPerSecond: number }>;
  energy: EnergyPrice;
  /** Summaries of the other months of the year (folded elsewhere, e.g. in worker threads). */
  otherMonths?: MonthSummary[];
}

function daysOf(month: string): string[] {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const n = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return Array.from({ length: n }, (_, i) => `${month}-${String(i + 1).padStart(2, '0')}`);
}

function emptySum(): Usage {
  return { inputTokens: 0, cachedReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, outputTokens: 0, reasoningTokens: 0, source: 'reported' };
}

function addTo(sum: Usage, u: Usage): void {
  sum.inputTokens += u.inputTokens;
  sum.cachedReadTokens += u.cachedReadTokens;
  sum.cacheWrite5mTokens += u.cacheWrite5mTokens;
  sum.cacheWrite1hTokens += u.cacheWrite1hTokens;
  sum.outputTokens += u.outputTokens;
  sum.reasoningTokens += u.reasoningTokens;
}

/** Usage as a model without cache-write prices would bill it (writes are plain input there). */
function asPlainCache(u: Usage): Usage {
  const writes = u.cacheWrite5mTokens + u.cacheWrite1hTokens;
  return writes ? { ...u, inputTokens: u.inputTokens + writes, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0 } : u;
}

/**
 * The month's usage re-priced on every catalog model and on each local option. Models with one price
 * are priced on the month's summed usage (exact: cost is linear); models whose price changes above a
 * prompt size (long-context tiers) are priced request by request.
 */
export function whatIf(fold: MonthFold, catalog: PriceEntry[], local: ReportOptions['local'], energy: EnergyPrice): WhatIfRow[] {
  // Usage summed per prompt-size threshold in use (0 = every request): each model's price is linear
  // within a tier, so the month costs the same as pricing request by request, less per-request rounding.
  const thresholds = [0, ...new Set(catalog.flatMap((p) => (p.above ? [p.above.threshold] : [])))];
  const below = new Map<number, Usage>(thresholds.map((t) => [t, emptySum()]));
  const aboveSum = new Map<number, Usage>(thresholds.map((t) => [t, emptySum()]));
  for (const r of fold.settled) {
    const prompt = promptTokens(r.usage);
    for (const t of thresholds) addTo(t && prompt > t ? aboveSum.get(t)! : below.get(t)!, r.usage);
  }
  const sum = below.get(0)!;
  const rows: WhatIfRow[] = catalog.map((p) => {
    const fix = (u: Usage) => (p.prices.cacheWrite5m === undefined || p.prices.cacheWrite1h === undefined ? asPlainCache(u) : u);
    try {
      const cost = p.above
        ? costOf(fix(below.get(p.above.threshold)!), { ...p, above: undefined }) + costOf(fix(aboveSum.get(p.above.threshold)!), { ...p, prices: p.above.prices, above: undefined })
        : costOf(fix(sum), p);
      return { model: p.model, provider: p.provider, kind: 'remote' as const, cost, note: `list price since ${p.effective}${p.retired ? `; retired by ${p.provider} on ${p.retired}` : ''}` };
    } catch (e) {
      return { model: p.model, provider: p.provider, kind: 'remote' as const, cost: undefined, note: (e as Error).message };
    }
  });
  // Local: the generated tokens (reasoning included) at the option's decode speed, priced by energy.
  const generated = sum.outputTokens + (sum.reasoningTokens > sum.outputTokens ? sum.reasoningTokens : 0);
  for (const l of local) {
    const seconds = l.tokensPerSecond > 0 ? generated / l.tokensPerSecond : 0;
    rows.push({ model: l.label, provider: 'local', kind: 'local', cost: generated ? energyCost(seconds, energy) : 0, note: `${l.tokensPerSecond.toFixed(1)} tokens/s here, ${energy.watts} W at $${energy.usdPerKwh}/kWh; prompt processing not counted` });
  }
  return rows.sort((a, b) => (a.cost ?? Infinity) - (b.cost ?? Infinity));
}

/** Builds everything the report webview draws for one month. */
export function buildReport(fold: MonthFold, o: ReportOptions): ReportData {
  const s = fold.summary();
  const days = daysOf(fold.month);
  const byDay = fold.dailyByProvider();
  const providers = s.byProvider.map((b) => b.key);
  const cost = providers.map((p) => days.map((d) => byDay.get(d)?.get(p) ?? 0));
  const isCurrentMonth = o.today.startsWith(fold.month);
  let forecast: MicroUsd | undefined;
  if (isCurrentMonth) {
    const elapsed = Math.max(1, Number(o.today.slice(8, 10)));
    forecast = Math.round((s.total / elapsed) * days.length);
  }
  const n = fold.settled.length;
  const req: RequestColumns = { at: [], file: [], model: [], provider: [], tier: [], input: [], output: [], reasoning: [], cost: [], estimated: [], outcome: [] };
  for (let i = n - 1; i >= 0; i--) {
    const r = fold.settled[i]!;
    req.at.push(r.reservedAt);
    req.file.push(r.file ?? '');
    req.model.push(r.model);
    req.provider.push(r.provider);
    req.tier.push(r.tier ?? '');
    req.input.push(r.usage.inputTokens + r.usage.cachedReadTokens + r.usage.cacheWrite5mTokens + r.usage.cacheWrite1hTokens);
    req.output.push(r.usage.outputTokens);
    req.reasoning.push(r.usage.reasoningTokens);
    req.cost.push(r.cost);
    req.estimated.push(r.usage.source === 'estimated');
    req.outcome.push(r.outcome);
  }
  const localRequests = s.byProvider.find((b) => b.key === 'local')?.requests ?? 0;
  return {
    month: fold.month,
    months: o.months,
    isCurrentMonth,
    budget: o.budget,
    kpis: {
      spend: s.total,
      reserved: s.reserved,
      requests: s.requests,
      tokens: s.tokens,
      saved: s.saved,
      localCost: s.localCost,
      remoteCost: s.total - s.localCost,
      localRequests,
      estimatedRequests: s.estimatedRequests,
      corruptLines: s.corruptLines,
    },
    daily: { days, providers, cost },
    forecast,
    breakdowns: { model: s.byModel, provider: s.byProvider, task: s.byTask, workspace: s.byWorkspace, ...(s.byPerson.some((b) => b.key !== '(none)') ? { person: s.byPerson } : {}) },
    requests: req,
    whatIf: whatIf(fold, o.catalog, o.local, o.energy),
    selfHosting: {
      apiSpendPerMonth: s.total - s.localCost,
      usdPerCny: 0.14,
      fullR1: { serverCny: 2_200_000, amortizationMonths: 36, powerKw: 6, usdPerKwh: o.energy.usdPerKwh },
      distill: { hardwareUsd: 2000, amortizationMonths: 36, watts: o.energy.watts, hoursPerDay: 2, usdPerKwh: o.energy.usdPerKwh },
    },
    year: [...(o.otherMonths ?? []).filter((m) => m.month.slice(0, 4) === fold.month.slice(0, 4) && m.month !== fold.month), s]
      .map((m) => ({ month: m.month, spend: m.total, requests: m.requests, localCost: m.localCost }))
      .sort((a, b) => a.month.localeCompare(b.month)),
  };
}

