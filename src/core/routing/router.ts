import type { OnLimit } from '../budget/budget';
import { formatUsd, type MicroUsd } from '../money';
import { costOf, priceUsage } from '../pricing/cost';
import { emptyUsage } from '../pricing/usage';
import type { Candidate } from './candidate';
import { meetsTier, type Tier, type TierThresholds } from './tiers';
import { promoEndOf, timeOfDayOf, type PriceDataAge, type TimeOfDay } from './timeOfDay';

export interface RouteRequest {
  task: string;
  /** The instant the request is made: prices by time of day and the price periods in force. */
  at: Date;
  tier: Tier;
  thresholds: TierThresholds;
  /** Expected prompt tokens for this candidate (calibrated to its tokenizer family). */
  promptTokens(c: Candidate): number;
  /** Expected output tokens (reasoning included) for this candidate and task. */
  expectedOutput(c: Candidate): number;
  /** Most output tokens allowed per request (the reservation's worst case). */
  maxOutputTokens: number;
  /** Prompt tokens this candidate's provider will likely read from its cache (priced at the cached rate). */
  cachedPromptTokens?(c: Candidate): number;
  privacy: { localOnly: boolean; fileIsPrivate: boolean; untrusted: boolean; untrustedApproved: boolean };
  allow: string[];
  deny: string[];
  pinned: string | undefined;
  /** Why the worst case does not fit the budget, or undefined when it does. */
  budget(c: Candidate, worstCase: MicroUsd): string | undefined;
  onLimit: OnLimit;
  /**
   * Only a local model may answer (no key, local-only mode, a local-only file) and the user is told so:
   * a local model with no score may then answer at the basic tier (it is the user's own model).
   */
  unscoredLocalAsBasic?: boolean;
}

/** The parts of a request that say "no restrictions": no privacy rule, no lists, no pin, no budget. */
export const UNRESTRICTED: Pick<RouteRequest, 'privacy' | 'allow' | 'deny' | 'pinned' | 'budget' | 'onLimit'> = {
  privacy: { localOnly: false, fileIsPrivate: false, untrusted: false, untrustedApproved: false },
  allow: [],
  deny: [],
  pinned: undefined,
  budget: () => undefined,
  onLimit: 'ask',
};

export interface Scored {
  candidate: Candidate;
  promptTokens: number;
  expectedOutput: number;
  /** Expected cost of this request on this model. */
  expectedCost: MicroUsd;
  /** Cost if the prompt estimate holds and every allowed output token is used. */
  worstCase: MicroUsd;
  /** Priced remote models that bill by time of day: the window at the request's instant and when it changes. */
  timeOfDay?: TimeOfDay;
  /** The price in force is promotional and ends at this instant. */
  promoUntil?: string;
}

export interface Rejection extends Scored {
  reason: string;
  /** The filter that rejected it. */
  filter: string;
}

export interface Decision {
  task: string;
  tier: Tier;
  chosen: Scored | undefined;
  /** Survivors, cheapest first: the chosen one, then the fallbacks (same tier). */
  ranked: Scored[];
  rejected: Rejection[];
  /** The most expensive model the tier allowed: what routing saved is measured against it. */
  counterfactual: Scored | undefined;
  pinned: boolean;
  /** The budget could not hold any model of the tier and the policy is "downgrade". */
  downgraded: boolean;
  /** One sentence a person can read. */
  summary: string;
  /** The request's instant (epoch ms): every price above is the price at this instant. */
  at: number;
  thresholds: TierThresholds;
  /** How old the price data is (set by whoever holds the price book; see priceDataAge). */
  priceData?: PriceDataAge;
}

type Filter = { name: string; check: (c: Candidate, s: Scored, r: RouteRequest) => string | undefined };

