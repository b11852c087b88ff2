#!/usr/bin/env python3
"""Write a random-weight GGUF with the exact tensor shapes of a DeepSeek-R1-Distill-Qwen model (qwen2).

Speed on a GPU depends on shapes and storage types, not on the weights' values, so the measured tokens/s
match the real model's at the same quantization. Q4_0 files are written already quantized (as
`llama-quantize … Q4_0` lays them out: every 2-D weight Q4_0, the output head Q6_K, norms F32), so even the
32B shape needs no 65 GB F16 intermediate. Needs llama.cpp's gguf-py on PYTHONPATH and numpy.

  python3 write_gguf.py --shape 7b --type q4_0 --out /path/7b-q4_0.gguf
"""
import argparse
import sys
import time

import numpy as np
import gguf

# From each distill's config.json (hidden, intermediate, heads, kv heads, layers, vocab, rope theta, rms eps).
SHAPES = {
    '1.5b': dict(n_embd=1536, n_ff=8960, n_head=12, n_head_kv=2, n_layer=28, n_vocab=151936, rope=10000.0, eps=1e-6),
    '7b': dict(n_embd=3584, n_ff=18944, n_head=28, n_head_kv=4, n_layer=28, n_vocab=152064, rope=10000.0, eps=1e-6),
    '14b': dict(n_embd=5120, n_ff=13824, n_head=40, n_head_kv=8, n_layer=48, n_vocab=152064, rope=1000000.0, eps=1e-5),
    '32b': dict(n_embd=5120, n_ff=27648, n_head=40, n_head_kv=8, n_layer=64, n_vocab=152064, rope=1000000.0, eps=1e-5),
    # A tiny shape for checking the writer where there is no GPU (loads in node-llama-cpp on a CPU).
    'tiny': dict(n_embd=256, n_ff=512, n_head=4, n_head_kv=2, n_layer=2, n_vocab=1024, rope=10000.0, eps=1e-6),
}

Q = gguf.GGMLQuantizationType
BLOCK = {Q.Q4_0: (32, 18), Q.Q6_K: (256, 210), Q.F16: (1, 2), Q.F32: (1, 4)}
POOL_BYTES = 64 << 20


