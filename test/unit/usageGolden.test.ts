import * as assert from 'node:assert/strict';
import { costOf } from '../../src/core/pricing/cost';
import { curatedCatalog } from '../../src/node/priceBook';
import { normaliseAnthropicUsage, normaliseGeminiUsage, normaliseOpenAIUsage } from '../../src/providers/usage';

const catalog = curatedCatalog();
const at = new Date('2025-12-01T00:00:00Z');
const price = (m: string) => catalog.lookup(m, at)!;

// Each wire object is shaped as in the provider's own API reference; costs are checked by hand to the micro-dollar.
describe('usage from each API, normalised and priced (golden)', () => {
  it('OpenAI o3: cached prompt tokens and reasoning tokens counted once', () => {
    const u = normaliseOpenAIUsage({
      prompt_tokens: 1_117,
      completion_tokens: 46,
      prompt_tokens_details: { cached_tokens: 1_024 },
      completion_tokens_details: { reasoning_tokens: 0 },
    });
    // 93 x $2 + 1024 x $0.50 + 46 x $8 = 186 + 512 + 368 = 1066 micro-dollars
    assert.equal(costOf(u, price('o3'), at), 1_066);
  });

  it('DeepSeek reasoner: cache hit and miss, reasoning inside completion tokens', () => {
    const u = normaliseOpenAIUsage({ prompt_tokens: 10_000, completion_tokens: 3_000, prompt_cache_hit_tokens: 8_000, prompt_cache_miss_tokens: 2_000, completion_tokens_details: { reasoning_tokens: 2_500 } });
    // 2000 x 0.28 + 8000 x 0.028 + 3000 x 0.42 = 560 + 224 + 1260 = 2044
    assert.equal(costOf(u, price('deepseek-reasoner'), at), 2_044);
    assert.equal(u.reasoningTokens, 2_500);
  });

  it('Anthropic: input_tokens exclude cache reads and writes; both write durations priced apart', () => {
    const u = normaliseAnthropicUsage({
      input_tokens: 50,
      cache_read_input_tokens: 100_000,
      cache_creation_input_tokens: 3_000,
      cache_creation: { ephemeral_5m_input_tokens: 2_000, ephemeral_1h_input_tokens: 1_000 },
      output_tokens: 500,
    });
    assert.deepEqual([u.inputTokens, u.cachedReadTokens, u.cacheWrite5mTokens, u.cacheWrite1hTokens, u.outputTokens], [50, 100_000, 2_000, 1_000, 500]);
    // Sonnet 4.5: 50 x 3 + 100000 x 0.30 + 2000 x 3.75 + 1000 x 6 + 500 x 15 = 150 + 30000 + 7500 + 6000 + 7500
    assert.equal(costOf(u, price('claude-sonnet-4-5'), at), 51_150);
  });

  it('Anthropic: an unsplit cache_creation_input_tokens is a 5-minute write', () => {
    const u = normaliseAnthropicUsage({ input_tokens: 10, cache_creation_input_tokens: 1_000, output_tokens: 20 });
    assert.equal(u.cacheWrite5mTokens, 1_000);
    // Haiku 4.5: 10 x 1 + 1000 x 1.25 + 20 x 5 = 10 + 1250 + 100
    assert.equal(costOf(u, price('claude-haiku-4-5'), at), 1_360);
  });

  it('Anthropic above 200K prompt tokens (reads and writes included) uses the long-context price', () => {
    const u = normaliseAnthropicUsage({ input_tokens: 1_000, cache_read_input_tokens: 199_500, output_tokens: 100 });
    // 200,500 prompt tokens > 200K: 1000 x 6 + 199500 x 0.60 + 100 x 22.50 = 6000 + 119700 + 2250
    assert.equal(costOf(u, price('claude-sonnet-4-5'), at), 127_950);
  });

  it('Gemini: thinking tokens are output too; cached tokens leave the prompt count', () => {
    const u = normaliseGeminiUsage({ promptTokenCount: 5_000, cachedContentTokenCount: 4_000, candidatesTokenCount: 300, thoughtsTokenCount: 1_200, totalTokenCount: 6_500 });
    assert.deepEqual([u.inputTokens, u.cachedReadTokens, u.outputTokens, u.reasoningTokens], [1_000, 4_000, 1_500, 1_200]);
    // 2.5 Flash: 1000 x 0.30 + 4000 x 0.03 + 1500 x 2.50 = 300 + 120 + 3750
    assert.equal(costOf(u, price('gemini-2.5-flash'), at), 4_170);
  });

  it('Gemini 2.5 Pro above 200K prompt tokens', () => {
    const u = normaliseGeminiUsage({ promptTokenCount: 250_000, candidatesTokenCount: 1_000, thoughtsTokenCount: 1_000 });
    // 250000 x 2.50 + 2000 x 15 = 625000 + 30000
    assert.equal(costOf(u, price('gemini-2.5-pro'), at), 655_000);
  });
});
