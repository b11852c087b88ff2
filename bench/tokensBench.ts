import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Calibration } from '../src/core/tokens/calibration';
import { ChunkedCounter } from '../src/core/tokens/chunkedCounter';
import { loadO200k } from '../src/node/gptTokenizer';
import { percentile, table, time } from './table';

const ROOT = join(__dirname, '..', '..');

/** Real source code: TypeScript's compiler, repeated to reach 10 MB. */
function source(bytes: number): string {
  const ts = readFileSync(join(ROOT, 'node_modules/typescript/lib/typescript.js'), 'utf8');
  let s = ts;
  while (s.length < bytes) s += ts;
  return s.slice(0, bytes);
}

export async function benchTokens(): Promise<void> {
  const [o200k, loadMs] = await (async () => {
    const t = performance.now();
    const tok = await loadO200k();
    tok.count('warm');
    return [tok, performance.now() - t] as const;
  })();
  const { Tiktoken } = await import('js-tiktoken/lite');
  const ranks = (await import('js-tiktoken/ranks/o200k_base')).default;
  const [tiktoken, tiktokenLoadMs] = time(() => new Tiktoken(ranks));
  tiktoken.encode('warm');

  const rows = [];
  for (const [label, bytes] of [['100 KB', 100 * 1024], ['1 MB', 1 << 20], ['10 MB', 10 << 20]] as const) {
    const text = source(bytes);
    // Median of 3 runs each, after one warm-up run on the same input.
    const median = (fn: () => number): [number, number] => {
      fn();
      const runs = [0, 1, 2].map(() => time(fn));
      runs.sort((a, b) => a[1] - b[1]);
      return runs[1]!;
    };
    const [ours, oursMs] = median(() => o200k.count(text));
    const [chunked, chunkedMs] = time(() => new ChunkedCounter(o200k).count(text));
    const [theirs, theirsMs] = median(() => tiktoken.encode(text).length);
    rows.push({
      input: label,
      'costwise ms': oursMs,
      'costwise chunked (cold) ms': chunkedMs,
      'js-tiktoken ms': theirsMs,
      speedup: `${(theirsMs / oursMs).toFixed(1)}x`,
      tokens: ours,
      'same count': ours === theirs ? 'yes' : `no (${theirs})`,
      'chunked diff': chunked - ours,
    });
  }
  rows.push({ input: 'tokenizer load', 'costwise ms': loadMs, 'costwise chunked (cold) ms': '', 'js-tiktoken ms': tiktokenLoadMs, speedup: '', tokens: '', 'same count': '', 'chunked diff': '' });
  table('Prompt token count (o200k) on real source code: gpt-tokenizer vs js-tiktoken', rows);

  // Re-count after one-character edits of a 1 MB document, as the editor would while the user types.
  const doc = source(1 << 20);
  const counter = new ChunkedCounter(o200k);
  counter.count(doc);
  const cached: number[] = [];
  const full: number[] = [];
  let text = doc;
  for (let i = 0; i < 60; i++) {
    const at = Math.floor(((i * 7919) % 1000) / 1000 * text.length);
    text = text.slice(0, at) + String.fromCharCode(97 + (i % 26)) + text.slice(at);
    cached.push(time(() => counter.count(text))[1]);
    if (i < 10) full.push(time(() => o200k.count(text))[1]);
  }
  table('Re-count of a 1 MB document after a one-character edit (60 edits)', [
    { method: 'costwise (chunk cache)', 'p50 ms': percentile(cached, 50), 'p90 ms': percentile(cached, 90), 'max ms': Math.max(...cached) },
    { method: 'full re-tokenize (gpt-tokenizer)', 'p50 ms': percentile(full, 50), 'p90 ms': percentile(full, 90), 'max ms': Math.max(...full) },
  ]);

  // Estimate error per family, measured against stand-in tokenizers (see the issue note).
  const { countTokens: cl100k } = await import('gpt-tokenizer/encoding/cl100k_base');
  const { countTokens: p50k } = await import('gpt-tokenizer/encoding/p50k_base');
  const ts = source(4 << 20);
  const sample = (i: number) => ts.slice(i * 20_000, i * 20_000 + 1_000 + ((i * 7919) % 12_000));
  const errRows = [];
  for (const [name, family, truth] of [['o200k itself (family openai)', 'openai', (s: string) => o200k.count(s)], ['cl100k stand-in (family other)', 'other', cl100k], ['p50k stand-in (family other)', 'other', p50k]] as const) {
    const cal = new Calibration();
    for (let i = 0; i < 60; i++) cal.observe(family, o200k.count(sample(i)), truth(sample(i)));
    let raw = 0;
    let calibrated = 0;
    for (let i = 100; i < 160; i++) {
      const t = truth(sample(i));
      const r = o200k.count(sample(i));
      raw += Math.abs(r - t) / t;
      calibrated += Math.abs(cal.estimate(family, r) - t) / t;
    }
    errRows.push({ 'true tokenizer': name, 'learned factor': cal.factor(family), 'raw o200k error %': (raw / 60) * 100, 'calibrated error %': (calibrated / 60) * 100 });
  }
  table('Prompt estimate error on 60 held-out code prompts after learning from 60 others', errRows);
}
