import { formatUsd } from '../money';
import type { Candidate } from '../routing/candidate';
import type { TierThresholds } from '../routing/tiers';
import { TIERS, type Tier } from '../settings';

/** Model ids Costwise offers in VS Code's chat: one Auto per tier, then concrete models by their API id. */
export const AUTO_PREFIX = 'costwise-auto-';

export function autoTierOf(id: string): Tier | undefined {
  const t = id.startsWith(AUTO_PREFIX) ? id.slice(AUTO_PREFIX.length) : undefined;
  return (TIERS as readonly string[]).includes(t ?? '') ? (t as Tier) : undefined;
}

/**
 * Whether Costwise can send tools to this model and read its calls back. Remote catalog models of the
 * four APIs can (their wire formats are mapped); R1-style reasoners served as `deepseek-reasoner` or
 * `*r1*` cannot; local models cannot (R1 distills are not trained for it, and the embedded runtime
 * ignores tools).
 */
export function supportsTools(c: Pick<Candidate, 'local' | 'model' | 'provider'>): boolean {
  if (c.local || c.provider === 'local') return false;
  return !/reasoner|(^|[-_/])r1([-_:]|$)/i.test(c.model);
}

/** Whether the model takes images inline (every OpenAI, Claude and Gemini chat model in the catalog; not DeepSeek, not local). */
export function acceptsImages(c: Pick<Candidate, 'local' | 'provider'>): boolean {
  return !c.local && (c.provider === 'openai' || c.provider === 'anthropic' || c.provider === 'gemini');
}

/** The highest tier a score meets. */
export function tierOfScore(score: number, thresholds: TierThresholds): Tier {
  return [...TIERS].reverse().find((t) => score >= thresholds[t]) ?? 'basic';
}

/** "$0.75 in · $4.50 out /1M" — the list price per million tokens (cached and long-context rates apart). */
export function priceLabel(c: Candidate): string {
  if (c.local || !c.price) return c.local ? 'local · priced by energy' : 'no price';
  const p = c.price.prices;
  return `${formatUsd(p.input)} in · ${formatUsd(p.output)} out /1M`;
}

/** Whether a model is worth offering in the picker: usable now, priced (or local), with a real quality score. */
export function offerable(c: Candidate): boolean {
  if (!c.enabled || c.retiredOn) return false;
  if (!c.local && (!c.keyPresent || !c.price)) return false;
  return c.quality !== undefined;
}

export interface ChatModelInfo {
  id: string;
  name: string;
  family: string;
  detail: string;
  tooltip: string;
  maxInputTokens: number;
  maxOutputTokens: number;
  toolCalling: boolean;
  imageInput: boolean;
}

function contextLabel(tokens: number): string {
  return tokens >= 1_000_000 ? `${(tokens / 1_000_000).toFixed(tokens % 1_000_000 ? 2 : 0)}M` : `${Math.round(tokens / 1000)}K`;
}

export function concreteModelInfo(c: Candidate, thresholds: TierThresholds, maxOutputSetting: number): ChatModelInfo {
  // Offered models are scored (see offerable); a model's best-scoring effort stands for it in the picker.
  const tier = tierOfScore(c.quality ?? 0, thresholds);
  const tools = supportsTools(c);
  return {
    id: c.model,
    name: c.model,
    family: c.provider,
    detail: priceLabel(c),
    tooltip: `${c.model} (${c.local ? 'local' : c.endpoint}) · ${tier} tier · score ${c.quality}${c.effort ? ` at ${c.effort} effort` : ''} (${c.qualitySource}) · ${contextLabel(c.contextWindow)} context · ${priceLabel(c)}${tools ? ' · tools' : ' · no tools (not offered in Agent mode)'}. Every request is budgeted and recorded by Costwise.`,
    maxInputTokens: Math.max(1024, c.contextWindow - Math.min(maxOutputSetting, c.maxOutput)),
    maxOutputTokens: Math.min(maxOutputSetting, c.maxOutput),
    toolCalling: tools,
    imageInput: acceptsImages(c),
  };
}

/** "Costwise Auto · standard": routes each conversation to the cheapest model that meets the tier. */
export function autoModelInfo(tier: Tier, pool: readonly Candidate[], thresholds: TierThresholds, maxOutputSetting: number): ChatModelInfo {
  const eligible = pool.filter((c) => offerable(c) && c.quality !== undefined && c.quality >= thresholds[tier]);
  const cheapest = [...eligible].filter((c) => c.price || c.local).sort((a, b) => (a.price?.prices.output ?? 0) - (b.price?.prices.output ?? 0))[0];
  // The largest window of the tier: a prompt too long for the cheap models still fits one of them.
  const context = eligible.reduce((n, c) => Math.max(n, c.contextWindow), 0) || 128_000;
  const output = eligible.reduce((n, c) => Math.max(n, c.maxOutput), 0) || maxOutputSetting;
  return {
    id: `${AUTO_PREFIX}${tier}`,
    name: `Costwise Auto · ${tier}`,
    family: 'costwise-auto',
    detail: cheapest ? `from ${priceLabel(cheapest)}` : eligible.length ? '' : 'no model configured',
    tooltip: `The cheapest model that meets the ${tier} tier (score ≥ ${thresholds[tier]}), chosen per conversation and kept for it. ${eligible.length} model${eligible.length === 1 ? '' : 's'} qualify now${eligible.length ? `: ${eligible.map((c) => c.model).slice(0, 8).join(', ')}${eligible.length > 8 ? ', …' : ''}` : ' (enable a provider and set its key, or use the local model for basic)'}. Budgets apply; every request is recorded.`,
    maxInputTokens: Math.max(1024, context - Math.min(maxOutputSetting, output)),
    maxOutputTokens: Math.min(maxOutputSetting, output),
    toolCalling: eligible.some(supportsTools),
    imageInput: eligible.some(acceptsImages),
  };
}