/** Each filter says why it rejects, so "Why this model?" can show every candidate's fate. */
const FILTERS: Filter[] = [
  { name: 'enabled', check: (c) => (c.enabled ? undefined : `${c.endpoint} is not enabled`) },
  { name: 'allow', check: (c, _s, r) => (r.allow.length && !r.allow.includes(c.model) ? 'not in your allow list (costwise.routing.allow)' : undefined) },
  { name: 'deny', check: (c, _s, r) => (r.deny.includes(c.model) ? 'in your deny list (costwise.routing.deny)' : undefined) },
  { name: 'local-only', check: (c, _s, r) => (r.privacy.localOnly && !c.local ? 'local-only mode: code never leaves this machine' : undefined) },
  { name: 'private file', check: (c, _s, r) => (r.privacy.fileIsPrivate && !c.local ? 'this file matches costwise.privacy.localOnlyFiles' : undefined) },
  { name: 'untrusted', check: (c, _s, r) => (r.privacy.untrusted && !r.privacy.untrustedApproved && !c.local ? 'untrusted workspace: remote models need your confirmation' : undefined) },
  { name: 'retired', check: (c) => (c.retiredOn ? `retired by ${c.provider} on ${c.retiredOn}: the API no longer serves it` : undefined) },
  { name: 'available', check: (c) => c.unavailable },
  { name: 'key', check: (c) => (!c.local && !c.keyPresent ? `no API key for ${c.endpoint} (Costwise: Set API Key…)` : undefined) },
  { name: 'reachable', check: (c) => (c.reachable ? undefined : `${c.endpoint} did not answer its last health check`) },
  {
    name: 'context',
    check: (c, s, r) => {
      const out = Math.min(r.maxOutputTokens, c.maxOutput);
      return s.promptTokens + out > c.contextWindow ? `prompt (~${s.promptTokens} tokens) + output (${out}) exceed its ${c.contextWindow}-token context window` : undefined;
    },
  },
  { name: 'price', check: (c) => (!c.local && !c.price ? 'no known price: add one in costwise.prices' : undefined) },
];

const TIER_FILTER: Filter = {
  name: 'tier',
  check: (c, _s, r) =>
    c.quality === undefined
      ? c.local && r.unscoredLocalAsBasic && r.tier === 'basic'
        ? undefined
        : 'unscored: never put in a tier unless you score it (costwise.routing.quality) or pin it'
      : meetsTier(c.quality, r.tier, r.thresholds)
        ? undefined
        : `quality ${c.quality}${c.effort ? ` at ${c.effort} effort` : ''} is below the ${r.tier} tier (${r.thresholds[r.tier]})`,
};
const BUDGET_FILTER: Filter = { name: 'budget', check: (c, s, r) => r.budget(c, s.worstCase) };

function score(c: Candidate, r: RouteRequest): Scored {
  const promptTokens = r.promptTokens(c);
  const expectedOutput = Math.min(r.expectedOutput(c), r.maxOutputTokens, c.maxOutput);
  const maxOut = Math.min(r.maxOutputTokens, c.maxOutput);
  if (c.local || !c.price) {
    const per1k = c.localCostPer1kTokens ?? 0;
    return { candidate: c, promptTokens, expectedOutput, expectedCost: Math.round((per1k * expectedOutput) / 1000), worstCase: Math.round((per1k * maxOut) / 1000) };
  }
  // Expected cost takes the cache discount the provider will likely give; the worst case assumes none.
  const cached = Math.min(promptTokens, Math.max(0, r.cachedPromptTokens?.(c) ?? 0));
  const expected = priceUsage({ ...emptyUsage('estimated'), inputTokens: promptTokens - cached, cachedReadTokens: cached, outputTokens: expectedOutput }, c.price, r.at);
  const worst = costOf({ ...emptyUsage('estimated'), inputTokens: promptTokens, outputTokens: maxOut }, c.price, r.at);
  const timeOfDay = timeOfDayOf(c.price, expected.resolved);
  const promoUntil = promoEndOf(c.price, r.at.getTime());
  return { candidate: c, promptTokens, expectedOutput, expectedCost: expected.cost, worstCase: worst, ...(timeOfDay ? { timeOfDay } : {}), ...(promoUntil ? { promoUntil } : {}) };
}

/** Cheapest first; equal cost goes to the local model, then the faster endpoint, then the better model. */
function byCost(a: Scored, b: Scored): number {
  return (
    a.expectedCost - b.expectedCost ||
    Number(b.candidate.local) - Number(a.candidate.local) ||
    (a.candidate.latencyMs ?? Infinity) - (b.candidate.latencyMs ?? Infinity) ||
    (b.candidate.quality ?? -1) - (a.candidate.quality ?? -1) ||
    a.candidate.model.localeCompare(b.candidate.model) ||
    (a.candidate.effort ?? '').localeCompare(b.candidate.effort ?? '')
  );
}

