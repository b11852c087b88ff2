// Test models for real llama.cpp inference, written rather than downloaded (no weights ship anywhere):
//   scripted   — an R1-style model that always answers `<think>…</think>` reasoning, then a short answer,
//                then end-of-sentence: deterministic, so streaming, reasoning split and usage are testable;
//   looping    — never stops (cancel and max-token tests);
//   r1-1.5b    — random weights in the real DeepSeek-R1-Distill-Qwen-1.5B shape, Q4_0 (speed only).
// All are qwen2-architecture GGUF v3 files with the R1 special tokens and the R1-Distill chat template.
// The tiny ones make generation a chain: attention and FFN add nothing to the residual stream, so the
// last token alone picks the next; each chain token's embedding is a Hadamard row (exactly orthogonal to
// the others) and the output head maps it to its successor with a logit margin of 64.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { GGML, bool, f32, fromFloats, int32s, str, strings, u32, writeGguf } from './gguf-writer.mjs';

export const WRITER_VERSION = 1;

export const SPECIAL = {
  bos: '<｜begin▁of▁sentence｜>',
  eos: '<｜end▁of▁sentence｜>',
  user: '<｜User｜>',
  assistant: '<｜Assistant｜>',
  think: '<think>',
  endThink: '</think>',
  pad: '<｜▁pad▁｜>',
};

/** The DeepSeek-R1-Distill-Qwen chat template (its generation prompt ends with `<｜Assistant｜><think>\n`). */
export const R1_DISTILL_TEMPLATE =
  "{% if not add_generation_prompt is defined %}{% set add_generation_prompt = false %}{% endif %}" +
  "{% set ns = namespace(is_first=false, is_tool=false, is_output_first=true, system_prompt='') %}" +
  "{%- for message in messages %}{%- if message['role'] == 'system' %}{% set ns.system_prompt = message['content'] %}{%- endif %}{%- endfor %}" +
  "{{bos_token}}{{ns.system_prompt}}" +
  "{%- for message in messages %}" +
  "{%- if message['role'] == 'user' %}{%- set ns.is_tool = false -%}{{'<｜User｜>' + message['content']}}{%- endif %}" +
  "{%- if message['role'] == 'assistant' and message['content'] is not none %}{% set content = message['content'] %}" +
  "{% if '</think>' in content %}{% set content = content.split('</think>')[-1] %}{% endif %}" +
  "{{'<｜Assistant｜>' + content + '<｜end▁of▁sentence｜>'}}{%- endif %}" +
  "{%- endfor -%}" +
  "{% if add_generation_prompt and not ns.is_tool %}{{'<｜Assistant｜><think>\\n'}}{% endif %}";

/** What the scripted model writes after `<think>\n` (its reasoning, `</think>`, its answer). */
export const SCRIPTED = {
  reasoning: 'Okay, the user wants me to explain this code.\n\nI should keep it short.\n',
  answer: 'This function returns its input unchanged. (Answer written by the scripted test model.)',
};

// GPT-2 byte-level BPE: every byte has a printable stand-in character.
const BYTE_CHARS = (() => {
  const keep = [];
  for (let b = 33; b <= 126; b++) keep.push(b);
  for (let b = 161; b <= 172; b++) keep.push(b);
  for (let b = 174; b <= 255; b++) keep.push(b);
  const map = new Array(256);
  let extra = 0;
  for (let b = 0; b < 256; b++) map[b] = String.fromCodePoint(keep.includes(b) ? b : 256 + extra++);
  return map;
})();
const byteLevel = (text) => [...Buffer.from(text, 'utf8')].map((b) => BYTE_CHARS[b]).join('');

// Chains of token texts (byte-level spelling). Each text appears once; `$next` of the last is given.
const SCRIPT_CHAIN = [
  'Okay', ',Ġthe', 'Ġuser', 'Ġwants', 'Ġme', 'Ġto', 'Ġexplain', 'Ġthis', 'Ġcode', '.ĊĊ',
  'I', 'Ġshould', 'Ġkeep', 'Ġit', 'Ġshort', '.Ċ', SPECIAL.endThink, 'ĊĊ',
  'This', 'Ġfunction', 'Ġreturns', 'Ġits', 'Ġinput', 'Ġunchanged', '.', 'Ġ(Answer', 'Ġwritten', 'Ġby',
  'Ġthe', 'Ġscripted', 'Ġtest', 'Ġmodel.)',
];
const LOOP_CHAIN = [SPECIAL.endThink, 'ĊĊ', 'Ġtick', 'Ġtock'];

