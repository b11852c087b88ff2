import * as assert from 'node:assert/strict';
import { costOf } from '../../src/core/pricing/cost';
import { PriceCatalog } from '../../src/core/pricing/priceCatalog';
import { curatedCatalog, curatedLayer } from '../../src/node/priceBook';
import { emptyUsage, type Usage } from '../../src/core/pricing/usage';
import { parseSettings } from '../../src/core/settings';

const catalog = curatedCatalog();
const at = new Date('2025-12-01T12:00:00Z');
const usage = (u: Partial<Usage>): Usage => ({ ...emptyUsage(), ...u });
const price = (model: string, when = at) => {
  const p = catalog.lookup(model, when);
  assert.ok(p, `no price for ${model}`);
  return p;
};

describe('price catalog', () => {
  it('matches exact ids and explicit aliases only, never prefixes', () => {
    assert.equal(price('o4-mini-2025-04-16').model, 'o4-mini');
    assert.equal(catalog.lookup('gpt-4', at), undefined, 'gpt-4 is not gpt-4.1');
    assert.equal(catalog.lookup('gpt-5.4-nan', at), undefined);
    assert.equal(catalog.lookup('GPT-4.1', at), undefined);
    assert.equal(catalog.lookup('my-model', at), undefined);
  });

  it('prices a request with the price in force on its date', () => {
    assert.equal(price('deepseek-reasoner', new Date('2025-03-01T00:00:00Z')).prices.output, 2_190_000);
    assert.equal(price('deepseek-reasoner').prices.output, 420_000);
    assert.equal(price('o3', new Date('2025-06-09T23:00:00Z')).prices.input, 10_000_000);
    assert.equal(price('o3', new Date('2025-06-10T00:00:00Z')).prices.input, 2_000_000);
    assert.equal(catalog.lookup('gpt-5', new Date('2025-01-01T00:00:00Z')), undefined, 'not yet released, not yet priced');
  });

  it('lets settings override and add prices', () => {
    const parsed = parseSettings({ 'endpoint.baseUrl': 'http://127.0.0.1:1/v1', 'endpoint.model': 'm', 'budget.monthlyUsd': 5, prices: { 'my-model': { inputPerMTok: 0.5, outputPerMTok: 1.5 }, 'deepseek-chat': { inputPerMTok: 1, outputPerMTok: 2 } } });
    assert.deepEqual(parsed.problems, []);
    const c = new PriceCatalog(curatedLayer().entries, parsed.settings.priceOverrides, curatedLayer().aliases);
    assert.equal(c.lookup('my-model', at)?.prices.output, 1_500_000);
    assert.equal(c.lookup('deepseek-chat', at)?.prices.input, 1_000_000);
  });
});

// Golden costs, to the micro-dollar, from the providers' published prices (FACTS.md §1).
describe('cost of a request', () => {
  it('DeepSeek reasoner: cache hit + miss + output (reasoning included)', () => {
    // 64 hit x 0.028 + 56 miss x 0.28 + 45 out x 0.42 = 1.792 + 15.68 + 18.9 = 36.372 -> 36
    assert.equal(costOf(usage({ inputTokens: 56, cachedReadTokens: 64, outputTokens: 45, reasoningTokens: 12 }), price('deepseek-reasoner'), at), 36);
  });

  it('o4-mini: cached input at the cached price, reasoning billed once as output', () => {
    // 976 x 1.10 + 1024 x 0.275 + 900 x 4.40 = 1073.6 + 281.6 + 3960 = 5315.2 -> 5315
    assert.equal(costOf(usage({ inputTokens: 976, cachedReadTokens: 1024, outputTokens: 900, reasoningTokens: 640 }), price('o4-mini'), at), 5315);
  });

  it('Claude Sonnet 4.5: both cache-write durations and reads', () => {
    // 1000 x 3 + 2000 x 0.30 + 500 x 3.75 + 400 x 6 + 300 x 15 = 3000+600+1875+2400+4500 = 12375
    assert.equal(costOf(usage({ inputTokens: 1000, cachedReadTokens: 2000, cacheWrite5mTokens: 500, cacheWrite1hTokens: 400, outputTokens: 300 }), price('claude-sonnet-4-5'), at), 12_375);
  });

  it('Gemini 2.5 Pro switches to the long-context price above 200K prompt tokens', () => {
    assert.equal(costOf(usage({ inputTokens: 200_000, outputTokens: 1000 }), price('gemini-2.5-pro'), at), 260_000);
    assert.equal(costOf(usage({ inputTokens: 200_001, outputTokens: 1000 }), price('gemini-2.5-pro'), at), 515_003);
  });

  it('rounds once per request, half up', () => {
    assert.equal(costOf(usage({ cachedReadTokens: 17 }), price('deepseek-chat'), at), 0, '0.476 rounds to 0');
    assert.equal(costOf(usage({ cachedReadTokens: 18 }), price('deepseek-chat'), at), 1, '0.504 rounds to 1');
    assert.equal(costOf(usage({ inputTokens: 1_000_000, outputTokens: 1_000_000 }), price('o1'), at), 75_000_000);
  });

  it('refuses usage it cannot price correctly', () => {
    assert.throws(() => costOf(usage({ cacheWrite5mTokens: 10 }), price('gpt-5'), at), /no price for the kind of cache write/);
    assert.throws(() => costOf(usage({ inputTokens: -1 }), price('gpt-5'), at), RangeError);
    assert.throws(() => costOf(usage({ outputTokens: 1, reasoningTokens: 2 }), price('gpt-5'), at), RangeError);
  });
});
