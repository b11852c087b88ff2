// A minimal GGUF v3 writer: typed key/value metadata, tensor infos and 32-byte aligned tensor data
// (F32 and Q4_0). Enough to write test models that llama.cpp loads and runs; see tiny-models.mjs.
import { closeSync, openSync, renameSync, writeSync } from 'node:fs';

const ALIGN = 32;
export const GGML = { F32: 0, F16: 1, Q4_0: 2 };
const T = { UINT32: 4, INT32: 5, FLOAT32: 6, BOOL: 7, STRING: 8, ARRAY: 9, UINT64: 10 };

/** Metadata values carry their GGUF type: `u32(4)`, `str('x')`, `arr('string', [...])`... */
export const u32 = (v) => ({ t: T.UINT32, v });
export const i32 = (v) => ({ t: T.INT32, v });
export const f32 = (v) => ({ t: T.FLOAT32, v });
export const bool = (v) => ({ t: T.BOOL, v });
export const str = (v) => ({ t: T.STRING, v });
export const strings = (v) => ({ t: T.ARRAY, el: T.STRING, v });
export const int32s = (v) => ({ t: T.ARRAY, el: T.INT32, v });

class Sink {
  constructor(fd) { this.fd = fd; this.buf = Buffer.alloc(1 << 20); this.n = 0; this.pos = 0; }
  bytes(b) {
    if (this.n + b.length > this.buf.length) this.flush();
    if (b.length > this.buf.length) { writeSync(this.fd, b); this.pos += b.length; return; }
    b.copy(this.buf, this.n); this.n += b.length; this.pos += b.length;
  }
  flush() { if (this.n) writeSync(this.fd, this.buf, 0, this.n); this.n = 0; }
  u32(v) { const b = Buffer.alloc(4); b.writeUInt32LE(v); this.bytes(b); }
  i32(v) { const b = Buffer.alloc(4); b.writeInt32LE(v); this.bytes(b); }
  u64(v) { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(v)); this.bytes(b); }
  f32(v) { const b = Buffer.alloc(4); b.writeFloatLE(v); this.bytes(b); }
  str(s) { const b = Buffer.from(s, 'utf8'); this.u64(b.length); this.bytes(b); }
  pad() { const r = this.pos % ALIGN; if (r) this.bytes(Buffer.alloc(ALIGN - r)); }
  value(t, v) {
    if (t === T.UINT32) this.u32(v);
    else if (t === T.INT32) this.i32(v);
    else if (t === T.FLOAT32) this.f32(v);
    else if (t === T.BOOL) this.bytes(Buffer.from([v ? 1 : 0]));
    else if (t === T.STRING) this.str(v);
    else throw new Error(`unsupported GGUF value type ${t}`);
  }
}

/** Bytes a tensor of `count` elements takes in `type`. */
export function tensorBytes(type, count) {
  if (type === GGML.F32) return count * 4;
  if (type === GGML.Q4_0) {
    if (count % 32) throw new Error('Q4_0 tensors need a multiple of 32 elements');
    return (count / 32) * 18;
  }
  throw new Error(`unsupported tensor type ${type}`);
}

/**
 * Writes `file` (via a temporary name, renamed when complete).
 * tensors: [{ name, dims: [ne0, ne1...], type, fill(buffer, offsetInTensor) }] — `fill` writes the
 * tensor's bytes chunk by chunk, so gigabyte tensors never sit in memory whole.
 */
export function writeGguf(file, metadata, tensors) {
  const tmp = `${file}.partial`;
  const fd = openSync(tmp, 'w');
  try {
    const s = new Sink(fd);
    s.bytes(Buffer.from('GGUF', 'latin1'));
    s.u32(3);
    s.u64(tensors.length);
    s.u64(Object.keys(metadata).length);
    for (const [key, { t, el, v }] of Object.entries(metadata)) {
      s.str(key);
      s.u32(t);
      if (t === T.ARRAY) {
        s.u32(el);
        s.u64(v.length);
        for (const x of v) s.value(el, x);
      } else s.value(t, v);
    }
    let offset = 0;
    const sized = tensors.map((t) => {
      const count = t.dims.reduce((a, b) => a * b, 1);
      const bytes = tensorBytes(t.type, count);
      const at = offset;
      offset += Math.ceil(bytes / ALIGN) * ALIGN;
      return { ...t, bytes, at };
    });
    for (const t of sized) {
      s.str(t.name);
      s.u32(t.dims.length);
      for (const d of t.dims) s.u64(d);
      s.u32(t.type);
      s.u64(t.at);
    }
    s.pad();
    const chunk = Buffer.alloc(1 << 22);
    for (const t of sized) {
      for (let done = 0; done < t.bytes; ) {
        const n = Math.min(chunk.length, t.bytes - done);
        const view = chunk.subarray(0, n);
        t.fill(view, done);
        s.bytes(view);
        done += n;
      }
      s.pad();
    }
    s.flush();
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}

/** A fill function for an F32 tensor given as a Float32Array. */
export function fromFloats(values) {
  const bytes = Buffer.from(values.buffer, values.byteOffset, values.byteLength);
  return (view, at) => bytes.copy(view, 0, at, at + view.length);
}
