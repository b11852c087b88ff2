import * as assert from 'node:assert/strict';
import { whyOnlyLocal } from '../../src/core/routing/onlyLocal';
import { curatedCatalog } from '../../src/node/priceBook';
import type { Candidate } from '../../src/core/routing/candidate';
import { expectedCacheHit } from '../../src/core/routing/qualityScores';
import { buildCandidates, type LocalModel, type ProviderStatus } from '../../src/core/routing/registry';
import { route, UNRESTRICTED, type RouteRequest } from '../../src/core/routing/router';
import { DEFAULT_TIERS } from '../../src/core/routing/tiers';
import { OutputEstimator } from '../../src/core/tokens/outputEstimator';

const catalog = curatedCatalog();
const at = new Date('2026-11-30T12:00:00Z'); // a Monday, 20:00 in Beijing: DeepSeek off-peak
const up = (provider: ProviderStatus['provider'], extra: Partial<ProviderStatus> = {}): ProviderStatus => ({ provider, endpoint: provider, enabled: true, keyPresent: true, reachable: true, latencyMs: 100, ...extra });
const ALL = [up('openai'), up('deepseek'), up('anthropic'), up('gemini')];
const LOCAL = { model: 'deepseek-r1:1.5b', endpoint: 'local', contextWindow: 32_768, maxOutput: 8_192, reachable: true, latencyMs: 5, costPer1kTokens: 30, qualityKey: 'r1-distill-qwen-1.5b' };
const out = new OutputEstimator();

function req(extra: Partial<RouteRequest> = {}): RouteRequest {
  return {
    task: 'explain',
    at,
    tier: 'standard',
    thresholds: DEFAULT_TIERS,
    promptTokens: () => 2_000,
    expectedOutput: (c) => out.expected('explain', c.model, c.reasoning, c.maxOutput),
    maxOutputTokens: 4_096,
    ...UNRESTRICTED,
    ...extra,
  };
}
const cands = (providers = ALL, locals = [LOCAL]): Candidate[] => buildCandidates(catalog, at, providers, locals);
const reasonFor = (d: ReturnType<typeof route>, model: string) => d.rejected.find((x) => x.candidate.model === model)?.reason;

