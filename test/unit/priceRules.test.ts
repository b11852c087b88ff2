import * as assert from 'node:assert/strict';
import { costOf, priceUsage } from '../../src/core/pricing/cost';
import { PriceCatalog } from '../../src/core/pricing/priceCatalog';
import { parsePriceLayer, PriceDataError } from '../../src/core/pricing/priceData';
import { nextChange } from '../../src/core/pricing/timeWindows';
import { convertUpstream } from '../../src/core/pricing/upstreamPrices';
import { emptyUsage, type Usage } from '../../src/core/pricing/usage';
import { bookFrom, BUNDLED_UPSTREAM, bundledUpstream, curatedCatalog } from '../../src/node/priceBook';

// Golden costs to the micro-dollar for every kind of price rule, from FACTS.md §1 (checked 2026-11-30).
const catalog = curatedCatalog();
const u = (x: Partial<Usage>): Usage => ({ ...emptyUsage(), ...x });
const M = 1_000_000;
const cost = (model: string, at: string, usage: Usage) => {
  const e = catalog.lookup(model, new Date(at));
  assert.ok(e, `no price for ${model} at ${at}`);
  return costOf(usage, e, new Date(at));
};

describe('price rules (golden, to the micro-dollar)', () => {
  const miss1MOut1M = u({ inputTokens: M, outputTokens: M });

  it('DeepSeek peak and off-peak: 09:00–12:00 and 14:00–18:00 Beijing, start inclusive, end exclusive', () => {
    // Monday 2026-11-30. Off-peak 0.15 in + 0.60 out; peak twice that.
    assert.equal(cost('deepseek-flash', '2026-11-30T00:59:59Z', miss1MOut1M), 750_000, '08:59 Beijing: off-peak');
    assert.equal(cost('deepseek-flash', '2026-11-30T01:00:00Z', miss1MOut1M), 1_500_000, '09:00 Beijing: peak');
    assert.equal(cost('deepseek-flash', '2026-11-30T03:59:59Z', miss1MOut1M), 1_500_000);
    assert.equal(cost('deepseek-flash', '2026-11-30T04:00:00Z', miss1MOut1M), 750_000, '12:00 Beijing: off-peak');
    assert.equal(cost('deepseek-flash', '2026-11-30T06:00:00Z', miss1MOut1M), 1_500_000, '14:00 Beijing: peak');
    assert.equal(cost('deepseek-flash', '2026-11-30T10:00:00Z', miss1MOut1M), 750_000, '18:00 Beijing: off-peak');
    // Cache hits follow the same clock: 0.003 off-peak, 0.006 peak.
    assert.equal(cost('deepseek-flash', '2026-11-30T02:00:00Z', u({ cachedReadTokens: M })), 6_000);
    assert.equal(cost('deepseek-flash', '2026-11-30T12:00:00Z', u({ cachedReadTokens: M })), 3_000);
  });

  it('DeepSeek weekends and holidays are off-peak on the Beijing calendar', () => {
    assert.equal(cost('deepseek-flash', '2026-11-28T02:00:00Z', miss1MOut1M), 750_000, 'Saturday 10:00 Beijing');
    assert.equal(cost('deepseek-flash', '2026-11-27T02:00:00Z', miss1MOut1M), 1_500_000, 'Friday 10:00 Beijing');
    // Monday 2026-11-30 06:30 Beijing is Sunday 22:30 UTC: the weekday is Beijing's, not UTC's.
    assert.equal(cost('deepseek-flash', '2026-11-29T22:30:00Z', miss1MOut1M), 750_000, 'Monday 06:30 Beijing is outside the windows');
    assert.equal(cost('deepseek-flash', '2026-11-30T01:30:00Z', miss1MOut1M), 1_500_000, 'Monday 09:30 Beijing (Monday UTC too)');
    assert.equal(cost('deepseek-flash', '2026-10-01T02:00:00Z', miss1MOut1M), 750_000, 'National Day, a Thursday');
    assert.equal(cost('deepseek-flash', '2026-10-08T02:00:00Z', miss1MOut1M), 1_500_000, 'the Thursday after');
  });

  it('DeepSeek history: flat, then peak every day, then weekdays only (V4 Flash)', () => {
    const in1M = u({ inputTokens: M });
    assert.equal(cost('deepseek-v4-flash', '2026-08-16T15:59:59Z', in1M), 140_000, 'flat before the switch');
    assert.equal(cost('deepseek-v4-flash', '2026-08-17T02:00:00Z', in1M), 440_000, 'Monday 10:00 Beijing: peak');
    assert.equal(cost('deepseek-v4-flash', '2026-08-22T02:00:00Z', in1M), 440_000, 'Saturday 10:00 Beijing: peak every day then');
    assert.equal(cost('deepseek-v4-flash', '2026-08-23T02:00:00Z', in1M), 220_000, 'Sunday 10:00 Beijing: weekends off-peak from 08-22 16:00 UTC');
  });

  it('says when the time-of-day price changes next', () => {
    const rule = catalog.lookup('deepseek-flash', new Date('2026-11-30T00:30:00Z'))!.timed!.rule;
    assert.equal(new Date(nextChange(rule, Date.parse('2026-11-30T00:30:00Z'))!).toISOString(), '2026-11-30T01:00:00.000Z', 'off-peak until 01:00 UTC');
    assert.equal(new Date(nextChange(rule, Date.parse('2026-11-27T10:00:00Z'))!).toISOString(), '2026-11-30T01:00:00.000Z', 'Friday evening: off-peak until Monday');
    const r = priceUsage(miss1MOut1M, catalog.lookup('deepseek-flash', Date.parse('2026-11-30T02:00:00Z'))!, Date.parse('2026-11-30T02:00:00Z')).resolved;
    assert.deepEqual([r.window, new Date(r.windowChangesAt!).toISOString()], ['peak', '2026-11-30T04:00:00.000Z']);
  });

  it('whole-request context tiers: OpenAI from 272,000 (inclusive), Claude Haiku 5.5 above 100,000', () => {
    assert.equal(cost('gpt-6-sol', '2026-11-30T12:00:00Z', u({ inputTokens: 271_999 })), 543_998, 'just below: standard rate');
    assert.equal(cost('gpt-6-sol', '2026-11-30T12:00:00Z', u({ inputTokens: 272_000 })), 1_088_000, 'at the edge: the whole request at 2x');
    assert.equal(cost('gpt-6-sol', '2026-11-30T12:00:00Z', u({ inputTokens: 200_000, cachedReadTokens: 72_000, outputTokens: 1_000 })), 400_000 * 2 + 14_400 * 2 + 15_000, 'cached tokens count toward the edge');
    assert.equal(cost('claude-haiku-5-5', '2026-11-30T12:00:00Z', u({ inputTokens: 100_000 })), 10_000, 'at 100K: base');
    assert.equal(cost('claude-haiku-5-5', '2026-11-30T12:00:00Z', u({ inputTokens: 100_001 })), 50_001, 'above: 0.50 (50,000.5 rounds half up)');
    assert.equal(cost('claude-haiku-5-5', '2026-11-30T12:00:00Z', u({ inputTokens: 50_000, cachedReadTokens: 50_001 })), 27_500, 'reads count as prompt: 25,000 + 2,500.05');
  });

  it('a promotion ends at its instant (Gemini 4 doubles on 2026-12-01)', () => {
    assert.equal(cost('gemini-4-carbon', '2026-11-30T23:59:59Z', miss1MOut1M), 12_000_000);
    assert.equal(cost('gemini-4-carbon', '2026-12-01T00:00:00Z', miss1MOut1M), 24_000_000);
    assert.equal(catalog.lookup('gemini-4-carbon', new Date('2026-11-30T12:00:00Z'))!.promoUntil, '2026-12-01');
    assert.equal(catalog.nextChange('gemini-4-carbon', new Date('2026-11-30T12:00:00Z'))!.prices.output, 20 * M);
  });

  it('an alias moves and retires at an instant; old records are still priced', () => {
    assert.equal(cost('deepseek-chat', '2026-01-01T00:00:00Z', miss1MOut1M), 700_000, 'V3.2 behind the alias');
    assert.equal(cost('deepseek-chat', '2026-07-24T15:58:00Z', miss1MOut1M), 420_000, 'V4 Flash behind the alias');
    assert.equal(catalog.retiredAt('deepseek-chat', new Date('2026-07-24T15:58:59Z')), undefined);
    assert.equal(catalog.retiredAt('deepseek-chat', new Date('2026-07-24T15:59:00Z')), '2026-07-24T15:59:00Z');
    assert.equal(cost('deepseek-reasoner', '2025-03-01T00:00:00Z', u({ inputTokens: M })), 550_000, 'the R1-era price');
  });

  it('a cut cache-read price applies from its day (Claude Sonnet 5.5)', () => {
    assert.equal(cost('claude-sonnet-5-5', '2026-10-06T23:59:59Z', u({ cachedReadTokens: M })), 200_000);
    assert.equal(cost('claude-sonnet-5-5', '2026-10-07T00:00:00Z', u({ cachedReadTokens: M })), 100_000);
  });

  it('cache reads are not a fixed ratio: o3-mini 0.55, o4-mini 0.275, Opus 5.5 0.20', () => {
    assert.equal(cost('o3-mini', '2026-11-30T12:00:00Z', u({ cachedReadTokens: M })), 550_000);
    assert.equal(cost('o4-mini', '2026-11-30T12:00:00Z', u({ cachedReadTokens: M })), 275_000);
    assert.equal(cost('claude-opus-5-5', '2026-11-30T12:00:00Z', u({ cachedReadTokens: M })), 200_000);
  });

  it('cache writes at their own prices, with or without a TTL', () => {
    assert.equal(cost('gpt-6-sol', '2026-11-30T12:00:00Z', u({ cacheWriteTokens: 100_000 })), 250_000, 'OpenAI: no TTL, 1.25x input');
    assert.equal(cost('claude-opus-5-5', '2026-11-30T12:00:00Z', u({ cacheWrite5mTokens: M, cacheWrite1hTokens: M })), 13_000_000, '5 + 8');
    assert.throws(() => cost('claude-opus-5-5', '2026-11-30T12:00:00Z', u({ cacheWriteTokens: 1 })), /no price for the kind of cache write/);
  });

  it('per-request multipliers apply only where the request uses them, exactly', () => {
    const e = catalog.lookup('gemini-3.1-pro-preview', new Date('2026-11-30T12:00:00Z'))!;
    const at = Date.parse('2026-11-30T12:00:00Z');
    assert.equal(costOf(u({ inputTokens: 100_000 }), e, at), 200_000);
    assert.equal(costOf(u({ inputTokens: 100_000 }), e, at, 'priority'), 360_000, 'x1.8');
    assert.equal(costOf(u({ inputTokens: 3 }), e, at, 'batch'), 3, '3 x 2 x 0.5 = 3');
    assert.throws(() => costOf(u({ inputTokens: 1 }), catalog.lookup('o3-mini', at)!, at, 'flex'), /no known flex price/);
  });
});