/** Vocabulary: 256 byte tokens, the chain tokens and the merges that spell them, the special tokens. */
function vocabulary(chain) {
  const tokens = [...BYTE_CHARS];
  const types = tokens.map(() => 1);
  const index = new Map(tokens.map((t, i) => [t, i]));
  const merges = [];
  const add = (text, type = 1) => {
    if (!index.has(text)) {
      index.set(text, tokens.length);
      tokens.push(text);
      types.push(type);
    }
    return index.get(text);
  };
  for (const word of chain) {
    if (word.startsWith('<')) continue;
    const chars = [...word];
    let left = chars[0];
    for (const c of chars.slice(1)) {
      const merged = left + c;
      if (!index.has(merged)) merges.push(`${left} ${c}`);
      add(merged);
      left = merged;
    }
  }
  // Control tokens are not rendered as text; <think> and </think> are (user-defined), as in the real R1 GGUFs.
  for (const [k, text] of Object.entries(SPECIAL)) add(text, k === 'think' || k === 'endThink' ? 4 : 3);
  return { tokens, types, index, merges };
}

function hadamard(n) {
  let h = [[1]];
  while (h.length < n) h = [...h.map((r) => [...r, ...r]), ...h.map((r) => [...r, ...r.map((x) => -x)])];
  return h;
}

/** Deterministic pseudo-random numbers (xorshift32), so every run writes the same bytes. */
function rng(seed) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s / 0x1_0000_0000;
  };
}

function qwen2Metadata(name, dims, vocab) {
  return {
    'general.architecture': str('qwen2'),
    'general.name': str(name),
    'general.file_type': u32(dims.fileType),
    'qwen2.context_length': u32(dims.ctx),
    'qwen2.embedding_length': u32(dims.embd),
    'qwen2.block_count': u32(dims.layers),
    'qwen2.feed_forward_length': u32(dims.ff),
    'qwen2.attention.head_count': u32(dims.heads),
    'qwen2.attention.head_count_kv': u32(dims.kvHeads),
    'qwen2.rope.freq_base': f32(10000),
    'qwen2.attention.layer_norm_rms_epsilon': f32(1e-6),
    'general.alignment': u32(32),
    'tokenizer.ggml.model': str('gpt2'),
    'tokenizer.ggml.pre': str('deepseek-r1-qwen'),
    'tokenizer.ggml.tokens': strings(vocab.tokens),
    'tokenizer.ggml.token_type': int32s(vocab.types),
    'tokenizer.ggml.merges': strings(vocab.merges),
    'tokenizer.ggml.bos_token_id': u32(vocab.index.get(SPECIAL.bos)),
    'tokenizer.ggml.eos_token_id': u32(vocab.index.get(SPECIAL.eos)),
    'tokenizer.ggml.padding_token_id': u32(vocab.index.get(SPECIAL.pad)),
    'tokenizer.ggml.add_bos_token': bool(true),
    'tokenizer.ggml.add_eos_token': bool(false),
    'tokenizer.chat_template': str(R1_DISTILL_TEMPLATE),
  };
}

function layerTensors(dims, type, fillFor) {
  const kv = (dims.embd / dims.heads) * dims.kvHeads;
  const out = [];
  for (let l = 0; l < dims.layers; l++) {
    const p = `blk.${l}.`;
    out.push(
      { name: `${p}attn_norm.weight`, dims: [dims.embd], type: GGML.F32, fill: fillFor('ones') },
      { name: `${p}attn_q.weight`, dims: [dims.embd, dims.embd], type, fill: fillFor('random') },
      { name: `${p}attn_k.weight`, dims: [dims.embd, kv], type, fill: fillFor('random') },
      { name: `${p}attn_v.weight`, dims: [dims.embd, kv], type, fill: fillFor('random') },
      { name: `${p}attn_q.bias`, dims: [dims.embd], type: GGML.F32, fill: fillFor('zeros') },
      { name: `${p}attn_k.bias`, dims: [kv], type: GGML.F32, fill: fillFor('zeros') },
      { name: `${p}attn_v.bias`, dims: [kv], type: GGML.F32, fill: fillFor('zeros') },
      { name: `${p}attn_output.weight`, dims: [dims.embd, dims.embd], type, fill: fillFor('residual') },
      { name: `${p}ffn_norm.weight`, dims: [dims.embd], type: GGML.F32, fill: fillFor('ones') },
      { name: `${p}ffn_gate.weight`, dims: [dims.embd, dims.ff], type, fill: fillFor('random') },
      { name: `${p}ffn_up.weight`, dims: [dims.embd, dims.ff], type, fill: fillFor('random') },
      { name: `${p}ffn_down.weight`, dims: [dims.ff, dims.embd], type, fill: fillFor('residual') },
    );
  }
  return out;
}

