// Reads one measure.sh run's results (bench.jsonl, batched.jsonl, vram.txt) and prints the markdown table
// for docs/bench-gpu.md and the rows for src/core/runtime/measuredSpeeds.ts.
//   node bench/gpu/summarize.mjs bench/gpu/results-2026-11-30-h200
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
const lines = (f) => readFileSync(join(dir, f), 'utf8').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const tagOf = (file) => /([\d.]+b-(?:q4_0|f16)(?:-quantized)?)\.gguf$/.exec(file)[1];
const rows = new Map();
const row = (tag) => rows.get(tag) ?? rows.set(tag, { tag }).get(tag);
for (const b of lines('bench.jsonl')) {
  const r = row(tagOf(b.model_filename));
  r.type = b.model_type;
  r.bytes = b.model_size;
  r.params = b.model_n_params;
  // The first of the three repetitions carries warm-up: the median is the steady rate.
  if (b.n_prompt > 0) r.prompt = median(b.samples_ts);
  else r.decode = median(b.samples_ts);
}
for (const b of lines('batched.jsonl')) row(b.tag)[`b${b.pl}`] = b.speed_tg;
for (const l of readFileSync(join(dir, 'vram.txt'), 'utf8').split('\n').filter(Boolean)) {
  const m = /^VRAM (bench|batched)-(\S+) peak_used_mib=(\d+)/.exec(l);
  row(m[2])[m[1] === 'bench' ? 'vram' : 'vramBatched'] = Number(m[3]);
}
const f = (n, d = 0) => (n === undefined ? '—' : n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }));
console.log('| model shape | file | prompt tok/s (512) | decode tok/s (1 seq) | decode tok/s in all at 1 / 4 / 16 seqs | VRAM peak (bench / 16 seqs, 16K ctx) |');
console.log('| --- | --- | ---: | ---: | ---: | ---: |');
for (const r of rows.values()) {
  console.log(`| ${r.type}${r.tag.endsWith('quantized') ? ' (llama-quantize, cross-check)' : ''} | ${(r.bytes / 1e9).toFixed(2)} GB | ${f(r.prompt)} | ${f(r.decode, 1)} | ${[r.b1, r.b4, r.b16].map((x) => f(x)).join(' / ')} | ${f(r.vram)} / ${f(r.vramBatched)} MiB |`);
}
console.log('\n// rows for measuredSpeeds.ts');
for (const r of rows.values()) {
  if (r.tag.endsWith('quantized')) continue;
  const [size, prec] = r.tag.split('-');
  console.log(`  { distill: 'r1-distill-qwen-${size}', precision: '${prec.toUpperCase()}', fileBytes: ${r.bytes}, promptTps: ${Math.round(r.prompt)}, decodeTps: ${r.decode.toFixed(1)}, parallelDecodeTps: { 1: ${Math.round(r.b1)}, 4: ${Math.round(r.b4)}, 16: ${Math.round(r.b16)} }, vramMiB: ${r.vram}, vramMiB16Seqs: ${r.vramBatched} },`);
}
