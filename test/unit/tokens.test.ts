import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Calibration, PRIOR_FACTORS } from '../../src/core/tokens/calibration';
import { ChunkedCounter, chunks, type Tokenizer } from '../../src/core/tokens/chunkedCounter';
import { familyOf } from '../../src/core/tokens/modelFamily';
import { OutputEstimator } from '../../src/core/tokens/outputEstimator';
import { loadO200k } from '../../src/node/gptTokenizer';

const ROOT = join(__dirname, '..', '..', '..');
// Real source code: TypeScript's own compiler, as shipped.
const SOURCE = readFileSync(join(ROOT, 'node_modules/typescript/lib/typescript.js'), 'utf8');

function counting(t: Tokenizer): Tokenizer & { calls: number; chars: number } {
  const c = { calls: 0, chars: 0, count: (s: string) => (c.calls++, (c.chars += s.length), t.count(s)) };
  return c;
}

describe('token estimates', function () {
  this.timeout(30_000);
  let o200k: Tokenizer;
  before(async () => (o200k = await loadO200k()));

  it('chunks cover the text exactly, end at line breaks and stay within bounds', () => {
    const text = SOURCE.slice(0, 300_000);
    const parts = [...chunks(text)];
    assert.equal(parts.join(''), text);
    for (const p of parts.slice(0, -1)) {
      assert.ok(p.endsWith('\n') || p.length >= 32768, 'ends at a line break');
      assert.ok(p.length >= 2048 && p.length <= 32768 + 20_000, `size ${p.length}`);
    }
  });

  it('chunked counts match a whole-text count within 0.1 %', () => {
    const text = SOURCE.slice(0, 1 << 20);
    const whole = o200k.count(text);
    const chunked = new ChunkedCounter(o200k).count(text);
    assert.ok(Math.abs(chunked - whole) / whole < 0.001, `${chunked} vs ${whole}`);
  });

  it('a one-character edit re-tokenizes only the chunk around it', () => {
    const tok = counting(o200k);
    const counter = new ChunkedCounter(tok);
    const text = SOURCE.slice(0, 1 << 20);
    const first = counter.count(text);
    const before = tok.chars;
    const at = 500_000;
    const edited = text.slice(0, at) + 'x' + text.slice(at);
    const second = counter.count(edited);
    assert.ok(tok.chars - before < 70_000, `re-tokenized ${tok.chars - before} characters`);
    assert.ok(Math.abs(second - first) <= 2);
    assert.equal(counter.count(edited), second, 'stable');
  });

  it('calibration converges on another family’s tokenizer (p50k standing in) and reports the error', async () => {
    const { countTokens: p50k } = await import('gpt-tokenizer/encoding/p50k_base');
    const cal = new Calibration();
    // Prompts of real code of varied size: estimate with o200k, "report" with the other tokenizer.
    const sample = (i: number) => SOURCE.slice(i * 20_000, i * 20_000 + 1_000 + ((i * 7919) % 12_000));
    for (let i = 0; i < 40; i++) cal.observe('other', o200k.count(sample(i)), p50k(sample(i)));
    const r = cal.report().find((x) => x.family === 'other')!;
    assert.equal(r.samples, 40);
    assert.ok(Math.abs(r.factor - PRIOR_FACTORS.other) > 0.02, `learned (${r.factor}), not the prior`);
    // On 40 held-out prompts, calibrated estimates are closer to the truth than raw o200k counts.
    let rawErr = 0;
    let calErr = 0;
    for (let i = 100; i < 140; i++) {
      const truth = p50k(sample(i));
      const raw = o200k.count(sample(i));
      rawErr += Math.abs(raw - truth) / truth;
      calErr += Math.abs(cal.estimate('other', raw) - truth) / truth;
    }
    assert.ok(calErr < rawErr / 2, `held-out error: calibrated ${(calErr / 40).toFixed(3)} vs raw ${(rawErr / 40).toFixed(3)}`);
    assert.ok(r.calibratedError < r.rawError, `in-sample error ${r.calibratedError} < ${r.rawError}`);
  });

  it('names the tokenizer family of a model', () => {
    assert.equal(familyOf('o4-mini', 'openai'), 'openai');
    assert.equal(familyOf('claude-sonnet-4-5', 'anthropic'), 'anthropic');
    assert.equal(familyOf('deepseek-r1:7b', 'local'), 'qwen');
    assert.equal(familyOf('DeepSeek-R1-Distill-Llama-8B-Q4_K_M', 'local'), 'llama');
    assert.equal(familyOf('mystery', 'custom'), 'other');
  });

  it('expects far more output from reasoning models, and learns from history', () => {
    const out = new OutputEstimator();
    assert.ok(out.expected('explain', 'deepseek-reasoner', true, 64_000) > 3 * out.expected('explain', 'deepseek-chat', false, 8_000));
    for (let i = 0; i < 50; i++) out.observe('explain', 'deepseek-chat', 200);
    const learned = out.expected('explain', 'deepseek-chat', false, 8_000);
    assert.ok(learned < 260 && learned > 200, String(learned));
    assert.equal(out.expected('explain', 'x', true, 1000), 1000, 'capped at the model’s max output');
  });
});
