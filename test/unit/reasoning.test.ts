import * as assert from 'node:assert/strict';
import { ThinkTagSplitter, type Piece } from '../../src/providers/reasoning';
import { normaliseOpenAIUsage } from '../../src/providers/usage';

function split(chunks: string[], prefilled = false): { reasoning: string; text: string } {
  const s = new ThinkTagSplitter(prefilled);
  const pieces: Piece[] = [...chunks.flatMap((c) => s.push(c)), ...s.end()];
  return {
    reasoning: pieces.filter((p) => p.kind === 'reasoning').map((p) => p.text).join(''),
    text: pieces.filter((p) => p.kind === 'text').map((p) => p.text).join(''),
  };
}

describe('reasoning parsing', () => {
  it('separates an inline <think> block', () => {
    assert.deepEqual(split(['<think>\nplan</think>\n\nanswer']), { reasoning: 'plan', text: 'answer' });
  });

  it('handles tags split across chunks, character by character', () => {
    const whole = '<think>\nweigh options</think>\n\nThe answer.';
    assert.deepEqual(split([...whole]), { reasoning: 'weigh options', text: 'The answer.' });
  });

  it('handles a pre-filled <think> (only the closing tag arrives)', () => {
    assert.deepEqual(split(['step 1, step 2', '</think>', 'done'], true), { reasoning: 'step 1, step 2', text: 'done' });
  });

  it('passes plain answers through and strips stray end-of-sentence tokens', () => {
    assert.deepEqual(split(['Just ', 'text.<｜end▁of▁', 'sentence｜>']), { reasoning: '', text: 'Just text.' });
  });

  it('keeps "<" that is not a tag', () => {
    assert.deepEqual(split(['a <', ' b']), { reasoning: '', text: 'a < b' });
    assert.deepEqual(split(['<', 'b>bold']), { reasoning: '', text: '<b>bold' });
  });
});

describe('OpenAI-compatible usage normalisation', () => {
  it('moves cached tokens out of prompt_tokens (OpenAI)', () => {
    const u = normaliseOpenAIUsage({ prompt_tokens: 2000, completion_tokens: 900, prompt_tokens_details: { cached_tokens: 1024 }, completion_tokens_details: { reasoning_tokens: 640 } });
    assert.deepEqual(u, { inputTokens: 976, cachedReadTokens: 1024, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, outputTokens: 900, reasoningTokens: 640, source: 'reported' });
  });

  it('reads DeepSeek cache hit/miss tokens', () => {
    const u = normaliseOpenAIUsage({ prompt_tokens: 120, completion_tokens: 45, prompt_cache_hit_tokens: 64, prompt_cache_miss_tokens: 56 });
    assert.equal(u.inputTokens, 56);
    assert.equal(u.cachedReadTokens, 64);
  });

  it('tolerates missing and null details', () => {
    const u = normaliseOpenAIUsage({ prompt_tokens: 10, completion_tokens: 5, prompt_tokens_details: null, completion_tokens_details: { reasoning_tokens: null } });
    assert.equal(u.inputTokens, 10);
    assert.equal(u.reasoningTokens, 0);
  });
});
