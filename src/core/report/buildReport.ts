import { conversationName } from '../chat/spendText';
import { DISTILLS, FULL_R1 } from '../runtime/distills';
import { H200_PROVENANCE, H200_SPEEDS } from '../runtime/measuredSpeeds';
import type { MeasuredGpuThroughput } from '../../shared/selfHosting';
import type { MonthFold, MonthSummary } from '../ledger/monthFold';
import type { MicroUsd } from '../money';
import { costOf } from '../pricing/cost';
import { energyCost, type EnergyPrice } from '../pricing/energy';
import type { PriceEntry } from '../pricing/priceEntry';
import { inWindow } from '../pricing/timeWindows';
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
  /** Local options at a decode speed; `source` says which measured hardware the speed comes from. */
  local: Array<{ label: string; tokensPerSecond: number; source?: string }>;
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
  sum.cacheWriteTokens = (sum.cacheWriteTokens ?? 0) + (u.cacheWriteTokens ?? 0);
  sum.outputTokens += u.outputTokens;
  sum.reasoningTokens += u.reasoningTokens;
}

/** Usage as a model without cache-write prices would bill it (writes are plain input there). */
function asPlainCache(u: Usage, e: PriceEntry): Usage {
  const out = { ...u };
  const kinds = [['cacheWriteTokens', 'cacheWrite'], ['cacheWrite5mTokens', 'cacheWrite5m'], ['cacheWrite1hTokens', 'cacheWrite1h']] as const;
  for (const [tokens, price] of kinds) {
    if (e.prices[price] === undefined && (out[tokens] ?? 0) > 0) {
      out.inputTokens += out[tokens] ?? 0;
      out[tokens] = 0;
    }
  }
  return out;
}

/** Which prices of `p` a request pays: its time window's and its context tier's. */
function bucketOf(p: PriceEntry, at: number, prompt: number): string {
  const peak = p.timed ? inWindow(p.timed.rule, at) : false;
  let tier = -1;
  (p.tiers ?? []).forEach((t, i) => {
    if (prompt >= t.fromPromptTokens) tier = i;
  });
  return `${peak ? 'peak' : 'base'}|${tier}`;
}

function bucketPrices(p: PriceEntry, bucket: string, offPeakOnly: boolean): PriceEntry {
  const [window, tier] = bucket.split('|') as [string, string];
  const t = Number(tier);
  const prices = t >= 0 ? p.tiers![t]!.prices : window === 'peak' && !offPeakOnly ? p.timed!.prices : p.prices;
  return { ...p, prices, tiers: undefined, timed: undefined };
}

/**
 * The month's usage re-priced on every catalog model and on each local option. Cost is linear within one
 * set of prices, so requests are summed per bucket — time window (peak / off-peak, at the instant each
 * request was made) x whole-request context tier — and each bucket is priced once. Models that bill by
 * time of day get a second row: the same month, all off-peak.
 */