def make_pool(kind: Q, rng: np.random.Generator) -> np.ndarray:
    """A pool of valid random blocks of one type; tensors are written as slices of it (cyclically)."""
    if kind == Q.F16:
        return (rng.standard_normal(POOL_BYTES // 2, dtype=np.float32) * 0.02).astype(np.float16).view(np.uint8)
    qk, size = BLOCK[kind]
    n = POOL_BYTES // size
    blocks = rng.integers(0, 256, size=(n, size), dtype=np.uint8)
    if kind == Q.Q4_0:  # d (f16) first, then 16 bytes of nibbles
        blocks[:, 0:2] = np.frombuffer(np.float16(0.002).tobytes(), np.uint8)
    else:  # Q6_K: ql[128] qh[64] scales[16] (int8) d (f16) last
        blocks[:, 192:208] = rng.integers(-8, 8, size=(n, 16), dtype=np.int8).view(np.uint8)
        blocks[:, 208:210] = np.frombuffer(np.float16(0.0005).tobytes(), np.uint8)
    return blocks.reshape(-1)


def tensors(s: dict, weight: Q):
    e, f, hd = s['n_embd'], s['n_ff'], s['n_embd'] // s['n_head']
    kv = s['n_head_kv'] * hd
    head = Q.Q6_K if weight == Q.Q4_0 else weight
    yield 'token_embd.weight', (s['n_vocab'], e), weight
    for i in range(s['n_layer']):
        p = f'blk.{i}.'
        yield p + 'attn_norm.weight', (e,), Q.F32
        yield p + 'attn_q.weight', (e, e), weight
        yield p + 'attn_q.bias', (e,), Q.F32
        yield p + 'attn_k.weight', (kv, e), weight
        yield p + 'attn_k.bias', (kv,), Q.F32
        yield p + 'attn_v.weight', (kv, e), weight
        yield p + 'attn_v.bias', (kv,), Q.F32
        yield p + 'attn_output.weight', (e, e), weight
        yield p + 'ffn_norm.weight', (e,), Q.F32
        yield p + 'ffn_gate.weight', (f, e), weight
        yield p + 'ffn_up.weight', (f, e), weight
        yield p + 'ffn_down.weight', (e, f), weight
    yield 'output_norm.weight', (e,), Q.F32
    yield 'output.weight', (s['n_vocab'], e), head


def nbytes(shape, kind: Q) -> int:
    qk, size = BLOCK[kind]
    n = int(np.prod(shape))
    assert n % qk == 0 and shape[-1] % qk == 0, (shape, kind)
    return n // qk * size


def vocab(n: int):
    # GPT-2 byte-level symbols for the 256 bytes, then unique fillers up to the real vocabulary size.
    bs = list(range(ord('!'), ord('~') + 1)) + list(range(ord('¡'), ord('¬') + 1)) + list(range(ord('®'), ord('ÿ') + 1))
    cs, k = bs[:], 0
    for b in range(256):
        if b not in bs:
            bs.append(b); cs.append(256 + k); k += 1
    toks = [chr(c) for c in cs]
    special = ['<｜begin▁of▁sentence｜>', '<｜end▁of▁sentence｜>', '<｜User｜>', '<｜Assistant｜>', '<think>', '</think>']
    fill = n - len(toks) - len(special)
    toks += [f'<filler_{i}>' for i in range(fill)] + special
    types = [gguf.TokenType.NORMAL] * (n - len(special)) + [gguf.TokenType.CONTROL] * len(special)
    return toks, types, n - len(special)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument('--shape', choices=SHAPES, required=True)
    ap.add_argument('--type', choices=['q4_0', 'f16'], required=True)
    ap.add_argument('--out', required=True)
    a = ap.parse_args()
    s, weight = SHAPES[a.shape], (Q.Q4_0 if a.type == 'q4_0' else Q.F16)
    t0 = time.time()
    w = gguf.GGUFWriter(a.out, 'qwen2')
    w.add_name(f'random-weight DeepSeek-R1-Distill-Qwen-{a.shape} shape')
    w.add_context_length(131072)
    w.add_embedding_length(s['n_embd'])
    w.add_block_count(s['n_layer'])
    w.add_feed_forward_length(s['n_ff'])
    w.add_head_count(s['n_head'])
    w.add_head_count_kv(s['n_head_kv'])
    w.add_rope_freq_base(s['rope'])
    w.add_layer_norm_rms_eps(s['eps'])
    w.add_file_type(gguf.LlamaFileType.MOSTLY_Q4_0 if weight == Q.Q4_0 else gguf.LlamaFileType.MOSTLY_F16)
    toks, types, first_special = vocab(s['n_vocab'])
    w.add_tokenizer_model('gpt2')
    w.add_tokenizer_pre('deepseek-r1-qwen')
    w.add_token_list(toks)
    w.add_token_types(types)
    w.add_token_merges(['Ġ Ġ'])
    w.add_bos_token_id(first_special)
    w.add_eos_token_id(first_special + 1)
    w.add_add_bos_token(True)
    plan = list(tensors(s, weight))
    for name, shape, kind in plan:
        w.add_tensor_info(name, shape, np.dtype(np.float32 if kind == Q.F32 else np.float16), nbytes(shape, kind),
                          raw_dtype=None if kind in (Q.F32, Q.F16) else kind)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_ti_data_to_file()
    fout = w.fout[0]
    rng = np.random.default_rng(17)
    pools = {k: make_pool(k, rng) for k in {kind for _, _, kind in plan} if k != Q.F32}
    total = 0
    for name, shape, kind in plan:
        n = nbytes(shape, kind)
        w.write_padding(fout, fout.tell())
        if kind == Q.F32:
            fout.write((np.ones(shape, np.float32) if name.endswith('norm.weight') else np.zeros(shape, np.float32)).tobytes())
        else:
            pool = pools[kind]
            step = len(pool) - len(pool) % BLOCK[kind][1]
            left = n
            while left:
                k = min(left, step)
                fout.write(memoryview(pool)[:k])
                left -= k
        w.write_padding(fout, n)
        total += n
    w.close()
    print(f'{a.out}: {a.shape} {a.type} {len(plan)} tensors, {total / 1e9:.2f} GB of weights in {time.time() - t0:.1f} s', flush=True)


if __name__ == '__main__':
    sys.exit(main())
