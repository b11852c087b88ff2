import type { DecisionRow, DecisionViewData } from '../../shared/decisionProtocol';
import { formatUsd } from '../money';
import { formatInstant } from '../pricing/instants';
import type { Decision, Scored } from './router';
import { describePriceAge, describeTimeOfDay } from './timeOfDay';
import { TIERS } from './tiers';

function quality(s: Scored): string {
  const q = s.candidate.quality;
  return q === undefined ? 'unscored' : `${q}${s.candidate.qualityEstimated ? ' (est.)' : ''}`;
}

function row(d: Decision, s: Scored, kind: DecisionRow['kind'], reason: string): DecisionRow {
  const c = s.candidate;
  return {
    kind,
    model: c.model,
    ...(c.effort ? { effort: c.effort } : {}),
    endpoint: c.local ? 'local' : c.endpoint,
    quality: quality(s),
    expected: formatUsd(s.expectedCost),
    worstCase: formatUsd(s.worstCase),
    reason,
    ...(s.timeOfDay ? { timeOfDay: describeTimeOfDay(s.timeOfDay, d.at) } : {}),
    ...(s.promoUntil ? { promo: `promotional price until ${s.promoUntil}` } : {}),
  };
}

/**
 * "Why This Model?" as words and figures: the summary, the tier and its thresholds, the time-of-day
 * prices in force at the request's instant, the price data's age, then every candidate (model, effort)
 * in order — chosen, fallbacks, rejections — each with its reason.
 */
export function decisionSheet(d: Decision): DecisionViewData {
  const chosenWhy = d.pinned ? 'pinned' : d.downgraded ? 'cheapest that fits the budget' : `chosen: cheapest in the ${d.tier} tier`;
  const rows = [
    ...d.ranked.map((s, i) => row(d, s, i === 0 ? 'chosen' : 'fallback', i === 0 ? chosenWhy : 'fallback if the one above fails')),
    ...d.rejected.map((r) => row(d, r, 'rejected', r.reason)),
  ];
  // One note per model (several efforts of a model share its price), in the order shown; a retired model
  // keeps its window in its row but gets no note: it cannot be sent to.
  const retired = new Set(d.rejected.filter((r) => r.filter === 'retired').map((r) => r.candidate.model));
  const timeNotes = [...new Map(rows.filter((r) => r.timeOfDay && !retired.has(r.model)).map((r) => [r.model, `${r.model}: ${r.timeOfDay}`])).values()];
  const pd = d.priceData;
  return {
    summary: d.summary,
    task: d.task,
    tier: d.tier,
    thresholds: [...TIERS].reverse().map((t) => `${t} ≥ ${d.thresholds[t]}`).join(' · '),
    decidedAt: formatInstant(d.at),
    timeNotes,
    ...(pd
      ? { priceData: { text: `Prices from ${pd.source} (${pd.date})${pd.curated ? ` with Costwise's corrections (${pd.curated})` : ''}: ${describePriceAge(pd)}.`, stale: pd.stale } }
      : {}),
    rows,
    ...(d.counterfactual && d.counterfactual.candidate.model !== d.chosen?.candidate.model ? { savings: `Savings are counted against ${d.counterfactual.candidate.model}, the most expensive model the tier allowed (about ${formatUsd(d.counterfactual.expectedCost)} for this request).` } : {}),
  };
}