describe('policy engine: the cheapest model that meets the tier', () => {
  it('basic goes local: free-ish energy beats every API', () => {
    const d = route(cands(), req({ tier: 'basic' }));
    assert.equal(d.chosen?.candidate.model, 'deepseek-r1:1.5b');
    assert.ok(d.chosen!.candidate.local);
  });

  it('premium goes to the cheapest premium model, counting reasoning output', () => {
    const d = route(cands(), req({ tier: 'premium' }));
    // Premium (>= 80 on LiveBench coding): pairs of a model and the effort its score was measured at.
    assert.equal(d.chosen?.candidate.model, 'gpt-6-sol');
    assert.equal(d.chosen?.candidate.effort, 'max');
    assert.ok(d.ranked.every((s) => (s.candidate.quality ?? -1) >= 80));
    const costs = d.ranked.map((s) => s.expectedCost);
    assert.deepEqual(costs, [...costs].sort((a, b) => a - b), 'ranked cheapest first');
    assert.equal(d.counterfactual?.candidate.model, 'gpt-6-astra', 'the most expensive premium model is the yardstick');
    assert.match(d.summary, /gpt-6-sol \(openai\) because it is the cheapest model that meets the premium tier/);
  });

  it('a reasoning-heavy model can lose to a pricier-per-token model that writes less', () => {
    // Per token gemini-3.8-flash (0.75/3.75) is cheaper than claude-haiku-4-5 (1/5), but at high effort it
    // thinks: its expected output is several times Haiku's plain answer.
    const d = route(cands([up('anthropic'), up('gemini')], []), req({ tier: 'standard' }));
    const r = d.ranked.find((s) => s.candidate.model === 'gemini-3.8-flash' && s.candidate.effort === 'high')!;
    const c = d.ranked.find((s) => s.candidate.model === 'claude-haiku-4-5')!;
    assert.ok(r.expectedOutput > 3 * c.expectedOutput);
    assert.equal(d.chosen?.candidate.model, 'claude-haiku-4-5');
  });

  it('a model its provider has retired is passed over from that day, and says so (its price still re-prices old records)', () => {
    const anthropicOnly = (day: string) => route(buildCandidates(catalog, new Date(`${day}T12:00:00Z`), [up('anthropic')], []), req({ tier: 'premium', pinned: 'claude-sonnet-4-5' }));
    assert.equal(anthropicOnly('2026-11-29').chosen?.candidate.model, 'claude-sonnet-4-5', 'the day before: still served');
    const d = anthropicOnly('2026-11-30');
    assert.notEqual(d.chosen?.candidate.model, 'claude-sonnet-4-5');
    assert.match(reasonFor(d, 'claude-sonnet-4-5')!, /retired by anthropic on 2026-11-30: the API no longer serves it/);
    assert.ok(catalog.lookup('claude-sonnet-4-5-20250929', new Date('2026-12-15'))?.prices.output, 'still priced');
  });

  it('when only lower-tier models are usable, says which is best instead of a bare refusal', () => {
    const d = route(cands([up('deepseek')], []), req({ tier: 'standard' }));
    assert.equal(d.chosen, undefined);
    assert.match(d.summary, /The best model available to you, deepseek-v4-pro, scores 70: ask for a lower tier to use it\./);
    assert.equal(route(cands([up('deepseek')], []), req({ tier: 'basic' })).chosen?.candidate.model, 'deepseek-flash');
  });

  it('an unscored local model answers only when nothing else may, at basic, when the caller says so', () => {
    const mine: LocalModel = { model: 'my-own.gguf', endpoint: 'local', contextWindow: 32_768, maxOutput: 8_192, reachable: true, costPer1kTokens: 30 };
    const noKeys = buildCandidates(catalog, at, [up('openai', { keyPresent: false })], [mine]);
    assert.equal(route(noKeys, req({ tier: 'basic' })).chosen, undefined, 'never silently put in a tier');
    assert.equal(route(noKeys, req({ tier: 'basic', unscoredLocalAsBasic: true })).chosen?.candidate.model, 'my-own.gguf');
    assert.equal(route(noKeys, req({ tier: 'standard', unscoredLocalAsBasic: true })).chosen, undefined, 'never above basic');
  });

  it('ties go to the local model, then to the faster endpoint', () => {
    const twin = { ...LOCAL, model: 'twin', costPer1kTokens: 0, latencyMs: 50 };
    const fast = { ...LOCAL, model: 'fast', costPer1kTokens: 0, latencyMs: 1 };
    const d = route(cands([], [twin, fast]), req({ tier: 'basic' }));
    assert.deepEqual(d.ranked.map((s) => s.candidate.model), ['fast', 'twin']);
  });

  it('every filter gives its reason', () => {
    const d = route(
      cands([up('openai', { enabled: false }), up('anthropic', { keyPresent: false }), up('gemini', { reachable: false }), up('deepseek')], []),
      req({ tier: 'premium', deny: ['deepseek-v4-pro'], promptTokens: () => 1_100_000 }),
    );
    assert.match(reasonFor(d, 'o3')!, /openai is not enabled/);
    assert.match(reasonFor(d, 'claude-haiku-4-5')!, /no API key for anthropic/);
    assert.match(reasonFor(d, 'claude-sonnet-4-5')!, /retired by anthropic on 2026-11-30/);
    assert.match(reasonFor(d, 'gemini-2.5-pro')!, /gemini did not answer/);
    assert.match(reasonFor(d, 'deepseek-v4-pro')!, /deny list/);
    assert.match(reasonFor(d, 'deepseek-flash')!, /exceed its 1000000-token context window/);
    assert.equal(d.chosen, undefined);
    assert.match(d.summary, /No model can take this request at the premium tier/);
  });

  it('quality below the tier is a reason, with the threshold', () => {
    const d = route(cands([up('gemini')], []), req({ tier: 'premium' }));
    assert.match(reasonFor(d, 'gemini-3.8-flash')!, /quality 72.5 at high effort is below the premium tier \(80\)/);
    assert.match(reasonFor(d, 'gemini-2.5-flash-lite')!, /unscored: never put in a tier/, 'no score is no tier, not a score of 0');
  });

  it('an unpriced remote model is refused; an allow list narrows the pool', () => {
    const custom: ProviderStatus = { provider: 'custom', endpoint: 'endpoint', enabled: true, keyPresent: true, reachable: true, models: ['mystery-model'] };
    const d = route(cands([custom, up('deepseek')], []), req({ tier: 'basic', allow: ['mystery-model', 'deepseek-flash'] }));
    assert.match(reasonFor(d, 'mystery-model')!, /no known price/);
    assert.match(reasonFor(d, 'deepseek-v4-pro')!, /not in your allow list/);
    assert.equal(d.chosen?.candidate.model, 'deepseek-flash');
  });

  it('local-only mode, private files and untrusted workspaces keep code on the machine', () => {
    for (const privacy of [
      { localOnly: true, fileIsPrivate: false, untrusted: false, untrustedApproved: false },
      { localOnly: false, fileIsPrivate: true, untrusted: false, untrustedApproved: false },
      { localOnly: false, fileIsPrivate: false, untrusted: true, untrustedApproved: false },
    ]) {
      const d = route(cands(), req({ tier: 'premium', privacy }));
      assert.ok(d.ranked.every((s) => s.candidate.local), JSON.stringify(privacy));
      assert.ok(d.rejected.some((x) => /local-only|localOnlyFiles|untrusted/.test(x.reason)));
    }
    const approved = route(cands(), req({ tier: 'premium', privacy: { localOnly: false, fileIsPrivate: false, untrusted: true, untrustedApproved: true } }));
    assert.equal(approved.chosen?.candidate.model, 'gpt-6-sol');
  });

  it('a pinned model overrides the tier but not the budget', () => {
    const d = route(cands(), req({ tier: 'premium', pinned: 'gemini-2.5-flash-lite' }));
    assert.equal(d.chosen?.candidate.model, 'gemini-2.5-flash-lite');
    assert.ok(d.pinned);
    const broke = route(cands(), req({ pinned: 'o3', budget: () => 'the monthly budget is spent' }));
    assert.equal(broke.chosen, undefined);
    assert.match(reasonFor(broke, 'o3')!, /monthly budget is spent/);
  });

  it('with the budget nearly spent: "downgrade" takes the cheapest model that fits (local first), "ask" takes none', () => {
    const budget = (c: Candidate, worst: number) => (!c.local && worst > 2_000 ? `worst case ${worst} does not fit` : undefined);
    const down = route(cands(), req({ tier: 'premium', budget, onLimit: 'downgrade' }));
    assert.ok(down.downgraded);
    assert.equal(down.chosen?.candidate.model, 'deepseek-r1:1.5b');
    assert.match(down.summary, /no premium-tier model fits the budget/);
    const noLocal = route(cands(ALL, []), req({ tier: 'premium', budget, onLimit: 'downgrade' }));
    assert.ok(noLocal.chosen && noLocal.chosen.worstCase <= 2_000, 'a remote model whose worst case fits');
    const ask = route(cands(), req({ tier: 'premium', budget, onLimit: 'ask' }));
    assert.equal(ask.chosen, undefined);
  });

  it('fallbacks stay in the tier, cheapest next', () => {
    const d = route(cands(ALL, []), req({ tier: 'premium' }));
    assert.ok(d.ranked.length >= 3);
    assert.ok(d.ranked.slice(1).every((s) => (s.candidate.quality ?? -1) >= 80 && s.expectedCost >= d.chosen!.expectedCost));
  });

  it('counts the cache discount a provider will give on a long shared prefix (and none for a short one)', () => {
    const only = cands([up('openai')], []);
    const plain = route(only, req({ tier: 'premium' }));
    const cached = route(only, req({ tier: 'premium', promptTokens: () => 2_000, cachedPromptTokens: (c) => expectedCacheHit(c.provider, 1_536) }));
    const o4 = (d: ReturnType<typeof route>) => d.ranked.find((s) => s.candidate.model === 'gpt-6-sol')!;
    // 1,536 of 2,000 prompt tokens at the cached price: 1,536 x (2.00 - 0.20) = 2,764.8 micro-dollars less (42,195.2 -> 42,195).
    assert.equal(o4(plain).expectedCost - o4(cached).expectedCost, 2_765);
    assert.equal(o4(cached).worstCase, o4(plain).worstCase, 'the reservation never counts on a cache hit');
    assert.equal(expectedCacheHit('openai', 60), 0, 'a short system prompt is below the automatic-cache minimum');
    assert.equal(expectedCacheHit('deepseek', 130), 128, 'DeepSeek caches whole 64-token units');
    assert.equal(expectedCacheHit('anthropic', 5_000), 0, 'Anthropic caches only what is marked');
  });

  it('takes quality overrides per task kind', () => {
    const c = buildCandidates(catalog, at, [up('openai')], [], { 'gpt-5.4-mini': { explain: 90 }, o3: 10, 'gpt-6-luna@low': 74 }, 'explain');
    const of = (xs: Candidate[], model: string, effort?: string) => xs.find((x) => x.model === model && x.effort === effort);
    assert.equal(of(c, 'gpt-5.4-mini')?.quality, 90, 'the model alone scores its default effort');
    assert.equal(of(c, 'gpt-5.4-mini', 'xhigh')?.quality, 71.6, 'the benchmark pair stays');
    assert.equal(of(c, 'gpt-6-luna', 'low')?.quality, 74, 'model@effort scores one effort');
    assert.equal(of(c, 'o3')?.quality, 10);
    assert.equal(of(c, 'o3')?.qualitySource, 'your score (costwise.routing.quality)');
    const other = buildCandidates(catalog, at, [up('openai')], [], { 'gpt-5.4-mini': { explain: 90 } }, 'review');
    assert.equal(of(other, 'gpt-5.4-mini'), undefined, 'other task kinds keep only the benchmark pairs');
    assert.equal(of(other, 'gpt-6.2-sol')?.quality, undefined, 'no benchmark row: one unscored candidate');
  });
});