export function whatIf(fold: MonthFold, catalog: PriceEntry[], local: ReportOptions['local'], energy: EnergyPrice): WhatIfRow[] {
  const shapes = new Map<string, Map<string, Usage>>();
  const shapeOf = (p: PriceEntry) => `${p.timed ? `${p.timed.rule.id}` : ''}|${(p.tiers ?? []).map((t) => t.fromPromptTokens).join(',')}`;
  for (const p of catalog) {
    const key = shapeOf(p);
    if (shapes.has(key)) continue;
    const sums = new Map<string, Usage>();
    for (const r of fold.settled) {
      const b = bucketOf(p, Date.parse(r.reservedAt), promptTokens(r.usage));
      let sum = sums.get(b);
      if (!sum) sums.set(b, (sum = emptySum()));
      addTo(sum, r.usage);
    }
    shapes.set(key, sums);
  }
  const sum = emptySum();
  for (const r of fold.settled) addTo(sum, r.usage);
  const priceRow = (p: PriceEntry, offPeak: boolean): WhatIfRow => {
    const model = offPeak ? `${p.model} (${p.timed!.rule.otherLabel})` : p.model;
    try {
      let cost = 0;
      for (const [bucket, u] of shapes.get(shapeOf(p))!) {
        const e = bucketPrices(p, bucket, offPeak);
        cost += costOf(asPlainCache(u, e), e, 0);
      }
      const notes = [`list price since ${p.effective}`, offPeak ? `every request at ${p.timed!.rule.otherLabel} prices` : '', p.promoUntil ? `promotion until ${p.promoUntil}` : '', p.retired ? `retired by ${p.provider} on ${p.retired}` : ''];
      return { model, provider: p.provider, kind: 'remote' as const, cost, note: notes.filter(Boolean).join('; ') };
    } catch (e) {
      return { model, provider: p.provider, kind: 'remote' as const, cost: undefined, note: (e as Error).message };
    }
  };
  const rows: WhatIfRow[] = catalog.flatMap((p) => (p.timed ? [priceRow(p, false), priceRow(p, true)] : [priceRow(p, false)]));
  // Local: the generated tokens (reasoning included) at the option's decode speed, priced by energy.
  const generated = sum.outputTokens + (sum.reasoningTokens > sum.outputTokens ? sum.reasoningTokens : 0);
  for (const l of local) {
    const seconds = l.tokensPerSecond > 0 ? generated / l.tokensPerSecond : 0;
    rows.push({ model: l.label, provider: 'local', kind: 'local', cost: generated ? energyCost(seconds, energy) : 0, note: `${l.tokensPerSecond.toFixed(1)} tokens/s here${l.source ? ` (${l.source})` : ''}, ${energy.watts} W at $${energy.usdPerKwh}/kWh; prompt processing not counted` });
  }
  return rows.sort((a, b) => (a.cost ?? Infinity) - (b.cost ?? Infinity));
}

/** The H200's measured Q4_0 decode throughput at 1/4/16 parallel sequences (measuredSpeeds.ts). */
function h200Throughput(): MeasuredGpuThroughput {
  return {
    hardware: `NVIDIA H200, measured ${H200_PROVENANCE.measuredOn} (llama.cpp, Q4_0, random weights of the real shapes)`,
    rows: H200_SPEEDS.filter((r) => r.precision === 'Q4_0').map((r) => ({ model: DISTILLS.find((d) => d.key === r.distill)?.label ?? r.distill, decodeTps: { ...r.parallelDecodeTps } })),
  };
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
    breakdowns: {
      model: s.byModel,
      provider: s.byProvider,
      surface: s.bySurface,
      workspace: s.byWorkspace,
      ...(s.byPerson.some((b) => b.key !== '(none)') ? { person: s.byPerson } : {}),
      ...(s.byConversation.length ? { conversation: s.byConversation.map((b) => ({ ...b, key: conversationName(b.key) })) } : {}),
    },
    requests: req,
    whatIf: whatIf(fold, o.catalog, o.local, o.energy),
    selfHosting: {
      apiSpendPerMonth: s.total - s.localCost,
      usdPerCny: 0.14,
      fullR1: { serverCny: 2_200_000, amortizationMonths: 36, powerKw: 6, usdPerKwh: o.energy.usdPerKwh },
      distill: { hardwareUsd: 2000, amortizationMonths: 36, watts: o.energy.watts, hoursPerDay: 2, usdPerKwh: o.energy.usdPerKwh },
      gpu: {
        throughput: h200Throughput(),
        // FACTS.md §4's rental figure for an H100-hour (CNY 200); an H200-hour is priced alike. Editable in the report.
        usdPerGpuHour: Math.round(FULL_R1.h100HourCny * 0.14 * 100) / 100,
        monthlyGeneratedTokens: s.tokens.output + (s.tokens.reasoning > s.tokens.output ? s.tokens.reasoning : 0),
      },
    },
    year: [...(o.otherMonths ?? []).filter((m) => m.month.slice(0, 4) === fold.month.slice(0, 4) && m.month !== fold.month), s]
      .map((m) => ({ month: m.month, spend: m.total, requests: m.requests, localCost: m.localCost }))
      .sort((a, b) => a.month.localeCompare(b.month)),
  };
}