function sift(scored: Scored[], filters: Filter[], r: RouteRequest): { pass: Scored[]; rejected: Rejection[] } {
  const pass: Scored[] = [];
  const rejected: Rejection[] = [];
  for (const s of scored) {
    let rejection: Rejection | undefined;
    for (const f of filters) {
      const reason = f.check(s.candidate, s, r);
      if (reason) {
        rejection = { ...s, reason, filter: f.name };
        break;
      }
    }
    if (rejection) rejected.push(rejection);
    else pass.push(s);
  }
  return { pass, rejected };
}

/**
 * The policy engine: every candidate goes through the filters (each rejection keeps its reason),
 * the cheapest survivor that meets the tier wins, and the decision keeps the whole trace.
 */
export function route(candidates: readonly Candidate[], r: RouteRequest): Decision {
  let pool = [...candidates];
  const pinned = r.pinned !== undefined && r.pinned !== '';
  if (pinned) pool = pool.filter((c) => c.model === r.pinned);
  const scored = pool.map((c) => score(c, r));
  // A pinned model overrides routing (no tier), but keeps every other rule, the budget included.
  const basic = sift(scored, FILTERS, r);
  const tiered = pinned ? { pass: basic.pass, rejected: [] as Rejection[] } : sift(basic.pass, [TIER_FILTER], r);
  const funded = sift(tiered.pass, [BUDGET_FILTER], r);
  let ranked = funded.pass.sort(byCost);
  let rejected = [...basic.rejected, ...tiered.rejected, ...funded.rejected];
  let downgraded = false;
  if (!ranked.length && funded.rejected.length && r.onLimit === 'downgrade' && !pinned) {
    // No model of the tier fits the budget: the cheapest model that does, local first, whatever its tier.
    const below = sift(tiered.rejected, [BUDGET_FILTER], r);
    ranked = below.pass.sort(byCost);
    downgraded = ranked.length > 0;
    rejected = [...basic.rejected, ...below.rejected, ...funded.rejected];
  }
  const counterfactual = [...tiered.pass].filter((s) => !s.candidate.local).sort((a, b) => b.expectedCost - a.expectedCost)[0];
  const chosen = ranked[0];
  return {
    task: r.task,
    tier: r.tier,
    chosen,
    ranked,
    rejected: rejected.sort(byCost),
    counterfactual,
    pinned,
    downgraded,
    summary: summarize(chosen, r, pinned, downgraded, rejected, candidates.length),
    at: r.at.getTime(),
    thresholds: r.thresholds,
  };
}

function summarize(chosen: Scored | undefined, r: RouteRequest, pinned: boolean, downgraded: boolean, rejected: Rejection[], total: number): string {
  if (!chosen) {
    if (pinned && !rejected.length) return `The pinned model "${r.pinned}" is not configured.`;
    const reasons = [...new Set(rejected.map((x) => x.filter))].join(', ');
    // Usable models that only fall short of the tier: say which is best, so the user can choose to ask lower.
    const best = rejected.filter((x) => x.filter === 'tier' && x.candidate.quality !== undefined).sort((x, y) => y.candidate.quality! - x.candidate.quality!)[0];
    const hint = best ? ` The best model available to you, ${best.candidate.model}${best.candidate.effort ? ` at ${best.candidate.effort} effort` : ''}, scores ${best.candidate.quality}: ask for a lower tier to use it.` : '';
    return `No model can take this request at the ${r.tier} tier (${total} considered; rejected for: ${reasons || 'no models configured'}).${hint}`;
  }
  const c = chosen.candidate;
  const why = pinned ? 'it is pinned' : downgraded ? `no ${r.tier}-tier model fits the budget, and it is the cheapest that does` : `it is the cheapest model that meets the ${r.tier} tier`;
  return `${c.model} (${c.local ? 'local' : c.endpoint}) because ${why}: about ${formatUsd(chosen.expectedCost)}, at most ${formatUsd(chosen.worstCase)}.`;
}