describe('price data: upstream, curated layer, merge', () => {
  let upstream: unknown;
  before(async () => (upstream = await bundledUpstream()));

  it('never matches by prefix: upstream\'s claude-sonnet-5 does not price claude-sonnet-5-5; dated snapshots do match', () => {
    const up = new PriceCatalog(convertUpstream(upstream).entries);
    const at = new Date('2026-11-30T12:00:00Z');
    assert.equal(up.lookup('claude-sonnet-5', at)?.model, 'claude-sonnet-5');
    assert.equal(up.lookup('claude-sonnet-5-5', at), undefined);
    assert.equal(up.lookup('claude-sonnet-5-20260630', at)?.model, 'claude-sonnet-5', 'a dated snapshot');
    assert.equal(up.lookup('claude-sonnet-5-20261340', at), undefined, 'not a date');
    assert.equal(up.lookup('gpt-4.1-mini', at)?.model, 'gpt-4.1-mini');
    assert.equal(up.lookup('gpt-4.1-turbo', at), undefined);
  });

  it('the curated layer wins and every disagreement is listed', () => {
    const book = bookFrom(upstream, BUNDLED_UPSTREAM, [], Date.parse('2026-11-30T12:00:00Z'));
    const at = new Date('2026-11-30T12:00:00Z');
    assert.equal(book.catalog.lookup('o3-mini', at)!.prices.cachedRead, 550_000);
    assert.ok(book.catalog.lookup('claude-sonnet-5-5', at), 'filled in by the curated layer');
    assert.ok(book.disagreements.some((d) => d.model === 'deepseek-v4-flash'), 'stale upstream DeepSeek prices are reported');
    assert.ok(book.disagreements.some((d) => d.model === 'deepseek-chat' && d.field === 'lifecycle'));
    assert.ok(book.catalog.current(at).some((e) => e.vendor === 'openrouter'), 'OpenRouter models from upstream');
  });

  it('rejects malformed curated data with the path of each fault', () => {
    const bad = { schema: 'costwise-prices/1', models: [{ model: 'x', provider: 'openai', contextWindow: 1000, periods: [{ from: 'soon', prices: { in: 0, out: 1 } }] }] };
    assert.throws(() => parsePriceLayer(bad), (e: unknown) => e instanceof PriceDataError && /names its source/.test(e.message) && /periods\[0\]\.from/.test(e.message) && /cannot cost 0/.test(e.message));
    assert.throws(() => parsePriceLayer({ schema: 'other' }), /not costwise-prices\/1/);
  });
});