describe('when only a local model may answer', () => {
  const rejected = (filters: Array<[boolean, string]>) => ({ rejected: filters.map(([local, filter]) => ({ candidate: { local }, filter })) }) as unknown as Parameters<typeof whyOnlyLocal>[0];
  it('names the reason: no key, local-only mode, a local-only file — or none when something else is wrong', () => {
    assert.equal(whyOnlyLocal(rejected([[false, 'key'], [false, 'key'], [true, 'tier']])), 'key');
    assert.equal(whyOnlyLocal(rejected([[false, 'local-only'], [true, 'tier']])), 'local-only');
    assert.equal(whyOnlyLocal(rejected([[false, 'private file'], [false, 'key'], [true, 'tier']])), 'private file');
    assert.equal(whyOnlyLocal(rejected([[false, 'key'], [true, 'tier']])), 'key', 'a missing key is not local-only mode');
    assert.equal(whyOnlyLocal(rejected([[false, 'deny'], [false, 'retired'], [false, 'local-only'], [true, 'tier']])), 'local-only', 'a denied or retired model is no choice either way');
    assert.equal(whyOnlyLocal(rejected([[false, 'budget'], [true, 'tier']])), undefined, 'over budget is not a reason to answer locally unasked');
    assert.equal(whyOnlyLocal(rejected([[false, 'key']])), undefined, 'no local model');
    assert.equal(whyOnlyLocal(rejected([[false, 'retired'], [false, 'key'], [true, 'tier']])), 'key', 'a retired model is no choice either way');
    assert.equal(whyOnlyLocal(rejected([[false, 'retired'], [false, 'local-only'], [true, 'tier']])), 'local-only');
  });
});