/** A tiny chain model: `chain` follows `<｜Assistant｜>` → `<think>` → `\n`; after the last, `$next`. */
function writeChainModel(file, name, chain, next) {
  const vocab = vocabulary(chain);
  const dims = { embd: 64, layers: 2, heads: 4, kvHeads: 2, ff: 128, ctx: 4096, fileType: 0 };
  const order = [SPECIAL.assistant, SPECIAL.think, 'Ċ', ...chain];
  if (new Set(order).size !== order.length) throw new Error(`${name}: a chain token repeats`);
  if (order.length > dims.embd) throw new Error(`${name}: the chain is longer than the embedding width`);
  const h = hadamard(dims.embd);
  const n = vocab.tokens.length;
  const random = rng(0xc0575e);
  const embed = new Float32Array(n * dims.embd);
  for (let i = 0; i < embed.length; i++) embed[i] = random() < 0.5 ? -1 : 1;
  const head = new Float32Array(n * dims.embd);
  order.forEach((text, i) => {
    const id = vocab.index.get(text);
    embed.set(h[i], id * dims.embd);
    const successor = i + 1 < order.length ? order[i + 1] : next;
    const row = vocab.index.get(successor) * dims.embd;
    for (let k = 0; k < dims.embd; k++) head[row + k] += h[i][k]; // a token may have two predecessors (a loop)
  });
  const fillFor = (kind) => (view) => {
    if (kind === 'ones') for (let i = 0; i < view.length; i += 4) view.writeFloatLE(1, i);
    else if (kind === 'random') for (let i = 0; i < view.length; i += 4) view.writeFloatLE((random() - 0.5) * 0.2, i);
    else view.fill(0); // zeros, and the residual-stream writers (attention output, FFN down)
  };
  writeGguf(file, qwen2Metadata(name, dims, vocab), [
    { name: 'token_embd.weight', dims: [dims.embd, n], type: GGML.F32, fill: fromFloats(embed) },
    ...layerTensors(dims, GGML.F32, fillFor),
    { name: 'output_norm.weight', dims: [dims.embd], type: GGML.F32, fill: fillFor('ones') },
    { name: 'output.weight', dims: [dims.embd, n], type: GGML.F32, fill: fromFloats(head) },
  ]);
}

/** Random Q4_0 weights with the real R1-Distill-Qwen-1.5B dims (FACTS.md §2): ~1.1 GB, for speed only. */
function writeR1Shaped(file) {
  const dims = { embd: 1536, layers: 28, heads: 12, kvHeads: 2, ff: 8960, ctx: 131072, fileType: 2 };
  const base = vocabulary([]);
  const n = 151_936;
  const tokens = [...base.tokens];
  const types = [...base.types];
  const specials = tokens.splice(256);
  const specialTypes = types.splice(256);
  while (tokens.length < n - specials.length) { tokens.push(`tok${tokens.length}`); types.push(1); }
  tokens.push(...specials); types.push(...specialTypes);
  const vocab = { tokens, types, index: new Map(tokens.map((t, i) => [t, i])), merges: ['Ġ t', 'Ġ a'] };
  const random = rng(0x15b);
  const q4 = (view, at) => {
    // Q4_0 blocks: an f16 scale then 16 bytes of nibbles. 18-byte blocks; `at` keeps the phase.
    for (let i = 0; i < view.length; i++) {
      const k = (at + i) % 18;
      view[i] = k === 0 ? 0x1a : k === 1 ? 0x14 : (random() * 256) | 0; // scale 0x141a ≈ 0.001
    }
  };
  const fillFor = (kind) => (kind === 'ones' ? (view) => { for (let i = 0; i < view.length; i += 4) view.writeFloatLE(1, i); } : kind === 'zeros' ? (view) => view.fill(0) : q4);
  writeGguf(file, qwen2Metadata('r1-distill-qwen-1.5b-shaped (random weights)', dims, vocab), [
    { name: 'token_embd.weight', dims: [dims.embd, n], type: GGML.Q4_0, fill: q4 },
    ...layerTensors(dims, GGML.Q4_0, fillFor),
    { name: 'output_norm.weight', dims: [dims.embd], type: GGML.F32, fill: fillFor('ones') },
    { name: 'output.weight', dims: [dims.embd, n], type: GGML.Q4_0, fill: q4 },
  ]);
}

export const MODELS = {
  // Named as stand-ins for the 1.5B distill, so routing scores them as one (they are tests, not models).
  scripted: { file: `costwise-scripted-r1-distill-qwen-1.5b-v${WRITER_VERSION}.gguf`, write: (f) => writeChainModel(f, 'costwise-scripted-r1', SCRIPT_CHAIN, SPECIAL.eos) },
  looping: { file: `costwise-looping-r1-distill-qwen-1.5b-v${WRITER_VERSION}.gguf`, write: (f) => writeChainModel(f, 'costwise-looping-r1', LOOP_CHAIN, 'Ġtick') },
  'r1-1.5b': { file: `r1-distill-qwen-1.5b-shaped-q4_0-v${WRITER_VERSION}.gguf`, write: writeR1Shaped },
};

/** The path of test model `kind` in `dir`, written first if missing. */
export function ensureTestModel(kind, dir) {
  const m = MODELS[kind];
  if (!m) throw new Error(`Unknown test model "${kind}". Choose from: ${Object.keys(MODELS).join(', ')}.`);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, m.file);
  if (!existsSync(file)) m.write(file);
  return file;
}
